"""Conformance over ../shared/corpus: every site and every file is read without a crash.

Skipped cleanly when ../shared is absent.  Group-specific expectations live in each
reader's own test module; this one checks what holds for all of them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS, corpus_sites, requires_corpus, site_id

from sitemigrate.common.reader import ReadContext
from sitemigrate.detect import detect
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.pipeline import read_site
from sitemigrate.registry import get_reader, source_kinds
from sitemigrate.schema import validate_data

SITES = corpus_sites()
#: the kind each corpus group must be detected as (custom sites may be any non-theme kind)
EXPECTED_KIND = {"academicpages": "academicpages", "al-folio": "al-folio",
                 "allanlab": "allanlab", "custom": "custom"}


@requires_corpus
@pytest.mark.parametrize("site", SITES, ids=[site_id(s) for s in SITES])
def test_site_is_detected_and_read_without_internal_errors(site: Path) -> None:
    found = detect(site)
    assert found.kind == EXPECTED_KIND[site.parent.name], found.candidates
    assert found.evidence
    model = read_site(site)
    internal = [d for d in model.diagnostics if d.code == "SM900"]
    assert not internal, internal
    assert validate_data(model.to_dict()) == []
    for diag in model.diagnostics:
        assert diag.file is None or not Path(diag.file).is_absolute()


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.tsv")


PAGE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".bib", ".tsv", ".txt"}


@requires_corpus
def test_every_corpus_file_is_read_by_every_applicable_reader() -> None:
    """Each page-like file through each reader that accepts single pages: never an exception."""
    files = [p for p in _corpus_files() if p.suffix.lower() in PAGE_SUFFIXES]
    assert len(files) > 500
    failures: list[str] = []
    codes: Counter[str] = Counter()
    for path in files:
        for kind in source_kinds():
            reader = get_reader(kind)
            if not reader.reads_pages:
                continue
            diagnostics = Diagnostics()
            try:
                reader.detect(path)
                reader.read(path, ReadContext(path.parent, diagnostics))
            except Exception as exc:  # noqa: BLE001 - the point is to catch anything
                failures.append(f"{path.relative_to(CORPUS)} [{kind}]: {type(exc).__name__}: "
                                f"{exc}")
            codes.update(d.code for d in diagnostics)
    assert not failures, "\n".join(failures[:30])
