"""Text that was inert in the source stays inert in the target.

A BibTeX abstract, a TSV cell, a front-matter value, a data-file field or a page without
front matter is never run by Liquid in its source site.  Writers place such values in
bodies (which Jekyll renders with Liquid, then kramdown), in front matter that layouts print
with ``markdownify`` and in data files printed unescaped, so before any writer sees the
model every value that did not come from a Liquid-rendered body is made inert:

* Liquid and kramdown openers (``{{``, ``{%`` and its dash form ``{%-``, ``{:`` attribute
  lists and ``{::`` extensions) get their ``{`` written as the entity ``&#123;``: Liquid
  does not see a tag, the HTML shows ``{``;
* HTML other than a short list of harmless inline tags (without attributes, or ``<a href>``
  and ``<img src>`` with a safe URL) gets its ``<`` written as ``&lt;``, so ``<script>``,
  event handlers and ``<iframe>`` show as text; a double quote is written ``&quot;`` (and a
  single quote that would open another attribute ``&#39;``): layouts print titles inside
  attributes (``<meta content="{{ page.title }}">``) without escaping them;
* Markdown links and every URL field whose scheme is not http(s), mailto or relative are
  dropped (SM507); braces in kept URLs are percent-encoded.

Whether a body came from a Liquid-rendered page is decided by ``rendered``: only the body
fields of records read from a page file (``.md``/``.markdown``/``.html``) of a Jekyll site
qualify; everything else is escaped.  The escaping is idempotent (``&#123;`` and ``&lt;``
hold no opener), so planning twice from one model changes nothing more.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ..converters import kind_fact
from ..diagnostics import MARKUP_ESCAPED, UNSAFE_URL, Diagnostics
from ..model import Item, Model, Page, Project, Publication, Site, Theme

#: source kinds whose page bodies Jekyll runs through Liquid
SITE_KINDS = frozenset({"academicpages", "al-folio", "allanlab", "custom"})
PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
#: the body field of each record type, the only field that can hold rendered Liquid
BODY_FIELD: dict[type, str] = {Publication: "abstract", Project: "body", Page: "body",
                               Item: "body", Theme: "body"}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

_SUSPECT = re.compile(r"[{<\"=]|\]\s*[(:]")
#: a quote that would end an HTML attribute and start another (``x' onmouseover='…``);
#: double quotes are always escaped (themes print titles inside ``content="…"``)
_QUOTE = re.compile(r"<[^<>]*>|\"|'(?=[\s/]*(?:[\w:.-]+[\s/]+)*[\w:.-]+\s*=)")
_OPENER = re.compile(r"\{(?=[{%:]|$)")
_ANGLE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[^<>]*?)?)\s*/?>|<(?=[A-Za-z/!?])")
_ATTR = re.compile(r"""\s*([A-Za-z-]+)\s*=\s*(?:"([^"<>`]*)"|'([^'<>`]*)')""")
_MD_LINK = re.compile(r"(\]\(\s*<?)((?:[^()\s>]|\([^()\s]*\))*)")
_MD_REF = re.compile(r"^(\s{0,3}\[[^\]\n]+\]:\s*<?)(\S+?)(?=>?(?:\s|$))", re.M)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
#: tags kept as they are when they carry no attribute
PLAIN_TAGS = frozenset({
    "b", "i", "em", "strong", "sup", "sub", "u", "br", "small", "s", "del", "ins", "mark",
    "code", "span", "abbr", "p", "hr", "cite", "q", "tt", "strike", "big", "ul", "ol", "li",
    "dl", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "var",
    "samp", "wbr"})
