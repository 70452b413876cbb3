"""Reader for academicpages sites (and single academicpages pages).

A site is ``_config.yml`` (profile in a flat ``author:`` map), ``_data/navigation.yml``
and the collections ``_publications``, ``_talks``, ``_teaching``, ``_portfolio`` plus any
declared in ``collections:``; pages live in ``_pages/``, at the top level or in lab folders
(``research/``, ``people/``).  Research pages are also read for themes and projects
(``parsing.markdown_sections``).  Liquid in bodies is kept verbatim, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ...common.reader import Detection, ReadContext, Reader, config_path
from ...common.urls import url_key
from ...diagnostics import (
    AMBIGUOUS_CONTENT,
    BAD_DATE,
    FRONT_MATTER_NOT_MAPPING,
    GENERATOR_INPUT,
    MISSING_TITLE,
    NO_FRONT_MATTER,
    NOT_PUBLISHED,
    UNRENDERED_FOLDER,
    code_named,
)
from ...model import (
    Item,
    Model,
    Origin,
    Page,
    Project,
    Publication,
    Source,
    Theme,
    publication_from_row,
    publication_row,
)
from ...parallel import map_on_two_cores
from ...parsing.front_matter import FrontMatter, split_front_matter
from ...parsing.markdown_sections import extract_research
from ...parsing.text import Decoded, read_regular_text, regular_opener
from ...parsing.yamlio import YamlError, load_yaml
from ...paths import slugify
from ...transforms.fields import as_int, date_problem, normalize_date
from .codec import ITEM_COLLECTIONS, ITEMS_MARK
from .config import navigation, site_from_config
from .publications import publication_from_meta, stem_parts
from .research import RESEARCH_PAGE, themes_from_data
from .tsv import generator_sample

#: a BibTeX entry (not @string, @comment, @preamble), for counting a generator input's
_BIB_ENTRY = re.compile(r"^[ \t]*@(?!string|comment|preamble)\w+\s*[{(]", re.M | re.I)

DOC_SUFFIXES = (".md", ".markdown", ".html")
#: underscore folders that are Jekyll machinery, not content
JEKYLL_FOLDERS = {"_data", "_includes", "_layouts", "_sass", "_site", "_plugins", "_drafts",
                  "_config", "_bibliography", "_scss"}
#: top-level folders that hold assets or tooling, never pages
ASSET_FOLDERS = {"assets", "images", "files", "img", "css", "js", "fonts", "vendor",
                 "node_modules", "markdown_generator", "talkmap", "scripts", "docs",
                 "_site", "pdf", "slides"}
#: extra collections whose documents are entries (items), not projects
_RAW_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n?)^(?:---|\.\.\.)[ \t]*$\n?", re.M | re.S)
_POST_NAME = re.compile(r"^\d{2,4}-\d{1,2}-\d{1,2}-")
_PAGE_ROLES = (("publication", "publications"), ("talk", "talks"), ("teaching", "teaching"),
               ("portfolio", "projects"), ("project", "projects"), ("research", "research"),
               ("cv", "cv"))


class AcademicpagesReader(Reader):
    name = "academicpages"

    def detect(self, path: Path) -> Detection:
        if path.is_file():
            return _detect_page(path)
        return _detect_site(path)

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        if path.is_file():
            _SiteReader(path.parent, ctx, model).read_single_page(path)
        else:
            _SiteReader(path, ctx, model).read()
        return model


def _quiet_yaml(path: Path) -> Any:
    try:
        return load_yaml(read_regular_text(path)).data
    except (YamlError, OSError):
        return None


def _detect_site(root: Path) -> Detection:
    found = Detection()
    path = config_path(root)
    if path is None:
        return found
    config = _quiet_yaml(path)
    config = config if isinstance(config, dict) else {}
    pubs = root / "_publications"
    has_pubs = pubs.is_dir() and any(p.suffix in DOC_SUFFIXES for p in pubs.iterdir())
    author = config.get("author")
    flat_scholar = isinstance(author, dict) and "googlescholar" in author
    collections = config.get("collections")
    declared = isinstance(collections, dict | list) and "publications" in collections
    if has_pubs and (declared or collections is None and flat_scholar):
        found.add(0.45, "_publications/ folder")
    elif has_pubs:
        # Jekyll renders no undeclared collection: data a page loops over should win
        found.add(0.2, "_publications/ folder (not in collections:, so not rendered)")
    if flat_scholar:
        found.add(0.3, "flat author.googlescholar in config")
    if isinstance(author, dict) and "avatar" in author:
        found.add(0.05, "author.avatar in config")
    if "publication_category" in config:
        found.add(0.2, "publication_category in config")
    if isinstance(collections, dict | list) and \
            {"publications", "talks", "portfolio"} & set(collections):
        found.add(0.15, "collections: publications/talks/portfolio")
    if (root / "markdown_generator").is_dir():
        found.add(0.1, "markdown_generator/ folder")
    if not (has_pubs or flat_scholar):
        # minimal-mistakes sites share author_profile/single; they are not academicpages
        found.score = min(found.score, 0.15)
    return found


def _detect_page(path: Path) -> Detection:
    found = Detection()
    if path.suffix.lower() not in DOC_SUFFIXES:
        return found
    try:
        text = read_regular_text(path)
    except OSError:
        return found
    fm = split_front_matter(text.replace("\r\n", "\n"))
    meta = fm.meta
    if "{% include base_path %}" in fm.body:
        found.add(0.45, "{% include base_path %}")
    if meta.get("layout") == "archive":
        found.add(0.2, "layout: archive")
    elif meta.get("layout") == "single":
        found.add(0.1, "layout: single")
    if meta.get("author_profile") is True:
        found.add(0.15, "author_profile: true")
    if meta.get("collection") in ("publications", "talks", "teaching", "portfolio"):
        found.add(0.4, f"collection: {meta['collection']}")
    if {"paperurl", "citation"} & set(meta):
        found.add(0.3, "paperurl/citation keys")
    if not fm.present:  # Jekyll does not render it, so it is no theme's page
        found.score *= 0.3
    return found


class _SiteReader:
    """One reading pass over a site folder; fills ``model`` and reports into ``ctx``."""

    def __init__(self, root: Path, ctx: ReadContext, model: Model) -> None:
        self.root = root
        self.ctx = ctx
        self.model = model
        self.config: dict[str, Any] = {}
        self.declared: set[str] = set()
        self.item_collections: set[str] = set(ITEM_COLLECTIONS)
        self.pub_by_url: dict[str, str] = {}
        self.invalid_blocks: dict[Path, str] = {}  #: front matter that did not parse, raw

    # -- whole site -------------------------------------------------------------------------

    def read(self) -> None:
        self._read_config()
        self._read_publications()
        self._index_publications()
        for folder in self._collection_folders():
            self._read_collection(folder)
        self._read_pages()

    def read_single_page(self, path: Path) -> None:
        fm = self._document(path)
        if fm is None:
            return
        page = self._page(path, fm, path.stem)
        self.model.pages.append(page)
        self._research(page, fm, path)

    def _read_config(self) -> None:
        path = config_path(self.root)
        if path is None:
            return
        data = self.ctx.load_yaml_file(path)
        if data is not None and not isinstance(data, dict):
            self.ctx.report(FRONT_MATTER_NOT_MAPPING, "config is not a key: value map", path, 1)
            data = None
        self.config = data or {}
        site = site_from_config(self.config)
        site.origin = self.ctx.origin(path, 1)
        nav_path = self.root / "_data" / "navigation.yml"
        if nav_path.is_file():
            site.navigation = navigation(self.ctx.load_yaml_file(nav_path))
        self.model.site = site
        collections = self.config.get("collections")
        if isinstance(collections, dict | list):
            self.declared = {str(name) for name in collections}
        if isinstance(collections, dict):
            self.item_collections = {str(name) for name, value in collections.items()
                                     if isinstance(value, dict) and value.get(ITEMS_MARK)}
        for key in site.socials:
            if key != key.lower():
                self.ctx.report(AMBIGUOUS_CONTENT, f"author key {key!r} is not read by the theme "
                                "(its keys are lower case)", path)

    # -- publications -----------------------------------------------------------------------

    def _read_publications(self) -> None:
        """Every file of ``_publications``, in order; when there are many, a second core
        reads and parses part of them (``_parsed_file``); each file's reports are made here
        and keep their place among the others'."""
        folder = self.root / "_publications"
        found: list[tuple[Path, int]] = []  #: (file, where its reports go)
        for path in self.ctx.walk(folder, DOC_SUFFIXES):
            self.ctx.saw("publication", path, 1)
            found.append((path, len(self.ctx.diagnostics.items)))
        parsed = map_on_two_cores(partial(_parsed_file, self.ctx),
                                  [(path, self.ctx.origin(path, 1)) for path, _ in found],
                                  to_plain=_parsed_row, from_plain=_parsed_from_row)
        reports = self.ctx.diagnostics.items
        walked = len(reports)
        for (path, mark), result in zip(found, parsed, strict=True):
            # the reports made since the walk are the earlier files': all before this mark
            with self.ctx.diagnostics.reported_at(mark + len(reports) - walked):
                self._publication_read(path, result)
        if self.model.publications:
            self._check_declared(folder)
        self._read_generator_tsv()

    def _publication_read(self, path: Path, found: ParsedPublication | None) -> None:
        if found is None:  # not read by _parsed_file: read here, reporting why not
            text = self.ctx.read_text(path)
            if text is None:
                return
            found = _parsed_publication(text, path.stem, self.ctx.origin(path, 1))
        else:
            self.ctx.reported_text(path, found.decoded)
        self._front_matter_read(path, found.front_matter, found.invalid_block)
        pub = found.publication
        for note in found.notes:
            self.ctx.report(MISSING_TITLE, note, path, 1)
        problem = date_problem(found.date)
        if problem is not None:
            self.ctx.report(BAD_DATE, f"date {found.date!r}: {problem}", path, 1)
            if normalize_date(found.date) is None:
                pub.extra.setdefault("date", found.date)
        self.model.publications.append(pub)

    def _read_generator_tsv(self) -> None:
        """markdown_generator/ inputs are not read: the site renders what the generator made
        of them (``_publications/``), not the inputs, which are often the template's own
        samples.  The site's own inputs are reported with the ``--add`` line that reads them
        (SM220); the template's samples are named as such."""
        generator = self.root / "markdown_generator"
        if not generator.is_dir():
            return
        for path in self.ctx.walk(generator, (".bib", ".tsv")):
            text = self.ctx.read_text(path)
            if text is None:
                continue
            rel = self.ctx.rel(path)
            if generator_sample(text):
                self.ctx.report(AMBIGUOUS_CONTENT, "the template's own sample generator "
                                "input; not read", path, 1)
                continue
            if path.suffix == ".bib":
                count = len(_BIB_ENTRY.findall(text))
                what = f"{count} BibTeX entr{'y' if count == 1 else 'ies'}"
            else:
                rows = sum(1 for line in text.splitlines()[1:] if line.strip())
                what = f"{rows} row{'' if rows == 1 else 's'}"
            talks = path.suffix == ".tsv" and path.name.startswith("talks")
            self.ctx.report(
                GENERATOR_INPUT,
                f"generator input ({what}); not read"
                + ("" if talks else f"; add it with `--add {rel}`"),
                path, 1,
                hint="talk tables have no reader; carry the talks as _talks/ pages"
                if talks else f"add it with --add {rel} (relative to the site folder)")

    def _index_publications(self) -> None:
        for pub in self.model.publications:
            stem = _file_stem(pub.origin.file) if pub.origin else pub.id
            for url in (pub.extra.get("permalink"), f"/publication/{stem}",
                        f"/publications/{stem}", f"/publication/{pub.id}"):
                if isinstance(url, str) and url:
                    self.pub_by_url.setdefault(url_key(url, keep_case=True), pub.id)

    def resolve_publication(self, url: str) -> str | None:
        base = self.model.site.url or ""
        if base and url.startswith(base):
            url = url[len(base):]
        return self.pub_by_url.get(url_key(url, keep_case=True))

    def resolve_project(self, url: str) -> str | None:
        match = re.match(r"^/?(?:portfolio|projects)/([^/#?]+)", url.strip())
        if not match:
            return None
        wanted = match.group(1)
        return next((p.id for p in self.model.projects if p.id == wanted), None)

    # -- collections ------------------------------------------------------------------------

    def _collection_folders(self) -> list[Path]:
        folders = []
        for child in sorted(self.root.iterdir()):
            name = child.name
            if (not child.is_dir() or not name.startswith("_") or name in JEKYLL_FOLDERS
                    or name in ("_publications", "_pages") or child.is_symlink()):
                continue
            folders.append(child)
        return folders

    def _check_declared(self, folder: Path) -> None:
        name = folder.name[1:]
        if name != "posts" and name not in self.declared:
            self.ctx.report(
                UNRENDERED_FOLDER,
                f"{folder.name}/ is not in collections: of _config.yml; Jekyll does not render it",
                folder.name,
            )

    def _read_collection(self, folder: Path) -> None:
        name = folder.name[1:]
        paths = list(self.ctx.walk(folder, DOC_SUFFIXES))
        if not paths:
            return
        self._check_declared(folder)
        as_item = name in ("talks", "teaching", "posts") or name in self.item_collections
        for path in paths:
            if name != "research":
                self.ctx.saw("item" if as_item else "project", path, 1)
            fm = self._document(path)
            if fm is None:
                continue
            if as_item:
                self._item(name, path, fm)
            elif name == "research":
                self.model.themes.append(self._collection_theme(path, fm))
            else:
                self.model.projects.append(self._project(name, path, fm))

    def _item(self, collection: str, path: Path, fm: FrontMatter) -> None:
        meta = dict(fm.meta)
        title = meta.pop("title", None)
        raw_date = meta.get("date")
        date = normalize_date(raw_date)
        problem = date_problem(raw_date)
        if problem is not None:
            self.ctx.report(BAD_DATE, f"date {raw_date!r}: {problem}", path, 1)
        if raw_date is None or date is not None:
            meta.pop("date", None)
        if date is None:
            date = stem_parts(path.stem)[0]
        date = _with_precision(date, meta)
        if collection == "posts" and not _POST_NAME.match(path.name):
            self.ctx.report(
                AMBIGUOUS_CONTENT,
                "post file name has no YYYY-MM-DD- prefix; Jekyll skips it",
                path,
                1,
            )
        _mark_raw(meta, fm, self.invalid_blocks.get(path))
        self.model.items.append(Item(
            collection=collection, id=path.stem, title=None if title is None else str(title),
            date=date, body=fm.body.strip("\n"), extra=meta,
            origin=self.ctx.origin(path, 1)))

    def _project(self, collection: str, path: Path, fm: FrontMatter) -> Project:
        meta = dict(fm.meta)
        title = str(meta.pop("title", "") or "").strip() or _titleize(path.stem)
        project = Project(id=path.stem, title=title, origin=self.ctx.origin(path, 1))
        excerpt = meta.pop("excerpt", None)
        project.description = None if excerpt is None else str(excerpt)
        project.body = fm.body.strip("\n") or None
        project.date = normalize_date(meta.get("date"))
        if project.date is not None or meta.get("date") is None:
            meta.pop("date", None)
        project.date = _with_precision(project.date, meta)
        header = meta.pop("header", None)
        if isinstance(header, dict):
            project.image = None if header.get("teaser") is None else str(header["teaser"])
            rest = {k: v for k, v in header.items() if k != "teaser"}
            if rest:
                meta["header"] = rest
        elif header is not None:
            meta["header"] = header
        link = meta.pop("link", None)
        if link:
            project.links["html"] = str(link)
        for key in sorted(meta):
            if key.endswith("url") and len(key) > 3 and key.isidentifier() and meta[key]:
                project.links.setdefault(key[:-3].rstrip("_"), str(meta.pop(key)))
        project.order = as_int(meta.pop("order", None))
        category = meta.pop("category", None)
        project.category = None if category is None else str(category)
        pubs = meta.pop("publications", None)
        if isinstance(pubs, list):
            project.publication_ids = [str(p) for p in pubs]
        elif pubs is not None:
            meta["publications"] = pubs
        if meta.get("collection") in (collection, None):
            meta.pop("collection", None)
        if collection != "portfolio":
            meta["sitemigrate_collection"] = collection
        project.extra = meta
        return project

    def _collection_theme(self, path: Path, fm: FrontMatter) -> Theme:
        meta = dict(fm.meta)
        title = str(meta.pop("title", "") or "").strip() or _titleize(path.stem)
        excerpt = meta.pop("excerpt", None)
        body = fm.body.strip("\n")
        theme = Theme(id=slugify(path.stem), title=title,
                      summary=None if excerpt in (None, "") else str(excerpt),
                      body=body or None, origin=self.ctx.origin(path, 1))
        found = extract_research(body, self.ctx.rel(path), fm.body_line,
                                 self.resolve_publication)
        theme.publication_ids = _links_to_publications(body, self.resolve_publication)
        theme.subthemes = found.themes
        meta.pop("collection", None)
        theme.extra = meta
        return theme

    # -- pages ------------------------------------------------------------------------------

    def _page_paths(self) -> list[Path]:
        paths = list(self.ctx.walk(self.root / "_pages", DOC_SUFFIXES))
        for child in sorted(self.root.iterdir()):
            if child.is_file() and child.suffix.lower() in DOC_SUFFIXES:
                why = self.ctx.excluded(child, child.name)
                if why is not None:
                    self.ctx.report(NOT_PUBLISHED, f"not read: Jekyll does not publish it ({why})",
                                    child.name)
                elif _has_front_matter(child):
                    paths.append(child)
            elif (child.is_dir() and not child.name.startswith((".", "_"))
                  and child.name.lower() not in ASSET_FOLDERS and not child.is_symlink()):
                paths.extend(p for p in self.ctx.walk(child, DOC_SUFFIXES)
                             if _has_front_matter(p) or p.suffix != ".html")
        return paths

    def _read_pages(self) -> None:
        for path in self._page_paths():
            self.ctx.saw("page", path, 1)
            fm = self._document(path)
            if fm is None:
                continue
            rel = path.relative_to(self.root)
            parts = rel.with_suffix("").parts
            page_id = "-".join(parts[1:] if parts[0] == "_pages" else parts)
            page = self._page(path, fm, page_id)
            self.model.pages.append(page)
            if len(parts) > 1 and parts[0].lower() == "research" and fm.present:
                self.model.themes.append(self._collection_theme(path, fm))
            elif _is_research_page(page, path):
                self._research(page, fm, path)

    def _page(self, path: Path, fm: FrontMatter, page_id: str) -> Page:
        meta = dict(fm.meta)
        title = meta.pop("title", None)
        permalink = meta.pop("permalink", None)
        meta.pop("themes", None)
        page = Page(id=page_id, title=None if title is None else str(title),
                    permalink=None if permalink is None else str(permalink),
                    body=fm.body, extra=meta, origin=self.ctx.origin(path, 1))
        _mark_raw(page.extra, fm, self.invalid_blocks.get(path))
        page.role = _page_role(page, path)
        for order, entry in enumerate(self.model.site.navigation):
            if page.permalink and url_key(entry["url"], keep_case=True) == \
                    url_key(page.permalink, keep_case=True):
                page.nav, page.nav_order = True, order
                break
        return page

    def _research(self, page: Page, fm: FrontMatter, path: Path) -> None:
        rel = self.ctx.rel(path)
        if "themes" in fm.meta:
            themes = themes_from_data(fm.meta["themes"], self.ctx.origin(path, 1))
            self.model.themes.extend(themes)
            return
        found = extract_research(fm.body, rel, fm.body_line, self.resolve_publication,
                                 self.resolve_project)
        self.model.themes.extend(found.themes)
        self.model.projects.extend(found.projects)
        if found.themes or found.projects:
            self.ctx.report(
                AMBIGUOUS_CONTENT,
                f"{len(found.themes)} themes and {len(found.projects)} "
                "projects read from headings and lists",
                path,
                fm.body_line,
            )
        if found.emails and not self.model.site.email:
            self.model.site.email = found.emails[0]

    # -- files ------------------------------------------------------------------------------

    def _document(self, path: Path) -> FrontMatter | None:
        text = self.ctx.read_text(path)
        if text is None:
            return None
        fm = split_front_matter(text)
        self._front_matter_read(path, fm, _invalid_block(text, fm))
        return fm

    def _front_matter_read(self, path: Path, fm: FrontMatter, invalid_block: str | None,
                           ) -> None:
        self.ctx.report_front_matter(path, fm)
        if invalid_block is not None:
            # Jekyll renders such a file without data; keep the block so it can be rewritten
            self.invalid_blocks[path] = invalid_block
        if not fm.present:
            self.ctx.report(
                NO_FRONT_MATTER,
                "no front matter (line 1 is not ---): Jekyll copies the "
                "file unrendered; kept as raw text",
                path,
                1,
            )


