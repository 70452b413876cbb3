"""Helpers for round-trip and golden tests: write a model to disk, read it back, compare."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from sitemigrate.common.foreign_liquid import KEPT_SITE_KEY
from sitemigrate.common.kept_liquid import gather_kept_liquid
from sitemigrate.common.writer import WriteContext
from sitemigrate.fileset import FileSet
from sitemigrate.model import Model
from sitemigrate.registry import get_writer, spec


def reader_for(target: str) -> str:
    """The reader of a target theme: its family (``al-folio@0.x`` is read by ``al-folio``)."""
    return spec(target).family


def _norm(text: str | None) -> str:
    """Text as a reader sees it: entities decoded (inert text is written with ``&quot;``,
    ``&lt;``, ``&#123;``, which some readers decode again), whitespace collapsed."""
    return " ".join(html.unescape(text or "").split())


def publication_signatures(model: Model) -> Counter[tuple[object, ...]]:
    """Publications as a multiset of (title, authors, year, venue, links)."""
    return Counter(
        (_norm(p.title), tuple(_norm(a) for a in p.authors), p.year, _norm(p.venue),
         tuple(sorted(p.links.items())))
        for p in model.publications)


def project_signatures(model: Model) -> Counter[tuple[object, ...]]:
    return Counter((_norm(p.title), _norm(p.description), tuple(sorted(p.links.items())))
                   for p in model.projects)


def theme_signatures(model: Model) -> Counter[tuple[object, ...]]:
    """Themes by title with the titles of the publications they hold."""
    titles = {p.id: _norm(p.title) for p in model.publications}
    return Counter(
        (_norm(t.title), tuple(sorted(titles.get(i, f"?{i}") for i in t.publication_ids)))
        for t in model.all_themes())


def write_files(files: FileSet, out: Path) -> None:
    for rel, data in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def plan_files(model: Model, target: str) -> FileSet:
    """The files ``migrate`` writes for ``model`` (the writer's, with the removed Liquid
    gathered as the pipeline does), without assets or an output folder."""
    files = get_writer(target).write(model, WriteContext())
    gather_kept_liquid(files, model.site.extra.get(KEPT_SITE_KEY))
    return files
