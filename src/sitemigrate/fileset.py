"""Planned output files held in memory: diffed against disk for a dry run, written atomically."""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TypeVar

from .paths import UnsafePathError, safe_relative_path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

_T = TypeVar("_T")


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
    A run holds ``out_dir``'s lock file from start to end: a second run into the same
    folder fails with ``OutputLocked``.  An ``out_dir`` that is a mount point cannot be
    renamed: its top-level entries are swapped one by one from a staging folder inside it.
    """
    check_output_folder(out_dir)
    with output_lock(out_dir):
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
        if existed and is_mount_point(out_dir):
            _write_inside(files, out_dir)
        else:
            _write_beside(files, out_dir, existed)
    return changes


def _write_beside(files: FileSet, out_dir: Path, existed: bool) -> None:
    parent = out_dir.resolve().parent
    _named(parent, lambda: parent.mkdir(parents=True, exist_ok=True))
    staging = Path(_named(parent, lambda: tempfile.mkdtemp(
        prefix=f".{out_dir.name}{STAGING_MARK}", dir=parent)))
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp's 0700 would hide a new site from servers
    try:
        if existed:
            shutil.rmtree(staging)
            shutil.copytree(out_dir, staging, symlinks=True, copy_function=_link_or_copy)
        _fill(staging, files, existed, out_dir)
        try:
            _swap_in(staging, out_dir)
        except OSError as exc:
            if exc.errno not in (errno.EBUSY, errno.EXDEV) or not out_dir.is_dir():
                raise
            # a mount point the check did not recognise: swap inside it instead
            shutil.rmtree(staging, ignore_errors=True)
            _write_inside(files, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _fill(staging: Path, files: FileSet, copied: bool, out_dir: Path) -> None:
    """Write ``files`` below ``staging``; an error names the file as it would be in
    ``out_dir`` (the staging folder is gone by the time anyone reads the message)."""
    made: set[str] = set()
    base = os.fspath(staging)
    for rel, data in files.items():  # checked relative POSIX paths: joined as strings
        folder = rel.rpartition("/")[0]
        if folder not in made:
            _named(out_dir / rel, partial(os.makedirs, f"{base}/{folder}", exist_ok=True))
            made.add(folder)
        target = f"{base}/{rel}"
        if copied:  # never write into a file in place: it may be a link to the live output
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        _named(out_dir / rel, partial(_write_file, target, data))


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


def _write_file(path: str, data: bytes) -> None:
    """``Path(path).write_bytes(data)`` in three system calls (open, write, close): no file
    object, no buffer, no terminal check; a new site is thousands of small files."""
    fd = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _named(path: Path, action: Callable[[], _T]) -> _T:
    """Run ``action``; an ``OSError`` without a file name gets ``path`` (a full disk says
    where it was full)."""
    try:
        return action()
    except OSError as exc:
        if not exc.filename:
            exc.filename = str(path)
        raise


#: inside a mount-point output: the staging folder and the folder old entries go to
INSIDE_STAGING = ".sitemigrate-staging"
INSIDE_OLD = ".sitemigrate-old"


def is_mount_point(path: Path) -> bool:
    """True when ``path`` is a mount point (it cannot be renamed or replaced)."""
    try:
        return os.path.ismount(path) or path.stat().st_dev != path.resolve().parent.stat().st_dev
    except OSError:
        return False


def _write_inside(files: FileSet, out_dir: Path) -> None:
    """Copy-and-swap inside ``out_dir``: the top-level entries the plan touches are built in
    ``OUT/.sitemigrate-staging`` (hard links of what is there plus the new files), then each
    is swapped in by rename; the old ones wait in ``OUT/.sitemigrate-old`` until all are in."""
    staging = out_dir / INSIDE_STAGING
    old = out_dir / INSIDE_OLD
    touched = sorted({rel.split("/", 1)[0] for rel in files})
    try:
        _named(staging, lambda: staging.mkdir())
        for name in touched:
            current = out_dir / name
            if current.is_dir() and not current.is_symlink():
                shutil.copytree(current, staging / name, symlinks=True,
                                copy_function=_link_or_copy)
        _fill(staging, files, True, out_dir)
        _named(old, lambda: old.mkdir())
        for name in touched:
            if (out_dir / name).exists() or (out_dir / name).is_symlink():
                os.replace(out_dir / name, old / name)
            os.replace(staging / name, out_dir / name)
    except BaseException:
        _restore_inside(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _restore_inside(out_dir: Path) -> None:
    """Put back the entries a stopped in-place swap had moved aside; drop its staging."""
    old = out_dir / INSIDE_OLD
    if old.is_dir() and not old.is_symlink():
        for entry in sorted(old.iterdir()):
            current = out_dir / entry.name
            if current.is_dir() and not current.is_symlink():
                shutil.rmtree(current, ignore_errors=True)
            elif current.exists() or current.is_symlink():
                current.unlink()
            os.replace(entry, current)
        shutil.rmtree(old, ignore_errors=True)
    staging = out_dir / INSIDE_STAGING
    if staging.is_dir() and not staging.is_symlink():
        shutil.rmtree(staging, ignore_errors=True)


class OutputLocked(Exception):
    """Another run is writing the same output folder."""


def lock_path(out_dir: Path) -> Path:
    """The lock file of ``out_dir``: beside it, so swapping the folder keeps the lock."""
    out = out_dir.absolute()
    if out.is_dir() and is_mount_point(out):  # its parent may not be ours to write
        return out / ".sitemigrate.lock"
    return out.parent / f".{out.name}.sitemigrate.lock"


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir``'s lock; ``OutputLocked`` at once when another run holds it."""
    if fcntl is None:  # pragma: no cover - not on POSIX
        yield
        return
    path = lock_path(out_dir)
    _named(path.parent, lambda: path.parent.mkdir(parents=True, exist_ok=True))
    while True:
        fd = _named(path, lambda: os.open(path, os.O_RDWR | os.O_CREAT, 0o644))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(fd)
            os.close(fd)
            raise OutputLocked(
                f"{out_dir}: another sitemigrate run{holder} is writing this folder "
                f"(lock file {path}); wait for it to finish and run again") from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the file as we opened it: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


def _lock_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


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
    if out_dir.is_dir() and not out_dir.is_symlink():
        _restore_inside(out_dir)
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
    import ctypes  # imported here: ctypes.util brings subprocess, 8 ms of every start-up
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
