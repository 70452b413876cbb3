"""Research pages written in HTML-heavy Markdown -> themes and the papers they name.

Three shapes are understood, tried in this order:

* **numbered areas** (the al-folio seed): ``**1) Area**: summary`` lines, sub-areas
  ``* **a) Sub-area**: summary``, topics as ``<details><summary>``, and papers as
  ``<strong><a href>Title</a></strong> (Venue, …``.  Rules, decided once:

  - a paper is a ``<strong>`` whose only content is one ``<a href>``; plain ``<a>`` links
    (libraries that "include" the work, DiT, SORA) are context, not papers;
  - the venue is the first comma-separated part of a parenthesis that directly follows
    the link ("(TPAMI & AISTATS)" -> "TPAMI & AISTATS"); the rest ("200+ citations",
    "spotlight") goes to ``extra["venue_note"]``;
  - a shields.io ``github/stars/<owner>/<repo>`` badge is the paper's code repository
    only when it comes after the paper link with no other link and no closing ``)`` in
    between, so the NVIDIA/NeMo-style badges after "included in <a>…</a>" stay with
    their own links and never become the paper's code;
  - ``<sup>`` digits in a title become Unicode superscripts ("LOVA<sup>3</sup>" ->
    "LOVA³", as the page renders it); the raw HTML is kept in ``extra["title_html"]``;
  - the same paper linked twice (same URL without fragment, or same title) is one
    publication tied to every theme that names it;
  - HTML comments are ignored; ``ttps://`` slips are repaired and reported (SM403).

* **HTML sections** (201younghanlee): ``<h2>`` tracks, ``<h3>`` topics, and links to
  ``…/publications/#key`` naming BibTeX keys.

* **Markdown headings** (what our al-folio writer emits): ``##``/``###``/``####`` themes,
  ``{% cite k1 k2 %}`` and ``--query @*[key=k]*`` keys, links to ``/projects/<id>/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urldefrag

import lxml.html
from lxml import etree

from ..diagnostics import (
    AMBIGUOUS_CONTENT,
    MALFORMED_URL,
    MERGE_CONFLICT,
    MERGED_DUPLICATE,
    MISSING_TITLE,
    URL_REPAIRED,
    Code,
)
from ..model import Origin, Publication, Theme
from ..paths import IdPool
from ..transforms.fields import plain_text, repair_url

#: report(code, message, line) — the caller adds the file.
Report = Callable[[Code, str, int | None], None]

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_AREA = re.compile(r"^[ \t]*\*\*[ \t]*(\d+)\)[ \t]*(.+?)\*\*[ \t]*:?[ \t]*(.*)$", re.M)
_SUBAREA = re.compile(r"^\s*[*+-]\s+\*\*\s*([a-z])\)\s*(.+?)\*\*\s*:?\s*(.*)$")
_STARS = re.compile(r"img\.shields\.io/github/stars/([\w.-]+)/([\w.-]+)")
_ARXIV_ID = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})(?:v\d+)?", re.I)
_SUPERSCRIPT = str.maketrans("0123456789+-()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿ")
_HEADING = re.compile(r"^(#{2,4})\s+(.+?)\s*#*\s*$")
_CITE = re.compile(r"{%-?\s*cite\s+([^%]+?)\s*-?%}")
_QUERY_KEY = re.compile(r"\bkey\s*=\s*([\w:./+-]+)")
_BIBLIOGRAPHY = re.compile(r"{%-?\s*bibliography\b[^%]*%}")
_PROJECT_LINK = re.compile(r"/projects/([^/\s\"')#?]+)/?")
_PUB_ANCHOR = re.compile(r"publications[^\"#<>]*#([\w:./+-]+)")


@dataclass(slots=True)
class ResearchContent:
    """What a research page says: a theme tree and the papers it names."""

    shape: str  #: "numbered-areas", "html-sections", "markdown-headings"
    themes: list[Theme] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)


def parse_research_page(body: str, file: str, body_line: int = 1,
                        report: Report | None = None) -> ResearchContent | None:
    """Themes and papers of a research page body, or ``None`` when it has no known shape."""
    say: Report = report or (lambda code, message, line: None)
    text = _mask_comments(body)
    if _AREA.search(text):
        return _NumberedAreas(file, body_line, say).parse(text)
    if re.search(r"<h2[\s>]", text) and _PUB_ANCHOR.search(text):
        return _parse_html_sections(text, file, body_line)
    if any(_HEADING.match(line) for line in text.splitlines()):
        content = _parse_markdown_headings(text, file, body_line)
        if content.themes:
            return content
    return None


def _mask_comments(text: str) -> str:
    """HTML comments blanked out, newlines kept so line numbers still hold."""
    return _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


# ---------------------------------------------------------------- numbered areas (seed)

@dataclass(slots=True)
class _Node:
    theme: Theme
    lines: list[tuple[int, str]] = field(default_factory=list)


class _NumberedAreas:
    def __init__(self, file: str, body_line: int, report: Report) -> None:
        self.file = file
        self.body_line = body_line
        self.report = report
        self.theme_ids = IdPool()
        self.pub_ids = IdPool()
        self.publications: list[Publication] = []
        self.by_url: dict[str, Publication] = {}
        self.by_title: dict[str, Publication] = {}

    def parse(self, text: str) -> ResearchContent:
        nodes = self._build_tree(text.split("\n"))
        themes = [n.theme for n in nodes if n.theme.extra.get("level") == "area"]
        for node in nodes:
            self._attach_papers(node)
            node.theme.body = _dedent_block([line for _, line in node.lines]) or None
        return ResearchContent("numbered-areas", themes, self.publications)

    def _build_tree(self, lines: list[str]) -> list[_Node]:
        nodes: list[_Node] = []
        area: _Node | None = None
        sub: _Node | None = None
        details: _Node | None = None
        for index, line in enumerate(lines):
            lineno = self.body_line + index
            if details is not None:
                details.lines.append((lineno, line))
                if "</details>" in line:
                    self._name_topic(details)
                    details = None
                continue
            area_match = _AREA.match(line.replace("\t", " "))
            sub_match = _SUBAREA.match(line.replace("\t", " ")) if area else None
            if area_match:
                area = self._node(area_match.group(2), area_match.group(3), lineno, "area")
                area.theme.extra["number"] = area_match.group(1)
                nodes.append(area)
                sub = None
            elif sub_match and area is not None:
                sub = self._node(sub_match.group(2), sub_match.group(3), lineno, "subarea")
                sub.theme.extra["letter"] = sub_match.group(1)
                area.theme.subthemes.append(sub.theme)
                nodes.append(sub)
            elif "<details" in line and (sub or area):
                parent = sub or area
                assert parent is not None
                details = _Node(Theme(id="", title="", origin=Origin(self.file, lineno),
                                      extra={"level": "topic"}), [(lineno, line)])
                parent.theme.subthemes.append(details.theme)
                nodes.append(details)
                if "</details>" in line:
                    self._name_topic(details)
                    details = None
            elif (current := sub or area) is not None:
                current.lines.append((lineno, line))
        if details is not None:
            self._name_topic(details)
        return nodes

    def _node(self, title: str, summary: str, lineno: int, level: str) -> _Node:
        title = re.sub(r"\s+", " ", title).strip()
        theme = Theme(id=self.theme_ids.take(title, "theme"), title=title,
                      summary=summary.strip() or None, origin=Origin(self.file, lineno),
                      extra={"level": level})
        return _Node(theme)

    def _name_topic(self, node: _Node) -> None:
        html = "\n".join(line for _, line in node.lines)
        match = re.search(r"<summary>(.*?)</summary>", html, re.S)
        summary_html = match.group(1) if match else ""
        strong = re.search(r"<strong>(.*?)</strong>", summary_html, re.S)
        title = plain_text(strong.group(1) if strong else summary_html)
        if not title:
            title = "Topic"
            self.report(MISSING_TITLE, "a <details> topic has no <summary>; named 'Topic'",
                        node.theme.origin.line if node.theme.origin else None)
        node.theme.title = title
        node.theme.id = self.theme_ids.take(title, "topic")
        rest = plain_text(re.sub(r"<strong>.*?</strong>", "", summary_html, flags=re.S))
        if rest:
            node.theme.extra["summary_note"] = rest

    def _attach_papers(self, node: _Node) -> None:
        if not node.lines:
            return
        html = "\n".join(line for _, line in node.lines)
        if "<a" not in html:
            return
        first_line = node.lines[0][0]
        try:
            root = lxml.html.fragment_fromstring(html, create_parent="div")
        except (etree.ParserError, ValueError) as exc:
            self.report(AMBIGUOUS_CONTENT, f"HTML could not be parsed: {exc}", first_line)
            return
        events = list(_events(root))
        tied = set(node.theme.publication_ids)
        for index, (kind, payload) in enumerate(events):
            if kind != "paper":
                continue
            assert isinstance(payload, etree._Element)
            line = first_line + (payload.sourceline or 1) - 1
            pub = self._paper(payload, events[index + 1:], line)
            if pub.id not in tied:
                tied.add(pub.id)
                node.theme.publication_ids.append(pub.id)

    def _paper(self, anchor: etree._Element, after: list[tuple[str, object]],
               line: int) -> Publication:
        title = _inline_title(anchor)
        href = (anchor.get("href") or "").strip()
        url, repaired = repair_url(href) if href else ("", False)
        if repaired:
            self.report(MALFORMED_URL, f"malformed URL {href!r} for {title!r}", line)
            self.report(URL_REPAIRED, f"URL {href!r} repaired to {url!r}", line)
        venue, note = _venue_after(after)
        code = _code_badge_after(after)
        existing = self._find(url, title)
        if existing is not None:
            existing.merged_from.append(Origin(self.file, line))
            self.report(
                MERGED_DUPLICATE, f"paper {title!r} linked again; one publication kept", line
            )
            if venue and existing.venue and venue != existing.venue:
                self.report(
                    MERGE_CONFLICT, f"{title!r}: venue {venue!r} vs {existing.venue!r}", line
                )
            if code and "code" not in existing.links:
                existing.links["code"] = code
            return existing
        pub = Publication(id=self.pub_ids.take(title, "paper"), title=title, venue=venue,
                          origin=Origin(self.file, line))
        if url:
            pub.links[_link_label(url)] = url
            arxiv = _ARXIV_ID.search(url)
            if arxiv:
                pub.identifiers["arxiv"] = arxiv.group(1)
        if code:
            pub.links["code"] = code
            pub.identifiers["github"] = code.removeprefix("https://github.com/")
        if note:
            pub.extra["venue_note"] = note
        raw_title = etree.tostring(anchor, encoding="unicode", with_tail=False)
        if "<sup" in raw_title or "<sub" in raw_title:
            inner = re.sub(r"^<a\b[^>]*>|</a>$", "", raw_title.strip())
            pub.extra["title_html"] = inner
        self.publications.append(pub)
        if url:
            self.by_url[urldefrag(url)[0].rstrip("/")] = pub
        self.by_title[title.casefold()] = pub
        return pub

    def _find(self, url: str, title: str) -> Publication | None:
        if url:
            found = self.by_url.get(urldefrag(url)[0].rstrip("/"))
            if found is not None:
                return found
        return self.by_title.get(title.casefold())


def _events(root: etree._Element) -> list[tuple[str, object]]:
    """Document-order stream: ("text", str), ("paper", <a>), ("link", <a>), ("iframe", src)."""
    out: list[tuple[str, object]] = []

    def visit(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "strong" and _only_link(el) is not None:
            out.append(("paper", _only_link(el)))
        elif tag == "a":
            out.append(("link", el))
        elif tag == "iframe":
            out.append(("iframe", el.get("src") or ""))
        else:
            if el.text:
                out.append(("text", el.text))
            for child in el:
                visit(child)
        if el.tail:
            out.append(("text", el.tail))

    if root.text:
        out.append(("text", root.text))
    for child in root:
        visit(child)
    return out


def _only_link(strong: etree._Element) -> etree._Element | None:
    children = [c for c in strong if isinstance(c.tag, str)]
    if len(children) != 1 or children[0].tag != "a" or not children[0].get("href"):
        return None
    if (strong.text or "").strip() or (children[0].tail or "").strip():
        return None
    return children[0]


def _inline_title(anchor: etree._Element) -> str:
    parts: list[str] = [anchor.text or ""]
    for child in anchor:
        inner = child.text_content() if isinstance(child.tag, str) else ""
        if child.tag == "sup" and inner.strip().translate(_SUPERSCRIPT) != inner.strip():
            parts.append(inner.strip().translate(_SUPERSCRIPT))
        else:
            parts.append(inner)
        parts.append(child.tail or "")
    return re.sub(r"\s+", " ", "".join(parts)).strip() or "Untitled"


def _venue_after(after: list[tuple[str, object]]) -> tuple[str | None, str | None]:
    text = ""
    for kind, payload in after:
        if kind != "text":
            break
        text += str(payload)
    match = re.match(r"\s*\(([^()]*)", text)
    if not match:
        return None, None
    parts = [p.strip() for p in match.group(1).split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None, None
    return parts[0], (", ".join(parts[1:]) or None)


def _code_badge_after(after: list[tuple[str, object]]) -> str | None:
    for kind, payload in after:
        if kind in ("paper", "link"):
            return None
        if kind == "text" and ")" in str(payload):
            return None
        if kind == "iframe":
            stars = _STARS.search(str(payload))
            if stars:
                return f"https://github.com/{stars.group(1)}/{stars.group(2)}"
    return None


def _link_label(url: str) -> str:
    lowered = url.lower()
    if "arxiv.org/" in lowered:
        return "arxiv"
    if urldefrag(lowered)[0].split("?")[0].endswith(".pdf"):
        return "pdf"
    return "html"


def _dedent_block(lines: list[str]) -> str:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(line.rstrip() for line in lines)


# ---------------------------------------------------------------- HTML sections

def _parse_html_sections(text: str, file: str, body_line: int) -> ResearchContent:
    root = lxml.html.fragment_fromstring(text, create_parent="div")
    ids = IdPool()
    themes: list[Theme] = []
    current: Theme | None = None
    sub: Theme | None = None
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        line = body_line + (el.sourceline or 1) - 1
        if el.tag == "h2":
            title = plain_text(el.text_content()) or "Theme"
            current = Theme(id=ids.take(title, "theme"), title=title, origin=Origin(file, line))
            themes.append(current)
            sub = None
        elif el.tag == "h3" and current is not None:
            title = plain_text(el.text_content()) or "Topic"
            sub = Theme(id=ids.take(title, "topic"), title=title, origin=Origin(file, line))
            current.subthemes.append(sub)
        elif el.tag == "p" and "description" in (el.get("class") or ""):
            target = sub or current
            if target is not None and target.summary is None:
                target.summary = plain_text(el.text_content()) or None
        elif el.tag == "a":
            match = _PUB_ANCHOR.search(el.get("href") or "")
            target = sub or current
            if match and target is not None:
                target.publication_ids.append(match.group(1))
    for theme in themes:  # every anchor was appended; the first of each id is kept
        for tied in (theme, *theme.subthemes):
            tied.publication_ids = list(dict.fromkeys(tied.publication_ids))
    return ResearchContent("html-sections", themes, [])


# ---------------------------------------------------------------- Markdown headings

def _parse_markdown_headings(text: str, file: str, body_line: int) -> ResearchContent:
    ids = IdPool()
    themes: list[Theme] = []
    stack: list[tuple[int, Theme, list[str]]] = []

    def close_to(level: int) -> None:
        while stack and stack[-1][0] >= level:
            _, theme, lines = stack.pop()
            theme.body = _dedent_block(lines) or None
            # _collect_refs appended every reference; the first of each is kept
            theme.publication_ids = list(dict.fromkeys(theme.publication_ids))
            theme.project_ids = list(dict.fromkeys(theme.project_ids))

    in_fence = False
    for index, line in enumerate(text.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            close_to(level)
            title = plain_text(heading.group(2))
            theme = Theme(id=ids.take(title, "theme"), title=title,
                          origin=Origin(file, body_line + index))
            (stack[-1][1].subthemes if stack else themes).append(theme)
            stack.append((level, theme, []))
            continue
        if not stack:
            continue
        theme, lines = stack[-1][1], stack[-1][2]
        if _collect_refs(line, theme):
            continue
        lines.append(line)
    close_to(0)
    return ResearchContent("markdown-headings", themes, [])


def _collect_refs(line: str, theme: Theme) -> bool:
    """Record cite keys and project links of a generated line; True if the line is only that."""
    stripped = line.strip()
    keys: list[str] = []
    for match in _CITE.finditer(stripped):
        keys.extend(k for k in re.split(r"[\s,]+", match.group(1)) if k and "=" not in k)
    for match in _BIBLIOGRAPHY.finditer(stripped):
        keys.extend(_QUERY_KEY.findall(match.group(0)))
    theme.publication_ids.extend(keys)
    if stripped.startswith("**Projects:**"):
        theme.project_ids.extend(_PROJECT_LINK.findall(stripped))
        return True
    if _BIBLIOGRAPHY.fullmatch(stripped):
        return True
    return bool(keys) and stripped.startswith(("**Publications:**", "{%"))
