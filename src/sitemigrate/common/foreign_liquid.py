"""Liquid a carried page brings from its source theme, made safe for the target theme.

A page body was written for its source site: ``{% include base_path %}`` exists only in
academicpages, ``{% cite k %}`` only where jekyll-scholar runs, ``{% include figure.liquid %}``
only in al-folio, a home-made site's ``{% include paper_list.html %}`` nowhere else.  Any of
them aborts the target's Jekyll build.  ``translate`` makes two passes over the text (it
never renders anything):

1. tags: what has an equivalent in plain HTML/Markdown is translated (``base_path`` -> the
   ``assign`` it makes, figure includes -> ``<img>``, ``cite`` -> links to the entries);
   a tag the target does not know is removed;
2. the guard (``liquid_guard.guard``): loops, assigns and outputs reading data, collections or
   includes the target lacks are cut.

Every change is returned as a ``Cut`` with its line so the writer can report it and keep the
removed source text.  ``{% raw %}`` and ``{% comment %}`` regions are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..converters import converter
from ..fileset import FileSet
from ..parsing.yamlio import YamlError, load_yaml
from .liquid_guard import Cut, Guarded, Target, guard
from .writer import WriteContext

#: Tags of Liquid itself and of Jekyll; a theme's plugins add their own (converters data)
STANDARD_TAGS = frozenset({
    "if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor", "break",
    "continue", "assign", "capture", "endcapture", "case", "when", "endcase", "comment",
    "endcomment", "raw", "endraw", "include", "include_relative", "highlight", "endhighlight",
    "link", "post_url", "cycle", "increment", "decrement", "tablerow", "endtablerow", "liquid",
    "echo", "render"})

_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_FIGURE = re.compile(r"(?:path|image|src|file)\s*=\s*[\"']?([^\"'\s]+)")
_VIDEO = re.compile(r"(?:path|src|url)\s*=\s*[\"']?([^\"'\s]+)")
_SHORTCODE = re.compile(r"\{\{<.*?>\}\}", re.S)
_CITE_KEYS = re.compile(r"[\w:./-]+")
_TAG_NAME = re.compile(r"^\S+")
_CLOSING = {"raw": "endraw", "comment": "endcomment"}
BASE_PATH = "{% assign base_path = site.url | append: site.baseurl %}"
#: front-matter key keeping the Liquid cut out of a body (nothing is lost)
LIQUID_KEY = "sitemigrate_liquid"
#: site extra key holding a read kept-Liquid file's entries that went to no record (a Hugo
#: section index the reader keeps as site data): written back into that file as they were
KEPT_SITE_KEY = "sitemigrate_removed_liquid"
DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")


@dataclass(frozen=True, slots=True)
class LiquidTarget:
    """What the target theme runs: its name (for messages), the tags its plugins add, the
    guard's predicates, and how to write a citation when it has no ``cite`` tag."""

    theme: str
    tags: frozenset[str]
    target: Target
    #: keys -> Markdown for ``{% cite %}`` (links to the entries); unused when ``cite`` is a tag
    cite: Callable[[list[str]], str]
    #: ``None`` for a Jekyll theme; for a target that runs no Liquid at all (Quarto), the
    #: text of the outputs it can render (``site.baseurl`` -> ""): every other tag and output
    #: left after translation is removed (``render_away``)
    values: dict[str, str] | None = None


def translate(text: str, liquid: LiquidTarget, first_line: int = 1) -> Guarded:
    """``text`` with the Liquid ``liquid.theme`` cannot run translated or cut; the changes."""
    if "{%" not in text and "{{" not in text:
        return Guarded(text)
    found: list[Cut] = []
    if liquid.values is not None and "{{<" in text:  # ran nothing in the source: not here
        def drop(match: re.Match[str]) -> str:
            line = first_line + text.count("\n", 0, match.start())
            found.append(Cut(line, f"{match.group(0)[:40]} is no shortcode in the source; "
                                   "removed", match.group(0)))
            return ""

        text = _SHORTCODE.sub(drop, text)
    tagged = _translate_tags(text, liquid, first_line)
    tagged.cuts[:0] = found
    guarded = guard(tagged.text, liquid.target, first_line)
    if liquid.values is None:
        return Guarded(guarded.text, tagged.cuts + guarded.cuts)
    rendered = render_away(guarded.text, liquid.values, liquid.theme, first_line)
    return Guarded(rendered.text, tagged.cuts + guarded.cuts + rendered.cuts)


