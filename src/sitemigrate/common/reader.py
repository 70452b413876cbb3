"""What every reader shares: the reading context, detection results and file helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..diagnostics import (
    BAD_ENCODING,
    DUPLICATE_KEY,
    FILE_TOO_LARGE,
    SYMLINK_SKIPPED,
    UNREADABLE_FILE,
    Code,
    Diagnostics,
)
from ..model import Model, Origin
from ..parsing.front_matter import FrontMatter, split_front_matter
from ..parsing.text import decode, max_file_bytes
from ..parsing.yamlio import YamlError, load_yaml
from .settings import top_level_key_lines


@dataclass(slots=True)
class Detection:
    """How well a reader fits a path: a score in 0..1 and the signals behind it."""

    score: float = 0.0
    evidence: list[str] = field(default_factory=list)

    def add(self, weight: float, evidence: str) -> None:
        self.score = min(1.0, self.score + weight)
        self.evidence.append(evidence)


def peek_text(path: Path, limit: int = 200_000) -> str:
    """At most ``limit`` bytes of ``path``, decoded, for detection; ``""`` when unreadable.

    Detection runs before any size limit applies, so it never reads a whole file.
    """
    try:
        with path.open("rb") as handle:
            return decode(handle.read(limit)).text
    except OSError:
        return ""


def config_path(root: Path) -> Path | None:
    """The site's Jekyll config: ``_config.yml``, else ``_config.yaml``; ``None`` if neither."""
    for name in ("_config.yml", "_config.yaml"):
        if (root / name).is_file():
            return root / name
    return None


