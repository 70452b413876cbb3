"""Writer for a Quarto website: ``_quarto.yml``, an about page, listing pages over one
``.qmd`` file per record, and every other page as ``.qmd``.

Files:

* ``_quarto.yml``: ``project: {type: website}``, the site title and description, and a
  navbar with the home page, the pages of the source's navigation and every listing page;
* ``index.qmd``: the profile as a Quarto about page (``about.template`` from
  ``converters/quarto.yml``, the avatar, one link per social profile and the email), with the
  text of the source's home or about page;
* ``publications.qmd``: a Quarto listing over ``publications/*.qmd``, one file per
  publication.  One file per publication rather than a YAML listing: each publication gets a
  page of its own with its abstract, every link as Markdown, the citation and Quarto's
  ``citation:`` metadata (Google Scholar tags, a BibTeX appendix), and the listing reads
  title, authors, date, venue and kind from the same front matter.  Undated publications get
  no ``date``; a date known only to the year or month is shown as such (``date-format``);
* ``projects.qmd`` over ``projects/*.qmd`` (a grid), one listing per item collection
  (``talks.qmd`` over ``talks/*.qmd``…), ``research.qmd`` with the research themes;
* every other page at the path its permalink names (``/teaching/`` -> ``teaching.qmd``).

A page's old URL (and its ``redirect_from``) becomes a Quarto ``aliases`` entry when the new
one differs, so old links keep working.  Quarto runs no Liquid: bodies go through
``foreign_liquid`` with the values Quarto has (``site.baseurl`` is the site root), and every
other tag is removed, reported and kept under ``sitemigrate_liquid``.  Fields Quarto has no
key for are kept under ``sitemigrate_extra`` (Quarto ignores it; no Quarto key is shadowed).
"""

from __future__ import annotations

import re
from typing import Any

from ...assets import site_assets
from ...common.foreign_liquid import (
    LIQUID_KEY,
    LiquidTarget,
    intro_above_listing,
    is_foreign_listing,
    theme_target,
)
from ...common.links import CarriedText, PermalinkMap, TargetUrls, source_permalink
from ...common.settings import report_unwritten
from ...common.urls import url_key
from ...common.writer import WriteContext, Writer
from ...diagnostics import LINK_CHANGED, PAGE_TEXT_REPLACED
from ...fileset import FileSet
from ...model import Item, Model, Page, Project, Publication, Theme
from ...parsing.config_yaml import dump_config, merge_config
from ...parsing.csl import KIND_TO_CSL
from ...parsing.front_matter import render_front_matter
from ...parsing.yamldump import dump_yaml
from ...paths import UnsafePathError, safe_relative_path, slugify
from ...transforms.socials import normalize_social
from .codec import ABOUT_TEMPLATE, CONFIG_FILE, PUBLICATION_FIELDS, SOCIAL_ICONS

#: front-matter key keeping what Quarto has no key for
EXTRA_KEY = "sitemigrate_extra"
#: how a publication's kind is named in the listing's categories
KIND_LABELS = {"journal": "Journal article", "conference": "Conference paper",
               "workshop": "Workshop paper", "preprint": "Preprint", "book": "Book",
               "chapter": "Book chapter", "thesis": "Thesis", "report": "Report",
               "patent": "Patent", "talk": "Talk", "poster": "Poster",
               "software": "Software", "dataset": "Dataset", "misc": "Other"}
#: link labels as a visitor reads them
LINK_TEXT = {"pdf": "PDF", "html": "Web page", "doi": "DOI", "arxiv": "arXiv", "code": "Code",
             "slides": "Slides", "poster": "Poster", "video": "Video", "website": "Website",
             "bibtex": "BibTeX", "supp": "Supplement", "blog": "Blog post", "data": "Data"}
#: what ``{{ … }}`` outputs of the source render as in a Quarto site (served from its root)
LIQUID_VALUES = {"site.baseurl": "", "base_path": "", "site.url": ""}
#: source front-matter keys that are Jekyll's own machinery, not content (not carried)
JEKYLL_KEYS = frozenset({"layout", "permalink", "redirect_from", "source_path", "nav",
                         "nav_order", "author_profile", "sitemap", "collection"})


