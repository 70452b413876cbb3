"""Custom-layout reader on the seed, the corpus custom group and samples/custom."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import CORPUS, SAMPLES, SEEDS, corpus_sites, requires_corpus, requires_seeds, site_id

from sitemigrate.detect import detect
from sitemigrate.pipeline import read_site
from sitemigrate.themes.custom.records import is_link_value

CUSTOM_SITES = corpus_sites("custom")
#: publication data files, named independently of the reader (themes.md §5)
PUBLICATION_FILES = {
    "speekenbrink-lab__speekenbrink-lab.github.io": ["_data/publications.yaml"],
    "AlbertoRoper__AlbertoRoper.github.io": ["_data/publications.yml"],
    "AdamFrostLab-UCSF__website": ["_data/backup_publications.yml"],
    "bagmark__bagmark.github.io": ["_data/publications.yml"],
    "AlexSchuckert__alexschuckert.github.io": ["_data/publications.yml"],
    "duck-AI-lab__duck-AI-lab.github.io": ["_data/citations.yaml"],
}


def _count_records(path: Path) -> int:
    text = path.read_text(encoding="utf-8-sig")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if isinstance(data, dict):
        return sum(len(v) for v in data.values() if isinstance(v, list))
    return len(data)


@requires_seeds
def test_seed_page_alone_gives_three_themes_of_key_stubs() -> None:
    model = read_site(SEEDS / "custom-data-research.md")
    assert model.source.kind == "custom"
    titles = [t.title for t in model.themes]
    assert titles == ["Open-Source LLMs and Responsible AI", "Neural Architecture Research",
                      "LLM Scaling and Generalization"]
    assert [len(t.publication_ids) for t in model.themes] == [3, 11, 8]
    assert model.themes[0].publication_ids == ["fan2025can", "xu2025positional",
                                               "stanic2023languini"]
    assert model.themes[1].publication_ids[-1] == "schlag2017gated"
    assert model.themes[2].publication_ids[0] == "schafer2024effect"
    assert len(model.publications) == 22
    assert all(p.extra.get("stub") for p in model.publications)
    stubs = [d for d in model.diagnostics if d.code == "SM205"]
    assert len(stubs) == 22
    assert {(d.file, d.line) for d in stubs} == {("custom-data-research.md", 18),
                                                 ("custom-data-research.md", 44),
                                                 ("custom-data-research.md", 70)}
    missing = [(d.file, d.line) for d in model.diagnostics if d.code == "SM203"]
    assert missing == [("custom-data-research.md", 18), ("custom-data-research.md", 44),
                       ("custom-data-research.md", 70)]


@requires_corpus
@pytest.mark.parametrize("site", CUSTOM_SITES, ids=[site_id(s) for s in CUSTOM_SITES])
def test_custom_site_is_read_whole(site: Path) -> None:
    assert detect(site).kind == "custom"
    model = read_site(site, "custom")
    assert not [d for d in model.diagnostics if d.code == "SM900"]
    by_file = Counter(p.origin.file for p in model.publications if p.origin)
    for rel in PUBLICATION_FILES.get(site.name, []):
        expected = _count_records(site / rel)
        merged = sum(1 for p in model.publications for o in p.merged_from if o.file == rel)
        assert by_file[rel] + merged == expected, rel
    for pub in model.publications:
        assert pub.title and pub.origin is not None


@requires_corpus
def test_speekenbrink_topics_cite_publications_by_tag() -> None:
    model = read_site(CORPUS / "custom" / "speekenbrink-lab__speekenbrink-lab.github.io")
    theme = next(t for t in model.themes if t.title.startswith("Decisions in an uncertain"))
    # hand-checked in _researchtopics/1_reinforcement_learning.md: four citation includes
    assert theme.publication_ids == ["speekenbrink2013decisionmaking", "weiss2016incorporating",
                                     "speekenbrink2015uncertaintyproblem",
                                     "speekenbrink2010learningenvironment"]
    assert theme.summary == "How do people learn to make better decisions from experience?"
    assert theme.extra["tag"] == "reinforcement_learning"
    # _data/topics.yaml repeats the collection: 7 topics, not 12
    assert len(model.themes) == 7
    pub = model.publication("speekenbrink2025state")
    assert pub is not None and pub.title.startswith("State-dependent missingness")
    assert pub.authors == ["M. Speekenbrink", "I. Visser"]
    assert pub.year == 2025 and pub.venue == "Psychometrika"


@requires_corpus
def test_alberto_roper_research_sections_take_publications_by_tag() -> None:
    model = read_site(CORPUS / "custom" / "AlbertoRoper__AlbertoRoper.github.io")
    theme = next(t for t in model.themes if t.title == "Gravitational waves from sound waves")
    pubs = [model.publication(i) for i in theme.publication_ids]
    assert pubs and all(p is not None and "sound_waves" in p.extra["tags"] for p in pubs)


@requires_corpus
def test_bagmark_where_filters_and_4c_bibliographies() -> None:
    bagmark = read_site(CORPUS / "custom" / "bagmark__bagmark.github.io")
    sections = Counter(p.extra.get("section") for p in bagmark.publications)
    assert sum(sections.values()) == 7 and None not in sections
    four_c = read_site(CORPUS / "custom" / "4C-multiphysics__website", "custom", dedupe=False)
    by_file = Counter(p.extra.get("bib_file") for p in four_c.publications)
    assert by_file["papers"] == 316 and by_file["phdtheses"] == 54
    assert not any(p.title.startswith("4C: A") for p in four_c.publications)


@requires_corpus
def test_aharoni_markdown_reference_list() -> None:
    model = read_site(CORPUS / "custom" / "Aharoni-Lab__Aharoni-Lab.github.io")
    first = next(p for p in model.publications
                 if p.title.startswith("Hippocampal place cell remapping"))
    assert first.authors[0] == "G. J. Blair" and first.year == 2023
    assert first.venue == "eLife"
    assert first.links["doi"] == "https://doi.org/10.7554/eLife.80661"


def test_sample_site() -> None:
    model = read_site(SAMPLES / "custom")
    assert model.source.kind == "custom"
    assert len(model.publications) == 8 and len(model.projects) == 3
    assert [(t.title, len(t.publication_ids)) for t in model.themes] == [
        ("Coastal Sensing and Forecasting", 4), ("Frugal Machine Learning", 3)]
    unresolved = [d for d in model.diagnostics if d.code == "SM204"]
    assert [(d.file, d.line) for d in unresolved] == [("research.md", 26)]
    tidal = model.publication("okonkwo2024tidal")
    assert tidal is not None and tidal.selected and tidal.authors[0] == "Mira Okonkwo-Lind"
    assert tidal.author_names[0].is_self
    assert tidal.links["html"] == "https://jcc.example.org/2024/017"
    toolkit = model.publication("tidewater2024toolkit")
    assert toolkit is not None and toolkit.title == "TideKit: A toolkit for buoy data pipelines"
    labels = {label for p in model.publications for label in p.links}
    assert {"pdf", "html", "doi", "arxiv", "code", "slides", "poster", "video", "website",
            "bibtex"} <= labels
    assert model.site.socials["github"] == "https://github.com/tidewater-lab"
    assert Counter(i.collection for i in model.items) == {"news": 2, "talks": 2}
    assert all(p.nav for p in model.pages)


# ---------------------------------------------------------------------- record values

@requires_corpus
def test_identifier_values_are_not_links() -> None:
    model = read_site(CORPUS / "custom" / "speekenbrink-lab__speekenbrink-lab.github.io")
    pub = model.publication("topf2023follow")
    assert pub is not None
    # hand-checked in _data/publications.yaml: `osf: 2gxhk` is an OSF id, not a URL
    assert "osf" not in pub.links and pub.extra["osf"] == "2gxhk"
    assert pub.links["arxiv"] == "https://psyarxiv.com/496v7/"
    assert pub.links["doi"] == "https://doi.org/10.1037/xap0000452"
    for other in model.publications:
        assert all(is_link_value(url) for url in other.links.values()), other.id


@requires_corpus
def test_minimal_light_venue_url_year_and_extra_links() -> None:
    model = read_site(CORPUS / "custom" / "AlexSchuckert__alexschuckert.github.io")
    pub = next(p for p in model.publications if p.title.startswith("Observation of a finite"))
    # `journal:` holds the article URL, `conference: Nature Physics, 2025.` the venue and year
    assert pub.venue == "Nature Physics" and pub.year == 2025
    assert pub.extra["venue_text"] == "Nature Physics, 2025."
    assert pub.links == {
        "html": "https://www.nature.com/articles/s41567-024-02751-2",
        "pdf": "https://rdcu.be/d6BgC",
        "arxiv": "https://arxiv.org/abs/2310.19869",
        "bibtex": "./assets/bib/Schuckert2025.bib",
        "press": "https://www.newscientist.com/article/2464444-elusive-phase-change-finally-"
                 "spotted-in-a-quantum-simulator/",
        "press2": "https://phys.org/news/2025-02-phase-transition-1d-chain-atoms.html"}


@requires_corpus
def test_nan_placeholder_is_kept_aside() -> None:
    model = read_site(CORPUS / "custom" / "AdamFrostLab-UCSF__website")
    pub = next(p for p in model.publications if p.title.startswith("Brominated Lipid Probes"))
    assert pub.extra["placeholders"] == {"pmid": "NaN"}
    assert "pmid" not in pub.identifiers and "pmid" not in pub.extra


@requires_corpus
def test_bib_url_markup_gives_the_href() -> None:
    model = read_site(CORPUS / "custom" / "4C-multiphysics__website", "custom", dedupe=False)
    pub = model.publication("biehler-j_2016_probabilistic")
    assert pub is not None
    assert pub.links["html"] == "https://doi.org/10.1007/s10237-016-0801-6"
    assert pub.extra["link_markup"]["html"].startswith('doi:<a href="https://doi.org/')
    assert all(is_link_value(u) for p in model.publications for u in p.links.values())


@requires_corpus
def test_posts_take_the_date_of_their_name() -> None:
    model = read_site(CORPUS / "custom" / "Aharoni-Lab__Aharoni-Lab.github.io")
    dates = sorted((i.id, i.date) for i in model.items if i.collection == "posts")
    assert dates == [("2018-12-20-methods-of-the-year", "2018-12-20"),
                     ("2019-01-10-first-post", "2019-01-10")]
