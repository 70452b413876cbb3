"""URLs compared across themes: one rule for a site's own paths, one for external links.

``url_key`` is the one rule for a link or permalink inside a site.  Two URLs with the same
key reach the same page:

1. surrounding space and Liquid output (``{{ site.baseurl }}``, ``{{ base_path }}``) go;
2. an absolute URL (``https://host/a/b``) is reduced to its path (``/a/b``);
3. the ``?query`` and the ``#fragment`` go: they pick a place on the page, not the page;
4. a ``.html``/``.htm`` ending, with an ``/index`` before it, goes (``/a/index.html`` is
   ``/a``, as Jekyll serves it);
5. the path starts with one ``/`` and ends without one; nothing left is ``/``;
6. letters are lower-cased unless ``keep_case`` (GitHub Pages tells ``/A`` from ``/a``;
   callers that decide where a file goes keep the case, callers that match links fold it).

``link_key`` compares external links (a publication's ``pdf``, ``html``…): scheme, ``www.``,
``dx.`` in front of ``doi.org`` and a trailing slash do not count, the host's case neither.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

_LIQUID_OUTPUT = re.compile(r"\{\{[^}]*\}\}")
_QUERY_OR_FRAGMENT = re.compile(r"[?#]")
_HTML_SUFFIX = re.compile(r"(/index)?\.html?$")
_SCHEME = re.compile(r"^https?://(www\.)?", re.I)
_DX_DOI = re.compile(r"^dx\.doi\.org/", re.I)


def split_url(text: str) -> SplitResult | None:
    """``urlsplit(text)``, or ``None`` for text it refuses (``https://[x`` is no valid
    IPv6 host): a link in a site is data to carry, never a reason to stop."""
    try:
        return urlsplit(text)
    except ValueError:
        return None


@lru_cache(maxsize=65536)  # a page's permalink is keyed by the reader, the links, the writer
def url_key(url: str, keep_case: bool = False) -> str:
    """A link or permalink inside a site reduced to the page it reaches (rule above)."""
    text = url.strip()
    if "{{" in text:
        text = _LIQUID_OUTPUT.sub("", text)
    parts = split_url(text) if "://" in text else None
    if parts:
        path = parts.path
    elif "?" in text or "#" in text:
        path = _QUERY_OR_FRAGMENT.split(text, 1)[0]
    else:
        path = text
    if ".htm" in path:
        path = _HTML_SUFFIX.sub("", path)
    path = path.rstrip("/")
    if not path.startswith("/"):
        path = "/" + path
    return path if keep_case else path.lower()


def link_key(url: str) -> str:
    """An external link reduced so that links reaching the same place compare equal."""
    text = str(url).strip()
    if text[:1] in ("h", "H"):  # both patterns are anchored: the first letter decides
        text = _SCHEME.sub("", text)
    if text[:1] in ("d", "D"):
        text = _DX_DOI.sub("doi.org/", text)
    host, _, rest = text.partition("/")
    return f"{host.lower()}/{rest}".rstrip("/")
