"""The ``themes:`` front-matter block the academicpages writer puts on its research page.

Jekyll ignores unknown front-matter keys, so the page renders its Markdown body while
sitemigrate reads the exact theme tree back from this block instead of guessing from
headings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...model import Origin, Theme
from ...paths import slugify

#: pages read for themes when they carry no ``themes:`` block (file stem or permalink)
RESEARCH_PAGE = re.compile(r"research|lab", re.I)


def themes_to_data(themes: list[Theme], publication_ref: Callable[[str], str],
                   project_ref: Callable[[str], str]) -> list[dict[str, Any]]:
    """Plain data for ``themes``; ids of publications/projects go through the ref mappers."""
    out: list[dict[str, Any]] = []
    for theme in themes:
        entry: dict[str, Any] = {"id": theme.id, "title": theme.title}
        if theme.summary:
            entry["summary"] = theme.summary
        if theme.body:
            entry["body"] = theme.body
        if theme.project_ids:
            entry["projects"] = [project_ref(ref) for ref in theme.project_ids]
        if theme.publication_ids:
            entry["publications"] = [publication_ref(ref) for ref in theme.publication_ids]
        if theme.extra:
            entry["extra"] = theme.extra
        if theme.subthemes:
            entry["subthemes"] = themes_to_data(theme.subthemes, publication_ref, project_ref)
        out.append(entry)
    return out


def themes_from_data(data: Any, origin: Origin) -> list[Theme]:
    """The inverse of ``themes_to_data``; malformed entries are skipped by the caller's check."""
    themes: list[Theme] = []
    if not isinstance(data, list):
        return themes
    for entry in data:
        if not isinstance(entry, dict) or not entry.get("title"):
            continue
        title = str(entry["title"])
        theme = Theme(id=str(entry.get("id") or slugify(title)), title=title,
                      summary=_opt(entry.get("summary")), body=_opt(entry.get("body")),
                      project_ids=_strings(entry.get("projects")),
                      publication_ids=_strings(entry.get("publications")),
                      extra=dict(entry["extra"]) if isinstance(entry.get("extra"), dict)
                      else {},
                      origin=origin)
        theme.subthemes = themes_from_data(entry.get("subthemes"), origin)
        themes.append(theme)
    return themes


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if v is not None]
