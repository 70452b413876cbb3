"""academicpages publication front matter <-> model fields (shared by the site and TSV readers).

The writer uses the same tables (``CATEGORY_OF_KIND``, ``URL_KEYS``, ``IDENTIFIER_KEYS``) so
what it writes reads back unchanged.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from ...model import Origin, Publication
from ...transforms.authors import read_authors
from ...transforms.fields import (
    as_bool,
    collapse_space,
    date_key,
    normalize_date,
    plain_text,
    split_authors,
    text_or_none,
    year_month,
    year_of,
)
from .codec import KIND_OF_CATEGORY

#: model kind -> the template's category; kinds missing here get a category of their own.
CATEGORY_OF_KIND = {
    "book": "books",
    "chapter": "books",
    "journal": "manuscripts",
    "conference": "conferences",
    "workshop": "conferences",
}
#: other categories seen on real sites, by a word they contain -> kind
_CATEGORY_WORDS = (
    ("preprint", "preprint"), ("patent", "patent"), ("thes", "thesis"),
    ("dissert", "thesis"), ("chapter", "chapter"), ("book", "book"),
    ("workshop", "workshop"), ("conf", "conference"), ("proceed", "conference"),
    ("journal", "journal"), ("article", "journal"), ("manuscript", "journal"),
    ("report", "report"), ("poster", "poster"), ("talk", "talk"), ("software", "software"),
    ("data", "dataset"),
)
#: front-matter key -> link label
URL_KEYS = {"slidesurl": "slides", "bibtexurl": "bibtex"}
IDENTIFIER_KEYS = ("doi", "arxiv", "pmid", "pmcid", "isbn", "issn", "hal", "dblp")
#: keys this module turns into model fields (everything else goes to ``extra``)
#: front-matter keys an author list is read from, first found wins
AUTHOR_KEYS = ("authors", "author", "author_list", "authors_list")
_CONSUMED = {"title", "authors", "author", "author_list", "authors_list", "year", "month",
             "date", "venue", "category", "paperurl",
             "paperurl_label", "link", "citation", "award", "selected", "header",
             "collection", "identifiers", "venue_html"}
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-")
_PDF = re.compile(r"(\.pdf($|[?#]))|(/pdf(/|$))", re.I)


def kind_of_category(category: Any) -> str | None:
    if category is None or str(category).strip() == "":
        return None
    name = str(category).strip().lower()
    if name in KIND_OF_CATEGORY:
        return KIND_OF_CATEGORY[name]
    return next((kind for word, kind in _CATEGORY_WORDS if word in name), "misc")


def looks_like_pdf(url: str) -> bool:
    return bool(_PDF.search(url))


def stem_parts(stem: str) -> tuple[str | None, str]:
    """(date from a ``YYYY-MM-DD-`` prefix, the rest of the stem)."""
    match = _DATE_PREFIX.match(stem)
    if not match:
        return None, stem
    return normalize_date("-".join(match.groups())), stem[match.end():] or stem


def publication_from_meta(meta: dict[str, Any], body: str, stem: str, origin: Origin,
                          ) -> tuple[Publication, list[str]]:
    """A publication from one ``_publications`` file; also returns notes worth a diagnostic."""
    notes: list[str] = []
    file_date, pub_id = stem_parts(stem)
    title = text_or_none(meta.get("title"))
    if not title:
        title = pub_id.replace("-", " ").replace("_", " ").strip().capitalize() or pub_id
        notes.append(f"no title; derived {title!r} from the file name")
    pub = Publication(id=pub_id, title=title, origin=origin)
    pub.date = _date(meta, file_date)
    pub.year = year_of(meta.get("year")) or year_of(pub.date)
    _venue(pub, meta)
    pub.kind = kind_of_category(meta.get("category"))
    if meta.get("category") is not None and \
            CATEGORY_OF_KIND.get(pub.kind or "") != str(meta.get("category")).strip():
        pub.extra["category"] = meta["category"]
    _links(pub, meta)
    for key in meta:  # file order, so a rewrite keeps it
        if key in IDENTIFIER_KEYS and (identifier := text_or_none(meta[key])):
            pub.identifiers[key] = identifier
    if isinstance(meta.get("identifiers"), dict):
        pub.identifiers.update({str(k): text for k, v in meta["identifiers"].items()
                                if (text := text_or_none(v))})
    citation = meta.get("citation")
    pub.citation = str(citation) if text_or_none(citation) else None
    author_key = next((k for k in AUTHOR_KEYS if meta.get(k) not in (None, "")), None)
    if author_key is not None:
        found = read_authors(meta[author_key])
        pub.authors, pub.author_names = found.authors, found.names
        if found.links:
            pub.extra["author_links"] = found.links
        for other in AUTHOR_KEYS:
            if other != author_key and meta.get(other) not in (None, ""):
                pub.extra[other] = meta[other]  # a second list: kept as written
    elif pub.citation:
        pub.authors = authors_from_citation(pub.citation, title)
    pub.award = text_or_none(meta.get("award"))
    pub.selected = as_bool(meta.get("selected")) if meta.get("selected") is not None else False
    _header(pub, meta.get("header"))
    pub.abstract = body.strip() or None
    for key, value in meta.items():
        if _consumed(key) and not (key == "month" and _month(meta) is None):
            continue
        pub.extra[key] = value
    return pub, notes


def _consumed(key: str) -> bool:
    return key in _CONSUMED or key in IDENTIFIER_KEYS or key in URL_KEYS or _is_url_key(key)


def _date(meta: dict[str, Any], file_date: str | None) -> str | None:
    """``date``, else ``year``/``month``, else the file name; ``year`` marks a synthetic day."""
    year = year_of(meta.get("year"))
    month_num = _month(meta)
    key = date_key(meta)
    date = normalize_date(meta.get(key)) if key else None
    if month_num is None and year and isinstance(meta.get("month"), str):
        named = year_month(year, meta["month"])  # "month: Apr" next to "year"
        if named and len(named) == 7:
            date = date or named
    partial = None
    if year:
        partial = f"{year}-{month_num:02d}" if month_num else str(year)
    if date is None:
        return partial or file_date
    if partial and date == (f"{partial}-01" if month_num else f"{partial}-01-01"):
        return partial  # the writer's full date for a year- or month-only date
    return date


def _month(meta: dict[str, Any]) -> int | None:
    """``month`` as the writer's month-precision mark: an int 1..12 next to ``year``."""
    month = meta.get("month")
    if meta.get("year") is None or isinstance(month, bool) or not isinstance(month, int):
        return None
    return month if 1 <= month <= 12 else None


