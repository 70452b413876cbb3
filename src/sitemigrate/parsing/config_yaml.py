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


def config_yaml() -> YAML:
    yaml = YAML()  # round-trip mode: comments, order and quoting kept
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_config(data: bytes | str | None) -> CommentedMap | None:
    """An existing config as a comment-keeping map; ``None`` when absent or not a mapping."""
    if data is None:
        return None
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    try:
        loaded = config_yaml().load(text)
    except (YAMLError, ValueError, RecursionError):
        return None
    return loaded if isinstance(loaded, CommentedMap) else None


def dump_config(data: dict[str, Any]) -> str:
    out = io.StringIO()
    config_yaml().dump(data if isinstance(data, CommentedMap) else CommentedMap(data), out)
    return out.getvalue()
