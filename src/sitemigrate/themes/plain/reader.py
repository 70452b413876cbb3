"""Reader for plain Markdown research statements: no front matter, often converted from PDF.

Rules (themes.md §6): the title is the first heading with emphasis stripped; a short line
repeated verbatim is a running page header, deleted with the paragraph it interrupts
joined again; numbered headings are sections ranked by their number (``1``, ``1.2``), not
by their ``#`` count; paragraphs opening with a run-in heading are sub-themes; a
``References`` list ``[n] Authors. Title. *Venue*, year.`` gives publications, and ``[n]``
citations in a section tie those publications to it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ...common.reader import Detection, ReadContext, Reader, jekyll_skips
from ...diagnostics import AMBIGUOUS_CONTENT, UNRESOLVED_REFERENCE
from ...model import Model, Page, Publication, Site, Source, Theme
from ...parsing.front_matter import split_front_matter
from ...parsing.text import read_regular_text
from ...paths import slugify
from ...transforms.fields import split_authors, year_of

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.?[ \t]+(?P<title>\S.*)$")
_REFERENCES = re.compile(r"^(references|bibliography|works cited|publications)$", re.I)
_REFERENCE_ITEM = re.compile(r"^\s*(?:[-*+]\s+)?\[(?P<n>\d+)\]\s+(?P<text>.+)$")
_CITATION = re.compile(r"\[(\d+(?:\s*[,–-]\s*\d+)*)\]")
_BOLD_RUN_IN = re.compile(r"^\*\*(?P<title>[^*]{2,100}?)\*\*\s*[.:]\s*(?P<rest>.*)$")
_PLAIN_RUN_IN = re.compile(r"^(?P<title>[A-Z][^.!?:]{3,80})\.\s+(?P<rest>[A-Z].*)$")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "for", "from", "in", "of", "on", "or", "the",
                "to", "via", "with", "by", "into", "over"}
_ABBREVIATIONS = {"prof", "dr", "mr", "ms", "mrs", "fig", "eq", "sec", "st", "vs", "al", "e.g",
                  "i.e", "cf", "no", "vol"}
_MAX_HEADER_LENGTH = 80


@dataclass(slots=True)
class _Line:
    number: int  #: 1-based line in the file
    text: str


@dataclass(slots=True)
class _Section:
    number: str
    title: str
    line: int
    lines: list[_Line] = field(default_factory=list)


class PlainReader(Reader):
    name = "plain"

    def detect(self, path: Path) -> Detection:
        found = Detection()
        if not path.is_file() or path.suffix.lower() not in (".md", ".markdown", ".txt"):
            return found
        try:
            head = read_regular_text(path, 4000)
        except OSError:
            return found
        if head.startswith("---"):
            return found
        found.add(0.3, "a lone Markdown file without front matter")
        if re.search(r"^#{1,6}[ \t]+\d+(\.\d+)*\.?[ \t]+\S", head, re.M):
            found.add(0.05, "numbered section headings")
        return found

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        target = path if path.is_file() else _first_markdown(path)
        if target is None:
            return model
        text = ctx.read_text(target)
        if text is None:
            return model
        fm = split_front_matter(text)
        if fm.present:
            ctx.report(AMBIGUOUS_CONTENT, "file has front matter; read as a plain statement anyway",
                       target, 1)
        lines = [_Line(fm.body_line + i, t) for i, t in enumerate(fm.body.split("\n"))]
        read_statement(lines, target, ctx, model)
        return model


def _first_markdown(folder: Path) -> Path | None:
    return next(iter(sorted(p for p in folder.glob("*.md")
                            if not jekyll_skips(p.name) and p.is_file())), None)


def read_statement(lines: list[_Line], path: Path, ctx: ReadContext, model: Model) -> None:
    lines, header = _remove_running_header(lines, path, ctx)
    title, lines = _title(lines)
    model.site = Site(title=title, origin=ctx.origin(path, 1))
    if header:
        model.site.extra["running_header"] = header
    intro, sections, references = _sections(lines)
    ref_ids = _references(references, path, ctx, model)
    for section in sections:
        model.themes.append(_theme(section, ref_ids, path, ctx))
    _nest_by_number(model, sections)
    body = "\n".join(line.text for line in intro).strip("\n")
    model.pages.append(Page(id=path.stem, title=title, role="research", body=body,
                            origin=ctx.origin(path, 1)))


def _remove_running_header(lines: list[_Line], path: Path,
                           ctx: ReadContext) -> tuple[list[_Line], str | None]:
    """Drop a short line repeated verbatim (a PDF page header) and rejoin split paragraphs."""
    counts = Counter(line.text.strip() for line in lines if line.text.strip())
    candidates = [text for text, n in counts.items()
                  if n >= 2 and len(text) <= _MAX_HEADER_LENGTH and not _HEADING.match(text)
                  and not text.startswith(("-", "*", "|", "<", "!", "[")) and len(text) > 3]
    if not candidates:
        return lines, None
    header = max(candidates, key=lambda t: (counts[t], len(t)))
    kept: list[_Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.text.strip() != header:
            kept.append(line)
            index += 1
            continue
        ctx.report(AMBIGUOUS_CONTENT, f"running page header {header!r} removed", path, line.number)
        following = index + 1
        while following < len(lines) and not lines[following].text.strip():
            following += 1
        while kept and not kept[-1].text.strip():
            kept.pop()
        if kept and following < len(lines) and _continues(kept[-1].text,
                                                           lines[following].text):
            kept[-1] = _Line(kept[-1].number,
                             kept[-1].text.rstrip() + " " + lines[following].text.strip())
            index = following + 1
        else:
            if kept:
                kept.append(_Line(line.number, ""))
            index = following
    return kept, header


def _continues(before: str, after: str) -> bool:
    """Whether ``after`` continues the paragraph ``before`` was cut from."""
    end = before.rstrip()
    if not end or _HEADING.match(before) or _HEADING.match(after):
        return False
    start = after.lstrip()
    return not end.endswith((".", "!", "?", ":")) or start[:1].islower()


def _title(lines: list[_Line]) -> tuple[str | None, list[_Line]]:
    for index, line in enumerate(lines):
        if not line.text.strip():
            continue
        match = _HEADING.match(line.text)
        if match and not _NUMBERED.match(_strip_emphasis(match.group(2))):
            return _strip_emphasis(match.group(2)), lines[:index] + lines[index + 1:]
        return None, lines
    return None, lines


def _strip_emphasis(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"(\*\*|__|\*|_(?=\w)|(?<=\w)_)", "", text)).strip()


def _sections(lines: list[_Line]) -> tuple[list[_Line], list[_Section], list[_Line]]:
    """(intro lines, numbered sections, reference list lines)."""
    intro: list[_Line] = []
    sections: list[_Section] = []
    references: list[_Line] = []
    current: list[_Line] = intro
    for line in lines:
        match = _HEADING.match(line.text)
        title = _strip_emphasis(match.group(2)) if match else ""
        numbered = _NUMBERED.match(title) if match else None
        if match and _REFERENCES.match(title):
            current = references
        elif numbered:
            section = _Section(numbered.group("number"), numbered.group("title").strip(),
                               line.number)
            sections.append(section)
            current = section.lines
        elif match and current is references:
            current = sections[-1].lines if sections else intro
            current.append(line)
        else:
            current.append(line)
    return intro, sections, references


def _references(lines: list[_Line], path: Path, ctx: ReadContext,
                model: Model) -> dict[str, str]:
    ids: dict[str, str] = {}
    for line in lines:
        match = _REFERENCE_ITEM.match(line.text)
        if not match:
            if line.text.strip():
                ctx.report(AMBIGUOUS_CONTENT, "line in the reference list not understood", path,
                           line.number)
            continue
        pub = _reference(match.group("text"), line.number, path, ctx)
        pub.extra["reference_number"] = int(match.group("n"))
        model.publications.append(pub)
        ids[match.group("n")] = pub.id
    return ids


def _reference(text: str, line: int, path: Path, ctx: ReadContext) -> Publication:
    """``Authors. Title. *Venue*, year.`` (the venue may also be plain after "In")."""
    text = text.strip()
    year = _last_year(text)
    venue_match = re.search(r"\*(?P<venue>[^*]+)\*", text)
    head = text[:venue_match.start()] if venue_match else text
    venue = venue_match.group("venue").strip() if venue_match else None
    parts = [p.strip() for p in re.split(r"(?<![A-Z])\.\s+", head.strip()) if p.strip()]
    authors_text = parts[0] if parts else ""
    title = parts[1] if len(parts) > 1 else ""
    if not venue and len(parts) > 2:
        venue = re.sub(r",?\s*(19|20)\d{2}\.?$", "", ". ".join(parts[2:])).strip() or None
    title = re.sub(r"\s+In$", "", title).strip().rstrip(".")
    if venue:
        venue = re.sub(r"^In\s+", "", venue).strip()
        venue = re.sub(r",\s*(pages?|pp\.)\s.*$", "", venue).strip().rstrip(",")
    if not title:
        ctx.report(AMBIGUOUS_CONTENT, "reference not split into authors and title", path, line)
        title, authors_text = text, ""
    authors = [a for a in split_authors(authors_text) if a.lower() not in ("et al", "et al.")]
    pub = Publication(id=slugify(title), title=title, authors=authors, year=year, venue=venue,
                      citation=text, origin=ctx.origin(path, line))
    if re.search(r"\bet al\.?", authors_text):
        pub.extra["authors_truncated"] = True
    return pub


def _last_year(text: str) -> int | None:
    years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
    return int(years[-1]) if years else year_of(text)


def _theme(section: _Section, ref_ids: dict[str, str], path: Path,
           ctx: ReadContext) -> Theme:
    theme = Theme(id=slugify(section.title), title=section.title,
                  origin=ctx.origin(path, section.line))
    theme.extra["section_number"] = section.number
    own: list[_Line] = []
    current: Theme = theme
    for paragraph in _paragraphs(section.lines):
        run_in = _run_in(paragraph[0].text, path, paragraph[0].number, ctx)
        if run_in:
            title, rest = run_in
            current = Theme(id=slugify(title), title=title,
                            origin=ctx.origin(path, paragraph[0].number))
            theme.subthemes.append(current)
            paragraph = [_Line(paragraph[0].number, rest)] + paragraph[1:]
        target = own if current is theme else None
        text = "\n".join(line.text for line in paragraph)
        _cite(current, text, ref_ids, path, paragraph[0].number, ctx)
        if current is not theme:
            _cite(theme, text, ref_ids, path, paragraph[0].number, ctx, report=False)
            current.body = ((current.body + "\n\n") if current.body else "") + text
        elif target is not None:
            own.extend(paragraph + [_Line(paragraph[-1].number, "")])
    theme.body = "\n".join(line.text for line in own).strip("\n") or None
    for tied in (theme, *theme.subthemes):  # _cite appends every citation; first ones kept
        tied.publication_ids = list(dict.fromkeys(tied.publication_ids))
    return theme


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    paragraphs: list[list[_Line]] = [[]]
    for line in lines:
        if line.text.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def _run_in(text: str, path: Path, line: int, ctx: ReadContext) -> tuple[str, str] | None:
    """(heading, rest) when a paragraph opens with a run-in heading."""
    bold = _BOLD_RUN_IN.match(text)
    if bold and bold.group("rest"):
        return bold.group("title").strip().rstrip("."), bold.group("rest")
    plain = _PLAIN_RUN_IN.match(text)
    if plain and _title_case(plain.group("title")):
        ctx.report(AMBIGUOUS_CONTENT, f"{plain.group('title')!r} read as a run-in sub-heading "
                   "(title case, no bold)", path, line)
        return plain.group("title").strip(), plain.group("rest")
    return None


def _title_case(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 10 or words[-1].lower() in _ABBREVIATIONS:
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS or not w[:1].isalpha()
               for w in words)


def _cite(theme: Theme, text: str, ref_ids: dict[str, str], path: Path, line: int,
          ctx: ReadContext, report: bool = True) -> None:
    for group in _CITATION.findall(text):
        for number in _expand(group):
            ref = ref_ids.get(number)
            if ref is None:
                if report:
                    ctx.report(
                        UNRESOLVED_REFERENCE, f"citation [{number}] names no reference", path, line
                    )
                continue
            theme.publication_ids.append(ref)


def _expand(group: str) -> list[str]:
    numbers: list[str] = []
    for part in re.split(r"\s*,\s*", group):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            numbers.extend(str(n) for n in range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            numbers.append(part.strip())
    return numbers


def _nest_by_number(model: Model, sections: list[_Section]) -> None:
    """``1.2`` goes under ``1``: rank by the section number, not the ``#`` count."""
    by_number = {t.extra.get("section_number"): t for t in model.themes}
    top: list[Theme] = []
    for theme in model.themes:
        number = str(theme.extra.get("section_number"))
        parent = by_number.get(number.rsplit(".", 1)[0]) if "." in number else None
        (parent.subthemes if parent is not None else top).append(theme)
    model.themes[:] = top


READER = PlainReader()
