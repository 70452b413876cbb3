"""Reader for custom layouts: pages whose Liquid loops over ``site.data.*`` (themes.md §5).

Every ``_data`` file is loaded (YAML/JSON/CSV/TSV, folders nesting) and each list item
becomes a record by what the file holds: publications, projects, research topics or
other items (people, news...).  Each page's Liquid is then parsed (never rendered): the
loops and includes it runs say which records it shows and under which heading, which ties
publications to research themes.  A page given alone (no ``_data``) turns the keys its
loops look up into publication stubs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...common.reader import Detection, ReadContext, Reader, config_path, peek_text
from ...common.urls import url_key
from ...diagnostics import (
    AMBIGUOUS_CONTENT,
    MERGED_DUPLICATE,
    MISSING_DATA,
    MISSING_TITLE,
    NO_FRONT_MATTER,
    STUB_PUBLICATION,
    UNRENDERED_FOLDER,
    UNRESOLVED_REFERENCE,
)
from ...model import Model, Page, Project, Publication, Site, Source, Theme
from ...paths import slugify
from ...transforms.authors import people_index
from ...transforms.fields import normalize_date, text_or_none
from .data import MISSING, DataFile, DataTree, load_data
from .records import (
    clean_link_values,
    clean_text,
    item_to_item,
    item_to_project,
    item_to_publication,
    item_to_theme,
    markdown_references,
    record_id,
)

if TYPE_CHECKING:  # python-liquid is imported when a page is parsed, not with the reader
    from ...parsing.liquid import Include, LiquidDoc, Loop

PAGE_SUFFIXES = (".md", ".markdown", ".html")
SKIP_DIRS = {"assets", "vendor", "node_modules", "_site", "_includes", "_layouts", "_sass",
             "css", "js", "fonts", "images", "img", "static", "markdown_generator", "_data",
             "_bibliography", "_plugins", "scripts", "files"}
SKIP_PAGES = {"readme", "license", "changelog", "contributing", "code_of_conduct", "404"}
PUB_WORDS = ("publication", "citation", "papers", "paper", "publist", "pubs", "bibliography",
             "preprint", "articles")
PROJECT_WORDS = ("project", "software", "tools")
TOPIC_WORDS = ("topics", "research_topic", "researchtopic", "research_areas", "themes")
PEOPLE_WORDS = ("people", "member", "team", "author", "collaborator", "alumni", "student")
NAV_FILES = ("navigation", "navbar", "menus", "nav", "menu")
#: the config key of a navigation some themes keep in ``_config.yml`` (beautiful-jekyll)
NAVBAR_LINKS = "navbar-links"
COMPETITOR_SIGNS = ("_publications", "_portfolio")
ROLE_WORDS = (("publication", "publications"), ("research-group", "people"),
              ("research", "research"), ("project", "projects"), ("people", "people"),
              ("team", "people"), ("member", "people"), ("news", "news"), ("blog", "news"),
              ("teaching", "teaching"), ("talk", "talks"), ("presentation", "talks"),
              ("contact", "contact"), ("about", "about"), ("cv", "cv"))
THEME_ROLES = (None, "research", "about")
MERGED_THEME_KINDS = ("data", "topic", "research")
_LOOP_OVER_DATA = re.compile(r"\{%-?\s*for\s+\w+\s+in\s+site\.data\.")


class CustomReader(Reader):
    name = "custom"

    def detect(self, path: Path) -> Detection:
        found = Detection()
        if path.is_file():
            return _detect_page(path, found)
        config = config_path(path)
        if config is None:
            return found
        _detect_site(path, config, found)
        return found

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        state = _State(model, ctx)
        if path.is_file():
            state.data = load_data(ctx.root / "_data", ctx)
            state.read_data_records()
            state.read_page(path, path.stem)
            state.finish()
            return model
        config = config_path(path)
        if config is not None:
            state.read_config(config)
        state.data = load_data(path / "_data", ctx)
        state.people = _people_lookup(path, state.data, ctx)
        state.read_data_records()
        state.read_bibliographies(path / "_bibliography")
        state.read_collections(path)
        for page_path, page_id in _page_files(path, ctx):
            state.read_page(page_path, page_id)
        state.finish()
        return model


# --- detection -----------------------------------------------------------------------------

def _detect_page(path: Path, found: Detection) -> Detection:
    if path.suffix.lower() not in PAGE_SUFFIXES:
        return found
    try:
        text = peek_text(path, 200_000)
    except OSError:
        return found
    loops = len(_LOOP_OVER_DATA.findall(text))
    assigned = len(re.findall(r"=\s*site\.data\.", text))
    if loops or assigned:
        found.add(0.5, f"{loops + assigned} loop(s)/assign(s) over site.data")
    if re.search(r"^layout:\s*default\s*$", text[:2000], re.M) and found.score:
        found.add(0.1, "layout: default")
    return found


def _detect_site(path: Path, config: Path, found: Detection) -> None:
    text = peek_text(config)
    if config.name == "_config.yaml":
        found.add(0.2, "_config.yaml")
    theme = re.search(r"^(remote_theme|theme):\s*['\"]?([\w./@-]+)", text, re.M)
    if theme and not re.search(r"academicpages|al-folio|minimal-mistakes-jekyll$", theme.group(2)):
        found.add(0.2, f"{theme.group(1)}: {theme.group(2)}")
    for folder in ("_researchtopics", "_members"):
        if (path / folder).is_dir():
            found.add(0.2, f"{folder}/")
    data = path / "_data"
    if data.is_dir():
        names = [p.stem.lower() for p in data.iterdir() if p.is_file()]
        pubs = [n for n in names if n != "publist" and not n.startswith("publist_")
                and any(w in n for w in ("publication", "citation"))]
        if pubs:
            found.add(0.2, f"_data publication list: {', '.join(sorted(pubs))}")
    loops = _pages_looping_over_data(path)
    if loops:
        found.add(0.3, f"{loops} page(s) loop over site.data")
    if (path / "_bibliography").is_dir() and not (path / "_pages").is_dir() and \
            not (path / "_projects").is_dir():
        found.add(0.2, "jekyll-scholar bibliography with top-level pages")
        if len([p for p in path.glob("*.md") if p.stem != "index"]) >= 2:
            found.add(0.15, "site pages at the top level, no _pages/ folder")
    declared = _declared_collections(text)
    if any((path / sign).is_dir() and sign[1:] in declared for sign in COMPETITOR_SIGNS) or \
            (data.is_dir() and any(data.glob("publist*.y*ml"))):
        found.score = min(found.score, 0.25)
        found.evidence.append("theme folders of another kind present: score capped")


_COLLECTIONS_BLOCK = re.compile(
    r"^collections:[ \t]*(\[[^\]]*\])?[ \t]*\n((?:[ \t#].*\n|[ \t]*\n)*)", re.M)


def _declared_collections(config_text: str) -> set[str]:
    """Collection names a ``_config.yml`` declares (Jekyll renders only those and posts)."""
    match = _COLLECTIONS_BLOCK.search(config_text if config_text.endswith("\n")
                                      else config_text + "\n")
    if not match:
        return set()
    if match.group(1):
        return {n.strip(" '\"") for n in match.group(1).strip("[]").split(",") if n.strip()}
    block = match.group(2)
    indent = min((len(line) - len(line.lstrip()) for line in block.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")), default=0)
    names = set()
    for line in block.splitlines():
        if line.strip() and not line.lstrip().startswith("#") and \
                len(line) - len(line.lstrip()) == indent:
            names.add(line.strip().lstrip("- ").split(":")[0].strip(" '\""))
    return names


def _pages_looping_over_data(path: Path, looked_at: int = 80) -> int:
    """How many of the first ``looked_at`` pages (top level, then one folder down) loop
    over ``site.data``."""
    count = 0
    candidates = [p for p in sorted(path.iterdir()) if p.suffix.lower() in PAGE_SUFFIXES]
    for sub in sorted(path.iterdir()):
        if len(candidates) >= looked_at:
            break  # a 10,000-file collection is not listed as paths only to be cut here
        if sub.is_dir() and not sub.name.startswith(".") and sub.name not in SKIP_DIRS:
            candidates.extend(sub / name for name in sorted(_names_in(sub))
                              if os.path.splitext(name)[1].lower() in PAGE_SUFFIXES)
    for page in candidates[:looked_at]:
        try:
            text = peek_text(page, 200_000)
        except OSError:
            continue
        if _LOOP_OVER_DATA.search(text) or re.search(r"=\s*site\.data\.", text):
            count += 1
    return count


def _names_in(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


_PEOPLE_LOOKUP = re.compile(r"site\.data\.([\w.-]+)\s*\[\s*[\w.]+\s*\]\s*\.\s*"
                            r"(?:name|full_name|display_name|first|last|given|family)\b")


def _people_lookup(root: Path, data: DataTree, ctx: ReadContext) -> dict[str, dict[str, Any]]:
    """People by key from the data files the layouts, includes and pages look names up
    in (``{{ site.data.people[author].name }}``)."""
    names: list[str] = []
    suffixes = (".html", ".md", ".liquid")
    paths = [p for p in sorted(root.iterdir())
             if p.suffix in suffixes and p.is_file() and not p.is_symlink()]
    for folder in (root / "_layouts", root / "_includes", root / "_pages"):
        if folder.is_dir():
            paths.extend(ctx.walk(folder, suffixes))
    for path in paths:
        text = ctx.read_text(path)
        if text and "site.data." in text:
            names.extend(m for m in _PEOPLE_LOOKUP.findall(text) if m not in names)
    pairs: list[tuple[str | None, Any]] = []
    for name in names:
        value = data.get(tuple(name.split(".")))
        if isinstance(value, dict):
            pairs.extend((str(k), v) for k, v in value.items() if isinstance(v, dict))
        elif isinstance(value, list):
            pairs.extend((None, v) for v in value if isinstance(v, dict))
    return people_index(pairs)


def _page_files(root: Path, ctx: ReadContext) -> list[tuple[Path, str]]:
    """Pages Jekyll renders: top level, plain folders (``Research/index.md``), ``_pages``."""
    out: list[tuple[Path, str]] = []
    for path in ctx.walk(root, PAGE_SUFFIXES):
        rel = path.relative_to(root)
        parts = rel.parts
        if any(p in SKIP_DIRS or p.startswith(".") for p in parts[:-1]):
            continue
        if parts[0].startswith("_") and parts[0] != "_pages":
            continue
        if path.stem.lower() in SKIP_PAGES:
            continue
        if path.stem == "index" and len(parts) > 1:
            page_id = slugify("-".join(parts[:-1]))
        elif parts[0] == "_pages" or len(parts) == 1:
            page_id = slugify(path.stem, fallback="page")
        else:
            page_id = slugify("-".join(parts[:-1] + (path.stem,)), fallback="page")
        out.append((path, page_id))
    return out


# --- reading -------------------------------------------------------------------------------

@dataclass(slots=True)
class _Bound:
    """Records made from data items, found again by the item object a loop selects."""

    publications: dict[int, Publication] = field(default_factory=dict)
    projects: dict[int, Project] = field(default_factory=dict)
    themes: dict[int, Theme] = field(default_factory=dict)


class _State:
    def __init__(self, model: Model, ctx: ReadContext) -> None:
        self.model = model
        self.ctx = ctx
        self.data = DataTree()
        self.bound = _Bound()
        self.themes_by_key: dict[tuple[str, str], Theme] = {}
        self.bib_files: dict[str, list[Publication]] = {}
        self.nav_urls: dict[str, int] = {}
        #: people data the templates look authors up in (``site.data.people[key].name``)
        self.people: dict[str, dict[str, Any]] = {}

    # config and navigation ----------------------------------------------------------------

    def read_config(self, config: Path) -> None:
        data = self.ctx.load_yaml_file(config)
        if not isinstance(data, dict):
            return
        site = Site(origin=self.ctx.origin(config, 1))
        author = data.get("author")
        if not isinstance(author, dict):
            author = {}
        site.title = text_or_none(data.get("title"))
        site.name = text_or_none(author.get("name") or data.get("name") or data.get("title"))
        site.description = text_or_none(author.get("bio") or data.get("description"))
        site.email = text_or_none(author.get("email") or data.get("email"))
        site.avatar = text_or_none(author.get("avatar") or data.get("avatar"))
        site.role = text_or_none(data.get("position") or author.get("position"))
        site.affiliation = text_or_none(data.get("affiliation") or author.get("employer"))
        site.location = text_or_none(author.get("location") or data.get("location"))
        site.url, site.baseurl = text_or_none(data.get("url")), text_or_none(data.get("baseurl"))
        site.socials = _socials(data, author)
        mail = site.socials.get("email", "")
        address = mail[7:].strip() if mail.lower().startswith("mailto:") else ""
        if address and site.email in (None, address):  # an e-mail among the links
            site.email = address
            del site.socials["email"]
        used = {"title", "name", "description", "email", "avatar", "position", "affiliation",
                "location", "url", "baseurl", "author", "links", "google_scholar", NAVBAR_LINKS,
                "arxiv_link", "bluesky_link", "github_username", "twitter_username",
                "github_link", "linkedin", "twitter", "cv_link"}
        site.extra = {k: v for k, v in data.items() if k not in used}
        if isinstance(data.get("author"), dict):
            rest = {k: v for k, v in author.items()
                    if k not in ("name", "bio", "email", "avatar", "links", "location")}
            if rest:
                site.extra["author"] = rest
        self.model.site = site
        self.read_navbar_links(data.get(NAVBAR_LINKS))

    def read_navbar_links(self, links: Any) -> None:
        """A config's ``navbar-links`` (beautiful-jekyll): title -> URL, or title -> the
        title -> URL map of a dropdown menu; a URL without a slash is relative to the root."""
        if not isinstance(links, dict):
            return
        for title, target in links.items():
            entries = target.items() if isinstance(target, dict) else [(title, target)]
            for entry_title, url in entries:
                if not isinstance(url, str) or not url.strip():
                    continue
                url = url.strip()
                if "://" not in url and not url.startswith(("/", "#", "mailto:")):
                    url = "/" + url
                self.model.site.navigation.append({"title": str(entry_title), "url": url})
                self.nav_urls.setdefault(url_key(url, keep_case=True),
                                         len(self.model.site.navigation))

    def read_navigation(self, data_file: DataFile) -> None:
        content = data_file.content
        entries = content.get("main") if isinstance(content, dict) else content
        if not isinstance(entries, list):
            return
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            title = entry.get("title") or entry.get("name")
            url = entry.get("url") or entry.get("link")
            if title is None or url is None:
                continue
            self.model.site.navigation.append({"title": str(title), "url": str(url)})
            self.nav_urls.setdefault(url_key(str(url), keep_case=True), index + 1)

    # data files ---------------------------------------------------------------------------

    def read_data_records(self) -> None:
        for data_file in self.data.files:
            name = "/".join(data_file.key).lower()
            if data_file.key[-1].lower() in NAV_FILES:
                self.read_navigation(data_file)
                self.model.site.extra.setdefault("data", {})[".".join(data_file.key)] = \
                    data_file.content
                continue
            lists = list(_record_lists(data_file.content, data_file.key[-1].lower()))
            if not lists:
                self.model.site.extra.setdefault("data", {})[".".join(data_file.key)] = \
                    data_file.content
                continue
            category = _category(name)
            for sub_path, items in lists:
                self._read_list(data_file, sub_path, items, category)

    def _read_list(self, data_file: DataFile, sub_path: tuple[Any, ...], items: list[Any],
                   category: str) -> None:
        stem = slugify("-".join(data_file.key + tuple(str(s) for s in sub_path)))
        for index, item in enumerate(items):
            line = data_file.item_lines.get(sub_path + (index,))
            origin = self.ctx.origin(data_file.path, line)
            if category != "topics" or not isinstance(item, dict):
                kind = {"publications": "publication", "projects": "project"}.get(category)
                self.ctx.saw(kind if kind and isinstance(item, dict) else "item",
                             data_file.path, line)
            if not isinstance(item, dict):
                self.model.items.append(item_to_item(stem, item, f"{stem}-{index + 1}", origin))
                continue
            fallback = f"{stem}-{index + 1}"
            if category == "publications":
                pub = item_to_publication(item, record_id(item, fallback), origin, self.people)
                for ref in pub.extra.pop("unresolved_authors", []):
                    self.ctx.report(
                        UNRESOLVED_REFERENCE,
                        f"author {ref!r} is not a key of the people data "
                        "the layouts look authors up in; kept as written",
                        data_file.path,
                        line,
                    )
                if not pub.title:
                    pub.title = pub.id
                    self.ctx.report(
                        MISSING_TITLE,
                        f"publication {pub.id!r} has no title; its id is used",
                        data_file.path,
                        line,
                    )
                if sub_path:
                    pub.extra.setdefault("data_group", ".".join(str(s) for s in sub_path))
                self.model.publications.append(pub)
                self.bound.publications[id(item)] = pub
            elif category == "projects":
                project = item_to_project(item, record_id(item, fallback), origin)
                project.title = project.title or project.id
                self.model.projects.append(project)
                self.bound.projects[id(item)] = project
            elif category == "topics":
                theme = item_to_theme(item, slugify(clean_text(item.get("name") or
                                                               item.get("title")) or fallback),
                                      origin)
                theme.title = theme.title or theme.id
                self.bound.themes[id(item)] = theme
                self._add_theme(theme, ("data", theme.title.lower()))
            else:
                self.model.items.append(item_to_item(stem, item, record_id(item, fallback),
                                                     origin))

    # BibTeX -------------------------------------------------------------------------------

    def read_bibliographies(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        from ...parsing.bibtex import read_bib_file

        for path in self.ctx.walk(folder, (".bib",)):
            publications = read_bib_file(path, self.ctx)
            for pub in publications:
                pub.extra.setdefault("bib_file", path.stem)
                clean_link_values(pub)
            self.bib_files[path.stem] = publications
            self.model.publications.extend(publications)

    # collections --------------------------------------------------------------------------

    def read_collections(self, root: Path) -> None:
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("_")):
            name = folder.name[1:]
            if folder.name in ("_data", "_bibliography", "_pages", "_site", "_includes",
                               "_layouts", "_sass", "_plugins", "_drafts"):
                continue
            if any(w in name.lower() for w in ("topic", "research")):
                for path in self.ctx.walk(folder, PAGE_SUFFIXES):
                    self.read_topic_document(path)
            else:
                collection = "posts" if name == "posts" else name
                for path in self.ctx.walk(folder, PAGE_SUFFIXES):
                    self.read_collection_item(path, collection)

    def read_topic_document(self, path: Path) -> None:
        from ...parsing.liquid import find_includes, parse_template

        fm = self.ctx.front_matter(path)
        if fm is None:
            return
        meta = dict(fm.meta)
        meta.setdefault("title", meta.get("name") or path.stem)
        theme = item_to_theme({k: v for k, v in meta.items() if k != "name"},
                              slugify(str(meta["title"]), fallback=path.stem),
                              self.ctx.origin(path, 1))
        theme.body = fm.body.strip() or theme.body
        theme = self._add_theme(theme, ("topic", theme.title.lower()))
        doc = parse_template(fm.body, self.ctx.rel(path), self.ctx.diagnostics,
                             fm.body_line - 1)
        for include in find_includes(doc):
            self._tie_include(include, path, theme)

    def read_collection_item(self, path: Path, collection: str) -> None:
        self.ctx.saw("item", path, 1)
        fm = self.ctx.front_matter(path)
        if fm is None:
            return
        meta = dict(fm.meta)
        entry = item_to_item(collection, meta, slugify(path.stem, fallback="item"),
                             self.ctx.origin(path, 1))
        entry.body = fm.body.strip()
        named = re.match(r"^(\d{2,4}-\d{1,2}-\d{1,2})-", path.name)
        if collection == "posts" and not named:
            entry.extra["unrendered"] = True
            self.ctx.report(
                UNRENDERED_FOLDER, "post name lacks a YYYY-MM-DD- prefix; Jekyll skips it", path
            )
        elif named and entry.date is None and "date" not in entry.extra:
            entry.date = normalize_date(named.group(1))  # Jekyll's date for a dated name
        if not fm.present:
            self.ctx.report(NO_FRONT_MATTER, "no front matter; Jekyll copies it unrendered", path)
        self.model.items.append(entry)

    # pages --------------------------------------------------------------------------------

    def read_page(self, path: Path, page_id: str) -> None:
        from ...parsing.liquid import find_includes, find_loops, parse_template

        fm = self.ctx.front_matter(path)
        if fm is None:
            return
        meta = dict(fm.meta)
        if not fm.present:
            self.ctx.report(NO_FRONT_MATTER, "no front matter; Jekyll copies it unrendered", path)
        if _is_research_subpage(path, meta, self.ctx.root):
            self._read_research_subpage(path, meta, fm.body)
            return
        self.ctx.saw("page", path, 1)
        page = self._page(path, page_id, meta, fm.body)
        self.model.pages.append(page)
        doc = parse_template(fm.body, self.ctx.rel(path), self.ctx.diagnostics,
                             fm.body_line - 1)
        if not doc.ok:
            return
        loops = find_loops(doc)
        for loop in loops:
            self._apply_loop(loop, page, path)
        for include in find_includes(doc):
            self._apply_include(include, page, path)
        cites_bib = self._apply_bibliography(doc, page)
        if page.role == "publications" and not cites_bib and not any(
                _is_publication_loop(loop, self.data) for loop in loops):
            self._read_markdown_references(path, fm.body, fm.body_line, page)

    def _page(self, path: Path, page_id: str, meta: dict[str, Any], body: str) -> Page:
        title = text_or_none(meta.pop("title", None))
        permalink = text_or_none(meta.pop("permalink", None))
        nav_meta = meta.pop("nav", None)
        nav_order = meta.pop("nav_order", None)
        page = Page(id=page_id, title=title, permalink=permalink, body=body,
                    origin=self.ctx.origin(path, 1))
        if isinstance(nav_meta, dict):
            page.nav = True
            order = nav_meta.get("order")
            page.nav_order = order if isinstance(order, int) else None
            rest = {k: v for k, v in nav_meta.items() if k != "order"}
            if rest:
                page.extra["nav"] = rest
        elif nav_meta is not None:
            page.nav = bool(nav_meta)
        if isinstance(nav_order, int):
            page.nav_order = nav_order
        elif nav_order is not None:
            page.extra["nav_order"] = nav_order
        url = url_key(permalink or _default_url(path, self.ctx.root), keep_case=True)
        if url in self.nav_urls:
            page.nav = True
            page.nav_order = page.nav_order or self.nav_urls[url]
        page.role = _role(page_id, permalink, title)
        page.extra.update(meta)
        return page

    # loops and includes -------------------------------------------------------------------

    def _apply_loop(self, loop: Loop, page: Page, path: Path) -> None:
        from .select import select_items

        if loop.data_path is None or loop.data_path[:2] != ("site", "data") or \
                len(loop.data_path) < 3:
            return
        data_path = loop.data_path[2:]
        value = self.data.get(data_path)
        dotted = ".".join(str(p) for p in loop.data_path)
        if value is MISSING:
            self.ctx.report(MISSING_DATA, f"loop over {dotted}: no such data", path, loop.line)
            if loop.keys:
                self._stubs(loop, page, path, data_path)
            return
        selected: list[Any] = []
        if loop.keys:
            for key in loop.keys:
                items, _ = select_items(value, loop, key)
                if not items:
                    self.ctx.report(UNRESOLVED_REFERENCE, f"key {key!r} not found in {dotted} "
                                    f"(where {loop.key_field!r})", path, loop.line)
                selected.extend(items)
        else:
            selected, _ = select_items(value, loop)
        self._tie(selected, loop.heading, loop.section, page, path, loop.line)

    def _tie(self, items: list[Any], heading: str | None, section: str | None, page: Page,
             path: Path, line: int) -> None:
        pubs = [self.bound.publications[id(i)] for i in items if id(i) in self.bound.publications]
        projects = [self.bound.projects[id(i)] for i in items if id(i) in self.bound.projects]
        if not pubs and not projects:
            return
        if page.role == "publications" and heading:
            for pub in pubs:
                pub.extra.setdefault("section", heading)
        if page.role not in THEME_ROLES or not _names_section(section, page):
            return
        theme = self._theme_for(page, section, path, line)
        _extend(theme.publication_ids, [p.id for p in pubs])
        _extend(theme.project_ids, [p.id for p in projects])

    def _stubs(self, loop: Loop, page: Page, path: Path, data_path: tuple[Any, ...]) -> None:
        theme = self._theme_for(page, loop.section, path, loop.line) \
            if page.role in THEME_ROLES else None
        known = {p.id for p in self.model.publications}
        for key in loop.keys or []:
            key_text = str(key).strip()
            if not key_text:
                continue
            if key_text not in known:
                stub = Publication(id=key_text, title=key_text,
                                   origin=self.ctx.origin(path, loop.line))
                stub.extra["stub"] = True
                stub.extra["data"] = ".".join(str(p) for p in data_path)
                if loop.key_field:
                    stub.extra["key_field"] = loop.key_field
                if loop.heading:
                    stub.extra["section"] = loop.heading
                self.model.publications.append(stub)
                known.add(key_text)
                self.ctx.report(
                    STUB_PUBLICATION,
                    f"publication {key_text!r} is known only by its key "
                    f"(site.data.{stub.extra['data']} is absent)",
                    path,
                    loop.line,
                )
            if theme is not None:
                _extend(theme.publication_ids, [key_text])

    def _apply_include(self, include: Include, page: Page, path: Path) -> None:
        data_name = include.params.get("data")
        if isinstance(data_name, str) and data_name:
            self._apply_list_include(include, data_name, page, path)
            return
        if page.role in THEME_ROLES and _cites_publications(include):
            found = self._cited(include, path)
            if found and _names_section(include.section, page):
                theme = self._theme_for(page, include.section, path, include.line)
                _extend(theme.publication_ids, [p.id for p in found])

    def _apply_list_include(self, include: Include, data_name: str, page: Page,
                            path: Path) -> None:
        """The Greene-lab ``list.html data="x" filter="..."`` include is a loop in disguise."""
        value = self.data.get(tuple(data_name.split(".")))
        if value is MISSING:
            if data_name not in ("posts", "members"):
                self.ctx.report(
                    MISSING_DATA,
                    f"include {include.name} reads site.data.{data_name}: no such data",
                    path,
                    include.line,
                )
            return
        condition = include.params.get("filter")
        items = value if isinstance(value, list) else []
        if isinstance(condition, str) and condition.strip():
            items = _filter_items(items, condition)
        self._tie(items, include.heading, include.section, page, path, include.line)

    def _tie_include(self, include: Include, path: Path, theme: Theme) -> None:
        if _cites_publications(include):
            _extend(theme.publication_ids, [p.id for p in self._cited(include, path)])

    def _cited(self, include: Include, path: Path) -> list[Publication]:
        """Publications an include shows, matched by parameter against id/tag/tags."""
        for name in ("tag", "key", "id", "lookup", "paper", "cite"):
            value = include.params.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
            found = self._publications_for(value.strip(), include.name)
            if not found:
                self.ctx.report(
                    UNRESOLVED_REFERENCE,
                    f"include {include.name} {name}={value!r} matches no publication",
                    path,
                    include.line,
                )
            return found
        return []

    def _publications_for(self, value: str, include_name: str) -> list[Publication]:
        exact = [p for p in self.model.publications if p.id == value or
                 str(p.extra.get("tag", "")) == value]
        if exact:
            return exact
        return [p for p in self.model.publications
                if isinstance(p.extra.get("tags"), list) and value in p.extra["tags"]]

    def _apply_bibliography(self, doc: LiquidDoc, page: Page) -> bool:
        from ...parsing.liquid import find_tags

        found = False
        for markup, _line in find_tags(doc, "bibliography"):
            found = True
            match = re.search(r"--file\s+([\w./-]+)", markup)
            name = match.group(1).rsplit("/", 1)[-1].removesuffix(".bib") if match else \
                "references"
            if name not in self.bib_files:
                self.ctx.report(
                    MISSING_DATA,
                    f"bibliography file {name!r} is absent",
                    page.origin.file if page.origin else None,
                    _line,
                )
        return found

    def _read_markdown_references(self, path: Path, body: str, body_line: int,
                                  page: Page) -> None:
        refs, unparsed = markdown_references(body, body_line)
        for ref in refs:
            item: dict[str, Any] = {"title": ref["title"], "authors": "; ".join(ref["authors"]),
                                    "venue": ref["venue"], "year": ref["year"]}
            if ref.get("url"):
                doi = re.search(r"10\.\d{4,}/\S+", ref.get("link_text", ""))
                if doi:
                    item["doi"] = doi.group(0)
                item["url"] = ref["url"]
            pub = item_to_publication(item, slugify(ref["title"], fallback=page.id),
                                      self.ctx.origin(path, ref["line"]))
            if "doi" in item:
                pub.links["doi"] = pub.links.pop("html")
            if ref["date_text"]:
                pub.extra["date_text"] = ref["date_text"]
            self.model.publications.append(pub)
        if refs:
            self.ctx.report(
                AMBIGUOUS_CONTENT,
                f"{len(refs)} publication(s) read from a hand-written Markdown reference list",
                path,
                body_line,
            )
        for line in unparsed:
            self.ctx.report(
                AMBIGUOUS_CONTENT,
                "paragraph looks like a reference but could not be read "
                "as one; kept in the page body",
                path,
                line,
            )

    # themes -------------------------------------------------------------------------------

    def _theme_for(self, page: Page, heading: str | None, path: Path, line: int) -> Theme:
        title = heading or page.title or page.id
        key = (page.id, title.lower())
        theme = self.themes_by_key.get(key)
        if theme is None:
            theme = Theme(id=slugify(title, fallback=page.id), title=title,
                          origin=self.ctx.origin(path, line))
            theme.extra["page"] = page.id
            self._add_theme(theme, key)
        return theme

    def _add_theme(self, theme: Theme, key: tuple[str, str]) -> Theme:
        """Add ``theme`` unless a listed topic of the same title exists; return the one kept."""
        same = next((t for t in self.model.themes
                     if _same_title(t.title, theme.title) and key[0] in MERGED_THEME_KINDS
                     and t.extra.get("page") is None), None)
        if same is not None:
            # _data/topics.yaml repeating the _researchtopics collection: one theme; the
            # rendered collection wins, the data file's differing values stay in extra
            for name, value in theme.extra.items():
                if name in same.extra and same.extra[name] != value and key[0] == "topic":
                    same.extra.setdefault("listed_as", {})[name] = same.extra[name]
                    same.extra[name] = value
                else:
                    same.extra.setdefault(name, value)
            if key[0] == "topic":
                same.title = theme.title
                same.summary = theme.summary or same.summary
                same.body = theme.body or same.body
            else:
                same.summary = same.summary or theme.summary
                same.body = same.body or theme.body
            if theme.origin is not None:
                self.ctx.report(MERGED_DUPLICATE, f"theme {theme.title!r} is listed twice; merged",
                                theme.origin.file, theme.origin.line)
            self.themes_by_key[key] = same
            return same
        self.themes_by_key[key] = theme
        self.model.themes.append(theme)
        return theme

    def _read_research_subpage(self, path: Path, meta: dict[str, Any], body: str) -> None:
        title = text_or_none(meta.pop("title", None)) or path.stem
        title = re.sub(r"\s+-\s+[^-]*Research\s*$", "", title).strip() or title
        theme = Theme(id=slugify(title, fallback=path.stem), title=title, body=body.strip(),
                      origin=self.ctx.origin(path, 1))
        theme.extra.update(meta)
        theme.extra["source_page"] = self.ctx.rel(path)
        self._add_theme(theme, ("research", title.lower()))

    def finish(self) -> None:
        for theme in self.model.themes:
            theme.publication_ids = list(dict.fromkeys(theme.publication_ids))


# --- small helpers -------------------------------------------------------------------------

def _socials(config: dict[str, Any], author: dict[str, Any]) -> dict[str, str]:
    socials: dict[str, str] = {}
    links = author.get("links")
    if isinstance(links, list):
        for link in links:
            if isinstance(link, dict) and link.get("url") and link.get("label"):
                socials[slugify(str(link["label"]), 40, "link")] = str(link["url"])
    site_links = config.get("links")
    if isinstance(site_links, dict):
        for name, value in site_links.items():
            if value:
                socials[str(name)] = str(value)
    for key, name in (("google_scholar", "google-scholar"), ("arxiv_link", "arxiv"),
                      ("bluesky_link", "bluesky"), ("github_username", "github"),
                      ("twitter_username", "twitter"), ("github_link", "github"),
                      ("linkedin", "linkedin"), ("twitter", "twitter"), ("cv_link", "cv")):
        if config.get(key) and name not in socials:
            socials[name] = str(config[key])
    return socials


def _record_lists(content: Any, name: str = "") -> list[tuple[tuple[Any, ...], list[Any]]]:
    """Lists of records in a data file: the file itself, or lists one key down (``main:``)."""
    if isinstance(content, list):
        return [((), content)] if content else []
    if isinstance(content, dict):
        found = [((key,), value) for key, value in content.items()
                 if isinstance(value, list) and value and
                 any(isinstance(v, dict) for v in value)]
        if found:
            return found
        if content and all(isinstance(v, dict) for v in content.values()) and \
                len(content) > 1 and any(w in name for w in PEOPLE_WORDS):
            # a map by slug (people.yml): each value is a record
            return [((), [dict(v, key=k) if "key" not in v else v
                          for k, v in content.items()])]
    return []


def _category(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    if any(w in base for w in TOPIC_WORDS):
        return "topics"
    if any(w in base for w in PUB_WORDS) and "citing" not in base:
        return "publications"
    if any(w in base for w in PROJECT_WORDS):
        return "projects"
    return "items"


def _is_publication_loop(loop: Loop, data: DataTree) -> bool:
    if loop.data_path is None or loop.data_path[:2] != ("site", "data"):
        return False
    return _category("/".join(str(p) for p in loop.data_path[2:3]).lower()) == "publications"


def _names_section(heading: str | None, page: Page) -> bool:
    """A heading other than the page's own title names a research section."""
    return bool(heading) and not _same_title(heading or "", page.title or page.id)