class QuartoWriter(Writer):
    name = "quarto"

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        return _Site(model, ctx).write()


class _Site:
    """One run of the writer: the file of every record first, then their contents."""

    def __init__(self, model: Model, ctx: WriteContext) -> None:
        self.model = model
        self.ctx = ctx
        self.files = FileSet()
        self.taken: set[str] = {CONFIG_FILE}
        self.paths: dict[int, str] = {}  #: id(record) -> its .qmd file
        self.home = _home_page(model)
        self.listings: dict[str, str] = {}  #: collection -> listing file
        self.listing_pages: dict[str, Page | None] = {}
        self.nav: list[tuple[str, str]] = []  #: (text, file), in navbar order
        self.research = ""  #: the research page's file, when the model has themes

    # --- placing every record ---------------------------------------------------------------

    def _claim(self, wanted: str) -> str:
        try:
            path = safe_relative_path(wanted)
        except UnsafePathError:
            path = "page.qmd"
        stem, suffix = path.rsplit(".", 1)
        n = 1
        while path.lower() in self.taken:
            n += 1
            path = f"{stem}-{n}.{suffix}"
        self.taken.add(path.lower())
        return path

    def _place(self) -> None:
        model = self.model
        if self.home is not None:
            self.paths[id(self.home)] = self._claim("index.qmd")
        else:
            self._claim("index.qmd")
        collections: dict[str, list[Publication | Project | Item]] = {}
        if model.publications:
            collections["publications"] = list(model.publications)
        if model.projects:
            collections["projects"] = list(model.projects)
        for item in model.items:
            collections.setdefault(item.collection, []).append(item)
        for collection, records in collections.items():
            page = _page_with_role(model, collection, exclude=self.home)
            name = slugify(collection)
            if isinstance(records[0], Item) and name in ("publications", "projects", "index"):
                name = f"{name}-items"
            listing = self._claim(f"{name}.qmd")
            self.listings[collection] = listing
            self.listing_pages[collection] = page
            if page is not None:
                self.paths[id(page)] = listing
            folder = listing[:-len(".qmd")]
            for record in records:
                self.paths[id(record)] = self._claim(f"{folder}/{slugify(record.id)}.qmd")
        if model.themes:
            page = _page_with_role(model, "research", exclude=self.home)
            self.research = self._claim("research.qmd")
            if page is not None:
                self.paths[id(page)] = self.research
        folders = {listing[:-len(".qmd")] for listing in self.listings.values()}
        for page in model.pages:
            if id(page) not in self.paths:
                wanted = _page_file(page)
                if wanted.split("/", 1)[0] in folders:  # a listing would list it
                    wanted = f"pages/{wanted}"
                self.paths[id(page)] = self._claim(wanted)

    def url(self, record: object) -> str | None:
        path = self.paths.get(id(record))
        return "/" + path if path else None

    # --- writing ----------------------------------------------------------------------------

    def write(self) -> FileSet:
        self._place()
        model = self.model
        urls = TargetUrls(publication=self.url, project=self.url, item=self.url, page=self.url)
        self.links = PermalinkMap.build(model, urls, "the Quarto site")
        titles = {p.id: (p.title, self.url(p)) for p in model.publications}
        self.liquid: LiquidTarget = theme_target(
            "quarto", self.files, self.ctx,
            lambda keys: "; ".join(f"[{_one_line(titles[k][0])}]({titles[k][1]})"
                                   if k in titles else k for k in keys),
            dict(LIQUID_VALUES, **{"site.title": model.site.title or ""}))
        self.carried = CarriedText(self.ctx, self.links, self.liquid)
        self._write_home()
        for collection, listing in self.listings.items():
            self._write_listing(collection, listing)
        for pub in model.publications:
            self._write_publication(pub)
        for project in model.projects:
            self._write_project(project)
        for item in model.items:
            self._write_item(item)
        if model.themes:
            self._write_research()
        for page in model.pages:
            if page is self.home or self.paths[id(page)] in self.listings.values() or (
                    model.themes and self.paths[id(page)] == self.research):
                continue
            self._write_page(page)
        self.files.add(CONFIG_FILE, self._config())
        report_unwritten(self.ctx, model.site, ("site_description",), "Quarto")
        return self.files

    def body(self, text: str, record: Page | Project | Publication | Item | Theme,
             meta: dict[str, Any]) -> str:
        """Carried text with links following the records and no Liquid left."""
        return self.carried(text, record, meta)

    def _aliases(self, record: Page | Project | Publication | Item) -> list[str] | None:
        """The record's old URL and its ``redirect_from`` entries, where they differ from
        the new one: Quarto writes a redirect page at each."""
        new = url_key(self.url(record) or "")
        extra = record.extra
        old = [source_permalink(record), *_strings(extra.get("redirect_from"))]
        out = []
        for url in old:
            if url and "{{" not in url and "://" not in url and url_key(url) not in (new, "/") \
                    and url not in out:
                out.append(url)
        return out or None

    def _add(self, path: str, meta: dict[str, Any], body: str) -> None:
        self.files.add(path, render_front_matter(meta, body))

    # --- home -------------------------------------------------------------------------------

    def _write_home(self) -> None:
        site = self.model.site
        page = self.home
        meta: dict[str, Any] = {
            "title": site.name or site.title or (page.title if page else None) or "Home",
            "subtitle": ", ".join(v for v in (site.role, site.affiliation, site.location)
                                  if v) or None,
            "image": _local(self._avatar())}
        about: dict[str, Any] = {"template": ABOUT_TEMPLATE}
        if meta["image"]:
            about["image-shape"] = "round"
        links = self._social_links()
        if links:
            about["links"] = links
        meta["about"] = about
        text = ""
        if page is not None:
            meta["aliases"] = self._aliases(page)
            meta[EXTRA_KEY] = _extra(page.extra) or None
            text = self.body(page.body, page, meta)
        elif site.description:
            text = site.description
        self._add("index.qmd", meta, text)

    def _avatar(self) -> str | None:
        """The avatar: a URL, or its site-relative path (the file is copied along)."""
        return self.model.site.avatar

    def _social_links(self) -> list[dict[str, str]]:
        links: list[dict[str, str]] = []
        socials = dict(self.model.site.socials)
        if self.model.site.email and "email" not in socials:
            socials["email"] = self.model.site.email
        for key, value in socials.items():
            social = normalize_social(key, value)
            if not social.url:
                self.ctx.report(LINK_CHANGED, f"social link {key}: {value!r} is not a URL "
                                "Quarto can link; not shown", _site_file(self.model))
                continue
            link = {"text": key if social.service not in SOCIAL_ICONS else
                    social.service.replace("_", " ").title(), "href": social.url}
            icon = SOCIAL_ICONS.get(social.service)
            if icon:
                link["icon"] = icon
            links.append(link)
        return links

    # --- listings ---------------------------------------------------------------------------

    def _write_listing(self, collection: str, path: str) -> None:
        page = self.listing_pages.get(collection)
        folder = path[:-len(".qmd")]
        title = (page.title if page and page.title else collection.replace("_", " ").title())
        listing: dict[str, Any] = {"id": f"{slugify(collection)}-listing",
                                   "contents": f"{folder}/*.qmd", "sort": "date desc",
                                   "type": "default", "categories": True,
                                   "sort-ui": True, "filter-ui": True}
        if collection == "publications":
            listing["fields"] = list(PUBLICATION_FIELDS)
            listing["date-format"] = "YYYY"
            listing["sort"] = ["date desc", "title"]
        elif collection == "projects":
            listing["type"] = "grid"
            listing["sort"] = ["order", "title"] if any(
                p.order is not None for p in self.model.projects) else "title"
            listing.pop("categories")
        meta: dict[str, Any] = {"title": title, "listing": listing}
        text = ""
        if page is not None:
            meta["aliases"] = self._aliases(page)
            meta[EXTRA_KEY] = _extra(page.extra) or None
            text = page.body
            if "{%" in text or "{{" in text:
                intro = intro_above_listing(text)
                if is_foreign_listing(text, "listing:"):
                    origin = page.origin
                    self.ctx.report_at(PAGE_TEXT_REPLACED, f"{collection} page: the source's "
                                    "Liquid listing is replaced by a Quarto listing",
                                    origin)
                    meta[LIQUID_KEY] = [text[len(intro):].strip("\n")] \
                        if text[len(intro):].strip() else None
                    text = intro
            text = self.body(text, page, meta)
        self._add(path, meta, text)
        self.nav.append((title, path))

    # --- records ----------------------------------------------------------------------------

    def _write_publication(self, pub: Publication) -> None:
        meta: dict[str, Any] = {"title": pub.title, "author": list(pub.authors) or None}
        if pub.date or pub.year is not None:
            date = pub.date if pub.date and pub.date[:4] == str(pub.year) else str(pub.year)
            meta["date"] = date
            meta["date-format"] = {4: "YYYY", 7: "MMMM YYYY"}.get(len(date))
        categories = [KIND_LABELS.get(pub.kind or "", "Other")]
        if pub.selected:
            categories.append("Selected")
        meta["categories"] = categories
        meta["venue"] = pub.venue
        if pub.abstract:
            meta["description"] = _first_paragraph(pub.abstract)
        meta["doi"] = pub.identifiers.get("doi")
        meta["image"] = _local(pub.image)
        citation: dict[str, Any] = {"type": KIND_TO_CSL.get(pub.kind or "misc",
                                                            ("document", None))[0]}
        if pub.venue:
            citation["container-title"] = _one_line(pub.venue)
        if pub.identifiers.get("doi"):
            citation["doi"] = pub.identifiers["doi"]
        url = pub.links.get("html") or pub.links.get("pdf")
        if url and "://" in url:
            citation["url"] = url
        meta["citation"] = citation
        meta["aliases"] = self._aliases(pub)
        extra = _extra(pub.extra)
        for key, value in (("id", pub.id), ("identifiers", pub.identifiers),
                           ("award", pub.award), ("kind", pub.kind)):
            if value:
                extra[key] = value
        meta[EXTRA_KEY] = extra or None
        parts = []
        line = ", ".join(x for x in (f"*{_one_line(pub.venue)}*" if pub.venue else "",
                                     str(pub.year) if pub.year is not None else "") if x)
        if line:
            parts.append(line)
        if pub.award:
            parts.append(f"**{_one_line(pub.award)}**")
        if pub.links:
            parts.append(_links_markdown(pub.links))
        if pub.abstract:
            parts.append("## Abstract\n\n" + self.body(pub.abstract, pub, meta))
        if pub.citation:
            parts.append("## Citation\n\n> " + _one_line(pub.citation))
        self._add(self.paths[id(pub)], meta, "\n\n".join(parts))

    def _write_project(self, project: Project) -> None:
        meta: dict[str, Any] = {"title": project.title, "description": project.description,
                                "image": _local(project.image), "date": project.date,
                                "order": project.order,
                                "categories": [project.category] if project.category else None,
                                "aliases": self._aliases(project)}
        extra = _extra(project.extra)
        if project.publication_ids:
            extra["publications"] = list(project.publication_ids)
        meta[EXTRA_KEY] = extra or None
        parts = []
        if project.body:
            parts.append(self.body(project.body, project, meta))
        if project.links:
            parts.append(_links_markdown(project.links))
        pubs = {p.id: p for p in self.model.publications}
        related = [pubs[i] for i in project.publication_ids if i in pubs]
        if related:
            parts.append("## Publications\n\n" + "\n".join(
                f"- [{_one_line(p.title)}]({self.url(p)})" for p in related))
        self._add(self.paths[id(project)], meta, "\n\n".join(parts))

    def _write_item(self, item: Item) -> None:
        date = item.date or _text(item.extra.get("date"))
        title = item.title or (date and f"{item.collection.title()} {date}") or item.id
        meta: dict[str, Any] = {"title": title, "date": date,
                                "aliases": self._aliases(item)}
        extra = _extra(item.extra)
        where = [v for v in (extra.get("venue"), extra.get("location")) if isinstance(v, str)]
        meta["subtitle"] = ", ".join(where) or None  # a talk's venue under its title
        meta[EXTRA_KEY] = extra or None
        self._add(self.paths[id(item)], meta, self.body(item.body, item, meta))

    def _write_research(self) -> None:
        page = _page_with_role(self.model, "research", exclude=self.home)
        meta: dict[str, Any] = {"title": page.title if page and page.title else "Research"}
        parts = []
        if page is not None:
            meta["aliases"] = self._aliases(page)
            meta[EXTRA_KEY] = _extra(page.extra) or None
            if page.body.strip():
                parts.append(self.body(page.body, page, meta))
        pubs = {p.id: p for p in self.model.publications}
        projects = {p.id: p for p in self.model.projects}
        for theme in self.model.themes:
            parts.extend(self._theme(theme, 2, pubs, projects, meta))
        self._add(self.research, meta, "\n\n".join(parts))
        self.nav.append((str(meta["title"]), self.research))

    def _theme(self, theme: Theme, level: int, pubs: dict[str, Publication],
               projects: dict[str, Project], meta: dict[str, Any]) -> list[str]:
        blocks = [f"{'#' * min(level, 6)} {_one_line(theme.title)}"]
        if theme.summary and _one_line(theme.summary) not in _one_line(theme.body or ""):
            blocks.append(f"*{_one_line(self.body(theme.summary, theme, meta))}*")
        if theme.body:
            blocks.append(self.body(theme.body.strip("\n"), theme, meta))
        listed = [f"- [{_one_line(pubs[i].title)}]({self.url(pubs[i])})"
                  for i in theme.publication_ids if i in pubs]
        listed += [f"- [{_one_line(projects[i].title)}]({self.url(projects[i])})"
                   for i in theme.project_ids if i in projects]
        if listed:
            blocks.append("\n".join(listed))
        for sub in theme.subthemes:
            blocks.extend(self._theme(sub, level + 1, pubs, projects, meta))
        return blocks

    def _write_page(self, page: Page) -> None:
        path = self.paths[id(page)]
        meta: dict[str, Any] = {"title": page.title or page.id,
                                "aliases": self._aliases(page)}
        if page.nav_order is not None:
            meta["order"] = page.nav_order
        meta[EXTRA_KEY] = _extra(page.extra) or None
        self._add(path, meta, self.body(page.body, page, meta))

    # --- _quarto.yml ------------------------------------------------------------------------

    def _config(self) -> str:
        site = self.model.site
        website: dict[str, Any] = {"title": site.title or site.name or "Home"}
        described = site.extra.get("site_description") or site.description
        if isinstance(described, str) and described.strip():
            website["description"] = _one_line(described)
        if site.url and "://" in site.url:
            website["site-url"] = site.url.rstrip("/") + (site.baseurl or "").rstrip("/")
        website["navbar"] = {"left": self._navbar()}
        project: dict[str, Any] = {"type": "website"}
        # files the pages reference are copied into the project (assets.py); Quarto copies
        # what a page links, `resources` also what only front matter or raw HTML names
        resources = sorted({ref.rel.split("/", 1)[0] + "/**" if "/" in ref.rel else ref.rel
                            for ref in site_assets(self.model)})
        if resources:
            project["resources"] = resources
        fresh = {"project": project, "website": website,
                 "format": {"html": {"theme": "cosmo", "toc": True}}}
        existing = self.ctx.existing_config(CONFIG_FILE)
        if existing is None:
            return dump_yaml(fresh)
        # a Quarto project already there (--onto a template, -o an existing site): ours
        # merged in, its comments, format and other settings kept
        merge_config(existing, {"project": fresh["project"], "website": website},
                     merge=("project", "website"))
        if "format" not in existing:
            existing["format"] = fresh["format"]
        return dump_config(existing)


    def _navbar(self) -> list[dict[str, str]]:
        home = self.home.title if self.home is not None and self.home.title else "Home"
        entries = [{"href": "index.qmd", "text": _one_line(home)}]
        seen = {"index.qmd"}
        by_url = {url_key(source_permalink(p) or ""): self.paths[id(p)] for p in self.model.pages
                  if source_permalink(p)}
        nav = self.model.site.navigation
        wanted: list[tuple[str, str | None]] = [(str(n.get("title") or ""), n.get("url"))
                                                for n in nav if isinstance(n, dict)]
        if not wanted:
            pages = sorted((p for p in self.model.pages if p.nav),
                           key=lambda p: (p.nav_order is None, p.nav_order or 0))
            wanted = [(p.title or p.id, source_permalink(p) or f"/{self.paths[id(p)]}")
                      for p in pages]
        for text, url in wanted:
            if not url:
                continue
            if "://" in url or url.startswith("mailto:"):
                entries.append({"href": url, "text": text or url})
                continue
            path = by_url.get(url_key(url)) or (
                "index.qmd" if url_key(url) == "/" else None)
            if path is None:
                path = next((f for t, f in self.nav if url_key(url) == url_key("/" + f)), None)
            if path is None:
                self.ctx.report(LINK_CHANGED, f"navigation entry {text!r} ({url}) names no "
                                "page of the site; left out of the navbar",
                                _site_file(self.model))
                continue
            if path not in seen:
                entries.append({"href": path, "text": text or path})
                seen.add(path)
        for text, path in self.nav:  # every listing is reachable
            if path not in seen:
                entries.append({"href": path, "text": text})
                seen.add(path)
        return entries


