"""Structured author names: display strings -> ``AuthorName`` (family, given, suffix, marks…).

Comma forms ("Last, First", "von Last, Jr, First") follow BibTeX's rules through
bibtexparser's splitter; display forms ("First von Last Jr.") go through nameparser.
Markup around a name is read, recorded and removed from the display string: bold or
underline means the site owner (``is_self``); ``*``/``†``… are equal-contribution marks.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..diagnostics import Diagnostics
from ..model import AuthorName, Model, Publication

#: the only titles kept apart: nameparser's default list turns first names such as "Dean"
#: or "Judge" into titles, and author lists carry no honorifics worth keeping apart
_TITLES = ("dr", "prof", "professor", "mr", "mrs", "ms", "sir")

_MARK_CHARS = "*†‡§¶‖#"
_MARK_NAMES = {"dagger": "†", "ddagger": "‡", "ast": "*", "star": "*", "S": "§", "P": "¶"}
_SUP = re.compile(r"<sup>(.*?)</sup>", re.I | re.S)
_LATEX_SUP = re.compile(r"\$\s*\^\s*\{?\s*(\\?[a-zA-Z]+|[*#0-9,]+)\s*\}?\s*\$")
_MARKS = re.compile(r"\^?\\?[*†‡§¶‖]|(?<=\w)#|#(?=\s*$)")
_SELF = re.compile(r"<(strong|b|u)\b[^>]*>(.*?)</\1\s*>|\*\*(.+?)\*\*|__(.+?)__", re.I | re.S)
_LINK = re.compile(r"<a\b[^>]*href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a\s*>", re.I | re.S)
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_MARK_TOKEN = re.compile(r"\\[a-zA-Z]+|[0-9]+|[^\s,\\^{}]")
_OTHERS = re.compile(r"^(?:and\s+)?(?:others|et\.?\s*al\.?|\.\.\.|…)$", re.I)
_TRAILING_OTHERS = re.compile(r"^(.*?\S)[\s,]+(?:et\.?\s*al\.?|and\s+others)$", re.I)
_INITIALS = re.compile(r"^[A-Z]{1,3}$")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "phd", "ph.d.", "md", "m.d."}
_ORG_WORDS = re.compile(
    r"\b(consortium|collaboration|group|team|project|initiative|network|society|"
    r"association|committee|laboratory|lab|institute|centre|center|working)\b", re.I)


@dataclass(slots=True)
class CleanName:
    """One author string split into its display text and what its markup said."""

    display: str
    marks: list[str] = field(default_factory=list)
    is_self: bool = False
    others: bool = False
    url: str | None = None


def clean_author(text: str) -> CleanName:
    """The display name with marks and self-markup removed, and what they meant."""
    display, marks, is_self, others, url = _clean_cached(str(text))
    return CleanName(display, list(marks), is_self, others, url)


@lru_cache(maxsize=65536)  # the same co-authors return in publication after publication
def _clean_cached(text: str) -> tuple[str, tuple[str, ...], bool, bool, str | None]:
    clean = _clean(text)
    return clean.display, tuple(clean.marks), clean.is_self, clean.others, clean.url


def _clean(text: str) -> CleanName:
    value = html.unescape(text).replace("\u00a0", " ").strip()
    url = None
    link = _LINK.search(value) or None
    if link:
        url = link.group(1)
        value = value[:link.start()] + link.group(2) + value[link.end():]
    md_link = _MD_LINK.search(value)
    if md_link:
        url = url or md_link.group(2)
        value = value[:md_link.start()] + md_link.group(1) + value[md_link.end():]
    marks: list[str] = []
    value = _SUP.sub(lambda m: _collect_marks(m.group(1), marks), value)
    value = _LATEX_SUP.sub(lambda m: _collect_marks(m.group(1), marks), value)
    is_self = False
    while True:
        match = _SELF.search(value)
        if not match:
            break
        is_self = True
        inner = next(g for g in match.groups()[1:] if g is not None)
        value = value[:match.start()] + inner + value[match.end():]
    value = _TAG.sub("", value)
    value = _MARKS.sub(lambda m: _collect_marks(m.group(0), marks), value)
    value = _SPACE.sub(" ", value).strip(" ,;")
    others = bool(_OTHERS.match(value))
    if "," in value and not others:
        value = format_display_name(parse_name(value))
    return CleanName(value, marks, is_self, others, url)


def _collect_marks(text: str, marks: list[str]) -> str:
    """Record every mark in ``text`` (symbols, LaTeX names, affiliation digits); return ''."""
    for token in _MARK_TOKEN.findall(text):
        symbol = _MARK_NAMES.get(token.lstrip("\\"), token.lstrip("\\"))
        is_mark = symbol in _MARK_CHARS or symbol.isdigit() or symbol in _MARK_NAMES.values()
        if is_mark and symbol not in marks:
            marks.append(symbol)
    return ""


def parse_name(display: str) -> AuthorName:
    """Split one cleaned name into family / given / suffix (a fresh record every call)."""
    family, given, suffix, others = _parse_cached(display.strip())
    return AuthorName(family=family, given=given, suffix=suffix, others=others)


@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> tuple[str, str | None, str | None, bool]:
    # nameparser costs about a millisecond a name; author lists repeat the same names.
    name = _parse(text)
    return name.family, name.given, name.suffix, name.others


def _parse(text: str) -> AuthorName:
    if not text:
        return AuthorName(family="")
    if _OTHERS.match(text):
        return AuthorName(family=text, others=True)
    if _is_cjk(text) or _ORG_WORDS.search(text) or " " not in text.replace(",", " ").strip():
        return AuthorName(family=text.strip(" ,"))
    if "," in text and not _has_suffix_part(text):
        return _parse_bibtex_form(text)
    pubmed = _parse_pubmed_form(text)
    if pubmed is not None:
        return pubmed
    return _parse_display_form(text)


def _is_cjk(text: str) -> bool:
    """Names written in Han, kana or Hangul with no space: family name is the whole."""
    if " " in text:
        return False
    return any(unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))
               for ch in text)


def _has_suffix_part(text: str) -> bool:
    parts = [p.strip().lower() for p in text.split(",")]
    return len(parts) == 2 and parts[1] in _SUFFIXES


def _parse_bibtex_form(text: str) -> AuthorName:
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(text, strict=False)
    except InvalidNameError:
        return _parse_display_form(text.replace(",", " "))
    family = " ".join(parts.von + parts.last).strip()
    given = " ".join(parts.first).strip() or None
    suffix = " ".join(parts.jr).strip() or None
    if not family:
        return AuthorName(family=given or text, given=None, suffix=suffix)
    return AuthorName(family=family, given=given, suffix=suffix)


def _parse_pubmed_form(text: str) -> AuthorName | None:
    """"Smith JA", "Moss III FR": family first, then run-together initials (PubMed style)."""
    tokens = text.split()
    if len(tokens) < 2 or not _INITIALS.match(tokens[-1]) or _INITIALS.match(tokens[0]):
        return None
    if tokens[-1].lower() in _SUFFIXES:
        return None  # "Martin Luther King III"
    if any(t.endswith(".") for t in tokens):
        return None
    head = tokens[:-1]
    suffix = None
    if len(head) > 1 and head[-1].lower() in _SUFFIXES:
        suffix = head.pop()
    return AuthorName(family=" ".join(head), given=tokens[-1], suffix=suffix)


def _parse_display_form(text: str) -> AuthorName:
    tokens = text.split()
    if all(t[:1].isupper() and t.lower() not in _SUFFIXES for t in tokens) and \
            tokens[0].lower().rstrip(".") not in _TITLES:
        # "Ann B. Lee": no particle, suffix or title, so the last word is the family name
        # (what nameparser would say, without its cost).
        return AuthorName(family=tokens[-1], given=" ".join(tokens[:-1]))
    from nameparser import HumanName

    name = HumanName(text, constants=_constants())
    family = name.last.strip()
    given = " ".join(p for p in (name.title, name.first, name.middle) if p).strip() or None
    suffix = name.suffix.strip() or None
    if not family:
        return AuthorName(family=given or text, suffix=suffix)
    return AuthorName(family=family, given=given, suffix=suffix)


@lru_cache(maxsize=1)
def _constants() -> Any:  # nameparser is imported only when a name needs it
    from nameparser.config import Constants

    return Constants(titles=list(_TITLES))


def format_bibtex_name(name: AuthorName) -> str:
    """"Last, First" / "Last, Jr., First" / "others" — BibTeX's own name form."""
    if name.others:
        return "others"
    if name.suffix and name.given:
        return f"{name.family}, {name.suffix}, {name.given}"
    if name.given:
        return f"{name.family}, {name.given}"
    if name.suffix:
        return f"{name.family}, {name.suffix},"
    return name.family if " " not in name.family else "{" + name.family + "}"


