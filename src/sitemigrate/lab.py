"""One lab site from its members' sites (``sitemigrate lab``).

Every member site (a manifest as for ``batch``, or a folder of sites) is read by its own
reader; their publications are merged once across members (``combine``: records tagged
with the member, deduplicated by the rules of ``transforms.dedupe``), research themes
merged by title, projects kept.  Each publication is tied to the members who wrote it: an
author whose name is a member's (the member's profile name, or the name the member marks
as their own in their publications) gets the member's id (``AuthorName.id``) and
``is_self``.  The team comes from each member's profile (name, role from the manifest or
the profile, photo copied, links): the Allan lab template's ``_data/team_members.yml``
(its team page loops over it), or an al-folio page ``/team/`` listing each member with
their papers.  Members' own pages and other items are not taken (reported, SM221).
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import parallel
from .combine import Part, combine, origins_of, sources_of
from .diagnostics import MEMBER_FAILED, MEMBER_NOT_AUTHOR, MISSING_ASSET, Diagnostics
from .model import AuthorName, Item, Model, Origin, Page, Publication, Site, Source

#: targets a lab site can be written as: each has a team page
LAB_TARGETS = ("allanlab", "al-folio")
#: where a member's photo goes in each target, and how the team page names it
PHOTO_FOLDERS = {"allanlab": "images/teampic", "al-folio": "assets/img/team"}
_PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")
#: where sites keep their profile picture, relative to the site root
_AVATAR_FOLDERS = ("", "images", "assets/img", "img", "assets/images")


@dataclass(slots=True)
class Member:
    """One member site, read."""

    id: str  #: the manifest name (slug), the member's id in the lab model
    source: str
    role: str | None = None  #: from the manifest; else the profile's
    kind: str | None = None
    model: Model | None = None
    error: str | None = None
    name: str = ""
    photo: str | None = None  #: file name in the target's photo folder, or a URL
    names: set[tuple[str, str]] = field(default_factory=set)  #: (family, initial) keys
    contributed: dict[str, int] = field(default_factory=dict)

    def links(self) -> dict[str, str]:
        """The member's profile links as URLs, by service (``github``, ``orcid``…)."""
        from .transforms.socials import normalize_social

        if self.model is None:
            return {}
        site = self.model.site
        links: dict[str, str] = {}
        for key, value in site.socials.items():
            if not isinstance(value, str | int) or not str(value).strip():
                continue
            social = normalize_social(key, value)
            if social.url and social.service != "email":
                links.setdefault(social.service, social.url)
        if site.url and site.url.startswith("http"):
            links.setdefault("website", site.url)
        if site.email:
            links.setdefault("email", f"mailto:{site.email}")
        return links


@dataclass(slots=True)
class Lab:
    """The lab's model, its members, and the files the writer does not make (photos)."""

    model: Model
    members: list[Member]
    photos: dict[str, bytes] = field(default_factory=dict)  #: output path -> bytes
    merges: list[dict[str, Any]] = field(default_factory=list)  #: cross-member merges


# -- reading ---------------------------------------------------------------------------------

def _read_one(source: str, kind: str | None) -> tuple[Model | None, str | None]:
    from .pipeline import ReaderFailed, SourceError, read_site

    try:
        return read_site(source, kind, dedupe=False), None
    except (SourceError, ReaderFailed, OSError) as exc:
        return None, str(exc)


def read_members(jobs: list[Any], workers: int = 1,
                 on_done: Callable[[Member], None] | None = None) -> list[Member]:
    """Read every member site (``batch.SiteJob``s), ``workers`` at once in processes."""
    members = [Member(job.name, job.source, getattr(job, "role", None), job.kind,
                      name=getattr(job, "person", None) or "") for job in jobs]
    if workers > 1 and len(members) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(members)),
                                 initializer=parallel.use_one_core) as pool:
            results = list(pool.map(_read_one, [m.source for m in members],
                                    [m.kind for m in members]))
    else:
        results = [_read_one(m.source, m.kind) for m in members]
    for member, (model, error) in zip(members, results, strict=True):
        member.model, member.error = model, error
        if model is not None:
            member.kind = model.source.kind
        if on_done is not None:
            on_done(member)
    return members


# -- building --------------------------------------------------------------------------------

