"""The settings a theme's own ``_config.yml`` holds that its layouts and pages need.

A migration without ``--onto`` writes an overlay: copied over a fresh checkout of the theme,
its ``_config.yml`` replaces the theme's.  So a fresh config gets the theme's structural
settings (``include:`` folders such as ``_pages``, page ``defaults:``, plugins…), listed as
``site_config`` in ``converters/<theme>.yml``.  A config merged into an existing file (the
output folder's, or the checkout's with ``--onto``) keeps its own settings; only the
``include:`` folders the written files live in are added, or Jekyll would skip them.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from typing import Any

from ..converters import converter


def theme_settings(theme: str) -> dict[str, Any]:
    settings = converter(theme).get("site_config") or {}
    if not isinstance(settings, dict):
        raise ValueError(f"converters/{theme}.yml: site_config is not a mapping")
    return settings


def complete_config(config: MutableMapping[str, Any], theme: str, *, fresh: bool) -> None:
    """Add the theme's settings ``config`` lacks (``fresh``), or only its ``include:`` folders.

    Nothing already set is changed: lists under ``include`` gain the missing entries,
    ``defaults`` the missing scopes, and other keys are set only when absent.
    """
    for key, value in theme_settings(theme).items():
        if key == "include":
            _union(config, key, value)
        elif not fresh:
            continue
        elif key == "defaults":
            _add_scopes(config, value)
        elif key not in config:
            config[key] = copy.deepcopy(value)


def _union(config: MutableMapping[str, Any], key: str, wanted: list[Any]) -> None:
    current = config.get(key)
    if isinstance(current, str):
        current = [current]
        config[key] = current
    if not isinstance(current, list):
        config[key] = list(wanted)
        return
    missing = [entry for entry in wanted if entry not in current]
    if missing and type(current) is list:  # may be the model's own list: not changed
        config[key] = current + missing
    else:  # a list loaded from the output folder's file: extended, its comments kept
        current.extend(missing)


def _scope(entry: Any) -> tuple[Any, Any] | None:
    scope = entry.get("scope") if isinstance(entry, dict) else None
    return (scope.get("path", ""), scope.get("type")) if isinstance(scope, dict) else None


def _add_scopes(config: MutableMapping[str, Any], wanted: list[Any]) -> None:
    current = config.get("defaults")
    if not isinstance(current, list):
        current = []
        config["defaults"] = current
    have = {_scope(entry) for entry in current}
    missing = [copy.deepcopy(entry) for entry in wanted if _scope(entry) not in have]
    if missing and type(current) is list:
        config["defaults"] = current + missing
    else:
        current.extend(missing)
