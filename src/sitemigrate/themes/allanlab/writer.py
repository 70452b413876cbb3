"""Writer for the Allan lab template: publist.yml, textlay/gridlay pages, team and news data.

Every field the template cannot show is still written (extra publist keys, front-matter
keys) so the Allan lab reader reads the same model back; what has no place at all is
reported as a loss with the record's origin.

Decisions: every publist item has ``authors`` (empty text when none: both loops print it);
the generated research/publications/projects pages take over the page named after the
role, else the one at ``/role``, other pages with that role stay ordinary pages; project
pages get a file and URL each even when ids slug alike; body links to the source URLs of
projects/publications/items are rewritten by the shared ``links.PermalinkMap`` (publications
go to the publications page, items without a page here are reported).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ...common.foreign_liquid import theme_target
from ...common.links import CarriedText, PermalinkMap, TargetUrls
from ...common.settings import report_unwritten
from ...common.site_config import complete_config
from ...common.urls import url_key
from ...common.writer import WriteContext, Writer
from ...diagnostics import (
    LINK_CHANGED,
    PAGE_TEXT_REPLACED,
    PATH_ESCAPE,
    RECORD_DROPPED,
    SETTING_DROPPED,
)
from ...fileset import FileSet
from ...model import Item, Model, Page, Project, Publication, Theme
from ...parsing.config_yaml import dump_config, merge_config
from ...parsing.front_matter import render_front_matter
from ...parsing.yamldump import dump_yaml
from ...paths import UnsafePathError, safe_relative_path, slugify
from ...transforms.fields import split_authors, year_of
from .codec import (
    DEFAULT_CONFIG,
    GENERATED_PAGES,
    HEADER_LINKS,
    KIND_FLAGS,
    PAGE_LAYOUTS,
    PUBLIST_KEYS,
    PUBPIC,
    venue_from_conf,
)
from .header import HEADER_FILE, navigation, served_urls, with_navigation

#: Publist keys the writer sets itself; an ``extra`` key of the same name is not written.
MANAGED_KEYS = PUBLIST_KEYS | {"link_display"}
WORKS_LABEL = "Example recent work:"


class AllanlabWriter(Writer):
    name = "allanlab"

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        files = FileSet()
        lab = model.site.title or model.site.name or "Lab"
        files.add("_config.yml", _config(model, ctx))
        files.add("_data/publist.yml", _publist(model, ctx))
        _write_items(model, files, ctx)
        _write_kept_data(model, files, ctx)
        files.add("_pages/publications.md", _publications_page(model, lab, ctx))
        slots = _project_slots(model)
        publications_url = _publications_url(model, lab)
        links = _links(model, publications_url, slots)
        body = CarriedText(ctx, links, theme_target("allanlab", files, ctx,
                                                _citations(model, publications_url)))
        if model.themes or _page_with_role(model, "research"):
            files.add("_pages/research.md", _research_page(model, lab, body, slots))
        _write_projects(model, lab, files, body, slots)
        written = _write_pages(model, files, body)
        if not _write_header(model, files, ctx, links, _listings(model, lab)):
            for page in written:
                _check_nav(page, ctx)
        return files


def _citations(model: Model, publications_url: str) -> Callable[[list[str]], str]:
    """``{% cite a b %}`` -> links to the entries on the publications page."""
    titles = {pub.id: pub.title for pub in model.publications}

    def cite(keys: list[str]) -> str:
        return "; ".join(f"[{_one_line(titles[k])}]({publications_url})" if k in titles else k
                         for k in keys)

    return cite


# --- config ---------------------------------------------------------------------------------

def _site_values(model: Model) -> dict[str, Any]:
    site = model.site
    return {"title": site.title or site.name, "email": site.email,
            "description": site.description, "baseurl": site.baseurl or "",
            "url": site.url or ""}


def _config(model: Model, ctx: WriteContext) -> str:
    """``_config.yml``: our keys merged into the existing one (comments kept), or a fresh one."""
    config = ctx.existing_config()
    if config is None:
        fresh = {k: v for k, v in _site_values(model).items() if v is not None}
        rest = model.site.extra.get("allanlab_config")
        rest = rest if isinstance(rest, dict) else DEFAULT_CONFIG
        fresh.update({k: v for k, v in rest.items() if k not in fresh})
        _report_unwritten_settings(model, ctx, fresh)
        complete_config(fresh, "allanlab", fresh=True)
        return dump_config(fresh)
    values = _site_values(model)
    merged = merge_config(config, values, optional=tuple(values))
    _report_unwritten_settings(model, ctx, merged)
    complete_config(merged, "allanlab", fresh=False)
    return dump_config(merged)


def _report_unwritten_settings(model: Model, ctx: WriteContext, written: Any) -> None:
    """Settings of the source the written config does not hold (data files are written by
    ``_write_kept_data``)."""
    report_unwritten(ctx, model.site, ("allanlab_data",), "the Allan lab template",
                     skip=lambda s: s.kind == "config" and s.name in written)


# --- publications ---------------------------------------------------------------------------

def _publist(model: Model, ctx: WriteContext) -> str:
    entries = [_publist_entry(pub, ctx) for pub in model.publications]
    return dump_yaml(entries) if entries else "[]\n"


def _publist_entry(pub: Publication, ctx: WriteContext) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": pub.id, "title": pub.title}
    image = pub.image
    if image and image.startswith(PUBPIC):
        image = image[len(PUBPIC):]
    entry["image"] = image
    entry["description"] = pub.abstract
    joined = ", ".join(pub.authors)
    entry["authors"] = joined  # always present: both publist loops print it
    if split_authors(joined or None) != pub.authors:
        entry["authors_list"] = list(pub.authors)
    display = pub.extra.get("link_display")
    if display is None:
        display = _display(pub.venue, pub.year)
    entry["link"] = _link(pub, display)
    clashing = {k: v for k, v in sorted(pub.links.items()) if k in ("url", "display")}
    if clashing:
        entry["extra_links"] = clashing
    entry["highlight"] = 1 if pub.selected else 0
    entry["news1"] = pub.award
    if (venue_from_conf(pub.extra.get("conf")) or display) != pub.venue:
        entry["venue"] = pub.venue or ""
    date = pub.extra.get("date", pub.date)
    if (year_of(pub.venue) or year_of(date)) != pub.year:
        entry["year"] = pub.year
    if pub.kind and _flag_kind(pub.extra) != pub.kind:
        entry["kind"] = pub.kind
    entry["date"] = date
    if pub.identifiers:
        entry["identifiers"] = dict(pub.identifiers)
    if pub.citation:
        entry["citation"] = pub.citation
    for key, value in pub.extra.items():
        if key in MANAGED_KEYS:
            if key not in ("link_display", "date"):
                _lost(ctx, pub, f"extra key {key!r} clashes with a publist key; not written")
            continue
        entry[key] = value
    return {k: v for k, v in entry.items() if v is not None or k == "year"}


def _display(venue: str | None, year: int | None) -> str | None:
    if venue and year is not None and str(year) not in venue:
        return f"{venue} ({year})"
    if venue:
        return venue
    return str(year) if year is not None else None


def _link(pub: Publication, display: str | None) -> dict[str, Any]:
    link: dict[str, Any] = {}
    links = dict(pub.links)
    html = links.pop("html", None)
    if html and not (html.lower().endswith(".pdf") and "pdf" not in pub.links):
        link["url"] = html
    elif html:
        link["html"] = html
    elif links.get("pdf", "").lower().endswith(".pdf"):
        link["url"] = links.pop("pdf")
    link["display"] = display
    for label in sorted(links):
        if label in ("url", "display"):
            continue  # written under extra_links
        link[label] = links[label]
    return {k: v for k, v in link.items() if v is not None}


def _flag_kind(extra: dict[str, Any]) -> str | None:
    for flag in KIND_FLAGS:
        if extra.get(flag) in (1, "1"):
            return flag
    return None


def _lost(ctx: WriteContext, pub: Publication, message: str) -> None:
    origin = pub.origin
    ctx.report_at(SETTING_DROPPED, f"{pub.id}: {message}", origin,
               hint="nothing to do unless a layout of yours shows that field")


def _page_with_role(model: Model, role: str) -> Page | None:
    """The page a generated page takes over: the one named after the role, else the one at
    ``/role``, else the first; other pages with the role are written as ordinary pages."""
    pages = [p for p in model.pages if p.role == role]
    for fits in (lambda p: p.id == role,
                 lambda p: url_key(p.permalink or "") == f"/{role}"):
        chosen = next((p for p in pages if fits(p)), None)
        if chosen is not None:
            return chosen
    return pages[0] if pages else None


def _page_front(page: Page | None, lab: str, name: str, layout: str) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "title": page.title if page and page.title else f"{lab} - {name}",
        "layout": layout, "excerpt": f"{lab} -- {name}", "sitemap": False,
        "permalink": page.permalink if page and page.permalink else f"/{name.lower()}/"}
    if page:
        for key, value in page.extra.items():
            if key not in meta and key != "source_path":
                meta[key] = value
        meta["layout"] = layout
    return meta


def _publications_url(model: Model, lab: str) -> str:
    page = _page_with_role(model, "publications")
    return str(_page_front(page, lab, "Publications", "gridlay")["permalink"])


def _publications_page(model: Model, lab: str, ctx: WriteContext) -> str:
    page = _page_with_role(model, "publications")
    if page and page.body.strip() and "publi.highlight" not in page.body:
        origin = page.origin
        ctx.report_at(
            PAGE_TEXT_REPLACED,
            "publications page text replaced by the template's publist loops",
            origin,
        )
    body = "\n".join((
        "# Publications", "",
        "## Highlights", "",
        "{% assign shown = 0 %}",
        "{% for publi in site.data.publist %}",
        "{% if publi.highlight == 1 %}",
        "{% assign column = shown | modulo: 2 %}",
        "{% if column == 0 %}<div class=\"row\">{% endif %}",
        "<div class=\"col-sm-6 clearfix\">",
        " <div class=\"well\">",
        "  <pubtit>{{ publi.title }}</pubtit>",
        "  {% if publi.image %}<img src=\"{{ site.url }}{{ site.baseurl }}/images/pubpic/"
        "{{ publi.image }}\" class=\"img-responsive\" width=\"33%\" style=\"float: left\" />"
        "{% endif %}",
        "  <p>{{ publi.description }}</p>",
        "  <p><em>{{ publi.authors }}</em></p>",
        "  <p><strong><a href=\"{{ publi.link.url }}\">{{ publi.link.display }}</a></strong>"
        "</p>",
        "  <p class=\"text-danger\"><strong> {{ publi.news1 }}</strong></p>",
        "  <p> {{ publi.news2 }}</p>",
        " </div>",
        "</div>",
        "{% if column == 1 %}</div>{% endif %}",
        "{% assign shown = shown | plus: 1 %}",
        "{% endif %}",
        "{% endfor %}",
        "{% assign column = shown | modulo: 2 %}",
        "{% if column == 1 %}</div>{% endif %}", "",
        "<p> &nbsp; </p>", "",
        "## Full List of publications", "",
        "{% for publi in site.data.publist %}", "",
        "  {{ publi.title }} <br />",
        "  <em>{{ publi.authors }} </em><br /><a href=\"{{ publi.link.url }}\">"
        "{{ publi.link.display }}</a>", "",
        "{% endfor %}"))
    return render_front_matter(_page_front(page, lab, "Publications", "gridlay"), body)


# --- research -------------------------------------------------------------------------------

def _research_page(model: Model, lab: str, body: CarriedText, slots: ProjectSlots) -> str:
    page = _page_with_role(model, "research")
    meta = _page_front(page, lab, "Research", "textlay")
    meta.pop("themes", None)
    parts = ["# Research"]
    if page and page.body.strip():
        parts.append(_escape_body(body(page.body, page, meta)))
    titles = {p.id: p for p in model.publications}
    projects = {p.id: p for p in model.projects}
    for theme in model.themes:
        parts.extend(_theme_blocks(theme, 2, titles, projects, body, slots, meta))
    if not model.themes:  # so the reader does not take bold paragraphs for themes
        meta["themes"] = "none"
    return render_front_matter(meta, "\n\n".join(parts))


def _theme_blocks(theme: Theme, level: int, pubs: dict[str, Publication],
                  projects: dict[str, Project], carried: CarriedText, slots: ProjectSlots,
                  meta: dict[str, Any]) -> list[str]:
    blocks = [f"{'#' * min(level, 6)} {_one_line(theme.title)}"]
    body = carried((theme.body or "").strip(), theme, meta)
    summary = carried(theme.summary or "", theme, meta)
    if summary and _one_line(summary) not in _one_line(body):
        blocks.append(f"*{_one_line(summary)}*")
    if body:
        blocks.append(_escape_body(body))
    works = [pubs[i] for i in theme.publication_ids if i in pubs]
    if works:
        blocks.append(str(theme.extra.get("publications_label") or WORKS_LABEL))
        for number, pub in enumerate(works, start=1):
            year = f". {pub.year}" if pub.year is not None else ""
            blocks.append(f"[{number}] {_one_line(pub.title)}{year}")
    for project_id in theme.project_ids:
        project = projects.get(project_id)
        if project is not None:
            url = _project_permalink(project, slots)
            blocks.append(f"#### [{_one_line(project.title)}]({url})")
    for sub in theme.subthemes:
        blocks.extend(_theme_blocks(sub, level + 1, pubs, projects, carried, slots, meta))
    return blocks


def _one_line(text: str) -> str:
    return " ".join(text.split())


_BODY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_BODY_WORK = re.compile(r"^(\s*)\[(\d+)\]")


def _escape_body(body: str) -> str:
    """Body text that cannot be mistaken for theme headings or ``[n]`` work lines."""
    out: list[str] = []
    fenced = False
    for line in body.strip("\n").split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _BODY_HEADING.match(line)
        if heading:
            line = f"**{heading.group(1)}**"
        elif not fenced:
            line = _BODY_WORK.sub(r"\1\\[\2]", line)
        out.append(line)
    return "\n".join(out)


# --- links to items -------------------------------------------------------------------------

def _links(model: Model, publications_url: str, slots: ProjectSlots) -> PermalinkMap:
    """Projects move to their ``_pages/projects/`` page, publications to the publications page;
    other items have no page in the template."""
    urls = TargetUrls(publication=lambda _: publications_url,
                      project=lambda p: _project_permalink(p, slots), item=lambda _: None)
    return PermalinkMap.build(model, urls, "the Allan lab template")


# --- projects -------------------------------------------------------------------------------

#: (file, permalink) of each project's page, by ``id(project)``.
ProjectSlots = dict[int, tuple[str, str]]


def _project_slots(model: Model) -> ProjectSlots:
    """A file and URL per project, distinct even when two ids slug alike (``A b``/``a-b``)."""
    slots: ProjectSlots = {}
    taken: set[str] = set()
    for project in model.projects:
        stem = slug = slugify(project.id)
        n = 1
        while stem in taken:
            n += 1
            stem = f"{slug}-{n}"
        taken.add(stem)
        permalink = project.extra.get("permalink")
        slots[id(project)] = (f"_pages/projects/{stem}.md",
                              str(permalink) if permalink else f"/projects/{stem}/")
    return slots


def _project_permalink(project: Project, slots: ProjectSlots) -> str:
    return slots[id(project)][1]


def _write_projects(model: Model, lab: str, files: FileSet, body: CarriedText,
                    slots: ProjectSlots) -> None:
    if not model.projects:
        return
    listing = ["# Projects"]
    page = _page_with_role(model, "projects")
    meta = _page_front(page, lab, "Projects", "textlay")
    intro = page.body.strip("\n") if page else ""
    if "{%" in intro:
        origin = page.origin if page else None
        body.ctx.report_at(
            PAGE_TEXT_REPLACED,
            "projects page text with Liquid loops replaced by the list of project pages",
            origin,
        )
    elif intro and page:
        listing.append(_escape_body(body(intro, page, meta)))
    by_category: dict[str | None, list[Project]] = defaultdict(list)
    for project in model.projects:
        by_category[project.category].append(project)
    for category, projects in sorted(by_category.items(), key=lambda kv: kv[0] is not None):
        if category:
            listing.append(f"### {_one_line(category)}")
        for project in projects:
            path, url = slots[id(project)]
            listing.append(f"#### [{_one_line(project.title)}]({url})")
            files.add(path, _project_page(project, lab, body, url))
    files.add("_pages/projects.md", render_front_matter(meta, "\n\n".join(listing)))


def _project_page(project: Project, lab: str, body: CarriedText, permalink: str) -> str:
    meta: dict[str, Any] = {
        "title": project.title, "layout": "textlay",
        "excerpt": project.extra.get("allanlab_excerpt") or f"{lab} -- {project.title}",
        "sitemap": False, "permalink": permalink,
        "description": project.description, "image": project.image,
        "category": project.category, "order": project.order,
        "links": dict(sorted(project.links.items())) or None,
        "publications": list(project.publication_ids) or None}
    for key, value in project.extra.items():
        if key not in meta and key != "allanlab_excerpt":
            meta[key] = value
    parts = [f"# {_one_line(project.title)}"]
    if project.body:
        parts.append(body(project.body.strip("\n"), project, meta))
    if project.links:
        items = "\n".join(f"- [{label}]({url})" for label, url in sorted(project.links.items()))
        parts.append(f"<!-- links -->\n{items}\n<!-- /links -->")
    return render_front_matter(meta, "\n\n".join(parts))


# --- team, news, other data -----------------------------------------------------------------

def _write_items(model: Model, files: FileSet, ctx: WriteContext) -> None:
    by_collection: dict[str, list[Item]] = defaultdict(list)
    for item in model.items:
        by_collection[item.collection].append(item)
    for collection, items in by_collection.items():
        if collection == "people":
            _write_grouped(files, items, "team_members", _person)
        elif collection == "news":
            _write_grouped(files, items, "news", _news)
        else:
            name = slugify(collection)
            files.add(f"_data/{name}.yml", dump_yaml([_generic_item(i) for i in items]))
            first = items[0].origin
            ctx.report(
                RECORD_DROPPED,
                f"{len(items)} {collection} item(s) have no place in the Allan lab "
                f"template; kept in _data/{name}.yml, which no page shows",
                first.file if first else None,
                first.line if first else None,
                hint=f"add a page that loops over site.data.{name}, or move the items into "
                "news or a text page",
            )


def _write_grouped(files: FileSet, items: list[Item], default: str, convert: Any) -> None:
    groups: dict[str, dict[str | None, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list))
    for item in items:
        # the template's layouts read site.data.team_members: keep the underscores
        data_file = "_".join(slugify(part) for part in
                             str(item.extra.get("data_file") or default).split("_"))
        key = item.extra.get("data_key")
        groups[data_file][str(key) if key is not None else None].append(convert(item))
    for data_file, by_key in groups.items():
        if list(by_key) == [None]:
            content: Any = by_key[None]
        else:
            content = {k if k is not None else "items": v for k, v in by_key.items()}
        files.add(f"_data/{data_file}.yml", dump_yaml(content))


def _person(item: Item) -> dict[str, Any]:
    person: dict[str, Any] = {"name": item.title or item.id}
    for key, value in item.extra.items():
        if key not in ("data_file", "data_key", "name"):
            person[key] = value
    educations = [k for k in person if re.fullmatch(r"education\d+", k) and person[k]]
    if educations:
        person["number_educ"] = len(educations)
    return person


def _news(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": item.extra.get("date") or item.date}
    for key, value in item.extra.items():
        if key not in ("data_key", "date", "headline"):
            entry[key] = value
    title, body = (item.title or "").strip(), (item.body or "").strip()
    # the template shows one headline: a news post's title goes in front of its text
    entry["headline"] = f"{title}: {body}" if title and body and title not in body else \
        item.body or item.title or ""
    return entry


def _generic_item(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id, "title": item.title, "date": item.date}
    data.update({k: v for k, v in item.extra.items() if k not in data})
    if item.body:
        data["body"] = item.body
    return {k: v for k, v in data.items() if v is not None}


def _write_kept_data(model: Model, files: FileSet, ctx: WriteContext) -> None:
    kept = model.site.extra.get("allanlab_data")
    if not isinstance(kept, dict):
        return
    for rel, data in sorted(kept.items()):
        try:
            path = safe_relative_path(f"_data/{rel}")
        except UnsafePathError:
            ctx.report(PATH_ESCAPE, f"data file name {rel!r} is not a safe path; not written")
            continue
        if path in files:
            continue
        files.add(path, data if isinstance(data, str) else dump_yaml(data))


# --- other pages ----------------------------------------------------------------------------

def _listings(model: Model, lab: str) -> list[tuple[str, str]]:
    """(title, URL) of the pages this writer generates, for the header."""
    listings = [("Publications", _publications_url(model, lab))]
    if model.themes or _page_with_role(model, "research"):
        page = _page_with_role(model, "research")
        listings.append(("Research", str(_page_front(page, lab, "Research", "x")["permalink"])))
    return listings


def _write_header(model: Model, files: FileSet, ctx: WriteContext, links: PermalinkMap,
                  listings: list[tuple[str, str]]) -> bool:
    """Rewrite the header's navigation (``header.py``) when the template's header is at hand;
    False when it is not, or is a fork's own that the rewrite does not recognise."""
    data = ctx.existing(HEADER_FILE)
    if data is None:
        return False
    entries = navigation(model, links, served_urls(files), listings)
    header = with_navigation(data.decode("utf-8", "replace"), entries)
    if header is None:
        return False
    files.add(HEADER_FILE, header)
    return True