def _venue(pub: Publication, meta: dict[str, Any]) -> None:
    raw = meta.get("venue")
    if raw in (None, ""):
        raw = meta.get("journal")  # dcastrop: journal instead of venue
    if raw in (None, ""):
        return
    text = str(raw).strip()
    clean = html_to_text(text)
    pub.venue = clean or None
    if clean != text:
        pub.extra["venue_html"] = text


_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")


@lru_cache(maxsize=16384)  # venues recur across a site's records
def html_to_text(value: str) -> str:
    """Venue text without HTML tags; ``<449::AID-CNE10>`` in a DOI is not a tag and stays."""
    return collapse_space(html.unescape(_HTML_TAG.sub("", value)))


def _is_url_key(key: str) -> bool:
    return key.endswith("url") and len(key) > 3 and key.isidentifier()


def _links(pub: Publication, meta: dict[str, Any]) -> None:
    paper = text_or_none(meta.get("paperurl"))
    if paper:
        label = str(meta.get("paperurl_label") or "").strip()
        label = label or ("pdf" if looks_like_pdf(paper) else "html")
        pub.links[label] = paper
    link = text_or_none(meta.get("link"))
    if link:
        pub.links["link" if "html" in pub.links and pub.links["html"] != link else "html"] = link
    for key in sorted(meta):
        if key == "paperurl" or not _is_url_key(key) or not (url := text_or_none(meta[key])):
            continue
        label = URL_KEYS.get(key, key[:-3].rstrip("_"))
        pub.links.setdefault(label, url)


def _header(pub: Publication, header: Any) -> None:
    if not isinstance(header, dict):
        if header is not None:
            pub.extra["header"] = header
        return
    rest = {k: v for k, v in header.items() if k != "teaser"}
    if header.get("teaser"):
        pub.image = text_or_none(header["teaser"])
    if rest:
        pub.extra["header"] = rest


_QUOTED = re.compile(r"[\"“”]([^\"“”]{8,})[\"“”]")
_YEAR_PAREN = re.compile(r"\(\s*\d{4}[a-z]?\s*\)\s*[.,:]?\s*$")


def authors_from_citation(citation: str, title: str) -> list[str]:
    """Authors are whatever precedes the title (or the first quoted part) in a citation."""
    text = plain_text(html.unescape(citation))
    text = text.replace("**", "").replace("__", "")
    start = _find_title(text, title)
    if start is None:
        quoted = _QUOTED.search(text)
        if not quoted:
            return []
        start = quoted.start()
    head = _trim(_YEAR_PAREN.sub("", _trim(text[:start])))
    if not head or len(head) > 600:
        return []
    paired = _initials_pairs(head)
    if paired:
        return paired
    return [name.strip() for name in split_authors(head) if name.strip(" .")]


def _trim(head: str) -> str:
    """Punctuation off the end, keeping the dot of a final initial ("Kalneus E.V.")."""
    head = head.rstrip(" \"“',:;")
    while head.endswith(".") and not re.search(r"(^|[\s.])[A-Z]\.$", head):
        head = head[:-1].rstrip(" \"“',:;")
    return head.strip()


_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[\s-]?){1,4}$")
_APA_SEPARATOR = re.compile(r",\s*(?:&\s*|and\s+)?|\s+&\s+")


def _initials_pairs(head: str) -> list[str]:
    """APA ``Last, F., Last, F. M., & Last, F.`` -> ``F. Last`` names (else [])."""
    # without "&" or "and" the separator is "," plus spaces, which strip() removes anyway
    pieces = _APA_SEPARATOR.split(head) if "&" in head or "and" in head else head.split(",")
    tokens = [t.strip() for t in pieces if t.strip()]
    if len(tokens) < 2 or len(tokens) % 2:
        return []
    pairs = list(zip(tokens[::2], tokens[1::2], strict=True))
    if not all(_INITIALS.match(initials) and " " not in last.strip()
               or _INITIALS.match(initials) and last[:1].isupper()
               for last, initials in pairs):
        return []
    return [f"{initials if initials.endswith('.') else initials + '.'} {last}"
            for last, initials in pairs]


def _find_title(text: str, title: str) -> int | None:
    needle = plain_text(title).lower().rstrip(".")
    if len(needle) < 4:
        return None
    index = text.lower().find(needle)
    if index < 0:
        return None
    while index > 0 and text[index - 1] in "\"“'‘ ":
        index -= 1
    return index
