"""Fast paths of the readers and the normalizing transforms give what the slow paths give.

Each test feeds random text (biased towards the characters the guards look at) to a fast
path and to the plain rule it short-cuts: the regular expression, or the code as it was
before the fast path (kept here as the reference).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sitemigrate.common import reader
from sitemigrate.common.urls import link_key
from sitemigrate.model import AuthorName, Publication
from sitemigrate.themes.academicpages import publications as ap
from sitemigrate.transforms import fields, identifiers, names

#: characters the guards test for, the case-folding traps of re.I (İ ı ſ) and some others
_TRICKY = ("aAnNdDrRxXiIvVsSoO0123456789./:%&;,<>*#†\t\n\r \u00a0\u2003İıſkK"
           "éøçÇ-_?=@")
_WORDS = ["arxiv", "ArXiv", "arXiv:", "doi", "DOI:", "doi.org/", "dx.doi.org/", "10.",
          "10.1145/3366423", "https://", "http://", "www.", "github.com/", "GitHub.com/",
          "img.shields.io/github/", "openreview.net/forum?id=", "pubmed.ncbi.nlm.nih.gov/",
          "ncbi.nlm.nih.gov/pubmed/", "nature.com/articles/", "2301.01530", "v2", ".pdf",
          "hep-th/9901001", " and ", " AND ", " & ", "and ", "et al.", "others", ", ",
          "; ", "<b>", "</b>", "<sup>1</sup>", "&amp;", "**", "Smith", "J.", "Lee, K."]


def _tricky_text(max_parts: int = 12) -> st.SearchStrategy[str]:
    part = st.one_of(st.sampled_from(_WORDS), st.text(_TRICKY, max_size=4),
                     st.text(max_size=3))
    return st.lists(part, max_size=max_parts).map("".join)


TEXT = _tricky_text()


# -- identifiers --------------------------------------------------------------------------

def _safe(func, *args):  # noqa: ANN001, ANN202 - urlsplit raises on some random text
    try:
        return func(*args)
    except ValueError as exc:
        return type(exc)


_DOI_LINK = st.builds(
    "".join, st.lists(st.sampled_from(["https://doi.org/", "https://DOI.org/", "http://doi.org/",
                                       "10.", "1145", "12", "/", "//", "3366423", "a", "B", ".",
                                       ":", ";", "(", ")", "v2", "%2F", "#", "?", " ", "\\_",
                                       "doi.org/", "é", "[", "-", "~", "+"]), max_size=9))


@given(TEXT | _DOI_LINK | _DOI_LINK.map(lambda rest: "https://doi.org/10.1145/" + rest))
def test_normalize_doi_guard(text: str) -> None:
    expected = _safe(identifiers._normalize_doi, text)  # urlsplit raises on "https://["
    assert _safe(identifiers.normalize_doi, text) == expected


@given(TEXT, st.sampled_from(["arxiv", "github", "ncbi.nlm.nih.gov"]))
def test_mentions_is_never_wrong_about_a_match(text: str, word: str) -> None:
    if re.search(re.escape(word), text, re.I):
        assert identifiers.mentions(text, word)


_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html|format)/([^?#\s]+?)(?:\.pdf)?/?$", re.I)


@given(TEXT)
def test_normalize_arxiv_guard(text: str) -> None:
    stripped = text.strip()
    url = _ARXIV_URL.search(stripped.split("#")[0].split("?")[0])
    tagged = identifiers._ARXIV_TEXT.search(stripped)
    expected = None
    if stripped and url:
        expected = identifiers._bare_arxiv(url.group(1))
    elif stripped and tagged:
        expected = identifiers._bare_arxiv(tagged.group(1))
    assert identifiers.normalize_arxiv(text, bare=False) == expected


def _from_url_reference(kind: str, url: str) -> str | None:
    """``_from_url`` as it was, without the guards."""
    if kind == "arxiv":
        return identifiers.normalize_arxiv(url, bare=False)
    if kind == "openreview":
        return identifiers.normalize_openreview(url) if "openreview.net" in url.lower() else None
    if kind == "pmid":
        match = identifiers._PMID_URL.search(url)
        return match.group(1) if match else None
    if kind == "doi" and "://" not in url and not url.lower().startswith("doi:"):
        return None
    if kind == "github" and not identifiers._GITHUB_URL.search(url):
        return None
    return identifiers._NORMALIZERS[kind](url)


@given(TEXT, st.sampled_from(list(identifiers._NORMALIZERS)))
def test_from_url_guards_and_may_hold_id(url: str, kind: str) -> None:
    expected = _safe(_from_url_reference, kind, url)
    assert _safe(identifiers._from_url, kind, url) == expected
    if not identifiers._may_hold_id(url):
        assert expected is None


def _find_identifiers_reference(pub: Publication) -> dict[str, str]:
    """``find_identifiers`` as it was: every candidate link tried for every kind."""
    found: dict[str, str] = {}
    for key, value in pub.identifiers.items():
        normalizer = identifiers._NORMALIZERS.get(key)
        normalized = normalizer(value) if normalizer else None
        found[key] = normalized or str(value)
    lowered = {str(k).lower(): v for k, v in pub.extra.items()}
    for kind, normalizer in identifiers._NORMALIZERS.items():
        if kind in found:
            continue
        for value in identifiers._field_candidates(lowered, kind):
            if normalized := normalizer(value):
                found[kind] = normalized
                break
        else:
            for url, lenient in identifiers._link_candidates(pub, kind):
                normalized = normalizer(url) if lenient else _from_url_reference(kind, url)
                if normalized:
                    found[kind] = normalized
                    break
    for text in (pub.venue, pub.citation):
        if not text:
            continue
        tagged = identifiers._ARXIV_TEXT.search(text)
        if tagged and "arxiv" not in found and (
                arxiv := identifiers._bare_arxiv(tagged.group(1))):
            found["arxiv"] = arxiv
        doi_text = identifiers._DOI_TEXT.search(text)
        if doi_text and "doi" not in found and (
                doi := identifiers.normalize_doi(doi_text.group(1))):
            found["doi"] = doi
    return found


_LABELS = st.sampled_from(["pdf", "html", "doi", "arxiv", "code", "slides", "website"])
_FIELDS = st.sampled_from(["doi", "DOI", "arxiv", "eprint", "archivePrefix", "pmid", "github",
                           "repo", "note"])


@given(st.dictionaries(_LABELS, TEXT, max_size=4),
       st.dictionaries(_FIELDS, TEXT, max_size=3),
       st.dictionaries(st.sampled_from(["doi", "arxiv", "isbn"]), TEXT, max_size=2),
       st.none() | TEXT, st.none() | TEXT)
def test_find_identifiers_matches_reference(links: dict[str, str], extra: dict[str, str],
                                            ids: dict[str, str], venue: str | None,
                                            citation: str | None) -> None:
    pub = Publication(id="p", title="t", links=links, extra=extra, identifiers=ids,
                      venue=venue, citation=citation)
    expected = _safe(_find_identifiers_reference, pub)
    assert _safe(identifiers.find_identifiers, pub) == expected


@given(TEXT | st.sampled_from(["arXiv:2301.01530", "ARXIV 2301.01530v2", "doi:10.1000/x",
                                "https://doi.org/10.1145/3366423", "arX\u0130v:2301.01530"]))
def test_text_that_may_name_no_ids_names_none(text: str) -> None:
    """The academicpages writer skips a generated citation that ``text_may_name_ids`` rules
    out: neither pattern that finds ids in a citation matches it."""
    pub = Publication(id="p", title="t", citation=text)
    if not identifiers.text_may_name_ids(text):
        assert identifiers._ARXIV_TEXT.search(text) is None
        assert identifiers._DOI_TEXT.search(text) is None
        assert identifiers._from_text(pub) == {}


# -- fields ------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


@given(TEXT)
def test_collapse_space(text: str) -> None:
    assert fields.collapse_space(text) == _SPACE.sub(" ", text).strip()


@given(TEXT)
def test_plain_text(text: str) -> None:
    expected = _SPACE.sub(" ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()
    assert fields.plain_text(text) == expected


_AND = re.compile(r"\s+and\s+", re.I)
_SEPARATORS = re.compile(r",\s*and\s+|,|;|\s+&\s+|\s+and\s+", re.I)
_LEADING_AND = re.compile(r"^(?:&|and)\s+")


def _apa_pairs_reference(text: str) -> list[str] | None:
    parts = [_LEADING_AND.sub("", p.strip()) for p in text.split(",")]
    parts = [p for p in parts if p]
    if len(parts) < 4 or len(parts) % 2:
        return None
    surnames, initials = parts[0::2], parts[1::2]
    if not all(fields._INITIALS.match(i) for i in initials):
        return None
    if any(fields._INITIALS.match(s) for s in surnames):
        return None
    return [f"{i} {s}" for s, i in zip(surnames, initials, strict=True)]


def _split_authors_reference(text: str) -> list[str]:
    """``split_authors`` of a string as it was (regular expressions every time)."""
    text = _SPACE.sub(" ", text).strip()
    if text == "":
        return []
    and_parts = [p.strip() for p in _AND.split(text) if p.strip()]
    named = [p for p in and_parts if p.lower() != "others"]
    turn = fields._turn_round
    if len(and_parts) > 1 and named and all(p.count(",") in (1, 2) for p in named):
        return [turn(p) for p in and_parts]
    if len(and_parts) == 1 and text.count(",") == 1 and " " not in text.split(",")[0].strip():
        return [turn(text)]
    semi = [p.strip() for p in text.split(";") if p.strip()]
    if len(semi) > 1 and all(p.count(",") == 1 for p in semi):
        return [turn(p) for p in semi]
    apa = _apa_pairs_reference(text)
    if apa:
        return apa
    return [p.strip() for p in _SEPARATORS.split(text) if p and p.strip()]


@given(TEXT)
def test_split_authors(text: str) -> None:
    assert fields.split_authors(text) == _split_authors_reference(text)


# -- academicpages citations --------------------------------------------------------------

def _initials_pairs_reference(head: str) -> list[str]:
    tokens = [t.strip() for t in re.split(r",\s*(?:&\s*|and\s+)?|\s+&\s+", head) if t.strip()]
    if len(tokens) < 2 or len(tokens) % 2:
        return []
    pairs = list(zip(tokens[::2], tokens[1::2], strict=True))
    if not all(ap._INITIALS.match(initials) and " " not in last.strip()
               or ap._INITIALS.match(initials) and last[:1].isupper()
               for last, initials in pairs):
        return []
    return [f"{initials if initials.endswith('.') else initials + '.'} {last}"
            for last, initials in pairs]


_APA_HEAD = st.lists(st.sampled_from(["Smith", "J.", "Lee", "K. A.", "and", "&", "Doe", "A",
                                      "van Dam", "B.-C."]), max_size=8)


@given(TEXT | _APA_HEAD.map(", ".join))
def test_initials_pairs(head: str) -> None:
    assert ap._initials_pairs(head) == _initials_pairs_reference(head)


# -- names -------------------------------------------------------------------------------

def _structure_authors_reference(pub: Publication) -> None:
    """``structure_authors`` as it was: one ``clean_author``/``parse_name`` per entry."""
    if not pub.authors and pub.author_names:
        pub.authors = [names.format_display_name(n) for n in pub.author_names]
        return
    entries = names.split_trailing_others(pub.authors)
    cleaned = [names.clean_author(a) for a in entries]
    kept = [c for c in cleaned if c.display]
    links = {c.display: c.url for c in kept if c.url}
    if links:
        pub.extra.setdefault("author_links", {}).update(
            {k: v for k, v in links.items() if k not in pub.extra.get("author_links", {})})
    given_names = pub.author_names if len(pub.author_names) == len(kept) else None
    out: list[AuthorName] = []
    for index, item in enumerate(kept):
        name = given_names[index] if given_names else names.parse_name(item.display)
        for mark in item.marks:
            if mark not in name.marks:
                name.marks.append(mark)
        name.is_self = name.is_self or item.is_self
        name.others = name.others or item.others
        out.append(name)
    pub.authors = [c.display for c in kept]
    pub.author_names = out


_AUTHOR = st.one_of(
    st.sampled_from(["Ann B. Lee", "<b>Ann Lee</b>", "**C. Doe**", "C. Doe et al.",
                     "Lee, Ann", "Smith JA", "Ann Lee<sup>*,1</sup>", "Ann Lee$^\\dagger$",
                     "Ann Lee*", "et al.", "and others", "<a href='https://x.org'>Ann</a>",
                     "[Bo Li](https://b.li)", "", " ", "van der Berg, Jan", "Lee#"]),
    _tricky_text(4))


@given(st.lists(_AUTHOR, max_size=6), st.booleans())
def test_structure_authors(authors: list[str], with_names: bool) -> None:
    def record() -> Publication:
        given_names = [AuthorName(family=f"F{i}", marks=["†"] if i % 2 else [])
                       for i in range(len(authors))] if with_names else []
        return Publication(id="p", title="t", authors=list(authors), author_names=given_names,
                           extra={"author_links": {"Ann": "https://old"}})

    fast, slow = record(), record()
    names.structure_authors(fast)
    _structure_authors_reference(slow)
    assert fast == slow
    if len(fast.author_names) > 1:  # records never share a mutable name or mark list
        assert fast.author_names[0].marks is not fast.author_names[1].marks




# -- dedupe ------------------------------------------------------------------------------

@given(TEXT)
def test_link_key(url: str) -> None:
    text = re.sub(r"^dx\.doi\.org/", "doi.org/", re.sub(r"^https?://(www\.)?", "", url.strip(),
                                                        flags=re.I), flags=re.I)
    host, _, rest = text.partition("/")
    assert link_key(url) == f"{host.lower()}/{rest}".rstrip("/")


def test_read_text_of_walked_files_matches_unwalked(tmp_path) -> None:  # noqa: ANN001
    from sitemigrate.common.reader import ReadContext

    folder = tmp_path / "_publications"
    folder.mkdir()
    (folder / "a.md").write_bytes(b"---\ntitle: A\n---\nbody\xe9")
    (folder / "big.md").write_bytes(b"x" * 50)
    (folder / "c.md").write_text("plain")
    (folder / "dir.md").mkdir()

    def read_all(walk: bool) -> tuple[list[str | None], list[tuple[str, str | None]]]:
        ctx = ReadContext(tmp_path, max_bytes=40)
        paths = sorted(folder.iterdir())
        if walk:
            assert {p.name for p in ctx.walk(folder)} == {"a.md", "big.md", "c.md"}
        texts = [ctx.read_text(p) for p in paths]
        return texts, [(d.code, d.file) for d in ctx.diagnostics]

    assert read_all(True) == read_all(False)


@given(st.text(st.sampled_from("ab./\\ -_é"), max_size=12))
def test_file_stem(file: str) -> None:
    from pathlib import Path

    from sitemigrate.themes.academicpages.reader import _file_stem

    assert _file_stem(file) == Path(file).stem


def test_walk_entries_lists_what_os_walk_lists(tmp_path: Path) -> None:
    """``common.reader._walk_entries`` (a walk that keeps each file's directory entry) sees the
    folders and files ``os.walk(followlinks=False)`` sees, pruning included, and knows a plain
    file from a symlink, a FIFO or a broken link without asking again."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.md").write_text("x")
    (tmp_path / "a" / "page.md").write_text("x")
    (tmp_path / "skip" / "inner").mkdir(parents=True)
    (tmp_path / "skip" / "inner" / "hidden.md").write_text("x")
    (tmp_path / "top.md").write_text("x")
    (tmp_path / "link.md").symlink_to(tmp_path / "top.md")
    (tmp_path / "broken.md").symlink_to(tmp_path / "missing.md")
    (tmp_path / "loop").symlink_to(tmp_path)  # a folder link: listed, not entered
    os.mkfifo(tmp_path / "pipe.md")

    def listing(walk: Any) -> list[tuple[str, list[str], list[str]]]:
        seen = []
        for folder, dirs, files in walk:
            dirs.sort()
            if "skip" in dirs:
                dirs.remove("skip")
            seen.append((folder, list(dirs), sorted(files)))
        return seen

    assert listing(reader._walk_entries(tmp_path)) == \
        listing(os.walk(tmp_path, followlinks=False))
    entries = next(iter(reader._walk_entries(tmp_path)))[2]
    assert [name for name, entry in sorted(entries.items()) if reader._is_plain_file(entry)] \
        == ["top.md"]
