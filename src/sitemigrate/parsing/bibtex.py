"""BibTeX text <-> entries <-> publications.

Parsing is bibtexparser v2's splitter with an empty middleware stack: we need every block
(failed ones and duplicates included) with its line, which its middlewares do not visit.
Values are then evaluated the way BibTeX does (``{…}``, ``"…"``, numbers, ``@string``
macros, ``#`` concatenation) and mapped onto the model by ``entry_to_publication``
(themes.md §3 and §7).  ``publication_to_bibtex`` is the inverse used by writers.

Writing keeps UTF-8: jekyll-scholar reads UTF-8 .bib files, so only LaTeX's special
characters are escaped (``transforms.latex.unicode_to_latex``).  Raw LaTeX values whose
decoded form still matches the model are written back unchanged, so al-folio -> al-folio
is lossless.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bibtexparser
from bibtexparser import model as bibmodel
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from ..diagnostics import (
    DUPLICATE_BIBTEX_KEY,
    DUPLICATE_KEY,
    INVALID_BIBTEX,
    MISSING_TITLE,
    UNDEFINED_MACRO,
    UNRESOLVED_REFERENCE,
    Diagnostics,
)
from ..model import (
    PUBLICATION_KINDS,
    AuthorName,
    Origin,
    Publication,
    publication_from_row,
    publication_row,
)
from ..parallel import map_on_two_cores, shared_cache
from ..transforms.fields import as_bool, as_int, normalize_date, split_authors, year_of
from ..transforms.latex import latex_to_markdown, latex_to_unicode, unicode_to_latex
from .bibscan import (
    SPLITTER_BRACE,
    SPLITTER_TEXT,
    FailedBlock,
    ScannedBlock,
    ScannedEntry,
    ScannedString,
    nested_braces,
    scan_blocks,
)

if TYPE_CHECKING:
    from ..common.reader import ReadContext


class _DropSplitterLogs(logging.Filter):
    """The splitter logs every failed block; we report them as diagnostics instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


logging.getLogger("bibtexparser.splitter").addFilter(_DropSplitterLogs())

_RAW_IN_DIAGNOSTIC = 2000  #: characters of a failed block's text kept in its diagnostic


@dataclass(slots=True)
class BibEntry:
    """One BibTeX entry with values evaluated but not decoded (still LaTeX)."""

    key: str
    entry_type: str  #: lower case, e.g. "article"
    fields: dict[str, str]  #: lower-cased names -> raw LaTeX values, macros resolved
    line: int  #: 1-based line of the ``@``
    field_lines: dict[str, int] = field(default_factory=dict)  #: 1-based line of each field


# ---------------------------------------------------------------------------- parsing


