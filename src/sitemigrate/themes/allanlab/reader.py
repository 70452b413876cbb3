"""Reader for the Allan lab template: ``_data/publist.yml``, team/news data, textlay pages.

Publications come from the publist data files (flat, nested or split by kind), research
themes from ``_pages/research.md`` (``##`` headings or bold run-in paragraphs, each with an
optional ``[n] Title. Year`` list of works), projects from ``_data/projects.yml``,
``_pages/projects/`` and the headings of ``_pages/projects.md``.  Everything without a
model field is kept in ``extra``; data files the model has no place for are kept whole in
``site.extra["allanlab_data"]`` so the writer can put them back.  Page roles research,
publications and projects come from the file name, or from the permalink when no file has
that name (USC-NSL ``pubs.md``); only the research page yields themes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ...common.reader import Detection, ReadContext, Reader, config_path, peek_text
from ...common.urls import url_key
from ...diagnostics import (
    AMBIGUOUS_CONTENT,
    BAD_DATE,
    INVALID_YAML,
    MISSING_TITLE,
    NO_FRONT_MATTER,
    RECORD_DROPPED,
    UNRESOLVED_REFERENCE,
)
from ...model import PUBLICATION_KINDS, Item, Model, Page, Project, Publication, Site, Source, Theme
from ...parsing.text import regular_opener
from ...parsing.yamlio import YamlError, item_lines, load_yaml
from ...paths import slugify
from ...transforms.authors import people_index, read_authors
from ...transforms.fields import (
    as_int,
    date_key,
    normalize_date,
    plain_text,
    split_authors,
    text_or_none,
    year_month,
    year_of,
)
from ...transforms.venues import is_link_label
from .codec import (
    GENERATED_PAGES,
    HEADER_LINKS,
    KIND_FLAGS,
    PAGE_LAYOUTS,
    PUBLIST_KEYS,
    PUBPIC,
    venue_from_conf,
)

#: keys an author list is read from, first found wins (``authors_list`` of strings first)
AUTHOR_KEYS = ("authors_list", "authors", "author", "author_list")

PEOPLE_FILES = re.compile(r"^(team_members.*|students.*|alumni.*|team|investigadores)$")
LINKS_BLOCK = re.compile(r"\n*<!-- links -->.*?<!-- /links -->\n*", re.S)


@dataclass(slots=True)
class _State:
    """What the site read has found so far, shared by the steps below."""

    model: Model
    link_folders: dict[str, str] = field(default_factory=dict)  #: link label -> folder
    project_by_url: dict[str, Project] = field(default_factory=dict)
    consumed_pages: set[Path] = field(default_factory=set)
    #: team and alumni members by key, link and name slug (authors reference them)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)


class AllanlabReader(Reader):
    name = "allanlab"

    def detect(self, path: Path) -> Detection:
        found = Detection()
        if path.is_file():
            return _detect_page(path, found)
        data = path / "_data"
        if any(data.glob("publist*.y*ml")):
            found.add(0.5, "_data/publist*.yml")
        if (data / "team_members.yml").is_file() or (data / "team.yml").is_file():
            found.add(0.2, "team data file")
        pages = path / "_pages"
        if pages.is_dir():
            layouts = [p for p in sorted(pages.glob("*.md"))[:40] if _page_layout(p)
                       in PAGE_LAYOUTS]
            if layouts:
                found.add(0.3, f"{len(layouts)} page(s) with Allan layouts (textlay/gridlay…)")
        config = config_path(path)
        if config is not None and found.score > 0:
            text = peek_text(config)
            if re.search(r"^include:\s*\n(\s*-\s*.*\n)*\s*-\s*_pages", text, re.M):
                found.add(0.1, "_config.yml includes _pages")
        return found

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        if path.is_file():
            _read_single_page(path, ctx, model)
            return model
        state = _State(model)
        _read_config(path, ctx, model)
        state.link_folders = _link_folders(path / "_pages", ctx)
        _read_data(path / "_data", ctx, state)
        _read_bibliographies(path / "_bibliography", ctx, model)
        _read_project_pages(path, ctx, state)
        _read_pages(path, ctx, state)
        return model


def _detect_page(path: Path, found: Detection) -> Detection:
    if path.suffix.lower() not in (".md", ".markdown", ".html"):
        return found
    layout = _page_layout(path)
    if layout in PAGE_LAYOUTS:
        found.add(0.6, f"layout: {layout}")
        head = peek_text(path, 2000)
        if re.search(r"^sitemap:\s*false", head, re.M):
            found.add(0.1, "sitemap: false")
        if re.search(r"^excerpt:", head, re.M):
            found.add(0.1, "excerpt")
    return found


def _page_layout(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace", opener=regular_opener) as handle:
            head = handle.read(2000)
    except OSError:
        return None
    if not head.startswith("---"):
        return None
    match = re.search(r"^layout:\s*[\"']?([\w-]+)", head, re.M)
    return match.group(1) if match else None


# --- site -----------------------------------------------------------------------------------

def _read_config(root: Path, ctx: ReadContext, model: Model) -> None:
    path = config_path(root)
    if path is None:
        return
    data = ctx.load_yaml_file(path)
    if not isinstance(data, dict):
        return
    model.site = Site(
        title=text_or_none(data.get("title")), email=text_or_none(data.get("email")),
        description=text_or_none(data.get("description")), url=text_or_none(data.get("url")),
        baseurl=text_or_none(data.get("baseurl")), origin=ctx.origin(path, 1))
    rest = {k: v for k, v in data.items()
            if k not in ("title", "email", "description", "url", "baseurl")}
    if rest:
        model.site.extra["allanlab_config"] = rest


def _raw(value: Any) -> str | None:
    """Text kept exactly as written (writers put it back byte for byte)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