def _invalid_block(text: str, fm: FrontMatter) -> str | None:
    """The front-matter block of ``text`` when it does not load (``None`` when it does)."""
    if fm.error is None:
        return None
    block = _RAW_FRONT_MATTER.match(text)
    return block.group(1) if block else None


@dataclass(slots=True)
class ParsedPublication:
    """What reading and parsing one ``_publications`` file gives, before any report."""

    front_matter: FrontMatter  #: its ``meta`` and ``body`` are empty when parsed elsewhere
    invalid_block: str | None
    publication: Publication
    notes: list[str]
    date: Any  #: the front matter's ``date``, as written
    decoded: Decoded = field(default_factory=lambda: Decoded("", "utf-8"))  #: without text


def _parsed_file(ctx: ReadContext, source: tuple[Path, Origin]) -> ParsedPublication | None:
    """``source``'s file read and parsed, reporting nothing; ``None`` when it cannot be read
    so simply (``read_text`` then reads it and says why)."""
    path, origin = source
    decoded = ctx.walked_text(path)
    if decoded is None:
        return None
    parsed = _parsed_publication(decoded.text, path.stem, origin)
    decoded.text = ""
    parsed.decoded = decoded
    return parsed


def _parsed_publication(text: str, stem: str, origin: Origin) -> ParsedPublication:
    fm = split_front_matter(text)
    pub, notes = publication_from_meta(fm.meta, fm.body, stem, origin)
    return ParsedPublication(fm, _invalid_block(text, fm), pub, notes, fm.meta.get("date"))