#: tags kept with these attributes (their URL attribute checked)
ATTR_TAGS: dict[str, tuple[frozenset[str], str]] = {
    "a": (frozenset({"href", "title", "target", "rel"}), "href"),
    "img": (frozenset({"src", "alt", "title", "width", "height"}), "src"),
}
#: ``extra`` keys that are structure, not text (left alone)
STRUCTURAL_KEYS = frozenset({"layout", "permalink", "collection", "date", "redirect_from",
                             "redirect_to", "category", "categories", "tags", "type", "nav",
                             "nav_order", "published", "sitemap", "author_profile",
                             "bibtex_field_names"})
#: ``extra`` keys holding raw LaTeX (kept for a byte-identical BibTeX rewrite) or the
#: record of a merge (written as JSON): braces and quotes are syntax there, so only HTML and
#: unsafe links are escaped (layouts never print these keys; Liquid never runs on them)
RAW_KEYS = frozenset({"bibtex_raw_fields", "conflicts", "variants"})
_URL_KEY = re.compile(r"(url|link|href|src|image|avatar|pdf|website|teaser)$", re.I)
#: the signs ``_Escaper.text`` looks for first: text without any of them is inert as it is
_TEXT_SIGNS = re.compile(r'[{<"=\]]')
#: how ``_Escaper.any`` treats a key's value: as it is, as raw LaTeX, or as text
_KEPT, _RAW, _TEXT = "kept", "raw", "text"


@lru_cache(maxsize=4096)  # extras of 10,000 records share a few dozen keys
def _names_url(key: str) -> bool:
    return _URL_KEY.search(key) is not None


@lru_cache(maxsize=4096, typed=True)  # typed: the key 1 is "1", the key True is "True"
def _extra_key(key: Any) -> tuple[str, str]:
    name = str(key)
    if name in STRUCTURAL_KEYS or name.startswith("sitemigrate_"):
        return name, _KEPT
    return name, _RAW if name in RAW_KEYS else _TEXT


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (entities decoded, controls removed)."""
    cleaned = _CONTROL.sub("", html.unescape(url))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs (no scheme)."""
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


def _quote_entity(match: re.Match[str]) -> str:
    found = match.group(0)
    if found.startswith("<"):
        return found  # a harmless tag kept (every other ``<`` is ``&lt;`` by now)
    return "&quot;" if found == '"' else "&#39;"


def _url_text(url: str) -> str:
    return url.replace("{", "%7B").replace("}", "%7D") if "{" in url or "}" in url else url