def _translate_tags(text: str, liquid: LiquidTarget, first_line: int) -> Guarded:
    cuts: list[Cut] = []
    closing: str | None = None

    def replace(match: re.Match[str]) -> str:
        nonlocal closing
        tag, args = match.group(1), match.group(2).strip()
        if closing is not None:
            if tag == closing:
                closing = None
            return match.group(0)
        if tag in _CLOSING:
            closing = _CLOSING[tag]
            return match.group(0)
        line = first_line + text.count("\n", 0, match.start())
        new, reason = _tag(tag, args, liquid)
        if reason is not None:
            cuts.append(Cut(line, reason, match.group(0), translated=new != ""))
            return new
        return match.group(0)

    if "{%" not in text:
        return Guarded(text)
    return Guarded(_TAG.sub(replace, text), cuts)


def _tag(tag: str, args: str, liquid: LiquidTarget) -> tuple[str, str | None]:
    """(replacement, why) for a tag the target cannot run as is; (_, None) to keep it."""
    if tag == "include":
        return _include(args, liquid)
    base = tag[3:] if tag.startswith("end") else tag  # a block's end goes with its start
    if base in STANDARD_TAGS or base in liquid.tags:
        return "", None
    if tag == "cite":
        keys = _CITE_KEYS.findall(args)
        return liquid.cite(keys), f"{{% cite %}} converted to links ({liquid.theme} has none)"
    return "", f"Liquid tag {{% {tag} %}} is unknown to {liquid.theme}; removed"


def _include(args: str, liquid: LiquidTarget) -> tuple[str, str | None]:
    name = args.split()[0] if args.split() else ""
    if not name or "{{" in name or liquid.target.include(name):
        return "", None
    renamed = f"{name.removesuffix('.html')}.liquid"
    if name.endswith(".html") and liquid.target.include(renamed):  # al-folio renamed them
        return _TAG_NAME.sub(renamed, args, count=1).join(("{% include ", " %}")), \
            f"{{% include {name} %}} is {renamed} in {liquid.theme}"
    if name == "base_path":  # academicpages' include only sets the variable
        return BASE_PATH, "{% include base_path %} is academicpages' own; replaced by " \
                          "the assignment it makes"
    found = _FIGURE.search(args) if name.startswith("figure.") else None
    if found:
        src = found.group(1).lstrip("/")
        return f'<img src="{{{{ site.baseurl }}}}/{src}">', \
            f"{{% include {name} %}} converted to <img>"
    video = _VIDEO.search(args) if name.startswith("video.") else None
    if video and liquid.values is not None:  # Quarto's own video shortcode
        src = video.group(1)
        src = src if "://" in src else "/" + src.lstrip("/")
        return f"{{{{< video {src} >}}}}", f"{{% include {name} %}} converted to the " \
            "video shortcode"
    return "", f"{{% include {name} %}} does not exist in {liquid.theme}; removed"


def theme_target(theme: str, files: FileSet, ctx: WriteContext,
                 cite: Callable[[list[str]], str],
                 values: dict[str, str] | None = None) -> LiquidTarget:
    """A ``LiquidTarget`` from the theme's facts (``plugin_tags``, ``includes``, ``data_files``
    in ``converters/<theme>.yml``) and what the output will hold: the files written so far,
    then what is already in the output folder (or the ``--onto`` checkout).  Call it once
    the data files and ``_config.yml`` are in ``files``."""
    facts = converter(theme)
    includes = frozenset(str(name) for name in facts.get("includes") or ())
    data = frozenset(str(name) for name in facts.get("data_files") or ())
    config = _config_keys(files, ctx)

    def has_file(rel: str) -> bool:
        return rel in files or ctx.existing(rel) is not None

    def has_data(name: str) -> bool:
        return name in data or any(has_file(f"_data/{name}{s}") for s in DATA_SUFFIXES)

    def has_site_key(name: str) -> bool:
        if name.startswith(("categories.", "tags.")):  # posts grouped by category or tag
            return any(rel.startswith("_posts/") for rel in files)
        return name in config or any(rel.startswith(f"_{name}/") for rel in files)

    def has_include(name: str) -> bool:
        return name in includes or has_file(f"_includes/{name}")

    def has_post(name: str) -> bool:
        stem = name.rsplit("/", 1)[-1]
        return any(rel.startswith("_posts/") and rel.rsplit("/", 1)[-1].startswith(stem)
                   for rel in files)

    def has_page_file(path: str) -> bool:
        path = path.lstrip("/")
        return has_file(path) or has_file(f"_pages/{path}")

    target = Target(data=has_data, site=has_site_key, include=has_include, post=has_post,
                    file=has_page_file)
    tags = frozenset(str(t) for t in facts.get("plugin_tags") or ())
    return LiquidTarget(theme, tags, target, cite, values)