def _parsed_row(parsed: ParsedPublication | None) -> tuple[Any, ...] | None:
    if parsed is None:
        return None
    fm, error, decoded = parsed.front_matter, parsed.front_matter.error, parsed.decoded
    return ((error.message, error.line, error.code.code) if error else None,
            fm.duplicate_keys, fm.present, fm.body_line, parsed.invalid_block,
            publication_row(parsed.publication), parsed.notes, parsed.date,
            (decoded.encoding, decoded.had_bom, decoded.fallback, decoded.had_nul))


def _parsed_from_row(row: tuple[Any, ...] | None) -> ParsedPublication | None:
    if row is None:
        return None
    error, duplicate_keys, present, body_line, invalid_block, pub, notes, date, decoded = row
    fm = FrontMatter(present=present, body_line=body_line, duplicate_keys=duplicate_keys,
                     error=YamlError(error[0], error[1], code_named(error[2])) if error else None)
    return ParsedPublication(fm, invalid_block, publication_from_row(pub), notes, date,
                             Decoded("", *decoded))


def _mark_raw(extra: dict[str, Any], fm: FrontMatter, invalid_block: str | None) -> None:
    """Flag files Jekyll copies unrendered, and keep front matter that does not parse."""
    if not fm.present:
        extra["sitemigrate_static"] = True
    elif invalid_block is not None:
        extra["sitemigrate_front_matter"] = invalid_block


