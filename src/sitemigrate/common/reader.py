"""What every reader shares: the reading context, detection results and file helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..diagnostics import Diagnostics
from ..model import Model, Origin
from ..parsing.front_matter import FrontMatter, split_front_matter
from ..parsing.text import decode, max_file_bytes
from ..parsing.text import max_bib_bytes as bib_limit
from ..parsing.yamlio import YamlError, load_yaml


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


class ReadContext:
    """The source root, the diagnostics collector and safe file access below the root."""

    def __init__(self, root: Path, diagnostics: Diagnostics | None = None,
                 max_bytes: int | None = None, max_bib_bytes: int | None = None) -> None:
        self.root = root.resolve()
        self.diagnostics = diagnostics if diagnostics is not None else Diagnostics()
        self.max_bytes = max_bytes if max_bytes is not None else max_file_bytes()
        #: a bibliography holds every entry in one file: it has a limit of its own
        self.max_bib_bytes = max_bib_bytes if max_bib_bytes is not None else bib_limit()
        #: ``rel`` of the plain files ``walk`` found, known without resolving them again
        self._walked: dict[Path, str] = {}
        self._rels: dict[Path, str] = {}  #: ``rel`` of other paths, resolved once

    def rel(self, path: Path) -> str:
        """``path`` relative to the source root, POSIX style (for diagnostics and origins)."""
        known = self._walked.get(path) or self._rels.get(path)
        if known is None:
            # one .bib file is the origin of thousands of entries: resolve it once
            known = self._rels[path] = self._resolved_rel(path)
        return known

    def _resolved_rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def origin(self, path: Path, line: int | None = None) -> Origin:
        return Origin(self.rel(path), line)

    def report(self, code: str, message: str, path: Path | str | None = None,
               line: int | None = None, **kwargs: Any) -> None:
        file = self.rel(path) if isinstance(path, Path) else path
        self.diagnostics.add(code, message, file, line, **kwargs)

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
            self.report("SM504", "symlink points outside the source; not followed", path)
            return None
        data = self._read_walked(path) if walked else None
        if data is None:
            try:
                size = path.stat().st_size
                limit = self.limit_for(path)
                if size > limit:
                    option = "--max-bib-size" if path.suffix.lower() == ".bib" \
                        else "--max-file-size"
                    self.report("SM501", f"{size} bytes is over the limit of {limit} (raise it"
                                f" with {option})", path)
                    return None
                data = path.read_bytes()
            except OSError as exc:
                self.report("SM100", f"cannot read: {exc.strerror or exc}", path)
                return None
        decoded = decode(data)
        if decoded.fallback:
            self.report("SM108", f"not valid UTF-8; read as {decoded.encoding}", path)
        if decoded.had_nul:
            self.report("SM108", "NUL bytes removed", path)
        return decoded.text

    def limit_for(self, path: Path) -> int:
        """The size limit of ``path``: a ``.bib`` bibliography's, or a page's."""
        return self.max_bib_bytes if path.suffix.lower() == ".bib" else self.max_bytes

    def _read_walked(self, path: Path) -> bytes | None:
        """The bytes of a file within the size limit; ``None`` for anything else (too big,
        unreadable), which the caller then reads and reports the usual way."""
        try:
            with path.open("rb") as handle:
                if os.fstat(handle.fileno()).st_size > self.limit_for(path):
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
            self.report("SM107", f"key {key!r} appears twice; the last value wins", path, line)
        return fm

    def load_yaml_file(self, path: Path) -> Any:
        """A YAML data file's content, or ``None`` with a diagnostic."""
        text = self.read_text(path)
        if text is None:
            return None
        return self.parse_yaml(path, text)

    def parse_yaml(self, path: Path, text: str) -> Any:
        """``text`` (read from ``path``) as YAML, or ``None``; problems reported with lines."""
        try:
            result = load_yaml(text)
        except YamlError as exc:
            self.report(exc.code, exc.message, path, exc.line)
            return None
        for key, line in result.duplicate_keys:
            self.report("SM107", f"key {key!r} appears twice; the last value wins", path, line)
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
                        self.report("SM504", "symlink points outside the source; not followed",
                                    path)
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
