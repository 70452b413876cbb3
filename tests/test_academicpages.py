"""academicpages reader, generator-TSV reader and writer on the seed, the corpus and the sample.

Expected values below were read off the corpus files by hand (file and key named in each test).
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, FIXTURES, SAMPLES, corpus_sites, requires_corpus, requires_seeds

from sitemigrate.common.writer import WriteContext
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.model import Item, Model, Origin, Page, Publication, Source, Theme
from sitemigrate.parsing.front_matter import split_front_matter
from sitemigrate.parsing.markdown_sections import extract_research
from sitemigrate.parsing.yamlio import load_yaml
from sitemigrate.pipeline import read_site
from sitemigrate.registry import get_reader, get_writer

AP = CORPUS / "academicpages"
SAMPLE = SAMPLES / "academicpages"
AP_SITES = corpus_sites("academicpages")


def site(owner: str) -> Path:
    return next(p for p in AP_SITES if p.name.startswith(owner + "__"))


def codes(model: Model) -> collections.Counter[str]:
    return collections.Counter(d.code for d in model.diagnostics)


def write(model: Model, existing: dict[str, bytes] | None = None,
          ) -> tuple[dict[str, bytes], Diagnostics]:
    diagnostics = Diagnostics()
    files = get_writer("academicpages").write(
        model, WriteContext(diagnostics, (existing or {}).get))
    return dict(files.items()), diagnostics


def to_disk(files: dict[str, bytes], root: Path) -> Path:
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def pub_key(pub: Publication) -> tuple[object, ...]:
    return (pub.title, tuple(pub.authors), pub.year, pub.venue, tuple(sorted(pub.links.items())))


def theme_key(model: Model) -> list[tuple[str, tuple[str, ...]]]:
    titles = {p.id: p.title for p in model.publications}
    return sorted((t.title, tuple(sorted(titles[i] for i in t.publication_ids)))
                  for t in model.all_themes())


# -- the seed page --------------------------------------------------------------------------

@requires_seeds
def test_seed_lab_page_gives_five_themes_five_projects_and_the_email(seeds: Path) -> None:
    model = read_site(seeds / "academicpages-lab.md")
    assert model.source.kind == "academicpages"
    assert [t.title for t in model.themes] == [
        "Neural Architecture Search (NAS)", "Model Compression and Pruning",
        "Efficient Deep Learning", "Controllable Generation with Diffusion Models",
        "Agentic Systems"]
    assert [p.title for p in model.projects] == [
        "Zero-Cost Neural Architecture Search", "Differentiable Pruning at Initialization",
        "Generative Modeling for Neural Architecture Design",
        "Computation-Aware Controllable Diffusion Models",
        "Agentic Systems for Complex Reasoning Tasks"]
    assert model.publications == []
    assert model.site.email == "l.xiang.2@warwick.ac.uk"
    assert model.themes[0].origin.line == 16  # "1. **Neural Architecture Search (NAS)**"
    assert model.projects[0].origin.line == 30  # "#### Zero-Cost Neural Architecture Search"
    page = model.pages[0]
    assert page.permalink == "/lab/" and "{% include base_path %}" in page.body


def test_markdown_sections_headings_under_areas_are_themes() -> None:
    text = ("# Research Areas\n\n## Session Types\n\nText.\n\n### Sub\n\n# Projects\n\n"
            "## Alpha\n\nAlpha does things. More.\n\n# Collaborations\n\n* **X**: y\n")
    found = extract_research(text, "r.md")
    assert [t.title for t in found.themes] == ["Session Types"]
    assert [s.title for s in found.themes[0].subthemes] == ["Sub"]
    assert [(p.title, p.description) for p in found.projects] == [
        ("Alpha", "Alpha does things.")]


# -- the corpus -----------------------------------------------------------------------------

@requires_corpus
@pytest.mark.parametrize("path", AP_SITES, ids=lambda p: p.name)
def test_corpus_site_reads_every_publication_and_talk(path: Path) -> None:
    model = read_site(path, dedupe=False)  # count files, before duplicates are merged
    assert model.source.kind == "academicpages"
    assert "SM900" not in codes(model)
    files = [p for p in (path / "_publications").glob("*") if p.suffix in (".md", ".html")]
    if files:
        assert len(model.publications) == len(files)
    talks = list((path / "_talks").glob("*.md"))
    assert sum(1 for i in model.items if i.collection == "talks") == len(talks)
    for pub in model.publications:
        assert pub.origin is not None and pub.title


@requires_corpus
def test_dcastrop_authors_year_journal() -> None:
    model = read_site(site("dcastrop"))
    prole = model.publication("2010-prole")
    assert prole is not None
    assert prole.authors == ["David Castro", "Víctor M. Gulías", "Clara Benac Earle",
                             "Lars-Åke Fredlund", "Samuel Rivas"]
    assert (prole.year, prole.date, prole.venue) == (2010, "2010", "PROLE")
    assert prole.links == {"pdf": "files/2011-prole-mcerlang.pdf"}
    assert prole.extra["pages"] == "23-40"
    fcgs = model.publication("2018-fcgs-automatically")
    assert fcgs is not None and fcgs.venue == "Future Gener. Comput. Syst. 79"
    assert [t.title for t in model.themes] == [
        "Session Types", "Interactive Theorem Proving", "Parallel Programming Frameworks"]


@requires_corpus
def test_template_and_erwanlucas_values() -> None:
    model = read_site(site("academicpages"))
    first = model.publication("paper-title-number-1")
    assert first is not None
    assert (first.date, first.venue, first.kind) == ("2009-10-01", "Journal 1", "journal")
    assert first.links == {"pdf": "http://academicpages.github.io/files/paper1.pdf",
                           "slides": "http://academicpages.github.io/files/slides1.pdf",
                           "bibtex": "http://academicpages.github.io/files/bibtex1.bib"}
    assert model.site.affiliation == "Red Brick University"
    assert model.site.socials["github"] == "academicpages"
    erwan = read_site(site("ErwanLucas"))
    silicon = next(p for p in erwan.publications if p.title.startswith("Silicon sub-bandgap"))
    assert silicon.venue == "Applied Physics Letters"
    assert silicon.extra["venue_html"] == "<i>Applied Physics Letters</i>"
    assert silicon.authors[:2] == ["B. Vest", "E. Lucas"] and silicon.year == 2013
    assert any(i.id.startswith("2023-06-generation-de-micro-ondes-à") for i in erwan.items)
    assert any(d.code == "SM209" and d.file == "_portfolio" for d in erwan.diagnostics)


@requires_corpus
def test_quirky_files_are_reported_with_file_and_line() -> None:
    mapoet = read_site(site("Mapoet"))
    bad = [d for d in mapoet.diagnostics if d.code == "SM101"]
    assert [(d.file, d.line is not None) for d in bad] == [
        ("_posts/2026-05-28-geoscience-ai-weekly.md", True)]
    cjk = next(i for i in mapoet.items if i.id == "云图电影台词")
    assert cjk.extra.get("sitemigrate_static") is True
    claudia = read_site(site("ClaudiaASoares"))
    research = next(p for p in claudia.pages if p.origin.file == "_pages/research.md")
    assert research.body.startswith("Main Projects\n---\n")
    assert ("SM106", "_pages/research.md", 1) in {(d.code, d.file, d.line)
                                                  for d in claudia.diagnostics}
    assert any(d.code == "SM209" and d.file == "_talks" for d in claudia.diagnostics)
    assert [t.title for t in claudia.themes][:1] == ["Federated and decentralized learning"]
    anatoly = read_site(site("Anatoly1010"))
    assert any(d.code == "SM106" and d.file == "_pages/category-news.md"
               for d in anatoly.diagnostics)


@requires_corpus
def test_baschdl_generator_bibtex_is_reported_not_read_and_read_with_add() -> None:
    """The site renders a bibtex-js copy inside its page, not markdown_generator/ref.bib:
    the generator input is named with the --add line that reads it (SM220)."""
    path = site("Baschdl")
    model = read_site(path, dedupe=False)
    assert model.publications == []
    assert len(model.themes) == 5  # research/*.md
    reported = {d.file: d.message for d in model.diagnostics if d.code == "SM220"}
    ref = reported["markdown_generator/ref.bib"]
    assert "add it with `--add markdown_generator/ref.bib`" in ref
    assert "76 BibTeX entries" in ref
    # the template's own sample rows are named as samples, not offered for --add
    assert "markdown_generator/publications.tsv" not in reported
    added = read_site(path, dedupe=False, add=[path / "markdown_generator" / "ref.bib"])
    assert len(added.publications) == 76  # @-entries in markdown_generator/ref.bib
    assert {p.origin.source for p in added.publications if p.origin} == {
        (path / "markdown_generator" / "ref.bib").as_posix()}


@requires_corpus
def test_generator_inputs_across_the_corpus_sample_or_suggested() -> None:
    """Which corpus sites hold markdown_generator/ inputs of their own (suggested for --add)
    and which only the template's samples (hash or sample titles)."""
    own: dict[str, list[str]] = {}
    samples: dict[str, int] = {}
    for path in corpus_sites("academicpages"):
        model = read_site(path, dedupe=False)
        name = path.name.split("__")[0]
        own[name] = sorted(d.file.split("/")[-1] for d in model.diagnostics
                           if d.code == "SM220" and d.file)
        samples[name] = sum(1 for d in model.diagnostics if "own sample generator" in d.message)
    assert own == {
        "Akmazad": [], "academicpages": [], "dcastrop": [],
        "Anatoly1010": ["bibtex1.bib"],
        "Baschdl": ["citations_claassen.tsv", "ref.bib"],
        "ClaudiaASoares": ["pubs.bib"],
        "ErwanLucas": ["proceedings.bib", "pubs.bib", "talks.tsv", "updated_library.bib"],
        "Mapoet": ["publications.tsv", "pubs.bib", "pubs_articles.bib", "pubs_talks.bib"],
    }
    assert samples == {"Akmazad": 2, "academicpages": 2, "dcastrop": 2, "Anatoly1010": 2,
                       "Baschdl": 2, "ClaudiaASoares": 2, "ErwanLucas": 1, "Mapoet": 1}