def format_display_name(name: AuthorName) -> str:
    """"First Last Jr." — how a page shows the name."""
    if name.others:
        return name.family or "others"
    return " ".join(p for p in (name.given, name.family, name.suffix) if p)


def split_trailing_others(entries: list[str]) -> list[str]:
    """"C. Doe et al." as one entry -> "C. Doe", "et al." so each name is one entry."""
    out: list[str] = []
    for entry in entries:
        match = _TRAILING_OTHERS.match(str(entry).strip())
        if match and not _OTHERS.match(str(entry).strip()):
            out.extend([match.group(1), str(entry).strip()[len(match.group(1)):].strip(" ,")])
        else:
            out.append(entry)
    return out


def structure_authors(pub: Publication) -> None:
    """Fill ``author_names`` from ``authors`` and strip markup from the display strings."""
    if not pub.authors and pub.author_names:
        pub.authors = [format_display_name(n) for n in pub.author_names]
        return
    # = clean_author on each of split_trailing_others(pub.authors), empty names dropped
    kept = [item for entry in pub.authors for item in _cleaned_entry(str(entry))]
    links = {display: url for display, _, _, _, url in kept if url}
    if links:
        pub.extra.setdefault("author_links", {}).update(
            {k: v for k, v in links.items() if k not in pub.extra.get("author_links", {})})
    names: list[AuthorName] = []
    if pub.author_names and len(pub.author_names) == len(kept):
        for name, (_, marks, is_self, others, _) in zip(pub.author_names, kept, strict=True):
            for mark in marks:
                if mark not in name.marks:
                    name.marks.append(mark)
            name.is_self = name.is_self or is_self
            name.others = name.others or others
            names.append(name)
    else:
        for display, marks, is_self, others, _ in kept:
            family, given, suffix, parsed_others = _parse_cached(display.strip())
            names.append(AuthorName(family=family, given=given, suffix=suffix,
                                    marks=list(marks),  # distinct already
                                    is_self=is_self, others=parsed_others or others))
    pub.authors = [display for display, _, _, _, _ in kept]
    pub.author_names = names


@lru_cache(maxsize=65536)
def _cleaned_entry(entry: str) -> tuple[tuple[str, tuple[str, ...], bool, bool, str | None],
                                        ...]:
    """The non-empty ``_clean_cached`` names of one ``authors`` entry ("C. Doe et al." is
    two)."""
    parts = (_clean_cached(str(part)) for part in split_trailing_others([entry]))
    return tuple(part for part in parts if part[0])


def structure_names(model: Model, diagnostics: Diagnostics) -> None:
    """Every publication gets structured author names (idempotent)."""
    for pub in model.publications:
        structure_authors(pub)


def family_key(name: AuthorName) -> str:
    """A family name folded for comparison: no accents, no case, letters only."""
    return _fold_family(name.family)


@lru_cache(maxsize=65536)
def _fold_family(family: str) -> str:
    text = unicodedata.normalize("NFKD", family)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w]", "", text.casefold())