def build_lab(members: list[Member], target: str, info: dict[str, Any], *,
              manifest: str, dedupe: bool = True) -> Lab:
    """The lab's model from the members read (those that failed are reported, SM515)."""
    site = Site(title=_text(info.get("title")) or _text(info.get("name")) or "Lab",
                name=_text(info.get("name")) or _text(info.get("title")) or "Lab",
                description=_text(info.get("description")),
                url=_text(info.get("url")), email=_text(info.get("email")))
    lab_model = Model(Source("lab", manifest, 1.0, ["members read from the manifest"]),
                      site=site)
    diagnostics = Diagnostics()
    parts = []
    for member in members:
        if member.model is None:
            diagnostics.report(MEMBER_FAILED, f"member {member.id} ({member.source}): "
                               f"{member.error}", member.id)
            continue
        _profile(member)
        parts.append(Part(member.id, member.id, member.model, take_site=False,
                          take_items=False))
    lab_model.diagnostics = list(diagnostics)
    combine(lab_model, parts, dedupe=dedupe)
    read_ok = [m for m in members if m.model is not None]
    for member, part in zip(read_ok, parts, strict=True):
        member.contributed = dict(part.counts)
    lab = Lab(lab_model, members)
    _tie_members(lab)
    _team(lab, target)
    _home(lab)
    return lab


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _profile(member: Member) -> None:
    from .transforms.names import parse_name

    assert member.model is not None
    site = member.model.site
    member.name = member.name or (site.name or "").strip() or (site.title or "").strip() \
        or member.id
    member.role = member.role or site.role
    member.names.add(_name_key(parse_name(member.name)))
    # the name the member marks as their own most often (a lab site marking every member
    # must not make one member the author of all of them)
    marked = Counter(_name_key(a) for pub in member.model.publications
                     for a in pub.author_names if a.is_self)
    if marked:
        member.names.add(marked.most_common(1)[0][0])


def _name_key(name: AuthorName) -> tuple[str, str]:
    from .transforms.names import family_key

    given = (name.given or "").strip()
    return family_key(name), given[:1].casefold()


def _tie_members(lab: Lab) -> None:
    """Each author who is a member gets the member's id and ``is_self``; a member listing a
    paper without being among its authors is reported (SM222); every paper several members
    list is a cross-member merge of the report."""
    from .transforms.names import parse_name

    by_key: dict[tuple[str, str], Member] = {}
    for member in lab.members:
        for key in member.names:
            by_key.setdefault(key, member)
    diagnostics = Diagnostics()
    diagnostics.extend(lab.model.diagnostics)
    for pub in lab.model.publications:
        if not pub.author_names and pub.authors:
            pub.author_names = [parse_name(a) for a in pub.authors]
        tied: set[str] = set()
        for author in pub.author_names:
            found = by_key.get(_name_key(author))
            if found is not None and not author.others:
                author.id, author.is_self = found.id, True
                tied.add(found.id)
        listed = [s for s in sources_of(pub) if s is not None]
        for name in listed:
            if name not in tied:
                where = _origin_of(pub, name)
                diagnostics.report(
                    MEMBER_NOT_AUTHOR,
                    f"{name} lists {pub.title!r} but no author is named like {name}; the "
                    "paper is kept, not tied to the member",
                    where.file if where else None, where.line if where else None)
        if len(listed) > 1:
            origins = origins_of(pub)
            lab.merges.append({
                "id": pub.id, "title": pub.title, "members": listed,
                "places": [f"{o.file}:{o.line}" if o.line else o.file for o in origins],
                "links": sorted(pub.links), "identifiers": sorted(pub.identifiers)})
    lab.model.diagnostics = list(diagnostics)


def _origin_of(pub: Publication, source: str) -> Origin | None:
    return next((o for o in origins_of(pub) if o.source == source), None)


def papers_of(lab: Lab, member: Member) -> list[Publication]:
    return [p for p in lab.model.publications
            if any(a.id == member.id for a in p.author_names)]


def _team(lab: Lab, target: str) -> None:
    folder = PHOTO_FOLDERS[target]
    diagnostics = Diagnostics()
    diagnostics.extend(lab.model.diagnostics)
    for member in lab.members:
        if member.model is None:
            continue
        member.photo = _photo(lab, member, folder, diagnostics)
    lab.model.diagnostics = list(diagnostics)
    read = [m for m in lab.members if m.model is not None]
    if target == "allanlab":
        for member in read:
            extra: dict[str, Any] = {"info": member.role or "", "photo": member.photo or ""}
            if member.model and member.model.site.email:
                extra["email"] = member.model.site.email
            links = member.links()
            if links:
                extra["links"] = links
            lab.model.items.append(Item("people", member.id, member.name, body="",
                                        extra=extra, origin=Origin(member.id, None, member.id)))
        return
    lab.model.pages.append(Page(
        "team", title="Team", permalink="/team/", nav=True, nav_order=2, role="team",
        body=_team_body(lab, read, folder), extra={"layout": "page"}))


def _team_body(lab: Lab, members: list[Member], folder: str) -> str:
    blocks = []
    for member in members:
        lines = [f"## {member.name}", ""]
        if member.photo:
            src = member.photo if "://" in member.photo else f"/{folder}/{member.photo}"
            lines += [f"![{member.name}]({src})", ""]
        if member.role:
            lines += [f"*{member.role}*", ""]
        links = member.links()
        if links:
            lines += [" · ".join(f"[{label.replace('_', ' ')}]({url})"
                                 for label, url in sorted(links.items())), ""]
        papers = papers_of(lab, member)
        if papers:
            lines += [f"Publications ({len(papers)}):", ""]
            lines += [f"- {p.title}" + (f" ({p.year})" if p.year else "") for p in papers]
            lines.append("")
        blocks.append("\n".join(lines).rstrip())
    return "\n\n".join(blocks) + "\n"


