"""What the academicpages reader, writer and their shared modules both know: the template's
facts from ``converters/academicpages.yml`` (collections, categories, ``author:`` fields,
the Liquid tags, includes, layouts and data files it defines) and our own marks."""

from __future__ import annotations

from ...common.foreign_liquid import STANDARD_TAGS
from ...converters import converter

_DATA = converter("academicpages")
#: the template's own collections
TEMPLATE_COLLECTIONS: tuple[str, ...] = tuple(_DATA["collections"])
#: other collections the reader takes as items; the writer never makes them projects
ITEM_COLLECTIONS: frozenset[str] = frozenset(_DATA["item_collections"])
#: collection setting (ignored by Jekyll) by which the writer tells the reader that the
#: collection's entries are items
ITEMS_MARK = "sitemigrate_items"
#: template category -> heading, and -> model kind
CATEGORY_TITLES: dict[str, str] = {k: v["title"] for k, v in _DATA["categories"].items()}
KIND_OF_CATEGORY: dict[str, str] = {k: v["kind"] for k, v in _DATA["categories"].items()}
#: ``author:`` keys that are model fields, not social networks
AUTHOR_FIELDS: dict[str, str] = dict(_DATA["author_fields"])
AVATAR_FOLDER: str = _DATA["avatar_folder"]
#: the template's listing page of each kind of record: (URL, last URL segments naming it)
LISTING_PAGES: dict[str, tuple[str, frozenset[str]]] = {
    kind: (row["url"], frozenset(row["aliases"])) for kind, row in _DATA["listing_pages"].items()}
#: Liquid tags Jekyll and the theme's plugins know; any other tag aborts the build
KNOWN_TAGS: frozenset[str] = STANDARD_TAGS | frozenset(_DATA["plugin_tags"])
#: the template's includes, layouts and data files
THEME_INCLUDES: frozenset[str] = frozenset(_DATA["includes"])
THEME_LAYOUTS: frozenset[str] = frozenset(_DATA["layouts"])
THEME_DATA: frozenset[str] = frozenset(_DATA["data_files"])
#: markdown_generator/ inputs of the template itself: SHA-256 sums and sample titles
GENERATOR_SAMPLE_SHA256: frozenset[str] = frozenset(_DATA["generator_samples"]["sha256"])
GENERATOR_SAMPLE_TITLES: frozenset[str] = frozenset(_DATA["generator_samples"]["titles"])
