"""Writer for the academicpages theme (themes.md §2 and §8).

Emits ``_publications/YYYY-MM-DD-<id>.md`` (always a ``citation``, an ``authors`` list and a
``category`` declared in ``publication_category``), ``_portfolio/`` for projects, ``_talks/``,
``_teaching/``, ``_posts/`` and declared extra collections for items, ``_pages/`` with
``_data/navigation.yml``, a research page carrying the theme tree in a ``themes:`` block,
and ``_config.yml`` (merged into an existing one when the output folder has it).
Everything the reader reads back is written, so academicpages -> academicpages round-trips.
"""

from __future__ import annotations

import re
from typing import Any

from ..fileset import FileSet
from ..model import Item, Model, Page, Project, Publication, Theme
from ..parsing.front_matter import render_front_matter
from ..parsing.yamlio import dump_yaml
from ..readers._academicpages.config_writer import build_config, load_existing
from ..readers._academicpages.publications import (
    CATEGORY_OF_KIND,
    IDENTIFIER_KEYS,
    html_to_text,
    looks_like_pdf,
)
from ..readers._academicpages.themes import RESEARCH_PAGE, themes_to_data
from ..transforms.fields import normalize_date, year_of
from .base import WriteContext, Writer

#: kinds outside the template's three categories -> a category of their own
EXTRA_CATEGORY_OF_KIND = {"preprint": "preprints", "thesis": "theses", "patent": "patents",
                          "report": "reports", "talk": "presentations", "poster": "posters",
                          "software": "software", "dataset": "datasets", "misc": "other"}
ITEM_FOLDERS = {"talks": "_talks", "teaching": "_teaching", "posts": "_posts"}
#: extra collections the reader takes as items (kept in step with readers.academicpages)
ITEM_COLLECTIONS = {"news", "people", "members", "team", "students", "alumni", "awards",
                    "service", "events", "blog", "group"}
#: Liquid tags Jekyll and the theme's plugins know; any other tag aborts the build
KNOWN_TAGS = {"if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor", "break",
              "continue", "assign", "capture", "endcapture", "case", "when", "endcase",
              "comment", "endcomment", "raw", "endraw", "include", "include_relative",
              "highlight", "endhighlight", "link", "post_url", "cycle", "increment",
              "decrement", "tablerow", "endtablerow", "gist", "liquid", "echo", "render"}
_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_FIGURE = re.compile(r"path\s*=\s*[\"']?([^\"'\s]+)")
_CITE_KEYS = re.compile(r"[\w:./-]+")
_DATE_NAME = re.compile(r"^\d{2,4}-\d{1,2}-\d{1,2}-")


def safe_stem(text: str, fallback: str = "item") -> str:
    """A file-name stem keeping case and non-ASCII letters; only path-hostile characters go."""
    stem = re.sub(r"[^\w.\-]+", "-", text, flags=re.UNICODE).strip("-.")
    return stem[:120].rstrip("-.") or fallback


