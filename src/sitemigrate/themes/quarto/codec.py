"""What the Quarto writer and its checks both know: the facts of ``converters/quarto.yml``
and a checker of written YAML against the schema facts recorded there.

The schema notation is our own (see the comment at the top of the converter file): a node
``{type: T}`` with ``values`` (allowed strings), ``items`` (list elements), ``properties``,
``closed`` and ``required`` (objects), ``any_of`` (alternatives) and ``ref`` (another
top-level node of the file).  ``problems`` returns one message per violation, each naming
the key path (``website.navbar.left[2].icon``).
"""

from __future__ import annotations

import datetime
from typing import Any

from ...converters import converter
from ...parsing.csl import CSL_TYPES

_DATA = converter("quarto")
#: the project's configuration file
CONFIG_FILE: str = _DATA["config_file"]
#: the about-page template the home page uses
ABOUT_TEMPLATE: str = _DATA["about_template"]
#: the fields of the publications listing
PUBLICATION_FIELDS: list[str] = list(_DATA["publication_fields"])
#: social service -> Bootstrap icon name
SOCIAL_ICONS: dict[str, str] = dict(_DATA["social_icons"])
#: schema nodes of ``_quarto.yml`` and of a page's front matter
CONFIG_SCHEMA: dict[str, Any] = _DATA["config_schema"]
PAGE_SCHEMA: dict[str, Any] = _DATA["page_schema"]
_REFS: dict[str, Any] = {"nav-item": _DATA["nav-item"], "listing": _DATA["listing"]}


def problems(value: Any, node: dict[str, Any], path: str = "") -> list[str]:
    """Every way ``value`` breaks the schema ``node`` (empty when it fits)."""
    if "ref" in node:
        return problems(value, _REFS[str(node["ref"])], path)
    if "any_of" in node:
        found = [problems(value, option, path) for option in node["any_of"]]
        if any(not f for f in found):
            return []
        # the closest alternative's problems: the one of the value's own type that fails least
        typed = [f for option, f in zip(node["any_of"], found, strict=True)
                 if _type_fits(value, option)]
        return min(typed or found, key=len)
    kind = str(node.get("type", "any"))
    where = path or "(top)"
    if not _type_fits(value, node):
        return [f"{where}: expected {kind}, found {type(value).__name__} {value!r:.60}"]
    if kind == "csl-type" and value not in CSL_TYPES:
        return [f"{where}: {value!r} is not a CSL item type"]
    allowed = node.get("values")
    if allowed is not None and value not in allowed:
        return [f"{where}: {value!r} is not one of {', '.join(map(str, allowed))}"]
    out: list[str] = []
    if kind == "list" and "items" in node:
        for index, element in enumerate(value):
            out += problems(element, node["items"], f"{path}[{index}]")
    if kind == "object":
        properties: dict[str, Any] = node.get("properties") or {}
        for key in node.get("required") or ():
            if key not in value:
                out.append(f"{where}: lacks the required key {key!r}")
        for key, sub in value.items():
            child = f"{path}.{key}" if path else str(key)
            if key in properties:
                out += problems(sub, properties[key], child)
            elif node.get("closed"):
                out.append(f"{child}: not a key Quarto allows here")
    return out


def _type_fits(value: Any, node: dict[str, Any]) -> bool:
    if "ref" in node or "any_of" in node:
        return True
    kind = str(node.get("type", "any"))
    if kind == "any":
        return True
    if kind in ("string", "path", "csl-type"):
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "date":  # a string, or {value, format}; YAML reads a bare 2020-01-02 as a date
        return isinstance(value, str | datetime.date) or (
            isinstance(value, dict) and "value" in value)
    if kind == "list":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    raise ValueError(f"unknown schema type {kind!r} in converters/quarto.yml")
