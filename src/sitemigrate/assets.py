"""Local files the content references (avatar, teasers, previews, PDFs, slides, a CV) come
along with the migration.

Jekyll copies every file that is not a page or in an ``_`` folder to the built site at the
same path, so a file copied to the same relative path keeps every link to it working in any
target.  ``site_assets`` finds the references in the model (record links and images, page and
record bodies), each with the record that holds it; ``copy_assets`` adds the files that exist
in the source to the planned files and reports those that do not.  The source is only read:
paths that would leave it, symlinks leading out of it and special files are refused.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .converters import kind_fact
from .diagnostics import MISSING_ASSET, Diagnostics
from .fileset import FileSet
from .model import Item, Model, Origin, Page, Project, Publication, Theme
from .paths import UnsafePathError, safe_relative_path

#: file types a site links as files, not pages
ASSET_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".bmp", ".tif", ".tiff",
    ".pdf", ".ppt", ".pptx", ".key", ".odp", ".doc", ".docx", ".odt", ".xls", ".xlsx",
    ".csv", ".zip", ".gz", ".tgz", ".bib", ".txt", ".mp4", ".webm", ".mov", ".mp3", ".wav",
    ".ipynb", ".py", ".r", ".m", ".tex"})
#: folders a bare relative reference (``files/cv.pdf``) is taken to start at the site root in
_ASSET_FOLDERS = ("files/", "images/", "assets/", "img/", "pdfs/", "pdf/", "papers/",
                  "slides/", "downloads/", "docs/", "media/", "uploads/", "static/")
_LIQUID_PREFIX = re.compile(r"^\{\{-?\s*(?:site\.baseurl|site\.url|base_path)[^}]*\}\}")
_IN_TEXT = re.compile(r"""(?:src|href|data-src|poster)\s*=\s*["']([^"']+)["']"""
                      r"""|\]\(\s*<?((?:\{\{[^}]*\}\})?[^)\s>]+)""")


@dataclass(frozen=True, slots=True)
class AssetRef:
    rel: str  #: path under the site root
    origin: Origin | None  #: the record that references it


def asset_path(reference: str) -> str | None:
    """The site-relative path of a local file ``reference`` names, or None (a URL, a page,
    an anchor, something outside the site)."""
    ref = reference.strip()
    if ref.startswith("{{"):
        ref = _LIQUID_PREFIX.sub("", ref)
    if not ref or "://" in ref or ref.startswith(("//", "mailto:", "#", "data:", "{")):
        return None
    ref = ref.split("#", 1)[0].split("?", 1)[0].removeprefix("./")
    if not ref.startswith("/") and not ref.startswith(_ASSET_FOLDERS):
        return None
    rel = ref.lstrip("/")
    if "." not in rel or Path(rel).suffix.lower() not in ASSET_SUFFIXES:  # no dot: no suffix
        return None
    try:
        return safe_relative_path(rel)
    except UnsafePathError:
        return None


def placed_image(reference: str | None, folder: str, moved: dict[str, str]) -> str | None:
    """The name a theme that prepends ``folder`` to an image (academicpages' ``images/``,
    al-folio's ``assets/img/``) needs for the site-relative ``reference``: the path under
    ``folder``; a file elsewhere is moved into ``folder`` (recorded in ``moved`` for
    ``copy_assets``).  None for a URL or a reference that is not a local file."""
    rel = asset_path(reference or "")
    if rel is None:
        return None
    if rel.startswith(folder):
        return rel[len(folder):]
    placed = moved.setdefault(rel, folder + rel.rsplit("/", 1)[-1])
    return placed[len(folder):] if placed.startswith(folder) else None


def site_assets(model: Model) -> list[AssetRef]:
    """Every local file the model's records reference, once each (first reference kept)."""
    seen: dict[str, AssetRef] = {}
    for reference, origin in _references(model):
        rel = asset_path(reference)
        if rel is not None and rel not in seen:
            seen[rel] = AssetRef(rel, origin)
    return list(seen.values())


def _references(model: Model) -> Iterator[tuple[str, Origin | None]]:
    site = model.site
    if site.avatar:
        yield site.avatar, site.origin
    records: list[Publication | Project | Page | Item | Theme] = [
        *model.publications, *model.projects, *model.pages, *model.items, *model.all_themes()]
    for record in records:
        origin = record.origin
        for value in (getattr(record, "links", None) or {}).values():
            yield str(value), origin
        image = getattr(record, "image", None)
        if image:
            yield str(image), origin
        for field in ("body", "abstract", "summary", "description"):
            text = getattr(record, field, None)
            if isinstance(text, str) and ("src" in text or "](" in text or "href" in text):
                for match in _IN_TEXT.finditer(text):
                    yield match.group(1) or match.group(2), origin


def served_from(kind: str) -> tuple[str, ...]:
    """Folders a source kind serves at its site root (Hugo's ``static/``; ``served_from`` in
    its converters file); none for kinds without one."""
    folders = kind_fact(kind, "served_from")
    return tuple(str(f) for f in folders) if isinstance(folders, list) else ()


def _root_of(origin: Origin | None, first: Path) -> Path:
    """The folder a record's references start at: its own source's, for a record of a source
    added with ``--add`` (``Origin.source`` is the path as given), else the first source's."""
    added = Path(origin.source) if origin is not None and origin.source else None
    if added is not None and added.is_dir():
        return added.resolve()
    if added is not None and added.is_file():
        return added.parent.resolve()
    return first


def copy_assets(files: FileSet, model: Model, diagnostics: Diagnostics, max_bytes: int,
                moved: dict[str, str] | None = None) -> int:
    """Add each referenced file that exists in its source to ``files`` at the same path, or
    where the writer ``moved`` it (al-folio's previews); report the ones that do not exist
    (with the referencing record's file and line).  Returns the number of files copied."""
    source = Path(model.source.path)
    root = (source if source.is_dir() else source.parent).resolve()
    moved = moved or {}
    copied = 0
    assets = site_assets(model)
    for ref in assets:
        target = moved.get(ref.rel, ref.rel)
        if target in files:
            continue
        candidates = [(_root_of(ref.origin, root), ref.rel)] + [
            (root, f"{folder}/{ref.rel}") for folder in served_from(model.source.kind)]
        data = next((found for folder, rel in candidates
                     if (found := _read_confined(folder, rel, max_bytes)) is not None), None)
        if data is None:
            where = ref.origin
            diagnostics.report(MISSING_ASSET, f"{ref.rel} is referenced but not in the source "
                               "folder; not copied", where.file if where else None,
                               where.line if where else None)
            continue
        files.add(target, data)
        copied += 1
    referenced = {ref.rel for ref in assets}
    for source_rel, target in sorted(moved.items()):  # files a writer needs (profiles' texts)
        if source_rel in referenced or target in files:
            continue
        data = _read_confined(root, source_rel, max_bytes)
        if data is None:
            diagnostics.report(MISSING_ASSET, f"{source_rel} is named by a page but not in "
                               "the source folder; not copied", source_rel)
            continue
        files.add(target, data)
        copied += 1
    return copied


def _read_confined(root: Path, rel: str, max_bytes: int) -> bytes | None:
    """The bytes of ``root/rel`` when it is a regular file inside ``root`` (symlinks that
    lead out are refused) no larger than ``max_bytes``; else None."""
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        return None
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        return path.read_bytes()
    except OSError:
        return None