def parse_bibtex(text: str, file: str, diagnostics: Diagnostics) -> list[BibEntry]:
    """Every entry of a .bib text, in file order; problems go to ``diagnostics``, never raise.

    Text before the first ``@`` (al-folio's ``---``/``---`` pair) is ignored as BibTeX does.
    A block that does not parse gives SM104 with its text; a duplicate key gives SM208 and
    both entries are kept (the later one as ``<key>-2``), like jekyll-scholar.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = scan_blocks(text)
    if blocks is None:
        try:
            blocks = _split_blocks(text)
        except Exception as exc:  # noqa: BLE001 — the splitter is not meant to raise; be safe
            diagnostics.report(INVALID_BIBTEX, f"BibTeX file does not parse: {exc}", file, 1)
            return []
    macros = _collect_macros(blocks)
    entries: list[BibEntry] = []
    keys: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, FailedBlock):
            diagnostics.report(
                INVALID_BIBTEX,
                f"BibTeX block does not parse ({block.reason}); its text was:\n"
                f"{block.raw[:_RAW_IN_DIAGNOSTIC]}",
                file,
                block.line,
            )
            continue
        if not isinstance(block, ScannedEntry):
            continue
        try:
            for name in block.duplicate_fields:
                diagnostics.report(
                    DUPLICATE_KEY,
                    f"field {name!r} appears twice in entry {block.key!r}; the last value wins",
                    file,
                    block.line,
                )
            bib = _to_bib_entry(block, macros, file, diagnostics)
        except Exception as exc:  # noqa: BLE001 — one odd block must not cost the file
            diagnostics.report(
                INVALID_BIBTEX,
                f"BibTeX block could not be read ({type(exc).__name__}:"
                f" {exc}); its text was:\n{block.raw[:_RAW_IN_DIAGNOSTIC]}",
                file,
                block.line,
            )
            continue
        _make_key_unique(bib, keys, file, diagnostics)
        entries.append(bib)
    _resolve_crossrefs(entries, file, diagnostics)
    return entries


#: month names BibTeX styles define; any other bare word is an undefined @string macro
MONTH_MACROS = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                          "oct", "nov", "dec"})


def _resolve_crossrefs(entries: list[BibEntry], file: str, diagnostics: Diagnostics) -> None:
    """Fill each entry's missing fields from the entry its ``crossref`` names, as BibTeX
    does (a proceedings' ``title`` becomes the child's ``booktitle``); SM204 when the parent
    is not in the file."""
    by_key = {entry.key.lower(): entry for entry in entries}
    for entry in entries:
        ref = entry.fields.get("crossref", "").strip()
        if not ref:
            continue
        parent = by_key.get(ref.lower())
        line = entry.field_lines.get("crossref", entry.line)
        if parent is None or parent is entry:
            diagnostics.report(
                UNRESOLVED_REFERENCE,
                f"entry {entry.key!r}: crossref {ref!r} names no entry of "
                "this file; its venue and date stay empty",
                file,
                line,
            )
            continue
        for name, value in parent.fields.items():
            if name in ("crossref", "key", "ids") or name in entry.fields:
                continue
            entry.fields[name] = value
        title = parent.fields.get("title")
        if title and "booktitle" not in entry.fields and parent.entry_type in (
                "proceedings", "book", "mvbook", "mvproceedings", "collection"):
            entry.fields["booktitle"] = title


def _split_blocks(text: str) -> list[ScannedBlock]:
    """The blocks of ``text`` as bibtexparser's splitter gives them, in ``scan_blocks``'
    form: entries (duplicate keys included), ``@string`` definitions (a repeated one too:
    the last wins, as in BibTeX) and the blocks that do not parse."""
    blocks: list[ScannedBlock] = []
    for parsed in bibtexparser.parse_string(text, parse_stack=[]).blocks:
        block: bibmodel.Block | None = parsed
        if isinstance(block, bibmodel.DuplicateBlockKeyBlock):
            block = block.ignore_error_block
        duplicates: tuple[str, ...] = ()
        if isinstance(block, bibmodel.DuplicateFieldKeyBlock):
            duplicates = tuple(sorted(block.duplicate_keys))
            block = block.ignore_error_block
        if isinstance(block, bibmodel.Entry):
            blocks.append(ScannedEntry(
                block.entry_type.strip().lower(), block.key,
                [(fld.key, str(fld.value), (fld.start_line or 0) + 1) for fld in block.fields],
                (block.start_line or 0) + 1, block.raw or "", duplicates))
        elif isinstance(block, bibmodel.String):
            blocks.append(ScannedString(block.key, str(block.value)))
        elif isinstance(block, bibmodel.ParsingFailedBlock):
            messages = str(block.error or "").strip().splitlines()
            blocks.append(FailedBlock((block.start_line or 0) + 1,
                                      messages[-1].strip() if messages else "syntax error",
                                      (block.raw or "").strip()))
    return blocks


def _collect_macros(blocks: list[ScannedBlock]) -> dict[str, str]:
    macros: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, ScannedString):
            macros[block.key.strip().lower()] = evaluate_value(block.value, macros)
    return macros


def _to_bib_entry(entry: ScannedEntry, macros: dict[str, str], file: str | None = None,
                  diagnostics: Diagnostics | None = None) -> BibEntry:
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    for written, value, line in entry.fields:
        name = written.strip().lower()
        fields.pop(name, None)  # a repeated field moves to its last position, last value wins
        undefined: list[str] = []
        fields[name] = evaluate_value(value, macros, undefined)
        lines[name] = line
        if diagnostics is not None:
            for macro in undefined:
                diagnostics.report(
                    UNDEFINED_MACRO,
                    f"entry {entry.key.strip()!r}, field {name!r}: "
                    f"@string {macro!r} is not defined; its name was kept",
                    file,
                    line,
                )
    key = entry.key.strip() or f"entry-line-{entry.line}"
    return BibEntry(key, entry.entry_type, fields, entry.line, lines)


def _make_key_unique(bib: BibEntry, keys: dict[str, int], file: str,
                     diagnostics: Diagnostics) -> None:
    if bib.key not in keys:
        keys[bib.key] = bib.line
        return
    first_line = keys[bib.key]
    suffix = 2
    while f"{bib.key}-{suffix}" in keys:
        suffix += 1
    new_key = f"{bib.key}-{suffix}"
    diagnostics.report(
        DUPLICATE_BIBTEX_KEY,
        f"key {bib.key!r} is used at lines {first_line} and {bib.line};"
        f" both entries kept, the second as {new_key!r}",
        file,
        bib.line,
    )
    bib.key = new_key
    keys[new_key] = bib.line


def evaluate_value(value: str, macros: dict[str, str],
                   undefined: list[str] | None = None) -> str:
    """A field's value as BibTeX sees it: delimiters off, macros expanded, ``#`` joined.
    Names that are neither macros nor months are kept as written and added to
    ``undefined``."""
    value = value.strip()
    if "#" not in value:  # no concatenation: the one part as it is
        return _evaluate_part(value, macros, undefined)
    parts = _split_concatenation(value)
    return "".join(_evaluate_part(part.strip(), macros, undefined) for part in parts)


def _evaluate_part(part: str, macros: dict[str, str], undefined: list[str] | None) -> str:
    if len(part) >= 2 and ((part[0] == "{" and part[-1] == "}")
                           or (part[0] == '"' and part[-1] == '"')):
        return part[1:-1]
    if part.isdigit():
        return part
    found = macros.get(part.lower())
    if found is not None:
        return found
    if undefined is not None and part and part.lower() not in MONTH_MACROS:
        undefined.append(part)
    return part  # unknown names (month "may") stay as written


def _split_concatenation(value: str) -> list[str]:
    """Split on ``#`` outside braces and quotes."""
    if "#" not in value:
        return [value]
    parts: list[str] = []
    depth, in_quotes, start = 0, False, 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == '"' and depth == 0:
            in_quotes = not in_quotes
        elif char == "#" and depth == 0 and not in_quotes:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return parts if len(parts) > 1 else [value]


