"""Research themes and projects from a Markdown research page's headings and lists.

One call does it::

    found = extract_research(body, file="_pages/research.md", first_line=7)
    found.themes, found.projects, found.emails

Rules (heuristics; every theme/project records the line it came from):

* Headings (ATX ``#``…``######`` and setext ``===``/``---``) outside code fences form a tree.
* A heading whose nearest titled ancestor speaks of *projects* ("Research Projects",
  "Ongoing Projects") is a project: title = heading, body = its text, description = the
  first sentence.
* A heading under an ancestor speaking of *areas* ("Research Areas", "Research Focus",
  "Topics", "Interests", "Research") is a theme; headings below a theme are sub-themes.
* A numbered list whose items open with a bold name (``1. **Name**: text``) gives themes
  (projects inside a project section).  Bullet lists with bold names count only under an
  area heading, so "Collaborations" or "Team" lists are not mistaken for themes.
* ``mailto:`` addresses are collected in ``emails``.
* Links to publications become ``publication_ids`` when ``resolve_publication`` (a URL ->
  id function supplied by the caller) knows them; links to projects become a theme's
  ``project_ids`` through ``resolve_project`` the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Origin, Project, Theme
from ..paths import slugify

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_BOLD_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>\d+[.)]|[-*+])[ \t]+(?:\*\*|__)(?P<name>.+?)(?:\*\*|__)"
    r"[ \t]*[:.\-–—]?[ \t]*(?P<rest>.*)$")
_LIST_START = re.compile(r"^[ \t]*(\d+[.)]|[-*+])[ \t]+")
_MAILTO = re.compile(r"mailto:([^)\s\"'>?]+)", re.I)
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)", re.S)

PROJECT_WORDS = ("project",)
AREA_WORDS = ("area", "focus", "topic", "theme", "interest", "direction", "research",
              "agenda")
#: Headings that hold neither themes nor projects even when they say "research".
OTHER_WORDS = ("collaborat", "contact", "join", "funding", "team", "people", "member",
               "publication", "news", "award", "teaching", "student", "position", "partner")


@dataclass(slots=True)
class Heading:
    level: int
    title: str
    line: int  #: 1-based line in the whole file
    text: str = ""  #: the lines after the heading up to the next heading
    text_line: int = 0
    parent: Heading | None = None


@dataclass(slots=True)
class ResearchContent:
    themes: list[Theme] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


def parse_headings(text: str, first_line: int = 1) -> tuple[str, list[Heading]]:
    """(text before the first heading, headings in order with their own text and parent)."""
    lines = text.split("\n")
    headings: list[Heading] = []
    chunks: list[list[str]] = [[]]
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        atx = None if in_fence else _ATX.match(line)
        setext = (not in_fence and index > 0 and _SETEXT.match(line) and chunks[-1]
                  and chunks[-1][-1].strip() and not _LIST_START.match(chunks[-1][-1])
                  and not _ATX.match(chunks[-1][-1]))
        if atx:
            headings.append(Heading(len(atx.group(1)), _clean_title(atx.group(2)),
                                    first_line + index, text_line=first_line + index + 1))
            chunks.append([])
        elif setext:
            title = chunks[-1].pop()
            level = 1 if line.strip().startswith("=") else 2
            headings.append(Heading(level, _clean_title(title), first_line + index - 1,
                                    text_line=first_line + index + 1))
            chunks.append([])
        else:
            chunks[-1].append(line)
    for heading, chunk in zip(headings, chunks[1:], strict=True):
        joined = "\n".join(chunk)
        heading.text = joined.lstrip("\n").rstrip("\n")
        heading.text_line += len(joined) - len(joined.lstrip("\n"))
    stack: list[Heading] = []
    for heading in headings:
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        heading.parent = stack[-1] if stack else None
        stack.append(heading)
    return "\n".join(chunks[0]), headings


def extract_research(text: str, file: str, first_line: int = 1,
                     resolve_publication: Callable[[str], str | None] | None = None,
                     resolve_project: Callable[[str], str | None] | None = None,
                     ) -> ResearchContent:
    """Themes, projects and e-mail addresses found in a research page body."""
    out = ResearchContent(emails=sorted(set(_MAILTO.findall(text)), key=text.find))
    preamble, headings = parse_headings(text, first_line)
    theme_of: dict[int, Theme] = {}
    _bold_lists(preamble, "", first_line, file, out, theme_parent=None,
                resolve=resolve_publication)
    for heading in headings:
        role = _role(heading)
        origin = Origin(file, heading.line)
        if role == "project":
            out.projects.append(_project(heading.title, heading.text, origin,
                                         resolve_publication))
        elif role == "theme":
            theme = _theme(heading.title, heading.text, origin, resolve_publication)
            parent = heading.parent
            if parent is not None and id(parent) in theme_of:
                theme_of[id(parent)].subthemes.append(theme)
            else:
                out.themes.append(theme)
            theme_of[id(heading)] = theme
        _bold_lists(heading.text, heading.title, heading.text_line, file, out,
                    theme_parent=theme_of.get(id(heading)), resolve=resolve_publication)
    if resolve_project is not None:
        for theme in _all(out.themes):
            theme.project_ids = _publication_refs(_theme_text(theme), resolve_project)
    return out


def _all(themes: list[Theme]) -> list[Theme]:
    return [t for theme in themes for t in (theme, *_all(theme.subthemes))]


def _theme_text(theme: Theme) -> str:
    return theme.body or theme.summary or ""


def _words(title: str) -> str:
    return title.lower()


def _kind_of_title(title: str) -> str | None:
    lowered = _words(title)
    if any(w in lowered for w in OTHER_WORDS):
        return "other"
    if any(w in lowered for w in PROJECT_WORDS):
        return "projects"
    if any(w in lowered for w in AREA_WORDS):
        return "areas"
    return None


def _role(heading: Heading) -> str | None:
    """"project", "theme" or None, from the nearest ancestor that names what it holds."""
    ancestor = heading.parent
    while ancestor is not None:
        kind = _kind_of_title(ancestor.title)
        if kind == "projects":
            return "project"
        if kind == "areas":
            return "theme"
        if kind == "other":
            return None
        ancestor = ancestor.parent
    return None


def _bold_lists(text: str, title: str, first_line: int, file: str, out: ResearchContent,
                theme_parent: Theme | None,
                resolve: Callable[[str], str | None] | None) -> None:
    kind = _kind_of_title(title) if title else None
    if kind == "other":
        return
    for item in _bold_items(text, first_line):
        numbered, name, rest, line = item
        if not numbered and kind != "areas":
            continue
        origin = Origin(file, line)
        if kind == "projects":
            out.projects.append(_project(name, rest, origin, resolve))
        else:
            theme = _theme(name, None, origin, resolve)
            theme.summary = rest or None
            theme.publication_ids = _publication_refs(rest, resolve)
            if theme_parent is not None:
                theme_parent.subthemes.append(theme)
            else:
                out.themes.append(theme)


def _bold_items(text: str, first_line: int) -> list[tuple[bool, str, str, int]]:
    """(numbered, bold name, the rest of the item with its continuation lines, line)."""
    items: list[tuple[bool, str, list[str], int]] = []
    open_item = False
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = _BOLD_ITEM.match(line)
        if match and not match.group("indent"):
            numbered = match.group("marker")[0].isdigit()
            items.append((numbered, _clean_title(match.group("name")),
                          [match.group("rest").strip()], first_line + index))
            open_item = True
        elif not open_item:
            continue
        elif not line.strip():
            following = next((n for n in lines[index + 1:] if n.strip()), "")
            open_item = following.startswith((" ", "\t"))
        elif line.startswith((" ", "\t")):
            items[-1][2].append(line.strip())
        else:
            open_item = False
    return [(numbered, name, " ".join(p for p in parts if p).strip(), line)
            for numbered, name, parts, line in items]


def _clean_title(title: str) -> str:
    text = re.sub(r"\{:[^}]*\}", "", title)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(":").strip()


def _theme(title: str, body: str | None, origin: Origin,
           resolve: Callable[[str], str | None] | None) -> Theme:
    text = (body or "").strip()
    return Theme(id=slugify(title), title=title, body=text or None,
                 summary=_first_sentence(text) if text else None,
                 publication_ids=_publication_refs(text, resolve), origin=origin)


def _project(title: str, body: str, origin: Origin,
             resolve: Callable[[str], str | None] | None) -> Project:
    text = body.strip()
    links: dict[str, str] = {}
    for match in _LINK.finditer(text):
        url = match.group("url")
        if url.startswith("mailto:") or (resolve and resolve(url)):
            continue
        label = slugify(match.group("text"), 30, "link")
        links.setdefault(label, url)
    return Project(id=slugify(title), title=title,
                   description=_first_sentence(text) if text else None,
                   body=text or None, links=links,
                   publication_ids=_publication_refs(text, resolve), origin=origin)


def _first_sentence(text: str) -> str | None:
    paragraph = text.strip().split("\n\n")[0]
    paragraph = re.sub(r"\s+", " ", paragraph).strip()
    if not paragraph or paragraph.startswith(("{%", "<", "!", "|")):
        return None
    match = _SENTENCE.match(paragraph)
    return match.group(1) if match else paragraph


def _publication_refs(text: str, resolve: Callable[[str], str | None] | None) -> list[str]:
    if resolve is None:
        return []
    refs = (resolve(match.group("url")) for match in _LINK.finditer(text))
    return list(dict.fromkeys(ref for ref in refs if ref))
