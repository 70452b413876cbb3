"""Conservation: no record disappears without a diagnostic that says so.

A property over every bundled sample and every corpus site (the corpus skips cleanly
without ``../shared``):

1. every record a reader met (``ReadContext.saw``: publication, project, page, item) is in
   the model with that origin, merged into a record that lists it in ``merged_from``, or
   covered by a loss reported at the same place;
2. every record of the model is in what each writer writes (its title or text, compared
   letters-and-digits only) or covered by a loss reported for its source file.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_sites, requires_corpus, sample_sources, site_id
from roundtrip import plan_files

from sitemigrate.common.writer import WriteContext
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.model import Diagnostic, Model
from sitemigrate.pipeline import read_site_counted
from sitemigrate.registry import get_writer, target_themes

KINDS = {"publication": "publications", "project": "projects", "page": "pages",
         "item": "items"}
SAMPLES = sample_sources()
CORPUS = corpus_sites()


def _covered_by_loss(diagnostics: list[Diagnostic], file: str, line: int | None) -> bool:
    return any((d.loss or d.level == "error") and d.file == file
               and (d.line is None or line is None or d.line == line) for d in diagnostics)


def unaccounted_reads(model: Model, seen: list[tuple[str, str, int | None]]) -> list[str]:
    """Records met by the reader that are neither in the model nor reported lost."""
    origins: dict[str, set[tuple[str, int | None]]] = {}
    for kind, attr in KINDS.items():
        places = origins.setdefault(kind, set())
        for record in getattr(model, attr):
            if record.origin is not None:
                places.add((record.origin.file, record.origin.line))
            for merged in getattr(record, "merged_from", []):
                places.add((merged.file, merged.line))
    missing = []
    for kind, file, line in seen:
        if (file, line) in origins[kind] or _covered_by_loss(model.diagnostics, file, line):
            continue
        missing.append(f"{kind} at {file}:{line}")
    return missing


def _letters(text: str) -> str:
    text = re.sub(r"\\[A-Za-z]+", "", text)  # LaTeX commands (\enquote{Slow} in BibTeX)
    text = unicodedata.normalize("NFKD", html.unescape(text))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c))
                  .lower())


#: a Markdown link's target (``](/talks/)``): writers rewrite it to a moved page's new URL
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")


def _marks(record: Any) -> list[str]:
    """What must show up in the output for a record to count as written."""
    title = getattr(record, "title", None)
    if title and _letters(title):
        return [_letters(title)]
    body = getattr(record, "body", "") or ""
    # the words, not where links point: a writer rewrites a link to a moved page's new URL
    words = _letters(_LINK_TARGET.sub("]", body))[:40]
    return [words] if words else []


def unaccounted_writes(model: Model, target: str) -> list[str]:
    """Records of the model that ``target``'s files do not hold and no loss names."""
    diagnostics = Diagnostics()
    files = get_writer(target).write(model, WriteContext(diagnostics))
    written = _letters(_LINK_TARGET.sub("]", "\n".join(data.decode("utf-8", "replace")
                                                       for _, data in files.items())))
    lost = list(diagnostics)
    missing = []
    for attr in KINDS.values():
        for record in getattr(model, attr):
            marks = _marks(record)
            if not marks or all(mark in written for mark in marks):
                continue
            origin = record.origin
            if origin is not None and _covered_by_loss(lost, origin.file, None):
                continue
            missing.append(f"{attr[:-1]} {record.id!r} ({origin.file if origin else '?'})")
    return missing


def _check(source: Path) -> None:
    model, ctx = read_site_counted(source)
    missing = unaccounted_reads(model, ctx.seen)
    assert not missing, f"read but neither kept nor reported lost: {missing[:10]}"
    for target in target_themes():
        lost = unaccounted_writes(model, target)
        assert not lost, f"{target}: in the model, not written, no loss: {lost[:10]}"


@pytest.mark.parametrize("source", SAMPLES, ids=[s.name for s in SAMPLES])
def test_samples_conserve_records(source: Path) -> None:
    _check(source)


@requires_corpus
@pytest.mark.parametrize("site", CORPUS, ids=[site_id(s) for s in CORPUS])
def test_corpus_sites_conserve_records(site: Path) -> None:
    _check(site)


def test_a_bare_string_publist_item_is_a_reported_loss(tmp_path: Path) -> None:
    site = tmp_path / "lab"
    (site / "_data").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Lab\n", encoding="utf-8")
    (site / "_data" / "publist.yml").write_text(
        "- title: A real paper\n  authors: A. Author\n  year: 2020\n"
        "- Just a line of text, 2019\n", encoding="utf-8")
    model, ctx = read_site_counted(site, "allanlab")
    assert [p.title for p in model.publications] == ["A real paper"]
    dropped = [d for d in model.diagnostics if d.code == "SM302"]
    assert len(dropped) == 1
    assert (dropped[0].file, dropped[0].line, dropped[0].loss) == ("_data/publist.yml", 4, True)
    assert dropped[0].severity == "content-lost" and dropped[0].hint
    assert not unaccounted_reads(model, ctx.seen)


def test_an_unreported_drop_is_caught(tmp_path: Path) -> None:
    """The check can fail: a record met but missing from the model, with no loss."""
    site = tmp_path / "lab"
    (site / "_data").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Lab\n", encoding="utf-8")
    (site / "_data" / "publist.yml").write_text(
        "- title: One\n  year: 2020\n- title: Two\n  year: 2021\n", encoding="utf-8")
    model, ctx = read_site_counted(site, "allanlab")
    model.publications.pop()  # a silent drop
    assert unaccounted_reads(model, ctx.seen) == ["publication at _data/publist.yml:3"]
    files = plan_files(model, "al-folio")
    assert files  # the writer still runs; the record is simply gone
    model.publications[0].title = "Renamed on the way"
    assert unaccounted_writes(model, "al-folio") == []  # written under its (new) title
