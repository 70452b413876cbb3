"""Data items to model records: the custom-site field mapping of themes.md §7."""

from __future__ import annotations

import math
import re
from typing import Any

from ...model import AuthorName, Item, Origin, Project, Publication, Theme
from ...parsing.csl import csl_to_publication, is_csl_item
from ...paths import slugify
from ...transforms.authors import read_authors
from ...transforms.fields import (
    as_bool,
    date_key,
    normalize_date,
    plain_text,
    repair_url,
    split_authors,
    year_month,
    year_of,
)

TITLE_KEYS = ("title", "name", "headline")
VENUE_KEYS = ("venue", "journal", "booktitle", "conference", "publisher", "conference_short")
ABSTRACT_KEYS = ("abstract", "description", "summary")
#: data field -> link label
LINK_KEYS = {
    "url": "html", "html": "html", "link": "html", "paperurl": "html", "pdf": "pdf",
    "code": "code", "github": "code", "repo": "code", "slides": "slides", "video": "video",
    "poster": "poster", "bibtex": "bibtex", "website": "website", "supp": "supp",
    "blog": "blog", "data": "data", "dataset": "data", "osf": "osf", "preprint": "preprint",
}
KIND_WORDS = {
    "journal": "journal", "article": "journal", "publication": "journal",
    "conference": "conference", "inproceedings": "conference", "proceedings": "conference",
    "workshop": "workshop", "preprint": "preprint", "thesis": "thesis", "phdthesis": "thesis",
    "software": "software", "book": "book", "chapter": "chapter", "report": "report",
    "patent": "patent", "talk": "talk", "poster": "poster", "dataset": "dataset",
}
_EMPH = re.compile(r"(\*\*|__|\*|_)(.+?)\1")
_BR = re.compile(r"<br\s*/?>", re.I)
_STRONG = re.compile(r"<(strong|b|u)>(.*?)</\1>", re.I | re.S)
_MARK = re.compile(r"(?:<sup>(.*?)</sup>|\\?([*†‡§¶#]+))\s*$")
_ABSOLUTE_URL = re.compile(r"^(https?|ftp)://\S+$", re.I)
#: a link value: an absolute URL, ``www.``, a site path (``/x``, ``./x``, ``files/x.pdf``)
_LINK_VALUE = re.compile(r"^((https?|ftp)://|www\.|\.{0,2}/)\S*$|^[\w.-]+/\S*$|"
                         r"^[\w.-]+\.(pdf|html?|bib|pptx?|key|zip|mp4|txt|md|ipynb)$", re.I)
#: keys whose URL values are pictures or bookkeeping, not links to the work (as in BibTeX)
_NOT_LINK_KEYS = ("preview", "file", "urldate", "howpublished", "note", "pubtype", "scope",
                  "image", "img")
_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']([^"']+)["']""", re.I)
#: extra key holding ``key -> text`` of empty-cell placeholders (``NaN``, ``n/a``)
PLACEHOLDERS = "placeholders"
_VENUE_YEAR = re.compile(r"^(?P<venue>.+?),?\s+(?P<year>(19|20)\d{2})\.?$")


def clean_text(value: Any) -> str:
    """Text without HTML, Markdown emphasis or line breaks."""
    if value is None:
        return ""
    text = _BR.sub(" ", str(value))
    text = _EMPH.sub(r"\2", text)
    return plain_text(text).replace("\\*", "*").strip(" ,;")


def record_id(item: dict[str, Any], fallback: str) -> str:
    for key in ("key", "id", "tag", "slug", "bibtex_key", "citekey"):
        value = item.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            text = str(value).strip()
            return text if re.fullmatch(r"[\w.:+-]+", text) and ":" not in text and \
                "/" not in text else slugify(text)
    title = next((item[k] for k in TITLE_KEYS if isinstance(item.get(k), str)), None)
    return slugify(clean_text(title), fallback=fallback) if title else fallback


