"""The academicpages template's facts (``converters/academicpages.yml``) that the reader,
the writer and their shared modules read: collections, categories, ``author:`` fields and
what the template defines (Liquid tags, includes, layouts, data files)."""

from __future__ import annotations

from ...converters import converter

_DATA = converter("academicpages")
#: the template's own collections
TEMPLATE_COLLECTIONS: tuple[str, ...] = tuple(_DATA["collections"])
#: other collections the reader takes as items; the writer never makes them projects
ITEM_COLLECTIONS: frozenset[str] = frozenset(_DATA["item_collections"])
#: template category -> heading, and -> model kind
CATEGORY_TITLES: dict[str, str] = {k: v["title"] for k, v in _DATA["categories"].items()}
KIND_OF_CATEGORY: dict[str, str] = {k: v["kind"] for k, v in _DATA["categories"].items()}
#: ``author:`` keys that are model fields, not social networks
AUTHOR_FIELDS: dict[str, str] = dict(_DATA["author_fields"])
#: social key written the al-folio way -> (``author:`` key, URL template for a bare id)
AUTHOR_SOCIALS: dict[str, tuple[str, str | None]] = {
    k: (v["key"], v.get("url")) for k, v in _DATA["author_socials"].items()}
#: Liquid tags Jekyll and the theme's plugins know; any other tag aborts the build
KNOWN_TAGS: frozenset[str] = frozenset(_DATA["known_tags"])
#: the template's includes, layouts and data files
THEME_INCLUDES: frozenset[str] = frozenset(_DATA["includes"])
THEME_LAYOUTS: frozenset[str] = frozenset(_DATA["layouts"])
THEME_DATA: frozenset[str] = frozenset(_DATA["data_files"])
