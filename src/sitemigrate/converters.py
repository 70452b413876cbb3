"""Per-theme data from ``converters/``: sample content to remove, keys layouts need."""

from __future__ import annotations

import fnmatch
from functools import cache
from typing import Any

from .parsing.yamlio import load_yaml
from .resources import shipped_path


@cache
def converter(theme: str) -> dict[str, Any]:
    path = shipped_path("converters") / f"{theme}.yml"
    data = load_yaml(path.read_text(encoding="utf-8")).data
    if not isinstance(data, dict) or data.get("theme") != theme:
        raise ValueError(f"{path}: not a mapping with theme: {theme}")
    return data


def matches(rel: str, patterns: list[str]) -> bool:
    """Glob match on POSIX relative paths (``*`` also crosses ``/``, as in fnmatch)."""
    return any(fnmatch.fnmatchcase(rel, pattern) for pattern in patterns)
