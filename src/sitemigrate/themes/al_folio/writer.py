"""Writer for the al-folio theme (themes.md §3 and §8).

Files: ``_bibliography/papers.bib``, ``_config.yml`` (fresh, or merged into an existing one
so its comments survive, both through ``parsing.config_yaml``: a merge into our own output
gives the same bytes), ``_data/socials.yml``, ``_projects/<id>.md``,
``_pages/*.md`` (about, projects with ``display_categories``, publications, research,
every other page), ``_news/``, ``_posts/`` and one folder per other collection.

Decisions, made once:

* items of collections al-folio lacks (talks, teaching, people…) go to ``_<collection>/``,
  declared under ``collections:`` with ``output: true``, plus a listing page
  ``_pages/<collection>.md`` when the model has no page of that name;
* a project's ``website`` link is its ``redirect``, ``code`` its ``github``; other links are
  kept in a ``links:`` front-matter map the theme ignores;
* when some projects have a category and others not, the others get ``category: other``
  (al-folio hides cards whose category is not in ``display_categories``);
* a research page read from al-folio whose themes all came from it is written back as it
  was; otherwise ``_pages/research.md`` is generated: ``##``/``###`` per theme, project links
  and ``{% cite k1 k2 %}`` of its publications, closed by ``{% bibliography --cited %}``,
  marked ``sitemigrate: research`` in its front matter so the reader takes themes from it
  and from no other page; a copied page whose text the reader would still take for themes
  (a bold numbered list on a page named research…) is marked ``sitemigrate: page``;
* ``filtered_bibtex_keywords`` is al-folio's own list plus, sorted, every written field
  that al-folio does not render (``rendered_bib_fields`` of ``converters/al-folio.yml``);
* one page is the about page at ``/`` (the one already there, else ``index``, else
  ``about``, else the first page read as about); other pages read as about are ordinary
  pages, and generated pages take ``/<name>-2/``… when a page of the model has their URL;
* a post without a date gets the one of its ``YYYY-MM-DD-`` file name, as Jekyll does, and
  collections are declared in name order, so a re-read site writes the same bytes.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache, partial
from typing import Any
from urllib.parse import unquote

from ruamel.yaml.comments import CommentedMap

from ...assets import asset_path, placed_image
from ...common.foreign_liquid import (
    LIQUID_KEY,
    is_foreign_listing,
    theme_target,
    under_intro,
)
from ...common.kept_liquid import KEPT_FILE
from ...common.links import BodyLinks, PermalinkMap, TargetUrls, source_permalink
from ...common.settings import report_unwritten
from ...common.site_config import complete_config
from ...common.urls import url_key
from ...common.writer import WriteContext, Writer
from ...diagnostics import (
    AMBIGUOUS_CONTENT,
    FIELD_DROPPED,
    PAGE_TEXT_REPLACED,
    SOCIAL_ICON_ADDED,
    Diagnostics,
)
from ...fileset import FileSet
from ...model import Item, Model, Origin, Page, Project, Publication, Theme
from ...parallel import map_on_two_cores
from ...parsing.bibtex import (
    EXTRA_FIELD_NAMES,
    EXTRA_RAW,
    EXTRA_TYPE,
    OWN_EXTRA,
    BibEntry,
    bibtex_key,
    entry_as_parsed,
    entry_to_publication,
    entry_type_of,
    format_entry,
    link_read_place,
    parse_bibtex,
    publication_fields,
)
from ...parsing.config_yaml import dump_config
from ...parsing.config_yaml import merge_config as merge_yaml_config
from ...parsing.front_matter import render_front_matter
from ...parsing.yamldump import dump_yaml
from ...paths import slugify, unique_name
from ...transforms.fields import misses_a_title, normalize_date
from ...transforms.latex import expect_read_back
from ...transforms.socials import normalize_social, social_value
from .codec import (
    MARKER_KEY,
    MARKER_PAGE,
    MARKER_RESEARCH,
    SOCIAL_KEYS,
    SUBTITLE_SEPARATOR,
    THEME,
    UNDATED,
    Facts,
    cite_keys,
    facts,
    named_bib_files,
    path_links_from_fields,
    research_content,
    target_name,
)

_NETWORK_KEYS = {network: key for key, network in SOCIAL_KEYS.items()}
_PROJECT_OWN = {"source_file", "front_matter", "related_publications", "links"}
_PAGE_OWN = {"front_matter", "research_shape"}
_ITEM_OWN = {"front_matter"}
#: site extras the writer places (names, title, description, socials); others are reported
_SITE_OWN = {"first_name", "middle_name", "last_name", "title_raw", "config_description",
             "scholar", "socials_file", "socials_flags", "socials_custom"}


class AlfolioWriter(Writer):
    """Writes what one version of al-folio reads (``target``: ``al-folio`` is the current
    version, ``al-folio@0.x`` the layout before v1; see ``converters/al-folio.yml``)."""

    name = "al-folio"

    def __init__(self, target: str = THEME) -> None:
        self.facts = facts(target)

    def for_version(self, version: str) -> AlfolioWriter:
        return AlfolioWriter(target_name(str(facts(f"{THEME}@{version}").version)))

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        return _Writing(model, ctx, self.facts).run()


class _Writing:
    def __init__(self, model: Model, ctx: WriteContext, theme: Facts) -> None:
        self.model = model
        self.ctx = ctx
        self.theme = theme
        self.files = FileSet()
        self.keys: dict[str, str] = {}  #: publication id -> BibTeX key written
        self.bib_fields: set[str] = set()
        self.collections: list[str] = []
        self.page_paths: set[str] = set()
        self.permalinks: set[str] = set()  #: pages' URLs, so generated pages take free ones
        self.bodies = BodyLinks()  #: bodies whose links follow the records once all are placed
        self.urls: dict[int, str | None] = {}  #: ``id(record)`` -> its URL here
        self.publications_url: str | None = None
        self.preview_names: set[str] = set()  #: files in the preview folder, by name
        self.profile_names: set[str] = set()  #: profile texts written as files, by name
        self.undated = False  #: entries without a year went to their own bibliography

    def run(self) -> FileSet:
        self._bibliography()
        self._projects()
        self._pages()
        self._items()
        self._socials()
        self._config()
        target = self.theme.target
        liquid = theme_target(target, self.files, self.ctx, lambda keys: "")
        self.bodies.finish(self.files, PermalinkMap.build(self.model, self._target_urls(),
                                                          target), self.ctx, liquid)
        return self.files

    def _target_urls(self) -> TargetUrls:
        """Publications have no page: their entry on the publications page is anchored by its
        key (``<div id="{{ entry.key }}">`` in ``_layouts/bib.liquid``)."""
        page = self.publications_url

        def publication(pub: Publication) -> str | None:
            return f"{page}#{self.cite_key(pub.id)}" if page else None

        def item(record: Item) -> str | None:
            if record.collection == "posts":
                return source_permalink(record)  # the posts' URL pattern is kept as it was
            return self.urls.get(id(record))

        return TargetUrls(publication=publication, project=lambda p: self.urls.get(id(p)),
                          item=item)

    # ------------------------------------------------------------------ publications

    def _bibliography(self) -> None:
        used: set[str] = set()
        named = self._named_bib_files() - {"papers"}
        entries: list[str] = []
        by_file: dict[str, list[str]] = {}  #: entries of the other .bib files pages name
        placed = []  #: (publication, its key, its preview image as placed here)
        for pub in self.model.publications:
            key = unique_name(_bib_key(pub.id), used)
            self.keys[pub.id] = key
            placed.append((pub, key, self._preview(pub.image)))
        written = map_on_two_cores(_bib_entry, placed)
        for pub, (entry, field_names) in zip(self.model.publications, written, strict=True):
            self.bib_fields.update(field_names)
            sources = _bib_file_names(pub)
            for source in sources & named:
                by_file.setdefault(source, []).append(entry)
            if sources and not sources - named:
                continue
            if "year" in field_names:
                entries.append(entry)
            else:  # jekyll-scholar's group_by year stops the build on an entry without one
                by_file.setdefault(UNDATED, []).append(entry)
        if entries:
            self.files.add("_bibliography/papers.bib", "\n".join(entries))
        for name in sorted(named | ({UNDATED} if UNDATED in by_file else set())):
            # a page naming a file jekyll-scholar cannot find stops the whole build
            self.files.add(f"_bibliography/{name}.bib", "\n".join(by_file.get(name, [])))
        self.undated = UNDATED in by_file

    def _own_templates(self, body: str, page: Page) -> str:
        """``{% bibliography --template bib-custom %}`` renders nothing when the site has no
        such layout (the source's own, not carried): the theme's ``bib`` renders it."""
        if "--template" not in body:
            return body

        def keep_or_drop(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in self.theme.layouts \
                    or self.ctx.existing(f"_layouts/{name}.liquid") is not None \
                    or self.ctx.existing(f"_layouts/{name}.html") is not None:
                return match.group(0)
            self.ctx.report(FIELD_DROPPED, f"bibliography template {name!r} is the source's "
                            "own layout; al-folio's bib layout used", *_origin_of(page))
            return ""

        return _TEMPLATE_OPTION.sub(keep_or_drop, body)

    def _with_undated(self, body: str) -> str:
        """The publications page's bibliography, then the undated entries without grouping
        by year (they stay undated: no year is invented)."""
        if not self.undated or UNDATED_TAG in body or PLAIN_BIBLIOGRAPHY not in body:
            return body
        return body.replace(PLAIN_BIBLIOGRAPHY, f"{PLAIN_BIBLIOGRAPHY}\n\n{UNDATED_TAG}", 1)

    def _named_bib_files(self) -> set[str]:
        """The bibliographies pages name (``{% bibliography --file people/ada %}``): each
        stays a file of its own, so those pages keep showing just their entries; the rest
        go to ``papers.bib``."""
        bodies = [p.body for p in self.model.pages] + [p.body or "" for p in self.model.projects]
        return {name for body in bodies for name in named_bib_files(body)}

    def _preview(self, image: str | None) -> str | None:
        """al-folio shows ``preview`` from ``assets/img/publication_preview/`` (or a full
        URL): a site path elsewhere would be doubled, so the file moves there."""
        rel = asset_path(image) if image else None
        if rel is None:
            return image
        name = rel.removeprefix(PREVIEW_FOLDER)
        if name != rel:
            return name
        if rel in self.ctx.moved_assets:  # another entry shows the same picture
            return self.ctx.moved_assets[rel].removeprefix(PREVIEW_FOLDER)
        name = unique_name(rel.rsplit("/", 1)[-1], self.preview_names)
        self.ctx.moved_assets[rel] = PREVIEW_FOLDER + name
        return name

    def cite_key(self, pub_id: str) -> str:
        return self.keys.get(pub_id, _bib_key(pub_id))

    # ------------------------------------------------------------------ projects

    def _projects(self) -> None:
        projects = self.model.projects
        mixed = any(p.category for p in projects) and not all(p.category for p in projects)
        if mixed:
            self.ctx.diagnostics.report(
                AMBIGUOUS_CONTENT,
                "projects without a category were given category 'other' so that"
                " al-folio shows their cards",
            )
        self.categories: list[str] = []
        for project in projects:
            category = project.category or ("other" if mixed else None)
            if category and category not in self.categories:
                self.categories.append(category)
            path = self.files.unique_path(f"_projects/{slugify(project.id, 100)}.md")
            self.urls[id(project)] = _document_url(path, project.extra)
            render, body = self._project_file(project, category)
            self.bodies.add(self.files, path, render, body, project.origin)

    def _project_file(self, project: Project, category: str | None,
                      ) -> tuple[Callable[[str], str], str]:
        """(how the file is rendered from its body, the body)."""
        links = dict(project.links)
        meta: dict[str, Any] = {"layout": "page", "title": project.title,
                                "description": (project.description or "").strip(),
                                "img": project.image, "importance": project.order,
                                "category": category, "date": project.date,
                                "redirect": links.pop("website", None),
                                "github": links.pop("code", None)}
        keys = [self.cite_key(i) for i in project.publication_ids]
        related = bool(keys) or bool(project.extra.get("related_publications"))
        if related:
            meta["related_publications"] = True
        if links:
            meta["links"] = links
        for key, value in project.extra.items():
            if key not in _PROJECT_OWN and key not in meta:
                meta[key] = value
        body = project.body or ""
        cited = set(cite_keys(body))
        missing = [k for k in keys if k not in cited]
        if missing:
            body = body.rstrip("\n") + ("\n\n" if body.strip() else "") + \
                "{% cite " + " ".join(missing) + " %}"
        if project.extra.get("front_matter") is False:
            return _as_is, body
        return partial(render_front_matter, meta), body

    # ------------------------------------------------------------------ pages

    def _pages(self) -> None:
        pages = list(self.model.pages)
        roles = {p.role for p in pages}
        about = _primary_about(pages)
        self.permalinks.update(url_key(p.permalink, keep_case=True) for p in pages if p.permalink)
        research_written = False
        for page in pages:
            if page.role == "research" or _from_research(page, self.model.themes):
                if self._keeps_research_page(page):
                    research_written = True
                    self._page_file(page, page.body, theme_source=True)
                    continue
                if self.model.themes and not research_written:
                    research_written = True
                    self._page_file(page, self._research_body(), generated_research=True)
                    continue
            if page.role == "projects":
                body = page.body
                if "{% include projects" not in body:  # another theme's listing: add the cards
                    body = body.rstrip("\n") + ("\n\n" if body.strip() else "") + PROJECTS_BODY
                self._page_file(page, body, display_categories=True)
            elif page.role == "publications" and is_foreign_listing(page.body, "{% bibliography"):
                self._page_file(self._listing_page(page),
                                self._with_undated(under_intro(page.body, PUBLICATIONS_BODY)))
            elif page.role == "publications" and "{% bibliography" not in page.body and \
                    misses_a_title(page.body, (p.title for p in self.model.publications)):
                self.ctx.report_at(PAGE_TEXT_REPLACED, "publications page: its text does not "
                                   "list the site's publications; al-folio's bibliography "
                                   "added below it", page.origin)
                self._page_file(page, self._with_undated(
                    page.body.rstrip("\n") + "\n\n" + PUBLICATIONS_BODY))
            elif page.role == "publications":
                self._page_file(page, self._with_undated(page.body))
            elif page is about:
                self._page_file(self._about_page(page), page.body)
            else:
                self._page_file(page, page.body)
        if "about" not in roles:
            about = self._about_page(Page(id="about", role="about"))
            self._page_file(about, self.model.site.description or "")
        if self.model.themes and not research_written:
            self._page_file(Page(id="research", title="research",
                                 permalink=self._free_permalink("research"), nav=True,
                                 role="research"), self._research_body(),
                            generated_research=True)
        if self.model.projects and "projects" not in roles:
            self._page_file(Page(id="projects", title="projects",
                                 permalink=self._free_permalink("projects"), nav=True,
                                 role="projects"), PROJECTS_BODY,
                            display_categories=True)
        if self.model.publications and "publications" not in roles:
            self._page_file(Page(id="publications", title="publications",
                                 permalink=self._free_permalink("publications"), nav=True,
                                 role="publications",
                                 extra={"description": ""}),
                            self._with_undated(PUBLICATIONS_BODY))

    def _listing_page(self, page: Page) -> Page:
        """Another theme's listing page replaced by al-folio's own, at its permalink and nav
        place; the source body is kept in ``_sitemigrate/removed-liquid.yml``."""
        extra = dict(page.extra)
        kept = extra.get(LIQUID_KEY)
        extra[LIQUID_KEY] = [*(kept if isinstance(kept, list) else []), page.body.strip("\n")]
        self.ctx.report(PAGE_TEXT_REPLACED, f"{page.role} page: another theme's listing "
                        f"replaced by al-folio's own (the source body is kept in "
                        f"{KEPT_FILE})", *(_origin_of(page)))
        return replace(page, extra=extra)

    def _profile(self, entry: Any, page: Page) -> Any:
        """al-folio's profiles layout reads each profile's ``content`` as a file next to the
        page (``include_relative``): a file the source has is copied, text written inline
        becomes such a file (Jekyll stops the build on text there)."""
        if not isinstance(entry, dict) or not isinstance(entry.get("content"), str):
            return entry
        content = entry["content"].strip()
        folder = page.origin.file.rpartition("/")[0] if page.origin else "_pages"
        if _CONTENT_FILE.fullmatch(content):
            source = f"{folder}/{content}" if folder else content
            self.ctx.moved_assets.setdefault(source, f"_pages/{content}")
            return entry
        name = unique_name(slugify(str(entry.get("name") or "profile"), 60), self.profile_names)
        self.files.add(f"_pages/profiles/{name}.md", content + "\n")
        return {**entry, "content": f"profiles/{name}.md"}

    def _free_permalink(self, slug: str) -> str:
        """``/<slug>/`` for a generated page, ``/<slug>-2/``… when a page of the model has it."""
        candidate, n = f"/{slug}/", 2
        while url_key(candidate, keep_case=True) in self.permalinks:
            candidate, n = f"/{slug}-{n}/", n + 1
        self.permalinks.add(url_key(candidate, keep_case=True))
        return candidate

    def _keeps_research_page(self, page: Page) -> bool:
        if "research_shape" not in page.extra:
            return False
        return all(t.extra.get("page") == page.id for t in self.model.themes)

    def _page_file(self, page: Page, body: str, *, display_categories: bool = False,
                   theme_source: bool = False, generated_research: bool = False) -> None:
        """``theme_source``: the page the model's themes were read from, written as it was;
        ``generated_research``: the research page built from the themes."""
        body = self._own_templates(body, page)
        path = self.files.unique_path(f"_pages/{slugify(page.id, 100)}.md")
        self.page_paths.add(path)
        if page.role == "publications" and self.publications_url is None:
            self.publications_url = page.permalink or f"/{path[len('_pages/'):-3]}/"
        if page.extra.get("front_matter") is False:
            self.bodies.add(self.files, path, _as_is, body, page.origin)
            return
        layout = str(page.extra.get("layout") or "page")
        meta: dict[str, Any] = {"layout": layout if layout in self.theme.layouts else "page",
                                "title": page.title, "permalink": page.permalink}
        if page.nav:
            meta["nav"] = True
        if page.nav_order is not None:
            meta["nav_order"] = page.nav_order
        if layout not in self.theme.layouts:
            meta["source_layout"] = layout
        for key, value in page.extra.items():
            if key not in _PAGE_OWN and key not in meta:
                meta[key] = value
        if meta.get("layout") == "profiles" and isinstance(meta.get("profiles"), list):
            meta["profiles"] = [self._profile(entry, page) for entry in meta["profiles"]]
        if display_categories:
            existing = meta.get("display_categories")
            listed = [str(c) for c in existing] if isinstance(existing, list) else []
            merged = listed + [c for c in self.categories if c not in listed]
            if merged:
                meta["display_categories"] = merged
            else:
                meta.pop("display_categories", None)
        if isinstance(meta.get("years"), list):
            meta["years"] = self._years(meta["years"])
        if generated_research:
            meta[MARKER_KEY] = MARKER_RESEARCH
        elif not theme_source:
            meta.pop(MARKER_KEY, None)
            if _reads_as_themes(path, meta, body):
                meta[MARKER_KEY] = MARKER_PAGE
        self.bodies.add(self.files, path, partial(render_front_matter, meta), body, page.origin)

    def _years(self, listed: list[Any]) -> list[Any]:
        years = {y for y in listed if isinstance(y, int)}
        years.update(p.year for p in self.model.publications if p.year)
        return sorted(years, reverse=True) + [y for y in listed if not isinstance(y, int)]

    def _about_page(self, page: Page) -> Page:
        site = self.model.site
        extra = dict(page.extra)
        layout = str(extra.get("layout") or "about")
        if layout != "about":
            extra.setdefault("source_layout", layout)
        extra["layout"] = "about"
        subtitle = SUBTITLE_SEPARATOR.join(v for v in (site.role, site.affiliation) if v)
        if subtitle and "subtitle" not in extra:
            extra["subtitle"] = subtitle  # about.liquid shows it under the name
        profile = dict(extra.get("profile") or {}) if isinstance(extra.get("profile"), dict) \
            else {}
        if site.location and "more_info" not in profile:
            profile["more_info"] = f"<p>{html.escape(site.location)}</p>"  # under the picture
        image = placed_image(site.avatar, IMAGE_FOLDER, self.ctx.moved_assets)
        if site.avatar and image is None:
            self.ctx.report_at(FIELD_DROPPED, f"profile picture {site.avatar!r}: al-folio "
                               f"shows only a file under {IMAGE_FOLDER}", site.origin)
        if image and "image" not in profile:
            profile.update({"align": "right", "image": image, "image_circular": False})
        if profile:
            extra["profile"] = profile
        if any(p.selected for p in self.model.publications):
            extra.setdefault("selected_papers", True)
        extra.setdefault("social", True)
        if any(i.collection == "news" for i in self.model.items):
            extra.setdefault("announcements", {"enabled": True, "scrollable": True,
                                               "limit": 5})
        return replace(page, title=page.title or "about", permalink=page.permalink or "/",
                       extra=extra)

    def _research_body(self) -> str:
        projects = {p.id: p for p in self.model.projects}
        chunks = [self._theme_text(t, 2, projects) for t in self.model.themes]
        chunks.append("{% bibliography --cited %}")
        return "\n\n".join(c for c in chunks if c)

    def _theme_text(self, theme: Theme, level: int, projects: dict[str, Project]) -> str:
        parts = [f"{'#' * min(level, 4)} {theme.title}"]
        for text in (theme.summary, theme.body):
            if text and text.strip():
                parts.append(_demote_headings(text.strip("\n")))
        links = [f"[{projects[i].title}]({{{{ '/projects/{slugify(i, 100)}/' | relative_url }}}})"
                 for i in theme.project_ids if i in projects]
        if links:
            parts.append("**Projects:** " + ", ".join(links))
        if theme.publication_ids:
            keys = " ".join(self.cite_key(i) for i in theme.publication_ids)
            parts.append("**Publications:** {% cite " + keys + " %}")
        parts.extend(self._theme_text(sub, level + 1, projects) for sub in theme.subthemes)
        return "\n\n".join(parts)

    # ------------------------------------------------------------------ items

    def _items(self) -> None:
        for item in self.model.items:
            if item.collection == "news":
                folder = "_news"
            elif item.collection == "posts":
                folder = "_posts"
            else:
                folder = f"_{collection_name(item.collection)}"
                if item.collection not in self.collections:
                    self.collections.append(item.collection)
            name = slugify(item.id, 100)
            if folder == "_posts" and item.date and not re.match(r"\d{2,4}-\d{1,2}-\d{1,2}-",
                                                                  item.id):
                name = f"{item.date[:10]}-{name}" if len(item.date) >= 10 else name
            path = self.files.unique_path(f"{folder}/{_keep_name(item.id, name)}.md")
            self.urls[id(item)] = _document_url(path, item.extra)
            render = _as_is if item.extra.get("front_matter") is False else \
                partial(render_front_matter, self._item_meta(item))
            self.bodies.add(self.files, path, render, item.body, item.origin)
        self.collections.sort(key=collection_name)
        for collection in self.collections:
            path = f"_pages/{slugify(collection_name(collection))}.md"
            if path not in self.page_paths:
                slug = slugify(collection_name(collection))
                page = Page(id=slug, title=collection, permalink=self._free_permalink(slug),
                            nav=True)
                self._page_file(page, _listing_body(collection))

    def _item_meta(self, item: Item) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        if item.collection == "news":
            meta["layout"] = "post"
        meta["title"] = item.title
        meta["date"] = item.extra.get("date", item.date or _name_date(item))
        if item.collection == "news" and "inline" not in item.extra:
            meta["inline"] = item.title is None
        for key, value in item.extra.items():
            if key not in _ITEM_OWN and key not in meta:
                meta[key] = value
        return meta

    # ------------------------------------------------------------------ socials and config

    def _socials(self) -> None:
        site = self.model.site
        data: dict[str, Any] = {}
        if site.email:
            data["email"] = site.email
        table = self.theme.socials
        logo = self.theme.custom_social_logo
        for network, value in site.socials.items():
            social = normalize_social(network, value)
            key, form = table.get(social.service, (None, None))
            written = social_value(social, form) if key and form else None
            if key and written:
                if key != "email" or "email" not in data:  # the profile's e-mail first
                    data[key] = written
            elif social.url:  # a custom entry: {url, title}, and the icon v1 requires
                data[social.service] = {"url": social.url,
                                        "title": social.service.replace("_", " ").title()}
                if logo:
                    data[social.service]["logo"] = logo
            elif self.theme.builtin_socials:  # v1: an unknown bare key stops the build
                self.ctx.report(FIELD_DROPPED, f"social link {network}: {value!r} gives "
                                f"{self.theme.target} no id or URL it renders; not written",
                                "_data/socials.yml")
            else:
                data[social_key(network, value)] = value
                self.ctx.diagnostics.report(
                    FIELD_DROPPED,
                    f"social link {network}: {value!r} gives al-folio no id or URL "
                    "it renders; written as is",
                    "_data/socials.yml",
                )
        custom = site.extra.get("socials_custom")
        if isinstance(custom, dict):
            data.update({str(k): self._custom_social(str(k), v)
                         for k, v in custom.items() if k not in data})
        flags = site.extra.get("socials_flags")
        if isinstance(flags, dict):
            data.update({str(k): v for k, v in flags.items() if k not in data})
        builtin = self.theme.builtin_socials
        for key in [k for k, v in data.items() if builtin and k not in builtin
                    and not isinstance(v, dict)]:
            # v1's social tag reads `logo` of an entry it does not know: a bare value (a
            # flag or a custom value of the source's) stops the build, and gives no URL
            self.ctx.report(FIELD_DROPPED, f"social setting {key}: {data.pop(key)!r} is not a "
                            f"key {self.theme.target} knows and gives no URL; not written",
                            "_data/socials.yml")
        if data:
            self.files.add("_data/socials.yml", dump_yaml(data))

    def _config(self) -> None:
        self._report_unwritten_settings()
        values = self._config_values()
        existing = self.ctx.existing_config()
        if existing is None:
            complete_config(values, self.theme.target, fresh=True)
        self.files.add("_config.yml", dump_config(values) if existing is None
                       else merge_config(existing, values, self.theme.target))

    def _custom_social(self, key: str, value: Any) -> Any:
        """A social entry of the site's own (``{url, title, logo}``), with the icon the
        version requires when it names none (jekyll-socials fails the build without)."""
        logo = self.theme.custom_social_logo
        if not logo or not isinstance(value, dict) or value.get("logo") \
                or key in self.theme.builtin_socials:
            return value
        self.ctx.report(SOCIAL_ICON_ADDED, f"social link {key} names no icon; "
                        f"{self.theme.target} requires one: given {logo!r}", "_data/socials.yml")
        return {**value, "logo": logo}

    def _report_unwritten_settings(self) -> None:
        report_unwritten(self.ctx, self.model.site, _SITE_OWN, self.theme.target)

    def _config_values(self) -> dict[str, Any]:
        site = self.model.site
        first, middle, last = _names(site.name, site.extra)
        title = site.title if site.title and site.title != site.name else "blank"
        scholar: dict[str, Any] = {"last_name": [last] if last else [],
                                   "first_name": [first] if first else [],
                                   "style": "apa", "locale": "en",
                                   "source": "/_bibliography/", "bibliography": "papers.bib",
                                   "bibliography_template": "bib", "replace_strings": True,
                                   "join_strings": True, "details_dir": "bibliography",
                                   "details_link": "Details", "query": "@*",
                                   "group_by": "year", "group_order": "descending"}
        own = self.theme.filtered_bib_fields
        filtered = list(own) + [f for f in unrendered_fields(self.bib_fields, self.theme)
                                if f not in own]
        # Folder-style permalinks (as al-folio's own config has for projects): links written
        # as /projects/x/ then resolve; Jekyll's default would be /projects/x.html.
        collections: dict[str, Any] = {
            "news": {"defaults": {"layout": "post"}, "output": True},
            "projects": {"output": True, "permalink": "/projects/:path/"}}
        for name in self.collections:
            slug = collection_name(name)
            collections[slug] = {"output": True, "permalink": f"/{slug}/:path/"}
        values: dict[str, Any] = {"title": title, "first_name": first or "",
                                  "middle_name": middle or "", "last_name": last or "",
                                  "email": site.email or "",
                                  "description": site.extra.get("config_description") or "",
                                  "url": site.url or "", "baseurl": site.baseurl or "",
                                  "collections": collections,
                                  "enable_project_categories": True,
                                  "scholar": scholar,
                                  "filtered_bibtex_keywords": filtered}
        return values


PROJECTS_BODY = """<div class="projects">
{% if site.enable_project_categories and page.display_categories %}
  {% for category in page.display_categories %}
  <a id="{{ category }}" href=".#{{ category }}"><h2 class="category">{{ category }}</h2></a>
  {% assign categorized_projects = site.projects | where: "category", category %}
  {% assign sorted_projects = categorized_projects | sort: "importance" %}
  <div class="row row-cols-1 row-cols-md-3">
    {% for project in sorted_projects %}{% include projects.liquid %}{% endfor %}
  </div>
  {% endfor %}
{% else %}
  {% assign sorted_projects = site.projects | sort: "importance" %}
  <div class="row row-cols-1 row-cols-md-3">
    {% for project in sorted_projects %}{% include projects.liquid %}{% endfor %}
  </div>
{% endif %}
</div>"""

PUBLICATIONS_BODY = """<div class="publications">

{% bibliography %}

</div>"""


def _listing_body(collection: str) -> str:
    name = collection_name(collection)
    return ("<ul>\n{% assign entries = site." + name + " | sort: \"date\" | reverse %}\n"
            "{% for entry in entries %}\n"
            "  <li>{% if entry.date %}{{ entry.date | date: \"%Y-%m-%d\" }}: {% endif %}"
            "<a href=\"{{ entry.url | relative_url }}\">{{ entry.title }}</a></li>\n"
            "{% endfor %}\n</ul>")


def unrendered_fields(written: set[str], theme: Facts | None = None) -> list[str]:
    """The written BibTeX fields al-folio's ``bib.liquid`` does not render, sorted: they must be
    in ``filtered_bibtex_keywords`` or they show in the entry's BibTeX block."""
    rendered = (theme or facts()).rendered_bib_fields
    return sorted(f for f in written if f not in rendered)


def collection_name(collection: str) -> str:
    """A Jekyll collection name (folder ``_<name>``, ``site.<name>``) for a model collection."""
    return slugify(collection, 40).replace("-", "_")


def merge_config(data: CommentedMap, values: dict[str, Any], target: str = THEME) -> str:
    """``values`` merged into an existing ``_config.yml``, its comments and order kept: the
    filtered keywords extended, ``scholar`` merged, the template's own collections kept, and
    an empty description, URL, base URL or email leaving a set one alone; then what the
    migrated pages need that it lacks (``site_config``)."""
    merged = merge_yaml_config(
        data, values, optional=("description", "url", "baseurl", "email"),
        extend=("filtered_bibtex_keywords",), merge=("scholar",), add=("collections",))
    complete_config(merged, target, fresh=False)
    return dump_config(merged)


def social_key(network: str, value: str) -> str:
    """The al-folio key for a network (``github`` -> ``github_username``)."""
    network = slugify(network).replace("-", "_")
    if network in _NETWORK_KEYS:
        return _NETWORK_KEYS[network]
    if re.match(r"^[a-z_]+_(username|userid|id|url|profile|qr)$", network):
        return network
    suffix = "url" if re.match(r"^https?://", value) else "id"
    return f"{slugify(network).replace('-', '_')}_{suffix}"


PLAIN_BIBLIOGRAPHY = "{% bibliography %}"
_TEMPLATE_OPTION = re.compile(r"\s--template\s+[\"']?([\w.-]+)[\"']?(?=[^%]*%\})")
UNDATED_TAG = "{% bibliography --file undated --group_by none %}"
#: a profile ``content`` that names a file (not text written inline)
_CONTENT_FILE = re.compile(r"[\w./-]+\.(?:md|markdown|html)")
#: where bib.liquid looks for a ``preview`` that is not a URL
PREVIEW_FOLDER = "assets/img/publication_preview/"
#: what the about and profiles layouts prepend to a profile ``image``
IMAGE_FOLDER = "assets/img/"


@lru_cache(maxsize=4096)
def short_venue(venue: str | None) -> str | None:
    """An ``abbr`` badge text, never invented: the venue itself when it is one short word,
    the acronym it gives in parentheses ("… (NeurIPS 2020)"), or its first word when that is
    an acronym of a short venue ("CVPR Oral"); else none."""
    if not venue:
        return None
    text = re.sub(r"\s+", " ", re.sub(r"[{}\\]", "", venue)).strip()
    if len(text) <= 12 and " " not in text:
        return text
    acronym = _PAREN_ACRONYM.search(text)
    if acronym:
        return acronym.group(1)
    words = text.split(" ")
    first = words[0]
    if len(words) <= 3 and len(first) <= 10 and first.isalpha() and \
            sum(c.isupper() for c in first) >= 2:
        return first  # "TPAMI & AISTATS", "CVPR ORAL"
    return None


#: "(NeurIPS)", "(NeurIPS 2020)", "(ICML'21)": an acronym the venue itself gives
_PAREN_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&-]{1,11})(?:[\s'’-]*(?:19|20)?\d{2})?\)")


def _names(name: str | None, extra: dict[str, Any]) -> tuple[str, str, str]:
    first, middle, last = (str(extra.get(k) or "") for k in ("first_name", "middle_name",
                                                             "last_name"))
    if name and " ".join(p for p in (first, middle, last) if p) == name:
        return first, middle, last
    words = (name or "").split()
    if len(words) <= 1:
        return (name or "", "", "")
    return words[0], " ".join(words[1:-1]), words[-1]


def _bib_key(pub_id: str) -> str:
    key = re.sub(r"[\s,{}()\"'#%~\\=]+", "-", pub_id.strip()).strip("-")
    return key or "untitled"


def _name_date(item: Item) -> str | None:
    """The date Jekyll takes from a post's ``YYYY-MM-DD-`` file name (the reader does too)."""
    if item.collection != "posts":
        return None
    named = re.match(r"^(\d{2,4}-\d{1,2}-\d{1,2})-", item.id)
    return normalize_date(named.group(1)) if named else None


def _keep_name(item_id: str, slug: str) -> str:
    """Item file names keep their own spelling when it is already a safe name."""
    if len(item_id) <= 100 and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", item_id):
        return item_id
    return slug


def _prepared(pub: Publication, key: str, image: str | None) -> Publication:
    """``pub`` as al-folio's entry shows it: its key, the buttons and badge al-folio
    offers (``bibtex_show``, ``abbr``), identifiers that would come back as links moved to
    ``extra``, links in the order its entry reads back with, the preview image where it was
    placed."""
    extra = dict(pub.extra)
    extra.setdefault("bibtex_show", "true")
    if "abbr" not in extra:
        abbr = short_venue(pub.venue)
        if abbr:
            extra["abbr"] = abbr
    identifiers, moved = _split_identifiers(pub)
    for name, value in moved.items():
        extra.setdefault(name, value)
    links = dict(sorted(pub.links.items(), key=link_read_place(pub)))
    return replace(pub, id=key, extra=extra, identifiers=identifiers, links=links,
                   image=image)


def _bib_entry(placed: tuple[Publication, str, str | None]) -> tuple[str, tuple[str, ...]]:
    """The BibTeX entry written for a publication (``_prepared``, as read back) and its
    field names, lower case (interned: 10,000 entries share a few dozen names)."""
    read_back, entry_type, fields = _as_read_back(_prepared(*placed))
    return (format_entry(entry_type, bibtex_key(read_back.id), fields),
            tuple(sys.intern(name.lower()) for name in fields))


def _as_read_back(pub: Publication) -> tuple[Publication, str, dict[str, str]]:
    """``pub`` as the al-folio reader will see its entry, with that entry's type and fields.

    Writing that instead of ``pub`` puts the fields in the order a re-read model writes them
    (an extra ``pmid = {NaN}`` comes back as an identifier, written among the links), so
    write -> read -> write gives the same bytes.  Reading an entry we wrote changes no
    title, author, year, venue or link, so nothing the reader sees differs.  An entry that
    reads back as it was (most entries of a .bib source) keeps the fields computed for it.
    """
    entry_type = entry_type_of(pub)
    key, fields = bibtex_key(pub.id), publication_fields(pub, entry_type)
    for text in (pub.title, pub.venue, pub.abstract):
        if text:
            expect_read_back(text)  # what the written value decodes to, known: not parsed
    entry = entry_as_parsed(entry_type, key, fields)
    if entry is None:
        entries = parse_bibtex(format_entry(entry_type, key, fields), "papers.bib",
                               Diagnostics())
        if len(entries) != 1:
            return pub, entry_type, fields
        entry = entries[0]
    again = _reader_record(entry, pub)
    if _reads_back_unchanged(again, pub):
        return pub, entry_type, fields
    if _only_notes_added(again, pub, entry_type, fields):
        return again, entry_type, fields
    entry_type = entry_type_of(again)
    return again, entry_type, publication_fields(again, entry_type)


def _reader_record(entry: BibEntry, pub: Publication) -> Publication:
    """The record the al-folio reader makes of ``entry``, written for ``pub`` (whose origin
    it keeps, so that only what the entry says is compared)."""
    again = entry_to_publication(entry, Origin("_bibliography/papers.bib"))
    path_links_from_fields(again)
    again.origin, again.merged_from = pub.origin, pub.merged_from
    return again


def _reads_back_unchanged(again: Publication, pub: Publication) -> bool:
    """Does ``again`` give the fields ``pub`` gave?  It does when it equals ``pub`` with
    values of the same types (``True == 1``, but they are written apart), links and
    identifiers in the same order, and the extras that are written in the same order
    (``publication_fields`` writes them in their order; it looks the reader's own notes,
    ``OWN_EXTRA``, up by name)."""
    return again == pub \
        and list(again.links) == list(pub.links) \
        and list(again.identifiers) == list(pub.identifiers) \
        and _written_extras(again) == _written_extras(pub) \
        and all(type(value) is type(pub.extra[key]) for key, value in again.extra.items())


def _only_notes_added(again: Publication, pub: Publication, entry_type: str,
                      fields: dict[str, str]) -> bool:
    """Does ``again`` differ from ``pub``, a record not read from BibTeX, only by the notes
    the reader keeps of the entry it read: the entry type written, and raw values that are
    the values written?  Then it gives the same fields: ``publication_fields`` writes a
    noted raw value only where it decodes to the model's value, and the value written there
    is that raw value (so either way the same text); the notes are never fields themselves.
    A record of a .bib source (notes of its own) or a venue or link read under a field name
    of another slot (``bibtex_field_names``) is checked the long way."""
    notes = again.extra
    if EXTRA_FIELD_NAMES in notes or notes.get(EXTRA_TYPE) != entry_type or \
            any(key in pub.extra for key in OWN_EXTRA):
        return False
    raw = notes.get(EXTRA_RAW, {})
    if not isinstance(raw, dict) or any(fields.get(name) != value for name, value in raw.items()):
        return False
    again.extra = {key: value for key, value in notes.items() if key not in OWN_EXTRA}
    try:
        return _reads_back_unchanged(again, pub)
    finally:
        again.extra = notes


def _written_extras(pub: Publication) -> list[str]:
    return [key for key in pub.extra if key not in OWN_EXTRA]


def _split_identifiers(pub: Publication) -> tuple[dict[str, str], dict[str, str]]:
    """(identifiers to write as fields, extra fields) for ``pub``.

    A doi/arxiv id without a ``doi``/``arxiv`` link was derived by the normalizers; written as
    a ``doi``/``arxiv`` field it would come back as a new link.  It is dropped when a written
    link or field already holds it, else kept as ``doi_id``/``arxiv_id``.
    """
    seen = " ".join(unquote(url).lower() for label, url in pub.links.items()
                    if label not in ("doi", "arxiv"))
    seen += " " + " ".join(str(v).lower() for v in pub.extra.values() if isinstance(v, str))
    identifiers = dict(pub.identifiers)
    extra: dict[str, str] = {}
    for name in ("doi", "arxiv"):
        value = identifiers.get(name)
        if not value or name in pub.links:
            continue
        del identifiers[name]
        if value.lower() not in seen:
            extra[f"{name}_id"] = value
    return identifiers, extra


def _as_is(body: str) -> str:
    return body


def _document_url(path: str, extra: dict[str, Any]) -> str:
    """A collection document's URL: its own ``permalink``, else ``/<collection>/<name>/``."""
    permalink = extra.get("permalink")
    if isinstance(permalink, str) and permalink.strip():
        return permalink
    folder, _, name = path.partition("/")
    return f"/{folder[1:]}/{name.rsplit('.', 1)[0]}/"


def _reads_as_themes(path: str, meta: dict[str, Any], body: str) -> bool:
    """Would the al-folio reader take themes from this copied page?"""
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    permalink = meta.get("permalink")
    probe = Page(id=stem, permalink=str(permalink) if permalink else None, body=body)
    return research_content(probe) is not None


def _primary_about(pages: list[Page]) -> Page | None:
    """The one page written as al-folio's about page at ``/`` when readers gave several the
    about role: the one already at ``/``, else ``index``, else ``about``, else the first."""
    abouts = [p for p in pages if p.role == "about"]
    if not abouts:
        return None
    names = {"index": 0, "about": 1}
    return min(abouts, key=lambda p: (not p.permalink or url_key(p.permalink) != "/",
                                      names.get(p.id, 2)))


def _from_research(page: Page, themes: list[Theme]) -> bool:
    return any(t.extra.get("page") == page.id for t in themes)


def _demote_headings(text: str) -> str:
    """Headings inside a theme body would start new themes on reading back: make them bold."""
    return re.sub(r"^(#{1,6})\s+(.+?)\s*#*$", r"**\2**", text, flags=re.M)


WRITER = AlfolioWriter()


def _bib_file_names(pub: Publication) -> set[str]:
    """``{"people/ada"}`` for an entry read from ``_bibliography/people/ada.bib`` (and the
    files of the records merged into it)."""
    origins = [pub.origin, *pub.merged_from] if pub.origin else list(pub.merged_from)
    return {o.file.removeprefix("_bibliography/").removesuffix(".bib") for o in origins
            if o.file.startswith("_bibliography/") and o.file.endswith(".bib")}


def _origin_of(record: Page) -> tuple[str | None, int | None]:
    origin = record.origin
    return (origin.file, origin.line) if origin else (None, None)
