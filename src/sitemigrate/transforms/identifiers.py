"""Persistent identifiers found in a publication's fields and links, normalized.

``identifiers`` keys: ``doi`` (lowercase, no resolver prefix), ``arxiv`` (no version),
``openreview``, ``github`` (``owner/repo``), ``pmid``.  The first value found wins, in
the order: existing identifiers, explicit fields, links, free text; links are never
changed, so nothing the reader found is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, unquote

from ..common.urls import split_url
from ..diagnostics import Diagnostics
from ..model import Model, Publication

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>{}]+)", re.I)
#: BibTeX escapes kept in a DOI: "10.1364/cleo\\_si.2019" is "10.1364/cleo_si.2019"
_LATEX_ESCAPE = re.compile(r"\\([_%&#$])")
_DOI_PREFIXES = re.compile(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi\s*:\s*)+", re.I)
_DOI_TAIL = re.compile(r"[.,;:)\]]+$")
_PATH_DOI = re.compile(r"/(10\.\d{4,9}/.+)$")
_PATH_TAIL = re.compile(r"(?:/(?:pdf|epdf|full|abstract|meta|summary|fulltext|html)|"
                        r"\.(?:pdf|full|abstract|short|long)|v\d+)+$", re.I)
_PREPRINT_VERSION = re.compile(r"(10\.1101/[\d.]+)v\d+$", re.I)
_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(r"\b([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+?)/?$", re.I)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html|format)/([^?#\s]+?)(?:\.pdf)?/?$", re.I)
_ARXIV_TEXT = re.compile(r"arxiv\s*[:/]?\s*((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7}))",
                         re.I)
_PMID_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})",
                       re.I)
_VERSION = re.compile(r"v\d+$")
_GITHUB_URL = re.compile(r"github\.com/|img\.shields\.io/github/", re.I)
_DOI_TEXT = re.compile(r"(?:doi\.org/|\bdoi\s*:\s*)(10\.\d{4,9}/\S+)", re.I)
_GITHUB_RESERVED = {"orgs", "sponsors", "topics", "features", "about", "marketplace", "settings",
                    "login", "join", "search", "collections", "explore", "apps", "users"}
_FIELD_NAMES = {
    "doi": ("doi",),
    "arxiv": ("arxiv", "arxivid", "arxiv_id", "eprint"),
    "pmid": ("pmid", "pubmed"),
    "openreview": ("openreview",),
    "github": ("github", "github_repo", "repo", "github_stars"),
}


def mentions(text: str, word: str) -> bool:
    """False only when ``text`` cannot hold ``word`` (lowercase ASCII) under ``re.I``: a cheap
    test before a case-insensitive search.  Besides the ASCII letters, ``re.I`` matches
    "İ"/"ı" to i and "ſ" to s, which ``lower()`` does not turn into them."""
    return word in text.lower() or "\u0130" in text or "\u0131" in text or "\u017f" in text


def normalize_doi(value: Any) -> str | None:
    """``10.1145/3366423.3380130`` from a bare DOI, ``doi:`` text or any URL embedding one."""
    if value is None:
        return None
    raw = str(value)
    if "10." not in raw and raw.isascii() and "nature.com" not in raw.lower() and \
            not any(ch in raw for ch in "%\t\r\n[]"):
        # Every DOI holds "10."; only a nature.com path, percent-escapes or the tabs and
        # newlines urlsplit drops can make one appear (and urlsplit refuses only "[]").
        return None
    plain = _PLAIN_DOI_LINK.fullmatch(raw)
    if plain:  # the usual link: what _normalize_doi finds is its whole path
        return _as_doi(plain.group(1))
    return _normalize_doi(raw)


#: ``https://doi.org/<DOI>`` with nothing urlsplit, unquoting or the DOI pattern would act on
_PLAIN_DOI_LINK = re.compile(r"https://doi\.org/(10\.\d{4,9}/[A-Za-z0-9_.()/:;+~-]+)")


def _normalize_doi(raw: str) -> str | None:
    text = _LATEX_ESCAPE.sub(r"\1", unquote(raw.strip()))
    if text[:4].lower() == "doi." or text[:3].lower() == "dx.":
        text = "https://" + text  # "doi.org/10.1038/…", "dx.doi.org/10.1038/…"
    if not text:
        return None
    parts = split_url(text) if "://" in text else None
    if parts and parts.netloc:
        host = parts.netloc.lower()
        path = parts.path
        if host.endswith("doi.org"):
            # "https://doi.org/doi.org/10.…": a site's doi.org/ prefix under a built link
            candidate = _DOI_PREFIXES.sub("", path.lstrip("/"))
        elif host.endswith("nature.com") and path.startswith("/articles/"):
            candidate = "10.1038/" + path.removeprefix("/articles/").split("/")[0]
            candidate = candidate.removesuffix(".pdf")
        else:
            # Publishers embed the DOI as the rest of the path: /doi/abs/10.1145/…,
            # link.springer.com/article/10.1007/…, biorxiv.org/content/10.1101/…v2.full.pdf
            match = _PATH_DOI.search(path)
            if not match:
                return None
            candidate = _PATH_TAIL.sub("", match.group(1))
        match = _DOI.match(candidate)
    else:
        match = _DOI.search(text)
    if not match:
        return None
    return _as_doi(match.group(1))


def _as_doi(found: str) -> str:
    """A DOI as found in text, without trailing punctuation, a preprint's version or case."""
    doi = _DOI_TAIL.sub("", found)
    doi = _PREPRINT_VERSION.sub(r"\1", doi)
    return doi.lower()


