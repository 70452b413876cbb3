"""Planned output files held in memory: diffed against disk for a dry run, written atomically."""

from __future__ import annotations

import ctypes
import ctypes.util
import difflib
import os
import shutil
import sys
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

    def remove(self, path: str) -> None:
        self._files.pop(path, None)

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
    if not out_dir.exists():
        # nothing can be found below a folder that cannot be found: no stat per file
        return [FileChange(rel, "create", None, data) for rel, data in files.items()]
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


def untouched_files(files: FileSet, out_dir: Path) -> list[str]:
    """Files already in ``out_dir`` that the plan does not mention: they are kept as they are."""
    if out_dir.is_symlink() or not out_dir.is_dir():
        return []
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(out_dir, followlinks=False):
        dirnames.sort()
        base = Path(dirpath).relative_to(out_dir)
        for name in sorted(filenames):
            rel = (base / name).as_posix()
            if rel not in files:
                found.append(rel)
    return found


def in_written_folders(files: FileSet, paths: list[str]) -> list[str]:
    """Those of ``paths`` in a subfolder the plan writes into, such as an old publication
    left in ``_publications/`` that the theme would still render.  The top level is left
    out: there sit the theme's own files (Gemfile, index pages), which are no news."""
    folders = {str(PurePosixPath(rel).parent) for rel in files} - {"."}
    return [rel for rel in paths if str(PurePosixPath(rel).parent) in folders]


class OverwriteRefused(Exception):
    def __init__(self, paths: list[str]) -> None:
        super().__init__(f"{len(paths)} existing file(s) would be overwritten")
        self.paths = paths


def write_atomically(files: FileSet, out_dir: Path, *, force: bool = False) -> list[FileChange]:
    """Write ``files`` under ``out_dir`` so that a failure leaves ``out_dir`` as it was.

    The new tree is built in a sibling staging folder (a copy of ``out_dir`` when it exists,
    plus the planned files) and swapped in with one atomic exchange (two renames where the
    system has no exchange).  Files in ``out_dir`` the plan does not mention are kept.
    Existing files that would change are refused unless ``force``.  Staging folders left
    by a killed run are removed first (and ``out_dir`` restored if it was caught mid-swap).
    """
    check_output_folder(out_dir)
    recover_interrupted(out_dir)
    changes = plan_changes(files, out_dir)
    conflicts = [c.path for c in changes if c.action == "change"]
    if conflicts and not force:
        raise OverwriteRefused(conflicts)
    if all(c.action == "same" for c in changes) and out_dir.is_dir():
        return changes
    existed = out_dir.is_dir()
    if existed:  # below a folder that does not exist yet there is no symlink to find
        checked: set[str] = set()
        for rel in files:
            folder = rel.rpartition("/")[0]
            if folder not in checked:
                _check_no_symlink_parents(out_dir, rel)
                checked.add(folder)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{STAGING_MARK}", dir=parent))
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp's 0700 would hide a new site from servers
    try:
        if existed:
            shutil.rmtree(staging)
            shutil.copytree(out_dir, staging, symlinks=True, copy_function=_link_or_copy)
        made: set[Path] = set()
        for rel, data in files.items():
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if existed:  # never write into a file in place: it may be a link to the live output
                target.unlink(missing_ok=True)
            target.write_bytes(data)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return changes


def check_output_folder(out_dir: Path) -> None:
    """Refuse an output folder that is a symlink: writing there would land somewhere else."""
    if out_dir.is_symlink():
        raise UnsafePathError(f"output folder {out_dir} is a symlink to "
                              f"{os.readlink(out_dir)}; give the real path instead")
    if out_dir.exists() and not out_dir.is_dir():
        raise UnsafePathError(f"output folder {out_dir} exists and is not a folder")


STAGING_MARK = ".sitemigrate-"


def staging_folders(out_dir: Path) -> list[Path]:
    """Staging and backup folders a previous run on ``out_dir`` may have left behind."""
    parent = out_dir.absolute().parent
    if not parent.is_dir():
        return []
    prefix = f".{out_dir.name}{STAGING_MARK}"
    return sorted(p for p in parent.iterdir() if p.name.startswith(prefix))


def recover_interrupted(out_dir: Path) -> None:
    """Undo what a killed run left: restore a backup swapped out of the way, drop staging."""
    leftovers = staging_folders(out_dir)
    backups = [p for p in leftovers if p.name.endswith(".old") and p.is_dir()]
    if backups and not out_dir.exists() and not out_dir.is_symlink():
        # Killed between the two renames of the fallback swap: the backup is the old tree.
        os.replace(backups[0], out_dir)
    for path in leftovers:
        if path.is_symlink() or not path.is_dir():
            continue
        shutil.rmtree(path, ignore_errors=True)


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
    if _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old tree
        return
    backup = staging.with_name(staging.name + ".old")
    os.replace(out_dir, backup)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(backup, out_dir)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _link_or_copy(src: str, dst: str) -> None:
    """Hard-link an existing output file into staging (fast, no extra space); copy if not."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2``); False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