def _write_pages(model: Model, files: FileSet, body: CarriedText) -> list[Page]:
    """Write the source's pages (other than those a generated page takes over); return them."""
    written: list[Page] = []
    for page in model.pages:
        generated = page.role != "projects" or model.projects  # else no projects page
        if page.role in GENERATED_PAGES and generated and \
                page is _page_with_role(model, page.role):
            continue
        source = str(page.extra.get("source_path") or f"{slugify(page.id)}.md")
        try:
            path = files.unique_path(f"_pages/{source}")
        except UnsafePathError:
            path = files.unique_path(f"_pages/{slugify(page.id)}.md")
        layout = page.extra.get("layout")
        foreign = layout if layout is not None and layout not in PAGE_LAYOUTS else None
        meta: dict[str, Any] = {
            "title": page.title, "layout": layout if layout in PAGE_LAYOUTS else "textlay",
            "permalink": page.permalink,
            "source_layout": page.extra.get("source_layout") or foreign}
        for key, value in page.extra.items():
            if key not in meta and key not in ("layout", "source_path"):
                meta[key] = value
        files.add(path, render_front_matter(meta, body(page.body, page, meta)))
        written.append(page)
    return written


def _check_nav(page: Page, ctx: WriteContext) -> None:
    if page.nav and page.permalink and url_key(page.permalink) not in HEADER_LINKS:
        origin = page.origin
        ctx.report_at(
            LINK_CHANGED,
            f"page {page.id!r} was in the navigation; the Allan lab header "
            "(_includes/header.html) is hard-coded and has no link to it",
            origin,
            hint=f"add a link to {page.permalink} in _includes/header.html",
        )


WRITER = AllanlabWriter()
