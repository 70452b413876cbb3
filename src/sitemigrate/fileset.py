"""Planned output files held in memory: diffed against disk for a dry run, written atomically."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .paths import UnsafePathError, safe_relative_path


class FileSet:
    """Relative POSIX path -> bytes.  Paths are checked when added: none can leave the root."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, path: str, content: str | bytes) -> str:
        rel = safe_relative_path(path)
        data = content.encode("utf-8") if isinstance(content, str) else content
        self._files[rel] = data
        return rel

    def unique_path(self, path: str) -> str:
        """``path`` or, if taken, ``stem-2.ext``, ``stem-3.ext``…"""
        rel = safe_relative_path(path)
        if rel not in self._files:
            return rel
        posix = PurePosixPath(rel)
        n = 2
        while True:
            candidate = str(posix.with_name(f"{posix.stem}-{n}{posix.suffix}"))
            if candidate not in self._files:
                return candidate
            n += 1

    def get(self, path: str) -> bytes | None:
        return self._files.get(path)

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._files))

    def __len__(self) -> int:
        return len(self._files)

    def items(self) -> list[tuple[str, bytes]]:
        return sorted(self._files.items())


@dataclass(slots=True)
class FileChange:
    path: str
    action: str  #: "create", "change" or "same"
    old: bytes | None
    new: bytes

    def unified_diff(self) -> str:
        old = (self.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = self.new.decode("utf-8", "replace").splitlines(keepends=True)
        src = "/dev/null" if self.old is None else f"a/{self.path}"
        return "".join(difflib.unified_diff(old, new, src, f"b/{self.path}"))


def plan_changes(files: FileSet, out_dir: Path) -> list[FileChange]:
    """Compare planned files with what ``out_dir`` holds now."""
    changes: list[FileChange] = []
    for rel, data in files.items():
        target = out_dir / rel
        old: bytes | None = None
        if target.is_file() and not target.is_symlink():
            old = target.read_bytes()
        elif target.exists() or target.is_symlink():
            old = b""
        if old is None:
            action = "create"
        elif old == data:
            action = "same"
        else:
            action = "change"
        changes.append(FileChange(rel, action, old, data))
    return changes


class OverwriteRefused(Exception):
    def __init__(self, paths: list[str]) -> None:
        super().__init__(f"{len(paths)} existing file(s) would be overwritten")
        self.paths = paths


def write_atomically(files: FileSet, out_dir: Path, *, force: bool = False) -> list[FileChange]:
    """Write ``files`` under ``out_dir`` so that a failure leaves ``out_dir`` as it was.

    The new tree is built in a sibling staging folder (a copy of ``out_dir`` when it exists,
    plus the planned files) and swapped in with renames.  Existing files that would change
    are refused unless ``force``.
    """
    changes = plan_changes(files, out_dir)
    conflicts = [c.path for c in changes if c.action == "change"]
    if conflicts and not force:
        raise OverwriteRefused(conflicts)
    if all(c.action == "same" for c in changes) and out_dir.is_dir():
        return changes
    for rel in files:
        _check_no_symlink_parents(out_dir, rel)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.sitemigrate-", dir=parent))
    try:
        if out_dir.is_dir():
            shutil.rmtree(staging)
            shutil.copytree(out_dir, staging, symlinks=True)
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():
                target.unlink()
            target.write_bytes(data)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return changes


def _check_no_symlink_parents(out_dir: Path, rel: str) -> None:
    current = out_dir
    for part in PurePosixPath(rel).parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise UnsafePathError(f"{rel}: folder {current} in the output is a symlink")


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    backup = staging.with_name(staging.name + ".old")
    os.replace(out_dir, backup)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(backup, out_dir)
        raise
    shutil.rmtree(backup, ignore_errors=True)
