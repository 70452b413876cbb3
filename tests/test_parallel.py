"""map_on_two_cores: the sequential result, whichever core did the work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import corpus_sites, requires_corpus, site_id
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate import parallel
from sitemigrate.parallel import map_on_two_cores


@pytest.fixture
def two_cores_here() -> None:
    """Skip unless this process may fork now (Linux, two cores, no other thread running)."""
    if not parallel._spare_core():
        pytest.skip("needs fork, two cores and no other thread")


two_cores = pytest.mark.usefixtures("two_cores_here")


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@two_cores
def test_second_half_runs_in_another_process() -> None:
    results = map_on_two_cores(_square_and_pid, range(10), min_items=2)
    assert [value for value, _ in results] == [n * n for n in range(10)]
    pids = [pid for _, pid in results]
    assert pids[:5] == [os.getpid()] * 5
    assert len(set(pids[5:])) == 1 and pids[5] != os.getpid()


def test_short_lists_and_one_core_stay_here(monkeypatch: pytest.MonkeyPatch) -> None:
    assert {pid for _, pid in map_on_two_cores(_square_and_pid, range(10))} == {os.getpid()}
    monkeypatch.setattr(parallel, "_enabled", False)
    results = map_on_two_cores(_square_and_pid, range(10), min_items=2)
    assert {pid for _, pid in results} == {os.getpid()}


@two_cores
@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=40), st.integers(min_value=0, max_value=5))
def test_equal_to_the_loop(items: list[str], min_items: int) -> None:
    def work(text: str) -> tuple[str, int, list[str]]:
        return text.upper(), len(text), text.split()

    assert map_on_two_cores(work, items, min_items=min_items) == [work(t) for t in items]


class Record:
    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and other.name == self.name


@two_cores
def test_records_cross_as_plain_values() -> None:
    names = [f"n{i}" for i in range(8)]
    results = map_on_two_cores(Record, names, min_items=2,
                               to_plain=lambda record: record.name, from_plain=Record)
    assert results == [Record(name) for name in names]


@two_cores
def test_a_failed_child_leaves_its_half_to_this_process() -> None:
    me = os.getpid()

    def work(n: int) -> object:
        if os.getpid() != me:  # only the child fails: marshal cannot write an object
            return object()
        return n

    assert map_on_two_cores(work, list(range(6)), min_items=2) == list(range(6))


@two_cores
def test_an_error_here_stops_the_child() -> None:
    me = os.getpid()

    def work(n: int) -> int:
        if os.getpid() == me and n == 1:
            raise ValueError("boom")
        return n

    with pytest.raises(ValueError, match="boom"):
        map_on_two_cores(work, list(range(6)), min_items=2)
    with pytest.raises(ChildProcessError):  # reaped: no child left behind
        os.waitpid(-1, os.WNOHANG)


_calls: list[str] = []


@parallel.shared_cache(maxsize=100)
def _shout(text: str) -> str:
    _calls.append(text)
    return text.upper()


@two_cores
def test_what_the_child_caches_comes_back() -> None:
    _shout.cache_clear()  # type: ignore[attr-defined]
    words = [f"w{i}" for i in range(10)]
    assert map_on_two_cores(_shout, words, min_items=2) == [w.upper() for w in words]
    assert _calls == words[:5]  # this process computed its half only
    _calls.clear()
    assert [_shout(w) for w in words] == [w.upper() for w in words]
    assert _calls == []  # the child's half came back with its results


def test_a_full_shared_cache_starts_again() -> None:
    _shout.cache_clear()  # type: ignore[attr-defined]
    _calls.clear()
    for i in range(101):
        _shout(f"x{i}")
    _shout("x0")
    assert _calls.count("x0") == 2 and len(_calls) == 102


def test_a_publication_row_keeps_every_field() -> None:
    import dataclasses
    import marshal

    from sitemigrate.model import (
        AuthorName,
        Origin,
        Publication,
        publication_from_row,
        publication_row,
    )

    pub = Publication(
        id="k", title="T", authors=["A B"],
        author_names=[AuthorName("B", "A", "Jr", ["*"], True, False, "ab")], year=2020,
        date="2020-01", venue="V", kind="journal", abstract="x", links={"pdf": "p"},
        identifiers={"doi": "10.1/x"}, award="best", selected=True, image="i.png",
        citation="c", extra={"n": 1, "l": [1, "a"], "d": {"z": None}},
        origin=Origin("refs.bib", 3, "added"), merged_from=[Origin("b.md", None)])
    for f in dataclasses.fields(Publication):  # every field set to a non-default value
        assert getattr(pub, f.name) != getattr(Publication("k", "T"), f.name) or f.name in (
            "id", "title")
    again = publication_from_row(marshal.loads(marshal.dumps(publication_row(pub))))
    assert again == pub and list(again.extra) == list(pub.extra)


@two_cores
def test_consume_empties_the_list_only_when_the_child_did_its_half() -> None:
    items = list(range(8))
    assert map_on_two_cores(str, items, min_items=2, consume=True) == [str(n) for n in range(8)]
    assert items == []
    kept = list(range(8))
    assert map_on_two_cores(str, kept, min_items=2) == [str(n) for n in range(8)]
    assert kept == list(range(8))


def _messy_publications(root: Path) -> None:
    """An academicpages site whose publications hold every kind of report, in two orders."""
    pubs = root / "_publications"
    pubs.mkdir(parents=True)
    (root / "_config.yml").write_text(
        "title: T\nremote_theme: academicpages/academicpages.github.io\n")
    files = {
        "2020-01-01-a.md": b"---\ntitle: A\ndate: 2020-01-01\nvenue: V\n---\nabstract\n",
        "2020-01-02-b.md": "---\ntitle: Caf\u00e9\n---\n".encode("latin-1"),
        "2020-01-03-c.md": b"---\ntitle: [unclosed\n---\nbody\n",
        "2020-01-04-d.md": b"no front matter\n",
        "2020-01-05-e.md": b"---\nvenue: V\n---\n",
        "2020-01-06-f.md": b"---\ntitle: F\ndate: 2020-13-45\n---\n",
        "2020-01-07-g.md": b"---\ntitle: G\ntitle: G2\n---\n",
        "2020-01-08-h.md": b"---\ntitle: H\nauthors: [A B, C D]\nextra: {x: [1, 2.5, null]}\n---\n",
        "_draft.md": b"---\ntitle: not published\n---\n",
    }
    for name, data in files.items():
        (pubs / name).write_bytes(data)
    (pubs / "2020-01-09-i.md").write_bytes(b"---\ntitle: I\x00\n---\n")
    (pubs / "2020-01-10-j.md").write_bytes(b"---\ntitle: J\n---\n" + b"too long " * 40)
    # reports the walk makes, between files read later (their reports must go around them)
    os.mkfifo(pubs / "2020-01-06-fifo.md")
    outside = root.parent / f"{root.name}-outside.md"
    outside.write_text("---\ntitle: outside\n---\n")
    (pubs / "2020-01-07-zz.md").symlink_to(outside)


@two_cores
def test_a_site_read_on_two_cores_is_the_site_read_on_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitemigrate.model import to_plain
    from sitemigrate.pipeline import read_site

    _messy_publications(tmp_path)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    both = to_plain(read_site(tmp_path, "academicpages", max_bytes=300))
    monkeypatch.setattr(parallel, "_enabled", False)
    one = to_plain(read_site(tmp_path, "academicpages", max_bytes=300))
    assert both == one
    codes = [d["code"] for d in one["diagnostics"]]
    assert len(one["publications"]) >= 8 and len(set(codes)) >= 6  # the reports are there
    assert "SM501" in codes  # the file over the size limit, read and reported here
    # the order the one-file-at-a-time reader (before the second core) made them in
    assert [(d["code"], d["file"].rsplit("/", 1)[-1]) for d in one["diagnostics"]] == [
        ("SM108", "2020-01-02-b.md"), ("SM101", "2020-01-03-c.md"),
        ("SM201", "2020-01-03-c.md"), ("SM106", "2020-01-04-d.md"),
        ("SM201", "2020-01-04-d.md"), ("SM201", "2020-01-05-e.md"),
        ("SM202", "2020-01-06-f.md"), ("SM506", "2020-01-06-fifo.md"),
        ("SM107", "2020-01-07-g.md"), ("SM504", "2020-01-07-zz.md"),
        ("SM108", "2020-01-09-i.md"), ("SM501", "2020-01-10-j.md"),
        ("SM210", "_draft.md"), ("SM209", "_publications")]


def test_no_fork_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel, "_spare_core", lambda: True)
    monkeypatch.setattr(os, "fork", refuse)
    results = map_on_two_cores(_square_and_pid, range(10), min_items=2)
    assert results == [(n * n, os.getpid()) for n in range(10)]


def test_a_process_with_threads_does_not_fork() -> None:
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        results = map_on_two_cores(_square_and_pid, range(10), min_items=2)
    finally:
        stop.set()
        thread.join()
    assert {pid for _, pid in results} == {os.getpid()}


@requires_corpus
@two_cores
@pytest.mark.parametrize("site", corpus_sites(), ids=site_id)
def test_corpus_sites_migrate_alike_on_one_and_two_cores(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every list a child may take, taken by one, against the loop here: the same model, the
    same al-folio and academicpages files, the same reports in the same order."""
    from sitemigrate.model import to_plain
    from sitemigrate.pipeline import plan_migration, read_site

    def migrated() -> list[object]:
        model = to_plain(read_site(site))
        plans = [plan_migration(read_site(site), target, "/nonexistent-out")
                 for target in ("al-folio", "academicpages")]
        return [model] + [(dict(plan.files.items()), [to_plain(d) for d in plan.diagnostics])
                          for plan in plans]

    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    both = migrated()
    monkeypatch.setattr(parallel, "_enabled", False)
    assert both == migrated()