class _Plan:
    """One write: id maps first (publications, projects), then every file."""

    def __init__(self, model: Model, ctx: WriteContext) -> None:
        self.model = model
        self.ctx = ctx
        self.files = FileSet()
        self.pub_stem: dict[str, str] = {}  #: model id -> id the reader will see
        self.pub_url: dict[str, str] = {}
        self.project_stem: dict[str, str] = {}
        self.categories: list[str] = []
        self.collections: list[str] = []
        self.item_collections: list[str] = []  #: extra collections holding items
        self.nav_extra: list[dict[str, str]] = []
        self.permalinks: set[str] = set()

    def run(self) -> FileSet:
        self._map_ids()
        for pub in self.model.publications:
            self._publication(pub)
        for project in self.model.projects:
            self._project(project)
        for item in self.model.items:
            self._item(item)
        self._pages()
        self._navigation()
        self._config()
        return self.files

    # -- ids --------------------------------------------------------------------------------

    def _map_ids(self) -> None:
        taken: set[str] = set()
        for pub in self.model.publications:
            stem = _unique(safe_stem(pub.id, "publication"), taken)
            self.pub_stem[pub.id] = stem
        taken = set()
        for project in self.model.projects:
            self.project_stem[project.id] = _unique(safe_stem(project.id, "project"), taken)

    def _pub_ref(self, pub_id: str) -> str:
        return self.pub_stem.get(pub_id, pub_id)

    def _project_ref(self, project_id: str) -> str:
        return self.project_stem.get(project_id, project_id)

    # -- publications -----------------------------------------------------------------------

    def _publication(self, pub: Publication) -> None:
        stem_id = self.pub_stem[pub.id]
        full_date, date_keys = _dates(pub)
        file_stem = f"{full_date}-{stem_id}" if full_date else stem_id
        path = self.files.unique_path(f"_publications/{file_stem}.md")
        file_stem = path.rsplit("/", 1)[1][:-3]
        meta: dict[str, Any] = {"title": pub.title, "collection": "publications"}
        category = self._category(pub)
        meta["category"] = category
        meta["permalink"] = self._permalink(pub.extra.get("permalink"),
                                            f"/publication/{file_stem}")
        self.pub_url[pub.id] = meta["permalink"]
        if full_date:
            meta["date"] = full_date
        meta.update(date_keys)
        venue_html = pub.extra.get("venue_html")
        if pub.venue:
            keep_html = isinstance(venue_html, str) and html_to_text(venue_html) == pub.venue
            meta["venue"] = venue_html if keep_html else pub.venue
        if pub.extra.get("excerpt") is not None:
            meta["excerpt"] = pub.extra["excerpt"]
        meta.update(_link_keys(pub.links))
        meta["citation"] = pub.citation or build_citation(pub)
        if pub.authors:
            meta["authors"] = list(pub.authors)
        extra_ids = {}
        identifiers = dict(pub.identifiers)
        for key in IDENTIFIER_KEYS:  # the reader takes these keys as identifiers
            if key in pub.extra and key not in identifiers and isinstance(
                    pub.extra[key], str | int | float) and str(pub.extra[key]).strip():
                identifiers[key] = pub.extra[key]
        for key, value in identifiers.items():
            if key in IDENTIFIER_KEYS:
                meta[key] = value
            else:
                extra_ids[key] = value
        if extra_ids:
            meta["identifiers"] = extra_ids
        if pub.award:
            meta["award"] = pub.award
        if pub.selected:
            meta["selected"] = True
        header = pub.extra.get("header")
        header = dict(header) if isinstance(header, dict) else {}
        if pub.image:
            header["teaser"] = pub.image
        if header:
            meta["header"] = header
        elif pub.extra.get("header") is not None:
            meta["header"] = pub.extra["header"]
        skip = {"venue_html", "category", "permalink", "excerpt", "header"}
        for key, value in pub.extra.items():
            if key not in skip and key not in meta:
                meta[key] = value
            elif key not in skip and key not in identifiers:
                self._loss(f"extra key {key!r} collides with a theme key; not written", pub)
        self.files.add(path, render_front_matter(meta, _clean(pub.abstract or "", self, pub)))

    def _category(self, pub: Publication) -> str:
        own = pub.extra.get("category")
        if isinstance(own, str) and own.strip():
            category = own.strip()
        else:
            kind = pub.kind or "misc"
            category = CATEGORY_OF_KIND.get(kind) or EXTRA_CATEGORY_OF_KIND.get(kind, "other")
        if category not in self.categories:
            self.categories.append(category)
        return category

    def _permalink(self, wanted: Any, fallback: str) -> str:
        link = wanted if isinstance(wanted, str) and wanted.startswith("/") else fallback
        if link.rstrip("/") in self.permalinks:
            link = fallback
        self.permalinks.add(link.rstrip("/"))
        return link

    def _loss(self, message: str, record: Any) -> None:
        origin = getattr(record, "origin", None)
        self.ctx.loss(message, origin.file if origin else None, origin.line if origin else None)

    # -- projects and items -----------------------------------------------------------------

    def _project(self, project: Project) -> None:
        stem = self.project_stem[project.id]
        collection = project.extra.get("sitemigrate_collection")
        if not isinstance(collection, str) or collection in ITEM_COLLECTIONS | {
                "research", "publications", "pages", "posts", "talks", "teaching"}:
            collection = "portfolio"
        if collection != "portfolio" and collection not in self.collections:
            self.collections.append(collection)
        meta: dict[str, Any] = {"title": project.title}
        if project.description is not None:
            meta["excerpt"] = project.description
        meta["collection"] = collection
        if project.date:
            meta["date"] = project.date
        header = project.extra.get("header")
        header = dict(header) if isinstance(header, dict) else {}
        if project.image:
            header["teaser"] = project.image
        if header:
            meta["header"] = header
        for label, url in sorted(project.links.items()):
            meta["link" if label == "html" else _url_key(label)] = url
        if project.order is not None:
            meta["order"] = project.order
        if project.category:
            meta["category"] = project.category
        if project.publication_ids:
            meta["publications"] = [self._pub_ref(ref) for ref in project.publication_ids]
        for key, value in project.extra.items():
            if key not in ("header", "sitemigrate_collection") and key not in meta:
                meta[key] = value
        path = self.files.unique_path(f"_{collection}/{stem}.md")
        self.files.add(path, render_front_matter(meta, _clean(project.body or "", self,
                                                                 project)))

    def _item(self, item: Item) -> None:
        folder = ITEM_FOLDERS.get(item.collection)
        if folder is None:
            name = safe_stem(item.collection, "items").lower()
            folder = f"_{name}"
            if name not in self.collections:
                self.collections.append(name)
            if name not in self.item_collections:
                self.item_collections.append(name)
        stem = safe_stem(item.id)
        day = normalize_date(item.date)
        if folder == "_posts" and not _DATE_NAME.match(stem) and day and len(day) == 10 \
                and not item.extra.get("sitemigrate_static"):
            stem = f"{day}-{stem}"
        meta: dict[str, Any] = {}
        if item.title is not None:
            meta["title"] = item.title
        if item.date is not None:
            meta["date"] = item.date
        for key, value in item.extra.items():
            if key not in meta:
                meta[key] = value
        path = self.files.unique_path(f"{folder}/{stem}.md")
        if not _write_raw(self.files, path, item.extra, item.body):
            self.files.add(path, render_front_matter(meta, _clean(item.body, self, item)))

    # -- pages ------------------------------------------------------------------------------

    def _pages(self) -> None:
        research = self._research_page()
        for page in self.model.pages:
            self._page(page, themes_here=page is research)
        if research is None and self.model.themes:
            page = Page(id="research", title="Research", permalink="/research/", nav=True,
                        role="research", extra={"author_profile": True})
            self.nav_extra.append({"title": "Research", "url": "/research/"})
            self._page(page, themes_here=True)

    def _research_page(self) -> Page | None:
        theme_files = {t.origin.file for t in self.model.all_themes() if t.origin}
        pages = self.model.pages
        by_source = [p for p in pages if p.origin and p.origin.file in theme_files
                     and not p.extra.get("sitemigrate_static")]
        if by_source:
            return by_source[0]
        by_role = [p for p in pages if p.role == "research"
                   and not p.extra.get("sitemigrate_static")]
        return by_role[0] if by_role and self.model.themes else None

    def _page(self, page: Page, themes_here: bool) -> None:
        stem = safe_stem(page.id, "page")
        path = self.files.unique_path(f"_pages/{stem}.md")
        if _write_raw(self.files, path, page.extra, page.body):
            return
        meta: dict[str, Any] = {}
        if page.title is not None:
            meta["title"] = page.title
        permalink = page.permalink or (f"/{stem}/" if page.nav or themes_here else None)
        if permalink:
            meta["permalink"] = permalink
        for key, value in page.extra.items():
            if key not in meta:
                meta[key] = value
        body = _clean(page.body, self, page)
        if not themes_here and RESEARCH_PAGE.search(f"{stem} {permalink or ''}"):
            meta["themes"] = []  # its themes were written elsewhere: do not guess them again
        if themes_here and self.model.themes:
            meta.setdefault("author_profile", True)
            meta["themes"] = themes_to_data(self.model.themes, self._pub_ref,
                                            self._project_ref)
            if not any(t.origin and page.origin and t.origin.file == page.origin.file
                       for t in self.model.all_themes()):
                body = (body.rstrip("\n") + "\n\n" if body.strip() else "") + \
                    self._themes_markdown(self.model.themes, 2)
        if page.nav and permalink and not any(
                _same_url(e.get("url", ""), permalink) for e in self.model.site.navigation):
            self.nav_extra.append({"title": page.title or stem, "url": permalink,
                                   "order": str(page.nav_order if page.nav_order is not None
                                                else 999)})
        text = render_front_matter(meta, "")
        self.files.add(path, text + ("\n" + body.strip("\n") + "\n" if body.strip() else ""))

    def _themes_markdown(self, themes: list[Theme], level: int) -> str:
        parts: list[str] = []
        for theme in themes:
            parts.append(f"{'#' * min(level, 6)} {theme.title}\n")
            text = _clean(theme.body or theme.summary or "", self, theme).strip()
            if text:
                parts.append(text + "\n")
            projects = [p for p in self.model.projects if p.id in theme.project_ids]
            if projects:
                parts.append("Projects:\n\n" + "\n".join(
                    f"- [{p.title}](/portfolio/{self.project_stem[p.id]}/)"
                    for p in projects) + "\n")
            pubs = [p for p in self.model.publications if p.id in theme.publication_ids]
            if pubs:
                parts.append("Publications:\n\n" + "\n".join(
                    f"- [{p.title}]({self.pub_url.get(p.id, '')})"
                    + (f", {p.venue}" if p.venue else "") + (f", {p.year}" if p.year else "")
                    for p in pubs) + "\n")
            if theme.subthemes:
                parts.append(self._themes_markdown(theme.subthemes, level + 1))
        return "\n".join(parts)

    def _navigation(self) -> None:
        entries = [{"title": e.get("title", ""), "url": e.get("url", "")}
                   for e in self.model.site.navigation]
        extra = sorted(self.nav_extra, key=lambda e: int(e.get("order", "999")))
        for entry in extra:
            if not any(_same_url(e["url"], entry["url"]) for e in entries):
                entries.append({"title": entry["title"], "url": entry["url"]})
        if entries:
            self.files.add("_data/navigation.yml", dump_yaml({"main": entries}))

    def _config(self) -> None:
        existing = load_existing(self.ctx.existing("_config.yml"))
        text = build_config(self.model.site, existing, self.categories, self.collections,
                            tuple(self.item_collections))
        self.files.add("_config.yml", text)
        for key in self.model.site.extra:
            if key not in ("config", "author", "site_description"):
                self._loss(f"site field {key!r} has no place in academicpages",
                           self.model.site)


