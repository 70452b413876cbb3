"""Page URLs the source's Jekyll gave implicitly, made explicit so every target keeps them."""

from __future__ import annotations

from typing import Any

from ..model import Model

#: files Jekyll serves at ``/`` when they sit at the site root without a permalink
ROOT_INDEX_FILES = frozenset({"index.md", "index.markdown", "index.html", "index.htm"})
#: permalinks that are the home page under another spelling
HOME_SPELLINGS = frozenset({"/index/", "/index.html", "/index", "index.html"})


def home_at_root(model: Model) -> None:
    """A root ``index.md`` without a permalink is the home page: its permalink becomes ``/``
    (a writer would otherwise give it ``/index/`` and leave nothing at ``/``)."""
    if any(page.permalink == "/" for page in model.pages):
        return
    for page in model.pages:
        origin = page.origin
        at_root = origin is not None and origin.file in ROOT_INDEX_FILES
        if (at_root and not page.permalink) or page.permalink in HOME_SPELLINGS:
            page.permalink = "/"
            return


#: source kinds that are Jekyll sites, whose pages had the URLs Jekyll gives
JEKYLL_SITES = frozenset({"academicpages", "al-folio", "allanlab", "custom"})
#: page files Jekyll renders (others are copied as they are)
PAGE_SUFFIXES = frozenset({"md", "markdown", "html", "htm"})


def source_urls(model: Model) -> None:
    """A page outside ``_`` folders without a permalink was served where Jekyll puts it
    (``/research/`` for ``research/index.md``; ``/publications.html``, or
    ``/publications/`` with ``permalink: pretty``): say so, since a writer moving it into
    ``_pages/`` would otherwise give it another URL (or ``/_pages/…``) and break its links."""
    if model.source.kind not in JEKYLL_SITES:  # a page alone, a .bib: no Jekyll URLs
        return
    pretty = _permalink_style(model) == "pretty"
    for page in model.pages:
        origin = page.origin
        if page.permalink or origin is None or origin.file.startswith("_"):
            continue
        folder, _, name = origin.file.rpartition("/")
        stem, _, suffix = name.rpartition(".")
        if not stem or suffix.lower() not in PAGE_SUFFIXES or "/_" in f"/{folder}":
            continue
        base = f"/{folder}/" if folder else "/"
        if stem == "index":
            page.permalink = base
        else:
            page.permalink = f"{base}{stem}/" if pretty else f"{base}{stem}.html"


def _permalink_style(model: Model) -> Any:
    extra = model.site.extra
    config = extra.get("config")
    if isinstance(config, dict) and "permalink" in config:
        return config["permalink"]
    return extra.get("permalink")
