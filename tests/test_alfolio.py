"""al-folio reader and writer: the seed research page, every corpus al-folio site, the sample.

Expected numbers for the seed were counted by hand in seeds/al-folio-research.md:
3 areas; sub-areas a), b) under areas 1 and 2 (4); topics 3 + 1 + 3 + 2 + 2 = 11;
37 ``<strong><a>`` links of which SLRLA appears twice -> 36 papers; 23 of them have a
``github/stars`` badge of their own (the NeMo, timm, mmpretrain, Jittor, DreamFusion,
first MDT and DiT badges follow plain links; one badge sits in an HTML comment).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLES, SEEDS, corpus_sites, requires_corpus, requires_seeds

from sitemigrate.common.writer import WriteContext
from sitemigrate.converters import converter
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.fileset import write_atomically
from sitemigrate.model import Item, Model, Page, Project, Publication
from sitemigrate.parsing.bibtex import parse_bibtex
from sitemigrate.parsing.config_yaml import load_config
from sitemigrate.parsing.yamlio import load_yaml
from sitemigrate.pipeline import plan_migration, read_site
from sitemigrate.themes.al_folio.reader import READER
from sitemigrate.themes.al_folio.writer import WRITER, merge_config, short_venue

SITES = corpus_sites("al-folio")
SAMPLE = SAMPLES / "al-folio"
ENTRY = re.compile(r"^\s*@(?!string|comment|preamble)\w+\s*\{", re.I | re.M)


def ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


# ---------------------------------------------------------------------- seed page

@pytest.fixture(scope="module")
def seed_model() -> Model:
    if not SEEDS.is_dir():
        pytest.skip("seeds absent")
    return read_site(SEEDS / "al-folio-research.md", "al-folio")


@requires_seeds
def test_seed_is_detected_as_alfolio() -> None:
    found = READER.detect(SEEDS / "al-folio-research.md")
    assert found.score >= 0.5
    assert "{% include figure.liquid %}" in found.evidence


@requires_seeds
def test_seed_theme_tree(seed_model: Model) -> None:
    areas = seed_model.themes
    assert [t.title for t in areas] == ["Efficiency Optimization", "Learning Framework",
                                        "Network Architecture Design"]
    assert [len(t.subthemes) for t in areas] == [2, 2, 2]
    sub_areas = [s for t in areas for s in t.subthemes if s.extra["level"] == "subarea"]
    topics = [t for t in seed_model.all_themes() if t.extra["level"] == "topic"]
    assert len(sub_areas) == 4
    assert len(topics) == 11
    assert sub_areas[0].title == "Faster Training Algorithms/Optimizers"
    # the commented-out "c) Meta In-Context Learning" is not a sub-area
    assert all("Meta" not in t.title for t in seed_model.all_themes())
    assert areas[0].origin is not None and areas[0].origin.line == 22


@requires_seeds
def test_seed_papers(seed_model: Model) -> None:
    pubs = {p.title: p for p in seed_model.publications}
    assert len(seed_model.publications) == 36
    assert sum("code" in p.links for p in seed_model.publications) == 23
    adan = pubs["Adan"]
    assert adan.venue == "TPAMI"
    assert adan.links == {"arxiv": "https://arxiv.org/abs/2208.06677",
                          "code": "https://github.com/sail-sg/Adan"}
    assert adan.origin is not None and adan.origin.line == 28
    assert pubs["R-SPIDER"].venue == "TPAMI & AISTATS"
    assert "code" not in pubs["R-SPIDER"].links
    assert pubs["GTO"].venue is None
    assert pubs["MDT"].links["code"] == "https://github.com/sail-sg/MDT"  # past the PwC badge
    assert pubs["Mugs"].links["code"] == "https://github.com/sail-sg/mugs"
    assert pubs["This work"].extra["venue_note"] == "200+ citations"
    assert "LOVA³" in pubs and pubs["LOVA³"].extra["title_html"] == "LOVA<sup>3</sup>"
    codes = {p.links.get("code") for p in seed_model.publications}
    for repo in ("NVIDIA/NeMo", "huggingface/pytorch-image-models", "facebookresearch/DiT",
                 "Jittor/jittor"):
        assert f"https://github.com/{repo}" not in codes
    assert "DiT" not in pubs and "NVIDIA NeMo" not in pubs


@requires_seeds
def test_seed_duplicate_and_repaired_url(seed_model: Model) -> None:
    slrla = next(p for p in seed_model.publications if p.title == "SLRLA")
    holders = [t.title for t in seed_model.all_themes() if slrla.id in t.publication_ids]
    assert holders == ["Faster Optimizer", "Network Optimization Theory"]
    assert [o.line for o in slrla.merged_from] == [98]
    dtc = next(p for p in seed_model.publications if p.title == "DTC123")
    assert dtc.links["pdf"] == "https://github.com/yxymessi/DTC123/blob/main/DTC_CVPR.pdf"
    codes = Counter((d.code, d.line) for d in seed_model.diagnostics)
    assert codes[("SM403", 221)] == 1 and codes[("SM207", 221)] == 1
    assert not [d for d in seed_model.diagnostics if d.code == "SM900"]


# ---------------------------------------------------------------------- corpus sites

@pytest.fixture(scope="module")
def corpus_models() -> dict[str, Model]:
    # dedupe off: the counts below are the files' own entries, before duplicates merge
    return {site.name: read_site(site, "al-folio", dedupe=False) for site in SITES}


@requires_corpus
@pytest.mark.parametrize("site", SITES, ids=ids(SITES))
def test_corpus_site_counts(site: Path, corpus_models: dict[str, Model]) -> None:
    model = corpus_models[site.name]
    assert not [d for d in model.diagnostics if d.code == "SM900"]
    entries = sum(len(ENTRY.findall(p.read_text("utf-8", errors="replace")))
                  for p in (site / "_bibliography").glob("*.bib"))
    assert len(model.publications) == entries
    projects = list((site / "_projects").glob("*")) if (site / "_projects").is_dir() else []
    assert len(model.projects) == len(projects)
    assert len({p.id for p in model.publications}) == len(model.publications)
    assert READER.detect(site).score >= 0.8


@requires_corpus
def test_pages_the_config_excludes_are_not_read(corpus_models: dict[str, Model]) -> None:
    # _config.yml has `exclude: [_pages/about_einstein.md]`: Jekyll never publishes it
    model = corpus_models["alshedivat__al-folio"]
    assert not [p for p in model.pages if p.id == "about-einstein"]
    assert any(d.code == "SM210" and d.file == "_pages/about_einstein.md"
               for d in model.diagnostics)


@requires_corpus
def test_template_profile_and_socials(corpus_models: dict[str, Model]) -> None:
    site = corpus_models["alshedivat__al-folio"].site
    assert site.name == "You R. Name" and site.title == "You R. Name"  # title: blank
    assert site.email == "you@example.com"
    assert site.socials["google_scholar"] == "qc6CJjYAAAAJ"
    assert site.avatar == "assets/img/prof_pic.jpg"
    older = corpus_models["201younghanlee__taislab.github.io"].site
    assert older.socials["orcid"] == "0000-0001-8414-966X"  # socials in _config.yml


@requires_corpus
def test_html_research_sections(corpus_models: dict[str, Model]) -> None:
    model = corpus_models["201younghanlee__taislab.github.io"]
    assert [t.title for t in model.themes] == ["LLM4SEC", "SEC4LLM & AI/ML Security"]
    repair = next(t for t in model.all_themes() if t.title == "Automated Vulnerability Repair")
    assert repair.publication_ids == ["han2026rethinking"]


@requires_corpus
def test_project_quirks(corpus_models: dict[str, Model]) -> None:
    ares = {p.title: p for p in corpus_models["AB-Ares__website"].projects}
    assert any(p.origin and p.origin.file == "_projects/Icy moons.md" for p in ares.values())
    gohe = corpus_models["AlvaroGohe__AlvaroGohe.github.io"].projects
    assert any(p.origin and p.origin.file.endswith("can_dogs_do_math?.md") for p in gohe)
    alg = {p.id: p for p in corpus_models["AlgRUC__weizhewei.com"].projects}
    assert "he2024spectral" in alg["spectralgnn"].publication_ids  # CRLF file


# ---------------------------------------------------------------------- writer

def _sources() -> list[Path]:
    return [*SITES, SAMPLE]


def _write(model: Model) -> dict[str, bytes]:
    return dict(WRITER.write(model, WriteContext(Diagnostics())).items())


def _pub_key(model: Model) -> Counter:
    return Counter((p.title, tuple(p.authors), p.year, p.venue, tuple(sorted(p.links.items())))
                   for p in model.publications)


def _project_key(model: Model) -> Counter:
    return Counter((p.title, p.description, tuple(sorted(p.links.items())))
                   for p in model.projects)


def _theme_key(model: Model) -> list:
    titles = {p.id: p.title for p in model.publications}
    return sorted((t.title, tuple(sorted(titles.get(i, "?" + i) for i in t.publication_ids)))
                  for t in model.all_themes())


@pytest.mark.parametrize("source", _sources(), ids=ids(_sources()))
def test_writer_round_trip(source: Path, tmp_path: Path) -> None:
    if not source.is_dir():
        pytest.skip("source absent")
    model = read_site(source, "al-folio")
    files = _write(model)
    assert files == _write(model), "output must be deterministic"
    out = tmp_path / "site"
    write_atomically(WRITER.write(model, WriteContext()), out)
    again = read_site(out, "al-folio")
    assert _pub_key(again) == _pub_key(model)
    assert _project_key(again) == _project_key(model)
    assert _theme_key(again) == _theme_key(model)
    assert _write(again) == files, "write -> read -> write must give the same bytes"
    _check_theme_rules(files)


def _check_theme_rules(files: dict[str, bytes]) -> None:
    config = load_yaml(files["_config.yml"].decode()).data
    filtered = set(config["filtered_bibtex_keywords"])
    bib = files.get("_bibliography/papers.bib", b"").decode()
    entries = parse_bibtex(bib, "papers.bib", Diagnostics())
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys)) == len(ENTRY.findall(bib))
    # every field al-folio does not render must be filtered, else it shows in the Bib block
    rendered = set(converter("al-folio")["rendered_bib_fields"])
    assert {name for e in entries for name in e.fields} - rendered <= filtered
    assert config["scholar"]["bibliography_template"] == "bib"
    categories = set()
    for path, data in files.items():
        if path.startswith("_projects/") and data.startswith(b"---"):
            meta = load_yaml(data.decode().split("---", 2)[1]).data
            if meta.get("category"):
                categories.add(meta["category"])
    if categories:
        projects_page = files["_pages/projects.md"].decode().split("---", 2)[1]
        assert categories <= set(load_yaml(projects_page).data["display_categories"])


def test_sample_reads_every_field() -> None:
    model = read_site(SAMPLE, "al-folio")
    labels = {label for p in model.publications for label in p.links}
    assert {"pdf", "html", "doi", "arxiv", "code", "slides", "poster", "video", "website",
            "supp", "blog", "data"} <= labels
    assert len(model.publications) == 10  # 9 bib entries + the field guide named on research
    assert len(model.projects) == 4 and len(model.themes) == 2
    assert all(t.subthemes for t in model.themes)
    assert Counter(i.collection for i in model.items) == {"news": 2, "talks": 2, "posts": 1}
    food = next(p for p in model.projects if p.title == "Food webs from sparse data")
    assert food.publication_ids == ["varga2025foodwebs", "chen2024forecast"]  # CRLF file
    blooms = next(t for t in model.all_themes() if t.title == "Blooms under Ice")
    assert blooms.publication_ids == ["varga2024plankton"]  # merged with the bib entry
    codes = {d.code for d in model.diagnostics}
    assert {"SM106", "SM201", "SM403"} <= codes and "SM900" not in codes
    assert model.site.socials["bluesky"] == "https://bsky.app/profile/ivarga.example.org"


@requires_corpus
def test_config_merge_keeps_comments() -> None:
    template = (CORPUS / "al-folio" / "alshedivat__al-folio" / "_config.yml").read_bytes()
    model = read_site(SAMPLE, "al-folio")
    files = WRITER.write(model, WriteContext(existing=lambda rel: template
                                             if rel == "_config.yml" else None))
    text = (files.get("_config.yml") or b"").decode()
    assert "# the website title (if blank, full name will be used instead)" in text
    data = load_yaml(text).data
    assert data["first_name"] == "Ilse" and data["last_name"] == "Varga"
    assert "data" in data["filtered_bibtex_keywords"]
    assert data["scholar"]["style"] == "apa" and data["scholar"]["last_name"] == ["Varga"]
    assert data["collections"]["books"] == {"output": True}  # template's own kept
    assert "key: 1\n" in merge_config(load_config("key: 1\n"), {"title": "T"})


def test_short_venue_takes_a_badge_from_the_venue_and_never_invents_one() -> None:
    assert short_venue("NeurIPS") == "NeurIPS"
    assert short_venue("TPAMI & AISTATS") == "TPAMI"
    assert short_venue("CVPR Oral") == "CVPR"
    assert short_venue("Advances in Neural Information Processing Systems 33 "
                       "pre-proceedings (NeurIPS 2020)") == "NeurIPS"
    assert short_venue("Proc. ICML (ICML'21)") == "ICML"
    # initials would be invented ("JOMLR", "ANIPSPP"): no badge
    assert short_venue("Journal of Machine Learning Research") is None
    assert short_venue("IEEE Transactions on Pattern Analysis and Machine Intelligence") is None
    assert short_venue(None) is None


# ---------------------------------------------------------------------- research marker

MARKER_SITE = Path(__file__).parent / "fixtures" / "al-folio" / "marker-site"


def test_themes_only_from_the_marked_research_page() -> None:
    model = read_site(MARKER_SITE, "al-folio")
    # research.md carries `sitemigrate: research`; research-group.md has `##` headings too
    assert [(t.title, t.publication_ids) for t in model.all_themes()] == [
        ("Lagoon Dynamics", ["quist2023drift"]), ("Gauges", ["ahn2024tides"])]
    assert all(t.extra["page"] == "research" for t in model.all_themes())
    group = next(p for p in model.pages if p.id == "research-group")
    assert "research_shape" not in group.extra


def test_bibtex_field_with_a_path_is_a_link() -> None:
    model = read_site(MARKER_SITE, "al-folio")
    drift = model.publication("quist2023drift")
    tides = model.publication("ahn2024tides")
    assert drift is not None and tides is not None
    assert drift.links == {"bibtex": "./assets/bib/quist2023drift.bib"}
    assert "bibtex" not in drift.extra
    assert "bibtex" not in tides.links and tides.extra["bibtex"] == "not a path"


def _front_matter(data: bytes) -> dict:
    return load_yaml(data.decode().split("---", 2)[1]).data


def test_writer_marks_generated_research_page_and_copied_look_alikes() -> None:
    model = read_site(MARKER_SITE, "al-folio")
    files = _write(model)
    assert _front_matter(files["_pages/research.md"])["sitemigrate"] == "research"
    assert "sitemigrate" not in _front_matter(files["_pages/research-group.md"])
    # a copied page named research whose body has the seed's numbered areas
    numbered = Page(id="research-notes", title="notes", permalink="/research-notes/",
                    body="**1) Old Area**: no longer a theme of this site\n")
    model.pages.append(numbered)
    files = _write(model)
    assert _front_matter(files["_pages/research-notes.md"])["sitemigrate"] == "page"


def test_written_research_notes_give_no_themes(tmp_path: Path) -> None:
    model = read_site(MARKER_SITE, "al-folio")
    model.pages.append(Page(id="research-notes", title="notes", permalink="/research-notes/",
                            body="**1) Old Area**: no longer a theme of this site\n"))
    write_atomically(WRITER.write(model, WriteContext()), tmp_path / "site")
    again = read_site(tmp_path / "site", "al-folio")
    assert [t.title for t in again.all_themes()] == ["Lagoon Dynamics", "Gauges"]


def test_post_date_from_name_and_sorted_collections() -> None:
    model = read_site(MARKER_SITE, "al-folio")
    post = next(i for i in model.items if i.collection == "posts")
    assert post.date == "2024-05-02"
    post.date = None  # as a reader that does not look at names would leave it
    model.items += [Item(collection="teaching", id="t1", title="Hydrology"),
                    Item(collection="awards", id="a1", title="Medal")]
    files = _write(model)
    assert _front_matter(files["_posts/2024-05-02-field-season.md"])["date"] == "2024-05-02"
    collections = list(load_yaml(files["_config.yml"].decode()).data["collections"])
    assert collections == ["news", "projects", "awards", "teaching"]


def test_blank_project_description_written_empty() -> None:
    model = read_site(MARKER_SITE, "al-folio")
    model.projects.append(Project(id="grant", title="RSF 23-73", description=" "))
    files = _write(model)
    assert _front_matter(files["_projects/grant.md"])["description"] == ""


# ---------------------------------------------------------------------- arXiv ids, config

ARXIV_LINKS = {
    "pdf-url": "https://arxiv.org/pdf/2403.01234v2.pdf",
    "old-http": "http://arxiv.org/abs/q-bio/0601001",
    "canonical": "https://arxiv.org/abs/2311.04321",
    "not-arxiv": "https://openreview.net/forum?id=Xy12",
}


def _arxiv_model() -> Model:
    model = read_site(MARKER_SITE, "al-folio")
    model.publications += [Publication(id=pid, title=f"Paper {pid}", authors=["Ana Quist"],
                                       year=2024, links={"arxiv": url})
                           for pid, url in ARXIV_LINKS.items()]
    return model


def test_arxiv_field_holds_only_an_id(tmp_path: Path) -> None:
    model = _arxiv_model()
    files = _write(model)
    entries = {e.key: e.fields for e in parse_bibtex(
        files["_bibliography/papers.bib"].decode(), "papers.bib", Diagnostics())}
    # al-folio links arxiv.org/abs/<arxiv>: only ids there, the link as written beside it
    assert entries["pdf-url"]["arxiv"] == "2403.01234v2"
    assert entries["old-http"]["arxiv"] == "q-bio/0601001"
    assert entries["canonical"]["arxiv"] == "2311.04321"
    assert "arxiv" not in entries["not-arxiv"]
    assert entries["pdf-url"]["arxiv_url"] == ARXIV_LINKS["pdf-url"]
    assert "arxiv_url" not in entries["canonical"]
    config = load_yaml(files["_config.yml"].decode()).data
    assert "arxiv_url" in config["filtered_bibtex_keywords"]
    write_atomically(WRITER.write(model, WriteContext()), tmp_path / "site")
    again = read_site(tmp_path / "site", "al-folio")
    for pid, url in ARXIV_LINKS.items():
        found = again.publication(pid)
        assert found is not None and found.links == {"arxiv": url}
    assert _write(again) == files


def test_filtered_keywords_cover_unrendered_fields_in_order() -> None:
    model = _arxiv_model()
    model.publications.append(Publication(id="dated", title="Dated", authors=["Ana Quist"],
                                          year=2024, date="2024-03-05",
                                          extra={"key": "Quist", "zeta": "z"}))
    config = load_yaml(_write(model)["_config.yml"].decode()).data
    filtered = config["filtered_bibtex_keywords"]
    assert {"date", "key", "zeta", "arxiv_url"} <= set(filtered)
    added = filtered[filtered.index("website") + 1:]
    assert added == sorted(added)  # al-folio's own list first, then ours sorted


def test_second_merge_into_our_config_is_byte_identical() -> None:
    model = _arxiv_model()
    first = _write(model)["_config.yml"]
    files = WRITER.write(model, WriteContext(existing=lambda rel: first
                                             if rel == "_config.yml" else None))
    assert files.get("_config.yml") == first


def test_one_about_page_at_root_and_generated_pages_take_free_urls() -> None:
    model = read_site(MARKER_SITE, "al-folio")
    model.pages = [p for p in model.pages if p.role != "about"]
    # as the Allan lab reader leaves agucova__allanlab: home at /, pictures also "about"
    model.pages += [Page(id="pictures", title="Fotos", role="about"),
                    Page(id="home", title="Inicio", permalink="/", role="about"),
                    Page(id="team", title="Team", permalink="/talks/")]
    model.items.append(Item(collection="talks", id="t9", title="A talk"))
    files = _write(model)
    home, pictures = (_front_matter(files[f"_pages/{n}.md"]) for n in ("home", "pictures"))
    assert (home["layout"], home["permalink"]) == ("about", "/")
    assert pictures["layout"] == "page" and "permalink" not in pictures
    assert _front_matter(files["_pages/talks.md"])["permalink"] == "/talks-2/"


def test_a_bibliography_a_page_names_stays_a_file_of_its_own(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_bibliography" / "people").mkdir(parents=True)
    (site / "_pages").mkdir()
    (site / "_config.yml").write_text(
        "title: Lab\nscholar:\n  bibliography: papers.bib\n", encoding="utf-8")
    (site / "_bibliography" / "papers.bib").write_text(
        "@article{a1, title={Lab Paper}, author={One, Ann}, journal={J}, year={2020}}\n",
        encoding="utf-8")
    (site / "_bibliography" / "people" / "ada.bib").write_text(
        "@article{b1, title={Ada Paper}, author={Lovelace, Ada}, journal={K}, year={2021}}\n",
        encoding="utf-8")
    (site / "_pages" / "ada.md").write_text(
        "---\nlayout: page\ntitle: Ada\npermalink: /people/ada/\n---\n"
        "{% bibliography --file people/ada %}\n", encoding="utf-8")
    files = plan_migration(read_site(site), "al-folio", tmp_path / "out").files
    assert b"Lab Paper" in (files.get("_bibliography/papers.bib") or b"")
    ada = files.get("_bibliography/people/ada.bib") or b""
    assert b"Ada Paper" in ada and b"Lab Paper" not in ada
    assert b"Ada Paper" not in (files.get("_bibliography/papers.bib") or b"")


def test_an_undated_entry_stays_undated_and_keeps_jekyll_scholar_building(tmp_path: Path) -> None:
    """jekyll-scholar groups the publications page by year and stops on an entry without
    one (nil.numeric?, and an empty year fails the sort): undated entries get a bibliography
    of their own, listed below the year groups without grouping; no year is invented."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title={No Year}, author={Doe, Jane}, journal={J}}\n"
                   "@article{b, title={Dated}, author={Roe, R}, journal={J}, year={2020}}\n",
                   encoding="utf-8")
    files = plan_migration(read_site(bib), "al-folio", tmp_path / "out").files
    papers = (files.get("_bibliography/papers.bib") or b"").decode()
    undated = (files.get("_bibliography/undated.bib") or b"").decode()
    assert "Dated" in papers and "No Year" not in papers
    assert "No Year" in undated and "year" not in undated
    page = next(data.decode() for rel, data in files.items() if rel.startswith("_pages/")
                and b"{% bibliography %}" in data)
    assert "{% bibliography --file undated --group_by none %}" in page
    out = tmp_path / "out"
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    assert sorted((p.title, p.year) for p in read_site(out).publications) == \
        [("Dated", 2020), ("No Year", None)]
    again = plan_migration(read_site(out), "al-folio", tmp_path / "again").files
    assert again.get("_bibliography/undated.bib") == files.get("_bibliography/undated.bib")


def test_short_bibliography_options_name_files_too(tmp_path: Path) -> None:
    from sitemigrate.themes.al_folio.codec import named_bib_files

    assert named_bib_files("{% bibliography -f people/ada%} {% cite x --file b.bib %}") == \
        {"people/ada", "b"}