# --- _data ----------------------------------------------------------------------------------

def _read_data(folder: Path, ctx: ReadContext, state: _State) -> None:
    kept: dict[str, Any] = {}
    publists: list[tuple[Path, str, Any]] = []  # read last: authors may name members
    for path in ctx.walk(folder, (".yml", ".yaml", ".csv", ".tsv", ".json")):
        rel = path.relative_to(folder).as_posix()
        stem = path.stem
        if path.suffix.lower() not in (".yml", ".yaml"):
            text = ctx.read_text(path)
            if text is not None:
                kept[rel] = text
            continue
        if stem == "projects":
            _read_projects_data(path, ctx, state)
            continue
        text = ctx.read_text(path)
        if text is None:
            continue
        data = ctx.parse_yaml(path, text)
        if stem.startswith("publist") or (stem == "publications" and _nested_lists(data)):
            publists.append((path, text, data))
        elif PEOPLE_FILES.match(stem) and "/" not in rel:
            _read_people(path, text, data, ctx, state.model)
        elif stem == "news" and "/" not in rel:
            _read_news(path, text, data, ctx, state.model)
        elif data is not None:
            kept[rel] = data
    state.people = people_index(
        (None, item.extra) for item in state.model.items if item.collection == "people")
    for path, text, data in publists:
        _read_publist(path, text, data, ctx, state)
    if kept:
        state.model.site.extra["allanlab_data"] = kept


def _nested_lists(data: Any) -> bool:
    return isinstance(data, dict) and any(isinstance(v, list) for v in data.values())


def _groups(data: Any) -> list[tuple[str | None, list[Any]]]:
    """(group key or None, items): a flat list, or the lists under a map's keys (agucova)."""
    if isinstance(data, list):
        return [(None, data)]
    if isinstance(data, dict):
        return [(str(k), v) for k, v in data.items() if isinstance(v, list)]
    return []


def _item_lines(text: str) -> dict[tuple[str | None, int], int]:
    """1-based start line of each list item, keyed by (group key, index)."""
    return {(None if len(key) == 1 else str(key[0]), key[-1]): line
            for key, line in item_lines(text).items() if isinstance(key[-1], int)}


def _entries(data: Any, lines: dict[tuple[str | None, int], int], path: Path, ctx: ReadContext,
             kind: str, what: str, default_line: int | None = None,
             ) -> Iterator[tuple[str | None, int, dict[str, Any], int | None]]:
    """(group, index, entry, line) of each ``key: value`` entry of a data file's lists, each
    counted as a ``kind`` record; an entry that is not a map is reported as a loss."""
    for group, items in _groups(data):
        for index, item in enumerate(items):
            line = lines.get((group, index)) or default_line
            ctx.saw(kind, path, line)
            if isinstance(item, dict):
                yield group, index, item, line
            else:
                _not_a_map(ctx, what, item, path, line)


def _read_publist(path: Path, text: str, data: Any, ctx: ReadContext, state: _State) -> None:
    file_kind = {"publist_conf": "conference", "publist_journal": "journal"}.get(path.stem)
    for group, _index, item, line in _entries(data, _item_lines(text), path, ctx,
                                              "publication", "publication"):
        pub = _publication(item, path, line, ctx, state)
        if group is not None:
            pub.extra["group"] = group
        pub.kind = pub.kind or file_kind
        state.model.publications.append(pub)


