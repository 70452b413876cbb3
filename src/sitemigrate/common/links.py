"""Internal links that survive a migration: one map, shared by every writer, from the URLs
records had in the source theme to the URLs the target theme gives them.

A writer supplies only its URL rules (``TargetUrls``: where it puts each publication,
project, item and page); ``PermalinkMap`` does the rest.  It rewrites ``](…)``,
``href="…"``, ``[ref]: …`` and ``{{ '…' | relative_url }}`` links in bodies, keeps a
``{{ site.baseurl }}``-like prefix and the link's ``?query``/``#fragment`` (the target's own
fragment wins: al-folio's ``/publications/#key``), and reports each link to a record the
target has no page for (SM301, once per URL and file), leaving it as it was.  Links that did
not point at a record of the model are never touched, so links already broken in the source
stay broken rather than being invented anew.

``BodyLinks`` lets a writer emit files first and rewrite their bodies once every record's URL
is known (publication pages are written before the pages that link to them, and vice versa).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ..diagnostics import LINK_CHANGED, LIQUID_KEPT
from ..fileset import FileSet
from ..model import Item, Model, Origin, Page, Project, Publication, Theme
from ..parallel import map_on_two_cores
from .foreign_liquid import LIQUID_KEY, LiquidTarget, make_safe
from .urls import url_key
from .writer import WriteContext

Record = Project | Publication | Item
#: A record's URL in the target theme: ``None`` when the target gives it no page.
UrlRule = Callable[[Record], str | None]

#: Source folders that hold pages of their own but are no Jekyll collection with a URL.
NOT_COLLECTIONS = frozenset(("_pages", "_data", "_posts", "_drafts", "_bibliography",
                             "_includes", "_layouts", "_sass", "_site"))

_PATH = r"/[^\s)\"'#?<>{}|]*"
_REST = r"[?#][^\s)\"'<>{}]*"
#: ``](url``, ``href="url``, ``[ref]: url``, each with an optional ``{{ … }}`` site prefix.
_BODY_LINK = re.compile(
    r"(?P<lead>\]\(\s*<?|\bhref=[\"']|^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?)"
    rf"(?P<prefix>(?:\{{\{{[^{{}}]*\}}\}})*)(?P<path>{_PATH})(?P<rest>{_REST})?", re.M)
#: ``{{ '/url' | relative_url }}`` (al-folio's way of writing internal links).
_LIQUID_LINK = re.compile(
    r"(?P<lead>\{\{-?\s*(?P<quote>['\"]))(?P<prefix>)(?P<path>/[^'\"#?\s{}]*)"
    r"(?P<rest>[?#][^'\"\s{}]*)?(?=(?P=quote)\s*\|\s*(?:relative_url|absolute_url)\b)")

#: ``](file.md`` or ``href="file.md"``: a link to a page's source file, relative or not.
_FILE_LINK = re.compile(
    r"(?P<lead>\]\(\s*<?|\bhref=[\"'])(?P<path>[^\s)\"'#?<>{}|:]+\.(?:md|markdown))"
    r"(?P<rest>[?#][^\s)\"'<>{}]*)?")
_PAGE_FILES = (".md", ".markdown")


def source_permalink(record: Record | Page) -> str | None:
    """The URL a record had in its source theme: its ``permalink``, else the default URL of
    the collection file it came from (``_portfolio/x.md`` -> ``/portfolio/x/``)."""
    if isinstance(record, Page):
        return record.permalink
    permalink = record.extra.get("permalink")
    if isinstance(permalink, str) and permalink.strip():
        return permalink
    origin = record.origin.file if record.origin else ""
    folder, _, rest = origin.partition("/")
    if not folder.startswith("_") or folder in NOT_COLLECTIONS or not rest:
        return None
    return f"/{folder[1:]}/{rest.rsplit('.', 1)[0]}/"


def _same_place(record: Record | Page) -> str | None:
    return source_permalink(record)


@dataclass(frozen=True, slots=True)
class TargetUrls:
    """A writer's URL rules.  The defaults keep every URL as it was in the source."""

    publication: Callable[[Publication], str | None] = _same_place
    project: Callable[[Project], str | None] = _same_place
    item: Callable[[Item], str | None] = _same_place
    page: Callable[[Page], str | None] = _same_place


