"""The one config merge every writer uses (``parsing.config_yaml.merge_config``)."""

from __future__ import annotations

import pytest

from sitemigrate.common.writer import WriteContext
from sitemigrate.parsing.config_yaml import dump_config, load_config, merge_config
from sitemigrate.parsing.yamlio import YamlError

EXISTING = """\
# the theme's own comment
title: &title "Old Lab"   # keep me
email: lab@example.org
url:
filtered: [a, b]
scholar: {style: apa, locale: en}
collections:
  books: {output: true}
"""


def test_each_rule_of_the_merge() -> None:
    config = load_config(EXISTING)
    assert config is not None
    merge_config(config, {"title": "Old Lab", "email": "", "url": "", "description": None,
                          "filtered": ["b", "c"], "scholar": {"style": "ieee", "query": "@*"},
                          "collections": {"books": {"output": False}, "news": {"output": True}},
                          "new": "x"},
                 optional=("email", "url"), extend=("filtered",), merge=("scholar",),
                 add=("collections",))
    text = dump_config(config)
    assert text.startswith("# the theme's own comment\ntitle: &title \"Old Lab\"   # keep me\n")
    data = load_config(text)
    assert data is not None
    assert data["email"] == "lab@example.org" and data["url"] is None  # "" blanks nothing
    assert "description" not in data  # None is no value
    assert data["filtered"] == ["a", "b", "c"]
    assert data["scholar"] == {"style": "ieee", "locale": "en", "query": "@*"}
    assert data["collections"] == {"books": {"output": True}, "news": {"output": True}}
    assert data["new"] == "x"


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_an_empty_config_is_no_config(text: str) -> None:
    assert load_config(text) is None
    ctx = WriteContext(existing=lambda rel: text.encode() if rel == "_config.yml" else None)
    assert ctx.existing_config() is None and not list(ctx.diagnostics)


def test_a_merge_into_its_own_output_changes_nothing() -> None:
    values = {"title": "Lab", "url": "", "scholar": {"style": "apa"}, "filtered": ["a"]}
    first = dump_config(values)
    loaded = load_config(first)
    assert loaded is not None
    again = dump_config(merge_config(loaded, values, optional=("url",),
                                     extend=("filtered",), merge=("scholar",)))
    assert again == first


@pytest.mark.parametrize(("text", "code"), [
    ("title: [unclosed\n", "SM101"),
    ("- a list\n", "SM101"),
    ("a: " + "[" * 300 + "]" * 300 + "\n", "SM505"),
    ("a: &a [x, x]\n" + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}]\n" for p, c in
                                 zip("abcdefghij", "bcdefghijk", strict=True)), "SM502"),
])
def test_a_config_that_does_not_load_is_reported_once(text: str, code: str) -> None:
    with pytest.raises(YamlError) as err:
        load_config(text)
    assert err.value.code == code
    ctx = WriteContext(existing=lambda rel: text.encode() if rel == "_config.yml" else None)
    assert ctx.existing_config() is None
    assert [(d.code, d.file) for d in ctx.diagnostics] == [(code, "_config.yml")]