def item_to_publication(item: dict[str, Any], pub_id: str, origin: Origin,
                        people: dict[str, dict[str, Any]] | None = None) -> Publication:
    """One data item as a publication; ``people`` resolves author keys (unresolved ones
    are left in ``extra["unresolved_authors"]`` for the reader to report).  A CSL item
    (a Zotero/Better BibTeX export the layout loops over) is read as CSL."""
    if is_csl_item(item):
        return csl_to_publication(item, pub_id, origin, people)
    rest = dict(item)
    pub = Publication(id=pub_id, title="", origin=origin)
    title = _pop_first(rest, ("title",))
    pub.title = clean_text(title)
    _map_authors(pub, _pop_first(rest, ("authors", "author", "author_list", "authors_list")),
                 people or {})
    _map_dates(pub, rest)
    _venue_links(pub, rest)
    venue = _pop_first(rest, VENUE_KEYS)
    pub.venue = clean_text(venue) or None
    _year_from_venue(pub)
    kind = rest.pop("type", None)
    if kind is not None:
        pub.kind = KIND_WORDS.get(str(kind).strip().lower())
        if pub.kind is None:
            pub.extra["type"] = kind
    apa = rest.pop("apa_reference", None) or rest.pop("citation", None)
    if apa:
        pub.citation = str(apa).strip()
        _fill_from_apa(pub, str(apa))
    abstract = _pop_first(rest, ABSTRACT_KEYS)
    pub.abstract = str(abstract).strip() if abstract else None
    _map_links(pub, rest)
    _map_flags(pub, rest)
    for key, value in rest.items():
        if value is not None and _is_nan(value):
            _keep_placeholder(pub, str(key), value)
        elif value is not None:
            pub.extra[str(key)] = value
    return pub


def _keep_placeholder(pub: Publication, key: str, value: Any) -> None:
    """``pmid: NaN`` (a spreadsheet export's empty cell) is no value: kept aside under
    ``extra["placeholders"]`` so no writer or reader takes it for a PMID."""
    pub.extra.setdefault(PLACEHOLDERS, {})[key] = str(value)


def clean_link_values(pub: Publication) -> None:
    """Links hold URLs or paths: ``<a href="u">…</a>`` (4C-multiphysics ``url`` fields) is
    link ``u``, its markup kept in ``extra["link_markup"]``; any other non-link value
    leaves ``links`` for ``extra`` under its label."""
    for label, value in list(pub.links.items()):
        if is_link_value(value):
            continue
        href = _HREF.search(value)
        if href and is_link_value(href.group(1)):
            pub.links[label] = href.group(1).strip()
            pub.extra.setdefault("link_markup", {})[label] = value
        else:
            del pub.links[label]
            pub.extra.setdefault(label, value)


def _venue_links(pub: Publication, rest: dict[str, Any]) -> None:
    """``journal: https://…`` (AlexSchuckert) links the published paper; it names no venue."""
    for key in VENUE_KEYS:
        value = rest.get(key)
        if isinstance(value, str) and _ABSOLUTE_URL.match(value.strip()):
            rest.pop(key)
            _add_link(pub, "html", value)


def _year_from_venue(pub: Publication) -> None:
    """"Nature Physics, 2025." with no year field: venue "Nature Physics", year 2025."""
    if pub.year is not None or not pub.venue:
        return
    match = _VENUE_YEAR.match(pub.venue)
    if match is None:
        return
    pub.extra["venue_text"] = pub.venue
    pub.venue = match.group("venue").strip().rstrip(",")
    pub.year = int(match.group("year"))
    pub.date = pub.date or match.group("year")


def is_link_value(value: str) -> bool:
    """Links hold URLs or site paths; ``osf: 2gxhk`` is an identifier, not a link."""
    return bool(_LINK_VALUE.match(value.strip()))