def _config_keys(files: FileSet, ctx: WriteContext) -> frozenset[str]:
    """Top-level ``_config.yml`` keys and declared collections: what ``site.<name>`` reads."""
    text = files.get("_config.yml") or ctx.existing("_config.yml")
    if text is None:
        return frozenset()
    try:
        config = load_yaml(text.decode("utf-8", "replace")).data
    except YamlError:
        return frozenset()
    if not isinstance(config, dict):
        return frozenset()
    collections = config.get("collections")  # ``site.<name>`` of each, even when empty
    names = list(collections) if isinstance(collections, dict | list) else []
    return frozenset(str(k) for k in [*config, *names])


def make_safe(text: str, liquid: LiquidTarget, meta: dict[str, object],
              report: Callable[[str], None]) -> str:
    """``translate`` a body, report each change (``body line N: why``) and keep what was
    removed under ``LIQUID_KEY`` in ``meta``."""
    result = translate(text, liquid)
    if not result.cuts:
        return text
    for cut in result.cuts:
        report(f"body line {cut.line}: {cut.reason}")
    removed = [cut.source.rstrip("\n") for cut in result.cuts if not cut.translated]
    if removed:
        kept = meta.get(LIQUID_KEY)
        before = list(kept) if isinstance(kept, list) else ([kept] if kept else [])
        # trailing newlines would make the YAML dump end with a "..." line, which closes the
        # front matter early for Jekyll and for the reader
        meta[LIQUID_KEY] = before + removed
    # blank lines left where a cut stood at either end go, as they do when read back
    out = result.text
    if not text.startswith("\n"):
        out = out.lstrip("\n")
    if not text.endswith("\n"):
        out = out.rstrip("\n")
    return out if out.strip() else ""


_FIRST_LIQUID = re.compile(r"\{%|\{\{")
_LISTING_TAG = re.compile(r"\{%-?\s*(?:for|tablerow|bibliography)\b")
_HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s|^\s*<h[1-6][\s>].*</h[1-6]>\s*$", re.I)
_WRAPPER_LINE = re.compile(r"^\s*<(?!/?(?:p|em|strong|a|br|b|i|code)\b)[^>]*>\s*$")


def is_foreign_listing(body: str, native: str) -> bool:
    """True for a listing page of another theme: its body runs Liquid (a loop over a
    collection or data file, ``{% bibliography %}``) but not the target's own ``native``
    mechanism (``site.publications``, ``{% bibliography``)."""
    return _LISTING_TAG.search(body) is not None and native not in body


def under_intro(source_body: str, listing: str) -> str:
    """The target's ``listing`` below the intro the user wrote above the source's loop."""
    intro = intro_above_listing(source_body)
    return f"{intro}\n\n{listing}" if intro else listing


def intro_above_listing(body: str) -> str:
    """What the user wrote above a listing's Liquid: the text before its first tag or output,
    without the HTML wrapper lines that opened the listing (``<div class="publications">``),
    so the target's own listing can follow it."""
    match = _FIRST_LIQUID.search(body)
    lines = (body[:match.start()] if match else body).rstrip().split("\n")
    # a heading right above the loop names what the loop listed ("## Highlights"): it goes
    # with the loop, not with the intro
    while lines and (not lines[-1].strip() or _WRAPPER_LINE.match(lines[-1])
                     or _HEADING_LINE.match(lines[-1])):
        lines.pop()
    return "\n".join(lines).strip("\n")


#: a Liquid tag or output; ``{{< … >}}`` is a Quarto shortcode, not Liquid
_ANY_TOKEN = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}|\{\{(?!<)-?(.*?)-?\}\}", re.S)
#: blocks whose whole content goes with their tags (it only makes sense with Liquid running)
_DROPPED_BLOCKS = {"for": "endfor", "tablerow": "endtablerow", "capture": "endcapture",
                   "comment": "endcomment"}
