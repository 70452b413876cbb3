"""The second core for long, pure loops: the last part of a list done in a forked child.

A 10,000-entry bibliography spends most of its time in per-record work that needs nothing but
the record (mapping a BibTeX entry, formatting an entry to write).  ``map_on_two_cores`` runs
the first part (a bit over half) in this process and the rest in a ``fork`` of it; the child
sends its results back through a pipe as ``marshal`` bytes (plain values only: a record is
turned into a tuple and back, 30 µs where ``pickle`` of the dataclass takes ten times that).

What the child computes into a ``shared_cache`` comes back with its results: the parent's
caches end up as warm as if it had done the whole loop (a writer re-checks the values the
reader decoded; cold, that check costs as much as the decoding).

The result is always what ``[work(item) for item in items]`` gives, in order: without
``fork`` (not Linux), with one core, for short lists, in a batch worker, or when the child
fails for any reason (its part is then done here), the loop simply runs here.  ``work``
must not report or change shared state: what the child changes is lost with it.
"""

from __future__ import annotations

import functools
import marshal
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")
_F = TypeVar("_F", bound=Callable[..., Any])

#: below this many items, forking and sending the results back costs more than it saves
MIN_ITEMS = 1000
#: the items done here: a bit over half, as the child also encodes its results and copies
#: the memory pages it touches (measured on 10k-record lists: both end within 0.03 s)
PARENT_SHARE = 0.55
_enabled = True


def use_one_core() -> None:
    """Run every loop here: for worker processes that already share the cores (batch, lab)."""
    global _enabled
    _enabled = False


class _Memo:
    """The entries of one ``shared_cache``, and how often it was emptied."""

    __slots__ = ("entries", "maxsize", "emptied")

    def __init__(self, maxsize: int) -> None:
        self.entries: dict[Any, Any] = {}
        self.maxsize, self.emptied = maxsize, 0

    def clear(self) -> None:
        self.entries.clear()
        self.emptied += 1


#: every ``shared_cache``
_SHARED: list[_Memo] = []


def shared_cache(maxsize: int) -> Callable[[_F], _F]:
    """A memo like ``functools.lru_cache`` for a pure function of plain values returning
    plain values, whose entries made in a ``map_on_two_cores`` child come back to this
    process.  Full, it starts again empty."""
    def decorate(func: _F) -> _F:
        memo = _Memo(maxsize)
        _SHARED.append(memo)
        cache = memo.entries

        @functools.wraps(func)
        def cached(*args: Any) -> Any:
            try:
                return cache[args]
            except KeyError:
                pass
            value = func(*args)
            if len(cache) >= maxsize:
                memo.clear()
            cache[args] = value
            return value

        cached.cache_clear = memo.clear  # type: ignore[attr-defined]
        return cached  # type: ignore[return-value]
    return decorate


def _cache_marks() -> list[tuple[int, int]]:
    return [(len(memo.entries), memo.emptied) for memo in _SHARED]


def _learned_since(marks: list[tuple[int, int]]) -> list[list[tuple[Any, Any]]]:
    """The entries each shared cache gained since ``marks`` (all it holds if it was emptied
    since)."""
    return [list(memo.entries.items())[size if memo.emptied == emptied else 0:]
            for memo, (size, emptied) in zip(_SHARED, marks, strict=True)]


def _learn(learned: list[list[tuple[Any, Any]]]) -> None:
    for memo, entries in zip(_SHARED, learned, strict=True):
        memo.entries.update(entries[:max(0, memo.maxsize - len(memo.entries))])


def _spare_core() -> bool:
    if not _enabled or not sys.platform.startswith("linux"):
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False  # a fork copies one thread: a lock another one holds would never open
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return False


def _same(value: Any) -> Any:
    return value


def map_on_two_cores(work: Callable[[_T], _R], items: Sequence[_T], *,
                     to_plain: Callable[[_R], Any] = _same,
                     from_plain: Callable[[Any], _R] = _same,
                     min_items: int | None = None, consume: bool = False) -> list[_R]:
    """``[work(item) for item in items]``, the last part computed on another core.

    ``to_plain`` turns a result into values ``marshal`` can write (``from_plain`` turns it
    back); results that already are such values need neither.  Lists shorter than
    ``min_items`` (default ``MIN_ITEMS``) stay here.  With ``consume``, ``items`` (a list
    nothing else needs) is emptied on the way: the items the child did are let go before
    its results arrive, so they are not held twice.
    """
    if len(items) < (MIN_ITEMS if min_items is None else min_items) or not _spare_core():
        return [work(item) for item in items]
    cut = int(len(items) * PARENT_SHARE)

    def theirs() -> bytes:
        marks = _cache_marks()
        results = [to_plain(work(item)) for item in items[cut:]]
        try:
            return marshal.dumps((results, _learned_since(marks)))
        except ValueError:  # a cache entry marshal cannot write: the results alone
            return marshal.dumps((results, None))

    child = _Child.start(theirs)
    if child is None:
        return [work(item) for item in items]
    try:
        mine = [work(item) for item in items[:cut]]
        sent = child.result()
    finally:
        child.stop()
    if sent is None:
        return mine + [work(item) for item in items[cut:]]
    if consume and isinstance(items, list):
        items.clear()
    results, learned = marshal.loads(sent)
    if learned is not None:
        _learn(learned)
    return mine + [from_plain(value) for value in results]


class _Child:
    """``produce`` running in a forked child, its bytes read back through a pipe."""

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid, self.read_end, self.running = pid, read_end, True

    @classmethod
    def start(cls, produce: Callable[[], bytes]) -> _Child | None:
        """The child, or ``None`` when the system will not make one (a process limit)."""
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return None
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the child: never returns, never runs this process's exit handlers
            code = 1
            try:
                os.close(read_end)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                die_with_parent()
                if os.getppid() == parent:  # else the parent died before that took effect
                    _write_all(write_end, produce())
                    code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        return cls(pid, read_end)

    def result(self) -> bytearray | None:
        """The child's bytes, or ``None`` when it failed."""
        data = _read_all(self.read_end)
        _, status = os.waitpid(self.pid, 0)
        self.running = False
        return data if status == 0 else None

    def stop(self) -> None:
        """Close the pipe; a child still running (this process is stopping on an error or
        Ctrl-C) is killed and reaped."""
        os.close(self.read_end)
        if self.running:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.running = False


def die_with_parent() -> None:
    """On Linux, have the kernel kill this process when its parent dies (no orphans)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _write_all(fd: int, data: bytes) -> None:
    """``data`` after its length (8 bytes), so the reader holds it in one buffer."""
    for part in (len(data).to_bytes(8, "little"), data):
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


def _read_all(fd: int) -> bytearray | None:
    """What ``_write_all`` sent, or ``None`` when the writer stopped short."""
    head = _read_into(fd, bytearray(8))
    if head is None:
        return None
    return _read_into(fd, bytearray(int.from_bytes(head, "little")))


def _read_into(fd: int, buffer: bytearray) -> bytearray | None:
    view, done = memoryview(buffer), 0
    while done < len(buffer):
        got = os.readv(fd, [view[done:]])
        if not got:
            return None
        done += got
    return buffer
