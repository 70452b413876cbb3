"""Per-theme data from ``converters/``: sample content to remove, keys layouts need."""

from __future__ import annotations

import fnmatch
from functools import cache
from typing import Any

from .parsing.yamlio import load_yaml
from .resources import shipped_path


@cache
def converter(theme: str) -> dict[str, Any]:
    """The facts of ``theme``.  A theme with several versions (``versions:`` in its file)
    is named ``theme@version`` (``al-folio@0.x``); the bare name is its ``current`` version.
    Its facts are the file's shared keys plus those of that version, and ``version``."""
    name, _, wanted = theme.partition("@")
    data = _file(name)
    versions = data.get("versions")
    if not isinstance(versions, dict):
        if wanted:
            raise ValueError(f"converters/{name}.yml: {name} has no versions ({theme!r})")
        return data
    version = version_key(versions, wanted or str(data.get("current")))
    if version is None:
        raise ValueError(f"converters/{name}.yml: no version {wanted!r} of {name}; "
                         f"known: {', '.join(map(str, versions))}")
    shared = {k: v for k, v in data.items() if k not in ("versions", "current")}
    return {**shared, **versions[version], "version": version}


@cache
def kind_fact(kind: str, key: str) -> Any:
    """The fact ``key`` of a source kind's converters file; None for a kind without one
    (bibtex, csl, plain…) or without that key."""
    try:
        return converter(kind).get(key)
    except (OSError, ValueError):
        return None


def version_key(versions: dict[Any, Any], wanted: str) -> str | None:
    """The key of ``versions`` that ``wanted`` names (``1``, ``v1`` and ``1.x`` name ``1``)."""
    spelled = {str(key): str(key) for key in versions}
    for key in list(spelled):
        spelled.setdefault(f"v{key}", key)
        spelled.setdefault(key.removesuffix(".x"), key)
        spelled.setdefault(f"{key.removesuffix('.x')}.x", key)
    return spelled.get(wanted) or spelled.get(wanted.lower())


def theme_versions(theme: str) -> list[str]:
    """The versions ``converters/<theme>.yml`` describes, current first; ``[]`` when none."""
    data = _file(theme.partition("@")[0])
    versions = data.get("versions")
    if not isinstance(versions, dict):
        return []
    current = str(data.get("current"))
    return [current] + [str(v) for v in versions if str(v) != current]


@cache
def _file(theme: str) -> dict[str, Any]:
    path = shipped_path("converters") / f"{theme}.yml"
    data = load_yaml(path.read_text(encoding="utf-8")).data
    if not isinstance(data, dict) or data.get("theme") != theme:
        raise ValueError(f"{path}: not a mapping with theme: {theme}")
    return data


def matches(rel: str, patterns: list[str]) -> bool:
    """Glob match on POSIX relative paths (``*`` also crosses ``/``, as in fnmatch)."""
    return any(fnmatch.fnmatchcase(rel, pattern) for pattern in patterns)