class AcademicpagesWriter(Writer):
    name = "academicpages"
    description = "academicpages theme files"

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        return _Plan(model, ctx).run()


def _write_raw(files: FileSet, path: str, extra: dict[str, Any], body: str) -> bool:
    """Files the source had without (or with unparsable) front matter are written as found."""
    if extra.get("sitemigrate_static"):
        files.add(path, body)
        return True
    block = extra.get("sitemigrate_front_matter")
    if isinstance(block, str):
        files.add(path, f"---\n{block}---\n" + body)
        return True
    return False


def _unique(stem: str, taken: set[str]) -> str:
    candidate, n = stem, 2
    while candidate.lower() in taken:
        candidate = f"{stem}-{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def _dates(pub: Publication) -> tuple[str | None, dict[str, Any]]:
    """(the full date for file name and ``date``, keys that mark it year/month only)."""
    date = normalize_date(pub.date) or (str(pub.year) if pub.year else None)
    if date is None:
        return None, {}
    keys: dict[str, Any] = {}
    parts = date.split("-")
    if len(parts) < 3:
        keys["year"] = int(parts[0])
        if len(parts) == 2:
            keys["month"] = int(parts[1])
    full = "-".join(parts + ["01"] * (3 - len(parts)))
    if pub.year and pub.year != year_of(date):
        keys["year"] = pub.year
    return full, keys


