"""Liquid a migrated page would run against data, collections or includes the target lacks.

A page's Liquid was written for its source site: ``{% assign pubs = site.data.publications |
sort: 'year' %}`` aborts Jekyll ("Cannot sort a null object") once ``_data/publications.yml``
is gone, and ``{% include card.html %}`` aborts it when the include is missing.  This module
finds such Liquid by its text (it never renders) and cuts it out:

* ``assign`` whose value reads an absent ``site.data.<name>``, an absent ``site.<name>``
  collection or a variable tainted that way (the variable becomes tainted too);
* ``for``/``tablerow`` blocks looping over such values (the whole block, nested ones included);
* ``{{ }}`` outputs reading absent data or tainted variables (they would render nothing);
* ``include``/``include_relative`` of a file the target does not have;
* ``post_url``/``link`` to missing targets (replaced by ``#`` so the surrounding Markdown
  link stays well formed).

``{% raw %}`` and ``{% comment %}`` regions are left alone: Liquid does not run them.
Every cut is returned with its line and text so the caller can keep and report it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

_TOKEN = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}|\{\{-?(.*?)-?\}\}", re.S)
_DATA_REF = re.compile(r"(?<![\w.])site\.data(?:\.([\w-]+)|\[\s*[\"']([^\"']+)[\"']\s*\])")
_SITE_REF = re.compile(r"(?<![\w.])site\.([A-Za-z_][\w-]*)")
#: ``site.categories.news`` is nil without such posts, and ``| sort`` on nil aborts the build
_GROUP_REF = re.compile(
    r"(?<![\w.])site\.(categories|tags)(?:\.([\w-]+)|\[\s*[\"']([^\"']+)[\"']\s*\])")
_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_WORD = re.compile(r"(?<![\w.\-])([A-Za-z_][\w-]*)")
_LOOP = re.compile(r"([\w-]+)\s+in\s+(.*)", re.S)
_SKIPPED_REGIONS = {"raw": "endraw", "comment": "endcomment"}
#: ``site.<name>`` values Jekyll itself provides
JEKYLL_SITE_VARS = frozenset({
    "time", "pages", "posts", "related_posts", "static_files", "html_pages", "html_files",
    "collections", "data", "documents", "categories", "tags", "url", "baseurl", "title",
    "description", "source", "destination", "config", "environment"})


@dataclass(frozen=True, slots=True)
class Target:
    """What the target site has, as predicates over names."""

    data: Callable[[str], bool]  #: ``site.data.<name>``
    site: Callable[[str], bool]  #: ``site.<name>`` (config keys and collections)
    include: Callable[[str], bool]  #: ``_includes/<name>``
    post: Callable[[str], bool]  #: ``{% post_url <name> %}``
    file: Callable[[str], bool]  #: ``{% link <path> %}``


@dataclass(slots=True)
class Cut:
    line: int
    reason: str
    source: str
    #: True when the Liquid was replaced by an equivalent, False when it was removed
    translated: bool = False


@dataclass(slots=True)
class Guarded:
    text: str
    cuts: list[Cut] = field(default_factory=list)


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    tag: str | None  #: None for ``{{ }}`` outputs
    args: str


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    closing: str | None = None
    for match in _TOKEN.finditer(text):
        tag = match.group(1)
        if closing is not None:
            if tag == closing:
                closing = None
            continue
        if tag in _SKIPPED_REGIONS:
            closing = _SKIPPED_REGIONS[tag]
            continue
        args = match.group(2) if tag else match.group(3)
        tokens.append(_Token(match.start(), match.end(), tag, (args or "").strip()))
    return tokens


def unresolved(expression: str, target: Target, tainted: set[str]) -> str | None:
    """What in ``expression`` the target lacks (``site.data.x``, ``site.x``, a variable)."""
    for match in _DATA_REF.finditer(expression):
        name = match.group(1) or match.group(2)
        if not target.data(name):
            return f"site.data.{name}"
    for match in _GROUP_REF.finditer(expression):
        name = f"{match.group(1)}.{match.group(2) or match.group(3)}"
        if not target.site(name):
            return f"site.{name}"
    bare = _STRING.sub('""', expression)
    for match in _SITE_REF.finditer(bare):
        name = match.group(1)
        if name != "data" and name not in JEKYLL_SITE_VARS and not target.site(name):
            return f"site.{name}"
    for match in _WORD.finditer(bare):
        if match.group(1) in tainted:
            return match.group(1)
    return None


def _matching_end(tokens: list[_Token], index: int) -> int | None:
    opening = tokens[index].tag
    depth = 0
    for j in range(index, len(tokens)):
        tag = tokens[j].tag
        if tag == opening:
            depth += 1
        elif tag == f"end{opening}":
            depth -= 1
            if depth == 0:
                return j
    return None


def guard(text: str, target: Target, first_line: int = 1) -> Guarded:
    """``text`` without the Liquid that reads what the target lacks; the cuts it made."""
    if "{%" not in text and "{{" not in text:
        return Guarded(text)
    tokens = _tokens(text)
    tainted: set[str] = set()
    edits: list[tuple[int, int, str, str]] = []  # start, end, replacement, reason
    i = 0
    while i < len(tokens):
        token = tokens[i]
        edit = _check(token, target, tainted)
        if edit is not None and token.tag in ("for", "tablerow"):
            end = _matching_end(tokens, i)
            if end is not None:
                edits.append((token.start, tokens[end].end, "", edit[1]))
                i = end + 1
                continue
            edit = None
        if edit is not None:
            edits.append((token.start, token.end, *edit))
        i += 1
    if not edits:
        return Guarded(text)
    out: list[str] = []
    cuts: list[Cut] = []
    position = 0
    for start, end, replacement, reason in edits:
        out.append(text[position:start] + replacement)
        cuts.append(Cut(first_line + text.count("\n", 0, start), reason, text[start:end]))
        position = end
    out.append(text[position:])
    return Guarded("".join(out), cuts)


def _check(token: _Token, target: Target, tainted: set[str]) -> tuple[str, str] | None:
    """(replacement, reason) when ``token`` must go, else None; updates ``tainted``."""
    if token.tag is None:
        missing = _missing_data_or_variable(token.args, target, tainted)
        return ("", f"output reads {missing}") if missing else None
    if token.tag == "assign":
        name, _, value = token.args.partition("=")
        missing = unresolved(value, target, tainted)
        if missing is None:
            tainted.discard(name.strip())
            return None
        tainted.add(name.strip())
        return "", f"assign reads {missing}"
    if token.tag in ("for", "tablerow"):
        loop = _LOOP.match(token.args)
        missing = unresolved(loop.group(2), target, tainted) if loop else None
        return ("", f"loop over {missing}") if missing else None
    first = token.args.split()[0] if token.args.split() else ""
    if token.tag == "include" and first and "{{" not in first and not target.include(first):
        return "", f"include {first} does not exist in the target"
    if token.tag == "post_url" and first and not target.post(first):
        return "#", f"post_url {first}: no such post"
    if token.tag == "include_relative" and first and "{{" not in first \
            and not target.file(first):
        return "", f"include_relative {first} does not exist in the target"
    if token.tag == "link" and first and "{{" not in first and not target.file(first):
        return "#", f"link {first}: no such file"
    return None


def _missing_data_or_variable(expression: str, target: Target, tainted: set[str]) -> str | None:
    """Like ``unresolved`` but ignoring plain ``site.<name>`` (settings that render empty)."""
    return unresolved(expression, replace(target, site=_anything), tainted)


def _anything(name: str) -> bool:
    return True
