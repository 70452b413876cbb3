"""Page URLs the source's Jekyll gave implicitly, made explicit so every target keeps them."""

from __future__ import annotations

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