@dataclass(slots=True)
class PermalinkMap:
    """Rewrites body links that point at a record's source URL to its target URL."""

    theme: str = "the target theme"
    moved: dict[str, str] = field(default_factory=dict)  #: old URL key -> new URL
    #: source file (``people/ada.md``) -> its URL in the target, for links to the file
    by_file: dict[str, str] = field(default_factory=dict)
    homeless: dict[str, str] = field(default_factory=dict)  #: old URL key -> record label
    reported: set[tuple[str, str | None]] = field(default_factory=set)

    @classmethod
    def build(cls, model: Model, urls: TargetUrls, theme: str) -> PermalinkMap:
        links = cls(theme)
        pages = [(page, urls.page(page)) for page in model.pages]
        kept = {url_key(new) for _, new in pages if new}
        for page, new in pages:
            links._add(page, new, kept)
        records: list[tuple[Record, str | None]] = [
            *((p, urls.project(p)) for p in model.projects),
            *((p, urls.publication(p)) for p in model.publications),
            *((i, urls.item(i)) for i in model.items)]
        for record, new in records:
            links._add(record, new, kept)
        return links

    def _add(self, record: Record | Page, new: str | None, kept: set[str]) -> None:
        if new is not None and record.origin and record.origin.file.endswith(_PAGE_FILES):
            self.by_file.setdefault(record.origin.file, new)
        old = source_permalink(record)
        key = url_key(old) if old else None
        if key is None or key == "/" or key in kept:
            return  # a page of the target has this URL: links to it stay right
        if new is None:
            self.homeless.setdefault(key, f"{type(record).__name__.lower()} {record.id}")
        elif url_key(new, keep_case=True) != url_key(str(old), keep_case=True):
            self.moved.setdefault(key, new)

    def rewrite(self, text: str, ctx: WriteContext, origin: Origin | None) -> str:
        """``text`` with links to moved records pointing at their new URLs, and links to a
        record's source file (``[Ada](../people/ada.md)``, which GitHub Pages' default
        jekyll-relative-links turns into the page's URL) pointing at its URL."""
        if self.by_file and (".md" in text or ".markdown" in text):
            text = self._file_links(text, origin)
        if not (self.moved or self.homeless) or "/" not in text:
            return text

        def replace(match: re.Match[str]) -> str:
            key = url_key(match.group("path"))
            new = self.moved.get(key)
            if new is not None:
                target = _with_rest(new, match.group("rest") or "")
                return f"{match.group('lead')}{match.group('prefix')}{target}"
            if key in self.homeless:
                self._report(key, self.homeless[key], ctx, origin)
            return match.group(0)

        return _LIQUID_LINK.sub(replace, _BODY_LINK.sub(replace, text))

    def _file_links(self, text: str, origin: Origin | None) -> str:
        folder = posixpath.dirname(origin.file) if origin else ""

        def replace(match: re.Match[str]) -> str:
            path = match.group("path")
            source = posixpath.normpath(path.lstrip("/") if path.startswith("/")
                                        else posixpath.join(folder, path))
            new = self.by_file.get(source)
            if new is None:
                return match.group(0)
            return f"{match.group('lead')}{_with_rest(new, match.group('rest') or '')}"

        return _FILE_LINK.sub(replace, text)

    def _report(self, url: str, label: str, ctx: WriteContext, origin: Origin | None) -> None:
        file = origin.file if origin else None
        if (url, file) in self.reported:
            return  # once per URL and source file, however often the text repeats it
        self.reported.add((url, file))
        ctx.report(
            LINK_CHANGED,
            f"link to {url} ({label}) kept, but {self.theme} has no page for it",
            file,
            origin.line if origin else None,
        )


