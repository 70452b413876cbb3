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

from ..model import Origin, Publication
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
             "abstract", "note", *_IDENTIFIERS}
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
    for key, value in item.items():
        if key not in _CONSUMED and key.lower() not in ("url", "doi", "pmid", "pmcid", "isbn",
                                                        "issn") and value not in (None, ""):
            pub.extra.setdefault(str(key), value)
    return pub
