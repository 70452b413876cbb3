"""Writer for the academicpages theme (themes.md §2 and §8).

Emits ``_publications/YYYY-MM-DD-<id>.md`` (always a ``citation``, an ``authors`` list and a
``category`` declared in ``publication_category``), ``_portfolio/`` for projects, ``_talks/``,
``_teaching/``, ``_posts/`` and declared extra collections for items, ``_pages/`` with
``_data/navigation.yml``, a research page carrying the theme tree in a ``themes:`` block,
and ``_config.yml`` (merged into an existing one when the output folder has it).
Everything the reader reads back is written, so academicpages -> academicpages round-trips.

The output must build with Jekyll (``verify --build``):
* Liquid that reads data, collections or includes the target lacks is cut out
  (``_academicpages.liquid_guard``), kept (``common/kept_liquid.py``) and reported (SM303);
  a publications/talks/teaching/projects/research page whose Liquid needs such things gets
  the theme's own listing instead (its whole source body kept the same way).
* Layouts the theme lacks become ``single`` (``archive`` for listings), kept as
  ``source_layout``; a permalink already taken moves, kept as ``source_permalink``.
* Document dates Ruby cannot parse stop the build: ``2020``/``2020-05`` are padded with a
  ``date_precision`` the reader undoes, other text moves to ``source_date``.
* Source config keys that would switch theme or folder layout (``theme``, ``collections_dir``…)
  are not merged.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from typing import Any

from ruamel.yaml.comments import CommentedMap

from ...assets import placed_image
from ...common.foreign_liquid import LIQUID_KEY, is_foreign_listing, under_intro
from ...common.kept_liquid import KEPT_FILE
from ...common.links import BodyLinks, PermalinkMap, TargetUrls, source_permalink
from ...common.liquid_guard import Target, guard
from ...common.settings import report_unwritten
from ...common.urls import url_key
from ...common.writer import WriteContext, Writer
from ...diagnostics import (
    FIELD_DROPPED,
    LINK_CHANGED,
    LIQUID_KEPT,
    PAGE_TEXT_REPLACED,
    SETTING_DROPPED,
    Code,
)
from ...fileset import FileSet
from ...model import Item, Model, Page, Project, Publication, Theme
from ...parsing.front_matter import render_front_matter
from ...parsing.yamldump import dump_yaml
from ...paths import unique_name
from ...transforms.fields import misses_a_title, normalize_date, year_of
from ...transforms.identifiers import find_identifiers, text_may_name_ids
from .codec import (
    AVATAR_FOLDER,
    ITEM_COLLECTIONS,
    KNOWN_TAGS,
    LISTING_PAGES,
    TEMPLATE_COLLECTIONS,
    THEME_DATA,
    THEME_INCLUDES,
    THEME_LAYOUTS,
)
from .config_writer import build_config, short_bio
from .publications import (
    CATEGORY_OF_KIND,
    IDENTIFIER_KEYS,
    html_to_text,
    looks_like_pdf,
)
from .research import RESEARCH_PAGE, themes_to_data

#: kinds outside the template's three categories -> a category of their own
EXTRA_CATEGORY_OF_KIND = {"preprint": "preprints", "thesis": "theses", "patent": "patents",
                          "report": "reports", "talk": "presentations", "poster": "posters",
                          "software": "software", "dataset": "datasets", "misc": "other"}
ITEM_FOLDERS = {"talks": "_talks", "teaching": "_teaching", "posts": "_posts"}
DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")
#: the theme's own listing for pages whose role the writer renders natively
LISTINGS = {
    "publications": (
        "{% include base_path %}\n\n"
        "{% for category in site.publication_category %}\n"
        "{% assign shown = false %}\n"
        "{% for post in site.publications reversed %}\n"
        "{% if post.category == category[0] %}\n"
        "{% unless shown %}<h2>{{ category[1].title }}</h2><hr />"
        "{% assign shown = true %}{% endunless %}\n"
        "{% include archive-single.html %}\n"
        "{% endif %}\n"
        "{% endfor %}\n"
        "{% endfor %}\n"),
    "talks": ("{% for post in site.talks reversed %}\n"
              "{% include archive-single-talk.html %}\n{% endfor %}\n"),
    "teaching": ("{% include base_path %}\n\n{% for post in site.teaching reversed %}\n"
                 "{% include archive-single.html %}\n{% endfor %}\n"),
    "projects": ("{% include base_path %}\n\n{% for post in site.portfolio %}\n"
                 "{% include archive-single.html %}\n{% endfor %}\n"),
}
#: what a page of each listing role runs when it already lists the theme's own way
NATIVE_LOOPS = {"publications": "site.publications", "talks": "site.talks",
                "teaching": "site.teaching", "projects": "site.portfolio"}
_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_FIGURE = re.compile(r"(?:path|image|src|file)\s*=\s*[\"']?([^\"'\s]+)")
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
        self.post_stems: set[str] = set()
        self.target_collections: set[str] = {*TEMPLATE_COLLECTIONS, "posts"}
        self.config_keys: set[str] = set()
        #: the output folder's own ``_config.yml``, loaded once (keys read here, merged last)
        self.existing_config: CommentedMap | None = None
        self._target: Target | None = None
        self.bodies = BodyLinks()  #: bodies whose links follow the records once all are placed
        self.urls: dict[int, str | None] = {}  #: ``id(record)`` -> its URL here
        self.pub_by_id: dict[str, Publication] = {}  #: ``model.publication`` as an index
        for pub in model.publications:
            self.pub_by_id.setdefault(pub.id, pub)

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
        self.bodies.finish(self.files, PermalinkMap.build(self.model, self._target_urls(),
                                                          "academicpages"), self.ctx)
        return self.files

    def _target_urls(self) -> TargetUrls:
        """Each record's URL as written; posts keep the URL pattern they had."""
        def item(record: Item) -> str | None:
            if _item_folder(record) == "_posts":
                return source_permalink(record)
            return self.urls.get(id(record), source_permalink(record))

        return TargetUrls(publication=lambda p: self.pub_url.get(p.id),
                          project=lambda p: self.urls.get(id(p), source_permalink(p)),
                          item=item, page=lambda p: self.urls.get(id(p), p.permalink))

    # -- ids --------------------------------------------------------------------------------

    def _map_ids(self) -> None:
        taken: set[str] = set()
        for pub in self.model.publications:
            stem = unique_name(safe_stem(pub.id, "publication"), taken, fold_case=True)
            self.pub_stem[pub.id] = stem
        taken = set()
        for project in self.model.projects:
            self.project_stem[project.id] = unique_name(safe_stem(project.id, "project"), taken,
                                                        fold_case=True)
            self.target_collections.add(_project_collection(project))
        for item in self.model.items:
            folder = _item_folder(item)
            self.target_collections.add(folder[1:])
            if folder == "_posts":
                self.post_stems.add(_item_stem(item, folder))
        self.existing_config = existing = self.ctx.existing_config()
        source_config = self.model.site.extra.get("config")
        self.config_keys = {str(k) for k in existing or {}} | {
            str(k) for k in (source_config if isinstance(source_config, dict) else {})} | {
            "title", "name", "description", "url", "baseurl", "author",
            "publication_category", "collections", "defaults"}

    # -- Liquid the target cannot run -------------------------------------------------------

    def target(self) -> Target:
        if self._target is None:
            self._target = Target(data=self._has_data, site=self._has_site_key,
                                  include=self._has_include, post=self._has_post,
                                  file=self._has_file)
        return self._target

    def _has_data(self, name: str) -> bool:
        return name in THEME_DATA or any(
            f"_data/{name}{suffix}" in self.files
            or self.ctx.existing(f"_data/{name}{suffix}") is not None
            for suffix in DATA_SUFFIXES)

    def _has_site_key(self, name: str) -> bool:
        if name.startswith(("categories.", "tags.")):  # posts grouped by category or tag
            return bool(self.post_stems)
        return name in self.target_collections or name in self.config_keys

    def _has_include(self, name: str) -> bool:
        return name in THEME_INCLUDES or self.ctx.existing(f"_includes/{name}") is not None

    def _has_post(self, name: str) -> bool:
        return name.rsplit("/", 1)[-1] in self.post_stems

    def _has_file(self, path: str) -> bool:
        path = path.lstrip("/")
        return any(rel in self.files or self.ctx.existing(rel) is not None
                   for rel in (path, f"_pages/{path}"))

    def _body(self, text: str, record: Any, meta: dict[str, Any]) -> str:
        """The body with Liquid converted (``_clean``) and what cannot run cut out; the cut
        Liquid is kept (``common/kept_liquid.py``) and reported (SM303) with its line."""
        return self._guard(_clean(text, self, record), record, meta)

    def _guard(self, text: str, record: Any, meta: dict[str, Any]) -> str:
        guarded = guard(text, self.target())
        if not guarded.cuts:
            return text
        _keep_liquid(meta, [cut.source for cut in guarded.cuts])
        for cut in guarded.cuts:
            # the model knows where a record starts, not where its body does
            self.ctx.report(
                LIQUID_KEPT,
                f"body line {cut.line}: Liquid academicpages cannot run "
                f"({cut.reason}) removed; kept in {KEPT_FILE}",
                *_where(record),
            )
        return guarded.text

    def _layout(self, meta: dict[str, Any], record: Any, default: str | None = None) -> None:
        """A layout the theme lacks renders the page bare (no title, no menu): use the
        theme's own and keep the source's name as ``source_layout``."""
        layout = meta.get("layout")
        if not isinstance(layout, str) or not layout:
            return
        if layout in THEME_LAYOUTS or self.ctx.existing(f"_layouts/{layout}.html") is not None:
            return
        meta["layout"] = default or "single"
        meta.setdefault("source_layout", layout)
        self._loss(SETTING_DROPPED, f"layout {layout!r} does not exist in academicpages; "
                   f"{meta['layout']!r} used (source_layout keeps it)", record,
                   hint="check the page looks right; add the layout to _layouts/ if not")

    def _jekyll_date(self, meta: dict[str, Any], record: Any) -> None:
        """Jekyll stops the build on a document date Ruby cannot parse ("2020", "Spring
        2022"): partial dates get a full one plus ``date_precision`` (read back), other text
        moves to ``source_date``."""
        value = meta.get("date")
        if value is None or isinstance(value, bool):
            return
        day = normalize_date(value)
        if day and len(day) == 10 and len(str(value).strip()) >= 8:
            return
        if day:
            parts = day.split("-")
            meta["date"] = "-".join(parts + ["01"] * (3 - len(parts)))
            meta["date_precision"] = "year" if len(parts) == 1 else "month"
            return
        del meta["date"]
        meta.setdefault("source_date", value)
        self._loss(
            FIELD_DROPPED,
            f"date {value!r} is not a date Jekyll reads (it stops the build); kept as source_date",
            record,
        )

    def _free_permalink(self, link: str) -> str:
        base, n = link.rstrip("/"), 2
        taken = {url_key(p) for p in self.permalinks}
        while url_key(link) in taken:
            link = f"{base}-{n}/"
            n += 1
        return link

    def _own_permalink(self, meta: dict[str, Any], record: Any, fallback: str | None) -> None:
        """Two documents with one permalink make Jekyll drop one: the later one moves
        (to ``fallback``, or to the collection's own pattern when that is None)."""
        link = meta.get("permalink")
        if not isinstance(link, str) or not link.strip():
            return
        key = link.strip().rstrip("/") or "/"
        if key not in self.permalinks:
            self.permalinks.add(key)
            return
        if fallback is not None:
            fallback = self._free_permalink(fallback)
        if fallback is None:
            del meta["permalink"]
        else:
            meta["permalink"] = fallback
            self.permalinks.add(fallback.rstrip("/") or "/")
        meta.setdefault("source_permalink", link)
        self._loss(LINK_CHANGED, f"permalink {link} is taken by another document; "
                   f"{fallback or 'the collection pattern'} used (source_permalink keeps it)",
                   record)

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
        extra_ids: dict[str, str | int | float] = {}
        identifiers: dict[str, str | int | float] = dict(pub.identifiers)
        if not pub.citation:
            # reading finds DOIs/arXiv ids in the citation text; a generated citation can
            # carry one from an odd author or venue string, so write what will be found
            citation = meta["citation"]
            read_back = replace(pub, citation=citation) if text_may_name_ids(citation) else pub
            for key, found in find_identifiers(read_back).items():
                identifiers.setdefault(key, found)
        for key in IDENTIFIER_KEYS:  # the reader takes these keys as identifiers
            if key in pub.extra and key not in identifiers and isinstance(
                    pub.extra[key], str | int | float) and str(pub.extra[key]).strip():
                identifiers[key] = pub.extra[key]
        for key, identifier in identifiers.items():
            if key in IDENTIFIER_KEYS:
                meta[key] = identifier
            else:
                extra_ids[key] = identifier
        if extra_ids:
            meta["identifiers"] = extra_ids
        if pub.award:
            meta["award"] = pub.award
        if pub.selected:
            meta["selected"] = True
        header = _teaser_header(pub.extra.get("header"), pub.image)
        if header is not None:
            meta["header"] = header
        skip = {"venue_html", "category", "permalink", "excerpt", "header"}
        for key, value in pub.extra.items():
            if key not in skip and key not in meta:
                meta[key] = value
            elif key not in skip and key not in identifiers:
                self._loss(SETTING_DROPPED,
                           f"extra key {key!r} collides with a theme key; not written", pub,
                           hint=HIDDEN_FIELD_HINT)
        body = self._body(pub.abstract or "", pub, meta)
        self._layout(meta, pub)
        self._jekyll_date(meta, pub)
        self.bodies.add(self.files, path, partial(render_front_matter, meta), body, pub.origin,
                        later=True)

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

    def _loss(self, code: Code, message: str, record: Any, *, hint: str | None = None,
              ) -> None:
        origin = getattr(record, "origin", None)
        self.ctx.report_at(code, message, origin, hint=hint)

    # -- projects and items -----------------------------------------------------------------

    def _project(self, project: Project) -> None:
        stem = self.project_stem[project.id]
        collection = _project_collection(project)
        if collection != "portfolio" and collection not in self.collections:
            self.collections.append(collection)
        meta: dict[str, Any] = {"title": project.title}
        if project.description is not None:
            meta["excerpt"] = project.description
        meta["collection"] = collection
        if project.date:
            meta["date"] = project.date
        header = _teaser_header(project.extra.get("header"), project.image)
        if header is not None:
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
        body = self._body(project.body or "", project, meta)
        self._layout(meta, project)
        self._jekyll_date(meta, project)
        default = f"/{collection}/{path.rsplit('/', 1)[1][:-3]}/"
        self._own_permalink(meta, project, default)
        self.urls[id(project)] = str(meta.get("permalink") or default)
        self.bodies.add(self.files, path, partial(render_front_matter, meta), body,
                        project.origin)

    def _item(self, item: Item) -> None:
        folder = _item_folder(item)
        if item.collection not in ITEM_FOLDERS:
            name = folder[1:]
            if name not in self.collections:
                self.collections.append(name)
            if name not in self.item_collections:
                self.item_collections.append(name)
        stem = _item_stem(item, folder)
        meta: dict[str, Any] = {}
        if item.title is not None:
            meta["title"] = item.title
        if item.date is not None:
            meta["date"] = item.date
        for key, value in item.extra.items():
            if key not in meta:
                meta[key] = value
            elif key == "date":  # text the reader could not take as a date
                meta.setdefault("source_date", value)
        path = self.files.unique_path(f"{folder}/{stem}.md")
        if not _write_raw(self.files, path, item.extra, item.body):
            body = self._body(item.body, item, meta)
            self._layout(meta, item)
            self._jekyll_date(meta, item)
            fallback = None if folder == "_posts" else \
                f"/{folder[1:]}/{path.rsplit('/', 1)[1][:-3]}/"
            self._own_permalink(meta, item, fallback)
            if fallback is not None:
                self.urls[id(item)] = str(meta.get("permalink") or fallback)
            self.bodies.add(self.files, path, partial(render_front_matter, meta), body,
                            item.origin)

    # -- pages ------------------------------------------------------------------------------

    def _pages(self) -> None:
        research = self._research_page()
        # the page holding the themes keeps its permalink when another page claims it too
        first = [research] if research is not None else []
        for page in first + [p for p in self.model.pages if p is not research]:
            self._page(page, themes_here=page is research)
        if research is None and self.model.themes:
            page = Page(id="research", title="Research", permalink="/research/", nav=True,
                        role="research", extra={"author_profile": True})
            self.nav_extra.append({"title": "Research", "url": "/research/"})
            self._page(page, themes_here=True)
        if self.model.publications and not self._publications_listed():
            # no page lists them (a data loop the reader resolved, an include, a static page
            # about something else): the theme's own listing, so that every publication is
            # on a page the navigation reaches
            link = self._free_permalink("/publications/")
            page = Page(id="publications", title="Publications", permalink=link, nav=True,
                        role="publications", extra={"layout": "archive", "author_profile": True})
            self.nav_extra.append({"title": "Publications", "url": link})
            self._page(page, themes_here=False)

    def _listed_elsewhere(self, page: Page) -> bool:
        """The page's own text misses the title of some publication (it is about something
        else, or listed them through Liquid that is gone)."""
        return misses_a_title(page.body, (p.title for p in self.model.publications))

    def _publications_listed(self) -> bool:
        """A written page loops over the publications, or a publications page's own text
        shows every one (a static list)."""
        if any(p.role == "publications" and not self._listed_elsewhere(p)
               for p in self.model.pages):
            return True
        loop = NATIVE_LOOPS["publications"].encode()
        return any(rel.startswith("_pages/") and loop in (self.files.get(rel) or b"")
                   for rel in self.files)

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
        # an HTML page stays HTML: its indented markup would be a code block in Markdown
        html = page.origin is not None and page.origin.file.endswith((".html", ".htm"))
        path = self.files.unique_path(f"_pages/{stem}{'.html' if html else '.md'}")
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
        body, replaced = self._page_body(page, meta, themes_here)
        self._own_permalink(meta, page, f"/{stem}/")
        permalink = meta.get("permalink")
        if not themes_here and RESEARCH_PAGE.search(f"{stem} {permalink or ''}"):
            meta["themes"] = []  # its themes were written elsewhere: do not guess them again
        if themes_here and self.model.themes:
            meta.setdefault("author_profile", True)
            meta["themes"] = themes_to_data(self.model.themes, self._pub_ref,
                                            self._project_ref)
            if replaced or not any(t.origin and page.origin
                                   and t.origin.file == page.origin.file
                                   for t in self.model.all_themes()):
                body = (body.rstrip("\n") + "\n\n" if body.strip() else "") + \
                    self._guard(self._themes_markdown(self.model.themes, 2), page, meta)
        if page.nav and permalink and not any(
                _same_page(e.get("url", ""), permalink) for e in self.model.site.navigation):
            self.nav_extra.append({"title": page.title or stem, "url": permalink,
                                   "order": str(page.nav_order if page.nav_order is not None
                                                else 999)})
        if LIQUID_KEY in meta:  # one place whichever write step cut it
            meta[LIQUID_KEY] = meta.pop(LIQUID_KEY)
        self.urls[id(page)] = str(permalink) if permalink else None
        self.bodies.add(self.files, path, partial(_page_text, render_front_matter(meta, "")),
                        body, page.origin)

    def _page_body(self, page: Page, meta: dict[str, Any], themes_here: bool,
                   ) -> tuple[str, bool]:
        """(body, replaced): the page's own body when the target can run it; for a listing
        page whose Liquid reads what the target lacks, the theme's own listing (or the
        themes, on the research page) with the source body kept (``common/kept_liquid.py``)."""
        listing = LISTINGS.get(page.role or "")
        native = NATIVE_LOOPS.get(page.role or "")
        if page.role == "research":
            listing = "" if themes_here and self.model.themes else LISTINGS["projects"]
        if listing is None:
            body = self._body(page.body, page, meta)
            self._layout(meta, page)
            return body, False
        if native is not None and not page.body.strip():  # a listing page we generate
            self._layout(meta, page, "archive")
            return listing, False
        text = _clean(page.body, self, page)
        foreign = native is not None and is_foreign_listing(page.body, native)
        if not foreign and not guard(text, self.target()).cuts:
            if page.role == "publications" and native is not None and native not in text \
                    and self._listed_elsewhere(page):
                self._layout(meta, page, "archive")
                self.ctx.report(PAGE_TEXT_REPLACED, "publications page: its text does not list "
                                "the site's publications; the theme's listing added below it",
                                *_where(page))
                return text.rstrip("\n") + "\n\n" + listing.lstrip("\n"), False
            self._layout(meta, page)
            return text, False
        _keep_liquid(meta, [text])
        if native is not None:  # a research page keeps no intro: its themes follow
            listing = under_intro(page.body, listing)
        self._layout(meta, page, "archive")
        meta.setdefault("author_profile", True)
        self.ctx.report(
            PAGE_TEXT_REPLACED,
            f"{page.role} page: another theme's listing, or Liquid reading what academicpages "
            f"lacks; the theme's own listing used (the source body is kept in {KEPT_FILE})",
            *_where(page),
        )
        return listing, True

    def _themes_markdown(self, themes: list[Theme], level: int) -> str:
        parts: list[str] = []
        for theme in themes:
            parts.append(f"{'#' * min(level, 6)} {theme.title}\n")
            text = _clean(theme.body or theme.summary or "", self, theme).strip()
            if text:
                parts.append(text + "\n")
            project_ids = set(theme.project_ids)
            projects = [p for p in self.model.projects if p.id in project_ids]
            if projects:
                parts.append("Projects:\n\n" + "\n".join(
                    f"- [{p.title}](/portfolio/{self.project_stem[p.id]}/)"
                    for p in projects) + "\n")
            pub_ids = set(theme.publication_ids)
            pubs = [p for p in self.model.publications if p.id in pub_ids]
            if pubs:
                parts.append("Publications:\n\n" + "\n".join(
                    f"- [{p.title}]({self.pub_url.get(p.id, '')})"
                    + (f", {p.venue}" if p.venue else "") + (f", {p.year}" if p.year else "")
                    for p in pubs) + "\n")
            if theme.subthemes:
                parts.append(self._themes_markdown(theme.subthemes, level + 1))
        return "\n".join(parts)

    def _navigation(self) -> None:
        listings = self._listings()
        served = {url_key(link) for link in self.permalinks} | set(listings)
        entries: list[dict[str, Any]] = []
        for entry in self.model.site.navigation:
            url = str(entry.get("url", ""))
            if url_key(url) not in served:  # another theme's listing URL: the template's
                url = next((listing for listing, names in listings.values()
                            if url_key(url).rsplit("/", 1)[-1] in names), url)
            if any(_same_page(e["url"], url) for e in entries):
                continue
            if "://" in url or url.startswith(("#", "mailto:")) or url_key(url) in served:
                entries.append({"title": entry.get("title", ""), "url": url})
            else:
                self.ctx.report_at(LINK_CHANGED, f"navigation entry {entry.get('title')!r} -> "
                                   f"{url} left out: the site has no page there",
                                   self.model.site.origin)
        extra = sorted(self.nav_extra, key=lambda e: int(e.get("order", "999")))
        for entry in extra:
            if not any(_same_page(e["url"], entry["url"]) for e in entries):
                entries.append({"title": entry["title"], "url": entry["url"]})
        if entries:
            self.files.add("_data/navigation.yml", dump_yaml({"main": entries}))

    def _listings(self) -> dict[str, tuple[str, frozenset[str]]]:
        """URL key -> (URL, menu names) of the template's listing pages that have something
        to list (publications, talks, teaching, projects, posts)."""
        model = self.model
        has = {"publications": bool(model.publications), "projects": bool(model.projects)}
        for item in model.items:
            has[item.collection] = True
        return {url_key(url): (url, names) for kind, (url, names) in LISTING_PAGES.items()
                if has.get(kind)}

    def _config(self) -> None:
        dropped: list[str] = []
        unplaced: list[str] = []
        avatar = self.model.site.avatar
        if avatar and "://" not in avatar:
            avatar = placed_image(avatar, AVATAR_FOLDER, self.ctx.moved_assets)
        text = build_config(self.model.site, self.existing_config, self.categories,
                            self.collections, tuple(self.item_collections), dropped, unplaced,
                            avatar)
        self.files.add("_config.yml", text)
        description = self.model.site.description
        if description and short_bio(description) != description and \
                not any(p.role == "about" for p in self.model.pages):
            self._loss(FIELD_DROPPED, "the site description is longer than a sidebar bio and "
                       "no about page "
                       "holds it; author.bio has its first sentences only", self.model.site)
        for link in unplaced:
            self._loss(FIELD_DROPPED, f"social link {link!r} has no place in the academicpages "
                       "sidebar; kept "
                       "under its own author key, not shown", self.model.site)
        for key in dropped:
            self._loss(
                SETTING_DROPPED,
                f"config key {key!r} would make Jekyll build another theme or folder "
                "layout; not written",
                self.model.site,
            )
        # build_config writes the rest of a source academicpages config, its author keys
        # and its description; every other setting is named as the user wrote it
        report_unwritten(self.ctx, self.model.site, ("config", "author", "site_description"),
                         "academicpages")