def _with_rest(new: str, rest: str) -> str:
    """``new`` with the old link's query and fragment; a fragment of ``new`` itself (the
    entry's anchor on a shared page) wins over the old one."""
    if "#" not in new:
        return new + rest
    new_path, _, fragment = new.partition("#")
    query = rest.partition("#")[0]
    return f"{new_path}{query}#{fragment}"


@dataclass(slots=True)
class _Pending:
    path: str
    render: Callable[[str], str]
    body: str
    origin: Origin | None
    later: bool = False  #: rendered only by ``finish`` (its file holds nothing until then)


@dataclass(slots=True)
class BodyLinks:
    """Files whose body links are rewritten once every record's target URL is known.

    ``add`` writes the file as it is now (so ``FileSet.unique_path`` sees it); ``finish``
    writes it again, rendered from the rewritten body, where a link changed.
    """

    pending: list[_Pending] = field(default_factory=list)

    def add(self, files: FileSet, path: str, render: Callable[[str], str], body: str,
            origin: Origin | None, *, later: bool = False) -> None:
        """With ``later``, the file is rendered by ``finish`` only (once, and on two cores
        when there are many): for files nothing reads before then."""
        files.add(path, b"" if later else render(body))
        self.pending.append(_Pending(path, render, body, origin, later))

    def finish(self, files: FileSet, links: PermalinkMap, ctx: WriteContext,
               liquid: LiquidTarget | None = None) -> None:
        """Rewrite the links; with ``liquid``, also translate or cut the Liquid the target
        cannot run (``foreign_liquid.make_safe``), keeping what was cut in the front matter
        where the file has one."""
        later: list[tuple[str, Callable[[str], str], str]] = []  #: (path, render, body)
        for item in self.pending:
            body = links.rewrite(item.body, ctx, item.origin)
            meta = _front_matter_of(item.render)
            kept_before = repr(meta.get(LIQUID_KEY))
            if liquid is not None:
                body = make_safe(body, liquid, meta, _reporter(ctx, item.origin))
            if item.later:
                later.append((item.path, item.render, body))
            elif body != item.body or repr(meta.get(LIQUID_KEY)) != kept_before:
                files.add(item.path, item.render(body))
        self.pending.clear()
        rendered = map_on_two_cores(_rendered, [(render, body) for _, render, body in later])
        for (path, _, _), data in zip(later, rendered, strict=True):
            files.add(path, data)


def _rendered(job: tuple[Callable[[str], str], str]) -> bytes:
    render, body = job
    return render(body).encode("utf-8")


@dataclass(frozen=True, slots=True)
class CarriedText:
    """Text carried from the source into a page as it is written: links rewritten to the
    migrated URLs and Liquid the target cannot run translated or removed (kept aside and
    reported at the record's file and line)."""

    ctx: WriteContext
    links: PermalinkMap
    liquid: LiquidTarget

    def __call__(self, text: str, record: Record | Page | Theme,
                 meta: dict[str, object]) -> str:
        text = self.links.rewrite(text, self.ctx, record.origin)
        return make_safe(text, self.liquid, meta, _reporter(self.ctx, record.origin))


def _reporter(ctx: WriteContext, origin: Origin | None) -> Callable[[str], None]:
    def report(message: str) -> None:
        ctx.report_at(LIQUID_KEPT, message, origin)

    return report


def _front_matter_of(render: Callable[[str], str]) -> dict[str, object]:
    """The front matter a ``partial(render_front_matter, meta)`` renders (changes show in the
    file); a fresh dict for files rendered without one."""
    if isinstance(render, partial) and render.args and isinstance(render.args[0], dict):
        return render.args[0]
    return {}
