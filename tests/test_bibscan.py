"""The fast BibTeX scanner gives exactly what bibtexparser's splitter gives, or declines."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate.diagnostics import Diagnostics
from sitemigrate.parsing.bibscan import ScannedEntry, ScannedString, scan_blocks
from sitemigrate.parsing.bibtex import _split_blocks, parse_bibtex
from tests.conftest import CORPUS, ROOT, requires_corpus


def _bibgen():  # type: ignore[no-untyped-def]  # bench/ is not a package
    spec = importlib.util.spec_from_file_location("bench_bibgen", ROOT / "bench" / "bibgen.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _normalized(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def assert_same_as_splitter(text: str) -> bool:
    """The scanner's blocks equal the splitter's when it does not decline; True if taken."""
    text = _normalized(text)
    scanned = scan_blocks(text)
    if scanned is None:
        return False
    assert scanned == _split_blocks(text)
    return True


# Pieces real files are made of, and the characters the splitter treats specially.
_PIECES = st.sampled_from([
    "a", "Ab", " ", "  ", "\n", "\t", ",", "=", "{", "}", '"', "\\", "#", "@", "(", ")",
    "{\\\"u}", "\\{", "\\}", '{"}', "\\\n", "@misc{", "\n@book{", "$x$", "\\emph{", "%"])
_VALUE = st.lists(_PIECES, max_size=12).map("".join)
_FIELD = st.tuples(st.sampled_from(["title", "Title", "author", "year", "x y", "", "title"]),
                   st.sampled_from(["{%s}", '"%s"', "%s", "{%s} # m", "{{%s}}"]), _VALUE
                   ).map(lambda f: f"  {f[0]} = {f[1] % f[2]}")
_ENTRY = st.tuples(
    st.sampled_from(["article", "INPROCEEDINGS", "misc ", "string", "comment", "preamble", ""]),
    st.sampled_from(["{", "{", "{", "("]),
    st.sampled_from(["key1", "key1", "k:2/x", "", "a b"]),
    st.lists(_FIELD, max_size=5),
    st.sampled_from([",\n", ","]),
    st.sampled_from(["\n}", "}", ",\n}", "", ")"]),
    st.sampled_from(["\n\n", "\n", " ", "% comment\n", ""]),
).map(lambda e: f"@{e[0]}{e[1]}{e[2]},\n{e[4].join(e[3])}{e[5]}{e[6]}")
_FILES = st.lists(_ENTRY, max_size=6).map("".join)


@settings(max_examples=400)
@given(_FILES)
def test_generated_files_scan_like_the_splitter(text: str) -> None:
    assert_same_as_splitter(text)


@settings(max_examples=400)
@given(st.text(st.sampled_from("@{}\",=#%\\ \n()abk"), max_size=200))
def test_punctuation_scans_like_the_splitter(text: str) -> None:
    assert_same_as_splitter(text)


@given(_FILES, st.data())
def test_mutated_files_scan_like_the_splitter(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert_same_as_splitter(text[:start] + data.draw(_VALUE) + text[end:])


def test_generated_bibliography_is_scanned_not_declined() -> None:
    text = _bibgen().generate_bib(300, seed=7)
    assert assert_same_as_splitter(text)


@requires_corpus
def test_every_corpus_bib_is_scanned_like_the_splitter() -> None:
    paths = sorted(CORPUS.rglob("*.bib"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert assert_same_as_splitter(text), f"{path}: declined"


@pytest.mark.parametrize("text", [
    '@misc{k, title = "say {"}hi{"}", year = 2020}\n',  # {"} inside quotes
    "@misc{k,\n note = {ends in a backslash \\\n next line},\n year = {2020}\n}\n",
    '@string{s = "a}b"}\n@misc{k, title = s}\n',  # a @string ends at the first free }
    "@comment{ { nested } \" }\n@misc{k, title = {T}}\n",
    "@misc{k, title = {{{{{{deep}}}}} and more}, note = {\\{ escaped \\}}}\n",
    "@misc{k,\n title = {A},\n title = {B},\n Title = {C}\n}\n",  # duplicates, as written
    "@misc{nofields}\n@misc{k, title = {a = b}, x = y # {z}}\n",
    "x@misc{k, t = {a @book{ b}}}\n",  # a block start not at a line start is text
])
def test_splitter_quirks_are_followed(text: str) -> None:
    assert assert_same_as_splitter(text)


@pytest.mark.parametrize("text", [
    "@misc{k, title = {open\n@book{b, title = {B}}\n",  # a block starts inside a value
    "@misc(k, title = {paren})\n",
    "@misc{k, title = {never closed}\n",
    "@misc{k, title {no equals}}\n",
])
def test_what_only_the_splitter_judges_is_declined(text: str) -> None:
    assert scan_blocks(text) is None


def test_a_declined_file_still_reports_its_broken_block() -> None:
    diagnostics = Diagnostics()
    text = "@misc{a, title = {open\n@misc{b, title = {B}}\n"
    entries = parse_bibtex(text, "x.bib", diagnostics)
    assert [entry.key for entry in entries] == ["b"]
    assert [d.line for d in diagnostics if d.code == "SM104"] == [1]


def test_blocks_carry_lines_raw_text_and_strings() -> None:
    text = "% head\n@string{j = {Jour}}\n\n@Article{k,\n  title = {T},\n\n  journal = j\n}\n"
    blocks = scan_blocks(text)
    assert blocks == [
        ScannedString("j", "{Jour}"),
        ScannedEntry("article", "k", [("title", "{T}", 5), ("journal", "j", 7)], 4,
                     "@Article{k,\n  title = {T},\n\n  journal = j\n}", ()),
    ]


@settings(max_examples=1000)
@given(st.text(st.sampled_from("{}\\ab\n"), max_size=40))
def test_brace_pairing_patterns_agree_with_a_walk(value: str) -> None:
    """The possessive patterns decide pairing as the brace-by-brace walk (``_nests``) does."""
    import re

    from sitemigrate.parsing.bibtex import _balances, _nests, _splitter_pairs

    assert _splitter_pairs(value) == _nests(re.findall(r"(?<!\\)[{}]", value))
    assert _balances(value, skip_escaped=False) == _nests(re.findall("[{}]", value))
    unescaped = re.sub(r"\\.", "", value, flags=re.DOTALL)
    assert _balances(value, skip_escaped=True) == _nests(re.findall("[{}]", unescaped))