def _pop_first(rest: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """Pop the first key present; the others stay in ``rest`` (and so in ``extra``)."""
    for key in keys:
        if rest.get(key) not in (None, ""):
            return rest.pop(key)
    return None


def _is_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and value.strip().lower() in ("nan", "n/a")


def _map_authors(pub: Publication, value: Any, people: dict[str, dict[str, Any]]) -> None:
    if value is None:
        return
    if _structured(value, people):
        found = read_authors(value, people)
        pub.authors, pub.author_names = found.authors, found.names
        if found.links:
            pub.extra["author_links"] = found.links
        if found.unresolved:
            pub.extra["unresolved_authors"] = found.unresolved
        return
    if isinstance(value, str):
        raw_parts = _split_author_string(value)
    else:
        raw_parts = split_authors([str(v) if not isinstance(v, dict) else v for v in value])
    for raw in raw_parts:
        name = _author_name(raw)
        if name is None:
            continue
        unmarked = clean_text(_strip_marks(raw)[0])  # "Grabe M<sup>*</sup>" is Vancouver too
        display = " ".join(p for p in (name.given, name.family) if p) \
            if not _vancouver(unmarked) else unmarked
        if name.others:
            pub.author_names.append(name)
            continue
        pub.authors.append(display)
        pub.author_names.append(name)


def _structured(value: Any, people: dict[str, dict[str, Any]]) -> bool:
    """Maps (names with marks, CSL names, member references) or keys of people data."""
    items = value if isinstance(value, list) else [value]
    return any(isinstance(v, dict) or (isinstance(v, str) and v.strip() in people)
               for v in items)


def _split_author_string(value: str) -> list[str]:
    text = _BR.sub(" ", value).replace("\n", " ").strip()
    if ";" in text:
        return [p.strip() for p in text.split(";") if p.strip()]
    return split_authors(text)


def _strip_marks(raw: str) -> tuple[str, list[str]]:
    marks: list[str] = []
    text = raw.strip()
    while True:
        match = _MARK.search(text)
        if not match or match.start() == 0:
            break
        marks.insert(0, plain_text(match.group(1) or match.group(2)).replace("\\", ""))
        text = text[:match.start()].rstrip()
    return text, [m for m in marks if m]


def _author_name(raw: Any) -> AuthorName | None:
    text, marks = _strip_marks(str(raw))
    is_self = bool(_STRONG.search(text)) or "**" in text
    name = clean_text(text).replace("\\", "")
    marks += re.findall(r"(?<!\*)\*(?!\*)|[†‡§¶]", name)
    name = re.sub(r"[*†‡§¶]", "", name).strip(" ,")
    if not name:
        return None
    if name in ("...", "…", "et al.", "et al", "others"):
        return AuthorName(family=name, others=True)
    if "," in name:  # "Blair, G. J."
        family, _, given = name.partition(",")
        return AuthorName(family=family.strip(), given=given.strip() or None, marks=marks,
                          is_self=is_self)
    if _vancouver(name):  # "Moss III FR": family first, initials last
        family, _, given = name.rpartition(" ")
        return AuthorName(family=family, given=given, marks=marks, is_self=is_self)
    given, _, family = name.rpartition(" ")
    return AuthorName(family=family or name, given=given or None, marks=marks, is_self=is_self)


def _vancouver(name: str) -> bool:
    parts = name.split()
    return len(parts) >= 2 and bool(re.fullmatch(r"[A-Z]{1,3}", parts[-1]))


def _map_dates(pub: Publication, rest: dict[str, Any]) -> None:
    """``date`` (or ``pubdate``/``published``/``issued``… as text, a map or CSL date-parts),
    ``year`` and ``month``; what does not parse stays in ``extra`` under its own key."""
    key = date_key(rest)
    year, date = rest.pop("year", None), rest.pop(key, None) if key else None
    month = rest.pop("month", None) if year is not None and date is None else None
    pub.date = normalize_date(date) if date is not None else None
    pub.year = year_of(year) if year is not None else None
    if pub.year is None:
        pub.year = year_of(pub.date)
    if year is not None and pub.year is None:
        pub.extra["year"] = year
    if date is not None and pub.date is None:
        pub.extra[key or "date"] = date
    if month is not None:
        pub.date = year_month(year, month)
        if pub.date is None or len(pub.date) < 7:
            pub.extra["month"] = month  # not a month we can read: kept
    if pub.date is None and pub.year is not None:
        pub.date = str(pub.year)


#: identifier field -> (its URL prefix, the URL a bare id becomes)
_ID_LINKS = {"doi": (re.compile(r"^https?://(dx\.)?doi\.org/"), "https://doi.org/"),
             "arxiv": (re.compile(r"^https?://arxiv\.org/(abs|pdf)/"), "https://arxiv.org/abs/")}


def _map_links(pub: Publication, rest: dict[str, Any]) -> None:
    for name, (prefix, base) in _ID_LINKS.items():
        value = rest.pop(name, None)
        if value:
            text = str(value).strip()
            bare = prefix.sub("", text)
            pub.identifiers[name] = bare
            pub.links[name] = text if text.startswith("http") else base + bare
    for key in ("pmid", "pmcid", "isbn", "issn"):
        value = rest.pop(key, None)
        if value is not None and not _is_nan(value):
            pub.identifiers[key] = str(value)
        elif value is not None:
            _keep_placeholder(pub, key, value)
    links = rest.pop("links", None)
    if isinstance(links, list):
        _list_links(pub, links, "links")
    elif links is not None:
        rest["links"] = links
    buttons = rest.pop("buttons", None)
    if isinstance(buttons, list):
        _list_links(pub, buttons, "buttons")
    elif buttons is not None:
        rest["buttons"] = buttons
    link = rest.get("link")
    if isinstance(link, dict):
        rest.pop("link")
        for key, value in link.items():
            if isinstance(value, str) and key in ("url", "pdf", "slides", "code", "doi", "html"):
                _add_link(pub, "html" if key == "url" else key, value)
            else:
                pub.extra[f"link.{key}"] = value
    for key, label in LINK_KEYS.items():
        value = rest.get(key)
        if isinstance(value, str) and value.strip():
            if label == "data" and re.match(r"^10\.\d+/", value.strip()):
                value = f"https://doi.org/{value.strip()}"
            if label == "code" and key == "repo" and "://" not in value:
                value = f"https://github.com/{value.strip()}"
            if not is_link_value(value):
                continue  # stays in extra under its own key
            rest.pop(key)
            _add_link(pub, label, value)
    for key in list(rest):
        value = rest[key]
        if isinstance(value, str) and _ABSOLUTE_URL.match(value.strip()) and \
                str(key).lower() not in _NOT_LINK_KEYS:
            rest.pop(key)  # an unknown key holding a URL is a link of that label, as in BibTeX
            _add_link(pub, _label_of(str(key).lower()), value)


def _list_links(pub: Publication, entries: list[Any], source: str) -> None:
    leftovers = []
    for entry in entries:
        if not isinstance(entry, dict):
            leftovers.append(entry)
            continue
        url = entry.get("url") or entry.get("link") or entry.get("href")
        if not isinstance(url, str) or not url.strip():
            leftovers.append(entry)
            continue
        text = str(entry.get("text") or entry.get("name") or entry.get("label")
                   or entry.get("type") or "").strip().lower()
        label = _label_of(text) if text else ("html" if "html" not in pub.links else "link")
        _add_link(pub, label, url)
    if leftovers:
        pub.extra[source] = leftovers


def _label_of(text: str) -> str:
    words = {"code": "code", "source": "code", "github": "code", "pdf": "pdf", "paper": "html",
             "slides": "slides", "video": "video", "poster": "poster", "website": "website",
             "data": "data", "dataset": "data", "bibtex": "bibtex", "doi": "doi", "arxiv": "arxiv",
             "html": "html", "blog": "blog", "supplement": "supp", "supp": "supp"}
    return words.get(text, slugify(text, 30, "link"))


def _add_link(pub: Publication, label: str, url: str) -> None:
    fixed, _ = repair_url(url)
    candidate, n = label, 2
    while candidate in pub.links and pub.links[candidate] != fixed:
        candidate = f"{label}-{n}"
        n += 1
    pub.links[candidate] = fixed


def _map_flags(pub: Publication, rest: dict[str, Any]) -> None:
    for key in ("selected", "highlight", "featured"):
        if key in rest:
            value = rest.pop(key)
            pub.selected = pub.selected or as_bool(value)
            if not isinstance(value, bool):
                pub.extra[key] = value  # keep '1' vs 1: layouts compare it typed
    if rest.get("award"):
        pub.award = str(rest.pop("award"))
    image = rest.pop("image", None) or rest.pop("img", None)
    if isinstance(image, str):
        pub.image = image
    elif image is not None:
        pub.extra["image"] = image


# --- APA references ------------------------------------------------------------------------

_APA = re.compile(r"^(?P<authors>.+?)\s*\((?P<when>[^()]{1,30})\)\.?\s*(?P<rest>.*)$", re.S)
_INITIALS = re.compile(r"(?:[A-Z][a-z]?\.\s*-?\s*)+|[A-Z]{1,3}")
_APA_NO_YEAR = re.compile(r"^(?P<authors>(?:[^,.&()]+,\s*(?:[A-Z][a-z]?\.\s*-?\s*)+"
                          r"(?:,\s*&?\s*|\s*&\s*)?)+)(?P<rest>[A-Z].*)$", re.S)


def parse_apa(text: str) -> dict[str, Any]:
    """Authors, year, title and venue out of an APA reference string."""
    match = _APA.match(text.strip())
    when = ""
    if match and not re.search(r"\d{4}|press|n\.\s?d|preprint|submitted|forthcoming|review",
                               match.group("when"), re.I):
        match = None
    if match:
        when = match.group("when")
    else:
        match = _APA_NO_YEAR.match(text.strip())
        if not match:
            return {}
    rest = match.group("rest").strip()
    italic = re.search(r"(?<![\w])_(.+?)_(?![\w])|\*(.+?)\*", rest)
    if italic and italic.start() > 0:
        title = rest[:italic.start()].strip().rstrip(".").strip()
        venue = italic.group(1) or italic.group(2)
    else:
        head, _, tail = rest.partition(". ")
        title, venue = head.strip().rstrip("."), tail.strip().rstrip(".") or None
    return {"authors": apa_authors(match.group("authors")), "year": year_of(when),
            "title": title, "venue": clean_text(venue) if venue else None,
            "status": when if when and year_of(when) is None else None}


def apa_authors(text: str) -> list[str]:
    """"Speekenbrink, M., & Visser, I." -> ["M. Speekenbrink", "I. Visser"]."""
    parts = [p.strip() for p in re.split(r",|&|\band\b", text) if p.strip()]
    authors: list[str] = []
    index = 0
    while index < len(parts):
        family = parts[index].strip(" .") if not _INITIALS.fullmatch(parts[index]) else ""
        if index + 1 < len(parts) and _INITIALS.fullmatch(parts[index + 1]) and family:
            authors.append(f"{parts[index + 1].strip()} {family}")
            index += 2
            continue
        if family and family not in ("...", "…"):
            authors.append(family)
        index += 1
    return authors


def _fill_from_apa(pub: Publication, text: str) -> None:
    parsed = parse_apa(text)
    if not parsed:
        return
    if not pub.title and parsed["title"]:
        pub.title = clean_text(parsed["title"])
    if not pub.authors and parsed["authors"]:
        pub.authors = list(parsed["authors"])
        pub.author_names = [_author_name(a) or AuthorName(family=a) for a in parsed["authors"]]
    if parsed["status"]:
        pub.extra.setdefault("status", parsed["status"])
    if pub.year is None and parsed["year"]:
        pub.year = parsed["year"]
        pub.date = pub.date or str(parsed["year"])
    if not pub.venue and parsed["venue"]:
        pub.venue = parsed["venue"]


# --- projects, themes, items ---------------------------------------------------------------

def item_to_project(item: dict[str, Any], project_id: str, origin: Origin) -> Project:
    rest = dict(item)
    title = clean_text(_pop_first(rest, TITLE_KEYS))
    project = Project(id=project_id, title=title, origin=origin)
    description = _pop_first(rest, ("description", "excerpt", "summary", "blurb"))
    project.description = str(description).strip() if description else None
    body = rest.pop("content", None) or rest.pop("body", None)
    project.body = str(body) if body else None
    image = rest.pop("image", None) or rest.pop("img", None)
    project.image = image if isinstance(image, str) else None
    group = rest.pop("group", None) or rest.pop("category", None)
    project.category = str(group) if group is not None else None
    link = rest.pop("link", None) or rest.pop("url", None)
    if isinstance(link, str) and link.strip():
        project.links["website"] = repair_url(link)[0]
    repo = rest.pop("repo", None) or rest.pop("github", None)
    if isinstance(repo, str) and repo.strip():
        project.links["code"] = repo if "://" in repo else f"https://github.com/{repo.strip()}"
    project.extra = {str(k): v for k, v in rest.items() if v is not None}
    return project


def item_to_theme(item: dict[str, Any], theme_id: str, origin: Origin) -> Theme:
    rest = dict(item)
    theme = Theme(id=theme_id, title=clean_text(_pop_first(rest, TITLE_KEYS)), origin=origin)
    blurb = rest.pop("blurb", None) or rest.pop("summary", None)
    theme.summary = str(blurb).strip() if blurb else None
    body = rest.pop("description", None) or rest.pop("content", None)
    theme.body = str(body).strip() if body else None
    theme.extra = {str(k): v for k, v in rest.items() if v is not None}
    return theme


def item_to_item(collection: str, item: Any, item_id: str, origin: Origin) -> Item:
    if not isinstance(item, dict):
        return Item(collection, item_id, title=clean_text(item) or None, origin=origin)
    rest = dict(item)
    title = _pop_first(rest, TITLE_KEYS)
    date = rest.pop("date", None)
    body = rest.pop("content", None) or rest.pop("body", None)
    entry = Item(collection, item_id, title=clean_text(title) or None,
                 date=normalize_date(date) if date is not None else None,
                 body=str(body) if body else "", origin=origin)
    if date is not None and entry.date is None:
        entry.extra["date"] = date
    entry.extra.update({str(k): v for k, v in rest.items() if v is not None})
    return entry


# --- hand-written Markdown reference lists -------------------------------------------------

_MD_REF = re.compile(
    r"^(?P<authors>.*?)\*\*\s*[\"“](?P<title>.+?)[\"”]\s*\*\*\s*,?\s*(?P<rest>.*)$", re.S)
_MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")


def markdown_references(body: str, body_line: int) -> tuple[list[dict[str, Any]], list[int]]:
    """Paragraphs ``Authors; **"Title"**, Venue, Month Year`` (+ a link paragraph).

    Returns the parsed references (with their line) and the lines of paragraphs that look
    like references but could not be parsed.
    """
    refs: list[dict[str, Any]] = []
    unparsed: list[int] = []
    line = body_line
    for block in re.split(r"\n\s*\n", body):
        start = line + len(block) - len(block.lstrip("\n"))
        line += block.count("\n") + 2
        text = block.strip()
        if not text or text.startswith(("#", "---", "{%", "<")):
            continue
        match = _MD_REF.match(text)
        if match:
            refs.append(_markdown_reference(match, start))
            continue
        link = _MD_LINK.fullmatch(text)
        if link and refs and "url" not in refs[-1]:
            refs[-1]["url"], refs[-1]["link_text"] = link.group("url"), link.group("text")
        elif re.search(r"\b(19|20)\d{2}\b", text) and text.count(",") >= 2:
            unparsed.append(start)
    return refs, unparsed


def _markdown_reference(match: re.Match[str], line: int) -> dict[str, Any]:
    authors = [a.strip() for a in match.group("authors").split(";")]
    authors = [clean_text(a).replace("\\*", "*") for a in authors if clean_text(a)]
    rest = match.group("rest").strip().rstrip(".")
    parts = [p.strip() for p in rest.split(",") if p.strip()]
    date_text = parts[-1] if parts and year_of(parts[-1]) else ""
    venue = ", ".join(parts[:-1] if date_text else parts)
    return {"title": clean_text(match.group("title")), "authors": authors,
            "venue": clean_text(venue) or None, "date_text": date_text,
            "year": year_of(date_text), "line": line}