def _not_a_map(ctx: ReadContext, what: str, value: Any, path: Path, line: int | None) -> None:
    """A list entry that is text (or a number…) where the template reads ``key: value``
    pairs: its loops show nothing for it, so nothing is migrated — said as a loss."""
    shown = str(value) if len(str(value)) <= 60 else str(value)[:57] + "…"
    ctx.report(RECORD_DROPPED, f"{what} entry {shown!r} is not a key: value map; the template "
               "shows nothing for it; not migrated", path, line,
               hint="write it as `- title: ...` with the other keys of its neighbours")


def _publication(item: dict[str, Any], path: Path, line: int | None, ctx: ReadContext,
                 state: _State) -> Publication:
    title = text_or_none(item.get("title"))
    if not title:
        title = f"Untitled ({path.stem} line {line})"
        ctx.report(MISSING_TITLE, "publication has no title", path, line)
    link = item.get("link")
    links, display, link_extra = _links(link, state.link_folders, path, line, ctx)
    if isinstance(item.get("extra_links"), dict):  # labels the link map cannot hold (url)
        links.update({str(k): str(v) for k, v in item["extra_links"].items() if v})
    venue = text_or_none(item.get("venue"))
    extra: dict[str, Any] = {}
    if "venue" not in item:
        venue = venue_from_conf(item.get("conf"))
        if venue is None and is_link_label(display):  # "Final Article" names the link
            extra["link_display"] = display
        else:
            venue = venue or display
    elif display:
        extra["link_display"] = display
    key = date_key(item)
    date_value = item.get(key) if key else None
    year = as_int(item.get("year")) if not isinstance(item.get("year"), dict) \
        else year_of(item["year"])
    if year is None and "year" not in item:
        year = year_of(venue) or year_of(date_value)
    pub = Publication(
        id=text_or_none(item.get("id")) or slugify(title), title=title, year=year, venue=venue,
        authors=[], abstract=text_or_none(item.get("description")), links=links,
        award=text_or_none(item.get("news1")), image=_image(item.get("image")),
        citation=item["citation"] if isinstance(item.get("citation"), str) else None,
        selected=_highlight(item.get("highlight"), path, line, ctx),
        date=normalize_date(date_value), origin=ctx.origin(path, line))
    if key == "date" and str(date_value) != pub.date:
        extra["date"] = date_value  # the written form, for the writer to keep
    if pub.date is None and year is not None and item.get("month") not in (None, ""):
        pub.date = year_month(year, item.get("month"))
    _authors(pub, item, state.people, path, line, ctx)
    pub.kind = _kind(item)
    identifiers = item.get("identifiers")
    if isinstance(identifiers, dict):
        pub.identifiers = {str(k): str(v) for k, v in identifiers.items()}
    extra.update(link_extra)
    extra.update({k: v for k, v in item.items() if k not in PUBLIST_KEYS})
    if "news" in item:
        ctx.report(
            AMBIGUOUS_CONTENT, "key 'news' (typo of news1/news2) renders nothing", path, line
        )
    pub.extra = extra
    return pub


def _authors(pub: Publication, item: dict[str, Any], people: dict[str, dict[str, Any]],
             path: Path, line: int | None, ctx: ReadContext) -> None:
    """``authors_list`` as written, else ``authors``/``author``/``author_list`` in any shape
    (a string, names, maps with marks, member keys or links)."""
    exact = item.get("authors_list")
    if isinstance(exact, list) and all(isinstance(a, str) for a in exact):
        pub.authors = [str(a) for a in exact]
        return
    value = next((item[k] for k in AUTHOR_KEYS if item.get(k) not in (None, "")), None)
    found = read_authors(value, people)
    pub.authors, pub.author_names = found.authors, found.names
    if found.links:
        pub.extra["author_links"] = found.links
    for ref in found.unresolved:
        ctx.report(
            UNRESOLVED_REFERENCE,
            f"author {ref!r} names no member of the team or alumni data; kept as written",
            path,
            line,
        )


def _kind(item: dict[str, Any]) -> str | None:
    kind = text_or_none(item.get("kind"))
    if kind in PUBLICATION_KINDS:
        return kind
    for flag in KIND_FLAGS:
        if as_int(item.get(flag)) == 1:
            return flag
    return None


def _highlight(value: Any, path: Path, line: int | None, ctx: ReadContext) -> bool:
    if isinstance(value, str) and value.strip() == "1":
        ctx.report(AMBIGUOUS_CONTENT, "highlight: '1' is a string; the template's `highlight == 1` "
                   "test fails, so it is not shown as a highlight", path, line)
        return True
    return as_int(value) == 1


def _image(value: Any) -> str | None:
    text = text_or_none(value)
    if text is None or "://" in text or text.startswith("/"):
        return text
    return PUBPIC + text