@requires_corpus
@pytest.mark.parametrize("owner", ["bagmark", "Aharoni-Lab"])
def test_minimal_mistakes_sites_are_not_academicpages(owner: str) -> None:
    path = next(p for p in corpus_sites("custom") if p.name.startswith(owner + "__"))
    assert get_reader("academicpages").detect(path).score < 0.2


# -- generator TSV --------------------------------------------------------------------------

def test_generator_tsv_with_crlf_and_quotes() -> None:
    model = read_site(FIXTURES / "academicpages" / "publications.tsv")
    assert model.source.kind == "tsv"
    first, second = model.publications
    assert (first.id, first.date, first.authors) == ("wave-tanks", "2021-04-02", ["M. Quenby"])
    assert first.links == {"pdf": "https://example.org/wave.pdf",
                           "slides": "https://example.org/wave-slides.pdf"}
    assert first.extra["excerpt"] == "Cheap tanks."
    assert (second.year, second.venue) == (2022, "Buoy Letters")
    assert second.links == {"html": "https://example.org/buoys"}


def test_cli_migrates_a_tsv_to_academicpages(tmp_path: Path) -> None:
    from sitemigrate.cli import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["migrate", str(FIXTURES / "academicpages" /
                                                     "publications.tsv"),
                                       "--to", "academicpages", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    written = sorted(p.name for p in (out / "_publications").iterdir())
    assert written == ["2021-04-02-wave-tanks.md", "2022-01-01-undated-buoys.md"]


# -- writer ---------------------------------------------------------------------------------

def _round_trip_sources() -> list[Path]:
    sources = [SAMPLE, *AP_SITES]
    seed = CORPUS.parent / "seeds" / "academicpages-lab.md"
    return sources + ([seed] if seed.is_file() else [])


@pytest.mark.parametrize("source", _round_trip_sources(), ids=lambda p: p.name)
def test_round_trip_deterministic_and_stable(source: Path, tmp_path: Path) -> None:
    model = read_site(source)
    files, diagnostics = write(model)
    assert "SM900" not in {d.code for d in diagnostics}
    again = read_site(to_disk(files, tmp_path / "a"), "academicpages")
    assert collections.Counter(map(pub_key, model.publications)) == \
        collections.Counter(map(pub_key, again.publications))
    assert collections.Counter((p.title, p.description, tuple(sorted(p.links.items())))
                               for p in model.projects) == \
        collections.Counter((p.title, p.description, tuple(sorted(p.links.items())))
                            for p in again.projects)
    assert theme_key(model) == theme_key(again)
    assert write(model)[0] == files  # deterministic
    assert write(again)[0] == files  # stable: write -> read -> write


@pytest.mark.parametrize("source", _round_trip_sources(), ids=lambda p: p.name)
def test_every_publication_has_the_theme_keys(source: Path) -> None:
    files, _ = write(read_site(source))
    config = load_yaml(files["_config.yml"].decode()).data
    categories = set(config.get("publication_category") or {})
    for rel, data in files.items():
        if not rel.startswith("_publications/"):
            continue
        meta = split_front_matter(data.decode()).meta
        for key in ("title", "collection", "category", "permalink", "citation"):
            assert meta.get(key), f"{rel}: no {key}"
        assert meta["category"] in categories
        assert meta["permalink"].startswith("/")


def test_sample_values_survive_and_nav_is_written() -> None:
    model = read_site(SAMPLE)
    assert len(model.publications) == 8 and len(model.projects) == 3
    assert [t.title for t in model.themes] == ["Shallow-Water Propagation",
                                               "Low-Cost Ocean Sensing"]
    eelgrass = model.publication("eelgrass-attenuation")
    assert eelgrass is not None and eelgrass.date == "2024-07-01"  # from the file name only
    files, _ = write(model)
    nav = load_yaml(files["_data/navigation.yml"].decode()).data
    assert [e["url"] for e in nav["main"]] == ["/research/", "/publications/", "/talks/",
                                               "/teaching/", "/portfolio/"]
    research = split_front_matter(files["_pages/research.md"].decode())
    assert [t["title"] for t in research.meta["themes"]] == ["Shallow-Water Propagation",
                                                             "Low-Cost Ocean Sensing"]
    talk = read_site(SAMPLE)
    assert any(i.id == "2023-06-01-budget-listening" and i.title for i in talk.items)


def test_existing_config_is_merged_keeping_comments() -> None:
    existing = b"# theme comment\ntitle: Old\nanalytics:\n  provider: false # keep me\n"
    model = read_site(SAMPLE)
    files, _ = write(model, {"_config.yml": existing})
    text = files["_config.yml"].decode()
    assert text.startswith("# theme comment\n")
    assert "provider: false # keep me" in text
    data = load_yaml(text).data
    assert data["title"] == "Marisol Quenby"
    assert data["author"]["employer"] == "Northwind University"
    assert {"books", "manuscripts", "conferences", "preprints"} <= set(
        data["publication_category"])


def test_foreign_liquid_is_converted_and_reported() -> None:
    pub = Publication(id="smith2020", title="Deep Tides", year=2020, kind="preprint")
    model = Model(source=Source("al-folio", "x"), publications=[pub])
    model.pages.append(Page(id="research", title="Research", permalink="/research/", body=(
        "See {% cite smith2020 %}.\n{% include figure.liquid path=\"assets/img/a.png\" %}\n"
        "{% bibliography --query @*[selected=true]* %}\n{% include base_path %}\n"),
        role="research", origin=Origin("_pages/research.md", 1)))
    model.themes.append(Theme(id="tides", title="Tides", publication_ids=["smith2020"]))
    model.items.append(Item(collection="news", id="n1", title="Hello", date="2024-01-02"))
    files, diagnostics = write(model)
    body = files["_pages/research.md"].decode()
    assert "{% cite" not in body and "{% bibliography" not in body
    assert "[Deep Tides](/publication/2020-01-01-smith2020)" in body
    assert '<img src="/assets/img/a.png">' in body and "{% include base_path %}" in body
    assert sum(1 for d in diagnostics if d.code == "SM303") == 3
    config = load_yaml(files["_config.yml"].decode()).data
    assert "preprints" in config["publication_category"]
    assert config["collections"]["news"]["output"] is True
    assert "_news/n1.md" in files


def _liquid_page_model() -> Model:
    model = Model(source=Source("custom", "x"), publications=[
        Publication(id="p1", title="Tidal Sums", year=2021, kind="article")])
    model.pages.append(Page(id="people", title="People", permalink="/people/", origin=Origin(
        "_pages/people.md", 1), body=(
        "# Team\n"
        "{% assign members = site.data.members | sort: 'name' %}\n"
        "{% for person in members %}\n"
        "  {% include person-card.html person=person %}\n"
        "{% endfor %}\n"
        "{% for post in site.publications %}{{ post.title }}{% endfor %}\n"
        "{% raw %}{% for x in site.data.gone %}{% endraw %}\n")))
    model.pages.append(Page(id="publications", title="Publications", role="publications",
                            permalink="/publications/", extra={"layout": "page"},
                            origin=Origin("_pages/publications.md", 1), body=(
        "{% assign years = site.data.publications | group_by: 'year' | sort: 'name' %}\n"
        "{% for year in years %}<h2>{{ year.name }}</h2>{% endfor %}\n")))
    model.items.append(Item(collection="news", id="n1", title="Term", date="2021"))
    model.items.append(Item(collection="news", id="n2", title="Spring", extra={
        "date": "Spring 2022"}))
    return model


def test_liquid_reading_absent_data_is_cut_kept_and_reported(tmp_path: Path) -> None:
    files, diagnostics = write(_liquid_page_model())
    people = split_front_matter(files["_pages/people.md"].decode())
    # the assign, and the loop over what it tainted (with the include inside), are gone
    assert "site.data.members" not in people.body and "person-card" not in people.body
    assert "{% for person" not in people.body and "# Team" in people.body
    # Liquid the target can run, and raw text, stay as written
    assert "{% for post in site.publications %}{{ post.title }}{% endfor %}" in people.body
    assert "{% raw %}{% for x in site.data.gone %}{% endraw %}" in people.body
    kept = people.meta["sitemigrate_liquid"]
    assert kept[0] == "{% assign members = site.data.members | sort: 'name' %}"
    assert kept[1].startswith("{% for person in members %}") and kept[1].endswith("endfor %}")
    sm303 = [d for d in diagnostics if d.code == "SM303" and d.file == "_pages/people.md"]
    assert len(sm303) == 2 and "site.data.members" in sm303[0].message
    assert "body line 2" in sm303[0].message and sm303[0].line == 1


def test_listing_page_on_absent_data_gets_the_theme_listing(tmp_path: Path) -> None:
    files, diagnostics = write(_liquid_page_model())
    page = split_front_matter(files["_pages/publications.md"].decode())
    assert "site.data" not in page.body
    assert "{% for post in site.publications reversed %}" in page.body
    assert page.meta["sitemigrate_liquid"][0].startswith("{% assign years = site.data.pub")
    # al-folio's "page" layout does not exist here: the listing uses the theme's archive
    assert page.meta["layout"] == "archive" and page.meta["source_layout"] == "page"
    assert any(d.code == "SM305" and d.file == "_pages/publications.md"
               and "listing" in d.message for d in diagnostics)


def test_dates_jekyll_cannot_parse_do_not_reach_the_build(tmp_path: Path) -> None:
    files, _ = write(_liquid_page_model())
    year_only = split_front_matter(files["_news/n1.md"].decode()).meta
    assert (year_only["date"], year_only["date_precision"]) == ("2021-01-01", "year")
    text_date = split_front_matter(files["_news/n2.md"].decode()).meta
    assert "date" not in text_date and text_date["source_date"] == "Spring 2022"
    again = read_site(to_disk(files, tmp_path / "out"), "academicpages")
    assert next(i for i in again.items if i.id == "n1").date == "2021"


def test_neutralised_pages_are_stable(tmp_path: Path) -> None:
    files, _ = write(_liquid_page_model())
    again = read_site(to_disk(files, tmp_path / "out"), "academicpages")
    second, diagnostics = write(again)
    for rel in ("_pages/people.md", "_pages/publications.md", "_news/n1.md", "_news/n2.md"):
        assert second[rel] == files[rel], rel
    assert not any(d.code == "SM303" for d in diagnostics)


@requires_corpus
def test_speekenbrink_publications_page_no_longer_sorts_absent_data() -> None:
    # custom/speekenbrink-lab: _pages/publications.md line 9 is
    # "{% assign years_pubs = site.data.publications | group_by: 'year' | sort: ..."
    source = CORPUS / "custom" / "speekenbrink-lab__speekenbrink-lab.github.io"
    files, diagnostics = write(read_site(source))
    page = split_front_matter(files["_pages/publications.md"].decode())
    assert "site.data.publications" not in page.body
    assert "{% for post in site.publications reversed %}" in page.body
    assert "site.data.publications" in page.meta["sitemigrate_liquid"][0]
    assert any(d.code in ("SM303", "SM305") and d.file == "_pages/publications.md"
               for d in diagnostics)
