"""Reader for Hugo Blox sites (the former Hugo Academic / Wowchemy) and single bundles.

A site: ``content/publication(s)/<slug>/index.md`` bundles (YAML ``---`` or TOML ``+++``
front matter) with the ``cite.bib`` beside them filling what the front matter lacks (never
overriding it), projects, talks/events, posts, other sections as items, top-level pages,
the home page's Markdown blocks, people from ``content/authors/<id>/_index.md`` or
``data/authors/<id>.yaml`` (the owner, ``admin``/``me`` or ``is_owner``, is the site
profile), and the settings of ``config/_default/*`` or a root ``config.toml``/``hugo.*``.
A multi-language site is read in its default language; the others are reported.

Bundled files (``featured.*``, PDFs beside ``index.md``) are referenced from the root
(``/content/…``) so every writer's asset copy takes them along.  Hugo shortcodes in bodies
are converted (``figure`` -> an image) or removed (kept in ``extra``), since no Jekyll
target runs them.  Whatever has no model field is kept in ``extra`` or reported with its
file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...common.reader import Detection, ReadContext, Reader, peek_text
from ...diagnostics import (
    AMBIGUOUS_CONTENT,
    DUPLICATE_KEY,
    HUGO_SHORTCODE,
    MISSING_TITLE,
    OTHER_LANGUAGE,
    PAGE_TEXT_REPLACED,
    SETTING_DROPPED,
)
from ...model import AuthorName, Item, Model, Page, Project, Publication, Site, Source, Theme
from ...parsing.bibtex import entry_to_publication, parse_bibtex
from ...transforms.fields import normalize_date, text_or_none, year_of
from ...transforms.names import parse_name
from ...transforms.socials import normalize_social
from .codec import (
    AUTHOR_DATA,
    AUTHOR_FOLDERS,
    BIB_FIELDS,
    BUNDLE_FILES,
    COLLECTION,
    CONFIG_FOLDER,
    FOLDED,
    FRONT,
    ID_KEYS,
    IDENTIFIERS,
    KIND,
    LINK_TYPES,
    MODULE_MARKERS,
    NAMES,
    NAV,
    OWNER_IDS,
    PARTIAL_DATE,
    RECORD_ID,
    REMOTE_IMAGE,
    ROLE,
    ROOT_CONFIGS,
    SECTION_PAGES,
    SECTIONS,
    SELF,
    SOCIAL_ICONS,
    THEMES,
    URL_FIELDS,
    Parsed,
    kind_of,
    load_toml,
    parse_content,
)

_CONTENT_SUFFIXES = (".md", ".markdown")
_CONFIG_SUFFIXES = (".toml", ".yaml", ".yml")
#: what a publication's type names in its front matter beyond the model kinds
_LABEL_OF_TYPE = {v: k for k, v in LINK_TYPES.items()}
_EMPHASIS = re.compile(r"^(?:in\s+)?[*_]+(.+?)[*_]+\s*$", re.I)
_SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w/.-]+)(.*?)\s*[>%]\}\}", re.S)
_ATTR = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_PUB_TYPES = re.compile(r"^\s*publication_types\s*[:=]", re.M)
#: sections whose folders are not content records
_NOT_ITEMS = frozenset({"authors", "home", "slides"})


class HugobloxReader(Reader):
    name = "hugoblox"
    reads_pages = True

    # -- detection -----------------------------------------------------------------------

    def detect(self, path: Path) -> Detection:
        found = Detection()
        if path.is_file():
            if path.suffix.lower() in _CONTENT_SUFFIXES and _is_bundle_page(path):
                found.add(0.6, f"{path.name} is a Hugo Blox publication page "
                               "(publication_types in its front matter)")
            return found
        if not path.is_dir():
            return found
        if not (path / "content").is_dir() and (path / "index.md").is_file():
            if _is_bundle_page(path / "index.md"):
                found.add(0.6, "index.md is a Hugo Blox publication bundle")
            return found
        if (path / CONFIG_FOLDER).is_dir():
            found.add(0.2, f"{CONFIG_FOLDER}/ (Hugo's split configuration)")
        roots = [name for name in ROOT_CONFIGS if (path / name).is_file()
                 and not name.startswith("config.y")]
        if roots:
            found.add(0.1, f"{roots[0]} (a Hugo configuration)")
        marker = _module_marker(path)
        if marker:
            found.add(0.4, f"imports the Hugo Blox / Wowchemy modules ({marker})")
        content = path / "content"
        for name in SECTIONS["publications"]:
            folder = content / name
            if folder.is_dir() and any(folder.glob("*/index.md")):
                found.add(0.3, f"content/{name}/<slug>/index.md publication bundles")
                break
        for people in (*AUTHOR_FOLDERS, AUTHOR_DATA):
            if (path / people).is_dir():
                found.add(0.1, f"{people}/ author profiles")
                break
        if found.score and (path / "_config.yml").is_file():
            found.score = min(found.score, 0.1)  # a Jekyll site that happens to hold these
        return found

    # -- reading -------------------------------------------------------------------------

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        if path.is_file():
            self._one_bundle(path, path.parent, model, ctx)
            return model
        if not (path / "content").is_dir() and (path / "index.md").is_file():
            self._one_bundle(path / "index.md", path, model, ctx)
            return model
        config = _SiteConfig.read(path, ctx)
        content = _content_root(path, config, ctx)
        people = _People.read(path, content, ctx)
        state = _State(path, ctx, model, people)
        model.site = _site(config, people, path, ctx)
        for role, names in SECTIONS.items():
            for name in names:
                folder = content / name
                if folder.is_dir():
                    state.section(role, name, folder)
        for folder in sorted(p for p in content.iterdir() if p.is_dir()) \
                if content.is_dir() else []:
            if folder.name in _NOT_ITEMS or any(folder.name in v for v in SECTIONS.values()):
                if folder.name == "home":
                    state.home_widgets(folder)
                continue
            if folder.name in config.languages:
                continue
            if (folder / "index.md").is_file() and not (folder / "_index.md").is_file():
                state.page(folder / "index.md", folder.name)
            else:
                state.section("items", folder.name, folder)
        if content.is_dir():
            for file in sorted(content.iterdir()):
                if file.is_file() and file.suffix.lower() in _CONTENT_SUFFIXES:
                    if file.name == "_index.md":
                        state.home(file)
                    else:
                        state.page(file, file.stem)
        state.people()
        state.link_projects()
        return model

    def _one_bundle(self, page: Path, folder: Path, model: Model, ctx: ReadContext) -> None:
        people = _People.read(folder, folder / "__none__", ctx)
        state = _State(folder, ctx, model, people)
        state.publication(page, page.parent.name if page.name == "index.md" else page.stem)


# --- configuration --------------------------------------------------------------------------

class _SiteConfig:
    """The merged settings: ``hugo``/``config`` keys at the top, ``params``, ``menus`` and
    ``languages`` under their names, with the file each top-level key came from."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.files: dict[str, str] = {}
        self.languages: dict[str, Any] = {}

    @classmethod
    def read(cls, root: Path, ctx: ReadContext) -> _SiteConfig:
        conf = cls()
        for name in ROOT_CONFIGS:
            if (root / name).is_file():
                conf._merge(root / name, _load_config(root / name, ctx), None)
        folder = root / CONFIG_FOLDER
        if folder.is_dir():
            for file in sorted(folder.iterdir()):
                if file.is_file() and file.suffix.lower() in _CONFIG_SUFFIXES:
                    stem = file.stem
                    under = None if stem in ("config", "hugo") else stem
                    conf._merge(file, _load_config(file, ctx), under)
        languages = conf.data.get("languages")
        conf.languages = languages if isinstance(languages, dict) else {}
        return conf

    def rel(self, file: Path) -> str:
        return f"{file.parent.parent.name}/{file.parent.name}/{file.name}" \
            if file.parent.name == "_default" else file.name

    def _merge(self, file: Path, data: Any, under: str | None) -> None:
        if not isinstance(data, dict):
            return
        if under is None:
            for key, value in data.items():
                self.data[str(key)] = value
                self.files[str(key)] = self.rel(file)
        else:
            self.data[under] = data
            self.files[under] = self.rel(file)

    def params(self) -> dict[str, Any]:
        params = self.data.get("params")
        return params if isinstance(params, dict) else {}


