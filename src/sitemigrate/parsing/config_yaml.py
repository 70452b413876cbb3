"""Round-trip YAML for ``_config.yml``: one ruamel.yaml setup shared by every writer.

Writers merge their keys into a theme's existing config so its comments and order survive.
Using the same settings for the fresh file and for every merge makes a merge into our own
output byte-identical, so running a migration twice reports no change.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from .yamlio import YamlError, check_limits


def config_yaml() -> YAML:
    yaml = YAML()  # round-trip mode: comments, order and quoting kept
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_config(data: bytes | str) -> CommentedMap:
    """An existing config as a comment-keeping map.

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
        raise YamlError("nesting too deep", None, "SM505") from None
    if not isinstance(loaded, CommentedMap):
        raise YamlError("not a key: value map", 1)
    return loaded


def dump_config(data: dict[str, Any]) -> str:
    out = io.StringIO()
    config_yaml().dump(data if isinstance(data, CommentedMap) else CommentedMap(data), out)
    return out.getvalue()