def _cites_publications(include: Include) -> bool:
    name = include.name.lower()
    return any(w in name for w in ("pub", "cit", "paper", "bib", "reference"))


def _filter_items(items: list[Any], condition: str) -> list[Any]:
    from ...parsing.liquid import Guard, evaluate_condition, parse_template

    doc = parse_template("{% if " + condition + " %}x{% endif %}")
    expression = getattr(doc.nodes[0], "condition", None) if doc.nodes else None
    if expression is None:
        return items
    guard = Guard(condition, expression, False, "")
    return [i for i in items if evaluate_condition(guard, i) is not False]


def _same_title(a: str, b: str) -> bool:
    return a.strip().rstrip(".").lower() == b.strip().rstrip(".").lower()


def _extend(target: list[str], values: list[str]) -> None:
    """Append the values ``target`` lacks, in order (one set, not a scan per value)."""
    present = set(target)
    for value in values:
        if value not in present:
            present.add(value)
            target.append(value)


def _default_url(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root)
    except ValueError:
        return "/" + path.stem
    parts = list(rel.parts)
    if parts and parts[0] == "_pages":
        parts = parts[1:]
    if parts and Path(parts[-1]).stem == "index":
        parts = parts[:-1]
    elif parts:
        parts[-1] = Path(parts[-1]).stem
    return "/" + "/".join(parts)


def _role(page_id: str, permalink: str | None, title: str | None) -> str | None:
    if page_id == "index" or (permalink or "").strip() == "/":
        return "about"
    for text in (page_id, (permalink or "").strip("/"), (title or "").lower()):
        for word, role in ROLE_WORDS:
            if word in text.lower():
                return role
    return None


def _is_research_subpage(path: Path, meta: dict[str, Any], root: Path) -> bool:
    """``research/<topic>.md`` beside a ``research/index.md``: one theme per file."""
    parent = path.parent
    if path.stem == "index" or parent.name.lower() != "research" or parent == root:
        return False
    return (parent / "index.md").is_file() or (parent / "index.html").is_file() or \
        str(meta.get("group", "")).lower() == "research"


READER = CustomReader()
