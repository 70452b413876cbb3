"""The one model every reader produces and every writer consumes.

Records are slotted dataclasses; ``Model.to_dict``/``Model.from_dict`` give the versioned
JSON form described by ``schemas/model.schema.json`` (generated from this module by
``sitemigrate.schema``).  Anything a reader finds but the model has no field for goes in
the record's ``extra`` map, so nothing is dropped on the way through.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1.0"

#: Publication kinds the model knows; readers map their own vocabularies onto these.
PUBLICATION_KINDS = (
    "journal",
    "conference",
    "workshop",
    "preprint",
    "book",
    "chapter",
    "thesis",
    "report",
    "patent",
    "talk",
    "poster",
    "software",
    "dataset",
    "misc",
)

#: Link labels writers know how to place; other labels are still kept.
LINK_LABELS = (
    "pdf",
    "html",
    "doi",
    "arxiv",
    "code",
    "slides",
    "poster",
    "video",
    "website",
    "bibtex",
    "supp",
    "blog",
    "data",
)


@dataclass(slots=True)
class Origin:
    """Where a record was read: a path relative to the source root and a 1-based line."""

    file: str
    line: int | None = None
    #: the source it came from when several were read into one model (``--add``, ``lab``):
    #: the added path as given, or the lab member's name; ``None`` for the first source.
    #: An added source's ``file`` is prefixed with where it lies (its folder as given, or
    #: the member's name), so ``file:line`` alone says where the record is.
    source: str | None = None


@dataclass(slots=True)
class Diagnostic:
    """A problem found while reading, transforming or writing; data, never a log string."""

    level: str  #: "error", "warning" or "info"
    code: str  #: stable code such as SM101
    name: str  #: stable slug such as "invalid-yaml"
    message: str
    file: str | None = None
    line: int | None = None
    loss: bool = False  #: True when content or a setting could not be carried over
    #: "content-lost", "content-changed", "setting-not-carried" or "info" (None in models
    #: written before severities existed: the code's own severity applies)
    severity: str | None = None
    hint: str | None = None  #: one line: what to do about it

    def location(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(slots=True)
class Source:
    """What was read and how it was recognised."""

    kind: str  #: reader name, e.g. "academicpages"
    path: str  #: the path given by the user
    confidence: float = 1.0  #: 0..1, how sure detection was
    evidence: list[str] = field(default_factory=list)  #: the signals detection saw
    #: sources merged into this one (``--add``, lab members), each with its own kind and path
    added: list[Source] = field(default_factory=list)
    #: what an added source brought: new publications, merges, new links… (counts)
    contributed: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Site:
    """The owner's profile and site-wide settings."""

    title: str | None = None  #: site title
    name: str | None = None  #: the researcher's or lab's name
    role: str | None = None  #: position, e.g. "PhD student"
    affiliation: str | None = None
    email: str | None = None
    location: str | None = None
    description: str | None = None  #: short bio or site description
    avatar: str | None = None  #: profile image path or URL
    url: str | None = None
    baseurl: str | None = None
    socials: dict[str, str] = field(default_factory=dict)  #: network -> handle or URL
    navigation: list[dict[str, str]] = field(default_factory=list)  #: [{title, url}]
    extra: dict[str, Any] = field(default_factory=dict)
    origin: Origin | None = None
    #: 1-based line of each top-level key of the source's ``_config.yml`` (for messages)
    key_lines: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class AuthorName:
    """One author, structured; ``Publication.authors`` keeps the display strings."""

    family: str
    given: str | None = None
    suffix: str | None = None
    marks: list[str] = field(default_factory=list)  #: "*" equal contribution, "†" corresponding…
    is_self: bool = False  #: bold/underlined by the site owner
    others: bool = False  #: stands for "and others" / "et al."
    id: str | None = None  #: the person's key in the site's people data (member pages link)


@dataclass(slots=True)
class Publication:
    """One paper, talk abstract, thesis or other citable work."""

    id: str  #: stable key (BibTeX key, file stem or data key)
    title: str
    authors: list[str] = field(default_factory=list)  #: display names, in order
    author_names: list[AuthorName] = field(default_factory=list)  #: structured, same order
    year: int | None = None
    date: str | None = None  #: ISO "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    venue: str | None = None
    kind: str | None = None  #: one of PUBLICATION_KINDS
    abstract: str | None = None  #: Markdown
    links: dict[str, str] = field(default_factory=dict)  #: label -> URL
    identifiers: dict[str, str] = field(default_factory=dict)  #: doi/arxiv/pmid/github/...
    award: str | None = None
    selected: bool = False  #: featured / highlighted by the owner
    image: str | None = None
    citation: str | None = None  #: ready-made citation string
    extra: dict[str, Any] = field(default_factory=dict)
    origin: Origin | None = None
    merged_from: list[Origin] = field(default_factory=list)  #: every record merged into this


