"""``migrate --onto THEME_DIR``: start from a checkout of the target theme.

The checkout is only read.  Its files become the base of the planned file set, minus the
theme's own example content (listed per theme in ``converters/<theme>.yml``); the writer's
files are laid on top, and the writer merges ``_config.yml`` with the checkout's own.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .converters import converter, matches
from .fileset import FileSet
from .parsing.config_yaml import dump_config, load_config
from .parsing.text import read_regular
from .parsing.yamlio import YamlError


@dataclass(slots=True)
class ThemeBase:
    files: FileSet
    removed: list[str] = field(default_factory=list)  #: example content left out
    skipped: list[str] = field(default_factory=list)  #: symlinks and unreadable files


def theme_base(theme_dir: Path, theme: str) -> ThemeBase:
    """The checkout's files without its sample content, never following symlinks."""
    conf = converter(theme)
    samples: list[str] = conf.get("sample_content", [])
    never: list[str] = conf.get("never_copy", [])
    root = theme_dir.resolve()
    base = ThemeBase(FileSet())
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if matches(rel, never):
                continue
            if matches(rel, samples):
                base.removed.append(rel)
                continue
            if path.is_symlink():
                base.skipped.append(rel)
                continue
            try:
                base.files.add(rel, read_regular(path))
            except (OSError, ValueError):
                base.skipped.append(rel)
    return base


def drop_shadowed_pages(base: FileSet, written: FileSet) -> list[tuple[str, str]]:
    """Remove theme pages whose permalink a migrated page takes; return (removed, by) pairs.

    Two files with one permalink make Jekyll write whichever comes last; the migrated page
    is the user's content, so it wins.
    """
    taken = {link: rel for rel, link in _permalinks(written).items()}
    dropped: list[tuple[str, str]] = []
    for rel, link in _permalinks(base).items():
        if rel not in written and link in taken:
            base.remove(rel)
            dropped.append((rel, taken[link]))
    return dropped


def _permalinks(files: FileSet) -> dict[str, str]:
    from .common.urls import url_key
    from .parsing.front_matter import split_front_matter

    links: dict[str, str] = {}
    for rel, data in files.items():
        if not rel.endswith((".md", ".markdown", ".html")) or not data.startswith(b"---"):
            continue
        meta = split_front_matter(data.decode("utf-8", "replace")).meta
        permalink = meta.get("permalink")
        if isinstance(permalink, str) and permalink:
            links[rel] = url_key(permalink, keep_case=True)
    return links


def clear_sample_values(files: FileSet, theme: str) -> list[str]:
    """Clear the theme's sample profile values (``sample_values`` in its converters data) that
    the migrated site left as they are; return the dotted keys cleared, as ``file: key``.

    In ``_config.yml`` the value becomes empty (the key and its comment stay, for the user
    to fill in); in a data file the key goes, since layouts show every key of it."""
    cleared: list[str] = []
    for rel, samples in (converter(theme).get("sample_values") or {}).items():
        data = files.get(rel)
        try:
            loaded = load_config(data) if data is not None else None
        except YamlError:  # the writer reported an unreadable config; nothing to clear
            continue
        if loaded is None:
            continue
        in_config = rel == "_config.yml"
        changed = [key for key, sample in samples.items()
                   if _clear(loaded, key.split("."), sample, keep_key=in_config)]
        if changed:
            files.add(rel, dump_config(loaded))
            cleared.extend(f"{rel}: {key}" for key in changed)
    return cleared


def _clear(mapping: Any, path: list[str], sample: Any, *, keep_key: bool) -> bool:
    head, rest = path[0], path[1:]
    if not isinstance(mapping, dict) or head not in mapping:
        return False
    if rest:
        done = _clear(mapping[head], rest, sample, keep_key=keep_key)
        if done and not keep_key and not mapping[head]:
            del mapping[head]
        return done
    if mapping[head] != sample:
        return False
    if keep_key:
        mapping[head] = None
    else:
        del mapping[head]
    return True


SAMPLE_TEXT_WHY = ("the template's own lab name, funding and address replaced by this site's "
                   "(or removed)")


def clear_sample_text(files: FileSet, theme: str) -> list[tuple[str, str]]:
    """Rewrite the template's own text in its includes (``sample_text`` in its converters
    data: the Allan lab template names its lab, funding and address in the HTML; the
    academicpages sidebar shows an avatar image even when none is set); return each file
    changed with why.  A pattern that does not match (another version) changes nothing."""
    changed: dict[str, str] = {}
    for rule in converter(theme).get("sample_text") or []:
        rel = str(rule["file"])
        data = files.get(rel)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        new = re.sub(str(rule["pattern"]), str(rule["replace"]), text, flags=re.S)
        if new != text:
            files.add(rel, new)
            changed.setdefault(rel, str(rule.get("why") or SAMPLE_TEXT_WHY))
    return list(changed.items())
