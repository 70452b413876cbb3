"""What the Allan lab reader and writer both know about the template: its facts from
``converters/allanlab.yml`` and the publist encodings they read and write alike."""

from __future__ import annotations

from typing import Any

from ...converters import converter
from ...transforms.fields import text_or_none

_DATA = converter("allanlab")
#: the template's page layouts; a page in another layout is written as ``textlay``
PAGE_LAYOUTS: tuple[str, ...] = tuple(_DATA["page_layouts"])
#: the links of the hard-coded header (``_includes/header.html``), in order
HEADER_LINKS: tuple[str, ...] = tuple(_DATA["header_permalinks"])
#: publist flags (``journal: 1``…) naming a publication's kind
KIND_FLAGS: tuple[str, ...] = tuple(_DATA["kind_flags"])
#: the folder publist images are relative to
PUBPIC: str = _DATA["publication_images"]
#: the template's own ``_config.yml`` settings
DEFAULT_CONFIG: dict[str, Any] = _DATA["default_config"]
#: pages the writer always generates, named after their role
GENERATED_PAGES = ("research", "publications", "projects")
#: publist item keys the reader maps onto model fields (every other key goes to ``extra``)
#: and the writer sets itself (an ``extra`` key of the same name is not written)
PUBLIST_KEYS = frozenset(("id", "title", "authors", "authors_list", "description", "image",
                          "link", "highlight", "news1", "venue", "year", "kind", "identifiers",
                          "citation", "date", "extra_links", "author", "author_list"))


def venue_from_conf(conf: Any) -> str | None:
    """The venue of a ``conf: {fullname, abbreviation}`` block: ``Full Name (ABBR)``."""
    if not isinstance(conf, dict):
        return None
    name = text_or_none(conf.get("fullname"))
    abbr = text_or_none(conf.get("abbreviation"))
    if name and abbr:
        return f"{name} ({abbr})"
    return name or abbr