def normalize_arxiv(value: Any, *, bare: bool = True) -> str | None:
    """An arXiv id without version from ``2301.01530v2``, ``hep-th/9901001``, a URL or text."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if not bare and not mentions(text, "arxiv"):
        return None  # both patterns below need the word
    datacite = _ARXIV_DOI.search(text)
    if datacite:  # arXiv's own DOI: 10.48550/arXiv.2301.01530
        return _bare_arxiv(datacite.group(1))
    url = _ARXIV_URL.search(text.split("#")[0].split("?")[0])
    if url:
        return _bare_arxiv(url.group(1))
    tagged = _ARXIV_TEXT.search(text)
    if tagged:
        return _bare_arxiv(tagged.group(1))
    if bare and "://" not in text:
        return _bare_arxiv(text)
    return None


def _bare_arxiv(text: str) -> str | None:
    text = text.strip().removeprefix("arXiv:").removeprefix("arxiv:").strip("/ ")
    new = _ARXIV_NEW.fullmatch(text) or _ARXIV_NEW.fullmatch(_VERSION.sub("", text))
    if new:
        return new.group(1)
    old = _ARXIV_OLD.fullmatch(_VERSION.sub("", text))
    return old.group(1) if old else None


def normalize_pmid(value: Any) -> str | None:
    """A PubMed id (digits only); ``NaN``, ``None`` and empty values are not ids."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return str(int(value)) if value == value and value > 0 else None
    text = str(value).strip()
    url = _PMID_URL.search(text)
    if url:
        return url.group(1)
    text = re.sub(r"^pmid\s*:?\s*", "", text, flags=re.I)
    return text if text.isdigit() and int(text) > 0 else None


def normalize_openreview(value: Any) -> str | None:
    """The ``id`` of an OpenReview forum/pdf URL, or a bare id."""
    if value is None:
        return None
    text = str(value).strip()
    if "openreview.net" in text.lower():
        parts = split_url(text)
        ids = parse_qs(parts.query).get("id") if parts else None
        return ids[0] if ids and re.fullmatch(r"[\w-]{5,}", ids[0]) else None
    return text if re.fullmatch(r"[A-Za-z0-9_-]{8,}", text) else None


