"""Several sources read into one model: a site plus the exports its owner keeps elsewhere
(``--add``), and a lab site from its members' sites (``sitemigrate lab``).

Each source is read by its own detected reader without merging duplicates; the records of
every added source are tagged with where they came from (``Origin.source``, and ``file``
prefixed with the source's folder as given), their ids made unique, and appended; then
duplicates are merged once across all of them (``transforms.dedupe``: the first source's
record keeps its id and wins on conflicts, the others add missing fields and links).  The
first source's site profile and pages are the site's; an added source adds publications,
projects, items, research themes (merged by title) and profile fields the first lacks.
What each added source brought is counted in ``Source.contributed``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .diagnostics import CROSS_SOURCE_MERGE, NOT_TAKEN, THEMES_MERGED, Diagnostics
from .model import Item, Model, Origin, Page, Project, Publication, Site, Source, Theme


@dataclass(slots=True)
class Part:
    """One source to merge into the first: its model, read without merging duplicates."""

    label: str  #: ``Origin.source`` of its records: the path as given, or a member's name
    prefix: str  #: put before its files: its folder as given (a file's parent), or the name
    model: Model
    take_site: bool = True  #: fill profile fields the first source lacks
    take_items: bool = True  #: add its items (talks, news…); a lab takes none
    counts: dict[str, int] = field(default_factory=dict)


def part_for(path: str | Path, model: Model) -> Part:
    """The ``Part`` of a source added with ``--add PATH``."""
    label = Path(path).as_posix()
    prefix = label if Path(path).is_dir() else posixpath.dirname(label)
    return Part(label, prefix, model)


def read_with_added(path: str | Path, kind: str | None, added: Sequence[str | Path], *,
                    dedupe: bool = True, max_bytes: int | None = None,
                    include_unused: bool = False) -> Model:
    """``path`` read by its reader (``kind`` or detected), each of ``added`` by its own
    detected reader, merged into one model."""
    from .pipeline import read_site

    first = read_site(path, kind, dedupe=False, max_bytes=max_bytes,
                      include_unused=include_unused)
    parts = [part_for(extra, read_site(extra, None, dedupe=False, max_bytes=max_bytes))
             for extra in added]
    return combine(first, parts, dedupe=dedupe)


def combine(first: Model, parts: list[Part], *, dedupe: bool = True) -> Model:
    """Merge ``parts`` into ``first`` (changed in place and returned)."""
    from .transforms.integrity import check_references

    diagnostics = Diagnostics()
    diagnostics.extend(first.diagnostics)
    for part in parts:
        _tag(part)
        diagnostics.extend(part.model.diagnostics)
        _take(first, part, diagnostics)
    before = _contributions(first.publications)
    if dedupe:
        from .transforms.dedupe import merge_duplicates

        merge_duplicates(first, diagnostics)
    check_references(first, diagnostics)
    _count_merges(first, parts, before, diagnostics)
    first.source.added = [Source(p.model.source.kind, p.label, p.model.source.confidence,
                                 list(p.model.source.evidence), contributed=dict(p.counts))
                          for p in parts]
    first.diagnostics = list(diagnostics)
    return first


def origins_of(pub: Publication) -> list[Origin]:
    """Where ``pub`` was read: its own origin, then those of the records merged into it."""
    return ([pub.origin] if pub.origin else []) + list(pub.merged_from)


def sources_of(pub: Publication) -> list[str | None]:
    """The sources that list ``pub`` (``None``: the first), in reading order."""
    return list(dict.fromkeys(o.source for o in origins_of(pub)))


# -- tagging and taking ----------------------------------------------------------------------

def _tag(part: Part) -> None:
    """Name the source in every origin and diagnostic of ``part``; prefix their files."""
    done: set[int] = set()

    def tag(origin: Origin | None) -> None:
        if origin is None or id(origin) in done:
            return
        done.add(id(origin))
        origin.file = posixpath.join(part.prefix, origin.file) if part.prefix else origin.file
        origin.source = part.label

    model = part.model
    tag(model.site.origin)
    records: list[Publication | Project | Theme | Page | Item] = [
        *model.publications, *model.projects, *model.all_themes(), *model.pages, *model.items]
    for record in records:
        tag(record.origin)
        for origin in getattr(record, "merged_from", []):
            tag(origin)
    for diag in model.diagnostics:
        diag.file = posixpath.join(part.prefix, diag.file) if diag.file else part.label


def _take(model: Model, part: Part, diagnostics: Diagnostics) -> None:
    other = part.model
    counts = part.counts
    _free_ids(model, other)
    model.publications.extend(other.publications)
    counts["read"] = len(other.publications)
    projects = {_title_key(p.title): p for p in model.projects}
    folded: dict[str, str] = {}  # an added project -> the first source's of the same title
    for project in other.projects:
        same = projects.get(_title_key(project.title))
        if same is None:
            model.projects.append(project)
            projects[_title_key(project.title)] = project
            counts["projects"] = counts.get("projects", 0) + 1
        else:
            folded[project.id] = same.id
            _fill(same, project, ("publication_ids",))
            same.links = {**project.links, **same.links}
            same.publication_ids = list(dict.fromkeys(same.publication_ids
                                                      + project.publication_ids))
    for theme in other.all_themes():
        theme.project_ids = list(dict.fromkeys(folded.get(i, i) for i in theme.project_ids))
    themes = {_title_key(t.title): t for t in model.themes}
    for theme in other.themes:
        kin = themes.get(_title_key(theme.title))
        if kin is None:
            model.themes.append(theme)
            themes[_title_key(theme.title)] = theme
            counts["themes"] = counts.get("themes", 0) + 1
            continue
        _merge_theme(kin, theme)
        counts["themes_merged"] = counts.get("themes_merged", 0) + 1
        where = theme.origin
        diagnostics.report(
            THEMES_MERGED,
            f"research theme {theme.title!r} of {part.label} merged into {kin.title!r} "
            f"({kin.origin.file if kin.origin else 'the first source'})",
            where.file if where else part.label, where.line if where else None)
    if part.take_items:
        seen = {_item_key(i) for i in model.items}
        for item in other.items:
            if _item_key(item) not in seen:
                seen.add(_item_key(item))
                model.items.append(item)
                counts["items"] = counts.get("items", 0) + 1
    elif other.items:
        _not_taken(diagnostics, part, f"{len(other.items)} item(s) (talks, news, people…)")
    if other.pages:
        _not_taken(diagnostics, part, f"{len(other.pages)} page(s)")
    if part.take_site:
        # the site's own address, title and picture stay the first source's
        filled = _fill(model.site, other.site, ("navigation", "key_lines", "origin", "extra",
                                                "url", "baseurl", "title", "avatar"))
        added = {k: v for k, v in other.site.socials.items() if k not in model.site.socials}
        model.site.socials.update(added)
        if filled + len(added):
            counts["profile"] = filled + len(added)


def _not_taken(diagnostics: Diagnostics, part: Part, what: str) -> None:
    diagnostics.report(NOT_TAKEN, f"{what} of {part.label} not taken: the first source's "
                       "are the site's", part.label)


def _free_ids(model: Model, other: Model) -> None:
    """Rename ``other``'s records whose id the model already uses (``x`` -> ``x-2``) and
    the references to them, so each reference keeps naming its own record."""
    def free(records: list[Any], taken: set[str]) -> dict[str, str]:
        renamed: dict[str, str] = {}
        own = {r.id for r in records}
        for record in records:
            if record.id not in taken:
                continue
            n = 2
            while f"{record.id}-{n}" in taken or f"{record.id}-{n}" in own:
                n += 1
            renamed[record.id] = f"{record.id}-{n}"
            record.id = renamed[record.id]
            own.add(record.id)
        return renamed

    pubs = free(other.publications, {p.id for p in model.publications})
    projects = free(other.projects, {p.id for p in model.projects})
    free(other.all_themes(), {t.id for t in model.all_themes()})
    free(other.items, {i.id for i in model.items})
    for theme in other.all_themes():
        theme.publication_ids = [pubs.get(i, i) for i in theme.publication_ids]
        theme.project_ids = [projects.get(i, i) for i in theme.project_ids]
    for project in other.projects:
        project.publication_ids = [pubs.get(i, i) for i in project.publication_ids]


def _fill(target: Project | Site, other: Project | Site, skip: tuple[str, ...]) -> int:
    """Copy ``other``'s scalar fields into ``target`` where ``target`` has none."""
    filled = 0
    for f in fields(target):
        if f.name in skip or f.name in ("id", "origin"):
            continue
        mine, theirs = getattr(target, f.name), getattr(other, f.name)
        if isinstance(mine, str | int | type(None)) and mine in (None, "") and \
                theirs not in (None, ""):
            setattr(target, f.name, theirs)
            filled += 1
    return filled


