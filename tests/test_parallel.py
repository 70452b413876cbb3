"""map_on_two_cores: the sequential result, whichever core did the work."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate import parallel
from sitemigrate.parallel import map_on_two_cores

two_cores = pytest.mark.skipif(not parallel._spare_core(), reason="needs fork and two cores")


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