def _load_config(path: Path, ctx: ReadContext) -> Any:
    if path.suffix.lower() == ".toml":
        text = ctx.read_text(path)
        if text is None:
            return None
        data, problem = load_toml(text)
        if problem is not None:
            from ...diagnostics import INVALID_TOML

            ctx.report(INVALID_TOML, problem[0], path, problem[1])
        return data
    return ctx.load_yaml_file(path)


def _content_root(root: Path, config: _SiteConfig, ctx: ReadContext) -> Path:
    """The default language's content folder; the other languages are reported."""
    content = root / str(config.data.get("contentDir") or "content")
    languages = config.languages
    if len(languages) < 2 and not _language_folders(content, languages):
        return content
    default = str(config.data.get("defaultContentLanguage") or next(iter(languages), "en"))
    chosen = content
    spec = languages.get(default)
    if isinstance(spec, dict) and spec.get("contentDir"):
        chosen = root / str(spec["contentDir"])
    elif (content / default).is_dir():
        chosen = content / default
    for lang, lang_spec in languages.items():
        if lang == default:
            continue
        folder = root / str(lang_spec["contentDir"]) if isinstance(lang_spec, dict) \
            and lang_spec.get("contentDir") else content / str(lang)
        count = sum(1 for _ in folder.rglob("*.md")) if folder.is_dir() else 0
        ctx.report(OTHER_LANGUAGE, f"language {lang!r}: {count} content files in "
                   f"{ctx.rel(folder) if folder.exists() else folder.name} not read; the "
                   f"default language {default!r} was read", config.files.get("languages"))
    return chosen


