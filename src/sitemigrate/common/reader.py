"""What every reader shares: the reading context, detection results and file helpers."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..diagnostics import (
    BAD_ENCODING,
    DUPLICATE_KEY,
    FILE_TOO_LARGE,
    NOT_PUBLISHED,
    SPECIAL_FILE,
    SYMLINK_SKIPPED,
    UNREADABLE_FILE,
    Code,
    Diagnostics,
)
from ..model import Model, Origin
from ..parsing.front_matter import FrontMatter, split_front_matter
from ..parsing.text import (
    Decoded,
    SpecialFileError,
    decode,
    max_file_bytes,
    read_regular,
    special_kind,
)
from ..parsing.text import max_bib_bytes as bib_limit
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
        return decode(read_regular(path, limit)).text
    except OSError:  # unreadable, or a FIFO/device/socket (never opened for reading)
        return ""


def config_path(root: Path) -> Path | None:
    """The site's Jekyll config: ``_config.yml``, else ``_config.yaml``; ``None`` if neither."""
    for name in ("_config.yml", "_config.yaml"):
        if (root / name).is_file():
            return root / name
    return None


#: what Jekyll leaves out of every site unless ``include:`` names it (its defaults)
JEKYLL_EXCLUDES = (".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock",
                   "node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/",
                   "vendor/ruby/")
#: page files whose name starts with one of these are not published by Jekyll
_SPECIAL_LEADING = (".", "_", "#", "~")
_DOCUMENT_SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn", ".html", ".htm")


def jekyll_skips(name: str) -> bool:
    """True for a file name Jekyll never publishes as a page or document: dotfiles (macOS
    ``._*`` AppleDouble files among them), ``_``/``#``/``~``-prefixed names, backups
    ending in ``~``.  Data files are only skipped when they are dotfiles."""
    if name.startswith(".") or name.endswith("~"):
        return True
    return name.startswith(_SPECIAL_LEADING) and name.lower().endswith(_DOCUMENT_SUFFIXES)


