"""Fast paths of the write side agree exactly with the slow ones they stand in for."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import corpus_sites, requires_corpus, sample_sources
from hypothesis import example, given
from hypothesis import strategies as st

from sitemigrate import assets, paths, pipeline
from sitemigrate.common import inert
from sitemigrate.common.urls import url_key
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.model import Origin, Publication
from sitemigrate.parsing import bibtex, yamldump, yamlio
from sitemigrate.parsing.yamldump import dump_yaml
from sitemigrate.paths import UnsafePathError, safe_relative_path
from sitemigrate.themes.al_folio import writer as alfolio_writer
from sitemigrate.transforms.names import structure_authors

#: Strings YAML could read as something else, or that need quoting, folding or escaping.
_TRICKY = ["", " ", "~", "null", "Null", "NULL", "yes", "No", "on", "OFF", "true", "False",
           "y", "n", "=", "<<", "!", "&a", "*a", "1", "-1", "+1", "0x1F", "0o7", "017", "1_000",
           "1.5", ".5", "1e3", "1.0e+3", ".inf", "-.Inf", ".nan", "1:30", "190:20:30.15",
           "2020-01-01", "2001-12-14t21:59:43.10-05:00", "2020-1-1 1:02:03", "- x", "? x",
           ": x", "a: b", "a #b", "#c", "'q'", '"q"', "%d", "@x", "`x", "|", ">", "{}", "[]",
           "a\nb", "a\n", "a\n\n", "\n", "\ta", "a ", " a", "\x85", "\u2028", "\ufeff",
           "é", "日本", "😀", "---", "...", "a\\b", "\x07", "\r\n"]

_text = st.one_of(st.sampled_from(_TRICKY), st.text(max_size=12),
                  st.lists(st.sampled_from(_TRICKY + ["a", "1", " "]), max_size=4).map("".join))
_scalars = st.one_of(_text, st.integers(), st.booleans(), st.none(),
                     st.floats(allow_nan=True, allow_infinity=True))
_keys = st.one_of(_text, st.integers(), st.booleans(), st.none())
_plain_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=25)


def _by_nodes(data: object) -> str:
    with yamlio.collector_paused():
        return yamldump._dump_nodes(data)


@given(_plain_data)
def test_yaml_events_match_nodes(data: object) -> None:
    events = yamldump._dump_events(data)
    assert events is not None
    assert events == _by_nodes(data)


@given(st.lists(_text, max_size=6))
def test_yaml_events_match_nodes_for_repeated_strings(texts: list[str]) -> None:
    # the str -> plain decision is cached; asking twice changes nothing
    data = {"a": texts, "b": texts, "c": [{t: t} for t in texts]}
    assert yamldump._dump_events(data) == _by_nodes(data)


class _Label(str):
    pass


def test_yaml_other_types_go_the_node_way() -> None:
    shared = {1, 2}
    day = datetime.date(2020, 1, 2)
    for data in ({"s": shared, "t": shared}, {"d": day, "e": day},
                 {"b": b"\x00\x01"}, {"nested": [{"ok": "x"}, {3, 4}]}):
        assert yamldump._dump_events(data) is None
        assert dump_yaml(data) == _by_nodes(data).removesuffix("...\n")
    assert yamldump._dump_events([_Label("x")]) is None
    with pytest.raises(yaml.representer.RepresenterError):
        dump_yaml([_Label("x")])  # as before: the safe representer knows no str subclass


def test_yaml_floats_and_end_marker() -> None:
    data = {"n": math.nan, "i": -math.inf, "f": 1e17, "g": 0.1, "keep": "a\n\n"}
    assert dump_yaml(data) + "...\n" == _by_nodes(data)


def _outcome(check: Callable[[str], str], path: str) -> str:
    try:
        return "ok " + check(path)
    except UnsafePathError as exc:
        return f"refused {exc}"


_path_text = st.lists(st.sampled_from(
    ["a", "Z", "0", "_", "-", ".", "..", "/", "//", "%", "%2e", "%252e", "%2F", "~", ":", "C:",
     "\\", "\x00", "\x1f", "\n", " ", "é", "日", "\u0301", "\x85", "\u2028", "+", "@"]),
    max_size=10).map("".join)


@given(st.one_of(_path_text, st.text(max_size=15)))
def test_plain_path_fast_path_matches_full_check(path: str) -> None:
    assert _outcome(safe_relative_path, path) == _outcome(paths._checked_relative_path, path)


def test_usual_output_paths_take_the_fast_path() -> None:
    for path in ("_publications/2020-01-01-smith-2020.md", "_pages/研究.md", "_data/publist.yml",
                 "_config.yml", "a/b.c/d-e_f"):
        assert paths._PLAIN_PATH.fullmatch(path) and "/." not in path


def _url_key_reference(url: str, keep_case: bool = False) -> str:
    text = re.sub(r"\{\{[^}]*\}\}", "", url.strip())
    path = urlsplit(text).path if "://" in text else re.split(r"[?#]", text, maxsplit=1)[0]
    path = "/" + re.sub(r"(/index)?\.html?$", "", path).rstrip("/").removeprefix("/")
    return path if keep_case else path.lower()


_url_text = st.lists(st.sampled_from(
    ["/", "a", "B", "{{", "}}", "{{ site.baseurl }}", "}", "{", "?", "#", "://", "http",
     ".html", ".htm", "/index", "index.html", " ", "\n", "%20", "É"]), max_size=8).map("".join)


@given(st.one_of(_url_text, st.text(max_size=12)), st.booleans())
@example("/a/index.html\n?x", False)  # "$" matches before a last newline
@example("/a.htm#b", True)
def test_url_key_matches_reference(url: str, keep_case: bool) -> None:
    assert url_key(url, keep_case) == _url_key_reference(url, keep_case)


def test_yaml_cached_scalars_keep_types_and_signs_apart() -> None:
    data = [1, True, 1.0, 0, False, 0.0, -0.0, None, 0.0, -0.0, True, 1]
    assert dump_yaml(data) == _by_nodes(data)
    assert "- -0.0\n" in dump_yaml(data)


def _read_back_long_way(pub: Publication) -> tuple[Publication, str, dict[str, str]] | None:
    """What ``al_folio.writer._as_read_back`` compares: the record the al-folio reader makes
    of ``pub``'s entry, the entry's type and fields (``None`` when only parsing its text
    tells)."""
    entry_type = bibtex.entry_type_of(pub)
    fields = bibtex.publication_fields(pub, entry_type)
    entry = bibtex.entry_as_parsed(entry_type, bibtex.bibtex_key(pub.id), fields)
    if entry is None:
        return None
    return alfolio_writer._reader_record(entry, pub), entry_type, fields


_NOT_BIBTEX = [site for site in corpus_sites() if site.parent.name != "al-folio"] + \
    [source for source in sample_sources() if source.suffix != ".bib"]


@requires_corpus
def test_records_read_back_with_only_the_readers_notes_give_the_same_fields() -> None:
    """The al-folio writer skips computing an entry's fields a second time when the entry
    reads back as the record plus the reader's notes; computing them shows they match."""
    taken = 0
    for source in _NOT_BIBTEX:
        model = pipeline.read_site(source)
        for pub in model.publications:
            prepared = alfolio_writer._prepared(pub, bibtex.bibtex_key(pub.id), pub.image)
            read_back = _read_back_long_way(prepared)
            if read_back is None:
                continue
            again, entry_type, fields = read_back
            again_fields = bibtex.publication_fields(again, bibtex.entry_type_of(again))
            if alfolio_writer._only_notes_added(again, prepared, entry_type, fields):
                taken += 1
                assert list(again_fields.items()) == list(fields.items()), (source, pub.id)
    assert taken >= 100  # the academicpages sites' records take it