def _language_folders(content: Path, languages: dict[str, Any]) -> list[str]:
    return [lang for lang in languages if (content / str(lang)).is_dir()]


def _module_marker(root: Path) -> str | None:
    """The first Hugo Blox / Wowchemy module or theme name the configuration mentions."""
    candidates = [root / "go.mod", *(root / name for name in ROOT_CONFIGS)]
    folder = root / CONFIG_FOLDER
    if folder.is_dir():
        candidates += sorted(folder.iterdir())
    for file in candidates:
        if not file.is_file():
            continue
        text = peek_text(file, 64 * 1024)
        for line in text.splitlines():
            if "github.com/" in line or re.match(r"\s*theme\s*[:=]", line):
                for marker in MODULE_MARKERS:
                    if marker in line:
                        return line.strip()[:80]
    return None


def _is_bundle_page(path: Path) -> bool:
    head = peek_text(path, 32 * 1024)
    return head.startswith(("---", "+++")) and _PUB_TYPES.search(head) is not None


# --- people ---------------------------------------------------------------------------------

class _People:
    """Profiles by id, the owner's id, and where each was read."""

    def __init__(self) -> None:
        self.profiles: dict[str, dict[str, Any]] = {}
        self.files: dict[str, Path] = {}
        self.bodies: dict[str, str] = {}
        self.owner: str | None = None

    @classmethod
    def read(cls, root: Path, content: Path, ctx: ReadContext) -> _People:
        people = cls()
        folders = [root / f for f in AUTHOR_FOLDERS]
        if content != root / "content":
            folders.append(content / "authors")
        for folder in folders:
            if not folder.is_dir():
                continue
            for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
                file = sub / "_index.md" if (sub / "_index.md").is_file() else sub / "index.md"
                if not file.is_file():
                    continue
                parsed = _parse(file, ctx)
                if parsed is None:
                    continue
                meta = dict(parsed.meta)
                avatar = next((p for p in sorted(sub.iterdir()) if p.stem == "avatar"
                               and p.is_file()), None)
                if avatar is not None:
                    meta["_avatar"] = "/" + ctx.rel(avatar)
                people.add(sub.name, meta, file, parsed.body)
        data = root / AUTHOR_DATA
        if data.is_dir():
            for file in sorted(data.iterdir()):
                if file.is_file() and file.suffix.lower() in _CONFIG_SUFFIXES:
                    loaded = _load_config(file, ctx)
                    if isinstance(loaded, dict):
                        slug = str(loaded.get("slug") or file.stem)
                        people.add(slug, loaded, file, "")
        if people.owner is None:
            people.owner = next((i for i in OWNER_IDS if i in people.profiles), None)
        return people

    def add(self, slug: str, meta: dict[str, Any], file: Path, body: str) -> None:
        self.profiles[slug] = meta
        self.files[slug] = file
        self.bodies[slug] = body
        if meta.get("is_owner") is True or (meta.get("superuser") is True
                                             and self.owner is None):
            self.owner = slug

    def name(self, slug: str) -> str | None:
        meta = self.profiles.get(slug)
        if meta is None:
            return None
        name = meta.get("name")
        if isinstance(name, dict):
            display = text_or_none(name.get("display"))
            if display:
                return display
            parts = [text_or_none(name.get("given")), text_or_none(name.get("family"))]
            return " ".join(p for p in parts if p) or None
        return text_or_none(name) or text_or_none(meta.get("title"))