_ORPHAN_SCRIPT = """
import os, sys, time
from sitemigrate.parallel import map_on_two_cores

def work(n):
    if n == 9:  # the last item: the child's
        open(sys.argv[1], "w").write(str(os.getpid()))
        time.sleep(60)
    return n

map_on_two_cores(work, list(range(10)), min_items=2)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie nobody reaps has ended all the same


@two_cores
def test_the_child_ends_with_its_parent(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    marker = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT, str(marker)])
    try:
        deadline = time.monotonic() + 30
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        child = int(marker.read_text())
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        parent.kill()
        parent.wait(10)
        if marker.exists() and marker.read_text() and _alive(int(marker.read_text())):
            os.kill(int(marker.read_text()), signal.SIGKILL)  # the failed case leaves none


@two_cores
def test_a_cache_the_child_emptied_sends_all_it_holds() -> None:
    _shout.cache_clear()  # type: ignore[attr-defined]
    for i in range(50):  # the cache holds 50 before the child starts
        _shout(f"p{i}")
    words = [f"v{i}" for i in range(300)]  # the child's 135 (v165-v299) overflow 100
    map_on_two_cores(_shout, words, min_items=2)
    _calls.clear()
    held = words[215:]  # what the child's cache held once emptied: all of it came back
    assert [_shout(w) for w in held] == [w.upper() for w in held]
    assert _calls == []