def _links(link: Any, folders: dict[str, str], path: Path, line: int | None,
           ctx: ReadContext) -> tuple[dict[str, str], str | None, dict[str, Any]]:
    """(links by label, display text, extra) from a publist ``link`` value."""
    if link is None:
        return {}, None, {}
    if not isinstance(link, dict):
        url = text_or_none(link)
        return ({_url_label(url, False): url} if url else {}), None, {}
    links: dict[str, str] = {}
    display = text_or_none(link.get("display"))
    for key, value in link.items():
        if key in ("url", "display"):
            continue
        url = text_or_none(value)
        if url is None:
            continue
        if not isinstance(value, str):
            ctx.report(AMBIGUOUS_CONTENT, f"link.{key} is not text; kept as {url!r}", path, line)
        folder = folders.get(str(key))
        if folder and "://" not in url and not url.startswith("/"):
            url = f"/{folder}/{url}"
        links[str(key)] = url
    url = text_or_none(link.get("url"))
    if url:
        links[_url_label(url, "pdf" in links)] = url
    return links, display, {}


def _url_label(url: str, has_pdf: bool) -> str:
    return "pdf" if url.lower().endswith(".pdf") and not has_pdf else "html"


def _link_folders(pages: Path, ctx: ReadContext) -> dict[str, str]:
    """Folders the publications page puts before ``{{ publi.link.X }}`` (gururaj: papers/)."""
    folders: dict[str, str] = {}
    pattern = re.compile(r"\}\}/([\w./-]+?)/\{\{\s*publi\.link\.(\w+)\s*\}\}")
    for path in ctx.walk(pages, (".md",)):
        if path.parent != pages:
            continue
        text = peek_text(path)
        for folder, label in pattern.findall(text):
            folders.setdefault(label, folder)
    return folders


def _read_people(path: Path, text: str, data: Any, ctx: ReadContext, model: Model) -> None:
    for group, index, person, line in _entries(data, _item_lines(text), path, ctx, "item",
                                               "person"):
        name = text_or_none(person.get("name")) or f"{path.stem}-{index + 1}"
        extra = dict(person)
        extra["data_file"] = path.stem
        if group is not None:
            extra["data_key"] = group
        model.items.append(Item(
            collection="people", id=slugify(name), title=name, extra=extra,
            origin=ctx.origin(path, line)))


def _read_news(path: Path, text: str, data: Any, ctx: ReadContext, model: Model) -> None:
    for group, _index, entry, line in _entries(data, _item_lines(text), path, ctx, "item",
                                               "news"):
        raw_date = text_or_none(entry.get("date"))
        date = parse_free_date(raw_date)
        if raw_date and date is None:
            ctx.report(BAD_DATE, f"news date {raw_date!r} not understood; kept as text",
                       path, line)
        extra = {k: v for k, v in entry.items() if k != "headline"}
        if group is not None:
            extra["data_key"] = group
        model.items.append(Item(
            collection="news", id=f"news-{len(model.items) + 1}", date=date,
            body=str(entry.get("headline") or ""), extra=extra,
            origin=ctx.origin(path, line)))


def parse_free_date(text: str | None) -> str | None:
    """ISO date from the free text of news.yml ("17. March 2022", "27/01/2021", "5.-9. March
    2018"); a range gives its first day, Spanish or unknown month names give ``None``."""
    if not text:
        return None
    cleaned = re.sub(r"\s+", " ", text.strip())
    if re.match(r"^\d{4}", cleaned):
        return normalize_date(cleaned)
    numeric = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", cleaned)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return _iso(year, month, day)
    month_match = re.search(r"\b([A-Za-z]{3,})\.?", cleaned)
    year_match = re.search(r"\b(\d{4})\b", cleaned)
    if not month_match or not year_match:
        return None
    month_number = _MONTHS.get(month_match.group(1)[:3].lower())
    if month_number is None:
        return None
    day_match = re.match(r"^(\d{1,2})\b", cleaned) or re.search(
        r"\b[A-Za-z]{3,}\.? (\d{1,2})\b", cleaned)
    day_number = int(day_match.group(1)) if day_match else None
    return _iso(int(year_match.group(1)), month_number, day_number)


_MONTHS = {name: i + 1 for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}