def _url_key(label: str) -> str:
    key = re.sub(r"\W+", "_", label).strip("_") or "other"
    if key in ("paper", "link"):
        return f"{key}_url"
    return f"{key}url"


def _link_keys(links: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pdf = links.get("pdf")
    if pdf:
        out["paperurl"] = pdf
        if not looks_like_pdf(pdf):
            out["paperurl_label"] = "pdf"
    if links.get("html"):
        out["link"] = links["html"]
    for label in sorted(links):
        if label in ("pdf", "html") or not links[label]:
            continue
        out[_url_key(label)] = links[label]
    return out


def build_citation(pub: Publication) -> str:
    """``Authors (Year). "Title." <i>Venue</i>.`` from whatever the record has."""
    parts = []
    if pub.authors:
        parts.append(", ".join(pub.authors))
    if pub.year:
        parts.append(f"({pub.year}).")
    elif parts:
        parts[-1] += "."
    parts.append(f"&quot;{pub.title}.&quot;")
    if pub.venue:
        parts.append(f"<i>{pub.venue}</i>.")
    return " ".join(parts)


def _where(record: Any) -> tuple[str | None, int | None]:
    origin = getattr(record, "origin", None)
    return (origin.file, origin.line) if origin else (None, None)


def _same_url(a: str, b: str) -> bool:
    return a.strip().rstrip("/") == b.strip().rstrip("/")


def _clean(text: str, plan: _Plan, record: Any) -> str:
    """Body text with Liquid the theme cannot run converted or removed (SM303 each)."""
    if "{%" not in text:
        return text
    raw_depth = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal raw_depth
        tag, args = match.group(1), match.group(2).strip()
        if tag == "raw":
            raw_depth += 1
        elif tag == "endraw":
            raw_depth = max(0, raw_depth - 1)
        if raw_depth and tag != "raw":
            return match.group(0)
        if tag == "include":
            return _include(match.group(0), args, plan, record)
        if tag in KNOWN_TAGS:
            return match.group(0)
        if tag == "cite":
            return _cite(args, plan, record)
        plan.ctx.loss(f"Liquid tag {{% {tag} %}} is unknown to academicpages; removed",
                      *_where(record), code="SM303")
        return ""

    return _TAG.sub(replace, text)


def _include(original: str, args: str, plan: _Plan, record: Any) -> str:
    name = args.split()[0] if args.split() else ""
    found = _FIGURE.search(args) if name.startswith("figure.") else None
    if found:
        plan.ctx.loss(f"{{% include {name} %}} converted to <img>", *_where(record),
                      code="SM303")
        return f'<img src="/{found.group(1).lstrip("/")}">'
    if not name.endswith(".liquid") or plan.ctx.existing(f"_includes/{name}") is not None:
        return original
    plan.ctx.loss(f"{{% include {name} %}} does not exist in academicpages; removed",
                  *_where(record), code="SM303")
    return ""


def _cite(args: str, plan: _Plan, record: Any) -> str:
    links = []
    for key in _CITE_KEYS.findall(args):
        pub = plan.model.publication(key)
        if pub is None:
            links.append(key)
            continue
        links.append(f"[{pub.title}]({plan.pub_url.get(pub.id) or '/publications/'})")
    plan.ctx.loss("{% cite %} converted to links", *_where(record), code="SM303")
    return "; ".join(links)


WRITER = AcademicpagesWriter()
