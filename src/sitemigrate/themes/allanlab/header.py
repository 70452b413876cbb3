"""The Allan lab template has no navigation data: ``_includes/header.html`` lists the lab's
pages in its HTML.  When that file is at hand (``--onto`` a checkout, or an output folder that
holds one), its list is rewritten from the site's own navigation, each entry at the URL the
page has after the migration and only if the migrated site serves it, so the header neither
links a page the site does not have nor misses one the source listed."""

from __future__ import annotations

import html
import re

from ...common.links import PermalinkMap
from ...common.urls import url_key
from ...fileset import FileSet
from ...model import Model
from ...parsing.front_matter import split_front_matter

HEADER_FILE = "_includes/header.html"
_NAV_LIST = re.compile(r'(<ul class="nav navbar-nav[^"]*">)(.*?)(\n?[ \t]*</ul>)', re.S)
_ITEM = '\n\t\t<li><a href="{{{{ site.url }}}}{{{{ site.baseurl }}}}{url}">{title}</a></li>'


def served_urls(files: FileSet) -> dict[str, str]:
    """URL key -> permalink of every page among ``files`` (front matter ``permalink``)."""
    served: dict[str, str] = {}
    for rel in files:
        if not rel.endswith((".md", ".html", ".markdown")) or rel.startswith("_includes/"):
            continue
        data = files.get(rel)
        meta = split_front_matter(data.decode("utf-8", "replace")).meta if data else {}
        permalink = meta.get("permalink")
        if isinstance(permalink, str) and permalink.strip():
            served.setdefault(url_key(permalink), permalink.strip())
    return served


def navigation(model: Model, links: PermalinkMap, served: dict[str, str],
               listings: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(title, URL) of the header: the home page, the source's navigation in its order (each
    entry at its migrated URL, if served), then the ``listings`` this writer generated that
    the source's navigation did not name."""
    source = [(str(e.get("title") or ""), str(e.get("url") or "")) for e in
              model.site.navigation]
    if not source:
        pages = sorted((p for p in model.pages if p.nav and p.permalink),
                       key=lambda p: (p.nav_order is None, p.nav_order or 0))
        source = [(p.title or p.id, str(p.permalink)) for p in pages]
    entries: list[tuple[str, str]] = [("Home", "/")]
    seen = {"/"}
    for title, url in [*source, *listings]:
        target = links.moved.get(url_key(url), url) if url else ""
        key = url_key(target) if target else ""
        if key == "/" and title:
            entries[0] = (title, "/")
        if not key or key in seen or key not in served:
            continue
        seen.add(key)
        entries.append((title or served[key], served[key]))
    return entries


def with_navigation(header: str, entries: list[tuple[str, str]]) -> str | None:
    """``header`` with its navigation list made of ``entries``; None when it has no list
    this function recognises (a fork's own header is then left alone)."""
    match = _NAV_LIST.search(header)
    if match is None:
        return None
    items = "".join(_ITEM.format(url=html.escape(url, quote=True), title=html.escape(title))
                    for title, url in entries)
    return header[:match.start(2)] + items + header[match.end(2):]