def _site(config: _SiteConfig, people: _People, root: Path, ctx: ReadContext) -> Site:
    data = config.data
    params = config.params()
    identity = _map(_map(params.get("hugoblox")).get("identity"))
    site = Site()
    site.title = text_or_none(data.get("title")) or text_or_none(identity.get("name"))
    site.description = text_or_none(identity.get("description")) or \
        text_or_none(params.get("description"))
    base = text_or_none(data.get("baseURL") or data.get("baseurl"))
    if base and "example.com" not in base:
        site.url = base.rstrip("/")
    owner = people.owner
    if owner is not None:
        profile = people.profiles[owner]
        file = people.files[owner]
        site.origin = ctx.origin(file, 1)
        site.name = people.name(owner)
        site.role = text_or_none(profile.get("role"))
        site.affiliation = _affiliation(profile)
        bio = text_or_none(profile.get("bio")) or people.bodies.get(owner, "").strip() or None
        site.extra["bio"] = bio
        if bio and not site.description:
            site.description = text_or_none(profile.get("bio"))
        site.email = text_or_none(profile.get("email"))
        site.avatar = _avatar(profile, owner, root)
        for link in _profile_links(profile):
            url = text_or_none(link.get("url") or link.get("link"))
            icon = str(link.get("icon") or "").strip()
            service = SOCIAL_ICONS.get(icon) or SOCIAL_ICONS.get(icon.rsplit("/", 1)[-1]) \
                or (text_or_none(link.get("label")) if icon == "hero/link" else None)
            if not url:
                continue
            if service == "email" or url.startswith("mailto:"):
                site.email = site.email or url.removeprefix("mailto:")
                continue
            if service is None:
                site.extra.setdefault("hugoblox_links", []).append(link)
                continue
            social = normalize_social(service, url)
            site.socials[social.service] = social.url or url
        kept = {k: v for k, v in profile.items()
                if k not in ("name", "title", "role", "bio", "email", "social", "links",
                             "organizations", "affiliations", "_avatar", "slug", "schema",
                             "is_owner", "superuser")}
        if kept:
            site.extra["hugoblox_profile"] = kept
    if not site.name:
        site.name = text_or_none(identity.get("name"))
    menus = data.get("menus") or data.get("menu")
    main = menus.get("main") if isinstance(menus, dict) else None
    for entry in main if isinstance(main, list) else []:
        if isinstance(entry, dict) and entry.get("name"):
            site.navigation.append({"title": str(entry["name"]),
                                    "url": str(entry.get("url") or "")})
    rest = {k: v for k, v in data.items() if k not in ("title", "baseURL", "baseurl", "menus",
                                                        "menu", "languages", "module")}
    if rest:
        site.extra["hugoblox_config"] = rest
    for key in ("module",):
        if key in data:
            ctx.report(SETTING_DROPPED, f"Hugo setting {key!r} (theme modules) is not carried; "
                       "the target's own applies", config.files.get(key))
    return site


def _profile_links(profile: dict[str, Any]) -> list[dict[str, Any]]:
    both = [*_list(profile.get("links")), *_list(profile.get("social"))]
    return [x for x in both if isinstance(x, dict)]


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _affiliation(profile: dict[str, Any]) -> str | None:
    for key in ("affiliations", "organizations"):
        orgs = profile.get(key)
        if isinstance(orgs, list) and orgs:
            first = orgs[0]
            return text_or_none(first.get("name")) if isinstance(first, dict) \
                else text_or_none(first)
    return None


def _avatar(profile: dict[str, Any], owner: str, root: Path) -> str | None:
    if profile.get("_avatar"):
        return str(profile["_avatar"])
    from .codec import AVATAR_FOLDER

    folder = root / AVATAR_FOLDER
    if folder.is_dir():
        for file in sorted(folder.iterdir()):
            if file.stem == owner and file.is_file():
                return f"/{AVATAR_FOLDER}/{file.name}"
    return None


# --- content --------------------------------------------------------------------------------

def _parse(file: Path, ctx: ReadContext) -> Parsed | None:
    text = ctx.read_text(file)
    if text is None:
        return None
    parsed = parse_content(text)
    if parsed.error is not None:
        message, line, code = parsed.error
        ctx.report(code, message, file, line)
    for key, line in parsed.duplicate_keys:
        ctx.report(DUPLICATE_KEY, f"key {key!r} appears twice; the last value wins", file, line)
    return parsed