def _photo(lab: Lab, member: Member, folder: str, diagnostics: Diagnostics) -> str | None:
    """Copy the member's profile picture into the target's photo folder; its file name."""
    from .parsing.text import max_file_bytes, read_regular

    assert member.model is not None
    avatar = (member.model.site.avatar or "").strip()
    if not avatar:
        return None
    if avatar.startswith(("http://", "https://")):
        return avatar
    source = Path(member.source)
    root = (source if source.is_dir() else source.parent).resolve()
    rel = avatar.lstrip("/")
    for base in _AVATAR_FOLDERS:
        candidate = (root / base / rel).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            continue
        suffix = candidate.suffix.lower()
        if suffix not in _PHOTO_SUFFIXES:
            break
        try:
            data = read_regular(candidate, max_file_bytes())
        except (OSError, ValueError):
            break
        name = f"{member.id}{suffix}"
        lab.photos[posixpath.join(folder, name)] = data
        return name
    origin = member.model.site.origin
    diagnostics.report(MISSING_ASSET, f"profile picture {avatar} of {member.id} is not in its "
                       "site folder; the team page shows no photo for it",
                       origin.file if origin else member.id)
    return None


def _home(lab: Lab) -> None:
    """A home page at ``/``: the lab's description and its members."""
    site = lab.model.site
    names = [m.name for m in lab.members if m.model is not None]
    body = (site.description + "\n\n" if site.description else "") + \
        "Members: " + ", ".join(names) + ".\n"
    lab.model.pages.insert(0, Page("about", title=site.title, permalink="/", role="about",
                                   body=body))


# -- report ----------------------------------------------------------------------------------

def member_rows(lab: Lab) -> list[dict[str, Any]]:
    """Per member: what it read and what it contributed to the lab site."""
    rows = []
    for member in lab.members:
        model = member.model
        c = member.contributed
        rows.append({
            "name": member.id, "person": member.name, "source": member.source,
            "kind": member.kind, "role": member.role, "status": "ok" if model else "failed",
            "error": member.error, "photo": member.photo,
            "read": {"publications": len(model.publications) if model else 0,
                     "themes": len(model.all_themes()) if model else 0,
                     "projects": len(model.projects) if model else 0,
                     "pages": len(model.pages) if model else 0,
                     "items": len(model.items) if model else 0},
            "contributed": {"new_publications": c.get("publications", 0),
                            "merged_into_other_members": c.get("merged", 0),
                            "links_added": c.get("links", 0),
                            "identifiers_added": c.get("identifiers", 0),
                            "themes": c.get("themes", 0),
                            "themes_merged": c.get("themes_merged", 0),
                            "projects": c.get("projects", 0)},
            "papers_tied": len(papers_of(lab, member)) if model else 0,
        })
    return rows


def paper_rows(lab: Lab) -> list[dict[str, Any]]:
    """Every publication of the lab site: the members among its authors, and the members
    whose sites list it."""
    return [{"id": p.id, "title": p.title, "year": p.year,
             "members": list(dict.fromkeys(a.id for a in p.author_names if a.id)),
             "listed_by": [s for s in sources_of(p) if s is not None]}
            for p in lab.model.publications]


def markdown_section(lab: Lab) -> str:
    lines = ["", "## Lab members", "",
             "| member | kind | papers read | new | merged into others' | links added | "
             "tied papers | themes (new / merged) |", "|---|---|---|---|---|---|---|---|"]
    for row in member_rows(lab):
        c = row["contributed"]
        lines.append(f"| {row['name']} | {row['kind'] or 'failed'} | "
                     f"{row['read']['publications']} | {c['new_publications']} | "
                     f"{c['merged_into_other_members']} | {c['links_added']} | "
                     f"{row['papers_tied']} | {c['themes']} / {c['themes_merged']} |")
    lines += ["", f"## Cross-member merges ({len(lab.merges)})", ""]
    for merge in lab.merges:
        lines.append(f"- {merge['title']} — {', '.join(merge['members'])} "
                     f"({'; '.join(merge['places'])})")
    return "\n".join(lines) + "\n"


def html_section(lab: Lab) -> str:
    """The lab's members and cross-member merges as an HTML section (self-contained)."""
    from html import escape

    rows = []
    for row in member_rows(lab):
        c = row["contributed"]
        cells = (row["name"], row["kind"] or "failed", row["read"]["publications"],
                 c["new_publications"], c["merged_into_other_members"], c["links_added"],
                 row["papers_tied"], f"{c['themes']} / {c['themes_merged']}")
        rows.append("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in (
        "member", "kind", "papers read", "new", "merged into others'", "links added",
        "tied papers", "themes (new / merged)"))
    merges = "".join(
        f"<li>{escape(m['title'])} — {escape(', '.join(m['members']))} "
        f"(<code>{escape('; '.join(m['places']))}</code>)</li>" for m in lab.merges)
    return (f'<section class="lab"><h2>Lab members</h2><table><tr>{head}</tr>'
            f'{"".join(rows)}</table><h2>Cross-member merges ({len(lab.merges)})</h2>'
            f"<ul>{merges}</ul></section>")