def read_bib_file(path: Path, ctx: ReadContext) -> list[Publication]:
    """The publications of one .bib file, each with its origin; problems reported to ``ctx``."""
    text = ctx.read_text(path)
    if text is None:
        return []
    file = ctx.rel(path)
    entries = parse_bibtex(text, file, ctx.diagnostics)
    titles = []
    for entry in entries:
        ctx.saw("publication", path, entry.line)
        titles.append((entry.key, entry.line, entry.fields.get("title", "")))
    located = [(entry, ctx.origin(path, entry.line)) for entry in entries]
    del entries  # the mapping lets go of the entries it is done with
    publications = map_on_two_cores(_located_publication, located, to_plain=publication_row,
                                    from_plain=publication_from_row, consume=True)
    for key, line, title in titles:  # decoded by the mapping (on two cores): cached here
        if not latex_to_unicode(title):
            ctx.report(MISSING_TITLE, f"entry {key!r} has no title; its key is used", file,
                       line)
    return publications


def _located_publication(located: tuple[BibEntry, Origin]) -> Publication:
    return entry_to_publication(*located)


# ------------------------------------------------------------------ entry -> publication

#: entry type -> model kind (``pubtype`` may use either vocabulary)
TYPE_KINDS: dict[str, str] = {
    "article": "journal",
    "inproceedings": "conference",
    "conference": "conference",
    "proceedings": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "masterthesis": "thesis",
    "thesis": "thesis",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "techreport": "report",
    "report": "report",
    "patent": "patent",
    "software": "software",
    "dataset": "dataset",
}
_PREPRINT_TYPES = ("misc", "unpublished", "preprint", "online", "electronic", "article")

#: entry type -> fields that name its venue, best first
_VENUE_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("journal", "journaltitle"),
    "inproceedings": ("booktitle",),
    "conference": ("booktitle",),
    "incollection": ("booktitle",),
    "inbook": ("booktitle",),
    "proceedings": ("booktitle", "publisher"),
    "phdthesis": ("school", "institution"),
    "mastersthesis": ("school", "institution"),
    "masterthesis": ("school", "institution"),
    "thesis": ("school", "institution"),
    "techreport": ("institution",),
    "report": ("institution",),
    "book": ("publisher",),
    "misc": ("howpublished",),
}
_ANY_VENUE = ("journal", "journaltitle", "booktitle", "school", "institution", "publisher",
              "howpublished")

#: link fields carried as they are (al-folio buttons); relative paths stay relative
LINK_FIELDS = ("pdf", "html", "code", "slides", "poster", "video", "website", "blog", "supp",
               "data")
