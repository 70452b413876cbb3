"""De-duplication on real duplicated records, plus properties of the merge."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from conftest import FIXTURES, SEEDS, requires_seeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitemigrate.transforms.dedupe as dedupe_module
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.model import Model, Origin, Project, Publication, Source, Theme
from sitemigrate.pipeline import read_site
from sitemigrate.transforms import normalize
from sitemigrate.transforms.dedupe import merge_duplicates, normalized_title

RECORDS = FIXTURES / "records"


def _merge(pubs: list[Publication], **kw: Any) -> tuple[Model, Diagnostics]:
    model = Model(source=Source("test", "."), publications=pubs, **kw)
    diagnostics = Diagnostics()
    merge_duplicates(model, diagnostics)
    return model, diagnostics


def _codes(diagnostics: Diagnostics, code: str) -> list[str]:
    return [d.message for d in diagnostics if d.code == code]


def test_normalized_title_ignores_case_punctuation_latex_and_html() -> None:
    assert normalized_title("Corpus-Level Evaluation for Event {QA}: The {I}ndia{P}olice{E}vents") \
        == normalized_title("corpus level evaluation for event QA — the IndiaPoliceEvents")
    assert normalized_title("{\\\"U}ber <i>alles</i>") == "uber alles"


def test_same_doi_key_used_twice_is_merged_with_its_conflicts_kept() -> None:
    """AlgRUC papers.bib lists liu2022building twice (TKDE and ICDE) with one DOI."""
    model = read_site(RECORDS / "algruc_papers.bib", "bibtex")
    ids = [p.id for p in model.publications]
    assert ids == ["liu2022building", "wang2019efficient", "wang2017fora"]
    kept = model.publications[0]
    assert kept.merged_from == [Origin("algruc_papers.bib", 38)]
    assert kept.links["html"] == "https://ieeexplore.ieee.org/document/9435056/"
    assert kept.links["html_2"] == "https://ieeexplore.ieee.org/document/9835495"
    assert kept.extra["conflicts"]["venue"] == [
        "IEEE Transactions on Knowledge and Data Engineering",
        "IEEE International Conference on Data Engineering"]
    assert kept.extra["conflicts"]["kind"] == ["journal", "conference"]
    merged = _codes(model.diagnostics, "SM401")
    assert merged == ["merged liu2022building-2 (algruc_papers.bib:38) into liu2022building "
                      "(algruc_papers.bib:2): same DOI 10.1109/tkde.2021.3081624"]
    (conflict,) = [d for d in model.diagnostics if d.code == "SM402"]
    assert (conflict.file, conflict.line) == ("algruc_papers.bib", 2)
    assert "algruc_papers.bib:38" in conflict.message


def test_copied_doi_with_other_title_and_year_is_kept_apart() -> None:
    """wang2017fora (KDD 2017) carries the DOI of wang2019efficient (TODS 2019, its journal
    extension: half the title words shared): a possible duplicate for the user to decide."""
    model = read_site(RECORDS / "algruc_papers.bib", "bibtex")
    assert {"wang2019efficient", "wang2017fora"} <= {p.id for p in model.publications}
    (note,) = [d for d in model.diagnostics if d.code == "SM405" and "10.1145/3360902" in d.message]
    assert "wang2017fora (algruc_papers.bib:55) and wang2019efficient" in note.message
    assert "different titles" in note.message and note.level == "info"


def test_same_title_year_and_authors_without_doi_is_merged() -> None:
    """ngram-lab lists the EMNLP 2021 paper as bansal-etal-2021-diverse and Bansal_EMNLP_21."""
    model = read_site(RECORDS / "ngram_papers.bib", "bibtex")
    assert [p.id for p in model.publications] == ["bansal-etal-2021-diverse",
                                                   "halterman-etal-2021-corpus"]
    bansal, halterman = model.publications
    assert bansal.venue.startswith("Proceedings of the 2021 Conference on Empirical Methods")
    # both venue spellings name EMNLP: a variant, not a conflict
    assert bansal.extra["variants"]["venue"][1] == "forthcoming EMNLP"
    assert "venue" not in bansal.extra.get("conflicts", {})
    assert bansal.merged_from == [Origin("ngram_papers.bib", 36)]
    # the second halterman entry adds links the first lacks; same URLs are not repeated
    assert halterman.links["paper"] == "https://aclanthology.org/2021.findings-acl.371.pdf"
    assert "html_2" not in halterman.links
    reasons = _codes(model.diagnostics, "SM401")
    assert any(r.endswith("same title, year and authors") for r in reasons)
    assert any(r.endswith("same DOI 10.18653/v1/2021.findings-acl.371") for r in reasons)


def test_two_papers_under_one_key_are_not_merged() -> None:
    """AdrienTaylor: moucer2024geometry names two different arXiv preprints."""
    model = read_site(RECORDS / "adrientaylor_papers.bib", "bibtex")
    assert len(model.publications) == 2
    assert not _codes(model.diagnostics, "SM401")


def test_collection_page_and_generator_bib_are_one_paper() -> None:
    """ClaudiaASoares: _publications/*.md were generated from markdown_generator/pubs.bib."""
    site = read_site(RECORDS / "claudia_site", "academicpages", dedupe=False)
    bib = read_site(RECORDS / "claudia_pubs.bib", "bibtex", dedupe=False)
    stem = "Communication-Efficient-Vertical-Federated-Learning-via-Compressed-Error-Feedback"
    theme = Theme(id="fl", title="FL", publication_ids=[stem, "Valdeira_2025"])
    project = Project(id="p", title="P", publication_ids=["Ferreira_2026_CLASP"])
    model, diagnostics = _merge(site.publications + bib.publications, themes=[theme],
                                projects=[project])
    assert len(model.publications) == 2
    by_id = {p.id: p for p in model.publications}
    valdeira = by_id[stem]
    assert valdeira.date == "2025-01-01"  # the page's date is more precise than year=2025
    assert valdeira.identifiers["doi"] == "10.1109/tsp.2025.3540655"
    assert valdeira.extra["publisher"] == "Institute of Electrical and Electronics Engineers (IEEE)"
    assert valdeira.abstract and valdeira.abstract.startswith("Communication overhead")
    assert Origin("claudia_pubs.bib", 9) in valdeira.merged_from
    # references to merged-away ids now name the kept record, once
    clasp = "CLASP-Online-learning-algorithms-for-Convex-Losses-And-Squared-Penalties"
    assert theme.publication_ids == [stem]
    assert project.publication_ids == [clasp]
    assert any("same OpenReview id o54x4zOWuy" in m for m in _codes(diagnostics, "SM401"))


@requires_seeds
def test_seed_paper_listed_twice_is_one_record() -> None:
    """al-folio-research.md links SLRLA in two topics; each <strong><a> is a record here."""
    text = (SEEDS / "al-folio-research.md").read_text(encoding="utf-8")
    pubs = []
    for number, line in enumerate(text.splitlines(), 1):
        for url, title in re.findall(r"<strong><a href=\"([^\"]+)\">(.*?)</a></strong>", line):
            pubs.append(Publication(id=f"p{len(pubs)}", title=title, links={"pdf": url},
                                    origin=Origin("al-folio-research.md", number)))
    assert len(pubs) == 37
    model, diagnostics = _merge(pubs)
    assert len(model.publications) == 36
    (slrla,) = [p for p in model.publications if p.title == "SLRLA"]
    assert (slrla.origin.line, [o.line for o in slrla.merged_from]) == (66, [98])
    assert _codes(diagnostics, "SM401")[0].endswith("same title and link")


def test_preprint_and_published_one_year_apart() -> None:
    pre = Publication(id="a", title="Deep Widgets", authors=["Ann Lee", "Bo Chen"], year=2020,
                      venue="arXiv preprint", links={"arxiv": "https://arxiv.org/abs/2001.00001"},
                      origin=Origin("a.bib", 1))
    pub = Publication(id="b", title="Deep widgets.", authors=["A. Lee"], year=2021, venue="ICML",
                      kind="conference", origin=Origin("b.md", 1))
    other = Publication(id="c", title="Deep Widgets", authors=["Ann Lee"], year=2023,
                        venue="ICML", origin=Origin("c.md", 1))
    model, _ = _merge([pre, pub, other])
    assert [p.id for p in model.publications] == ["a", "c"]
    kept = model.publications[0]
    assert (kept.year, kept.venue, kept.kind) == (2021, "ICML", "conference")  # published wins
    assert kept.extra["conflicts"]["year"] == [2021, 2020]
    assert kept.authors == ["Ann Lee", "Bo Chen"]  # the fuller author list


def _synthetic(count: int) -> Model:
    """``count`` publications of which one in ten repeats an earlier one."""
    rng = random.Random(7)
    pubs = []
    distinct = count * 9 // 10
    for i in range(count):
        n = i % distinct
        pubs.append(Publication(
            id=f"p{i}", title=f"A study of topic {n} and method {n * 7 % 101}",
            authors=[f"Author{n % 300} Family{n % 97}", f"Second {rng.randint(0, 5)}"],
            year=2000 + n % 25, identifiers={"doi": f"10.1000/{n}"} if n % 3 == 0 else {},
            origin=Origin(f"f{i // 100}.md", i % 100 + 1)))
    model = Model(source=Source("test", "."), publications=pubs)
    normalize(model, Diagnostics(), dedupe=False)  # names and ids first, as in the pipeline
    return model


def test_dedupe_compares_a_linear_number_of_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Indexes, not nested scans: pair comparisons grow with n, not n² (speed: bench/)."""
    calls = 0
    original = dedupe_module.judge

    def counting(a, b):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return original(a, b)

    monkeypatch.setattr(dedupe_module, "judge", counting)
    counts = {}
    for size in (2_000, 8_000):
        calls = 0
        model = _synthetic(size)
        merge_duplicates(model, Diagnostics())
        assert len(model.publications) == size * 9 // 10
        counts[size] = calls
    assert counts[2_000] > 0  # the comparisons really went through the counter
    assert counts[8_000] <= 4 * counts[2_000] + 100
    assert counts[8_000] <= 3 * 8_000


# -- properties ----------------------------------------------------------------------------

TITLES = ["Deep Widgets", "deep widgets!", "Shallow Gadgets", "A {Study} of Things"]
PEOPLE = ["Ann Lee", "Lee, Ann", "Bo Chen", "Cy Diaz"]
pub_fields = st.fixed_dictionaries({
    "title": st.sampled_from(TITLES),
    "authors": st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True),
    "year": st.sampled_from([None, 2019, 2020, 2021]),
    "venue": st.sampled_from([None, "ICML", "arXiv", "Nature"]),
    "kind": st.sampled_from([None, "preprint", "journal"]),
    "doi": st.sampled_from([None, "10.1/a", "10.1/b"]),
    "links": st.dictionaries(st.sampled_from(["pdf", "code"]),
                             st.sampled_from(["https://x.org/1", "https://x.org/2"]), max_size=2),
    "extra": st.dictionaries(st.sampled_from(["abbr", "note"]), st.sampled_from(["A", "B"]),
                             max_size=2),
})


def _build(rows: list[dict[str, Any]]) -> list[Publication]:
    pubs = []
    for i, row in enumerate(rows):
        pubs.append(Publication(
            id=f"r{i}", title=row["title"], authors=list(row["authors"]), year=row["year"],
            venue=row["venue"], kind=row["kind"], links=dict(row["links"]),
            identifiers={"doi": row["doi"]} if row["doi"] else {}, extra=dict(row["extra"]),
            origin=Origin(f"f{i}.md", i + 1)))
    model = Model(source=Source("test", "."), publications=pubs)
    normalize(model, Diagnostics(), dedupe=False)
    return model.publications


def _snapshot(model: Model) -> list[tuple[Any, ...]]:
    return sorted((p.id, p.title, tuple(p.authors), p.year, p.venue, p.kind,
                   tuple(sorted(p.links.items())), tuple(sorted(p.identifiers.items())),
                   repr(sorted(p.extra.items())), tuple((o.file, o.line) for o in p.merged_from))
                  for p in model.publications)


PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.lists(pub_fields, min_size=1, max_size=8))
def test_merge_is_idempotent(rows: list[dict[str, Any]]) -> None:
    model, _ = _merge(_build(rows))
    once = _snapshot(model)
    merge_duplicates(model, Diagnostics())
    assert _snapshot(model) == once


@PROPERTY
@given(st.lists(pub_fields, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_merge_is_order_independent(rows: list[dict[str, Any]], rng: random.Random) -> None:
    pubs = _build(rows)
    first, _ = _merge(pubs)
    shuffled = _build(rows)
    rng.shuffle(shuffled)
    second, _ = _merge(shuffled)
    assert _snapshot(first) == _snapshot(second)


def _values_of(pub: Publication) -> set[str]:
    """Every value a record holds, as text, wherever it sits."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif value not in (None, ""):
            found.add(str(value))

    walk([pub.title, pub.year, pub.venue, pub.kind, pub.date, pub.authors, pub.links,
          pub.identifiers, pub.extra])
    return found


@PROPERTY
@given(st.lists(pub_fields, min_size=1, max_size=8))
def test_no_input_value_is_lost(rows: list[dict[str, Any]]) -> None:
    inputs = _build(rows)
    before = {p.id: (_values_of(p), p.origin) for p in inputs}
    model, _ = _merge(inputs)
    for pub in model.publications:
        origins = [pub.origin, *pub.merged_from]
        held = _values_of(pub)
        for values, _origin in (v for v in before.values() if v[1] in origins):
            assert values <= held, values - held
    kept_origins = {(o.file, o.line) for p in model.publications
                    for o in [p.origin, *p.merged_from] if o}
    assert kept_origins == {(o.file, o.line) for _, o in before.values() if o}


# -- generated pairs: two different papers are never merged --------------------------------

WORDS = ["neural", "ranking", "forward", "indexes", "efficient", "explainable", "retrieval",
         "graph", "learning", "sparse", "dense", "models", "robust", "inference", "scalable"]
TAILS = [": A Survey", " and Lightweight Encoders", " (Tutorial)", " Revisited",
         ": Extended Version"]
paper = st.fixed_dictionaries({
    "title": st.lists(st.sampled_from(WORDS), min_size=3, max_size=7).map(
        lambda ws: " ".join(ws).title()),
    "authors": st.lists(st.sampled_from(PEOPLE), min_size=0, max_size=3, unique=True),
    "year": st.sampled_from([None, 2018, 2020, 2022]),
    "kind": st.sampled_from([None, "conference", "journal"]),
    "doi": st.sampled_from([None, "10.1/a"]),
    "arxiv": st.sampled_from([None, "2201.00001"]),
})


def _pub(i: int, row: dict[str, Any]) -> Publication:
    ids = {k: row[k] for k in ("doi", "arxiv") if row.get(k)}
    return Publication(id=f"r{i}", title=row["title"], authors=list(row["authors"]),
                       year=row["year"], kind=row["kind"], identifiers=ids,
                       origin=Origin(f"f{i}.md", 1))


def _other_paper(draw: st.DrawFn, row: dict[str, Any]) -> dict[str, Any]:
    """A different work that looks like ``row``: a longer title (survey, extension), other
    venue type, years far apart or another DOI; it may carry ``row``'s ids (copied)."""
    other = dict(row)
    change = draw(st.sampled_from(["tail", "kind", "years", "doi"]))
    if change == "tail":
        other["title"] = row["title"] + draw(st.sampled_from(TAILS))
    elif change == "kind":
        other["kind"] = "journal" if row["kind"] == "conference" else "conference"
        if row["kind"] is None:
            row["kind"] = "talk"
        other["doi"] = other["arxiv"] = None
    elif change == "years":
        other["year"] = (row["year"] or 2015) + draw(st.integers(3, 9))
        row["year"] = row["year"] or 2015
    else:
        row["doi"], other["doi"] = "10.1/a", "10.1/b"
    other["title"] = draw(st.sampled_from([other["title"], other["title"].upper()]))
    if draw(st.booleans()):
        other["authors"] = list(row["authors"])
    return other


@PROPERTY
@given(paper, st.data())
def test_two_different_papers_are_never_merged(row: dict[str, Any], data: st.DataObject) -> None:
    other = _other_paper(data.draw, row)
    pubs = [_pub(0, row), _pub(1, other)]
    model, diagnostics = _merge(pubs)
    assert [p.id for p in model.publications] == ["r0", "r1"]
    assert not _codes(diagnostics, "SM401")
    reported = _codes(diagnostics, "SM405") + _codes(diagnostics, "SM404")
    if row["title"].casefold() in other["title"].casefold() or row["title"] == other["title"]:
        # the same or a longer title: always shown to the user
        assert any("r0 (f0.md:1)" in m and "r1 (f1.md:1)" in m for m in reported), reported


@PROPERTY
@given(paper, st.data())
def test_one_paper_spelled_twice_is_merged(row: dict[str, Any], data: st.DataObject) -> None:
    """Case and punctuation, a preprint a year before, a shared identifier: one work."""
    twin = dict(row)
    twin["title"] = data.draw(st.sampled_from([row["title"].lower(), row["title"] + ".",
                                               row["title"].replace(" ", "  ")]))
    evidence = row["authors"] or row["doi"] or row["arxiv"]
    if data.draw(st.booleans()) and row["year"] and evidence:
        twin.update(year=row["year"] - 1, kind="preprint")
    if not evidence and row["year"] is None:
        twin["year"] = row["year"] = 2020  # a bare short title alone is too little to merge
    model, diagnostics = _merge([_pub(0, row), _pub(1, twin)])
    assert [p.id for p in model.publications] == ["r0"], list(diagnostics)
    assert model.publications[0].merged_from == [Origin("f1.md", 1)]


def test_survey_and_tutorial_sharing_an_arxiv_id_stay_apart() -> None:
    """A survey (2022) and a tutorial of nearly the same name (2023) with one arXiv id; a
    conference paper and its journal extension whose title adds words."""
    pubs = [
        Publication(id="survey", title="Explainable Widget Retrieval: A Survey", year=2022,
                    identifiers={"arxiv": "2211.02405"}, origin=Origin("a.bib", 1)),
        Publication(id="tutorial", title="Explainable Widget Retrieval", year=2023,
                    kind="conference", identifiers={"arxiv": "2211.02405"},
                    origin=Origin("a.bib", 9)),
        Publication(id="www", title="Efficient Widget Ranking using Forward Indexes", year=2022,
                    authors=["Ann Lee"], kind="conference", origin=Origin("a.bib", 20)),
        Publication(id="tois", title="Efficient Widget Ranking using Forward Indexes and "
                    "Lightweight Encoders", year=2024, authors=["Ann Lee"], kind="journal",
                    origin=Origin("a.bib", 30)),
    ]
    model, diagnostics = _merge(pubs)
    assert [p.id for p in model.publications] == ["survey", "tutorial", "www", "tois"]
    possible = _codes(diagnostics, "SM405")
    assert possible == [
        "tutorial (a.bib:9) and survey (a.bib:1) may be one work (same arXiv id 2211.02405 but "
        "one title is part of the other); kept apart: merge them by hand if they are",
        "tois (a.bib:30) and www (a.bib:20) may be one work (one title is part of the other); "
        "kept apart: merge them by hand if they are"]


def test_no_merge_through_a_third_record_that_joins_two_different_papers() -> None:
    """a and c have different DOIs; b (no DOI, same title) matches each: b joins one only."""
    pubs = [Publication(id=i, title="Deep Widgets for All", year=2020, identifiers=ids,
                        origin=Origin("x.bib", n))
            for n, (i, ids) in enumerate([("a", {"doi": "10.1/a"}), ("b", {}),
                                          ("c", {"doi": "10.1/c"})], 1)]
    model, diagnostics = _merge(pubs)
    assert [p.id for p in model.publications] == ["a", "c"]
    assert model.publications[0].merged_from == [Origin("x.bib", 2)]
    assert any("c (x.bib:3) and a (x.bib:1)" in m for m in _codes(diagnostics, "SM405"))