def _with_precision(date: str | None, meta: dict[str, Any]) -> str | None:
    """A full date the writer padded for Jekyll ("2020-01-01", ``date_precision: year``)
    back to what it was ("2020")."""
    precision = meta.get("date_precision")
    if date is None or precision not in ("year", "month"):
        return date
    del meta["date_precision"]
    return date[:4] if precision == "year" else date[:7]


def _has_front_matter(path: Path) -> bool:
    try:
        with open(path, "rb", opener=regular_opener) as handle:
            first = handle.readline()
    except OSError:
        return False
    return first.lstrip(b"\xef\xbb\xbf").rstrip() == b"---"


def _file_stem(file: str) -> str:
    """``Path(file).stem`` without building a path (the last part after "/", as POSIX)."""
    name = file.rpartition("/")[2]
    if name in ("", ".") or "\\" in file:
        return Path(file).stem  # "a/", "a/.": the name is an earlier part; Windows separators
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _page_role(page: Page, path: Path) -> str | None:
    if page.permalink and url_key(page.permalink) == "/" or path.stem in ("about", "index"):
        return "about"
    listed = {role for loop, role in _LISTING_LOOPS if loop.search(page.body)}
    if len(listed) == 1:  # a page listing one collection says what it is (a CV lists several)
        return listed.pop()
    key = f"{path.stem} {page.permalink or ''}".lower()
    return next((role for word, role in _PAGE_ROLES if word in key), None)


#: the theme's listing loops (``writer.LISTINGS``) and the role of the page holding one
_LISTING_LOOPS = tuple((re.compile(r"\{%-?\s*for\s+\w+\s+in\s+site\." + collection + r"\b"), role)
                       for collection, role in (("publications", "publications"),
                                                ("talks", "talks"), ("teaching", "teaching"),
                                                ("portfolio", "projects")))


def _is_research_page(page: Page, path: Path) -> bool:
    return bool(RESEARCH_PAGE.search(f"{path.stem} {page.permalink or ''}"))


def _links_to_publications(text: str, resolve: Any) -> list[str]:
    refs = (resolve(url) for url in re.findall(r"\]\(([^)\s]+)", text))
    return list(dict.fromkeys(ref for ref in refs if ref))


def _titleize(stem: str) -> str:
    return stem_parts(stem)[1].replace("-", " ").replace("_", " ").strip().capitalize()


__all__ = ["READER", "AcademicpagesReader", "Publication"]

READER = AcademicpagesReader()