IDENTIFIER_FIELDS = ("doi", "arxiv", "pmid", "pmcid", "isbn", "issn")
_URL = re.compile(r"^(https?|ftp)://\S+$", re.I)
_DOI = re.compile(r"(10\.\d{3,9}/\S+)")
_DOI_LINK = re.compile(r"^https://doi\.org/(10\.\S+)$")
_ARXIV_LINK = re.compile(r"^https://arxiv\.org/abs/(\S+)$")
#: holds an arXiv link that is not ``https://arxiv.org/abs/<id>``: the ``arxiv`` field gets the id
ARXIV_URL_FIELD = "arxiv_url"
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?(?:[?#].*)?$", re.I)

#: extra keys this module owns (not BibTeX fields)
EXTRA_TYPE = "bibtex_type"
EXTRA_RAW = "bibtex_raw_fields"
EXTRA_FIELD_NAMES = "bibtex_field_names"  #: model slot -> original field name when not default
#: the reader's own notes in ``extra``: consulted by name, never written as fields
OWN_EXTRA = (EXTRA_TYPE, EXTRA_RAW, EXTRA_FIELD_NAMES)


def entry_to_publication(entry: BibEntry, origin: Origin) -> Publication:
    """The model's view of one entry; every field it has no slot for goes in ``extra``."""
    fields = dict(entry.fields)
    raw_fields: dict[str, str] = {}
    field_names: dict[str, str] = {}

    def take(name: str) -> str | None:
        return fields.pop(name, None)

    title_raw = take("title")
    title = latex_to_unicode(title_raw or "") or entry.key
    _keep_raw(raw_fields, "title", title_raw, unicode_to_latex(title))
    pub = Publication(id=entry.key, title=title, origin=origin)
    _map_people(pub, fields, raw_fields)
    _map_date(pub, fields, raw_fields)
    _map_venue(pub, entry.entry_type, fields, raw_fields, field_names)
    pub.kind = _kind_of(entry.entry_type, entry.fields)
    abstract_raw = take("abstract")
    if abstract_raw is not None:
        pub.abstract = latex_to_markdown(abstract_raw) or None
        _keep_raw(raw_fields, "abstract", abstract_raw, unicode_to_latex(pub.abstract or ""))
    _map_links(pub, fields, raw_fields, field_names)
    _map_flags(pub, fields, raw_fields)
    pub.extra.update(fields)  # every other field, verbatim, under its own name
    pub.extra[EXTRA_TYPE] = entry.entry_type
    if raw_fields:
        pub.extra[EXTRA_RAW] = raw_fields
    if field_names:
        pub.extra[EXTRA_FIELD_NAMES] = field_names
    return pub


def _keep_raw(raw_fields: dict[str, str], name: str, raw: str | None, canonical: str) -> None:
    """Remember a raw value when writing the decoded one back would not reproduce it."""
    if raw is not None and raw != canonical:
        raw_fields[name] = raw


def _map_people(pub: Publication, fields: dict[str, str], raw_fields: dict[str, str]) -> None:
    author_raw = fields.pop("author", None)
    if author_raw is not None:
        pub.author_names = parse_names(author_raw)
        pub.authors = list(_display_names(author_raw))
        _keep_raw(raw_fields, "author", author_raw, _author_field_written(author_raw))
    elif fields.get("editor"):
        # An edited volume is shown under its editors; "editor" itself stays in extra.
        pub.author_names = parse_names(fields["editor"])
        pub.authors = list(_display_names(fields["editor"]))


_EMPTY_NAME = re.compile(r"\s+and(?:\s+and)+\s+")
_MARKS = re.compile(r"[*†‡§¶‖&^#]+$")


def parse_names(value: str) -> list[AuthorName]:
    """BibTeX ``A and B`` names (brace-aware, von/Jr parts) as structured names."""
    return [AuthorName(family=family, given=given, suffix=suffix, marks=list(marks),
                       others=others)
            for family, given, suffix, marks, others in _name_parts_of(value)]


_NameParts = tuple[str, str | None, str | None, tuple[str, ...], bool]


@shared_cache(maxsize=65536)  # read, checked by a writer, read back: the same author lists
def _name_parts_of(value: str) -> tuple[_NameParts, ...]:
    """(family, given, suffix, marks, others) of every name of an author list."""
    value = _EMPTY_NAME.sub(" and ", value)  # "A and and B" lists no one between the ands
    try:
        names = _split_names(value)
    except Exception:  # noqa: BLE001 — unbalanced braces: fall back to the plain splitter
        return tuple((n, None, None, (), False)
                     for n in split_authors(latex_to_unicode(value)))
    return tuple(("others", None, None, (), True) if name.strip().lower() == "others"
                 else (*_name_parts(name), False) for name in names)


@shared_cache(maxsize=65536)
def _display_names(value: str) -> tuple[str, ...]:
    """The display names of an author list (what ``_map_people`` puts in ``authors``):
    ``display_name`` of each of ``parse_names``, from the cached parts."""
    return tuple("others" if others else _display(family, given, suffix, marks)
                 for family, given, suffix, marks, others in _name_parts_of(value))


@shared_cache(maxsize=65536)  # read, then read back by the al-folio writer: the same lists
def _author_field_written(value: str) -> str:
    """The ``author`` field ``authors_to_bibtex`` writes for the names read from ``value``."""
    return authors_to_bibtex(list(_display_names(value)))


#: BibTeX's name separator: "and" between runs of BibTeX white space (not "~")
_AND = re.compile(r"[ \r\n\t]+[aA][nN][dD][ \r\n\t]+")


@lru_cache(maxsize=65536)  # a writer checks the author list it read, or the one it wrote
def _split_names(value: str) -> tuple[str, ...]:
    """``split_multiple_persons_names``; a regular expression does when nothing is braced or
    escaped, which the library walks character by character."""
    if "{" in value or "}" in value or "\\" in value:
        value = value.strip(" \r\n\t")
        masked = _mask_groups(value)
        if masked is None:
            return tuple(split_multiple_persons_names(value))
        names, pos = [], 0
        for match in _AND.finditer(masked):
            names.append(value[pos:match.start()])
            pos = match.end()
        names.append(value[pos:])
        return tuple(names) if value else ()
    value = value.strip(" \r\n\t")
    return tuple(_AND.split(value)) if value else ()


_INNERMOST_GROUP = re.compile(r"\{[^{}]*\}")
_ESCAPED_BRACE = re.compile(r"\\[{}]")


def _mask_groups(value: str) -> str | None:
    """``value`` with every brace group blanked out (``"x"`` per character; an unclosed one
    to the end), so that an "and" inside braces is not a separator; ``None`` when a
    backslash stands outside braces or before a brace, or a "}" closes nothing (the
    library's character walk has rules of its own there)."""
    if _ESCAPED_BRACE.search(value):
        return None
    masked, previous = value, None
    while masked != previous and "{" in masked:  # innermost groups first, a level a round
        previous = masked
        masked = _INNERMOST_GROUP.sub(lambda m: "x" * (m.end() - m.start()), masked)
    if "}" in masked:
        return None  # a stray "}"
    unclosed = masked.find("{")
    if unclosed >= 0:
        masked = masked[:unclosed] + "x" * (len(masked) - unclosed)
    return None if "\\" in masked else masked


@lru_cache(maxsize=65536)  # co-authors repeat across a bibliography
def _name_parts(name: str) -> tuple[str, str | None, str | None, tuple[str, ...]]:
    """(family, given, suffix, marks) of one BibTeX name."""
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except Exception:  # noqa: BLE001
        return latex_to_unicode(name), None, None, ()
    family = latex_to_unicode(" ".join(parts.von + parts.last))
    given = latex_to_unicode(" ".join(parts.first)) or None
    suffix = latex_to_unicode(" ".join(parts.jr)) or None
    marks = _MARKS.search(family)
    if marks and marks.start() > 0:
        return family[:marks.start()] or latex_to_unicode(name), given, suffix, \
            tuple(marks.group(0))
    return family or latex_to_unicode(name), given, suffix, ()


def display_name(name: AuthorName) -> str:
    """"Given Family, Suffix" with any marks left where the .bib put them."""
    if name.others:
        return "others"
    return _display(name.family, name.given, name.suffix, name.marks)


def _display(family: str, given: str | None, suffix: str | None,
             marks: list[str] | tuple[str, ...]) -> str:
    text = (f"{given} {family}" if given and family else given or family) + "".join(marks)
    return f"{text}, {suffix}" if suffix else text


_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
#: "Jan"…"Dec" by number, read once like ``_MONTHS`` (``calendar.month_abbr[i]`` formats a
#: date on every lookup)
_MONTH_ABBR = tuple(calendar.month_abbr)


def month_number(value: str | None) -> int | None:
    if not value:
        return None
    text = latex_to_unicode(value).strip().rstrip(".").lower()
    number = as_int(text)
    if number is not None:
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text) or _MONTHS.get(text[:3])


def _map_date(pub: Publication, fields: dict[str, str], raw_fields: dict[str, str]) -> None:
    year_raw = fields.pop("year", None)
    pub.year = as_int(latex_to_unicode(year_raw)) if year_raw else None
    if year_raw and pub.year is None:
        pub.year = year_of(year_raw)
    if year_raw is not None:
        _keep_raw(raw_fields, "year", year_raw, str(pub.year) if pub.year else "")
    date_field = normalize_date(fields.get("date"))
    if date_field and (pub.year is None or date_field.startswith(str(pub.year))):
        fields.pop("date")
        pub.date = date_field
        pub.year = pub.year or int(date_field[:4])
        return
    month_raw = fields.get("month")
    month = month_number(month_raw)
    if month_raw is not None and (month or not pub.year):
        fields.pop("month")
        _keep_raw(raw_fields, "month", month_raw, _MONTH_ABBR[month] if month else "")
    if pub.year:
        pub.date = f"{pub.year:04d}-{month:02d}" if month else f"{pub.year:04d}"


def _map_venue(pub: Publication, entry_type: str, fields: dict[str, str],
               raw_fields: dict[str, str], field_names: dict[str, str]) -> None:
    preferred = _VENUE_FIELDS.get(entry_type, ("howpublished",))
    for name in (*preferred, *_ANY_VENUE):
        raw = fields.get(name)
        venue = latex_to_unicode(raw) if raw is not None else ""
        if not venue:
            continue
        del fields[name]
        pub.venue = venue
        _keep_raw(raw_fields, name, raw, unicode_to_latex(pub.venue))
        if name != venue_field_for(entry_type):
            field_names["venue"] = name
        return


def venue_field_for(entry_type: str) -> str:
    return _VENUE_FIELDS.get(entry_type, ("howpublished",))[0]


def _kind_of(entry_type: str, fields: dict[str, str]) -> str:
    pubtype = latex_to_unicode(fields.get("pubtype", "")).lower()
    if pubtype in PUBLICATION_KINDS:
        return pubtype
    if pubtype in TYPE_KINDS:
        return TYPE_KINDS[pubtype]
    is_arxiv = bool(fields.get("arxiv")) or fields.get("archiveprefix", "").lower() == "arxiv" \
        or "arxiv" in fields.get("journal", "").lower()
    if entry_type == "preprint" or (entry_type in _PREPRINT_TYPES and is_arxiv
                                    and not (entry_type == "article" and fields.get("volume"))):
        return "preprint"
    return TYPE_KINDS.get(entry_type, "misc")


def _map_links(pub: Publication, fields: dict[str, str], raw_fields: dict[str, str],
               field_names: dict[str, str]) -> None:
    for name in LINK_FIELDS:
        if name in fields:  # most entries have none of them
            value = fields.pop(name).strip()
            if value:
                pub.links[name] = value
    doi = fields.pop("doi", "").strip()
    if doi:
        pub.identifiers["doi"] = found.group(1) if (found := _DOI.search(doi)) else doi
        pub.links["doi"] = doi if _URL.match(doi) else f"https://doi.org/{doi}"
    arxiv = fields.pop("arxiv", "").strip()
    if not arxiv and fields.get("archiveprefix", "").lower() == "arxiv":
        arxiv = fields.get("eprint", "").strip()  # eprint/archivePrefix stay in extra
    if arxiv:
        found = _ARXIV_URL.search(arxiv)
        pub.identifiers["arxiv"] = found.group(1) if found else arxiv
        pub.links["arxiv"] = arxiv if _URL.match(arxiv) else f"https://arxiv.org/abs/{arxiv}"
    _map_arxiv_url(pub, fields)
    for name in IDENTIFIER_FIELDS[2:]:
        if name in fields:
            value = fields.pop(name).strip()
            if value:
                pub.identifiers[name] = value
    url = fields.pop("url", "").strip()
    if url:
        label = "url" if "html" in pub.links else "html"
        pub.links[label] = url
        if label == "html":
            field_names["html"] = "url"
    for name in list(fields):
        value = fields[name].strip()
        if _URL.match(value) and name not in _NOT_LINKS and not name.startswith("bdsk-"):
            pub.links[name] = value  # an unknown field holding a URL is a link of that label
            del fields[name]


def link_read_place(pub: Publication) -> Callable[[tuple[str, str]], tuple[int, int, str]]:
    """Where ``_map_links`` puts each link of the entry written for ``pub``: the link fields
    in their order, then ``doi`` and ``arxiv``, then the ``url`` field's link (``html``
    written as ``url``, or ``url`` beside an ``html`` field), then the other URL fields
    (written, so read, in the order of their labels).  A writer that gives a record's links
    this order gets them back in it."""
    names = pub.extra.get(EXTRA_FIELD_NAMES)
    html_as_url = isinstance(names, dict) and names.get("html") == "url"

    def place(item: tuple[str, str]) -> tuple[int, int, str]:
        label = item[0]
        if label in _LINK_FIELD_PLACE and not (label == "html" and html_as_url):
            return 0, _LINK_FIELD_PLACE[label], ""
        if label in ("doi", "arxiv"):
            return 1, int(label == "arxiv"), ""
        if label in ("html", "url"):  # the url field: html when no html field came first
            return 2, int(label == "url"), ""
        return 3, 0, label

    return place


_LINK_FIELD_PLACE = {label: index for index, label in enumerate(LINK_FIELDS)}


def _map_arxiv_url(pub: Publication, fields: dict[str, str]) -> None:
    """``arxiv_url`` (see ``_put_links``) is the arXiv link as written when it is not the
    ``arxiv.org/abs/<id>`` that al-folio builds from the ``arxiv`` id."""
    url = fields.get(ARXIV_URL_FIELD, "").strip()
    if not _URL.match(url):
        return
    found = _ARXIV_URL.search(url)
    known = pub.links.get("arxiv")
    if known and not (found and known == f"https://arxiv.org/abs/{found.group(1)}"):
        return  # another link than the one the arxiv field gives: an ordinary URL field
    del fields[ARXIV_URL_FIELD]
    pub.links["arxiv"] = url
    pub.identifiers.setdefault("arxiv", found.group(1) if found else url)  # as an arxiv URL


#: URL-valued fields that are not links to the work (BibDesk's bdsk-url-N repeat url/doi)
_NOT_LINKS = ("preview", "file", "urldate", "howpublished", "note", "pubtype", "scope")


def _map_flags(pub: Publication, fields: dict[str, str], raw_fields: dict[str, str]) -> None:
    award = fields.pop("award", None)
    if award is not None:
        pub.award = award  # al-folio renders it as Markdown, not LaTeX: kept as written
    selected = fields.pop("selected", None)
    if selected is not None:
        pub.selected = as_bool(selected)
        _keep_raw(raw_fields, "selected", selected, "true" if pub.selected else "")
    preview = fields.pop("preview", None)
    if preview:
        pub.image = preview.strip()
    citation = fields.pop("citation", None)  # written by publication_to_bibtex, not a BibTeX field
    if citation:
        pub.citation = citation


# ------------------------------------------------------------------ publication -> BibTeX

#: model kind -> entry type used when the publication did not come from BibTeX
KIND_TYPES: dict[str, str] = {
    "journal": "article",
    "conference": "inproceedings",
    "workshop": "inproceedings",
    "preprint": "misc",
    "book": "book",
    "chapter": "incollection",
    "thesis": "phdthesis",
    "report": "techreport",
    "patent": "patent",
    "software": "software",
    "dataset": "dataset",
    "misc": "misc",
}
_FIELD_NAME = re.compile(r"[^a-z0-9_:.+-]+")


def publication_to_bibtex(pub: Publication) -> str:
    """One BibTeX entry for ``pub``: deterministic field order, values in braces, UTF-8."""
    entry_type = entry_type_of(pub)
    return format_entry(entry_type, bibtex_key(pub.id), publication_fields(pub, entry_type))


#: a run of escaped backslashes (``\\``, a LaTeX line break) right before a brace
_BACKSLASHES_BEFORE_BRACE = re.compile(r"(?<!\\)((?:\\\\)+)(?=[{}])")


@lru_cache(maxsize=65536)  # each value is checked as written, as read back, as written again
def _splitter_safe(value: str) -> str:
    """``value`` as bibtexparser's splitter reads it back: the splitter takes any brace after
    a backslash as escaped, so ``{\\}`` (a group holding a line break) or a value ending in
    a backslash would swallow the rest of the file.  Then a space goes between (the same
    LaTeX); a value the splitter already pairs is left as it is."""
    if "\\" not in value:
        return value
    if value.endswith("\\"):
        value += " "
    if _splitter_pairs(value):
        return value
    return _BACKSLASHES_BEFORE_BRACE.sub(r"\1 ", value)


def _splitter_pairs(value: str) -> bool:
    return bool(_SPLITTER_PAIRED.fullmatch(value)) or _nests(SPLITTER_BRACE.findall(value))


#: text the splitter pairs every brace of, up to a nesting no real value reaches (a deeper
#: or unpaired text is decided brace by brace)
_SPLITTER_PAIRED = re.compile(nested_braces(SPLITTER_TEXT, 6))



def format_entry(entry_type: str, key: str, fields: dict[str, str]) -> str:
    """The text of one entry whose fields ``publication_fields`` gave."""
    width = max((len(name) for name in fields), default=0)
    lines = [f"@{entry_type}{{{key},"]
    lines += [f"  {name.ljust(width)} = {{{_splitter_safe(value)}}},"
              for name, value in fields.items()]
    if len(lines) > 1:
        lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    return "\n".join(lines) + "\n"


def entry_as_parsed(entry_type: str, key: str, fields: dict[str, str]) -> BibEntry | None:
    """What ``parse_bibtex`` gives for ``format_entry(entry_type, key, fields)`` (its field
    lines aside), without parsing: every value is in braces, so it reads back as written.
    ``None`` when a value could read back otherwise (a brace BibTeX or the splitter would
    pair differently, a carriage return the parser normalizes): only parsing tells then.
    """
    for value in fields.values():
        if "\r" in value or _balanced(value) != value or _splitter_safe(value) != value:
            return None
    names = {name.strip().lower() for name in fields}
    if len(names) != len(fields) or not key.strip():
        return None
    return BibEntry(key.strip(), entry_type.strip().lower(),
                    {name.strip().lower(): value for name, value in fields.items()}, 1)


def entry_type_of(pub: Publication) -> str:
    """The entry type ``publication_to_bibtex`` writes: the one read, else one for the kind."""
    return str(pub.extra.get(EXTRA_TYPE) or KIND_TYPES.get(pub.kind or "misc", "misc"))


def publications_to_bibtex(pubs: list[Publication]) -> str:
    """A whole .bib file; keys are made unique (``-2``…) so jekyll-scholar sees every entry."""
    seen: set[str] = set()
    chunks = []
    for pub in pubs:
        key = bibtex_key(pub.id)
        unique, suffix = key, 2
        while unique in seen:
            unique, suffix = f"{key}-{suffix}", suffix + 1
        seen.add(unique)
        if unique != pub.id:
            pub = _with_id(pub, unique)
        chunks.append(publication_to_bibtex(pub))
    return "\n".join(chunks)


def _with_id(pub: Publication, new_id: str) -> Publication:
    from dataclasses import replace

    return replace(pub, id=new_id)


def bibtex_key(pub_id: str) -> str:
    """A key BibTeX accepts: no spaces, commas, braces or quotes."""
    key = _NOT_IN_KEYS.sub("-", pub_id.strip()).strip("-")
    return key or "untitled"


_NOT_IN_KEYS = re.compile(r"[\s,{}()\"'#%~\\=]+")


def publication_fields(pub: Publication, entry_type: str) -> dict[str, str]:
    """The fields of ``pub``'s entry, standard ones first, then extras in their order."""
    raw = pub.extra.get(EXTRA_RAW) or {}
    if not isinstance(raw, dict):
        raw = {}
    names = pub.extra.get(EXTRA_FIELD_NAMES) or {}
    if not isinstance(names, dict):
        names = {}
    out: dict[str, str] = {}

    def put(name: str, value: str | None, decoded: Any = None,
            check: Any = None) -> None:
        """Use the raw value when it still decodes to what the model holds."""
        if name in raw and check is not None and check(raw[name]) == decoded:
            out[name] = str(raw[name])
        elif value:
            out[name] = value

    put("title", unicode_to_latex(pub.title), pub.title, latex_to_unicode)
    _put_people(pub, out, raw)
    if pub.venue:
        venue_name = str(names.get("venue") or venue_field_for(entry_type))
        put(venue_name, unicode_to_latex(pub.venue), pub.venue, latex_to_unicode)
    _put_date(pub, out, raw)
    if pub.abstract:
        put("abstract", unicode_to_latex(pub.abstract), pub.abstract,
            lambda v: latex_to_markdown(v) or None)
    _put_links(pub, out, names)
    if pub.award:
        out["award"] = _balanced(pub.award)
    if pub.selected or "selected" in raw:
        put("selected", "true" if pub.selected else None, pub.selected, as_bool)
    if pub.image:
        out["preview"] = _balanced(pub.image)
    if pub.citation:
        out["citation"] = _balanced(pub.citation)
    extra = _extra_fields(pub)
    if pub.kind and _kind_of(entry_type, {**extra, **out}) != pub.kind \
            and "pubtype" not in pub.extra:
        out["pubtype"] = pub.kind
    for name, value in extra.items():
        out.setdefault(name, value)
    return out


def _put_people(pub: Publication, out: dict[str, str], raw: dict[str, Any]) -> None:
    if not pub.authors:
        return
    authors = _authors_with_marks(pub)
    raw_author = raw.get("author")
    if raw_author and list(_display_names(str(raw_author))) == authors:
        out["author"] = str(raw_author)
        return
    editor = pub.extra.get("editor")
    if not raw_author and isinstance(editor, str) and \
            list(_display_names(editor)) == authors:
        return  # the authors are the editors, written back from extra
    if len(pub.author_names) == len(pub.authors):
        out["author"] = " and ".join(
            _structured_to_bibtex(name) if _structured_is_safer(text, name)
            else _name_to_bibtex(marked)
            for text, marked, name in zip(pub.authors, authors, pub.author_names, strict=True))
    else:
        out["author"] = authors_to_bibtex(authors)


_NAME_LIKE = re.compile(r"[\w.'’\- ]+")


def _structured_is_safer(text: str, name: AuthorName) -> bool:
    """The structured name reads back as the display string ("Given Family Suffix") and
    knows what splitting at the last word would get wrong: a family name of several words
    ("zur Jacobsmühlen", "The Widget Consortium") or a suffix ("Jr.")."""
    if name.others or not (" " in name.family or name.suffix) or \
            not _NAME_LIKE.fullmatch(str(text)) or len(name.family.split()) > 4:
        return False
    words = " ".join(p for p in (name.given, name.family, name.suffix) if p).split()
    return str(text).split() == words


def _structured_to_bibtex(name: AuthorName) -> str:
    """``von Family, Jr, Given`` with the marks after the family name, where al-folio reads
    them; a family name without given names that has spaces (an organisation) is braced,
    marks inside."""
    family = " ".join(unicode_to_latex(w) for w in name.family.split())
    marks = "".join(name.marks)
    if "," in family or (not name.given and " " in family):
        family = "{" + family + marks + "}"  # as _name_to_bibtex braces a name it cannot split
    else:
        family += marks
    given = " ".join(unicode_to_latex(w) for w in (name.given or "").split())
    if name.suffix and given:
        return f"{family}, {unicode_to_latex(name.suffix)}, {given}"
    return f"{family}, {given}" if given else family


def _authors_with_marks(pub: Publication) -> list[str]:
    """Display names with their equal-contribution marks, which al-folio renders from the
    ``author`` field (the name transforms move them from the string to ``marks``)."""
    if len(pub.author_names) != len(pub.authors):
        return list(pub.authors)
    out = []
    for text, name in zip(pub.authors, pub.author_names, strict=True):
        marks = "".join(name.marks)
        out.append(text if not marks or text.endswith(marks) else text + marks)
    return out


def authors_to_bibtex(authors: list[str]) -> str:
    return " and ".join(_name_to_bibtex(a) for a in authors)


@lru_cache(maxsize=16384)
def _name_to_bibtex(name: str) -> str:
    """A display name as ``Family, Given`` so particles and multi-word names survive."""
    if name == "others":
        return name
    words = name.split()
    escaped = [unicode_to_latex(w) for w in words]
    if len(words) == 1:
        return "{" + escaped[0] + "}" if "," in words[0] else escaped[0]
    family, given = escaped[-1], " ".join(escaped[:-1])
    if any(c in name for c in ",") or words[-1][:1].islower():
        return "{" + unicode_to_latex(name) + "}"  # no safe split: keep it as one name
    return f"{family}, {given}"


def _put_date(pub: Publication, out: dict[str, str], raw: dict[str, Any]) -> None:
    year = pub.year or (int(pub.date[:4]) if pub.date and pub.date[:4].isdigit() else None)
    if year is None:
        if raw.get("year") and year_of(raw["year"]) is None:
            out["year"] = str(raw["year"])  # "n.d.", "in press": kept as the .bib had it
        return
    if "year" in raw and as_int(latex_to_unicode(str(raw["year"]))) == year:
        out["year"] = str(raw["year"])
    else:
        out["year"] = str(year)
    date = normalize_date(pub.date)
    if date and len(date) >= 10 and date.startswith(str(year)):
        out["date"] = date
        return
    month = int(date[5:7]) if date and len(date) >= 7 else None
    if month:
        raw_month = raw.get("month")
        if raw_month and month_number(str(raw_month)) == month:
            out["month"] = str(raw_month)
        else:
            out["month"] = _MONTH_ABBR[month]


def _put_links(pub: Publication, out: dict[str, str], names: dict[str, Any]) -> None:
    links = dict(pub.links)
    doi_link = links.pop("doi", None)
    if doi_link:
        found = _DOI_LINK.match(doi_link)  # the id keeps the link's case; DOIs ignore case
        out["doi"] = found.group(1) if found else doi_link
    elif pub.identifiers.get("doi"):
        out["doi"] = pub.identifiers["doi"]
    eprint = str(pub.extra.get("eprint", "")).strip()
    from_eprint = str(pub.extra.get("archiveprefix", "")).lower() == "arxiv" and eprint
    arxiv_link = links.pop("arxiv", None)
    if arxiv_link:
        _put_arxiv(arxiv_link, out, eprint if from_eprint else "",
                   ARXIV_URL_FIELD not in links)
    elif pub.identifiers.get("arxiv") and not from_eprint:
        out["arxiv"] = pub.identifiers["arxiv"]
    for name in IDENTIFIER_FIELDS[2:]:
        if pub.identifiers.get(name):
            out[name] = _balanced(pub.identifiers[name])
    for label, url in links.items():
        name = "url" if label == "html" and names.get("html") == "url" else _field_name(label)
        if name and name not in out:
            out[name] = _balanced(url)


def _put_arxiv(link: str, out: dict[str, str], eprint: str, url_field_free: bool) -> None:
    """al-folio links ``arxiv.org/abs/<arxiv field>``, so the field holds only an id; any
    other arXiv link (``/pdf/…``, ``http://``, a version) goes to ``arxiv_url`` as written."""
    canonical = _ARXIV_LINK.match(link)
    found = canonical or _ARXIV_URL.search(link)
    if not canonical and not url_field_free:
        out["arxiv"] = link  # ``arxiv_url`` is a link of its own: the URL stays here
        return
    if found and found.group(1) != eprint:
        out["arxiv"] = found.group(1)
    if not canonical:
        out[ARXIV_URL_FIELD] = _balanced(link)


def _extra_fields(pub: Publication) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in pub.extra.items():
        name = _field_name(str(key))
        if not name or key in OWN_EXTRA or value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str | int | float):
            text = str(value)
        else:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        out.setdefault(name, _balanced(text))
    return out