def _iso(year: int, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12:
        return None
    try:
        if day is not None:
            return datetime(year, month, day).strftime("%Y-%m-%d")
    except ValueError:
        pass
    return f"{year:04d}-{month:02d}"


def _read_projects_data(path: Path, ctx: ReadContext, state: _State) -> None:
    text = ctx.read_text(path)
    if text is None:
        return
    try:
        data = load_yaml(text).data
        chunks = [(text, 1)]
    except YamlError as exc:
        ctx.report(exc.code, f"{exc.message}; reading the other entries one by one", path,
                   exc.line)
        data, chunks = None, _list_chunks(text)
    if data is not None:
        _projects_from_items(data, _item_lines(text), path, ctx, state, 0)
        return
    for chunk, first_line in chunks:
        try:
            items = load_yaml(chunk).data
        except YamlError as exc:
            line = first_line + (exc.line or 1) - 1
            ctx.report(INVALID_YAML, f"project entry skipped: {exc.message}", path, line)
            continue
        _projects_from_items(items, {(None, 0): first_line}, path, ctx, state, first_line)


def _list_chunks(text: str) -> list[tuple[str, int]]:
    """The top-level ``- `` items of a YAML list as separate documents, with first lines."""
    chunks: list[tuple[str, int]] = []
    for index, line in enumerate(text.split("\n")):
        if line.startswith("- "):
            chunks.append((line + "\n", index + 1))
        elif chunks:
            chunks[-1] = (chunks[-1][0] + line + "\n", chunks[-1][1])
    return chunks


def _projects_from_items(data: Any, lines: dict[tuple[str | None, int], int], path: Path,
                         ctx: ReadContext, state: _State, first_line: int) -> None:
    for _group, _index, item, line in _entries(data, lines, path, ctx, "project", "project",
                                               first_line or None):
        title = plain_text(item.get("title") or item.get("name"))
        if not title:
            ctx.report(MISSING_TITLE, "project has no title", path, line)
            title = f"Project {len(state.model.projects) + 1}"
        links, display, _ = _links(item.get("link"), {}, path, line, ctx)
        extra = {k: v for k, v in item.items()
                 if k not in ("title", "name", "description", "image", "photo", "link")}
        if display:
            extra["link_display"] = display
        state.model.projects.append(Project(
            id=slugify(title), title=title, description=text_or_none(item.get("description")),
            image=text_or_none(item.get("image") or item.get("photo")), links=links,
            order=len(state.model.projects) + 1, extra=extra,
            origin=ctx.origin(path, line)))


def _read_bibliographies(folder: Path, ctx: ReadContext, model: Model) -> None:
    """jekyll-scholar files some Allan sites add (USC-NSL): every .bib below _bibliography."""
    from ...parsing.bibtex import read_bib_file

    for path in ctx.walk(folder, (".bib",)):
        for pub in read_bib_file(path, ctx):
            pub.extra["bib_file"] = ctx.rel(path)
            model.publications.append(pub)


# --- pages ----------------------------------------------------------------------------------

def _read_project_pages(root: Path, ctx: ReadContext, state: _State) -> None:
    """Pages under ``_pages/projects/`` and pages linked from ``_pages/projects.md``."""
    pages = root / "_pages"
    for path in ctx.walk(pages / "projects", (".md", ".markdown", ".html")):
        project = _project_from_page(path, ctx, title=None)
        if project is not None:
            state.consumed_pages.add(path)
            _add_project(state, project)
    listing = pages / "projects.md"
    if listing.is_file():
        _read_projects_listing(listing, pages, ctx, state)


def _add_project(state: _State, project: Project) -> None:
    state.model.projects.append(project)
    permalink = project.extra.get("permalink")
    if permalink:
        state.project_by_url[url_key(str(permalink))] = project


def _project_from_page(path: Path, ctx: ReadContext, title: str | None) -> Project | None:
    fm = ctx.front_matter(path)
    if fm is None:
        return None
    meta = dict(fm.meta)
    body, h1 = _strip_h1(fm.body)
    body = LINKS_BLOCK.sub("\n\n", body).strip("\n")
    title = title or h1 or plain_text(meta.get("title")).split(" - ")[-1] or path.stem
    links = meta.pop("links", None)
    links = {str(k): str(v) for k, v in links.items() if v} if isinstance(links, dict) else {}
    redirect = text_or_none(meta.get("redirect_to"))
    if redirect:
        links.setdefault("website", redirect)
    project = Project(
        id=path.stem, title=title, description=_raw(meta.pop("description", None)),
        body=body or None, image=text_or_none(meta.pop("image", None)), links=links,
        category=text_or_none(meta.pop("category", None)), origin=ctx.origin(path, 1))
    project.order = as_int(meta.pop("order", None))
    project.publication_ids = [str(p) for p in meta.pop("publications", None) or []]
    if "excerpt" in meta:  # Allan boilerplate ("Lab -- Page"), not a project summary
        meta["allanlab_excerpt"] = meta.pop("excerpt")
    project.extra = meta
    return project


def _strip_h1(body: str) -> tuple[str, str | None]:
    """The body without its leading ``# Title`` line, and that title (kramdown ``# X #``)."""
    text, title, _ = _split_h1(body)
    return text, title


def _split_h1(body: str) -> tuple[str, str | None, int]:
    """(body without the leading H1 and blank lines, the H1 text, lines removed)."""
    match = re.match(r"\s*#[ \t]+(.+?)[ \t#]*(?:\n|$)", body)
    title = match.group(1).strip() if match else None
    rest = body[match.end():] if match else body
    stripped = rest.lstrip("\n")
    removed = body.count("\n") - stripped.count("\n")
    return stripped.rstrip("\n"), title, removed


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_HEADING_LINK = re.compile(r"^(?P<before>[^\[]*)\[(?P<text>[^\]]+)\]\((?P<url>[^)]+)\)\s*$")


def _read_projects_listing(listing: Path, pages: Path, ctx: ReadContext,
                           state: _State) -> None:
    """``#### [Title](link)`` headings under ``### Category`` headings of projects.md."""
    fm = ctx.front_matter(listing)
    if fm is None:
        return
    by_url = _pages_by_permalink(pages, ctx)
    listed: list[Project] = []
    category: str | None = None
    in_comment = False
    for offset, line in enumerate(fm.body.split("\n")):
        in_comment = _comment_state(line, in_comment)
        match = None if in_comment else _HEADING.match(line)
        if not match or len(match.group(1)) < 3:
            continue
        text = match.group(2).strip()
        number = fm.body_line + offset
        if len(match.group(1)) == 3:
            category = text
            continue
        linked = _HEADING_LINK.match(text)
        title = text
        target: Path | None = None
        if linked:
            title = (linked.group("before") + linked.group("text")).strip()
            key = url_key(linked.group("url"))
            if key in state.project_by_url:
                found = state.project_by_url[key]
                found.title, found.category = title, found.category or category
                listed.append(found)
                continue
            target = by_url.get(key)
        project = _project_from_page(target, ctx, title) if target else None
        if project is None:
            project = Project(id=slugify(title), title=title, origin=ctx.origin(listing, number))
            if linked:
                project.links["website"] = linked.group("url")
        elif target is not None:  # the project was read from that page
            state.consumed_pages.add(target)
        project.category = project.category or category
        _add_project(state, project)
        listed.append(project)
    _order_as_listed(state.model, listed)


def _order_as_listed(model: Model, listed: list[Project]) -> None:
    """Projects in the order projects.md lists them, unlisted ones after in file order."""
    rank = {id(p): i for i, p in enumerate(listed)}
    position = {id(p): i for i, p in enumerate(model.projects)}
    model.projects.sort(key=lambda p: (rank.get(id(p), len(listed)), position[id(p)]))


def _listing_intro(body: str) -> str:
    """The text of projects.md before its first ``###``/``####`` heading, without the H1."""
    text, _ = _strip_h1(body)
    match = re.search(r"^#{3,6}[ \t]", text, re.M)
    return (text[:match.start()] if match else text).strip("\n")


def _comment_state(line: str, inside: bool) -> bool:
    """Whether the text after ``line`` is inside an HTML comment."""
    for token in re.findall(r"<!--|-->", line):
        inside = token == "<!--"
    return inside


def _pages_by_permalink(pages: Path, ctx: ReadContext) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in ctx.walk(pages, (".md", ".markdown", ".html")):
        head = peek_text(path, 3000)
        match = re.search(r"^permalink:\s*[\"']?([^\s\"']+)", head, re.M)
        if match and head.startswith("---"):
            found.setdefault(url_key(match.group(1)), path)
    return found


def _read_pages(root: Path, ctx: ReadContext, state: _State) -> None:
    model = state.model
    for path in ctx.walk(root / "_pages", (".md", ".markdown", ".html")):
        if path in state.consumed_pages or path.parent.name == "projects" and \
                path.parent.parent == root / "_pages":
            continue
        ctx.saw("page", path, 1)
        fm = ctx.front_matter(path)
        if fm is None:
            continue
        if not fm.present:
            ctx.report(
                NO_FRONT_MATTER, "page has no front matter; Jekyll copies it unrendered", path
            )
        meta = dict(fm.meta)
        permalink = text_or_none(meta.pop("permalink", None))
        raw_title = meta.pop("title", None)
        title = raw_title if isinstance(raw_title, str) else text_or_none(raw_title)
        page = Page(id=path.stem, title=title, permalink=permalink,
                    body=fm.body.strip("\n"), origin=ctx.origin(path, 1))
        page.role = _role(path, permalink, meta)
        rel = path.relative_to(root / "_pages").as_posix()
        if rel != path.name:
            meta["source_path"] = rel
        if page.role == "research" and meta.get("themes") == "none":
            page.body = _strip_h1(fm.body)[0]
        elif page.role == "research" and fm.present:
            research = read_research(fm.body, path, fm.body_line, ctx, model, state)
            page.body = research.intro
            model.themes.extend(research.themes)
            meta.update(research.page_extra)
        elif page.role == "publications":
            _hard_coded_publications(fm.body, path, fm.body_line, ctx, model)
        if path.name == "projects.md" and rel == path.name:
            page.role = "projects"
            page.body = _listing_intro(fm.body)
        page.extra = meta
        _nav(page, model)
        model.pages.append(page)


def _role(path: Path, permalink: str | None, meta: dict[str, Any]) -> str | None:
    key = url_key(permalink or "")
    if path.parent.name != "_pages":
        return None
    if path.stem in GENERATED_PAGES:
        return path.stem  # by file name: the writer always generates these three
    if key.strip("/") in GENERATED_PAGES and not _sibling_named(path, key.strip("/")):
        return key.strip("/")  # USC-NSL pubs.md at /publications/
    if key == "/" or meta.get("layout") == "homelay":
        return "about"
    if key in ("/team", "/pictures"):
        return key.strip("/")
    if key == "/allnews":
        return "news"
    if key == "/vacancies" or path.stem == "openings":
        return "openings"
    return None


def _sibling_named(path: Path, stem: str) -> bool:
    return any((path.parent / f"{stem}{suffix}").is_file()
               for suffix in (".md", ".markdown", ".html"))


def _nav(page: Page, model: Model) -> None:
    if not page.permalink:
        return
    key = url_key(page.permalink)
    if key in HEADER_LINKS and page.origin and page.origin.file.count("/") == 1:
        page.nav = True
        page.nav_order = HEADER_LINKS.index(key) + 1
        title = page.title or page.id
        model.site.navigation.append({"title": title.split(" - ")[-1], "url": page.permalink})
        model.site.navigation.sort(key=lambda n: HEADER_LINKS.index(url_key(n["url"])))


_HARD_CODED = re.compile(
    r"^\s*<em>(?P<authors>.+?)</em>\s*<br\s*/?>\s*(?P<title>.+?)\s*<br\s*/?>\s*(?P<rest>.+)$")


def _hard_coded_publications(body: str, path: Path, first_line: int, ctx: ReadContext,
                             model: Model) -> None:
    """Patents and books written out in the publications page rather than in publist.yml."""
    section = ""
    for offset, line in enumerate(body.split("\n")):
        heading = _HEADING.match(line)
        if heading:
            section = heading.group(2).lower()
            continue
        if "{%" in line or "{{" in line:
            continue
        match = _HARD_CODED.match(line)
        number = first_line + offset
        if not match:
            if section.startswith(("patent", "book")) and line.strip():
                ctx.report(AMBIGUOUS_CONTENT, "hand-written entry not understood; kept in the page",
                           path, number)
            continue
        rest = match.group("rest")
        href = re.search(r"href=[\"']([^\"']+)", rest)
        title = plain_text(match.group("title"))
        pub = Publication(
            id=slugify(title), title=title, authors=split_authors(
                plain_text(match.group("authors"))), venue=plain_text(rest) or None,
            year=year_of(plain_text(rest)), links={"html": href.group(1)} if href else {},
            kind="patent" if section.startswith("patent") else
            "book" if section.startswith("book") else None,
            origin=ctx.origin(path, number))
        pub.extra["hand_written"] = True
        model.publications.append(pub)


# --- research page --------------------------------------------------------------------------

@dataclass(slots=True)
class Research:
    intro: str = ""
    themes: list[Theme] = field(default_factory=list)
    page_extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Section:
    title: str
    level: int
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)  #: (file line, text)