class _State:
    """One site's reading: the model, the people, and the projects each publication names."""

    def __init__(self, root: Path, ctx: ReadContext, model: Model, people: _People) -> None:
        self.root = root
        self.ctx = ctx
        self.model = model
        self.people_data = people
        self.pub_projects: dict[str, list[str]] = {}
        self.project_slugs: dict[str, Project] = {}

    # sections

    def section(self, role: str, name: str, folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            if entry.is_dir():
                page = entry / "index.md"
                if page.is_file():
                    self.record(role, name, page, entry.name)
                elif (entry / "_index.md").is_file():
                    self.section(role, name, entry)  # a sub-section: its pages too
            elif entry.suffix.lower() in _CONTENT_SUFFIXES and entry.name != "_index.md":
                self.record(role, name, entry, entry.stem)
        index = folder / "_index.md"
        if index.is_file() and role != "items":
            self.listing_page(index, role, name)

    def record(self, role: str, section: str, page: Path, slug: str) -> None:
        if role == "publications":
            self.publication(page, slug)
        elif role == "projects":
            self.project(page, slug)
        else:
            collection = {"talks": "talks", "posts": "posts"}.get(role, section)
            self.item(page, slug, collection, section)

    def publication(self, page: Path, slug: str) -> None:
        ctx = self.ctx
        ctx.saw("publication", page, 1)
        parsed = _parse(page, ctx)
        if parsed is None:
            return
        meta = dict(parsed.meta)
        origin = ctx.origin(page, 1)
        bib = self._cite_bib(page.parent) if page.name == "index.md" else None
        title = text_or_none(meta.pop("title", None))
        if title is None and bib is not None:
            title = bib.title
        if title is None:
            title = slug
            ctx.report(MISSING_TITLE, f"publication {slug!r} has no title; its folder name is "
                       "used", page, 1)
        pub = Publication(id=str(meta.pop(RECORD_ID, None) or slug), title=title, origin=origin)
        self._authors(pub, meta.pop("authors", None), meta.pop(SELF, None))
        _kept_names(pub, meta.pop(NAMES, None))
        _author_notes(pub, meta)
        raw_date = meta.pop(PARTIAL_DATE, None) or meta.pop("date", None)
        meta.pop("date", None)
        pub.award = _raw_text(meta.pop("award", None))
        pub.citation = _raw_text(meta.pop("citation", None))
        more_ids = meta.pop(IDENTIFIERS, None)
        if isinstance(more_ids, dict):
            pub.identifiers.update({str(k): str(v) for k, v in more_ids.items()})
        pub.date = normalize_date(raw_date)
        pub.year = year_of(pub.date)
        types = meta.pop("publication_types", None)
        pub.kind, written = kind_of(types)
        pub.kind = text_or_none(meta.pop(KIND, None)) or pub.kind
        if written is not None and pub.kind is None:
            pub.extra["publication_types"] = types
        venue = text_or_none(meta.pop("publication", None))
        if venue:
            match = _EMPHASIS.match(venue)
            pub.venue = match.group(1).strip() if match else venue
            if pub.venue != venue:
                pub.extra["publication"] = venue
        pub.abstract = text_or_none(meta.pop("abstract", None))
        pub.selected = meta.pop("featured", False) is True
        self._identifiers(pub, meta)
        self._links(pub, meta, page.parent)
        self._image(pub, meta.pop("image", None), page.parent, meta.pop(REMOTE_IMAGE, None))
        projects = meta.pop("projects", None)
        if isinstance(projects, list) and projects:
            self.pub_projects[pub.id] = [str(p) for p in projects]
            pub.extra["projects"] = [str(p) for p in projects]
        body = self._body(parsed, page, pub.extra)
        if body:
            pub.extra["content"] = body
        if page.name == "index.md":
            self._bundle_files(pub.extra, page.parent, pub.image)
        _unfold(meta)
        for key, value in meta.items():
            pub.extra[key] = value
        if bib is not None:
            _fill_from_bib(pub, bib)
        self.model.publications.append(pub)

    def _cite_bib(self, folder: Path) -> Publication | None:
        file = folder / "cite.bib"
        if not file.is_file():
            return None
        text = self.ctx.read_text(file)
        if text is None:
            return None
        entries = parse_bibtex(text, self.ctx.rel(file), self.ctx.diagnostics)
        if not entries:
            return None
        if len(entries) > 1:
            self.ctx.report(AMBIGUOUS_CONTENT, f"cite.bib holds {len(entries)} entries; the "
                            "first fills the publication, the others are not read", file,
                            entries[1].line)
        return entry_to_publication(entries[0], self.ctx.origin(file, entries[0].line))

    def _authors(self, pub: Publication, value: Any, self_marks: Any) -> None:
        items = value if isinstance(value, list) else ([value] if value else [])
        marks = {int(i) for i in self_marks} if isinstance(self_marks, list) else set()
        for index, item in enumerate(items):
            text = text_or_none(item if not isinstance(item, dict) else item.get("name"))
            if text is None:
                continue
            name = self.people_data.name(text)
            display = name or text
            author = parse_name(display)
            if name is not None:
                author.id = text
            author.is_self = (name is not None and text == self.people_data.owner) \
                or index in marks or (self.people_data.owner is None and text in OWNER_IDS)
            if name is None and text in OWNER_IDS and self.model.site.name:
                display = self.model.site.name
                author = parse_name(display)
                author.is_self = True
            pub.authors.append(display)
            pub.author_names.append(author)

    def _identifiers(self, pub: Publication, meta: dict[str, Any]) -> None:
        doi = text_or_none(meta.pop("doi", None))
        ids = meta.pop("hugoblox", None)
        found = ids.get("ids") if isinstance(ids, dict) else None
        if isinstance(found, dict):
            for key in ID_KEYS:
                value = text_or_none(found.get(key))
                if value:
                    pub.identifiers[key] = value
            rest = {k: v for k, v in ids.items() if k != "ids"}
            if rest:
                pub.extra["hugoblox"] = rest
        elif ids is not None:
            pub.extra["hugoblox"] = ids
        if doi:
            pub.identifiers.setdefault("doi", doi)

    def _links(self, record: Publication | Project, meta: dict[str, Any], folder: Path) -> None:
        for key, label in URL_FIELDS.items():
            url = text_or_none(meta.pop(key, None))
            if url:
                _add_link(record.links, label, self._local(url, folder))
        links = meta.pop("links", None)
        kept: list[Any] = []
        for link in links if isinstance(links, list) else []:
            if not isinstance(link, dict):
                kept.append(link)
                continue
            url = text_or_none(link.get("url"))
            if not url:
                continue
            kind = text_or_none(link.get("type"))
            kind = None if kind == "custom" else kind
            name = text_or_none(link.get("name") or link.get("label"))
            label = _LABEL_OF_TYPE.get(kind or "") or kind \
                or re.sub(r"\W+", "_", (name or "link").lower()).strip("_") or "link"
            _add_link(record.links, label, self._local(url, folder))
        if kept:
            record.extra["links"] = kept
        external = text_or_none(meta.pop("external_link", None))
        if external:
            _add_link(record.links, "website", external)

    def _local(self, url: str, folder: Path) -> str:
        """A relative link of a bundle: the file beside ``index.md`` (from the root), else
        the link as written."""
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", url, re.I):
            return url
        beside = folder / url
        if beside.is_file() and self.ctx.inside_root(beside):
            return "/" + self.ctx.rel(beside)
        return url

    def _image(self, record: Publication | Project, image: Any, folder: Path,
               remote: Any = None) -> None:
        if isinstance(remote, str) and remote:
            record.image = remote
        if isinstance(image, dict):
            kept = {k: v for k, v in image.items() if v not in ("", None, False)}
            filename = text_or_none(image.get("filename"))
            if filename and re.match(r"^https?://", filename):
                record.image = filename
            if kept:
                record.extra["image"] = kept
        elif isinstance(image, str) and image:
            record.image = self._local(image, folder)
        if record.image is None and (folder / "index.md").is_file():
            featured = next((p for p in sorted(folder.iterdir()) if p.is_file()
                             and p.stem.lower() in ("featured", "cover")
                             and p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp",
                                                      ".gif", ".svg")), None)
            if featured is not None:
                record.image = "/" + self.ctx.rel(featured)

    def _bundle_files(self, extra: dict[str, Any], folder: Path, image: str | None) -> None:
        files = [self.ctx.rel(p) for p in sorted(folder.iterdir()) if p.is_file()
                 and p.name not in ("index.md", "cite.bib") and not p.name.startswith(".")
                 and "/" + self.ctx.rel(p) != image]
        if files:
            extra[BUNDLE_FILES] = files

    def _body(self, parsed: Parsed, page: Path, extra: dict[str, Any]) -> str:
        """The body with Hugo shortcodes converted or removed (kept in ``extra``)."""
        text = parsed.body
        if "{{" not in text:
            return text.strip("\n")
        removed: list[str] = []

        def replace(match: re.Match[str]) -> str:
            name, args = match.group(3), match.group(4)
            line = parsed.body_line + text.count("\n", 0, match.start())
            attrs = {m.group(1): m.group(2) or m.group(3) or m.group(4)
                     for m in _ATTR.finditer(args)}
            if match.group(2) == "" and name == "figure" and attrs.get("src"):
                alt = attrs.get("caption") or attrs.get("alt") or ""
                src = self._local(attrs["src"], page.parent)
                self.ctx.report(HUGO_SHORTCODE, f"body line {line}: shortcode {name} "
                                "converted to a Markdown image", page, line)
                return f"![{alt}]({src})"
            removed.append(match.group(0))
            self.ctx.report(HUGO_SHORTCODE, f"body line {line}: shortcode {name} has no "
                            "equivalent outside Hugo; removed (kept aside)", page, line)
            return ""

        out = _SHORTCODE.sub(replace, text)
        if removed:
            extra["hugo_shortcodes"] = removed
        return out.strip("\n")

    def project(self, page: Path, slug: str) -> None:
        ctx = self.ctx
        ctx.saw("project", page, 1)
        parsed = _parse(page, ctx)
        if parsed is None:
            return
        meta = dict(parsed.meta)
        title = text_or_none(meta.pop("title", None))
        if title is None:
            title = slug
            ctx.report(MISSING_TITLE, f"project {slug!r} has no title; its folder name is "
                       "used", page, 1)
        project = Project(id=str(meta.pop(RECORD_ID, None) or slug), title=title,
                          origin=ctx.origin(page, 1))
        self.project_slugs[slug] = project
        project.description = text_or_none(meta.pop("summary", None))
        project.date = normalize_date(meta.pop("date", None))
        order = meta.pop("weight", None)
        project.order = order if isinstance(order, int) else None
        self._links(project, meta, page.parent)
        self._image(project, meta.pop("image", None), page.parent,
                    meta.pop(REMOTE_IMAGE, None))
        body = self._body(parsed, page, project.extra)
        project.body = body or None
        if page.name == "index.md":
            self._bundle_files(project.extra, page.parent, project.image)
        category = text_or_none(meta.pop("category", None))
        project.category = category
        _unfold(meta)
        project.extra.update(meta)
        self.model.projects.append(project)

    def item(self, page: Path, slug: str, collection: str, section: str) -> None:
        ctx = self.ctx
        ctx.saw("item", page, 1)
        parsed = _parse(page, ctx)
        if parsed is None:
            return
        meta = dict(parsed.meta)
        collection = str(meta.pop(COLLECTION, None) or collection)
        item = Item(collection=collection, id=slug, origin=ctx.origin(page, 1))
        item.title = text_or_none(meta.pop("title", None))
        item.date = normalize_date(meta.pop("date", None))
        item.body = self._body(parsed, page, item.extra)
        _unfold(meta)
        for key, value in meta.items():
            if key in URL_FIELDS and isinstance(value, str) and value:
                value = self._local(value, page.parent)
            item.extra[key] = value
        if page.name == "index.md":
            self._bundle_files(item.extra, page.parent, None)
        self.model.items.append(item)

    def page(self, file: Path, slug: str) -> None:
        ctx = self.ctx
        parsed = _parse(file, ctx)
        if parsed is None:
            return
        meta = dict(parsed.meta)
        themes = meta.pop(THEMES, None)
        if isinstance(themes, list):  # the page the writer made of the research themes
            self.model.themes.extend(_themes(themes))
            return
        ctx.saw("page", file, 1)
        page = Page(id=slug, origin=ctx.origin(file, 1))
        page.title = text_or_none(meta.pop("title", None))
        url = text_or_none(meta.pop("url", None))
        page.permalink = url if url else f"/{slug}/"
        page.role = text_or_none(meta.pop(ROLE, None))
        nav = meta.pop(NAV, None)
        page.nav = nav is not None and nav is not False
        page.nav_order = nav if isinstance(nav, int) and not isinstance(nav, bool) else None
        page.body = self._body(parsed, file, page.extra)
        sections = meta.get("sections")
        if isinstance(sections, list) and not page.body:
            page.body = _markdown_blocks(sections)
        _unfold(meta)
        page.extra.update(meta)
        self.model.pages.append(page)

    def home(self, file: Path) -> None:
        ctx = self.ctx
        ctx.saw("page", file, 1)
        parsed = _parse(file, ctx)
        if parsed is None:
            return
        meta = dict(parsed.meta)
        page = Page(id="home", title=text_or_none(meta.pop("title", None)), permalink="/",
                    role="about", origin=ctx.origin(file, 1))
        body = self._body(parsed, file, page.extra)
        sections = meta.get("sections")
        blocks = _markdown_blocks(sections, page) if isinstance(sections, list) else ""
        page.body = "\n\n".join(t for t in (blocks, body) if t)
        _unfold(meta)
        page.extra.update(meta)
        self.model.pages.append(page)

    def listing_page(self, index: Path, role: str, section: str) -> None:
        """A section's ``_index.md``: its title, intro text and settings are kept in site
        extra (a Hugo Blox target writes them back); every other target lists the section
        on its own listing page, so its intro text is reported."""
        parsed = _parse(index, self.ctx)
        if parsed is None:
            return
        meta = dict(parsed.meta)
        _unfold(meta)
        text = self._body(parsed, index, meta)
        if text.strip():
            meta["text"] = text
            self.ctx.report(PAGE_TEXT_REPLACED, f"the intro of the {section} section is kept "
                            "for a Hugo Blox target; other targets show their own "
                            f"{role} listing without it", index, parsed.body_line)
        self.model.site.extra.setdefault(SECTION_PAGES, {})[role] = meta

    def home_widgets(self, folder: Path) -> None:
        """Wowchemy's ``content/home/*.md`` widgets: their text is kept in site extra."""
        for file in sorted(folder.glob("*.md")):
            parsed = _parse(file, self.ctx)
            if parsed is None or file.name == "index.md":
                continue
            widget = {"file": self.ctx.rel(file), **parsed.meta}
            if parsed.body.strip():
                widget["text"] = parsed.body.strip()
            self.model.site.extra.setdefault("hugoblox_widgets", []).append(widget)
            self.ctx.report(SETTING_DROPPED, f"home page widget {file.stem!r} is a Hugo "
                            "Academic block; kept aside (the target's home page shows the "
                            "profile and listings)", file, 1)

    def people(self) -> None:
        """Every profile but the owner's is a person of the site (a lab's members)."""
        people = self.people_data
        for slug, meta in people.profiles.items():
            if slug == people.owner:
                continue
            file = people.files[slug]
            self.ctx.saw("item", file, 1)
            item = Item(collection="people", id=slug, title=people.name(slug),
                        body=people.bodies.get(slug, "").strip("\n"),
                        origin=self.ctx.origin(file, 1))
            item.extra.update({k: v for k, v in meta.items()
                               if k not in ("title", "name", "_avatar")})
            if meta.get("_avatar"):
                item.extra["avatar"] = meta["_avatar"]
            self.model.items.append(item)

    def link_projects(self) -> None:
        projects = {**{p.id: p for p in self.model.projects}, **self.project_slugs}
        for pub_id, names in self.pub_projects.items():
            for name in names:
                project = projects.get(name)
                if project is not None and pub_id not in project.publication_ids:
                    project.publication_ids.append(pub_id)