#: hint for a record field the target shows nowhere and had to leave out
HIDDEN_FIELD_HINT = "nothing to do unless a layout of yours shows that field"


class AcademicpagesWriter(Writer):
    name = "academicpages"

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        return _Plan(model, ctx).run()


def _page_text(head: str, body: str) -> str:
    return head + ("\n" + body.strip("\n") + "\n" if body.strip() else "")


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


def _keep_liquid(meta: dict[str, Any], sources: list[str]) -> None:
    kept = meta.get(LIQUID_KEY)
    kept = list(kept) if isinstance(kept, list) else ([kept] if kept else [])
    # trailing newlines would make the YAML dump end with a "..." line, which closes the
    # front matter early for Jekyll and for the reader
    meta[LIQUID_KEY] = kept + [source.rstrip("\n") for source in sources]


def _project_collection(project: Project) -> str:
    collection = project.extra.get("sitemigrate_collection")
    if not isinstance(collection, str) or collection in ITEM_COLLECTIONS | {
            "research", "publications", "pages", "posts", "talks", "teaching"}:
        return "portfolio"
    return collection


def _item_folder(item: Item) -> str:
    return ITEM_FOLDERS.get(item.collection) or f"_{safe_stem(item.collection, 'items').lower()}"


def _item_stem(item: Item, folder: str) -> str:
    """File stem of an item; posts get the YYYY-MM-DD- prefix Jekyll needs."""
    stem = safe_stem(item.id)
    day = normalize_date(item.date)
    if folder == "_posts" and not _DATE_NAME.match(stem) and day and len(day) == 10 \
            and not item.extra.get("sitemigrate_static"):
        stem = f"{day}-{stem}"
    return stem