_BOLD_RUN_IN = re.compile(r"^\*\*(?P<title>[^*]+?)\*\*\s*(?P<rest>.*)$")
_WORK = re.compile(r"^\s*\[(\d+)\]\s+(?P<text>\S.*?)\s*$")
_TRAILING_YEAR = re.compile(r"^(?P<title>.+?)\.?\s+(?P<year>(?:19|20|21)\d{2})\s*\.?$")


def read_research(body: str, path: Path, first_line: int, ctx: ReadContext, model: Model,
                  state: _State | None = None) -> Research:
    """Themes from a textlay research page; ``[n] Title. Year`` lists become publications."""
    out = Research()
    text, _, removed = _split_h1(body)
    numbered = list(enumerate(text.split("\n"), start=first_line + removed))
    sections = _heading_sections(numbered) or _bold_sections(numbered)
    if not sections:
        out.intro = text.strip("\n")
        return out
    intro_end = sections[0].line
    out.intro = "\n".join(t for n, t in numbered if n < intro_end).strip("\n")
    stack: list[tuple[int, Theme]] = []
    project_urls = state.project_by_url if state else {}
    for section in sections:
        linked = _HEADING_LINK.match(section.title)
        if linked and url_key(linked.group("url")) in project_urls and stack:
            stack[-1][1].project_ids.append(project_urls[url_key(linked.group("url"))].id)
            continue
        theme = _theme(section, path, ctx, model)
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        (stack[-1][1].subthemes if stack else out.themes).append(theme)
        stack.append((section.level, theme))
    return out


