"""``export --format csl-json``: the publications as CSL-JSON that the ``csl`` reader reads
back as the same publications, and that pandoc's citeproc reads (skipped without pandoc).

The round trip is checked on every bundled sample, every seed page and every corpus site
(the corpus skips cleanly without ``../shared``): title, authors, year, venue, DOI and links
of each publication come back equal.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS, corpus_sites, requires_corpus, sample_sources, site_id
from roundtrip import publication_signatures

from sitemigrate.cli import cli
from sitemigrate.model import AuthorName, Model, Origin, Publication, Source
from sitemigrate.parsing.csl import (
    KIND_TO_CSL,
    csl_to_publication,
    publication_to_csl,
    publications_to_csl,
)
from sitemigrate.pipeline import read_site

SAMPLES = sample_sources()
SEED_PAGES = sorted(SEEDS.iterdir()) if SEEDS.is_dir() else []
CORPUS = corpus_sites()


def _read_back(items: list[dict[str, object]]) -> Model:
    items = json.loads(json.dumps(items))  # what a file holds: plain JSON
    model = Model(source=Source("csl", "refs.json"))
    model.publications = [csl_to_publication(item, f"ref-{n}", Origin("refs.json"))
                          for n, item in enumerate(items, 1)]
    return model


def _signatures(model: Model) -> Counter[tuple[object, ...]]:
    dois = Counter((p.title, p.identifiers.get("doi")) for p in model.publications)
    return publication_signatures(model) + Counter({("doi", *k): v for k, v in dois.items()})


def _round_trip(source: Path) -> None:
    model = read_site(source)
    back = _read_back(publications_to_csl(model.publications))
    assert _signatures(back) == _signatures(model)
    assert len(back.publications) == len(model.publications)


@pytest.mark.parametrize("source", SAMPLES + SEED_PAGES,
                         ids=[f"{s.parent.name}/{s.name}" for s in SAMPLES + SEED_PAGES])
def test_samples_and_seeds_round_trip_through_csl_json(source: Path) -> None:
    _round_trip(source)


@requires_corpus
@pytest.mark.parametrize("site", CORPUS, ids=[site_id(s) for s in CORPUS])
def test_corpus_sites_round_trip_through_csl_json(site: Path) -> None:
    _round_trip(site)


def _pub(**fields: object) -> Publication:
    pub = Publication(id="k", title="A Title")
    for key, value in fields.items():
        setattr(pub, key, value)
    return pub


def test_a_journal_article_in_csl_terms() -> None:
    pub = _pub(kind="journal", authors=["Ann Lee", "The Widget Consortium"],
               author_names=[AuthorName("Lee", "Ann"), AuthorName("The Widget Consortium")],
               year=2021, date="2021-06", venue="Journal of Widgets", abstract="We widget.",
               identifiers={"doi": "10.1/x"}, extra={"volume": "3", "pages": "1--9"},
               links={"doi": "https://doi.org/10.1/x", "html": "https://example.org/w"})
    item = publication_to_csl(pub, "k")
    assert item["type"] == "article-journal"
    assert item["author"] == [{"family": "Lee", "given": "Ann"},
                              {"literal": "The Widget Consortium"}]
    assert item["issued"] == {"date-parts": [[2021, 6]]}
    assert (item["container-title"], item["DOI"], item["URL"]) == (
        "Journal of Widgets", "10.1/x", "https://example.org/w")
    assert (item["volume"], item["page"], item["abstract"]) == ("3", "1–9", "We widget.")
    assert "custom" not in item  # DOI and URL alone give the links back


def test_undated_stays_undated_and_every_kind_has_a_csl_type() -> None:
    item = publication_to_csl(_pub(kind="poster"), "k")
    assert "issued" not in item
    assert (item["type"], item["genre"]) == ("speech", "poster")
    back = _read_back([item]).publications[0]
    assert (back.year, back.date, back.kind) == (None, None, "poster")
    for kind in KIND_TO_CSL:
        again = _read_back([publication_to_csl(_pub(kind=kind), "k")]).publications[0]
        assert again.kind == kind


def test_links_csl_has_no_variable_for_come_back_from_custom() -> None:
    pub = _pub(links={"pdf": "/files/a.pdf", "code": "https://github.com/x/y"},
               identifiers={"doi": "10.1/x"})  # a DOI without a DOI link stays without one
    item = publication_to_csl(pub, "k")
    assert item["URL"] == "/files/a.pdf"
    assert _read_back([item]).publications[0].links == pub.links


def test_ids_stay_unique() -> None:
    items = publications_to_csl([_pub(), _pub(), _pub()])
    assert [i["id"] for i in items] == ["k", "k-2", "k-3"]


def test_the_command_writes_csl_json(tmp_path: Path) -> None:
    out = tmp_path / "refs.json"
    result = CliRunner().invoke(cli, ["export", "samples/bibtex/refs.bib", "--format",
                                      "csl-json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    items = json.loads(out.read_text(encoding="utf-8"))
    model = read_site(Path("samples/bibtex/refs.bib"))
    assert [i["title"] for i in items] == [p.title for p in model.publications]
    again = read_site(out, "csl")  # the csl source kind reads the file itself
    assert publication_signatures(again) == publication_signatures(model)


needs_pandoc = pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")


@needs_pandoc
@pytest.mark.parametrize("source", [s for s in SAMPLES if s.name != "research-statement.md"],
                         ids=[s.name for s in SAMPLES if s.name != "research-statement.md"])
def test_pandoc_citeproc_reads_the_export(source: Path, tmp_path: Path) -> None:
    model = read_site(source)
    if not model.publications:
        pytest.skip("no publications")
    refs = tmp_path / "refs.json"
    refs.write_text(json.dumps(publications_to_csl(model.publications)), encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
    run = subprocess.run(["pandoc", "--citeproc", "--bibliography", str(refs), str(page),
                          "-t", "plain", "--wrap=none"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "[WARNING]" not in run.stderr, run.stderr
    shown = _letters(run.stdout)
    assert run.stdout.count("\n\n") + 1 >= len(model.publications)
    for pub in model.publications:  # every entry is in the rendered bibliography (citeproc
        # changes the case of titles and drops markup: compared by letters and digits)
        assert _letters(" ".join(pub.title.split()[:4])) in shown, pub.title
        assert pub.year is None or str(pub.year) in shown


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())
