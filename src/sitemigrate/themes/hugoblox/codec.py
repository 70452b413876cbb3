"""What the Hugo Blox reader and writer both know: its facts from ``converters/hugoblox.yml``
and the front-matter forms they read and write alike (YAML ``---`` and TOML ``+++``)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from ...converters import converter
from ...diagnostics import INVALID_TOML, Code
from ...parsing.front_matter import split_front_matter
from ...parsing.yamlio import YamlError

_DATA = converter("hugoblox")
#: role -> content folder names, the one the writer writes first
SECTIONS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _DATA["sections"].items()}
AUTHOR_FOLDERS: tuple[str, ...] = tuple(_DATA["author_folders"])
AUTHOR_DATA: str = _DATA["author_data"]
OWNER_IDS: tuple[str, ...] = tuple(_DATA["owner_ids"])
AVATAR_FOLDER: str = _DATA["avatar_folder"]
CONFIG_FOLDER: str = _DATA["config_folder"]
ROOT_CONFIGS: tuple[str, ...] = tuple(_DATA["root_configs"])
MODULE_MARKERS: tuple[str, ...] = tuple(_DATA["module_markers"])
LEGACY_TYPES: dict[str, str] = {str(k): v for k, v in _DATA["legacy_types"].items()}
CSL_TYPES: dict[str, str] = dict(_DATA["csl_types"])
KIND_TYPES: dict[str, str] = dict(_DATA["kind_types"])
URL_FIELDS: dict[str, str] = dict(_DATA["url_fields"])
LINK_TYPES: dict[str, str] = dict(_DATA["link_types"])
ID_KEYS: tuple[str, ...] = tuple(_DATA["id_keys"])
SOCIAL_ICONS: dict[str, str] = dict(_DATA["social_icons"])
ICONS_FOR: dict[str, str] = dict(_DATA["icons_for"])
MODULES: dict[str, str] = dict(_DATA["modules"])
GO_MODULE: str = _DATA["go_module"]
HUGO_VERSION: str = str(_DATA["hugo_version"])
SAMPLE_NAMES: tuple[str, ...] = tuple(_DATA["sample_names"])
HUGO_RESERVED: frozenset[str] = frozenset(_DATA["hugo_reserved"])
BIB_FIELDS: tuple[str, ...] = tuple(_DATA["bib_fields"])
TEXT_LISTS: frozenset[str] = frozenset(_DATA["text_lists"])

#: front-matter keys of a publication bundle the reader maps onto model fields; the writer
#: sets them itself (an ``extra`` key of the same name is not written)
PUBLICATION_KEYS = frozenset({
    "title", "authors", "date", "publication_types", "publication", "abstract", "doi",
    "links", "featured", "image", "hugoblox", *URL_FIELDS})
#: front-matter keys the writer adds so the reader reads the same model back
FRONT = "sitemigrate_front"  #: another source's values under keys Hugo interprets
FOLDED = "sitemigrate_folded"  #: keys read from ``sitemigrate_front`` (written back there)
SELF = "sitemigrate_self"  #: positions of the owner among authors written by name
PARTIAL_DATE = "sitemigrate_date"  #: a year or month alone (``date`` is padded for Hugo)
ROLE = "sitemigrate_role"
NAV = "sitemigrate_nav"
COLLECTION = "sitemigrate_collection"
IDENTIFIERS = "sitemigrate_identifiers"
REMOTE_IMAGE = "sitemigrate_image"
THEMES = "sitemigrate_themes"
RECORD_ID = "sitemigrate_id"  #: the record's id when its folder name is another
NAMES = "sitemigrate_names"  #: structured names a display string does not give back
KIND = "sitemigrate_kind"  #: a kind the CSL type written does not name on its own
#: ``site.extra`` key of the sections' own ``_index.md`` (title, intro text, front matter):
#: not pages of the model, since every target lists a section with its own listing page
SECTION_PAGES = "hugoblox_sections"
#: the model's ``extra`` key holding the files of a bundle (source paths), copied by writers
BUNDLE_FILES = "hugoblox_files"

_TOML_LINE = re.compile(r"line (\d+)")
_TOML_BLOCK = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n?)^\+\+\+[ \t]*$\n?", re.M | re.S)


@dataclass(slots=True)
class Parsed:
    """A content file's front matter (YAML or TOML), its body and where the body starts."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    toml: bool = False
    #: (message, 1-based line, code) of a front matter that does not load
    error: tuple[str, int, Code] | None = None
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)


def parse_content(text: str) -> Parsed:
    """Split a Hugo content file: ``+++`` TOML or ``---`` YAML front matter, then the body.
    TOML dates become ISO strings, as YAML dates are read elsewhere."""
    match = _TOML_BLOCK.match(text)
    if match:
        body_line = text.count("\n", 0, match.end()) + 1
        body = text[match.end():]
        try:
            meta = plain_toml(tomllib.loads(match.group(1)))
        except tomllib.TOMLDecodeError as exc:
            found = _TOML_LINE.search(str(exc))
            line = int(found.group(1)) + 1 if found else 1
            return Parsed(body=body, body_line=body_line, toml=True,
                          error=(f"TOML front matter does not parse: {exc}", line,
                                 INVALID_TOML))
        return Parsed(meta, body, body_line, toml=True)
    fm = split_front_matter(text)
    if fm.error is not None:
        err: YamlError = fm.error
        return Parsed(body=fm.body, body_line=fm.body_line,
                      error=(err.message, err.line or 1, err.code))
    return Parsed(fm.meta, fm.body, fm.body_line, duplicate_keys=fm.duplicate_keys)


def load_toml(text: str) -> tuple[Any, tuple[str, int] | None]:
    """A TOML config's data (plain values), or ``(None, (message, line))``."""
    try:
        return plain_toml(tomllib.loads(text)), None
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        return None, (f"TOML does not parse: {exc}", int(found.group(1)) if found else 1)


def plain_toml(value: Any) -> Any:
    """TOML values as YAML would give them: dates and times as ISO strings."""
    if isinstance(value, dict):
        return {str(k): plain_toml(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_toml(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def kind_of(types: Any) -> tuple[str | None, str | None]:
    """(model kind, the type as written) of ``publication_types`` (a list, a code, a name)."""
    values = types if isinstance(types, list) else [types]
    for value in values:
        if value is None:
            continue
        text = str(value).strip().strip('"').lower()
        kind = LEGACY_TYPES.get(text) or CSL_TYPES.get(text)
        if kind:
            return kind, str(value)
    first = next((str(v) for v in values if v is not None), None)
    return None, first