class ReadContext:
    """The source root, the diagnostics collector and safe file access below the root."""

    def __init__(self, root: Path, diagnostics: Diagnostics | None = None,
                 max_bytes: int | None = None, *, include_unused: bool = False) -> None:
        self.root = root.resolve()
        #: read sources the site does not render too (al-folio: every .bib file)
        self.include_unused = include_unused
        self.diagnostics = diagnostics if diagnostics is not None else Diagnostics()
        self.max_bytes = max_bytes if max_bytes is not None else max_file_bytes()
        #: ``rel`` of the plain files ``walk`` found, known without resolving them again
        self._walked: dict[Path, str] = {}
        #: line of each top-level key of the root's ``_config.yml``, once it was parsed
        self.config_key_lines: dict[str, int] = {}
        #: every record a reader met, as ``(kind, file, line)`` (see ``saw``)
        self.seen: list[tuple[str, str, int | None]] = []

    def rel(self, path: Path) -> str:
        """``path`` relative to the source root, POSIX style (for diagnostics and origins)."""
        known = self._walked.get(path)
        if known is not None:
            return known
        return self._resolved_rel(path)

    def _resolved_rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def origin(self, path: Path, line: int | None = None) -> Origin:
        return Origin(self.rel(path), line)

    def report(self, code: Code, message: str, path: Path | str | None = None,
               line: int | None = None, *, hint: str | None = None) -> None:
        file = self.rel(path) if isinstance(path, Path) else path
        self.diagnostics.report(code, message, file, line, hint=hint)

    def saw(self, kind: str, path: Path, line: int | None = None) -> None:
        """Count a record (``publication``, ``project``, ``page`` or ``item``) where the
        reader meets it, before deciding what to do with it.

        Conservation (tests/test_conservation.py): each one must end up in the model with
        this origin (or merged into a record that lists it), or be covered by a loss
        reported at the same place — a record never disappears silently.
        """
        self.seen.append((kind, self.rel(path), line))

    def unsee(self, path: Path) -> None:
        """Take back the records counted in ``path``: the reader found the file is not the
        site's content (a theme's untouched sample) and said so in a diagnostic."""
        rel = self.rel(path)
        self.seen = [entry for entry in self.seen if entry[1] != rel]

    def inside_root(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
        except (ValueError, OSError):
            return False
        return True

    def read_text(self, path: Path) -> str | None:
        """Decoded text of ``path``, or ``None`` with a diagnostic when it cannot be read."""
        # ``walk`` found no symlink at a path it recorded; a file it found is not looked at
        # twice (one open and fstat instead of lstat, stat and open)
        walked = path in self._walked
        if not walked and path.is_symlink() and not self.inside_root(path):
            self.report(SYMLINK_SKIPPED, "symlink points outside the source; not followed", path)
            return None
        data = self._read_walked(path) if walked else None
        if data is None:
            try:
                size = path.stat().st_size
                if size > self.max_bytes:
                    self.report(
                        FILE_TOO_LARGE, f"{size} bytes is over the limit of {self.max_bytes}", path
                    )
                    return None
                data = path.read_bytes()
            except OSError as exc:
                self.report(UNREADABLE_FILE, f"cannot read: {exc.strerror or exc}", path)
                return None
        decoded = decode(data)
        if decoded.fallback:
            self.report(BAD_ENCODING, f"not valid UTF-8; read as {decoded.encoding}", path)
        if decoded.had_nul:
            self.report(BAD_ENCODING, "NUL bytes removed", path)
        return decoded.text

    def _read_walked(self, path: Path) -> bytes | None:
        """The bytes of a file within the size limit; ``None`` for anything else (too big,
        unreadable), which the caller then reads and reports the usual way."""
        try:
            with path.open("rb") as handle:
                if os.fstat(handle.fileno()).st_size > self.max_bytes:
                    return None
                return handle.read()
        except OSError:
            return None

    def front_matter(self, path: Path, text: str | None = None) -> FrontMatter | None:
        """Split a page's front matter, reporting YAML errors and duplicate keys."""
        if text is None:
            text = self.read_text(path)
            if text is None:
                return None
        fm = split_front_matter(text)
        if fm.error is not None:
            self.report(fm.error.code, fm.error.message, path, fm.error.line)
        for key, line in fm.duplicate_keys:
            self.report(
                DUPLICATE_KEY, f"key {key!r} appears twice; the last value wins", path, line
            )
        return fm

    def load_yaml_file(self, path: Path) -> Any:
        """A YAML data file's content, or ``None`` with a diagnostic."""
        text = self.read_text(path)
        if text is None:
            return None
        return self.parse_yaml(path, text)

    def parse_yaml(self, path: Path, text: str) -> Any:
        """``text`` (read from ``path``) as YAML, or ``None``; problems reported with lines."""
        if path.name in ("_config.yml", "_config.yaml") and self.rel(path) == path.name:
            self.config_key_lines = top_level_key_lines(text)
        try:
            result = load_yaml(text)
        except YamlError as exc:
            self.report(exc.code, exc.message, path, exc.line)
            return None
        for key, line in result.duplicate_keys:
            self.report(
                DUPLICATE_KEY, f"key {key!r} appears twice; the last value wins", path, line
            )
        return result.data

    def walk(self, folder: Path, suffixes: tuple[str, ...] = (".md", ".markdown", ".html"),
             ) -> Iterator[Path]:
        """Files below ``folder`` in sorted order, never leaving the source root."""
        if not folder.is_dir() or not self.inside_root(folder):
            return
        visited: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            current = Path(dirpath)
            st = current.stat()
            if (st.st_dev, st.st_ino) in visited:
                dirnames.clear()
                continue
            visited.add((st.st_dev, st.st_ino))
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            try:
                folder_rel: str | None = current.resolve().relative_to(self.root).as_posix()
            except ValueError:
                folder_rel = None
            for name in sorted(filenames):
                path = current / name
                if suffixes and path.suffix.lower() not in suffixes:
                    continue
                if path.is_symlink():
                    if not self.inside_root(path):
                        self.report(
                            SYMLINK_SKIPPED, "symlink points outside the source; not followed", path
                        )
                        continue
                elif folder_rel is not None:
                    # a plain file in a folder below the root: no need to resolve it again
                    self._walked[path] = name if folder_rel == "." else f"{folder_rel}/{name}"
                yield path


class Reader:
    """Base class: subclasses set ``name`` and implement ``detect`` and ``read``."""

    name: ClassVar[str] = ""
    #: True when the reader also accepts a single page (not only a site folder)
    reads_pages: ClassVar[bool] = True

    def detect(self, path: Path) -> Detection:
        raise NotImplementedError

    def read(self, path: Path, ctx: ReadContext) -> Model:
        raise NotImplementedError