# --- helpers --------------------------------------------------------------------------------

def _home_page(model: Model) -> Page | None:
    return next((p for p in model.pages if p.permalink and url_key(p.permalink) == "/"),
                None) or next((p for p in model.pages if p.role == "about"), None)


def _page_with_role(model: Model, role: str, exclude: Page | None) -> Page | None:
    """The page a generated page takes over: the one named after the role, else the one at
    ``/role``, else the first with the role; without any, a page of no role named after it
    or at ``/role`` (al-folio's talks page, a loop over ``site.talks``)."""
    pages = [p for p in model.pages if p.role == role and p is not exclude]
    named = (lambda p: p.id == role, lambda p: url_key(p.permalink or "") == f"/{role}")
    for fits in named:
        chosen = next((p for p in pages if fits(p)), None)
        if chosen is not None:
            return chosen
    if pages:
        return pages[0]
    return next((p for fits in named for p in model.pages
                 if p.role is None and p is not exclude and fits(p)), None)


def _page_file(page: Page) -> str:
    """``/teaching/`` -> ``teaching.qmd``, ``/a/b.html`` -> ``a/b.qmd``, else the id."""
    key = url_key(page.permalink or "", keep_case=True) if page.permalink else ""
    parts = [slugify(part) for part in key.strip("/").split("/") if part] if key else []
    if not parts:
        parts = [slugify(page.id)]
    return "/".join(parts) + ".qmd"


def _extra(extra: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in extra.items() if k not in JEKYLL_KEYS and v is not None}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value).strip() else None


def _local(path: str | None) -> str | None:
    """An image path as Quarto resolves it: project-absolute for files of the site."""
    if not path:
        return None
    if "://" in path or path.startswith("/"):
        return path
    return "/" + path


def _links_markdown(links: dict[str, str]) -> str:
    return " · ".join(f"[{LINK_TEXT.get(label, label.replace('_', ' ').title())}]"
                      f"({url.strip().replace(' ', '%20')})"  # a space would end the link
                      for label, url in links.items())


def _one_line(text: str) -> str:
    return " ".join(text.split())


_PARAGRAPH = re.compile(r"\n\s*\n")


def _first_paragraph(text: str) -> str:
    return _one_line(_PARAGRAPH.split(text.strip(), 1)[0])


def _site_file(model: Model) -> str | None:
    return model.site.origin.file if model.site.origin else None


WRITER = QuartoWriter()