def _heading_sections(numbered: list[tuple[int, str]]) -> list[_Section]:
    sections: list[_Section] = []
    preamble = True
    for number, line in numbered:
        match = _HEADING.match(line)
        title = match.group(2).strip() if match else ""
        if match and len(match.group(1)) >= 2 and not title.startswith(("...", "…")):
            sections.append(_Section(title, len(match.group(1)), number))
            preamble = False
        elif not preamble:
            sections[-1].lines.append((number, line))
    return sections


def _bold_sections(numbered: list[tuple[int, str]]) -> list[_Section]:
    """Paragraphs opening with a bold run-in heading (``**Josephson STM.** text``)."""
    sections: list[_Section] = []
    previous_blank = True
    for number, line in numbered:
        match = _BOLD_RUN_IN.match(line) if previous_blank else None
        title = match.group("title").strip() if match else ""
        rest = match.group("rest") if match else ""
        heading_like = match and (title.endswith((".", ":")) or rest.startswith((".", ":"))
                                  or not rest.strip() or rest.lstrip().startswith("!["))
        if heading_like and len(title) < 120:
            section = _Section(title.rstrip(".:").strip(), 2, number)
            rest = re.sub(r"^[.:]\s*", "", rest)
            if rest.strip():
                section.lines.append((number, rest.strip()))
            sections.append(section)
        elif sections:
            sections[-1].lines.append((number, line))
        previous_blank = not line.strip() or line.lstrip().startswith(("<", "!["))
    return sections