def _merge_theme(theme: Theme, other: Theme) -> None:
    theme.summary = theme.summary or other.summary
    if other.body and other.body.strip() and other.body.strip() not in (theme.body or ""):
        theme.body = f"{theme.body.rstrip()}\n\n{other.body.strip()}" if theme.body else \
            other.body
    theme.publication_ids = list(dict.fromkeys(theme.publication_ids + other.publication_ids))
    theme.project_ids = list(dict.fromkeys(theme.project_ids + other.project_ids))
    known = {_title_key(t.title) for t in theme.subthemes}
    theme.subthemes.extend(t for t in other.subthemes if _title_key(t.title) not in known)


def _title_key(title: str | None) -> str:
    from .transforms.dedupe import normalized_title

    return normalized_title(title)


def _item_key(item: Item) -> tuple[str, str, str]:
    return item.collection, _title_key(item.title or item.id), item.date or ""


# -- what each source brought ----------------------------------------------------------------

_OriginKey = tuple[str | None, str, int | None]


def _key(origin: Origin) -> _OriginKey:
    return origin.source, origin.file, origin.line


def _contributions(pubs: list[Publication]) -> dict[_OriginKey, tuple[set[str], set[str]]]:
    """Before merging: the link keys and identifiers each record brings, by its origin."""
    from .transforms.dedupe import link_identity

    return {_key(p.origin): ({link_identity(u) for u in p.links.values() if u},
                             {f"{k}:{v}".lower() for k, v in p.identifiers.items()})
            for p in pubs if p.origin}


