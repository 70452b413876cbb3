"""``dump_yaml``'s direct writer either declines or gives exactly libyaml's text."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sitemigrate.parsing import yamldump, yamlio
from sitemigrate.parsing.yamldump import dump_yaml
from sitemigrate.parsing.yamlio import load_yaml

#: Pieces YAML reads as something else, or that need quoting, escaping or another style.
_NASTY = ["", " ", "  ", "~", "null", "Null", "yes", "No", "on", "true", "y", "=", "<<",
          "1", "-1", "+1", "007", "1_000", "1.5", ".5", "1e3", "1.0e+3", ".inf", ".nan",
          "0x1F", "0o7", "1:30", "2020-01-01", "2001-12-14 21:59:43.10 -5", "---", "...",
          "- ", "? ", ": ", " #", "#", ":", "-", "?", ",", "[", "]", "{", "}", "&", "*", "!",
          "|", ">", "'", '"', "%", "@", "`", "\\", "a", "Z", "0", "é", "日本", "\t", "\n",
          "\r", "\r\n", "\x85", "\u00a0", "\u2028", "\u2029", "\ufeff", "\u0301", "\u200b",
          "\ue000", "\ufffd", "\uffff", "\x00", "\x07", "\x7f", "\x9f", "😀"]

_pieces = st.lists(st.sampled_from(_NASTY), max_size=6).map("".join)
_long = st.builds(lambda word, n: (word + " ") * n,
                  st.sampled_from(["a", "ab:", "é#", "x'y", "日本語"]),
                  st.integers(min_value=500, max_value=2200))  # around libyaml's width 4096
_text = st.one_of(_pieces, st.text(max_size=12), st.sampled_from(_NASTY), _long)
_keys = st.one_of(_pieces, st.text(max_size=12), st.text("ab'é", min_size=38, max_size=44),
                  st.integers(), st.none())
_scalars = st.one_of(_text, st.integers(), st.integers(min_value=10**20), st.booleans(),
                     st.none(), st.floats(allow_nan=False),
                     st.sampled_from([{}, []]))
_data = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, min_size=1, max_size=4), st.dictionaries(_keys, inner, min_size=1,
                                                             max_size=4)),
    max_leaves=30)


def _reference(data: Any) -> str | None:
    """The text ``dump_yaml`` wrote before the direct writer (the event way)."""
    with yamlio.collector_paused():
        return yamldump._dump_events(data)


def _typed(data: Any) -> Any:
    """``data`` with each scalar's type kept (True == 1 would hide a wrong type)."""
    if isinstance(data, dict):
        return {_typed(k): _typed(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_typed(v) for v in data]
    return (type(data).__name__, data)


def _check(data: Any) -> str | None:
    fast = yamldump._dump_direct(data)
    if fast is not None:
        assert fast == _reference(data)
        assert _typed(load_yaml(fast).data) == _typed(data)
    return fast


@given(_data)
def test_direct_yaml_declines_or_matches_libyaml(data: Any) -> None:
    _check(data)


@given(st.lists(_text, min_size=1, max_size=8), _text)
def test_direct_yaml_strings_as_keys_values_and_items(texts: list[str], key: str) -> None:
    # each text alone as value, key and item: the common case is not masked by a declining
    # sibling elsewhere in a larger document
    for text in texts:
        for data in ({"k": text}, {text: 1}, [text], {key: [text, {text: text}]}):
            _check(data)


_FRONT = {"title": "On the imaging of microfluidic waves: a survey", "date": "2000-12-01",
          "year": 2000, "bibtex_show": "true", "venue": "", "draft": False, "note": None,
          "authors": ["Priya Quist", "Tomás Dubois", "Zoë Oyelaran"],
          "identifiers": {"doi": "10.5576/quist2000waves", "tags": []},
          "links": [{"url": "https://example.org/p#x", "name": "it's #1 - ok"}, {}],
          "nested": [[1, [2, {"a": {"b": [3]}}]], {"c": {}}]}


def test_usual_front_matter_takes_the_direct_way() -> None:
    assert _check(_FRONT) is not None
    assert dump_yaml(_FRONT) == _reference(_FRONT)


def test_direct_yaml_declines_what_it_does_not_write() -> None:
    for data in ({"f": 1.5}, {"f": math.nan}, {"m": "a\nb"}, {"t": "a\tb"}, {"s": "😀"},
                 {"n": "\u00a0"}, {1: "int key"}, {"k" * 41: 1}, {"w": "word " * 900},
                 {"d": {1, 2}}, {}, [], "top-level text", 3):
        assert yamldump._dump_direct(data) is None
        with yamlio.collector_paused():
            before = yamldump._dump_events(data) or yamldump._dump_nodes(data)
        assert dump_yaml(data) == before.removesuffix("...\n")


def test_direct_yaml_near_the_width() -> None:
    # libyaml folds a plain or single-quoted line at a space past column 4096; the direct
    # writer takes text up to 3,000 characters at an indent up to 900, so never that far
    taken = set()
    for size in (2990, 2997, 2998, 2999, 3000, 3001, 3002, 3010):
        for text in ("word " * size)[:size], ("it's " * size)[:size]:
            deep: Any = text
            for _ in range(450):
                deep = [deep]
            for data in ({"key": text}, [{"key" * 13 + "'": [text]}], deep, [[deep]],
                         {"k" * 40: {"'" * 40: {"x": text}}}):
                fast = yamldump._dump_direct(data)
                assert fast is None or fast == _reference(data)
                taken.add(fast is not None)
    assert taken == {True, False}