def test_records_of_a_bibtex_source_are_checked_the_long_way() -> None:
    entry = bibtex.parse_bibtex("@article{k, title={A {GPU} study}, author={Ada Lovelace},"
                                " journal={J}, year={2020}}", "refs.bib", Diagnostics())[0]
    pub = bibtex.entry_to_publication(entry, Origin("refs.bib"))
    read_back = _read_back_long_way(pub)
    assert read_back is not None
    assert not alfolio_writer._only_notes_added(read_back[0], pub, *read_back[1:])
    plain = Publication(id="k", title="A GPU study", authors=["Ada Lovelace"], year=2020,
                        date="2020", venue="J", kind="journal")
    structure_authors(plain)  # as normalized: the names the entry reads back with
    for raw_title in (None, "A {GPU} study"):  # none noted, or a value not the one written
        read_back = _read_back_long_way(plain)
        assert read_back is not None
        again, entry_type, fields = read_back
        if raw_title is not None:
            again.extra[bibtex.EXTRA_RAW] = {"title": raw_title}
        taken = alfolio_writer._only_notes_added(again, plain, entry_type, fields)
        assert taken is (raw_title is None)


_LINK_FIELD_VALUES = {"doi": "10.1234/abc", "arxiv": "2101.00001",
                      "url": "https://example.org/paper", "html": "https://example.org/page",
                      "pdf": "https://example.org/paper.pdf",
                      "code": "https://github.com/example/code",
                      "slides": "https://example.org/s.pdf", "dataset": "https://example.org/d"}


