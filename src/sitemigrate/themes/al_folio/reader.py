"""Reader for al-folio sites (themes.md §3) and single al-folio pages.

Sources: ``_config.yml`` (names, socials before 2024-12, ``scholar:``), ``_data/socials.yml``,
every ``.bib`` below the scholar source folder, ``_projects/``, ``_pages/`` (the about page
gives the profile; research pages give themes), ``_news/``, ``_posts/`` and other declared
collections.  Liquid in bodies is kept verbatim.

Mapping decisions, made once:

* a project's ``redirect`` is its ``website`` link, ``github`` its ``code`` link;
* socials are keyed by network (``github_username`` -> ``github``; see ``SOCIAL_KEYS``);
* a research page's own papers (``<strong><a>`` links) that match a bib entry by title or
  URL are that entry; the others become publications of their own;
* themes come from a page only (a) when its front matter says ``sitemigrate: research``
  (the page our writer generates, ``##`` headings and ``{% cite %}``), or (b) when its name or
  permalink says "research" and its body has a shape real al-folio sites use: numbered bold
  areas with ``<details>`` topics (the seed) or ``<h2>`` sections citing
  ``publications/#key`` (201younghanlee).  Other pages that merely mention research and
  have ``##`` headings are pages, not themes; ``sitemigrate: page`` (set by the writer on a
  copied page whose text would pass rule (b)) turns both rules off.  A lone page given
  directly is parsed whatever its shape;
* a ``bibtex`` field holding a URL or a path (``./assets/bib/x.bib``) is the ``bibtex`` link
  (the BibTeX reader keeps relative values in ``extra``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...common.reader import Detection, ReadContext, Reader, config_path
from ...diagnostics import (
    AMBIGUOUS_CONTENT,
    BAD_DATE,
    INTERNAL_ERROR,
    MISSING_TITLE,
    NO_FRONT_MATTER,
    PATH_ESCAPE,
    UNRENDERED_FOLDER,
    UNRESOLVED_REFERENCE,
    Code,
)
from ...model import Item, Model, Page, Project, Publication, Site, Source, Theme
from ...parsing.text import read_regular_text
from ...paths import IdPool, unique_name
from ...transforms.fields import as_bool, as_int, normalize_date, plain_text, text_or_none
from .codec import (
    CITE_TAG,
    SUBTITLE_SEPARATOR,
    UNDATED,
    cite_keys,
    default_social_logos,
    named_bib_files,
    path_links_from_fields,
    research_content,
    social_network,
)

_SOCIAL_KEY = re.compile(r"^[a-z_]+_(username|userid|id|url|profile|qr)$")
#: project front matter the model holds; everything else goes to ``extra``.
_PROJECT_KEYS = {"title", "description", "img", "importance", "category", "redirect",
                 "github", "date", "links"}
_PAGE_KEYS = {"title", "permalink", "nav", "nav_order"}
_POST_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.+)$")
_DOC_SUFFIXES = (".md", ".markdown", ".html")
def _plain_link(key: str, value: Any) -> bool:
    """``{url, title}`` whose title is the key's service name: a social link written for a
    service ``social.liquid`` has no case for (read back as that service's URL); v1 needs an
    icon too, so our writer's generic ``logo`` may be there."""
    return isinstance(value, dict) and set(value) <= {"url", "title", "logo"} and \
        isinstance(value.get("url"), str) and \
        str(value.get("title", "")) == key.replace("_", " ").title() and \
        ("logo" not in value or value["logo"] in default_social_logos())


class AlfolioReader(Reader):
    name = "al-folio"

    # ------------------------------------------------------------------ detection

    def detect(self, path: Path) -> Detection:
        if path.is_dir():
            return self._detect_site(path)
        if path.is_file() and path.suffix.lower() in _DOC_SUFFIXES:
            return self._detect_page(path)
        return Detection()

    def _detect_site(self, path: Path) -> Detection:
        found = Detection()
        config = config_path(path)
        if config is None:
            return found
        try:
            text = read_regular_text(config, 200_000)
        except OSError:
            return found
        if re.search(r"^first_name:", text, re.M) and re.search(r"^last_name:", text, re.M):
            found.add(0.35, "_config.yml has first_name/last_name")
        if re.search(r"^scholar:", text, re.M):
            found.add(0.15, "_config.yml has a scholar: block")
        if "bibliography_template" in text:
            found.add(0.15, "_config.yml sets bibliography_template")
        if any((path / "_bibliography").glob("*.bib")):
            found.add(0.15, "_bibliography/*.bib")
        if (path / "_projects").is_dir():
            found.add(0.1, "_projects/")
        if (path / "_news").is_dir():
            found.add(0.1, "_news/")
        return found

    def _detect_page(self, path: Path) -> Detection:
        found = Detection()
        try:
            text = read_regular_text(path, 500_000)
        except OSError:
            return found
        head = text[:2000]
        if re.search(r"^layout:\s*(page|about|cv)\s*$", head, re.M):
            found.add(0.2, "layout: page/about/cv")
        if re.search(r"^nav(_order)?:", head, re.M):
            found.add(0.2, "nav/nav_order in front matter")
        if re.search(r"{%-?\s*include\s+figure\.(liquid|html)", text):
            found.add(0.3, "{% include figure.liquid %}")
        if re.search(r"{%-?\s*bibliography\b", text):
            found.add(0.3, "{% bibliography %}")
        if CITE_TAG.search(text):
            found.add(0.2, "{% cite %}")
        return found

    # ------------------------------------------------------------------ reading

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        if path.is_file():
            self._read_single_page(path, ctx, model)
        else:
            _SiteReading(path, ctx, model).run()
        return model

    def _read_single_page(self, path: Path, ctx: ReadContext, model: Model) -> None:
        found = read_page(path, ctx, path.stem)
        if found is None:
            return
        page, body_line = found
        model.pages.append(page)
        attach_research(page, body_line, ctx, model, force=True)


# ---------------------------------------------------------------------- shared helpers

def read_page(path: Path, ctx: ReadContext, page_id: str) -> tuple[Page, int] | None:
    """The page and the file line where its body starts."""
    fm = ctx.front_matter(path)
    if fm is None:
        return None
    page = Page(id=page_id, body=fm.body, origin=ctx.origin(path, 1))
    if not fm.present:
        ctx.report(NO_FRONT_MATTER, "no front matter; Jekyll copies this file unrendered", path, 1)
        page.extra["front_matter"] = False
        return page, fm.body_line
    meta = fm.meta
    page.title = text_or_none(meta.get("title"))
    page.permalink = text_or_none(meta.get("permalink"))
    page.nav = as_bool(meta.get("nav", False))
    page.nav_order = as_int(meta.get("nav_order"))
    page.extra.update({k: v for k, v in meta.items() if k not in _PAGE_KEYS})
    page.role = _page_role(page, path)
    return page, fm.body_line


def _page_role(page: Page, path: Path) -> str | None:
    layout = str(page.extra.get("layout") or "")
    stem = path.stem.lower()
    if layout == "about" or (page.permalink or "").strip() == "/":
        return "about"
    if layout == "cv" or stem == "cv":
        return "cv"
    if re.search(r"{%-?\s*bibliography\b", page.body) and "publication" in stem + (
            page.permalink or "") + (page.title or "").lower():
        return "publications"
    roles = ("research", "projects", "publications", "teaching", "news", "blog", "people",
             "repositories")
    if stem in roles:
        return stem
    if "{% include projects" in page.body:
        return "projects"
    permalink = (page.permalink or "").strip("/")
    return permalink if permalink in roles else None


def attach_research(page: Page, body_line: int, ctx: ReadContext, model: Model, *,
                    force: bool = False) -> None:
    """Themes (and the page's own papers) of a research page, merged into ``model``."""
    file = page.origin.file if page.origin else page.id

    def report(code: Code, message: str, line: int | None) -> None:
        ctx.report(code, message, file, line)

    content = research_content(page, body_line, report, force=force)
    if content is None:
        return
    renamed = _merge_page_papers(content.publications, model.publications)
    for theme in _walk(content.themes):
        theme.publication_ids = _dedupe([renamed.get(i, i) for i in theme.publication_ids])
        theme.extra.setdefault("page", page.id)
    model.themes.extend(content.themes)
    page.extra["research_shape"] = content.shape


def _merge_page_papers(found: list[Publication], known: list[Publication]) -> dict[str, str]:
    """Add page papers to ``known`` unless a known entry has the same title or URL."""
    by_title = {plain_text(p.title).casefold(): p for p in known}
    by_url = {u.rstrip("/"): p for p in known for u in p.links.values()}
    ids = {p.id for p in known}
    renamed: dict[str, str] = {}
    for pub in found:
        match = by_title.get(pub.title.casefold()) or next(
            (by_url[u.rstrip("/")] for u in pub.links.values() if u.rstrip("/") in by_url), None)
        if match is not None:
            renamed[pub.id] = match.id
            continue
        renamed[pub.id] = pub.id = unique_name(pub.id, ids)
        known.append(pub)
    return renamed


def _walk(themes: list[Theme]) -> list[Theme]:
    out: list[Theme] = []
    for theme in themes:
        out.append(theme)
        out.extend(_walk(theme.subthemes))
    return out


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


# ---------------------------------------------------------------------- whole site

_BIB_ENTRY = re.compile(r"^\s*@(?!comment|string|preamble)[A-Za-z]+\s*[{(]", re.M | re.I)


def _bib_name(path: Path, folder: Path) -> str:
    """A .bib file as ``--file`` names it: its path below the source folder, no suffix."""
    try:
        rel = path.relative_to(folder).as_posix()
    except ValueError:
        rel = path.name
    return rel.removesuffix(".bib")


class _SiteReading:
    def __init__(self, root: Path, ctx: ReadContext, model: Model) -> None:
        self.root = root
        self.ctx = ctx
        self.model = model
        self.config: dict[str, Any] = {}

    def run(self) -> None:
        self._read_config()
        self._read_bibliography()
        self._read_projects()
        self._read_pages()
        self._read_collection("_news", "news")
        self._read_collection("_posts", "posts")
        self._read_other_collections()
        self._resolve_references()

    # -- config and profile

    def _read_config(self) -> None:
        path = config_path(self.root)
        site = Site()
        self.model.site = site
        if path is None:
            return
        site.origin = self.ctx.origin(path, 1)
        data = self.ctx.load_yaml_file(path)
        if not isinstance(data, dict):
            return
        self.config = data
        names = [text_or_none(data.get(k)) for k in ("first_name", "middle_name", "last_name")]
        full = " ".join(n for n in names if n) or None
        site.name = full
        title = text_or_none(data.get("title"))
        site.title = full if title in (None, "blank") else plain_text(title)
        site.email = text_or_none(data.get("email"))
        site.url = text_or_none(data.get("url"))
        site.baseurl = text_or_none(data.get("baseurl"))
        for key in ("first_name", "middle_name", "last_name"):
            if names[("first_name", "middle_name", "last_name").index(key)]:
                site.extra[key] = str(data[key]).strip()
        if title and title != site.title:
            site.extra["title_raw"] = title
        description = text_or_none(data.get("description"))
        if description:
            site.extra["config_description"] = description
        if isinstance(data.get("scholar"), dict):
            site.extra["scholar"] = data["scholar"]
        for key, value in data.items():
            if _SOCIAL_KEY.match(str(key)) and text_or_none(value):
                site.socials[social_network(str(key))] = str(value).strip()
        self._read_socials_file()

    def _read_socials_file(self) -> None:
        path = self.root / "_data" / "socials.yml"
        if not path.is_file():
            return
        data = self.ctx.load_yaml_file(path)
        if not isinstance(data, dict):
            return
        site = self.model.site
        site.extra["socials_file"] = True
        for key, value in data.items():
            if key == "email":
                site.email = site.email or text_or_none(value)
            elif isinstance(value, bool):
                site.extra.setdefault("socials_flags", {})[str(key)] = value
            elif _plain_link(str(key), value):  # our writer's {url, title} for a service
                site.socials[str(key)] = str(value["url"]).strip()
            elif isinstance(value, dict | list):  # custom_social: {url, title, logo}
                site.extra.setdefault("socials_custom", {})[str(key)] = value
            elif text_or_none(value):
                site.socials[social_network(str(key))] = str(value).strip()

    # -- publications

    def _bib_folder(self) -> tuple[Path, str]:
        scholar = self.config.get("scholar")
        if not isinstance(scholar, dict):
            scholar = {}
        source = str(scholar.get("source") or "/_bibliography/").strip().strip("/") \
            or "_bibliography"
        main = str(scholar.get("bibliography") or "papers.bib").strip()
        if not main.endswith(".bib"):
            main += ".bib"
        return self.root / source, main

    def bib_files(self) -> list[Path]:
        """The bibliographies the site renders: the configured ``scholar.bibliography`` and
        the files pages name (``{% bibliography --file x %}``, ``{% cite k --file x %}``).
        Other ``.bib`` files are reported as unused (entry counts) and skipped, unless the
        read includes them (``--include-unused-bib``) or nothing else is there to read."""
        folder, main = self._bib_folder()
        if not self.ctx.inside_root(folder):
            self.ctx.report(PATH_ESCAPE, "scholar.source leaves the site folder", "_config.yml")
            return []
        files = list(self.ctx.walk(folder, (".bib",)))
        files.sort(key=lambda p: (p.name != main or p.parent != folder, str(p)))
        named = self._named_bib_files()
        used = [p for p in files if (p.name in (main, f"{UNDATED}.bib") and p.parent == folder)
                or _bib_name(p, folder) in named]
        if not used or self.ctx.include_unused:
            return files
        for path in files:
            if path not in used:
                text = self.ctx.read_text(path) or ""
                count = len(_BIB_ENTRY.findall(text))
                self.ctx.report(
                    UNRENDERED_FOLDER,
                    f"{count} entr{'y' if count == 1 else 'ies'} in a "
                    "bibliography no page renders (not scholar.bibliography nor "
                    "named by --file); skipped (--include-unused-bib reads it)",
                    path,
                )
        return used

    def _named_bib_files(self) -> set[str]:
        """Names (without ``.bib``) of the bibliographies pages and layouts name by ``--file``."""
        names: set[str] = set()
        suffixes = (".md", ".html", ".liquid", ".markdown")
        paths = [p for p in sorted(self.root.iterdir())
                 if p.suffix in suffixes and p.is_file() and not p.is_symlink()]
        for sub in ("_pages", "_layouts", "_includes", "_projects", "_posts", "_news"):
            if (self.root / sub).is_dir():
                paths.extend(self.ctx.walk(self.root / sub, suffixes))
        for path in paths:
            names.update(named_bib_files(self.ctx.read_text(path) or ""))
        return names

    def _read_bibliography(self) -> None:
        try:
            from ...parsing.bibtex import read_bib_file
        except ImportError:  # the BibTeX module is written in parallel
            self.ctx.report(INTERNAL_ERROR, "BibTeX support missing; publications not read")
            return
        for path in self.bib_files():
            for pub in read_bib_file(path, self.ctx):
                path_links_from_fields(pub)
                source = self.ctx.rel(path)
                main = source.endswith("/" + self._bib_folder()[1])
                if not main and path.stem != UNDATED:  # the writer's own file for undated
                    pub.extra.setdefault("bib_file", source)
                self.model.publications.append(pub)

    # -- projects

    def _read_projects(self) -> None:
        ids = IdPool(max_length=100)
        for path in self.ctx.walk(self.root / "_projects", _DOC_SUFFIXES):
            self.ctx.saw("project", path, 1)
            project = self._read_project(path, ids)
            if project is not None:
                self.model.projects.append(project)

    def _read_project(self, path: Path, ids: IdPool) -> Project | None:
        fm = self.ctx.front_matter(path)
        if fm is None:
            return None
        stem = path.name[: -len(path.suffix)]
        project = Project(id=ids.take(stem, "project"), title="", body=fm.body.strip("\n")
                          or None, origin=self.ctx.origin(path, 1))
        if not fm.present:
            self.ctx.report(NO_FRONT_MATTER, "project has no front matter; Jekyll copies it as is",
                            path, 1)
            project.extra["front_matter"] = False
        meta = fm.meta
        title = text_or_none(meta.get("title"))
        if title is None:
            title = stem.replace("_", " ").replace("-", " ").strip().title() or project.id
            self.ctx.report(MISSING_TITLE, f"project has no title; using {title!r}", path, 1)
        project.title = title
        project.description = text_or_none(meta.get("description"))
        project.image = text_or_none(meta.get("img"))
        project.order = as_int(meta.get("importance"))
        project.category = text_or_none(meta.get("category"))
        project.date = normalize_date(meta.get("date"))
        redirect = text_or_none(meta.get("redirect"))
        if redirect:
            project.links["website"] = redirect
        github = text_or_none(meta.get("github"))
        if github:
            project.links["code"] = github
        extra_links = meta.get("links")
        if isinstance(extra_links, dict):
            for label, url in extra_links.items():
                if text_or_none(url):
                    project.links.setdefault(str(label), str(url).strip())
        project.publication_ids = cite_keys(fm.body)
        for key, value in meta.items():
            if key in _PROJECT_KEYS or (key == "layout" and value == "page"):
                continue
            if key == "importance" and project.order is not None:
                continue
            project.extra[key] = value
        if meta.get("date") is not None and project.date is None:
            project.extra["date"] = meta["date"]
            self.ctx.report(BAD_DATE, f"project date {meta['date']!r} not understood", path, 1)
        if meta.get("importance") is not None and project.order is None:
            project.extra["importance"] = meta["importance"]
        if path.name != f"{project.id}.md":
            project.extra["source_file"] = path.name
        return project

    # -- pages

    def _read_pages(self) -> None:
        ids = IdPool(max_length=100)
        folder = self.root / "_pages"
        for path in self.ctx.walk(folder, _DOC_SUFFIXES):
            rel_stem = path.relative_to(folder).with_suffix("").as_posix()
            self.ctx.saw("page", path, 1)
            found = read_page(path, self.ctx, ids.take(rel_stem.replace("/", "-"), "page"))
            if found is None:
                continue
            page, body_line = found
            self.model.pages.append(page)
            if page.role == "about":
                self._profile_from_about(page)
            attach_research(page, body_line, self.ctx, self.model)
        self._inline_profile_texts()
        self.model.site.navigation = [
            {"title": p.title or p.id, "url": p.permalink or f"/{p.id}/"}
            for p in sorted((p for p in self.model.pages if p.nav),
                            key=lambda p: (p.nav_order is None, p.nav_order or 0, p.id))]

    def _inline_profile_texts(self) -> None:
        """A file the profiles layout includes as a profile's ``content`` is part of that
        page, not a page of its own: its text goes into the profile (the writer writes it
        back as such a file)."""
        texts = {page.origin.file: page for page in self.model.pages
                 if page.origin and page.extra.get("front_matter") is False}
        used: set[str] = set()
        for page in self.model.pages:
            entries = page.extra.get("profiles")
            if page.extra.get("layout") != "profiles" or not page.origin or \
                    not isinstance(entries, list):
                continue
            folder = page.origin.file.rpartition("/")[0]
            inlined = []
            for entry in entries:
                content = entry.get("content") if isinstance(entry, dict) else None
                text = texts.get(f"{folder}/{content.strip()}") if isinstance(content, str) \
                    else None
                if text is not None and text.origin is not None:
                    used.add(text.origin.file)
                    entry = {**entry, "content": text.body.strip("\n")}
                inlined.append(entry)
            page.extra["profiles"] = inlined
        for rel in sorted(used):
            self.ctx.unsee(self.root / rel)
            self.ctx.report(AMBIGUOUS_CONTENT, "a profile's text, included by the profiles "
                            "page: read into that page", rel, 1)
        self.model.pages = [p for p in self.model.pages
                            if not (p.origin and p.origin.file in used)]

    def _profile_from_about(self, page: Page) -> None:
        site = self.model.site
        subtitle = text_or_none(page.extra.get("subtitle"))
        if subtitle and site.role is None:
            role, _, affiliation = subtitle.partition(SUBTITLE_SEPARATOR)
            site.role = role.strip() or None
            if affiliation.strip() and site.affiliation is None:
                site.affiliation = affiliation.strip()
        profile = page.extra.get("profile")
        if isinstance(profile, dict):
            more = plain_text(profile.get("more_info")) if profile.get("more_info") else ""
            if more and site.location is None:
                site.location = more
            image = text_or_none(profile.get("image"))
            if image and site.avatar is None:
                site.avatar = image if "://" in image else f"assets/img/{image.lstrip('/')}"
        body = page.body.strip()
        if body and site.description is None:
            site.description = body

    # -- collections

    def _read_collection(self, folder_name: str, collection: str) -> None:
        for path in self.ctx.walk(self.root / folder_name, _DOC_SUFFIXES):
            self.ctx.saw("item", path, 1)
            item = self._read_item(path, collection)
            if item is not None:
                self.model.items.append(item)

    def _read_item(self, path: Path, collection: str) -> Item | None:
        fm = self.ctx.front_matter(path)
        if fm is None:
            return None
        stem = path.name[: -len(path.suffix)]
        item = Item(collection=collection, id=stem, body=fm.body.strip("\n"),
                    origin=self.ctx.origin(path, 1))
        if not fm.present:
            self.ctx.report(NO_FRONT_MATTER, "no front matter; Jekyll copies this file unrendered",
                            path, 1)
            item.extra["front_matter"] = False
        meta = fm.meta
        item.title = text_or_none(meta.get("title"))
        raw_date = meta.get("date")
        named = _POST_NAME.match(stem)
        item.date = normalize_date(raw_date) or (normalize_date(named.group(1)) if named else None)
        if raw_date is not None and str(raw_date) != item.date:
            item.extra["date"] = raw_date
        if collection == "posts" and not named:
            self.ctx.report(
                AMBIGUOUS_CONTENT, "post name lacks a YYYY-MM-DD- prefix; Jekyll skips it", path, 1
            )
        item.extra.update({k: v for k, v in meta.items() if k not in ("title", "date")})
        return item

    def _read_other_collections(self) -> None:
        collections = self.config.get("collections")
        if not isinstance(collections, dict):
            return
        for name in sorted(str(k) for k in collections):
            if name in ("news", "projects", "posts"):
                continue
            self._read_collection(f"_{name}", name)

    # -- references between records

    def _resolve_references(self) -> None:
        known = {p.id for p in self.model.publications}
        for project in self.model.projects:
            for key in project.publication_ids:
                if key not in known:
                    file = project.origin.file if project.origin else None
                    self.ctx.report(
                        UNRESOLVED_REFERENCE, f"cite key {key!r} is not in the bibliography", file
                    )
        for theme in self.model.all_themes():
            for key in theme.publication_ids:
                if key not in known:
                    file = theme.origin.file if theme.origin else None
                    line = theme.origin.line if theme.origin else None
                    self.ctx.report(
                        UNRESOLVED_REFERENCE,
                        f"publication {key!r} is not in the bibliography",
                        file,
                        line,
                    )


READER = AlfolioReader()
