"""BibTeX parsing, the entry -> publication mapping, writing back, and the .bib reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate.common.reader import ReadContext
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.model import LINK_LABELS, PUBLICATION_KINDS, Origin, Publication
from sitemigrate.parsing.bibtex import (
    entry_to_publication,
    parse_bibtex,
    publication_to_bibtex,
    publications_to_bibtex,
    read_bib_file,
)
from sitemigrate.pipeline import read_site
from sitemigrate.themes.bibtex.reader import READER
from tests.conftest import CORPUS, FIXTURES, SAMPLES, requires_corpus

BIB_FIXTURES = FIXTURES / "bibtex"
SAMPLE = SAMPLES / "bibtex" / "refs.bib"
_ENTRY = re.compile(r"^\s*@\s*(\w+)\s*[{(]", re.M)


def corpus_bib_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.bib")) if CORPUS.is_dir() else []


def count_entries(text: str) -> int:
    """Entries counted independently of the parser: ``@type{`` that is not string/comment."""
    return sum(1 for m in _ENTRY.finditer(text)
               if m.group(1).lower() not in ("string", "comment", "preamble"))


def read(path: Path) -> tuple[list[Publication], Diagnostics]:
    ctx = ReadContext(path.parent)
    return read_bib_file(path, ctx), ctx.diagnostics


def by_id(pubs: list[Publication]) -> dict[str, Publication]:
    return {p.id: p for p in pubs}


def codes(diagnostics: Diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


# ------------------------------------------------------------------------------ corpus


@requires_corpus
@pytest.mark.parametrize("path", corpus_bib_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_bib_parses_every_entry(path: Path) -> None:
    pubs, diagnostics = read(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    assert len(pubs) == count_entries(text)
    assert len({p.id for p in pubs}) == len(pubs)
    assert all(p.origin and p.origin.line for p in pubs)
    assert "SM104" not in codes(diagnostics)  # every corpus entry is well-formed enough


@requires_corpus
def test_adrientaylor_duplicate_key_keeps_both_papers() -> None:
    path = CORPUS / "al-folio/AdrienTaylor__AdrienTaylor.github.io/_bibliography/papers.bib"
    pubs, diagnostics = read(path)
    found = by_id(pubs)
    # hand-checked: lines 188 and 200 of the file hold two different papers
    assert found["moucer2024geometry"].title.startswith("Geometry-dependent matching pursuit")
    assert found["moucer2024geometry"].origin == Origin("papers.bib", 188)
    assert found["moucer2024geometry-2"].title.startswith("Constructive approaches")
    assert found["moucer2024geometry-2"].authors == ["Céline Moucer", "Adrien B. Taylor",
                                                     "Francis Bach"]
    dup = [d for d in diagnostics if d.code == "SM208"]
    assert len(dup) == 1 and dup[0].line == 200 and "188" in dup[0].message


@requires_corpus
def test_ngram_lab_duplicates_and_quirks() -> None:
    path = CORPUS / "al-folio/ngram-lab__al-folio/_bibliography/papers.bib"
    pubs, diagnostics = read(path)
    found = by_id(pubs)
    assert len(pubs) == 230
    assert sorted(d.line for d in diagnostics if d.code == "SM208") == [954, 2109]
    assert found["DBLP:conf/iclr/VilnisM15"].title == "Word Representations via Gaussian Embedding"
    assert found["DBLP:conf/iclr/VilnisM15-2"].title == (
        "Learning a Natural Language Interface with Neural Programmer")
    stance = found["gupta-etal-2025-stance"]  # quoted value with math, line 2257
    assert stance.title == (r"$\delta$-Stance: A Large-Scale Real World Dataset of Stances in"
                            " Legal Argumentation")
    assert stance.authors == ["Ankita Gupta", "Douglas Rice", "Brendan O'Connor"]
    # "and and" in the author list names nobody in between (line 1730)
    assert found["Zichao_Wang_EMNLP_21"].authors == ["Zichao Wang", "Richard Baraniuk",
                                                     "Andrew Lan"]


@requires_corpus
def test_alfolio_template_fields() -> None:
    path = CORPUS / "al-folio/alshedivat__al-folio/_bibliography/papers.bib"
    pubs, _ = read(path)
    found = by_id(pubs)
    einstein = found["einstein1905molekularkinetischen"]
    assert einstein.title.startswith("Über die von der molekularkinetischen Theorie der Wärme")
    assert einstein.extra["bibtex_raw_fields"]["title"].startswith(r'{\"U}ber')
    epr = found["PhysRev.47.777"]
    assert epr.extra["publisher"] == "American Physical Society,"  # publisher=aps, @string
    assert epr.authors == ["A. Einstein*†", "B. Podolsky*", "N. Rosen*"]
    assert epr.author_names[0].family == "Einstein" and epr.author_names[0].marks == ["*", "†"]
    assert (epr.year, epr.date, epr.venue, epr.kind) == (1935, "1935-05", "Phys. Rev.", "journal")
    assert epr.links["doi"] == "https://doi.org/10.1103/PhysRev.47.777"
    assert epr.links["pdf"] == "example_pdf.pdf"
    assert epr.identifiers["doi"] == "10.1103/PhysRev.47.777"
    assert epr.selected is True
    for name in ("abbr", "altmetric", "dimensions", "google_scholar_id", "additional_info"):
        assert name in epr.extra
    assert epr.extra["bibtex_type"] == "article"


@requires_corpus
def test_enquote_and_selected_yes() -> None:
    pubs, _ = read(CORPUS / "custom/4C-multiphysics__website/_bibliography/papers.bib")
    assert by_id(pubs)["gravemeier.wall_2008_space-time"].title == (
        "A space-time formulation and improved spatial reconstruction for the"
        " \u201cdivide-and-conquer\u201d multiscale method")
    pubs, _ = read(CORPUS / "allanlab/USC-NSL__allanlab/_bibliography/papers.bib")
    assert by_id(pubs)["namyar2025mitigation"].selected is True  # selected = {yes}


@requires_corpus
def test_corpus_round_trips_through_bibtex() -> None:
    """read -> write -> read gives the same publications; write -> read -> write same bytes."""
    for path in corpus_bib_files():
        pubs, _ = read(path)
        text = publications_to_bibtex(pubs)
        back = [entry_to_publication(e, Origin("x", e.line))
                for e in parse_bibtex(text, "x", Diagnostics())]
        assert [signature(p) for p in back] == [signature(p) for p in pubs], path
        assert [p.extra for p in back] == [p.extra for p in pubs], path
        assert publications_to_bibtex(back) == text, path


def signature(pub: Publication) -> tuple[object, ...]:
    return (pub.title, pub.authors, pub.year, pub.date, pub.venue, sorted(pub.links.items()),
            pub.kind, pub.abstract, pub.selected, pub.award, pub.image, pub.identifiers)


# ---------------------------------------------------------------------------- fixtures


def test_quirks_fixture() -> None:
    pubs, diagnostics = read(BIB_FIXTURES / "quirks.bib")
    assert list(diagnostics) == []
    found = by_id(pubs)
    assert list(found) == ["mixedcase2020", "tabs2021", "preprint2022", "masters2019",
                           "conf2018", "zotero2017", "groupauthor2016"]
    mixed = found["mixedcase2020"]
    assert (mixed.title, mixed.year, mixed.date, mixed.venue) == (
        "Mixed Case Field Names", 2020, "2020-09", "Journal of Quirks")
    assert mixed.identifiers == {"doi": "10.1234/quirk.2020"}
    assert mixed.origin == Origin("quirks.bib", 11)
    tabs = found["tabs2021"]
    assert tabs.title == "Tabs and Two Fields on One Line"
    assert tabs.venue == "Lecture Notes in Quirk Press"  # macros joined with #
    assert (tabs.extra["abbr"], tabs.extra["abbr2"]) == ("QC", "QW")
    assert found["preprint2022"].kind == "preprint"
    assert found["preprint2022"].links == {"arxiv": "https://arxiv.org/abs/2201.00001"}
    assert (found["masters2019"].kind, found["masters2019"].venue) == (
        "thesis", "University of Quirks")
    assert found["conf2018"].kind == "conference"
    assert found["conf2018"].links == {"html": "https://example.org/conf2018"}  # url -> html
    zotero = found["zotero2017"]
    assert zotero.venue == "Quirk Press"
    assert {"file", "annote", "urldate", "keywords"} <= set(zotero.extra)
    group = found["groupauthor2016"]
    assert group.authors == ["Barnes and Noble Consortium", "Pieter van der Berg",
                             "Jürgen Müller"]
    assert group.selected is True


def test_crlf_fixture() -> None:
    assert b"\r\n" in (BIB_FIXTURES / "crlf.bib").read_bytes()
    pubs, diagnostics = read(BIB_FIXTURES / "crlf.bib")
    assert [(p.id, p.title, p.origin.line if p.origin else None) for p in pubs] == [
        ("crlf2015", "Windows Line Endings", 1), ("crlf2016", "Second & Last", 8)]
    assert list(diagnostics) == []


def test_broken_entry_is_reported_and_the_rest_read() -> None:
    text = ("@article{ok1, title={One}, year={2001}}\n"
            "@article{bad,\n  title={Never closed,\n  year={2002}\n\n"
            "@article{ok2, title={Two}, year={2003}}\n")
    diagnostics = Diagnostics()
    entries = parse_bibtex(text, "x.bib", diagnostics)
    assert [e.key for e in entries] == ["ok1", "ok2"]
    assert [e.line for e in entries] == [1, 6]
    (failed,) = list(diagnostics)
    assert (failed.code, failed.file, failed.line) == ("SM104", "x.bib", 2)
    assert "@article{bad," in failed.message  # the raw text is kept


def test_duplicate_field_last_value_wins() -> None:
    diagnostics = Diagnostics()
    (entry,) = parse_bibtex("@misc{k,\n url={a},\n url={b}\n}\n", "x.bib", diagnostics)
    assert entry.fields["url"] == "b"
    assert [(d.code, d.line) for d in diagnostics] == [("SM107", 1)]


# ------------------------------------------------------------------------------ sample


def test_sample_reads_with_its_quirks() -> None:
    pubs, diagnostics = read(SAMPLE)
    assert len(pubs) == 10
    assert sorted(codes(diagnostics)) == ["SM104", "SM208"]
    tides = by_id(pubs)["kuhl2024tides"]
    assert tides.title == r"Learning Tidal Dynamics with $\delta$-Operators"
    assert tides.venue == "Journal of Fictional Systems (Series B)"
    assert set(tides.links) == set(LINK_LABELS)
    assert tides.award == "Best Paper Award" and tides.image == "tides.png"
    assert by_id(pubs)["kuhl2024tides-2"].title == "Tidal Dynamics: The Workshop Version"


def test_reader_detects_and_reads_a_bib_file(tmp_path: Path) -> None:
    assert READER.detect(SAMPLE).score >= 0.9
    page = tmp_path / "notes.md"
    page.write_text("# Notes\n\n```\n@article{x, title={y}}\n```\n")
    assert READER.detect(page).score == 0
    model = read_site(SAMPLE)
    assert model.source.kind == "bibtex"
    assert len(model.publications) == 10


# ---------------------------------------------------------------------- writing back


def test_publication_to_bibtex_is_deterministic_and_keeps_raw_latex() -> None:
    pubs, _ = read(SAMPLE)
    tides = by_id(pubs)["kuhl2024tides"]
    text = publication_to_bibtex(tides)
    assert text == publication_to_bibtex(tides)
    assert "title             = {Learning {Tidal} Dynamics with $\\delta$-Operators}," in text
    assert "month             = {mar}," in text
    assert "google_scholar_id = {AbCdEfGhIjK}," in text
    tides.title = "A New Title"  # once the model changes, the model's value is written
    assert "title             = {A New Title}," in publication_to_bibtex(tides)


def test_marks_and_doi_case_survive_the_normalizers() -> None:
    """The name transforms move "*" into ``marks``; the identifier one lower-cases DOIs."""
    from sitemigrate.transforms.names import structure_authors

    pubs, _ = read(SAMPLE)
    sediment = by_id(pubs)["oyelaran2023sediment"]
    structure_authors(sediment)
    assert sediment.authors == ["Tomás Oyelaran", "Maren Kühl"]
    assert "= {Oyelaran*, Tom{\\'a}s and K{\\\"u}hl*, Maren}," in (
        publication_to_bibtex(sediment))
    pub = Publication(id="k", title="T", links={"doi": "https://doi.org/10.1103/PhysRev.47"},
                      identifiers={"doi": "10.1103/physrev.47"})
    assert "doi   = {10.1103/PhysRev.47}" in publication_to_bibtex(pub)


def test_publications_to_bibtex_makes_keys_unique() -> None:
    pubs = [Publication(id="same", title="A"), Publication(id="same", title="B")]
    entries = parse_bibtex(publications_to_bibtex(pubs), "x", Diagnostics())
    assert [e.key for e in entries] == ["same", "same-2"]


# --------------------------------------------------------------------------- properties

_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzéüøñ"), min_size=1, max_size=8)
_NAME = st.builds(lambda g, f: f"{g.title()} {f.title()}", _WORD, _WORD)
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=50)
_URL = st.builds(lambda w: f"https://example.org/{w}", st.from_regex(r"[a-z0-9/_-]{1,20}",
                                                                    fullmatch=True))


@st.composite
def publications(draw: st.DrawFn) -> Publication:
    title = draw(_TEXT.filter(lambda t: t.strip()))
    labels = draw(st.lists(st.sampled_from(LINK_LABELS), unique=True, max_size=5))
    return Publication(
        id=draw(st.from_regex(r"[a-z][a-z0-9:_-]{0,15}", fullmatch=True)),
        title=" ".join(title.split()),
        authors=draw(st.lists(_NAME, max_size=4)),
        year=draw(st.none() | st.integers(1900, 2100)),
        venue=" ".join(draw(_TEXT).split()) or None,
        kind=draw(st.sampled_from(PUBLICATION_KINDS)),
        links={label: draw(_URL) for label in labels},
        # verbatim fields survive unless their braces are unbalanced (then they are escaped)
        citation=draw(st.none() | _TEXT.filter(lambda t: t.strip() == t and t and
                                               not set(t) & set("{}\\"))),
        selected=draw(st.booleans()),
    )


@given(publications())
def test_generated_publications_round_trip(pub: Publication) -> None:
    diagnostics = Diagnostics()
    (entry,) = parse_bibtex(publication_to_bibtex(pub), "x.bib", diagnostics)
    back = entry_to_publication(entry, Origin("x.bib", entry.line))
    assert list(diagnostics) == []
    assert (back.title, back.authors, back.year, back.venue, back.links) == (
        pub.title, pub.authors, pub.year, pub.venue, pub.links)
    assert (back.kind, back.citation, back.selected) == (pub.kind, pub.citation, pub.selected)


_SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


@given(st.integers(0, len(_SAMPLE_TEXT)), st.integers(0, len(_SAMPLE_TEXT)), _TEXT)
def test_parse_never_raises_on_mutated_text(start: int, end: int, insert: str) -> None:
    start, end = sorted((start, end))
    for text in (_SAMPLE_TEXT[:start], _SAMPLE_TEXT[:start] + insert + _SAMPLE_TEXT[end:]):
        diagnostics = Diagnostics()
        for entry in parse_bibtex(text, "x.bib", diagnostics):
            entry_to_publication(entry, Origin("x.bib", entry.line))


@given(st.binary(max_size=300))
def test_parse_never_raises_on_random_bytes(data: bytes) -> None:
    text = "@misc{k, title={" + data.decode("latin-1") + "}}\n" + data.decode("utf-8", "replace")
    for entry in parse_bibtex(text, "x.bib", Diagnostics()):
        entry_to_publication(entry, Origin("x.bib", entry.line))


@given(st.text(st.sampled_from("@{}\",=#%\\ \nab"), max_size=120))
def test_parse_never_raises_on_bibtex_punctuation(text: str) -> None:
    for entry in parse_bibtex(text, "x.bib", Diagnostics()):
        entry_to_publication(entry, Origin("x.bib", entry.line))


# -------------------------------------------------------------------------------- speed


def test_big_files_parse_whole() -> None:
    """Thousands of entries all come through (their speed is measured by bench/run.py)."""
    umlaut = '{\\"u}'

    def bib(count: int) -> str:
        return "".join(
            f"@article{{key{i},\n  title={{Paper {i} on {{T}}opic {i % 97}}},\n"
            f"  author={{M{umlaut}ller{i}, Anna and Smith, Bob{i}}},\n"
            f"  journal={{Journal {i % 31}}},\n  year={{{1990 + i % 35}}},\n"
            f"  doi={{10.1000/{i}}}\n}}\n\n" for i in range(count))

    for count in (1_000, 5_000):
        entries = parse_bibtex(bib(count), "big.bib", Diagnostics())
        pubs = [entry_to_publication(e, Origin("big.bib", e.line)) for e in entries]
        assert len(pubs) == count
        assert pubs[-1].authors[0] == f"Anna Müller{count - 1}"
        assert [e.line for e in entries[:2]] == [1, 9]  # 7 lines + a blank one


_NAME_LISTS = st.lists(st.sampled_from(
    list("aAnNdD xy\t\n{}\\\"'~") + [" and ", " AND ", "{and}", "{\\\"u}", "\\\"{u}", "and{",
                                     "}and", "\\{", "\\}", "{\\v{S}}imi{\\'c}", ", "]),
    max_size=25).map("".join)


@settings(max_examples=2000)
@given(_NAME_LISTS)
def test_name_lists_split_like_bibtexparser(value: str) -> None:
    """The brace-masking shortcut splits "A and {B and C}" exactly like the library's walk."""
    from bibtexparser.middlewares.names import split_multiple_persons_names

    from sitemigrate.parsing.bibtex import _split_names

    assert list(_split_names.__wrapped__(value)) == split_multiple_persons_names(value)


@pytest.mark.parametrize("value", ["{\\\\}", "line\\\\", "ends with \\", "a {b\\\\} c"])
def test_a_written_value_ending_a_group_in_a_line_break_still_parses(value: str) -> None:
    """bibtexparser's splitter takes a brace after any backslash as escaped; the writer
    keeps such values readable (hypothesis found ``{\\\\}``, which swallowed the file)."""
    from sitemigrate.parsing.bibtex import format_entry

    diagnostics = Diagnostics()
    entries = parse_bibtex(format_entry("article", "k", {"note": value, "year": "2020"}),
                           "x.bib", diagnostics)
    assert [e.key for e in entries] == ["k"] and entries[0].fields["year"] == "2020"
    assert entries[0].fields["note"].rstrip() == value.rstrip() or \
        entries[0].fields["note"].replace(" ", "") == value.replace(" ", "")
