"""Allan lab reader and writer: the seed, every corpus site, the sample, round trips."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import (
    FIXTURES,
    SAMPLES,
    SEEDS,
    corpus_sites,
    requires_corpus,
    requires_seeds,
    site_id,
)
from roundtrip import (
    plan_files,
    project_signatures,
    publication_signatures,
    theme_signatures,
    write_files,
)

from sitemigrate.common.reader import ReadContext
from sitemigrate.common.writer import WriteContext
from sitemigrate.model import Item, Model, Origin, Page, Project, Publication, Source
from sitemigrate.pipeline import read_site
from sitemigrate.registry import get_writer
from sitemigrate.themes.allanlab.reader import _read_projects_data, _State, parse_free_date

ALLAN_SITES = corpus_sites("allanlab")
SAMPLE = SAMPLES / "allanlab"


def _publist_count(site: Path) -> int:
    """Items in the publist data files, counted straight from the YAML."""
    total = 0
    for path in sorted((site / "_data").glob("*.yml")):
        if not (path.stem.startswith("publist") or path.stem == "publications"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        if isinstance(data, list):
            total += len(data)
        elif isinstance(data, dict):
            total += sum(len(v) for v in data.values() if isinstance(v, list))
    return total


@requires_seeds
def test_seed_research_directions_and_their_works() -> None:
    model = read_site(SEEDS / "allanlab-textlay-research.md")
    assert model.source.kind == "allanlab"
    titles = [t.title for t in model.themes]
    assert titles == ["Co-design LLM algorithms with hardware properties",
                      "Long-context modeling and generation",
                      "Semi-parametric modeling for new scaling law",
                      "Enhancing Model’s Lookahead Planning and Reasoning Abilities"]
    assert [len(t.publication_ids) for t in model.themes] == [8, 7, 5, 0]
    assert len(model.publications) == 20
    by_title = {p.title: p for p in model.publications}
    hexgen = by_title["HexGen: Generative Inference of Large-Scale Foundation Model over "
                      "Heterogeneous Decentralized Environment"]
    assert hexgen.year is None
    assert by_title["Sequoia: Scalable, Robust, and Hardware-aware Speculative Decoding"
                    ].year == 2024
    assert by_title["SLIDE: In Defense of Smart Algorithms over Hardware Acceleration for "
                    "Large-Scale Deep Learning Systems"].year == 2020
    assert hexgen.id in model.themes[0].publication_ids
    assert Counter(p.year for p in model.publications) == {2024: 11, 2023: 5, 2022: 1,
                                                           2021: 1, 2020: 1, None: 1}
    assert model.themes[0].origin.line == 14
    assert "Example recent work" not in (model.themes[0].body or "")


@requires_corpus
@pytest.mark.parametrize("site", ALLAN_SITES, ids=[site_id(s) for s in ALLAN_SITES])
def test_corpus_site_reads_every_publist_item(site: Path) -> None:
    model = read_site(site, dedupe=False)
    assert not [d for d in model.diagnostics if d.code == "SM900"]
    from_data = [p for p in model.publications if p.origin and p.origin.file.startswith("_data/")]
    assert len(from_data) == _publist_count(site)
    assert all(p.origin and p.origin.line for p in from_data)


@requires_corpus
def test_corpus_variants() -> None:
    root = ALLAN_SITES[0].parent
    agucova = read_site(root / "agucova__allanlab", dedupe=False)
    assert Counter(p.extra.get("group") for p in agucova.publications) == {
        "papers": 121, "libros": 30}
    assert any(d.code == "SM206" and "'1' is a string" in d.message
               for d in agucova.diagnostics)
    gururaj = read_site(root / "gururaj-s__allanlab", dedupe=False)
    assert Counter(p.kind for p in gururaj.publications) == {"conference": 30, "journal": 8}
    assert any(d.code == "SM107" and d.file == "_data/publist_conf.yml"
               for d in gururaj.diagnostics)
    morphable = gururaj.publications[0]
    assert morphable.links == {"pdf": "/papers/MICRO_2018_1.pdf"}
    assert morphable.venue == ("51st Annual IEEE/ACM International Symposium on "
                               "Microarchitecture (MICRO)")
    stmi = read_site(root / "stmilab__allanlab", dedupe=False)
    assert Counter(p.kind for p in stmi.publications)["conference"] > 0
    mpa = read_site(root / "mpa139__allanlab", dedupe=False)
    patents = [p for p in mpa.publications if p.kind == "patent"]
    assert len(patents) == 2 and patents[1].links
    assert len(mpa.themes) == 8 and mpa.themes[0].title.startswith("Scanning tunneling")
    human = read_site(root / "HumanAugmentationLab__allanlab")
    assert any(d.code == "SM101" and d.file == "_data/projects.yml" and d.line == 5
               for d in human.diagnostics)
    klean = read_site(root / "klean2050__allanlab")
    eeg = next(p for p in klean.projects if p.id == "eeg_music")
    assert eeg.category == "Completed" and "EEG" in (eeg.body or "")


def test_invalid_projects_yaml_keeps_the_other_entries(tmp_path: Path) -> None:
    path = FIXTURES / "allanlab" / "bad_projects.yml"
    ctx = ReadContext(path.parent)
    state = _State(Model(source=Source("allanlab", str(path))))
    _read_projects_data(path, ctx, state)
    assert [p.title for p in state.model.projects] == ["Good project", "Another good one"]
    assert any(d.code == "SM101" for d in ctx.diagnostics)


@pytest.mark.parametrize(("text", "iso"), [
    ("17. March 2022", "2022-03-17"), ("27/01/2021", "2021-01-27"),
    ("5.-9. March 2018", "2018-03-05"), ("01. Sept 2015", "2015-09-01"),
    ("Spring 2022", None)])
def test_free_text_news_dates(text: str, iso: str | None) -> None:
    assert parse_free_date(text) == iso


def test_sample_reads_every_field() -> None:
    model = read_site(SAMPLE)
    assert model.source.kind == "allanlab"
    assert model.site.title == "The Marlow Lab"
    assert len(model.publications) == 9  # 8 in publist.yml + 1 hand-written patent
    labels = {label for p in model.publications for label in p.links}
    assert {"html", "pdf", "code", "slides", "video", "arxiv", "poster", "data", "bibtex",
            "website", "supp", "doi", "blog"} <= labels
    assert [t.title for t in model.all_themes()] == ["Sensor networks", "Relays",
                                                      "Imaging from the air", "Open data"]
    assert model.themes[0].project_ids == ["tidenet"]
    assert [p.id for p in model.projects] == ["tidenet", "kitecam", "wadden-archive"]
    assert Counter(i.collection for i in model.items) == {"people": 3, "news": 3}
    assert [i.date for i in model.items if i.collection == "news"] == [
        "2024-03-17", "2023-01-27", None]


SOURCES = [SAMPLE] + ALLAN_SITES + ([SEEDS / "allanlab-textlay-research.md"]
                                    if SEEDS.is_dir() else [])


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_round_trip_allanlab_to_allanlab(source: Path, tmp_path: Path) -> None:
    original = read_site(source, "allanlab")
    files = plan_files(original, "allanlab")
    write_files(files, tmp_path)
    again = read_site(tmp_path, "allanlab")
    assert publication_signatures(again) == publication_signatures(original)
    assert project_signatures(again) == project_signatures(original)
    assert theme_signatures(again) == theme_signatures(original)
    assert plan_files(again, "allanlab").items() == files.items()
    assert plan_files(original, "allanlab").items() == files.items()  # deterministic


def test_writer_emits_int_highlight_and_template_loops() -> None:
    files = plan_files(read_site(SAMPLE), "allanlab")
    publist = yaml.safe_load(files.get("_data/publist.yml").decode())
    assert all(isinstance(item["highlight"], int) for item in publist)
    wadden = next(i for i in publist if i["title"].startswith("Open data"))
    assert wadden["highlight"] == 1
    page = files.get("_pages/publications.md").decode()
    assert "layout: gridlay" in page and page.count("{% for publi in site.data.publist %}") == 2
    assert "{% if publi.highlight == 1 %}" in page
    research = files.get("_pages/research.md").decode()
    assert "layout: textlay" in research and "\n# Research\n" in research


def test_config_merge_keeps_comments() -> None:
    existing = b"# my comment\ntitle: Old title\ncustom_key: 1 # keep me\n"
    ctx = WriteContext(existing=lambda rel: existing if rel == "_config.yml" else None)
    files = get_writer("allanlab").write(read_site(SAMPLE), ctx)
    config = files.get("_config.yml").decode()
    assert "# my comment" in config and "# keep me" in config
    assert "title: The Marlow Lab" in config


def _links_model() -> Model:
    """A hand-made academicpages-like model whose page links to its items' old URLs."""
    model = Model(source=Source("academicpages", "x"))
    model.projects.append(Project(id="tidecaster", title="Tidecaster",
                                  body="See [the paper](/publication/2021-tide).",
                                  origin=Origin("_portfolio/tidecaster.md", 1)))
    model.publications.append(Publication(
        id="tide", title="Tide", authors=["A. B"], extra={"permalink": "/publication/2021-tide"},
        origin=Origin("_publications/2021-tide.md", 1)))
    model.publications.append(Publication(id="nameless", title="No authors"))
    model.items.append(Item(collection="talks", id="t1", title="Talk",
                            origin=Origin("_talks/t1.md", 1)))
    model.pages.append(Page(
        id="about", title="About", permalink="/about/", origin=Origin("_pages/about.md", 1),
        body="[Tidecaster]({{ site.baseurl }}/portfolio/tidecaster/#model) and\n"
             "<a href=\"/publication/2021-tide.html\">paper</a>, [talk](/talks/t1) twice:\n"
             "[again](/talks/t1/)\n\n[ref]: /portfolio/tidecaster\n"
             "[unrelated](/portfolio/other/) [about](/about/)"))
    return model


