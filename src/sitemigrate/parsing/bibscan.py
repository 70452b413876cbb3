"""BibTeX text -> blocks, the splitter's way, fast.

bibtexparser's splitter walks every brace, comma, quote, ``=`` and newline of a file one
Python call at a time; on a LaTeX-heavy bibliography that is most of the cost of reading
it.  ``scan_blocks`` gives the same entries and ``@string`` definitions (same keys,
fields, values, lines and raw text) by jumping with regular expressions between the
places where the splitter's state can change: field names, value delimiters and the
braces of nested groups.  It follows the splitter's rules exactly, quirks included:

- a ``{``, ``}``, ``"``, ``,``, ``=`` or newline right after a backslash is plain text
  (so a line ending in ``\\`` is not counted);
- inside ``{…}`` only braces count; inside ``"…"`` only a quote does, except ``{"}``;
- ``@comment``/``@preamble``/``@string`` end at the first unmatched ``}``, quotes or not;
- a block starts at any ``@name{`` between blocks, and inside a block only at the start
  of a line.

Anything else the splitter would handle in its own way — a block it cannot parse, a
``(``-delimited block, a block start inside a value — makes ``scan_blocks`` return
``None``, and the caller runs the splitter itself.  The tests hold the two equal on
generated text and on every ``.bib`` file of the corpus.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class ScannedEntry(NamedTuple):
    entry_type: str  #: lower case, stripped
    key: str
    fields: list[tuple[str, str, int]]  #: (name as written, value with delimiters, 1-based line)
    line: int  #: 1-based line of the ``@``
    raw: str
    duplicate_fields: tuple[str, ...]  #: names written more than once, as written


class ScannedString(NamedTuple):
    key: str
    value: str  #: with delimiters, as written


class FailedBlock(NamedTuple):
    line: int
    reason: str
    raw: str


ScannedBlock = ScannedEntry | ScannedString | FailedBlock

#: ``@name`` before the ``{`` or ``(`` opening a block
_AT_NAME = r"@\w*[ \t]*(?=[{(])"
_BLOCK_START = re.compile(_AT_NAME)
_LINE_START_BLOCK = re.compile(r"\n[^\S\n]*(" + _AT_NAME + ")")
#: every mark the splitter stops at, newlines aside (they are counted apart)
_MARK = re.compile(r"(?<!\\)[{}\",=]|" + _AT_NAME)
#: the marks that matter between the parts of a value
_VALUE_MARK = re.compile(r"(?<!\\)[{}\",]")
#: a brace the splitter counts: one not right after a backslash
SPLITTER_BRACE = re.compile(r"(?<!\\)[{}]")
_QUOTE = re.compile(r'(?<!\\)"')


#: text between the splitter's braces: a brace right after a backslash is text
SPLITTER_TEXT = r"[^{}\\]++|\\[{}]?"


def nested_braces(text: str, depth: int) -> str:
    """A pattern for a run of ``text`` pieces and ``{…}`` groups of such runs, the groups
    nesting at most ``depth`` deep; possessive, so it never backtracks.  ``text`` must not
    match a brace that opens or closes a group."""
    content = f"(?:{text})*+"
    for _ in range(depth):
        content = f"(?:{text}|\\{{{content}\\}})*+"
    return content


_GROUP_DEPTH = 4
#: the rest of a ``{…}`` group, up to and including its ``}``
_GROUP_REST = re.compile(nested_braces(SPLITTER_TEXT, _GROUP_DEPTH) + r"\}")
#: ``name = value`` up to the ``,`` or ``}`` after it, for the common case: a name without
#: marks, a value of text and ``{…}`` groups only (no ``"…"``; groups not too deep)
_SIMPLE_FIELD = re.compile(
    r"[^{}\",=\\@]*=(?P<value>(?:[^{}\",\\]++|\\[{}\",]?|\{"
    + nested_braces(SPLITTER_TEXT, _GROUP_DEPTH - 1) + r"\})*+)(?=[,}])")


class _Declined(Exception):
    """The text needs the splitter itself."""


def scan_blocks(text: str) -> list[ScannedBlock] | None:
    """The entries and ``@string`` definitions of ``text`` in file order, as bibtexparser's
    splitter finds them; ``None`` when the text holds something only the splitter should
    judge (then it never holds a ``FailedBlock``)."""
    scanner = _Scanner("\n" + text)
    try:
        return scanner.blocks()
    except _Declined:
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line = -1  # the splitter's count: the leading newline it adds is line -1
        self.counted_to = 0

    def line_at(self, pos: int) -> int:
        """The splitter's 0-based line of ``pos`` (newlines after a backslash not counted)."""
        text, start = self.text, self.counted_to
        self.line += text.count("\n", start, pos) - text.count("\\\n", max(start - 1, 0), pos)
        self.counted_to = pos
        return self.line

    def blocks(self) -> list[ScannedBlock]:
        text = self.text
        blocks: list[ScannedBlock] = []
        starts: set[int] = set()
        pos = 0
        while (start := _BLOCK_START.search(text, pos)) is not None:
            at, brace = start.start(), start.end()
            if text[brace] != "{":
                raise _Declined  # a (…)-delimited block
            starts.add(at)
            name = start.group().lower()
            line = self.line_at(at) + 1
            if name.startswith(("@comment", "@preamble")):
                pos = self.group_end(brace + 1)
            elif name.startswith("@string"):
                string, pos = self.string(brace + 1)
                blocks.append(string)
            else:
                entry, pos = self.entry(name[1:].strip(), at, brace, line)
                blocks.append(entry)
        inner_starts = (m.start(1) for m in _LINE_START_BLOCK.finditer(text))
        if any(at not in starts for at in inner_starts):
            raise _Declined  # a block start inside a value: the splitter aborts there
        return blocks

    def group_end(self, pos: int) -> int:
        """Past the ``}`` closing the group whose content starts at ``pos``."""
        group = _GROUP_REST.match(self.text, pos)
        if group is not None:
            return group.end()
        depth = 1
        for brace in SPLITTER_BRACE.finditer(self.text, pos):
            depth += 1 if brace.group() == "{" else -1
            if depth == 0:
                return brace.end()
        raise _Declined  # unclosed at the end of the file

    def quoted_end(self, pos: int) -> int:
        """Past the ``"`` closing the string whose content starts at ``pos``."""
        text = self.text
        for quote in _QUOTE.finditer(text, pos):
            at = quote.start()
            if text[at - 1] == "{" and at + 2 < len(text) and text[at + 1] == "}":
                continue  # {"}: a quote inside a quoted value
            return quote.end()
        raise _Declined

    def next_mark(self, pos: int) -> re.Match[str]:
        mark = _MARK.search(self.text, pos)
        if mark is None:
            raise _Declined
        return mark

    def string(self, pos: int) -> tuple[ScannedString, int]:
        equals = self.next_mark(pos)
        if equals.group() != "=":
            raise _Declined
        end = self.group_end(equals.end())
        return ScannedString(self.text[pos:equals.start()].strip(),
                             self.text[equals.end():end - 1].strip()), end

    def value_end(self, pos: int) -> int:
        """Where the value starting at ``pos`` ends: its ``,`` or the entry's ``}``."""
        text = self.text
        while True:
            mark = _VALUE_MARK.search(text, pos)
            if mark is None:
                raise _Declined
            char = mark.group()
            if char == "{":
                pos = self.group_end(mark.end())
            elif char == '"':
                pos = self.quoted_end(mark.end())
            else:
                return mark.start()

    def entry(self, entry_type: str, at: int, brace: int,
              line: int) -> tuple[ScannedEntry, int]:
        text = self.text
        after_key = self.next_mark(brace + 1)
        key = text[brace + 1:after_key.start()].strip()
        fields: list[tuple[str, str, int]] = []
        if after_key.group() == "}":
            end = after_key.end()
        elif after_key.group() == ",":
            end = self.fields(after_key.end(), fields)
        else:
            raise _Declined
        names = [name for name, _value, _line in fields]
        duplicates = tuple(sorted({n for n in names if names.count(n) > 1})) \
            if len(set(names)) < len(names) else ()
        return ScannedEntry(entry_type, key, fields, line, text[at:end], duplicates), end

    def fields(self, pos: int, fields: list[tuple[str, str, int]]) -> int:
        """Read ``name = value`` pairs from ``pos`` into ``fields``; past the entry's ``}``."""
        text = self.text
        while True:
            simple = _SIMPLE_FIELD.match(text, pos)
            if simple is not None:
                equals, end = simple.start("value") - 1, simple.end()
            else:
                mark = self.next_mark(pos)
                if mark.group() == "}":
                    if text[pos:mark.start()].strip():
                        raise _Declined  # a name without a value
                    return mark.end()
                if mark.group() != "=":
                    raise _Declined
                equals, end = mark.start(), self.value_end(mark.end())
            fields.append((text[pos:equals].strip(), text[equals + 1:end].strip(),
                           self.line_at(equals) + 1))
            pos = end + 1 if text[end] == "," else end