class ReadContext:
    """The source root, the diagnostics collector and safe file access below the root."""

    def __init__(self, root: Path, diagnostics: Diagnostics | None = None,
                 max_bytes: int | None = None, max_bib_bytes: int | None = None, *,
                 include_unused: bool = False) -> None:
        self.root = root.resolve()
        #: read sources the site does not render too (al-folio: every .bib file)
        self.include_unused = include_unused
        self.diagnostics = diagnostics if diagnostics is not None else Diagnostics()
        self.max_bytes = max_bytes if max_bytes is not None else max_file_bytes()
        #: a bibliography holds every entry in one file: it has a limit of its own
        self.max_bib_bytes = max_bib_bytes if max_bib_bytes is not None else bib_limit()
        #: ``rel`` of the plain files ``walk`` found, known without resolving them again
        self._walked: dict[Path, str] = {}
        #: line of each top-level key of the root's ``_config.yml``, once it was parsed
        self.config_key_lines: dict[str, int] = {}
        #: every record a reader met, as ``(kind, file, line)`` (see ``saw``)
        self.seen: list[tuple[str, str, int | None]] = []
        self._rules: tuple[re.Pattern[str], frozenset[str]] | None = None
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
                kind = special_kind(path)
                if kind is not None:
                    raise SpecialFileError(0, f"{kind}; not read", str(path))
                size = path.stat().st_size
                limit = self.limit_for(path)
                if size > limit:
                    option = "--max-bib-size" if path.suffix.lower() == ".bib" \
                        else "--max-file-size"
                    self.report(
                        FILE_TOO_LARGE,
                        f"{size} bytes is over the limit of {limit} (raise it with {option})",
                        path,
                    )
                    return None
                data = read_regular(path)
            except SpecialFileError as exc:
                self.report(SPECIAL_FILE, exc.strerror or "not a regular file; not read", path)
                return None
            except OSError as exc:
                self.report(UNREADABLE_FILE, f"cannot read: {exc.strerror or exc}", path)
                return None
        return self.reported_text(path, decode(data))

    def walked_text(self, path: Path) -> Decoded | None:
        """What ``read_text`` reads from a file ``walk`` found, without reporting anything
        (``reported_text`` reports it); ``None`` for anything else, which ``read_text`` then
        reads and reports.  Safe to call in a ``map_on_two_cores`` child."""
        if path not in self._walked:
            return None
        data = self._read_walked(path)
        return None if data is None else decode(data)

    def reported_text(self, path: Path, decoded: Decoded) -> str:
        """The text of ``decoded``, its encoding problems reported."""
        if decoded.fallback:
            self.report(BAD_ENCODING, f"not valid UTF-8; read as {decoded.encoding}", path)
        if decoded.had_nul:
            self.report(BAD_ENCODING, "NUL bytes removed", path)
        return decoded.text

    def limit_for(self, path: Path) -> int:
        """The size limit of ``path``: a ``.bib`` bibliography's, or a page's."""
        return self.max_bib_bytes if path.suffix.lower() == ".bib" else self.max_bytes

    def _read_walked(self, path: Path) -> bytes | None:
        """The bytes of a file within the size limit; ``None`` for anything else (too big,
        unreadable, not a regular file), which the caller then reads and reports."""
        try:
            with open(path, "rb", opener=_nonblocking) as handle:
                st = os.fstat(handle.fileno())
                if not stat.S_ISREG(st.st_mode) or st.st_size > self.limit_for(path):
                    return None
                return handle.read()
        except OSError:
            return None

    # -- what Jekyll itself leaves out ---------------------------------------------------

    def _config_rules(self) -> tuple[re.Pattern[str], frozenset[str]]:
        """(one regex for ``exclude:`` with Jekyll's defaults, ``include:`` names)."""
        if self._rules is None:
            exclude: list[str] = list(JEKYLL_EXCLUDES)
            include: set[str] = set()
            for name in ("_config.yml", "_config.yaml"):
                try:
                    data = load_yaml(decode(read_regular(self.root / name, 2_000_000)).text).data
                except (OSError, YamlError, ValueError, RecursionError):
                    continue
                if isinstance(data, dict):
                    exclude += [str(x) for x in _as_list(data.get("exclude")) if x]
                    include |= {str(x).strip("/") for x in _as_list(data.get("include")) if x}
                break
            parts = []
            for pattern in exclude:
                bare = pattern.strip("/")
                if bare:
                    # the pattern itself, or a folder it names with anything below
                    parts.append(fnmatch.translate(bare)[:-2] + r"(?:/.*)?\Z")
            self._rules = (re.compile("|".join(f"(?:{p})" for p in parts), re.S),
                           frozenset(include))
        return self._rules

    def excluded(self, path: Path, rel: str | None = None) -> str | None:
        """Why Jekyll would not publish ``path`` (a dotfile or AppleDouble ``._*`` file, a
        ``_``-prefixed page, a match of ``exclude:``), or ``None``."""
        name = path.name
        pattern, include = self._config_rules()
        if name in include:
            return None
        if jekyll_skips(name):
            if name.startswith("._"):
                return "a macOS AppleDouble file"
            return "a backup file" if name.endswith("~") else f"its name starts with {name[0]!r}"
        if not name.lower().endswith(_DOCUMENT_SUFFIXES):
            return None  # data, BibTeX and TSV files are read as data, published or not
        if rel is None:
            rel = self.rel(path)
        if rel in include:
            return None
        match = pattern.match(rel)
        return f"exclude: in _config.yml or Jekyll's defaults matches {rel}" if match else None

    def front_matter(self, path: Path, text: str | None = None) -> FrontMatter | None:
        """Split a page's front matter, reporting YAML errors and duplicate keys."""
        if text is None:
            text = self.read_text(path)
            if text is None:
                return None
        fm = split_front_matter(text)
        self.report_front_matter(path, fm)
        return fm

    def report_front_matter(self, path: Path, fm: FrontMatter) -> None:
        """The YAML error and duplicate keys of ``path``'s front matter ``fm``."""
        if fm.error is not None:
            self.report(fm.error.code, fm.error.message, path, fm.error.line)
        for key, line in fm.duplicate_keys:
            self.report(
                DUPLICATE_KEY, f"key {key!r} appears twice; the last value wins", path, line
            )

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
        for dirpath, dirnames, files in _walk_entries(folder):
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
            for name in sorted(files):
                path = current / name
                if suffixes and path.suffix.lower() not in suffixes:
                    continue
                rel = None if folder_rel is None else (
                    name if folder_rel == "." else f"{folder_rel}/{name}")
                why = self.excluded(path, rel)
                if why is not None:
                    self.report(
                        NOT_PUBLISHED, f"not read: Jekyll does not publish it ({why})", path
                    )
                    continue
                if _is_plain_file(files[name]):
                    if rel is not None:
                        # a plain file in a folder below the root: not resolved again
                        self._walked[path] = rel
                    yield path
                    continue
                kind = special_kind(path)
                if kind is not None and not path.is_symlink():
                    self.report(SPECIAL_FILE, f"{kind}; not read", path)
                    continue
                if path.is_symlink() and not self.inside_root(path):
                    self.report(
                        SYMLINK_SKIPPED, "symlink points outside the source; not followed", path
                    )
                    continue
                yield path


def _walk_entries(top: str | Path) -> Iterator[tuple[str, list[str], dict[str, os.DirEntry[str]]]]:
    """``os.walk(top, followlinks=False)`` that also hands over each file's directory entry
    (folder, sub-folder names the caller may prune, file name -> entry): the entry knows
    from the listing whether a file is a plain one, so most files need no ``stat`` at all."""
    try:
        with os.scandir(top) as listing:
            entries = list(listing)
    except OSError:
        return
    dirs: list[str] = []
    files: dict[str, os.DirEntry[str]] = {}
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            dirs.append(entry.name)
        else:
            files[entry.name] = entry
    yield os.fspath(top), dirs, files
    for name in dirs:
        path = os.path.join(top, name)
        if not os.path.islink(path):
            yield from _walk_entries(path)


def _is_plain_file(entry: os.DirEntry[str]) -> bool:
    """A regular file that is not a symlink (known from the listing on most file systems)."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _nonblocking(path: str, flags: int) -> int:
    """``open`` flags that never wait on a FIFO (the caller checks it is a regular file)."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


class Reader:
    """Base class: subclasses set ``name`` and implement ``detect`` and ``read``."""

    name: ClassVar[str] = ""
    #: True when the reader also accepts a single page (not only a site folder)
    reads_pages: ClassVar[bool] = True

    def detect(self, path: Path) -> Detection:
        raise NotImplementedError

    def read(self, path: Path, ctx: ReadContext) -> Model:
        raise NotImplementedError