@given(st.permutations(list(_LINK_FIELD_VALUES)),
       st.integers(min_value=0, max_value=len(_LINK_FIELD_VALUES)))
def test_prepared_links_are_in_the_order_the_entry_reads_back(names: list[str],
                                                               count: int) -> None:
    """``_prepared`` orders a .bib record's links as the reader will read them back from
    the entry written (its link fields, ``doi``, ``arxiv``, ``url``, other URL fields),
    whatever order the source gave them in: the entry reads back unchanged and its fields
    are computed once."""
    fields = "".join(f", {name}={{{_LINK_FIELD_VALUES[name]}}}" for name in names[:count])
    entry = bibtex.parse_bibtex(f"@article{{k, title={{A study}}, author={{Ada Lovelace}},"
                                f" journal={{J}}, year={{2020}}{fields}}}", "refs.bib",
                                Diagnostics())[0]
    pub = bibtex.entry_to_publication(entry, Origin("refs.bib"))
    structure_authors(pub)
    prepared = alfolio_writer._prepared(pub, "k", None)
    read_back = _read_back_long_way(prepared)
    assert read_back is not None
    assert list(read_back[0].links) == list(prepared.links)
    assert alfolio_writer._reads_back_unchanged(read_back[0], prepared)


def _asset_path_reference(reference: str) -> str | None:
    ref = assets._LIQUID_PREFIX.sub("", reference.strip())
    if not ref or "://" in ref or ref.startswith(("//", "mailto:", "#", "data:", "{")):
        return None
    ref = ref.split("#", 1)[0].split("?", 1)[0].removeprefix("./")
    if not ref.startswith("/") and not ref.startswith(assets._ASSET_FOLDERS):
        return None
    rel = ref.lstrip("/")
    if PurePosixPath(rel).suffix.lower() not in assets.ASSET_SUFFIXES:
        return None
    try:
        return safe_relative_path(rel)
    except UnsafePathError:
        return None


_reference = st.lists(st.sampled_from(
    ["/", "files/", "images/", "a", ".", "..", "pdf", ".pdf", ".PDF", "{{ site.baseurl }}",
     "{{base_path}}", "{{", "}}", " ", "#x", "?q", "./", "//", "https://", "mailto:", "é",
     ".tar", ".gz", "\\"]), max_size=7).map("".join)


@given(st.one_of(_reference, st.text(max_size=10)))
def test_asset_path_matches_reference(reference: str) -> None:
    assert assets.asset_path(reference) == _asset_path_reference(reference)


_name_part = st.text(st.sampled_from('ab {}<>"=]\\[#é'), max_size=6)


@given(st.lists(_name_part, min_size=1, max_size=5))
def test_a_plain_list_is_what_text_leaves_alone(values: list[str]) -> None:
    """make_inert skips a name list that ``_all_plain`` clears: ``text`` would return
    every one of them as it is."""
    escaper = inert._Escaper(Diagnostics())
    if inert._all_plain(values):
        assert all(escaper.text(value) is value for value in values)
    assert not inert._all_plain([*values, "a {{ b }}"])
    assert not inert._all_plain([*values, None])
