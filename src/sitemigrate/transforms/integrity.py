"""Ids unique per record type; every theme and project reference points at a record."""

from __future__ import annotations

from typing import Any

from ..diagnostics import AMBIGUOUS_CONTENT, UNRESOLVED_REFERENCE, Diagnostics
from ..model import Model


def _dedupe_ids(records: list[Any], kind: str, diagnostics: Diagnostics) -> None:
    """Rename clashing ids ``x`` -> ``x-2`` so every reference is unambiguous."""
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            n = 2
            while f"{record.id}-{n}" in seen:
                n += 1
            new_id = f"{record.id}-{n}"
            where = record.origin
            diagnostics.report(
                AMBIGUOUS_CONTENT,
                f"{kind} id {record.id!r} used twice; renamed {new_id!r}",
                where.file if where else None,
                where.line if where else None,
            )
            record.id = new_id
        seen.add(record.id)


def unique_ids(model: Model, diagnostics: Diagnostics) -> None:
    _dedupe_ids(model.publications, "publication", diagnostics)
    _dedupe_ids(model.projects, "project", diagnostics)
    _dedupe_ids(model.all_themes(), "theme", diagnostics)
    _dedupe_ids(model.pages, "page", diagnostics)


def check_references(model: Model, diagnostics: Diagnostics) -> None:
    pub_ids = {p.id for p in model.publications}
    project_ids = {p.id for p in model.projects}
    for theme in model.all_themes():
        for ref in theme.publication_ids:
            if ref not in pub_ids:
                diagnostics.report(
                    UNRESOLVED_REFERENCE,
                    f"theme {theme.id!r} names unknown publication {ref!r}",
                    theme.origin.file if theme.origin else None,
                )
        for ref in theme.project_ids:
            if ref not in project_ids:
                diagnostics.report(
                    UNRESOLVED_REFERENCE,
                    f"theme {theme.id!r} names unknown project {ref!r}",
                    theme.origin.file if theme.origin else None,
                )
    for project in model.projects:
        for ref in project.publication_ids:
            if ref not in pub_ids:
                diagnostics.report(
                    UNRESOLVED_REFERENCE,
                    f"project {project.id!r} names unknown publication {ref!r}",
                    project.origin.file if project.origin else None,
                )
