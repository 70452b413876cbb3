"""Writer for a Hugo Blox site, laid out as the current academic CV starter reads it.

``content/publications/<slug>/index.md`` bundles (with ``cite.bib``), ``content/projects``,
``content/events`` (talks), ``content/blog`` (posts and news), one section per other item
collection, top-level pages at their old URLs (``url:``), a landing home page
(``content/_index.md``: the owner's biography block, the home page's own text, publication,
talk and post listings), the owner's profile in ``data/authors/me.yaml`` and the settings
in ``config/_default/`` (merged into a checkout's own files with ``--onto``).

Hugo runs no Liquid: a carried body's Liquid is translated where Markdown or HTML can say the
same (figure includes, citations, base-URL prefixes) and otherwise removed, kept under
``sitemigrate_liquid`` in the front matter and reported.  Files the content references are
placed where Hugo serves them (``static/``, or inside the page's bundle for its image).
Whatever the starter cannot show stays in the front matter (Hugo keeps unknown keys as page
parameters) so the Hugo Blox reader reads the same model back.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import PurePosixPath
from typing import Any

from ...assets import asset_path, site_assets
from ...common.foreign_liquid import LIQUID_KEY, LiquidTarget, translate
from ...common.links import PermalinkMap, TargetUrls
from ...common.liquid_guard import Target
from ...common.writer import WriteContext, Writer
from ...diagnostics import LINK_CHANGED, LIQUID_KEPT, PAGE_TEXT_REPLACED
from ...fileset import FileSet
from ...model import Item, Model, Page, Project, Publication, Theme
from ...parsing.bibtex import publication_to_bibtex
from ...parsing.config_yaml import dump_config, load_config, merge_config
from ...parsing.front_matter import render_front_matter
from ...parsing.yamlio import YamlError
from ...paths import slugify
from ...transforms.fields import text_or_none
from ...transforms.names import parse_name
from ...transforms.socials import normalize_social
from .codec import (
    AVATAR_FOLDER,
    BIB_FIELDS,
    BUNDLE_FILES,
    COLLECTION,
    CONFIG_FOLDER,
    CSL_TYPES,
    FOLDED,
    FRONT,
    GO_MODULE,
    HUGO_RESERVED,
    HUGO_VERSION,
    ICONS_FOR,
    ID_KEYS,
    IDENTIFIERS,
    KIND,
    KIND_TYPES,
    LINK_TYPES,
    MODULES,
    NAMES,
    NAV,
    OWNER_IDS,
    PARTIAL_DATE,
    PUBLICATION_KEYS,
    RECORD_ID,
    REMOTE_IMAGE,
    ROLE,
    SECTION_PAGES,
    SECTIONS,
    SELF,
    TEXT_LISTS,
    THEMES,
)

OWNER = OWNER_IDS[0]
#: ``extra`` keys the reader fills that the writer writes in their own place
_MANAGED = frozenset({"content", "publication", BUNDLE_FILES, "projects", "image", SELF,
                      PARTIAL_DATE, "links", FRONT, FOLDED})
#: roles of listing pages the sections replace
_LISTING_ROLES = {"publications": "publications", "projects": "projects", "talks": "talks",
                  "posts": "posts", "blog": "posts", "news": "posts"}
_BASE_PREFIX = re.compile(r"\{\{-?\s*(?:site\.url\s*\}\}\{\{-?\s*)?(?:site\.baseurl|site\.url|"
                          r"base_path)\s*-?\}\}")
_LIQUID = re.compile(r"\{%-?\s*(raw|endraw|comment)\s*-?%\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_OPENER = re.compile(r"\{(?=[{%:])")
_MD_DEST = re.compile(r"(\]\(\s*<?)((?:[^()\s<>]|\([^()\s]*\))+)")
#: a colon in the first path segment without a scheme before it (Go's url.Parse refuses it)
_BAD_DEST = re.compile(r"^(?![A-Za-z][A-Za-z0-9+.-]*:)[^/?#]*:")


class HugobloxWriter(Writer):
    name = "hugoblox"

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        files = FileSet()
        _Site(model, ctx, files).write()
        return files


class _Site:
    def __init__(self, model: Model, ctx: WriteContext, files: FileSet) -> None:
        self.model = model
        self.ctx = ctx
        self.files = files
        self.pub_slugs = _slugs([p.id for p in model.publications])
        self.project_slugs = _slugs([p.id for p in model.projects])
        self.item_slugs: dict[int, str] = {}
        by_section: dict[str, list[Item]] = {}
        for item in model.items:
            by_section.setdefault(_section_of(item), []).append(item)
        self.sections = by_section
        for section, items in by_section.items():
            for item, slug in zip(items, _slug_list([i.id for i in items]), strict=True):
                self.item_slugs[id(item)] = f"{section}/{slug}"
        self.links = PermalinkMap.build(model, TargetUrls(
            publication=lambda p: f"/{SECTIONS['publications'][0]}/{self.pub_slugs[p.id]}/",
            project=lambda p: f"/{SECTIONS['projects'][0]}/{self.project_slugs[p.id]}/",
            item=lambda i: f"/{self.item_slugs[id(i)]}/",
            page=lambda p: self.page_url(p)), "hugoblox")
        self.liquid = LiquidTarget("hugoblox", frozenset(), _NOTHING, self.cite)
        self.assets: dict[str, str] = {}

    # -- urls ------------------------------------------------------------------------------

    def page_url(self, page: Page) -> str | None:
        role = _LISTING_ROLES.get(page.role or "")
        if page.permalink == "/":
            return "/"
        if role is not None and self.section_has(role) and self.listing_page_of(role) is page:
            return f"/{_folder(role)}/"
        return page.permalink or f"/{slugify(page.id)}/"

    def section_has(self, role: str) -> bool:
        if role == "publications":
            return bool(self.model.publications)
        if role == "projects":
            return bool(self.model.projects)
        return bool(self.sections.get(_folder(role)))

    def cite(self, keys: list[str]) -> str:
        known = {p.id: p for p in self.model.publications}
        return "; ".join(
            f"[{_one_line(known[k].title)}](/{_folder('publications')}/{self.pub_slugs[k]}/)"
            if k in known else k for k in keys)

    # -- the whole site --------------------------------------------------------------------

    def write(self) -> None:
        self.config()
        self.author()
        pages = self.listing_pages()
        self.home(pages)
        for pub in self.model.publications:
            self.publication(pub)
        for project in self.model.projects:
            self.project(project)
        for item in self.model.items:
            self.item(item)
        self.pages(pages)
        self.themes()
        self.ctx.moved_assets.update(self.assets)

    # -- configuration ---------------------------------------------------------------------

    def config(self) -> None:
        site = self.model.site
        # forthcoming papers and talks have dates ahead: Hugo leaves those out unless told
        hugo = {"title": site.title or site.name or "", "baseURL": (site.url or "") + "/"
                if site.url else None, "buildFuture": True}
        self.merge_yaml(f"{CONFIG_FOLDER}/hugo.yaml", hugo, fresh={
            **hugo, "baseURL": hugo["baseURL"] or "/", "defaultContentLanguage": "en",
            "taxonomies": {"author": "authors", "tag": "tags",
                           "publication_type": "publication_types"},
            "pagination": {"pagerSize": 100}})
        identity = {"name": site.title or site.name,
                    "description": site.description}
        identity = {k: v for k, v in identity.items() if v}
        self.merge_yaml(f"{CONFIG_FOLDER}/params.yaml", {"hugoblox": {"identity": identity}},
                        fresh={"hugoblox": {"schema": "2.0", "identity": identity}},
                        deep=True)
        self.files.add(f"{CONFIG_FOLDER}/menus.yaml", dump_config({"main": self.menu()}))
        if self.ctx.existing(f"{CONFIG_FOLDER}/module.yaml") is None:
            self.files.add(f"{CONFIG_FOLDER}/module.yaml",
                           dump_config({"imports": [{"path": p} for p in MODULES]}))
        if self.ctx.existing("go.mod") is None:
            required = "\n".join(f"\t{path} {version}" for path, version in MODULES.items())
            self.files.add("go.mod", f"module {GO_MODULE}\n\ngo 1.19\n\nrequire (\n"
                                     f"{required}\n)\n")
        if self.ctx.existing("hugoblox.yaml") is None:
            self.files.add("hugoblox.yaml", dump_config(
                {"build": {"hugo_version": HUGO_VERSION}}))

    def merge_yaml(self, rel: str, values: dict[str, Any], *, fresh: dict[str, Any],
                   deep: bool = False) -> None:
        existing = self.ctx.existing(rel)
        config = None
        if existing is not None:
            try:
                config = load_config(existing)
            except YamlError:
                config = None
        if config is None:
            self.files.add(rel, dump_config({k: v for k, v in fresh.items() if v is not None}))
            return
        if deep:
            _deep_merge(config, values)
        else:
            merge_config(config, values, optional=tuple(values))
        self.files.add(rel, dump_config(config))

    def menu(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = [{"name": "Home", "url": "/", "weight": 10}]
        weight = 20
        for role, title in (("publications", "Publications"), ("projects", "Projects"),
                            ("talks", "Talks"), ("posts", "Blog")):
            if self.section_has(role):
                page = self.listing_page_of(role)
                kept = self.kept_section(role)
                name = page.title if page and page.title else \
                    (kept.get("title") if isinstance(kept, dict) else None)
                entries.append({"name": str(name or title),
                                "url": f"/{_folder(role)}/", "weight": weight})
                weight += 10
        more = [(section.replace("-", " ").title(), f"/{section}/") for section in self.sections
                if section not in (_folder("talks"), _folder("posts"))]
        for page in self.model.pages:
            url = self.page_url(page)
            if page.nav and url and url != "/":
                more.append((_plain(page.title or page.id), url))
        for name, url in sorted(set(more)):  # one order whatever the source's order
            if all(e["url"] != url for e in entries):
                entries.append({"name": name, "url": url, "weight": weight})
                weight += 10
        return entries

    # -- the owner's profile ---------------------------------------------------------------

    def author(self) -> None:
        site = self.model.site
        profile: dict[str, Any] = {"schema": "hugoblox/author/v1", "slug": OWNER,
                                   "is_owner": True}
        name = site.name or site.title or ""
        profile["name"] = {"display": _plain(name)}
        if site.role:
            profile["role"] = site.role
        bio = text_or_none(site.extra.get("bio")) or site.description
        if bio:
            profile["bio"] = bio
        if site.affiliation:
            profile["affiliations"] = [{"name": site.affiliation}]
        links: list[dict[str, str]] = []
        if site.email:
            links.append({"icon": ICONS_FOR["email"], "url": f"mailto:{site.email}"})
        for key, value in site.socials.items():
            social = normalize_social(key, value)
            if social.url and social.service != "email":
                icon = ICONS_FOR.get(social.service)
                url = social.url.replace("{", "%7B").replace("}", "%7D")
                links.append({"icon": icon, "url": url} if icon else
                             {"icon": "hero/link", "url": url, "label": social.service})
        for extra in site.extra.get("hugoblox_links") or []:
            if isinstance(extra, dict):
                links.append(extra)
        if links:
            profile["links"] = links
        kept = site.extra.get("hugoblox_profile")
        if isinstance(kept, dict):
            profile.update({k: v for k, v in kept.items() if k not in profile})
        if site.avatar:
            rel = asset_path(site.avatar)
            if rel is not None:
                self.assets[rel] = f"{AVATAR_FOLDER}/{OWNER}{PurePosixPath(rel).suffix}"
        self.files.add(f"data/authors/{OWNER}.yaml", dump_config(profile))

    # -- listing and home pages ------------------------------------------------------------

    def kept_section(self, role: str) -> Any:
        kept = self.model.site.extra.get(SECTION_PAGES)
        return kept.get(role) if isinstance(kept, dict) else None

    def listing_page_of(self, role: str) -> Page | None:
        """The source's listing page of ``role``: the one at ``/role/`` or named after it,
        else the first with that role."""
        if isinstance(self.kept_section(role), dict):
            return None  # a Hugo source's own section index
        pages = [p for p in self.model.pages
                 if _LISTING_ROLES.get(p.role or "") == role and p.permalink != "/"]
        named = [p for p in pages if p.id in (role, p.role)
                 or (p.permalink or "").strip("/") in (role, p.role)]
        found = named or pages
        return found[0] if found else None

    def listing_pages(self) -> dict[int, str]:
        """Write each section's ``_index.md`` (the source's listing page's title and intro);
        return the pages they replace (by id) with their section."""
        taken: dict[int, str] = {}
        for role, title, view in (("publications", "Publications", "citation"),
                                  ("projects", "Projects", "card"),
                                  ("talks", "Talks", "card"), ("posts", "Blog", "card")):
            if not self.section_has(role):
                continue
            page = self.listing_page_of(role)
            meta: dict[str, Any] = {"title": page.title if page and page.title else title,
                                    "view": view}
            body = ""
            kept = self.kept_section(role)
            if page is None and isinstance(kept, dict):
                meta["title"] = str(kept.get("title") or title)
                self.front(meta, {k: v for k, v in kept.items() if k != "text"})
                body = str(kept.get("text") or "")
            elif page is not None:
                taken[id(page)] = _folder(role)
                self.front(meta, page.extra)
                body = self.body(page.body, page, meta, listing=True)
            self.files.add(f"content/{_folder(role)}/_index.md", _render(meta, body))
        for section, _items in self.sections.items():
            if section in (_folder("talks"), _folder("posts")):
                continue
            self.files.add(f"content/{section}/_index.md", _render(
                {"title": section.replace("-", " ").title(), "view": "card"}))
        return taken

    def home(self, taken: dict[int, str]) -> None:
        home = next((p for p in self.model.pages if p.permalink == "/"), None)
        blocks: list[dict[str, Any]] = [{"block": "resume-biography-3",
                                         "content": {"username": OWNER}}]
        meta: dict[str, Any] = {"title": "", "type": "landing"}
        if home is not None:
            taken[id(home)] = ""
            text = self.body(home.body, home, meta).strip()
            if text:
                blocks.append({"block": "markdown", "content": {"title": home.title or "",
                                                                "text": text}})
            self.front(meta, {k: v for k, v in home.extra.items() if k != "sections"})
        if any(p.selected for p in self.model.publications):
            blocks.append(_collection("Featured Publications", "publications", "card",
                                      featured=True))
        if self.model.publications:
            blocks.append(_collection("Recent Publications", "publications", "citation"))
        if self.section_has("talks"):
            blocks.append(_collection("Recent & Upcoming Talks", _folder("talks"), "card"))
        if self.section_has("posts"):
            blocks.append(_collection("Recent News", _folder("posts"), "card"))
        meta["sections"] = blocks
        self.files.add("content/_index.md", _render(meta))

    # -- records ---------------------------------------------------------------------------

    def publication(self, pub: Publication) -> None:
        slug = self.pub_slugs[pub.id]
        folder = f"content/{_folder('publications')}/{slug}"
        meta: dict[str, Any] = {"title": _plain(pub.title)}
        if pub.id != slug:
            meta[RECORD_ID] = pub.id
        owner = self.model.site.name
        authors: list[str] = []
        marked: list[int] = []
        for index, display in enumerate(pub.authors):
            name = pub.author_names[index] if index < len(pub.author_names) else None
            if name is not None and name.is_self:
                if owner and display == owner:
                    authors.append(OWNER)
                    continue
                marked.append(index)
            authors.append(_plain(display))
        meta["authors"] = authors
        if any(n.marks for n in pub.author_names) and len(pub.author_names) == len(authors):
            meta["author_notes"] = [" ".join(n.marks) for n in pub.author_names]
        if marked:
            meta[SELF] = marked
        names = _names_kept(pub)
        if names:
            meta[NAMES] = names
        meta.update(_dates(pub.date, pub.year))
        if pub.kind:
            written = KIND_TYPES.get(pub.kind, KIND_TYPES["misc"])
            meta["publication_types"] = [written]
            if CSL_TYPES.get(written) != pub.kind:
                meta[KIND] = pub.kind
        if pub.venue:
            original = text_or_none(pub.extra.get("publication"))
            meta["publication"] = _plain(original if original and pub.venue in original
                                         else pub.venue)
        if pub.abstract:
            meta["abstract"] = pub.abstract
        meta["featured"] = pub.selected
        ids = {k: pub.identifiers[k] for k in ID_KEYS if pub.identifiers.get(k)}
        if ids:
            meta["hugoblox"] = {"ids": ids}
        other_ids = {k: v for k, v in pub.identifiers.items() if k not in ids}
        if other_ids:
            meta[IDENTIFIERS] = other_ids
        links = self.record_links(pub.links)
        if links:
            meta["links"] = links
        projects = [self.project_slugs[p.id] for p in self.model.projects
                    if pub.id in p.publication_ids]
        if projects:
            meta["projects"] = projects
        self.image(pub.image, pub.extra.get("image"), folder, meta)
        self.front(meta, {k: v for k, v in pub.extra.items() if k not in PUBLICATION_KEYS})
        if pub.award:
            meta["award"] = pub.award
        if pub.citation:
            meta["citation"] = pub.citation
        self.bundle_files(pub.extra.get(BUNDLE_FILES), folder)
        body = text_or_none(pub.extra.get("content")) or ""
        self.files.add(f"{folder}/index.md", _render(meta, body))
        # the BibTeX fields in one order, wherever the page keeps them
        for_bib = dataclasses.replace(
            pub, title=_plain(pub.title), venue=_plain(pub.venue) if pub.venue else None,
            image=None, selected=False, citation=None, extra={
            k: pub.extra[k] for k in BIB_FIELDS if k in pub.extra})
        self.files.add(f"{folder}/cite.bib", publication_to_bibtex(for_bib))

    def project(self, project: Project) -> None:
        slug = self.project_slugs[project.id]
        folder = f"content/{_folder('projects')}/{slug}"
        meta: dict[str, Any] = {"title": _plain(project.title)}
        if project.id != slug:
            meta[RECORD_ID] = project.id
        if project.description and project.description.strip():
            meta["summary"] = project.description
        meta.update(_dates(project.date, None))
        if project.order is not None:
            meta["weight"] = project.order
        if project.category:
            meta["category"] = project.category
        links = self.record_links(project.links)
        if links:
            meta["links"] = links
        self.image(project.image, project.extra.get("image"), folder, meta)
        self.front(meta, project.extra)
        self.bundle_files(project.extra.get(BUNDLE_FILES), folder)
        body = self.body(project.body or "", project, meta)
        self.files.add(f"{folder}/index.md", _render(meta, body))

    def item(self, item: Item) -> None:
        path = self.item_slugs[id(item)]
        meta: dict[str, Any] = {"title": _plain(item.title or item.id)}
        if item.collection != path.split("/")[0] and item.collection not in ("talks", "posts"):
            meta[COLLECTION] = item.collection
        meta.update(_dates(item.date, None))
        self.front(meta, item.extra)
        if isinstance(meta.get("authors"), list):  # the owner under the starter's id
            meta["authors"] = [OWNER if a in OWNER_IDS else a for a in meta["authors"]]
        self.bundle_files(item.extra.get(BUNDLE_FILES), f"content/{path}")
        body = self.body(item.body, item, meta)
        self.files.add(f"content/{path}/index.md", _render(meta, body))

    def pages(self, taken: dict[int, str]) -> None:
        used = {"_index"}
        for page in self.model.pages:
            if id(page) in taken:
                continue
            slug = slugify(page.id)
            while slug in used or slug in SECTIONS or any(slug in v for v in
                                                          SECTIONS.values()):
                slug += "-page"
            used.add(slug)
            meta: dict[str, Any] = {"title": _plain(page.title or page.id)}
            url = self.page_url(page)
            if url and url != f"/{slug}/":
                meta["url"] = url
            if page.role:
                meta[ROLE] = page.role
            if page.nav:
                meta[NAV] = page.nav_order if page.nav_order is not None else True
            self.front(meta, page.extra)
            body = self.body(page.body, page, meta)
            self.files.add(f"content/{slug}.md", _render(meta, body))

    def themes(self) -> None:
        """Research themes become one page listing their projects and publications."""
        if not self.model.themes:
            return
        lines: list[str] = []
        pubs = {p.id: p for p in self.model.publications}
        meta: dict[str, Any] = {"title": "Research"}
        bodies: dict[int, str] = {}

        def visit(theme: Theme, level: int) -> None:
            lines.append(f"{'#' * level} {theme.title}")
            if theme.summary:
                lines.append(theme.summary)
            if theme.body:
                bodies[id(theme)] = self.body(theme.body, theme, meta)
                lines.append(bodies[id(theme)])
            for pub_id in theme.publication_ids:
                if pub_id in pubs:
                    lines.append(f"- [{_one_line(pubs[pub_id].title)}]"
                                 f"(/{_folder('publications')}/{self.pub_slugs[pub_id]}/)")
            for project_id in theme.project_ids:
                if project_id in self.project_slugs:
                    lines.append(f"- [{project_id}](/{_folder('projects')}/"
                                 f"{self.project_slugs[project_id]}/)")
            for sub in theme.subthemes:
                visit(sub, min(level + 1, 6))

        for theme in self.model.themes:
            visit(theme, 2)
        meta[THEMES] = [self.theme_data(t, bodies) for t in self.model.themes]
        name = "research" if "content/research.md" not in self.files else "research-themes"
        self.files.add(f"content/{name}.md", _render(meta, "\n\n".join(lines)))

    def theme_data(self, theme: Theme, bodies: dict[int, str]) -> dict[str, Any]:
        """A theme as data, its text as written on the page (links to the new URLs)."""
        return {"id": theme.id, "title": theme.title, "summary": theme.summary,
                "body": bodies.get(id(theme), theme.body),
                "project_ids": list(theme.project_ids),
                "publication_ids": list(theme.publication_ids),
                "subthemes": [self.theme_data(s, bodies) for s in theme.subthemes]}

    def front(self, meta: dict[str, Any], extra: dict[str, Any]) -> None:
        """``extra`` into the front matter; another source's values under keys Hugo
        interprets go under ``sitemigrate_front`` (a Jekyll ``layout`` or ``published``
        would change or break the Hugo build)."""
        hugo = self.model.source.kind == "hugoblox"
        folded = extra.get(FOLDED)
        folded = set(folded) if isinstance(folded, list) else set()
        for key, value in _kept_extra(extra, tuple(meta)).items():
            if (not hugo and key in HUGO_RESERVED) or key in folded \
                    or (key in TEXT_LISTS and not _text_or_texts(value)):
                meta.setdefault(FRONT, {})[key] = value
            else:
                meta[key] = value

    def destinations(self, text: str, where: tuple[str | None, int | None]) -> str:
        """Link targets Go's URL parser refuses (``[x]((http://a.org))``, a colon in the
        first path segment) stop the Blox link hook and the whole build: unwrapped or made
        relative, and reported."""
        if "](" not in text:
            return text

        def fix(match: re.Match[str]) -> str:
            dest = match.group(2)
            if not _BAD_DEST.match(dest):
                return match.group(0)
            inner = dest[1:-1] if dest.startswith("(") and dest.endswith(")") else None
            new = inner if inner and not _BAD_DEST.match(inner) else "./" + dest
            self.ctx.report(LINK_CHANGED, f"link target {dest!r} written as {new!r} (Hugo "
                            "cannot parse it)", *where)
            return match.group(1) + new

        return _MD_DEST.sub(fix, text)

    # -- pieces ----------------------------------------------------------------------------

    def record_links(self, links: dict[str, str]) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for label, url in links.items():
            url = self.local(url)
            kind = LINK_TYPES.get(label)
            if kind is not None:
                out.append({"type": kind, "url": url})
            else:
                out.append({"type": "custom", "label": label.replace("_", " ").capitalize(),
                            "url": url})
        return out

    def local(self, url: str) -> str:
        """A link to a local file: served from ``static/`` at the same URL."""
        rel = asset_path(url)
        if rel is not None and rel not in self.assets:
            self.assets[rel] = f"static/{rel}"
        return url

    def image(self, image: str | None, meta_image: Any, folder: str,
              meta: dict[str, Any]) -> None:
        kept = dict(meta_image) if isinstance(meta_image, dict) else {}
        if image:
            rel = asset_path(image)
            if rel is not None:
                self.assets[rel] = f"{folder}/featured{PurePosixPath(rel).suffix.lower()}"
            else:
                meta[REMOTE_IMAGE] = image
        if kept:
            meta["image"] = kept

    def bundle_files(self, names: Any, folder: str) -> None:
        for rel in names if isinstance(names, list) else []:
            rel = str(rel)
            if rel not in self.assets:
                self.assets[rel] = f"static/{rel}"

    def body(self, text: str, record: Page | Project | Item | Theme, meta: dict[str, Any],
             *, listing: bool = False) -> str:
        """Links rewritten to the new URLs; Liquid translated or removed (kept aside)."""
        origin = record.origin
        where = (origin.file, origin.line) if origin else (None, None)
        text = self.links.rewrite(text, self.ctx, origin)
        if "{%" not in text and "{{" not in text:
            return self.destinations(text, where)
        if listing:
            from ...common.foreign_liquid import intro_above_listing

            intro = intro_above_listing(text)
            if intro != text.strip():
                self.ctx.report(PAGE_TEXT_REPLACED, "the page's listing is Hugo Blox's own "
                                "section list; its Liquid is kept aside", *where)
                meta[LIQUID_KEY] = [text]
                return intro
        translated = translate(text, self.liquid)
        removed: list[str] = []
        for cut in translated.cuts:
            self.ctx.report(LIQUID_KEPT, f"body line {cut.line}: {cut.reason}", *where)
            if not cut.translated:
                removed.append(cut.source.rstrip("\n"))
        out = _BASE_PREFIX.sub("", translated.text)
        depth = 0

        def strip(match: re.Match[str]) -> str:
            nonlocal depth
            tag = match.group(1)
            if tag == "raw" or tag == "endraw":
                return ""
            if tag == "comment":
                depth += 1
            removed.append(match.group(0))
            return ""

        rest = _LIQUID.sub(strip, out)
        if len(removed) > len([c for c in translated.cuts if not c.translated]):
            self.ctx.report(LIQUID_KEPT, "Liquid Hugo cannot run was removed from the body "
                            "(kept under sitemigrate_liquid)", *where)
        rest = rest.replace("{{", "{&#123;").replace("{%", "{&#37;")
        rest = self.destinations(rest, where)
        if removed:
            kept = meta.get(LIQUID_KEY)
            meta[LIQUID_KEY] = (list(kept) if isinstance(kept, list) else []) + removed
        return rest.strip("\n") if rest.strip() else ""


# --- helpers ---------------------------------------------------------------------------------

def _always_false(_name: str) -> bool:
    return False


#: Hugo has no Liquid data, includes, posts or pages for a loop to read
_NOTHING = Target(data=_always_false, site=_always_false, include=_always_false,
                  post=_always_false, file=_always_false)


def _folder(role: str) -> str:
    return SECTIONS[role][0]


def _section_of(item: Item) -> str:
    if item.collection == "talks":
        return _folder("talks")
    if item.collection in ("posts", "news"):
        return _folder("posts")
    return slugify(item.collection, fallback="items")


def _slug_list(ids: list[str]) -> list[str]:
    """A file-name slug per id, in order, each one unique."""
    out: list[str] = []
    used: set[str] = set()
    for ident in ids:
        base = slugify(ident, fallback="item")
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        out.append(slug)
    return out


def _slugs(ids: list[str]) -> dict[str, str]:
    return dict(zip(ids, _slug_list(ids), strict=True))


def _dates(date: str | None, year: int | None) -> dict[str, Any]:
    """Hugo needs a full date; a year or month alone is padded and kept as written."""
    value = date or (str(year) if year else None)
    if not value:
        return {}
    if _ISO.match(value):
        return {"date": value}
    parts = value.split("-")
    full = "-".join([parts[0], *(parts[1:] + ["01", "01"])[:2]])
    return {"date": full, "sitemigrate_date": value}


def _kept_extra(extra: dict[str, Any], written: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in extra.items()
            if k not in written and k not in _MANAGED and k != "title"}


def _collection(title: str, folder: str, view: str, *, featured: bool = False,
                ) -> dict[str, Any]:
    filters: dict[str, Any] = {"folders": [folder]}
    if featured:
        filters["featured_only"] = True
    return {"block": "collection", "content": {"title": title, "count": 0,
                                               "filters": filters},
            "design": {"view": view}}


def _deep_merge(config: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            _deep_merge(config[key], value)
        elif value is not None:
            config[key] = value


def _text_or_texts(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list)
                                       and all(isinstance(v, str) for v in value))


def _names_kept(pub: Publication) -> dict[int, dict[str, str | None]]:
    """Structured names that reading the display string back would not give."""
    kept: dict[int, dict[str, str | None]] = {}
    if len(pub.author_names) != len(pub.authors):
        return kept
    for index, (display, name) in enumerate(zip(pub.authors, pub.author_names, strict=True)):
        again = parse_name(display)
        if (again.family, again.given, again.suffix) != (name.family, name.given, name.suffix):
            kept[index] = {"family": name.family, "given": name.given, "suffix": name.suffix}
    return kept


def _render(meta: dict[str, Any], body: str = "") -> str:
    """The page, with the values kept under ``sitemigrate_front`` last (a stable order)."""
    if FRONT in meta:
        meta[FRONT] = meta.pop(FRONT)
    return render_front_matter(meta, body)


def _plain(text: str) -> str:
    """Text Hugo's templates escape themselves (``{{ .Title }}``): entities the source or
    the inert pass wrote (``&quot;``, ``&apos;``, ``&amp;``) become characters, except an
    opening ``<``, Liquid openers and kramdown's ``{:``, which stay escaped (the same text is
    read back by the Jekyll targets' layouts)."""
    if "&" not in text:
        return text
    plain = html.unescape(text).replace("<", "&lt;")
    return _OPENER.sub("&#123;", plain)


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("[", "(").replace("]", ")")




WRITER = HugobloxWriter()

__all__ = ["WRITER", "HugobloxWriter", "site_assets"]
