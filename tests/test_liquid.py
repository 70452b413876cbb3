"""Liquid parsing: lenient Jekyll tags, loops traced to their data, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES, SEEDS, requires_corpus, requires_seeds
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate.diagnostics import Diagnostics
from sitemigrate.parsing.liquid import (
    Ref,
    evaluate_condition,
    find_includes,
    find_loops,
    parse_include_markup,
    parse_template,
)

PAGE_SUFFIXES = (".md", ".markdown", ".html")


def _pages(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in PAGE_SUFFIXES)


@requires_corpus
def test_every_custom_corpus_page_and_seed_parses() -> None:
    files = _pages(CORPUS / "custom") + _pages(SEEDS)
    assert len(files) > 90
    diagnostics = Diagnostics()
    for path in files:
        doc = parse_template(path.read_text(encoding="utf-8", errors="replace"), path.name,
                             diagnostics)
        assert doc.ok, path
        find_loops(doc)
        find_includes(doc)
    # only AdamFrostLab's `for x in site.data.publications | sort "date"` is not Liquid
    assert [(d.code, d.file, d.line) for d in diagnostics] == [("SM105", "index.html", 10)]


@requires_seeds
def test_seed_loops_are_key_lookups_under_their_headings() -> None:
    text = (SEEDS / "custom-data-research.md").read_text(encoding="utf-8")
    loops = find_loops(parse_template(text, "seed"))
    # hand-checked: three `for paper_key in ...` at lines 18, 44, 70 of the file
    assert [(lp.line, lp.heading, len(lp.keys or [])) for lp in loops] == [
        (18, "Open-Source LLMs and Responsible AI", 3),
        (44, "Neural Architecture Research", 11),
        (70, "LLM Scaling and Generalization", 8),
    ]
    first = loops[0]
    assert first.keys == ["fan2025can", "xu2025positional", "stanic2023languini"]
    assert first.data_path == ("site", "data", "publications")
    assert first.key_field == "key"
    assert first.variable == "paper" and first.loop_variable == "paper_key"
    assert [f.name for f in first.filters] == ["where", "first"]
    assert first.filters[0].args == ["key", Ref(("paper_key",))]
    assert [g.source for g in first.guards] == ["paper"]
    assert first.assigns == ["responsible_ai_papers", "paper"]
    assert {"title", "authors", "venue", "year", "links[0].url"} <= set(first.fields)


def test_fixture_comments_guards_attributes_includes_and_unknown_tags() -> None:
    text = (FIXTURES / "custom" / "guards.md").read_text(encoding="utf-8")
    diagnostics = Diagnostics()
    doc = parse_template(text, "guards.md", diagnostics)
    loops = find_loops(doc)
    # the loop inside {% comment %} is skipped, the one inside <!-- --> is kept
    assert [lp.data_path for lp in loops] == [("site", "data", "extra", "items"),
                                              ("site", "data", "pubs", "papers")]
    pubs = loops[1]
    assert [(f.name, f.args) for f in pubs.filters] == [("offset", [1]), ("limit", [2])]
    assert pubs.heading == "Highlights"
    assert pubs.fields == ["highlight", "links[0].url", "title"]
    (guard,) = pubs.guards
    assert evaluate_condition(guard, {"highlight": 1}) is True
    assert evaluate_condition(guard, {"highlight": "1"}) is False  # Liquid == is typed
    (include,) = find_includes(doc)
    assert include.name == "citation.md"
    assert include.params == {"tag": "alpha2020", "text": "(Alpha, 2020)"}
    assert include.line == 21
    assert [(d.code, d.line) for d in diagnostics] == [("SM105", 23)]


def test_include_markup_with_variables_and_quotes() -> None:
    name, params = parse_include_markup('list.html data="projects" n=3 lookup=work.id x=\'y\'')
    assert name == "list.html"
    assert params == {"data": "projects", "n": 3, "lookup": Ref(("work", "id")), "x": "y"}


def test_group_by_items_keep_the_data_path_and_outer_guards() -> None:
    text = ("{% assign groups = site.data.people | group_by: 'current' %}"
            "{% for g in groups %}{% if g.name == '1' %}"
            "{% for m in g.items %}{{ m.name }}{% endfor %}{% endif %}{% endfor %}")
    inner = find_loops(parse_template(text))[1]
    assert inner.data_path == ("site", "data", "people")
    assert [f.name for f in inner.filters] == ["group_by", "_items"]


@pytest.mark.parametrize("text", ["{% for x in %}", "{{ unclosed", "{% if a %}", "{% endfor %}",
                                  "{% raw %}", "{%", "}}{{", "{% include %}", "\x00{%-%}"])
def test_broken_liquid_gives_diagnostics_not_exceptions(text: str) -> None:
    diagnostics = Diagnostics()
    parse_template(text, "bad.md", diagnostics)
    assert all(d.code == "SM105" for d in diagnostics)


_PIECES = st.sampled_from(["{%", "%}", "{{", "}}", "for x in site.data.a", "endfor", "if x",
                           "endif", "include a.html k=", '"', "'", "|", "where:", "\n",
                           "comment", "endcomment", "raw", "endraw", "assign y =", " ", "-"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=40))
def test_parse_template_never_raises(pieces: list[str]) -> None:
    doc = parse_template("".join(pieces), "fuzz.md", Diagnostics())
    find_loops(doc)
    find_includes(doc)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_parse_template_never_raises_on_random_bytes(data: bytes) -> None:
    doc = parse_template(data.decode("latin-1"), "bytes.md", Diagnostics())
    find_loops(doc)