_MARK = re.compile(r"^[^\w\s]{1,2}$")


def _author_notes(pub: Publication, meta: dict[str, Any]) -> None:
    """``author_notes`` made of marks (``*``, ``†``) are the authors' marks; other notes
    (sentences the starter shows beside a name) stay in ``extra``."""
    notes = meta.get("author_notes")
    if not isinstance(notes, list) or len(notes) != len(pub.author_names):
        return
    tokens = [str(n or "").split() for n in notes]
    if all(_MARK.match(t) for parts in tokens for t in parts):
        meta.pop("author_notes")
        for name, parts in zip(pub.author_names, tokens, strict=True):
            name.marks.extend(m for m in parts if m not in name.marks)


def _raw_text(value: Any) -> str | None:
    """Text as written (spaces kept), ``None`` when there is none."""
    return value if isinstance(value, str) and value.strip() else None


def _kept_names(pub: Publication, kept: Any) -> None:
    if not isinstance(kept, dict):
        return
    for index, parts in kept.items():
        position = int(index) if str(index).isdigit() else -1
        if 0 <= position < len(pub.author_names) and isinstance(parts, dict):
            name = pub.author_names[position]
            name.family = str(parts.get("family") or name.family)
            name.given = text_or_none(parts.get("given"))
            name.suffix = text_or_none(parts.get("suffix"))