_VARIABLE = re.compile(r"^\s*([A-Za-z_][\w.-]*)\s*(\|.*)?$", re.S)
_LANGUAGE = re.compile(r"[^\w-]")
_LITERAL_URL = re.compile(r"^\s*(['\"])([^'\"]*)\1\s*\|\s*(?:relative_url|absolute_url)\s*$")


def render_away(text: str, values: dict[str, str], theme: str, first_line: int = 1) -> Guarded:
    """``text`` with no Liquid left, for a target that runs none: outputs named in ``values``
    (``site.baseurl``) and ``'/x' | relative_url`` become their text, ``{% raw %}`` regions
    their content; loops, captures and comments go with what they enclose, every other tag
    and output is removed.  Each change is a ``Cut`` with its line."""
    if "{%" not in text and "{{" not in text:
        return Guarded(text)
    out: list[str] = []
    cuts: list[Cut] = []
    position = 0
    matches = list(_ANY_TOKEN.finditer(text))
    index = 0
    while index < len(matches):
        match = matches[index]
        tag, args, expression = match.group(1), match.group(2) or "", match.group(3)
        line = first_line + text.count("\n", 0, match.start())
        out.append(text[position:match.start()])
        end, new, reason, translated = match.end(), "", "", False
        if tag == "raw":
            close = next((j for j in range(index + 1, len(matches))
                          if matches[j].group(1) == "endraw"), None)
            stop = matches[close].start() if close is not None else len(text)
            new, reason, translated = text[match.end():stop], "{% raw %} unwrapped", True
            shown = new.strip()
            if "\n" not in shown and ("{%" in shown or "{{" in shown) and "`" not in shown \
                    and not text[:match.start()].endswith("`"):  # Liquid shown as an example
                new = new.replace(shown, f"`{shown}`", 1)
            end = matches[close].end() if close is not None else len(text)
            index = close if close is not None else len(matches)
        elif tag == "highlight":
            close = _block_end(matches, index, "highlight", "endhighlight")
            stop = matches[close].start() if close is not None else len(text)
            end = matches[close].end() if close is not None else len(text)
            index = close if close is not None else len(matches)
            language = _LANGUAGE.sub("", (args.split() or [""])[0].replace("+", "p"))
            new = f"```{language}\n{text[match.end():stop].strip(chr(10))}\n```"
            reason, translated = "{% highlight %} written as a fenced code block", True
        elif tag in _DROPPED_BLOCKS:
            close = _block_end(matches, index, tag, _DROPPED_BLOCKS[tag])
            if close is not None:
                end, index = matches[close].end(), close
            reason = f"{{% {tag} %}} block removed ({theme} runs no Liquid)"
        elif tag == "assign" and args.partition("=")[0].strip() in values:
            reason, translated = f"{{% assign {args.partition('=')[0].strip()} %}} not " \
                "needed: its outputs are written as their value", True
        elif tag is not None:
            reason = f"Liquid tag {{% {tag} %}} removed ({theme} runs no Liquid)"
        else:
            new, reason, translated = _output(expression or "", values, theme)
        out.append(new)
        cuts.append(Cut(line, reason, text[match.start():end], translated))
        position = end
        index += 1
    out.append(text[position:])
    return Guarded("".join(out), cuts)


def _block_end(matches: list[re.Match[str]], index: int, opening: str, closing: str,
               ) -> int | None:
    depth = 0
    for j in range(index, len(matches)):
        tag = matches[j].group(1)
        if tag == opening:
            depth += 1
        elif tag == closing:
            depth -= 1
            if depth == 0:
                return j
    return None


def _output(expression: str, values: dict[str, str], theme: str) -> tuple[str, str, bool]:
    literal = _LITERAL_URL.match(expression)
    if literal:
        return literal.group(2), "{{ '…' | relative_url }} written as the URL", True
    variable = _VARIABLE.match(expression)
    name = variable.group(1) if variable else None
    if name is not None and name in values:
        return values[name], f"{{{{ {name} }}}} written as its value", True
    return "", f"Liquid output {{{{{expression.strip()[:40]}}}}} removed ({theme} runs no " \
               "Liquid)", False