class _Escaper:
    def __init__(self, diagnostics: Diagnostics) -> None:
        self.diagnostics = diagnostics
        self.where: tuple[str | None, int | None] = (None, None)
        self.field = ""
        self._clean: set[str] = set()

    # -- values ----------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """``value`` as inert text (Liquid, kramdown and HTML openers escaped)."""
        if "{" not in value and "<" not in value and '"' not in value and "=" not in value \
                and "]" not in value:  # _TEXT_SIGNS, tested faster than by the pattern
            return value  # the common case, without a regex
        if value in self._clean or not _SUSPECT.search(value):
            return value
        out = _MD_LINK.sub(self._md_link, value)
        out = _MD_REF.sub(self._md_link, out)
        out = _OPENER.sub("&#123;", out)
        out = _ANGLE.sub(self._tag, out)
        if out != value:
            self.diagnostics.report(
                MARKUP_ESCAPED, f"{self.field}: Liquid or HTML written as text", *self.where
            )
        if '"' in out or "'" in out:
            out = _QUOTE.sub(_quote_entity, out)
        if out == value:
            self._clean.add(value)  # venues, names and citations repeat across records
        return out

    def url(self, value: str) -> str | None:
        """``value`` when its scheme is safe (braces percent-encoded), else ``None`` + SM507."""
        if not safe_url(value):
            self.diagnostics.report(
                UNSAFE_URL,
                f"{self.field}: {url_scheme(value)}: URL dropped ({value[:80]!r})",
                *self.where,
            )
            return None
        return _url_text(value)

    def _md_link(self, match: re.Match[str]) -> str:
        url = match.group(2)
        if safe_url(url):
            return match.group(0)
        self.url(url)  # reports it
        return match.group(1) + "#"

    def _tag(self, match: re.Match[str]) -> str:
        """A harmless tag as it is; any other ``<`` opening markup as ``&lt;``."""
        if match.group(2) is not None:
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name in PLAIN_TAGS and (closing or not attrs.strip()):
                return match.group(0)
            if name in ATTR_TAGS and (closing or self._attrs_ok(attrs, *ATTR_TAGS[name])):
                return match.group(0)
        return "&lt;" + match.group(0)[1:]

    def _attrs_ok(self, attrs: str, allowed: frozenset[str], url_attr: str) -> bool:
        position = 0
        for match in _ATTR.finditer(attrs):
            if match.start() != position:
                return False
            position = match.end()
            name = match.group(1).lower()
            value = match.group(2) if match.group(2) is not None else match.group(3)
            if name not in allowed or "{" in value:
                return False
            if name == url_attr and not safe_url(value):
                self.url(value)
                return False
        return attrs[position:].strip() == ""

    # -- containers ------------------------------------------------------------------------

    def any(self, value: Any, key: str = "", latex: bool = False) -> Any:
        """Strings in ``value`` escaped (URL-like keys as URLs), recursively."""
        if isinstance(value, str):
            if latex:
                if "](" in value:
                    value = _MD_LINK.sub(self._md_link, value)
                return _ANGLE.sub(self._tag, value) if "<" in value else value
            if _names_url(key) and not any(c.isspace() for c in value.strip()):
                kept = self.url(value)
                return "" if kept is None else kept
            return self.text(value)
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                name, kind = _extra_key(k)
                out[k] = v if kind is _KEPT else self.any(v, name, latex or kind is _RAW)
            return out
        if isinstance(value, list):
            return [self.any(v, key, latex) for v in value]
        return value

    def fields(self, record: Any, names: tuple[str, ...]) -> None:
        for name in names:
            value = getattr(record, name)
            if isinstance(value, str):
                self.field = name
                setattr(record, name, self.text(value))
            elif isinstance(value, list) and value and isinstance(value[0], str):
                self.field = name
                if _all_plain(value):
                    setattr(record, name, list(value))
                    continue
                setattr(record, name, [self.text(v) if isinstance(v, str) else v
                                       for v in value])

    def liquid_only(self, record: Any, name: str) -> None:
        """Escape only the Liquid and kramdown openers of a body whose HTML is meant."""
        value = getattr(record, name)
        if isinstance(value, str) and "{" in value:
            out = _OPENER.sub("&#123;", value)
            if out != value:
                self.field = name
                self.diagnostics.report(MARKUP_ESCAPED, f"{name}: Liquid written as text",
                                        *self.where)
                setattr(record, name, out)

    def urls(self, record: Any, names: tuple[str, ...]) -> None:
        for name in names:
            value = getattr(record, name)
            if isinstance(value, str) and value:
                self.field = name
                setattr(record, name, self.url(value))

    def links(self, links: dict[str, str]) -> None:
        for label in list(links):
            value = links[label]
            if not isinstance(value, str):
                continue
            self.field = f"links.{label}"
            kept = self.url(value)
            if kept is None:
                del links[label]
            else:
                links[label] = kept

    def extra(self, record: Any) -> None:
        if record.extra:
            self.field = "extra"
            record.extra = self.any(record.extra)


def _all_plain(values: list[Any]) -> bool:
    """True when every value is a string ``_Escaper.text`` returns as it is at its first
    test (a name list of 20 authors: one search instead of 20 calls)."""
    try:
        return _TEXT_SIGNS.search("\x00".join(values)) is None
    except TypeError:  # not all strings
        return False


def inert_text(value: str) -> str:
    """``value`` as inert text, for text a writer derives after ``make_inert`` ran (a plain-
    text excerpt decodes the entities it escaped)."""
    return _Escaper(Diagnostics()).text(value)