def _unfold(meta: dict[str, Any]) -> None:
    """Values another source had under keys Hugo interprets, back under their own keys."""
    kept = meta.pop(FRONT, None)
    if isinstance(kept, dict):
        for key, value in kept.items():
            meta.setdefault(str(key), value)
        meta[FOLDED] = [str(k) for k in kept]


def _themes(data: list[Any]) -> list[Theme]:
    out: list[Theme] = []
    for entry in data:
        if not isinstance(entry, dict) or not entry.get("title"):
            continue
        out.append(Theme(id=str(entry.get("id") or entry["title"]), title=str(entry["title"]),
                         summary=text_or_none(entry.get("summary")),
                         body=text_or_none(entry.get("body")),
                         project_ids=[str(x) for x in entry.get("project_ids") or []],
                         publication_ids=[str(x) for x in entry.get("publication_ids") or []],
                         subthemes=_themes(entry.get("subthemes") or [])))
    return out


def _markdown_blocks(sections: list[Any], home: Page | None = None) -> str:
    """The text of a landing page's Markdown blocks, in order; the first block's title is
    the title of a home page that has none."""
    texts: list[str] = []
    for block in sections:
        if not isinstance(block, dict):
            continue
        content = block.get("content")
        if block.get("block") == "markdown" and isinstance(content, dict):
            title = text_or_none(content.get("title"))
            text = text_or_none(content.get("text"))
            if title and home is not None and home.title is None and not texts:
                home.title = title
            elif title:
                texts.append(f"## {title}")
            if text:
                texts.append(text)
    return "\n\n".join(texts)


