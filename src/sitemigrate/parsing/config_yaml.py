"""Round-trip YAML for ``_config.yml``: one ruamel.yaml setup shared by every writer.

Writers merge their keys into a theme's existing config so its comments and order survive.
Using the same settings for the fresh file and for every merge makes a merge into our own
output byte-identical, so running a migration twice reports no change.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from ..diagnostics import TOO_DEEP
from .yamlio import YamlError, check_limits


def config_yaml() -> YAML:
    yaml = YAML()  # round-trip mode: comments, order and quoting kept
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_config(data: bytes | str) -> CommentedMap | None:
    """An existing config as a comment-keeping map; ``None`` for an empty document (blank or
    comments only: there is nothing to merge into).

    Raises ``YamlError`` when it does not parse or is not a map (SM101), or nests too deep
    or expands too many aliases (SM505, SM502: checked before ruamel.yaml parses it).
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    check_limits(text)
    try:
        loaded = config_yaml().load(text)
    except (YAMLError, ValueError) as exc:
        first = str(exc).strip().splitlines()
        raise YamlError("invalid YAML" + (f": {first[0]}" if first else "")) from None
    except RecursionError:
        raise YamlError("nesting too deep", None, TOO_DEEP) from None
    if loaded is None:
        return None
    if not isinstance(loaded, CommentedMap):
        raise YamlError("not a key: value map", 1)
    return loaded


def dump_config(data: dict[str, Any]) -> str:
    out = io.StringIO()
    config_yaml().dump(data if isinstance(data, CommentedMap) else CommentedMap(data), out)
    return out.getvalue()


def merge_config(config: CommentedMap, values: Mapping[str, Any], *,
                 optional: Collection[str] = (), extend: Collection[str] = (),
                 merge: Collection[str] = (), add: Collection[str] = ()) -> CommentedMap:
    """Merge a writer's ``values`` into an existing config, in place; the one merge every
    writer uses.  Per key, in this order:

    * ``None`` is no value: the config keeps what it has;
    * a key in ``optional`` whose value is empty text leaves a key the config has as it is
      (an unknown email or URL neither blanks the theme's own nor rewrites its empty one);
    * a key in ``extend`` whose two values are lists: the config's list gains our items it
      lacks, in our order;
    * a key in ``merge`` whose two values are maps: each of our sub-keys by the default rule;
    * a key in ``add`` whose two values are maps: only the sub-keys the config lacks;
    * by default our value replaces the config's when the two differ (an equal value is
      left alone, so its quoting survives).
    """
    for key, value in values.items():
        current = config.get(key)
        if value is None or (key in optional and value == "" and key in config):
            continue
        if key in extend and isinstance(current, list) and isinstance(value, list):
            current.extend(v for v in value if v not in current)
        elif key in merge and isinstance(current, dict) and isinstance(value, dict):
            for sub_key, sub_value in value.items():
                if current.get(sub_key) != sub_value or sub_key not in current:
                    current[sub_key] = sub_value
        elif key in add and isinstance(current, dict) and isinstance(value, dict):
            for sub_key, sub_value in value.items():
                if sub_key not in current:
                    current[sub_key] = sub_value
        elif current != value or key not in config:
            config[key] = value
    return config
