"""CSL-JSON / CSL-YAML items (the Zotero, Better BibTeX and pandoc exchange format) as
publications.

Mapped: ``id``, ``type`` (to the model's kinds), ``title``, ``author`` (CSL name objects),
``editor`` (kept as display names in ``extra["editors"]``), ``issued`` (``date-parts``,
``raw``, ``literal``), ``container-title`` (venue), ``DOI``, ``URL``, ``PMID``, ``PMCID``,
``ISBN``, ``ISSN``, ``abstract``, ``note``.  Every other field stays in ``extra`` under its
own name, so nothing is lost.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import PUBLICATION_KINDS, AuthorName, Origin, Publication
from ..transforms.authors import read_authors
from ..transforms.fields import normalize_date, plain_text, year_of

#: CSL item types -> the model's kinds (the rest: ``misc``)
CSL_TYPES: dict[str, str] = {
    "article-journal": "journal", "article-magazine": "journal", "article-newspaper": "journal",
    "review": "journal", "review-book": "journal", "paper-conference": "conference",
    "chapter": "chapter", "entry-encyclopedia": "chapter", "entry-dictionary": "chapter",
    "book": "book", "classic": "book", "collection": "book", "thesis": "thesis",
    "report": "report", "standard": "report", "article": "preprint", "manuscript": "preprint",
    "patent": "patent", "dataset": "dataset", "software": "software", "speech": "talk",
    "presentation": "talk", "poster": "poster", "post": "misc", "post-weblog": "misc",
    "webpage": "misc", "document": "misc", "graphic": "misc", "interview": "misc",
    "legal_case": "misc", "legislation": "misc", "map": "misc", "motion_picture": "misc",
    "musical_score": "misc", "pamphlet": "misc", "personal_communication": "misc",
    "regulation": "misc", "song": "misc", "treaty": "misc", "performance": "misc",
    "event": "misc", "hearing": "misc", "broadcast": "misc",
}
#: fields only CSL items carry (besides a CSL ``type``): one of them marks an item as CSL
_CSL_MARKERS = ("container-title", "issued", "DOI", "URL", "citation-key", "collection-title",
                "container-title-short", "title-short", "page", "event-place")
_IDENTIFIERS = {"DOI": "doi", "PMID": "pmid", "PMCID": "pmcid", "ISBN": "isbn",
                "ISSN": "issn"}
_CONSUMED = {"id", "type", "title", "author", "editor", "issued", "container-title", "URL",
             "abstract", "note", "custom", *_IDENTIFIERS}
#: the ``custom`` object (CSL 1.0.2's place for data without a CSL variable) keys sitemigrate
#: writes and reads back: every link by its label, the display names when CSL names would
#: read back differently, the model's kind when the CSL type does not name it
CUSTOM_LINKS, CUSTOM_AUTHORS, CUSTOM_KIND = "links", "display-authors", "kind"
#: ``custom`` key holding a title or venue whose markup (``<sub>``, a ``<`` in a DOI) the
#: plain-text reading of ``title``/``container-title`` would lose
CUSTOM_MARKUP = "markup"
_ARXIV_NUMBER = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)$", re.I)


def is_csl_item(item: Any) -> bool:
    """A map written in CSL: a CSL ``type`` plus a CSL-only field, or CSL name objects."""
    if not isinstance(item, dict) or not item.get("title"):
        return False
    typed = str(item.get("type", "")).strip() in CSL_TYPES
    marked = any(key in item for key in _CSL_MARKERS)
    authors = item.get("author")
    named = isinstance(authors, list) and bool(authors) and all(
        isinstance(a, dict) and ("family" in a or "literal" in a) for a in authors)
    return (typed and (marked or named)) or (marked and named)


def csl_items(content: Any) -> list[Any] | None:
    """The item list of a CSL document: a list (CSL-JSON) or ``references:`` (CSL-YAML as
    pandoc and Better BibTeX write it); ``None`` when ``content`` is not CSL."""
    items = content.get("references") if isinstance(content, dict) else content
    if isinstance(items, list) and items and sum(is_csl_item(i) for i in items) * 2 >= len(items):
        return items
    return None


def csl_to_publication(item: dict[str, Any], pub_id: str, origin: Origin,
                       people: dict[str, dict[str, Any]] | None = None) -> Publication:
    """One CSL item as a publication."""
    pub = Publication(id=str(item.get("id") or item.get("citation-key") or pub_id),
                      title=plain_text(item.get("title")), origin=origin)
    found = read_authors(item.get("author"), people)
    pub.authors, pub.author_names = found.authors, found.names
    if found.links:
        pub.extra["author_links"] = found.links
    if found.unresolved:
        pub.extra["unresolved_authors"] = found.unresolved
    editors = read_authors(item.get("editor")).authors
    if editors:
        pub.extra["editors"] = editors
    issued = item.get("issued")
    pub.date = normalize_date(issued)
    pub.year = year_of(pub.date)
    if issued is not None and pub.date is None:
        pub.extra["issued"] = issued
    pub.venue = plain_text(item.get("container-title")) or None
    kind = str(item.get("type", "")).strip()
    pub.kind = CSL_TYPES.get(kind)
    if kind and kind not in CSL_TYPES:
        pub.extra["type"] = kind
    if item.get("abstract"):
        pub.abstract = str(item["abstract"]).strip()
    if item.get("note") not in (None, ""):
        pub.extra["note"] = item["note"]
    for key, name in _IDENTIFIERS.items():
        value = item.get(key) if item.get(key) not in (None, "") else item.get(key.lower())
        if value not in (None, ""):
            pub.identifiers[name] = str(value).strip()
    if pub.identifiers.get("doi"):
        pub.links["doi"] = f"https://doi.org/{pub.identifiers['doi']}"
    url = item.get("URL") or item.get("url")
    if isinstance(url, str) and url.strip():
        pub.links["html"] = url.strip()
    number = str(item.get("number", ""))
    arxiv = _ARXIV_NUMBER.match(number.strip())
    if arxiv and "arxiv" in str(item.get("publisher", "")).lower():
        pub.identifiers["arxiv"] = arxiv.group(1)
    _read_custom(pub, item.get("custom"))
    for key, value in item.items():
        if key not in _CONSUMED and key.lower() not in ("url", "doi", "pmid", "pmcid", "isbn",
                                                        "issn") and value not in (None, ""):
            pub.extra.setdefault(str(key), value)
    return pub


def _read_custom(pub: Publication, custom: Any) -> None:
    """What sitemigrate's CSL export keeps in ``custom`` (links, display names, kind); any
    other ``custom`` data stays in ``extra["custom"]``."""
    if not isinstance(custom, dict):
        if custom not in (None, ""):
            pub.extra["custom"] = custom
        return
    rest = dict(custom)
    links = rest.pop(CUSTOM_LINKS, None)
    if isinstance(links, dict) and all(isinstance(v, str) for v in links.values()):
        url = pub.links.get("html")  # the list is complete: nothing derived from DOI
        pub.links = {"html": url} if url and url not in links.values() else {}
        pub.links.update({str(k): v for k, v in links.items()})
    elif links is not None:
        rest[CUSTOM_LINKS] = links
    shown = rest.pop(CUSTOM_AUTHORS, None)
    if isinstance(shown, list) and all(isinstance(a, str) for a in shown):
        if len(shown) != len(pub.author_names):
            pub.author_names = []
        pub.authors = list(shown)
    elif shown is not None:
        rest[CUSTOM_AUTHORS] = shown
    markup = rest.pop(CUSTOM_MARKUP, None)
    if isinstance(markup, dict):
        if isinstance(markup.get("title"), str):
            pub.title = markup["title"]
        if isinstance(markup.get("container-title"), str):
            pub.venue = markup["container-title"]
    elif markup is not None:
        rest[CUSTOM_MARKUP] = markup
    kind = rest.pop(CUSTOM_KIND, None)
    if kind in PUBLICATION_KINDS:
        pub.kind = kind
    elif kind is not None:
        rest[CUSTOM_KIND] = kind
    if rest:
        pub.extra["custom"] = rest


# --- the other direction: publications as CSL-JSON ------------------------------------------

#: the model's kinds -> CSL 1.0.2 item types (CSL has no poster or workshop type: a poster is
#: a ``speech`` with the genre ``poster``, a workshop paper a ``paper-conference``)
KIND_TO_CSL: dict[str, tuple[str, str | None]] = {
    "journal": ("article-journal", None), "conference": ("paper-conference", None),
    "workshop": ("paper-conference", "workshop"), "preprint": ("article", None),
    "book": ("book", None), "chapter": ("chapter", None), "thesis": ("thesis", None),
    "report": ("report", None), "patent": ("patent", None), "talk": ("speech", None),
    "poster": ("speech", "poster"), "software": ("software", None),
    "dataset": ("dataset", None), "misc": ("document", None),
}
#: ``Publication.extra`` keys (BibTeX and other readers' names) -> CSL variables
_EXTRA_TO_CSL = (("volume", "volume"), ("number", "issue"), ("issue", "issue"),
                 ("pages", "page"), ("page", "page"), ("publisher", "publisher"),
                 ("address", "publisher-place"), ("edition", "edition"), ("isbn", "ISBN"),
                 ("issn", "ISSN"), ("note", "note"))
_ID_TO_CSL = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "isbn": "ISBN", "issn": "ISSN"}


def publication_to_csl(pub: Publication, item_id: str) -> dict[str, Any]:
    """One publication as a CSL-JSON item that ``csl_to_publication`` reads back with the
    same title, authors, year, venue, identifiers and links."""
    kind = pub.kind or "misc"
    csl_type, genre = KIND_TO_CSL.get(kind, ("document", None))
    item: dict[str, Any] = {"id": item_id, "type": csl_type, "title": pub.title}
    custom: dict[str, Any] = {}
    if genre:
        item["genre"] = genre
    if CSL_TYPES.get(csl_type) != kind:
        custom[CUSTOM_KIND] = kind
    if pub.authors:
        names = [_csl_name(name) for name in pub.author_names] \
            if len(pub.author_names) == len(pub.authors) else []
        if names and read_authors(names).authors == pub.authors:
            item["author"] = names
        else:  # names a reader splits differently (marks, "others", initials first…)
            item["author"] = names or [{"literal": a} for a in pub.authors]
            custom[CUSTOM_AUTHORS] = list(pub.authors)
    issued = _date_parts(pub)
    if issued is not None:
        item["issued"] = {"date-parts": [issued]}
    if pub.venue:
        item["container-title"] = pub.venue
    for name, key in _ID_TO_CSL.items():
        if pub.identifiers.get(name):
            item[key] = pub.identifiers[name]
    links = dict(pub.links)
    url = links.pop("html", None) or next(iter(links.values()), None)
    if url:
        item["URL"] = url  # what citeproc links
    if pub.links != _links_read_back(item):  # the full list, else the reader derives it
        if pub.links.get("html") in (None, url) and url not in links.values():
            links.pop("html", None)
        else:
            links = dict(pub.links)
        custom[CUSTOM_LINKS] = links
    if pub.abstract:
        item["abstract"] = pub.abstract
    markup = {key: value for key, value in (("title", pub.title), ("container-title", pub.venue))
              if value and plain_text(value) != value}
    if markup:
        custom[CUSTOM_MARKUP] = markup
    for source, key in _EXTRA_TO_CSL:
        value = pub.extra.get(source)
        if key not in item and isinstance(value, str | int) and str(value).strip():
            item[key] = str(value).replace("--", "–") if key == "page" else str(value)
    if custom:
        item["custom"] = custom
    return item


def _links_read_back(item: dict[str, Any]) -> dict[str, str]:
    """The links a CSL reader derives from ``DOI`` and ``URL`` alone."""
    links = {"doi": f"https://doi.org/{item['DOI']}"} if item.get("DOI") else {}
    if item.get("URL"):
        links["html"] = item["URL"]
    return links


def _csl_name(name: AuthorName) -> dict[str, str]:
    if name.given is None and name.suffix is None:
        return {"literal": name.family}  # an organisation or a single name: never split
    out = {"family": name.family}
    if name.given:
        out["given"] = name.given
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def _date_parts(pub: Publication) -> list[int] | None:
    """``[year, month, day]`` as far as known; ``None`` for an undated publication."""
    date = pub.date if pub.date and year_of(pub.date) == pub.year else None
    if date:
        return [int(part) for part in date.split("-")[:3] if part.isdigit()]
    return [pub.year] if pub.year is not None else None


def publications_to_csl(pubs: list[Publication]) -> list[dict[str, Any]]:
    """Every publication as a CSL-JSON item; ids kept unique (``key``, ``key-2``…)."""
    used: set[str] = set()
    items = []
    for pub in pubs:
        base = pub.id or "item"
        item_id, n = base, 1
        while item_id in used:
            n += 1
            item_id = f"{base}-{n}"
        used.add(item_id)
        items.append(publication_to_csl(pub, item_id))
    return items