def _add_link(links: dict[str, str], label: str, url: str, *, once: bool = False) -> None:
    if once and url in links.values():
        return
    key, n = label, 2
    while key in links:
        key, n = f"{label}_{n}", n + 1
    links[key] = url


def _fill_from_bib(pub: Publication, bib: Publication) -> None:
    """What ``cite.bib`` knows and the front matter does not say (never overriding it)."""
    if not pub.authors and bib.authors:
        pub.authors = list(bib.authors)
        pub.author_names = [AuthorName(n.family, n.given, n.suffix, list(n.marks), n.is_self,
                                       n.others, n.id) for n in bib.author_names]
    if pub.year is None and bib.year is not None:
        pub.year, pub.date = bib.year, pub.date or bib.date
    if not pub.venue and bib.venue:
        pub.venue = bib.venue
    if not pub.abstract and bib.abstract:
        pub.abstract = bib.abstract
    for key, value in bib.identifiers.items():
        pub.identifiers.setdefault(key, value)
    for label, url in bib.links.items():
        if label not in pub.identifiers:  # a DOI or arXiv link comes from the identifier
            _add_link(pub.links, label, url, once=True)
    for key, value in bib.extra.items():
        if key in BIB_FIELDS and key not in pub.extra:
            pub.extra[key] = value


READER = HugobloxReader()