def _teaser_header(current: Any, image: str | None) -> Any:
    """The ``header:`` to write: the record's own header with ``image`` as its teaser.

    A header that is not a map is kept as it was (nothing to put a teaser in).
    """
    header = dict(current) if isinstance(current, dict) else {}
    if image:
        header["teaser"] = image
    return header or current


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
        plan.ctx.report(
            LIQUID_KEPT,
            f"Liquid tag {{% {tag} %}} is unknown to academicpages; removed",
            *_where(record),
        )
        return ""

    return _TAG.sub(replace, text)


def _include(original: str, args: str, plan: _Plan, record: Any) -> str:
    name = args.split()[0] if args.split() else ""
    found = _FIGURE.search(args) if name.startswith("figure.") else None
    if found:
        plan.ctx.report(LIQUID_KEPT, f"{{% include {name} %}} converted to <img>", *_where(record))
        return f'<img src="/{found.group(1).lstrip("/")}">'
    if not name.endswith(".liquid") or plan.ctx.existing(f"_includes/{name}") is not None:
        return original
    plan.ctx.report(
        LIQUID_KEPT,
        f"{{% include {name} %}} does not exist in academicpages; removed",
        *_where(record),
    )
    return ""


def _cite(args: str, plan: _Plan, record: Any) -> str:
    links = []
    for key in _CITE_KEYS.findall(args):
        pub = plan.pub_by_id.get(key)
        if pub is None:
            links.append(key)
            continue
        links.append(f"[{pub.title}]({plan.pub_url.get(pub.id) or '/publications/'})")
    plan.ctx.report(LIQUID_KEPT, "{% cite %} converted to links", *_where(record))
    return "; ".join(links)


WRITER = AcademicpagesWriter()


def _same_page(a: str, b: str) -> bool:
    return url_key(a, keep_case=True) == url_key(b, keep_case=True)