def test_links_to_source_urls_of_items_follow_them() -> None:
    ctx = WriteContext()
    files = get_writer("allanlab").write(_links_model(), ctx)
    about = files.get("_pages/about.md").decode()
    assert "[Tidecaster]({{ site.baseurl }}/projects/tidecaster/#model)" in about
    assert '<a href="/publications/">paper</a>' in about
    assert "[ref]: /projects/tidecaster/" in about
    assert "(/portfolio/other/)" in about and "(/about/)" in about  # not items: unchanged
    assert "[talk](/talks/t1)" in about  # no page for talks: kept and reported once
    talk_losses = [d for d in ctx.diagnostics if "/talks/t1" in d.message]
    assert len(talk_losses) == 1 and talk_losses[0].file == "_pages/about.md"
    project = files.get("_pages/projects/tidecaster.md").decode()
    assert "[the paper](/publications/)" in project
    publist = yaml.safe_load(files.get("_data/publist.yml").decode())
    assert publist[1]["authors"] == ""  # both publist loops print authors


@pytest.mark.parametrize("source", ["academicpages", "al-folio"])
def test_sample_links_resolve_after_migration(source: str, tmp_path: Path) -> None:
    from sitemigrate.pipeline import migrate
    from sitemigrate.verify import verify_site

    migrate(SAMPLES / source, "allanlab", tmp_path)
    report = verify_site(tmp_path, "allanlab")
    assert not [d for d in report.diagnostics if d.code in ("SM601", "SM604")]
    if source == "academicpages":  # research.md links /portfolio/tidecaster/ (checked by hand)
        research = (tmp_path / "_pages/research.md").read_text()
        assert "[Tidecaster](/projects/tidecaster/)" in research
        assert "/portfolio/" not in research and "(/publication/" not in research


