"""The keys a user set in the old ``_config.yml``, merged into the new version's.

A key is the user's when its value differs from the one the base version ships (by hash,
``versions.config_hashes``), or when the theme never had it.  Such a key is renamed when the
new version renamed it (``upgrade.renamed``), reported when the new version keeps it
elsewhere (``upgrade.moved``) or no longer reads it, and otherwise written into the new
config; the new config's comments and order stay, and a value the writer set from the
content is left as the writer wrote it.  Maps the theme ships (``author:``) are merged key
by key, one level down.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap

from .versions import CONFIG_PREFIX, VersionTable, value_hash

_MISSING = object()


@dataclass(slots=True)
class ConfigMerge:
    text: str | None = None  #: the merged config, or ``None`` when nothing could be merged
    carried: list[str] = field(default_factory=list)  #: dotted keys written from the user's
    by_writer: list[str] = field(default_factory=list)  #: user keys the writer set itself
    renamed: list[tuple[str, str]] = field(default_factory=list)  #: (old, new)
    moved: list[tuple[str, str]] = field(default_factory=list)  #: (key, where it lives now)
    dropped: list[str] = field(default_factory=list)  #: user-set keys the new version lacks
    defaults_dropped: list[str] = field(default_factory=list)  #: unchanged keys it lacks
    lines: dict[str, int] = field(default_factory=dict)  #: top-level key -> line in the old
    checks: list[str] = field(default_factory=list)  #: carried values to check (their form)


def get_path(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def set_path(data: CommentedMap, path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = CommentedMap()
            node[part] = child
        node = child
    node[parts[-1]] = value


def delete_path(data: Any, path: str) -> None:
    parent_path, _, last = path.rpartition(".")
    parent = get_path(data, parent_path) if parent_path else data
    if isinstance(parent, dict) and last in parent:
        del parent[last]


def _renamed(path: str, renames: Mapping[str, str]) -> str:
    """``path`` under the new version's name: an exact rename, else one of its top key."""
    if path in renames:
        return renames[path]
    head, _, rest = path.partition(".")
    if rest and head in renames:
        return f"{renames[head]}.{rest}"
    return path


def user_settings(old: Mapping[str, Any], table: VersionTable | None,
                  base: int | None) -> list[tuple[str, Any]]:
    """(dotted key, value) of every setting the user made: a top-level key, or for a map
    the theme ships, each of its keys the user set."""
    out: list[tuple[str, Any]] = []
    for key, value in old.items():
        name = str(key)
        theme_had = table is not None and table.known(CONFIG_PREFIX + name)
        if isinstance(value, Mapping) and theme_had:
            for sub, sub_value in value.items():
                dotted = f"{name}.{sub}"
                if _user_set(dotted, sub_value, table, base):
                    out.append((dotted, sub_value))
        elif _user_set(name, value, table, base):
            out.append((name, value))
    return out


def _user_set(path: str, value: Any, table: VersionTable | None, base: int | None) -> bool:
    """Whether the user set this value: the theme never had the key, or no version (the
    base, or any other the fork may have taken files from) had this value."""
    if table is None or not table.known(CONFIG_PREFIX + path):
        return True  # the theme never had this key: the user's own
    digest = value_hash(value)
    if base is not None and digest == table.hash_at(CONFIG_PREFIX + path, base):
        return False
    return not table.is_theme_hash(CONFIG_PREFIX + path, digest)


def _own_items(path: str, value: list[Any], table: VersionTable | None) -> list[Any]:
    """The items of a list the user added: none of the theme's versions had them."""
    return [item for item in value if not (
        isinstance(item, str) and table is not None
        and table.known(f"{CONFIG_PREFIX}{path}[{item}]"))]


def merge_user_config(old: CommentedMap, new_original: Mapping[str, Any],
                      written: CommentedMap, facts: Mapping[str, Any],
                      table: VersionTable | None, base: int | None, *,
                      refused: Collection[str] = ()) -> ConfigMerge:
    """Merge the user's settings of ``old`` into ``written`` (the writer's config on the new
    version's, changed in place) and say what happened to each; ``refused`` keys (the
    writer left them out on purpose and said so) are not carried."""
    result = ConfigMerge()
    renames: dict[str, str] = {str(k): str(v) for k, v in (facts.get("renamed") or {}).items()}
    moved: dict[str, str] = {str(k): str(v) for k, v in (facts.get("moved") or {}).items()}
    for path, value in user_settings(old, table, base):
        if path.partition(".")[0] in refused:
            continue
        target = path
        if get_path(new_original, path) is _MISSING:
            target = _renamed(path, renames)
            if target != path:
                result.renamed.append((path, target))
                _forget(written, path, value)  # the writer may have passed it through
        head = target.partition(".")[0]
        if get_path(new_original, target) is _MISSING and (target in moved or head in moved):
            result.moved.append((target, moved.get(target) or moved[head]))
            _forget(written, path, value)
            continue
        theme_key = table is not None and (table.known(CONFIG_PREFIX + target)
                                           or table.known(CONFIG_PREFIX + path))
        if get_path(new_original, target) is _MISSING and theme_key:
            result.dropped.append(path)
            _forget(written, path, value)
            continue
        now = get_path(written, target)
        if isinstance(value, list) and isinstance(now, list) \
                and isinstance(get_path(new_original, target), list):
            # the new version's list (as the writer left it) plus the user's own items;
            # items of older versions the new one dropped stay out and are reported
            extra = [item for item in _own_items(path, value, table) if item not in now]
            gone = [item for item in value if item not in now and item not in extra]
            if extra:
                now.extend(copy.deepcopy(extra))
                result.carried.append(target)
            result.dropped.extend(f"{path}[{item}]" for item in gone
                                  if isinstance(item, str | int | float))
            continue
        if now is not _MISSING and value_hash(now) == value_hash(value):
            result.carried.append(target)  # the writer carried it already
            continue
        if now is not _MISSING and now != get_path(new_original, target):
            result.by_writer.append(target)  # the writer set it from the content
            continue
        set_path(written, target, copy.deepcopy(value))
        result.carried.append(target)
    _restore_cleared(old, new_original, written)
    if table is not None and base is not None:
        for path in sorted(table.hashes):
            key = path[len(CONFIG_PREFIX):]
            if not path.startswith(CONFIG_PREFIX) or "." in key or key not in old:
                continue
            if key in result.dropped or get_path(new_original, key) is not _MISSING:
                continue
            if any(p == key or p.startswith(key + ".") for p in result.dropped) \
                    or key in renames or key in moved:
                continue
            if not _user_set(key, old[key], table, base):
                result.defaults_dropped.append(key)
    return result


def _forget(written: CommentedMap, path: str, value: Any) -> None:
    """Remove ``path`` from the writer's config when it is the user's value passed through."""
    now = get_path(written, path)
    if now is not _MISSING and value_hash(now) == value_hash(value):
        delete_path(written, path)


def _restore_cleared(old: Mapping[str, Any], new_original: Mapping[str, Any],
                     written: CommentedMap) -> None:
    """A template value the user kept (``avatar: profile.png``) stays: the writer clears
    template sample values a migrated site does not set, but this site had it."""
    for key, value in old.items():
        subs = value.items() if isinstance(value, Mapping) else [(None, value)]
        for sub, sub_value in subs:
            path = str(key) if sub is None else f"{key}.{sub}"
            if sub_value in (None, "") or get_path(written, path) is not None:
                continue
            if get_path(new_original, path) == sub_value:
                set_path(written, path, copy.deepcopy(sub_value))