def _count_merges(model: Model, parts: list[Part],
                  before: dict[_OriginKey, tuple[set[str], set[str]]],
                  diagnostics: Diagnostics) -> None:
    """Per added source: records it alone brought, records it merged into another source's
    (reported SM411), and the links and identifiers those gained from it."""
    by_label = {p.label: p for p in parts}
    for part in parts:
        for name in ("publications", "merged", "links", "identifiers"):
            part.counts.setdefault(name, 0)
    for pub in model.publications:
        sources = sources_of(pub)
        kept = sources[0] if sources else None
        if kept is not None and kept in by_label:
            by_label[kept].counts["publications"] += 1
        if len(sources) < 2:
            continue
        origins = origins_of(pub)
        have_links: set[str] = set()
        have_ids: set[str] = set()
        for origin in origins:
            if origin.source == kept:
                links, ids = before.get(_key(origin), (set(), set()))
                have_links |= links
                have_ids |= ids
        for source in sources[1:]:
            adder = by_label.get(source) if source is not None else None
            if adder is None:
                continue
            adder.counts["merged"] += 1
            for origin in origins:
                if origin.source != source:
                    continue
                links, ids = before.get(_key(origin), (set(), set()))
                adder.counts["links"] += len(links - have_links)
                adder.counts["identifiers"] += len(ids - have_ids)
                have_links |= links
                have_ids |= ids
        names = ", ".join(str(s) if s is not None else "the first source" for s in sources)
        places = ", ".join(f"{o.file}:{o.line}" if o.line else o.file for o in origins)
        diagnostics.report(CROSS_SOURCE_MERGE,
                           f"{pub.title!r} is listed by {names}: one record ({places})",
                           pub.origin.file if pub.origin else None,
                           pub.origin.line if pub.origin else None)