def test_generated_page_takes_the_page_named_after_it() -> None:
    model = Model(source=Source("al-folio", "x"))
    model.pages.append(Page(id="publications-domestic", role="publications",
                            permalink="/publications/domestic/", body="Domestic."))
    model.pages.append(Page(id="publications", role="publications",
                            permalink="/publications/", body="{% bibliography %}"))
    files = plan_files(model, "allanlab")
    assert "permalink: /publications/\n" in files.get("_pages/publications.md").decode()
    other = files.get("_pages/publications-domestic.md").decode()
    assert "permalink: /publications/domestic/" in other and "Domestic." in other
    assert "_pages/publications-2.md" not in files


@requires_corpus
def test_page_at_a_generated_url_takes_that_role() -> None:
    """USC-NSL has no publications.md; its pubs.md says ``permalink: /publications/``."""
    site = ALLAN_SITES[0].parent / "USC-NSL__allanlab"
    model = read_site(site, "allanlab")
    assert [p.id for p in model.pages if p.role == "publications"] == ["pubs"]
    files = plan_files(model, "allanlab")
    assert "_pages/pubs.md" not in files  # the generated page keeps its URL and front matter
    assert "permalink: /publications/\n" in files.get("_pages/publications.md").decode()


def test_projects_whose_ids_slug_alike_get_their_own_pages(tmp_path: Path) -> None:
    model = Model(source=Source("custom", "x"))
    model.projects = [Project(id="Tide Net", title="One"), Project(id="tide-net", title="Two")]
    files = plan_files(model, "allanlab")
    listing = files.get("_pages/projects.md").decode()
    assert "[One](/projects/tide-net/)" in listing and "[Two](/projects/tide-net-2/)" in listing
    assert "permalink: /projects/tide-net-2/" in files.get(
        "_pages/projects/tide-net-2.md").decode()
    write_files(files, tmp_path)
    again = read_site(tmp_path, "allanlab")
    assert project_signatures(again) == project_signatures(model)
    assert plan_files(again, "allanlab").items() == files.items()


def test_a_link_label_is_not_taken_for_the_venue(tmp_path: Path) -> None:
    site = tmp_path / "lab"
    (site / "_data").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Lab\n", encoding="utf-8")
    (site / "_data" / "publist.yml").write_text(
        "- title: One\n  authors: A. B\n  link:\n    url: https://x.org/1\n"
        "    display: Final Article\n  highlight: 0\n"
        "- title: Two\n  authors: C. D\n  link:\n    url: https://x.org/2\n"
        "    display: Nature Physics 9, 220 (2013)\n  highlight: 0\n", encoding="utf-8")
    (site / "_pages").mkdir()
    (site / "_pages" / "publications.md").write_text(
        "---\ntitle: Publications\nlayout: gridlay\npermalink: /publications/\n---\n"
        "{% for publi in site.data.publist %}{{ publi.title }}{% endfor %}\n", encoding="utf-8")
    model = read_site(site)
    venues = {p.title: p.venue for p in model.publications}
    assert venues == {"One": None, "Two": "Nature Physics 9, 220 (2013)"}
    one = next(p for p in model.publications if p.title == "One")
    assert one.extra.get("link_display") == "Final Article"  # kept for the link