def _theme(section: _Section, path: Path, ctx: ReadContext, model: Model) -> Theme:
    theme = Theme(id=slugify(section.title), title=section.title,
                  origin=ctx.origin(path, section.line))
    body: list[str] = []
    works: list[tuple[int, str]] = [(n, t) for n, t in section.lines if _WORK.match(t)]
    first_work = works[0][0] if works else None
    for number, line in section.lines:
        if first_work is not None and number >= first_work and (_WORK.match(line)
                                                                or not line.strip()):
            continue
        body.append(line)
    if first_work is not None:
        label = _pop_label(body)
        if label:
            theme.extra["publications_label"] = label
    tied = set(theme.publication_ids)
    for number, line in works:
        match = _WORK.match(line)
        assert match is not None
        pub = _work(match.group("text"), number, path, ctx, model)
        if pub.id not in tied:
            tied.add(pub.id)
            theme.publication_ids.append(pub.id)
    theme.body = "\n".join(body).strip("\n") or None
    return theme


def _pop_label(body: list[str]) -> str | None:
    """Remove and return a trailing "Example recent work:" label line."""
    while body and not body[-1].strip():
        body.pop()
    if body and body[-1].strip().endswith(":") and len(body[-1]) < 80:
        return body.pop().strip()
    return None


def _work(text: str, line: int, path: Path, ctx: ReadContext, model: Model) -> Publication:
    """The publication a ``[n] Title. Year`` line names: an existing one, else a new one."""
    by_title = {_norm(p.title): p for p in reversed(model.publications)}
    existing = by_title.get(_norm(text))
    if existing:
        return existing
    match = _TRAILING_YEAR.match(text)
    title, year = (match.group("title"), int(match.group("year"))) if match else (text, None)
    existing = by_title.get(_norm(title))
    if existing:
        return existing
    pub = Publication(id=slugify(title), title=title.strip(), year=year,
                      origin=ctx.origin(path, line))
    model.publications.append(pub)
    return pub


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- single page ----------------------------------------------------------------------------

def _read_single_page(path: Path, ctx: ReadContext, model: Model) -> None:
    fm = ctx.front_matter(path)
    if fm is None:
        return
    meta = dict(fm.meta)
    page = Page(id=path.stem, title=text_or_none(meta.pop("title", None)),
                permalink=text_or_none(meta.pop("permalink", None)), body=fm.body.strip("\n"),
                origin=ctx.origin(path, 1))
    page.role = _role(path.parent / "_pages" / path.name, page.permalink, meta)
    if page.role in (None, "research") and meta.get("layout") == "textlay":
        research = read_research(fm.body, path, fm.body_line, ctx, model)
        if research.themes:
            page.role = "research"
            page.body = research.intro
            model.themes.extend(research.themes)
    page.extra = meta
    model.pages.append(page)


READER = AllanlabReader()