def normalize_github(value: Any) -> str | None:
    """``owner/repo`` from a GitHub URL, a shields.io star badge, or ``owner/repo`` text."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if "://" not in text and not text.startswith(("github.com", "img.shields.io")):
        match = re.fullmatch(r"([\w.-]+)/([\w.-]+)", text)
        return _repo(match.group(1), match.group(2)) if match else None
    parts = split_url(text if "://" in text else "https://" + text)
    if parts is None:
        return None
    host = parts.netloc.lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "github.com" and len(segments) >= 2:
        return _repo(segments[0], segments[1])
    if host == "img.shields.io" and len(segments) >= 4 and segments[0] == "github":
        return _repo(segments[2], segments[3])
    return None


def _repo(owner: str, name: str) -> str | None:
    name = name.removesuffix(".git")
    if owner.lower() in _GITHUB_RESERVED or not name or name.startswith("."):
        return None
    return f"{owner}/{name}"


_NORMALIZERS = {
    "doi": normalize_doi,
    "arxiv": normalize_arxiv,
    "pmid": normalize_pmid,
    "openreview": normalize_openreview,
    "github": normalize_github,
}


#: the link label read first (and leniently) for an identifier kind
_PREFERRED_LABEL = {"github": "code", "doi": "doi", "arxiv": "arxiv"}
#: every field name that can hold an identifier (``_field_candidates`` reads only these)
_ID_FIELDS = frozenset(name for names in _FIELD_NAMES.values() for name in names)
#: an ASCII link holding none of these (lower-cased) gives ``_from_url`` nothing of any kind
_ID_HINTS = ("arxiv", "openreview.net", "ncbi.nlm.nih.gov", "github", "10.", "nature.com",
             "%", "\t", "\r", "\n", "[", "]")


def _may_hold_id(url: str) -> bool:
    """False only when ``_from_url(kind, url)`` is ``None`` for every kind, without raising
    (see the checks there and in the normalizers: each needs one of ``_ID_HINTS``)."""
    if not url.isascii():
        return True
    lowered = url.lower()
    return any(hint in lowered for hint in _ID_HINTS)


def _from_url(kind: str, url: str) -> str | None:
    """An identifier of ``kind`` in a link; stricter than field values (no bare ids)."""
    if kind == "arxiv":
        return normalize_arxiv(url, bare=False)
    if kind == "openreview":
        return normalize_openreview(url) if "openreview.net" in url.lower() else None
    if kind == "pmid":
        if not mentions(url, "ncbi.nlm.nih.gov"):
            return None  # the pattern's two forms both hold it
        match = _PMID_URL.search(url)
        return match.group(1) if match else None
    if kind == "doi" and "://" not in url and not url.lower().startswith("doi:"):
        return None
    if kind == "github" and not (mentions(url, "github") and _GITHUB_URL.search(url)):
        return None  # a relative "files/paper.pdf" is not owner/repo
    return _NORMALIZERS[kind](url)


def _extra_value(lowered: dict[str, Any], names: Iterable[str]) -> list[Any]:
    return [lowered[n] for n in names if lowered.get(n) not in (None, "")]


def _field_candidates(lowered: dict[str, Any], kind: str) -> list[Any]:
    """Values of the fields named after ``kind``; ``lowered`` is ``extra`` with lower-case
    keys."""
    values: list[Any] = []
    if kind == "arxiv":
        prefix = lowered.get("archiveprefix")
        for value in _extra_value(lowered, _FIELD_NAMES["arxiv"]):
            eprint_ok = prefix is None or str(prefix).strip("{} ").lower() == "arxiv"
            if eprint_ok or normalize_arxiv(value, bare=False):
                values.append(value)
        return values
    return _extra_value(lowered, _FIELD_NAMES[kind])


def _link_candidates(pub: Publication, kind: str) -> list[tuple[str, bool]]:
    """(url, lenient) pairs: the link labelled after the identifier first (code for GitHub),
    read leniently since sites put bare ids there (al-folio ``arxiv={2301.01530}``)."""
    preferred = _PREFERRED_LABEL.get(kind)
    first = [(str(pub.links[preferred]), True)] if preferred and pub.links.get(preferred) else []
    rest = [(str(url), False) for label, url in pub.links.items()
            if label != preferred and url]
    return first + rest


def _from_links(pub: Publication, kind: str, hopeful: list[tuple[str, str]]) -> str | None:
    """The first identifier of ``kind`` in ``_link_candidates(pub, kind)``; ``hopeful`` is
    the (label, url) links that pass ``_may_hold_id`` (the others give ``None``)."""
    preferred = _PREFERRED_LABEL.get(kind)
    if preferred and (url := pub.links.get(preferred)) and \
            (found := _NORMALIZERS[kind](str(url))):
        return found
    for label, url in hopeful:
        if label != preferred and (found := _from_url(kind, url)):
            return found
    return None


def text_may_name_ids(text: str) -> bool:
    """False when ``find_identifiers`` finds nothing in ``text`` as a venue or citation:
    both of its patterns need the word arXiv or a "10." (a DOI)."""
    return mentions(text, "arxiv") or "10." in text


def _from_text(pub: Publication) -> dict[str, str]:
    """arXiv ids and DOIs written into the venue or citation ("arXiv:2301.01530")."""
    found: dict[str, str] = {}
    for text in (pub.venue, pub.citation):
        if not text or not text_may_name_ids(text):
            continue
        tagged = _ARXIV_TEXT.search(text) if mentions(text, "arxiv") else None
        if tagged and "arxiv" not in found and (arxiv := _bare_arxiv(tagged.group(1))):
            found["arxiv"] = arxiv
        doi_text = _DOI_TEXT.search(text) if "10." in text else None
        if doi_text and "doi" not in found and (doi := normalize_doi(doi_text.group(1))):
            found["doi"] = doi
    return found


def find_identifiers(pub: Publication) -> dict[str, str]:
    """Every identifier of ``pub`` the rules can see, existing values normalized first."""
    found: dict[str, str] = {}
    for key, value in pub.identifiers.items():
        normalizer = _NORMALIZERS.get(key)
        normalized = normalizer(value) if normalizer else None
        found[key] = normalized or str(value)
    lowered = {str(k).lower(): v for k, v in pub.extra.items()}
    fields = not _ID_FIELDS.isdisjoint(lowered)
    hopeful = [(label, text) for label, url in pub.links.items()
               if url and _may_hold_id(text := str(url))]
    for kind, normalizer in _NORMALIZERS.items():
        if kind in found:
            continue
        for candidate in _field_candidates(lowered, kind) if fields else ():
            if normalized := normalizer(candidate):
                found[kind] = normalized
                break
        else:
            if normalized := _from_links(pub, kind, hopeful):
                found[kind] = normalized
    for kind, value in _from_text(pub).items():
        found.setdefault(kind, value)
    return found


#: identifier kinds whose value must be an id of that kind (else it is no such id)
_STRICT = ("doi", "arxiv", "pmid")
_DOI_LINK = re.compile(r"^https://doi\.org/10\.[^\s\\]+$")
_DOI_SPELLING = re.compile(r"^(?:https?://)?(?:(?:dx\.)?doi\.org/|doi\s*:\s*)|^10\.", re.I)
_ARXIV_SPELLING = re.compile(
    r"^(?:https?://)?(?:www\.)?arxiv\.org/abs/arxiv:|^arxiv\s*:|^\d{4}\.\d", re.I)


def _doi_as_written(text: str) -> str | None:
    """The DOI in a doi spelling, case kept (DOIs ignore case; a written link keeps it)."""
    match = _DOI.search(_LATEX_ESCAPE.sub(r"\1", unquote(text.strip())))
    return _DOI_TAIL.sub("", match.group(1)) if match else None


def canonical_links(pub: Publication) -> None:
    """One link per identifier, in one form: ``doi.org/10.…``, ``dx.doi.org/…``, ``doi:10.…``
    or a bare ``10.…`` under the ``doi`` label become ``https://doi.org/10.…``; a bare or
    ``arXiv:``-prefixed arXiv id under ``arxiv`` becomes ``https://arxiv.org/abs/<id>``; a
    bare PubMed id under ``pmid``/``pubmed`` its PubMed page.  Other links stay as written."""
    doi_link = pub.links.get("doi")
    if doi_link and not _DOI_LINK.match(str(doi_link)) and _DOI_SPELLING.match(str(doi_link)) \
            and (doi := _doi_as_written(str(doi_link))):
        pub.links["doi"] = f"https://doi.org/{doi}"
    arxiv_link = pub.links.get("arxiv")
    if arxiv_link and _ARXIV_SPELLING.match(str(arxiv_link).strip()) and \
            (arxiv := normalize_arxiv(arxiv_link)):
        pub.links["arxiv"] = f"https://arxiv.org/abs/{arxiv}"
    for label in ("pmid", "pubmed"):
        value = pub.links.get(label)
        if value and "://" not in str(value) and (pmid := normalize_pmid(value)):
            pub.links[label] = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def _settle_identifiers(pub: Publication, found: dict[str, str]) -> None:
    """A doi/arxiv/pmid value that is no such id (a PsyArXiv URL under ``arxiv``) leaves
    ``identifiers``: a URL becomes a link of that label unless some link holds it already,
    other text stays in ``extra`` as ``<kind>_value``; nothing is lost."""
    for kind in _STRICT:
        value = found.get(kind)
        if value is None or _NORMALIZERS[kind](value):
            continue
        del found[kind]
        if "://" in value:
            if value not in pub.links.values():
                label, n = kind, 2
                while label in pub.links:
                    label, n = f"{kind}_{n}", n + 1
                pub.links[label] = value
        else:
            pub.extra.setdefault(f"{kind}_value", value)


def extract_identifiers(model: Model, diagnostics: Diagnostics) -> None:
    """Fill ``identifiers`` on every publication and give each its canonical links
    (idempotent)."""
    for pub in model.publications:
        canonical_links(pub)
        found = find_identifiers(pub)
        _settle_identifiers(pub, found)
        pub.identifiers = found