@dataclass(slots=True)
class Project:
    """A project, tool, grant or portfolio item."""

    id: str
    title: str
    description: str | None = None  #: one-line summary
    body: str | None = None  #: Markdown
    image: str | None = None
    order: int | None = None  #: owner's ordering (al-folio importance)
    category: str | None = None
    date: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    publication_ids: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    origin: Origin | None = None


@dataclass(slots=True)
class Theme:
    """A research area with the projects and publications that belong to it."""

    id: str
    title: str
    summary: str | None = None  #: short description
    body: str | None = None  #: Markdown
    subthemes: list[Theme] = field(default_factory=list)
    project_ids: list[str] = field(default_factory=list)
    publication_ids: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    origin: Origin | None = None


@dataclass(slots=True)
class Page:
    """A standalone page (about, research, teaching...)."""

    id: str
    title: str | None = None
    permalink: str | None = None
    nav: bool = False  #: listed in the site navigation
    nav_order: int | None = None
    role: str | None = None  #: "about", "research", "publications", "projects"... or None
    body: str = ""  #: Markdown (Liquid kept verbatim)
    extra: dict[str, Any] = field(default_factory=dict)  #: front matter the model has no field for
    origin: Origin | None = None


@dataclass(slots=True)
class Item:
    """An entry of a secondary collection: talks, teaching, news, people, posts."""

    collection: str  #: "talks", "teaching", "news", "people", "posts"...
    id: str
    title: str | None = None
    date: str | None = None
    body: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    origin: Origin | None = None


@dataclass(slots=True)
class Model:
    """A whole site, normalized."""

    source: Source
    site: Site = field(default_factory=Site)
    themes: list[Theme] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, top-level keys in the documented order."""
        return {key: to_plain(getattr(self, key)) for key in MODEL_KEYS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        return from_plain(cls, data)

    def publication(self, pub_id: str) -> Publication | None:
        """The first publication with this id (a scan: writers that look up many build a
        dict of their own)."""
        return next((p for p in self.publications if p.id == pub_id), None)

    def all_themes(self) -> list[Theme]:
        """Themes and their sub-themes, depth first."""
        out: list[Theme] = []

        def visit(themes: list[Theme]) -> None:
            for theme in themes:
                out.append(theme)
                visit(theme.subthemes)

        visit(self.themes)
        return out


#: ``Model.to_dict`` keys, in the documented order
MODEL_KEYS = ("schema_version", "source", "site", "themes", "projects", "publications",
              "pages", "items", "diagnostics")
_SCALARS = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_plain(value: Any) -> Any:
    """Dataclasses to dicts, recursively, omitting nothing."""
    cls = type(value)
    if cls in _SCALARS:
        return value
    names = _FIELD_NAMES.get(cls)
    if names is None and dataclasses.is_dataclass(cls):
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    if names is not None:
        return {name: to_plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def from_plain(cls: type, data: Any) -> Any:
    """Build dataclass ``cls`` from its plain form; unknown keys raise ``ValueError``."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
    kwargs = {name: _convert(hints[name], value) for name, value in data.items()}
    return cls(**kwargs)


def _convert(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(args[0], value)
    if origin is list:
        (arg,) = typing.get_args(hint)
        return [_convert(arg, v) for v in value]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_plain(hint, value)
    return value


def publication_row(pub: Publication) -> tuple[Any, ...]:
    """``pub`` as a tuple of plain values (what ``marshal`` writes, to send it to another
    process fast); ``publication_from_row`` gives it back."""
    return (pub.id, pub.title, pub.authors,
            [(a.family, a.given, a.suffix, a.marks, a.is_self, a.others, a.id)
             for a in pub.author_names],
            pub.year, pub.date, pub.venue, pub.kind, pub.abstract, pub.links, pub.identifiers,
            pub.award, pub.selected, pub.image, pub.citation, pub.extra,
            _origin_row(pub.origin), [_origin_row(o) for o in pub.merged_from])


def publication_from_row(row: tuple[Any, ...]) -> Publication:
    (id_, title, authors, names, year, date, venue, kind, abstract, links, identifiers, award,
     selected, image, citation, extra, origin, merged_from) = row
    return Publication(id_, title, authors, [AuthorName(*name) for name in names], year, date,
                       venue, kind, abstract, links, identifiers, award, selected, image,
                       citation, extra, Origin(*origin) if origin else None,
                       [Origin(*o) for o in merged_from])


def _origin_row(origin: Origin | None) -> tuple[str, int | None, str | None] | None:
    return (origin.file, origin.line, origin.source) if origin else None