@lru_cache(maxsize=4096)
def _field_name(label: str) -> str:
    return _FIELD_NAME.sub("_", label.strip().lower()).strip("_")


@lru_cache(maxsize=65536)  # as _splitter_safe
def _balanced(value: str) -> str:
    """A value safe inside ``{…}``, kept verbatim when it already is (newlines too).

    BibTeX counts every brace; bibtexparser skips a brace after a backslash.  A value must
    balance under both rules and not end in a backslash, else its braces and backslashes
    are spelled as macros.
    """
    if not _BRACE_SIGN.search(value):
        return value
    if _balances(value, skip_escaped=False) and _balances(value, skip_escaped=True) \
            and not value.endswith("\\"):
        return value
    return _BRACE_SIGN.sub(lambda m: _BRACE_MACROS[m.group(0)], value)


_BRACE_SIGN = re.compile(r"[\\{}]")
_BRACE_MACROS = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def _balances(value: str, *, skip_escaped: bool) -> bool:
    if (_ESCAPES_PAIRED if skip_escaped else _ALL_PAIRED).fullmatch(value):
        return True
    if skip_escaped:
        value = _ESCAPED_CHAR.sub("", value)
    return _nests(_BRACE.findall(value))


#: text whose braces pair when each counts / when a backslash and the sign after it do not
_ALL_PAIRED = re.compile(nested_braces(r"[^{}]++", 6))
_ESCAPES_PAIRED = re.compile(nested_braces(r"[^{}\\]++|\\[\s\S]", 6))


def _nests(braces: list[str]) -> bool:
    """Whether the ``{``/``}`` in ``braces`` (in order) open and close in pairs."""
    depth = 0
    for brace in braces:
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


_ESCAPED_CHAR = re.compile(r"\\.", re.DOTALL)
_BRACE = re.compile(r"[{}]")