def rendered(model: Model, record: Any) -> bool:
    """True when ``record``'s body field was read from a page Jekyll renders with Liquid."""
    if model.source.kind not in SITE_KINDS or record.origin is None:
        return False
    if model.source.kind == "custom" and isinstance(record, Publication):
        return False  # custom publications take their abstract from front matter or data
    return record.origin.file.lower().endswith(PAGE_SUFFIXES)


def html_rendered(model: Model, record: Any) -> bool:
    """True when ``record``'s body is Markdown whose raw HTML the source rendered but that no
    Liquid ran over (``body_html`` of the source kind's converters file: Hugo Blox renders
    HTML in content, Hugo runs no Liquid).  A publication's abstract is front matter there,
    so it stays inert."""
    if isinstance(record, Publication) or record.origin is None or \
            not record.origin.file.lower().endswith(PAGE_SUFFIXES):
        return False
    return kind_fact(model.source.kind, "body_html") is True


def make_inert(model: Model, diagnostics: Diagnostics) -> None:
    """Escape every value of ``model`` that was inert in its source (in place, idempotent)."""
    esc = _Escaper(diagnostics)

    def visit(record: Any, texts: tuple[str, ...], urls: tuple[str, ...] = (),
              more: Callable[[], None] | None = None) -> None:
        origin = record.origin
        esc.where = (origin.file, origin.line) if origin is not None else (None, None)
        body = BODY_FIELD.get(type(record))
        if body is not None and not rendered(model, record):
            if html_rendered(model, record):
                esc.liquid_only(record, body)
            else:
                texts = (*texts, body)
        esc.fields(record, texts)
        esc.urls(record, urls)
        if hasattr(record, "links"):
            esc.links(record.links)
        esc.extra(record)
        if more is not None:
            more()

    site: Site = model.site
    visit(site, ("title", "name", "role", "affiliation", "location", "description"),
          ("avatar", "url"), lambda: _site_more(esc, site))
    for pub in model.publications:
        visit(pub, ("title", "authors", "venue", "award", "citation"), ("image",),
              lambda pub=pub: _publication_more(esc, pub))  # type: ignore[misc]
    for project in model.projects:
        visit(project, ("title", "description", "category"), ("image",))
    for theme in model.all_themes():
        visit(theme, ("title", "summary"))
    for page in model.pages:
        visit(page, ("title",))
    for item in model.items:
        visit(item, ("title",))


def _site_more(esc: _Escaper, site: Site) -> None:
    esc.field = "socials"
    for network, handle in list(site.socials.items()):
        if isinstance(handle, str) and url_scheme(handle) is not None:
            kept = esc.url(handle)
            if kept is None:
                del site.socials[network]
            else:
                site.socials[network] = kept
        elif isinstance(handle, str):
            site.socials[network] = esc.text(handle)
    esc.field = "navigation"
    kept_nav = []
    for entry in site.navigation:
        url = entry.get("url")
        if isinstance(url, str) and url and esc.url(url) is None:
            continue
        kept_nav.append({k: esc.text(v) if k == "title" and isinstance(v, str)
                         else (_url_text(v) if isinstance(v, str) else v)
                         for k, v in entry.items()})
    site.navigation = kept_nav


def _publication_more(esc: _Escaper, pub: Publication) -> None:
    esc.field = "identifiers"
    for key, value in list(pub.identifiers.items()):
        if isinstance(value, str):
            pub.identifiers[key] = esc.text(value)
    esc.field = "authors"
    names = pub.author_names
    if _all_plain([part for name in names for part in (name.family, name.given or "",
                                                       name.suffix or "")]):
        return  # every name part is inert as it is
    for name in names:
        name.family = esc.text(name.family)
        if name.given:
            name.given = esc.text(name.given)
        if name.suffix:
            name.suffix = esc.text(name.suffix)
