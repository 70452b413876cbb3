"""Liquid a writer cut out of a carried page (``foreign_liquid.make_safe`` keeps it under
``LIQUID_KEY`` in the page's front matter) is gathered into one file of the migrated site,
``_sitemigrate/removed-liquid.yml`` (page -> the removed snippets, in page order).

Jekyll, Hugo and Quarto all leave a folder whose name starts with ``_`` out of the built
site, so nothing there renders; the pages keep only what the target theme runs, and the
removed text is still one file away for the user who rewrites those parts (each cut is also
reported with its page and body line)."""

from __future__ import annotations

import re

from ..fileset import FileSet
from ..model import Item, Model, Page, Project
from ..parsing.yamldump import dump_yaml
from ..parsing.yamlio import YamlError, load_yaml
from .foreign_liquid import KEPT_SITE_KEY, LIQUID_KEY
from .reader import ReadContext

KEPT_FILE = "_sitemigrate/removed-liquid.yml"

_HEADER = ("# Liquid that sitemigrate removed from the pages below, because the target theme\n"
           "# cannot run it (each removal is in the migration report with its body line).\n"
           "# Jekyll does not build folders whose name starts with '_': nothing here renders.\n")
_PAGE_SUFFIXES = (".md", ".markdown", ".html", ".qmd")
_KEY_LINE = re.compile(rf"^{LIQUID_KEY}:", re.M)


def gather_kept_liquid(files: FileSet, unplaced: object = None) -> int:
    """Move every page's kept-Liquid block out of its front matter into ``KEPT_FILE``, with
    the ``unplaced`` entries of a read kept file (``KEPT_SITE_KEY``) no page took; return
    the number of pages it came from."""
    kept: dict[str, list[str]] = {}
    for rel in list(files):
        if not rel.endswith(_PAGE_SUFFIXES) or rel.startswith("_sitemigrate/"):
            continue
        data = files.get(rel)
        if data is None or LIQUID_KEY.encode() not in data:
            continue
        split = _without_kept(data.decode("utf-8"))
        if split is not None:
            text, snippets = split
            files.add(rel, text)
            kept[rel] = snippets
    count = len(kept)
    if isinstance(unplaced, dict):
        for rel, snippets in unplaced.items():
            if isinstance(snippets, list) and str(rel) not in kept:
                kept[str(rel)] = [str(s) for s in snippets]
    if kept:
        files.add(KEPT_FILE, _HEADER + dump_yaml(dict(sorted(kept.items()))))
    return count


def _without_kept(text: str) -> tuple[str, list[str]] | None:
    """``text`` without the ``LIQUID_KEY`` block of its front matter, and that block's
    snippets; None when the front matter holds no such block as a list of strings."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    head = text[4:end + 1]
    match = _KEY_LINE.search(head)
    if match is None:
        return None
    lines = head[match.start():].split("\n")
    taken = 1
    while taken < len(lines) and (lines[taken][:1] in (" ", "\t", "-") or
                                  (lines[taken] == "" and taken < len(lines) - 1)):
        taken += 1
    block = "\n".join(lines[:taken])
    try:
        value = load_yaml(block).data
    except YamlError:
        return None
    snippets = value.get(LIQUID_KEY) if isinstance(value, dict) else None
    if not isinstance(snippets, list) or not all(isinstance(s, str) for s in snippets):
        return None
    rest = "\n".join(lines[taken:])
    new_head = head[:match.start()] + rest
    return "---\n" + new_head + text[end + 1:], snippets


def attach_kept_liquid(model: Model, ctx: ReadContext) -> int:
    """Reading a migrated site: put each page's removed Liquid back in its record's
    ``extra`` (where the writers put it in the first place), so that migrating the result
    again keeps it; return the number of records it went to."""
    path = ctx.root / KEPT_FILE
    if not path.is_file():
        return 0
    kept = ctx.load_yaml_file(path)
    if not isinstance(kept, dict):
        return 0
    records: list[Page | Project | Item] = [*model.pages, *model.projects, *model.items]
    attached: set[str] = set()
    for record in records:
        snippets = kept.get(record.origin.file) if record.origin else None
        if isinstance(snippets, list) and all(isinstance(s, str) for s in snippets):
            before = record.extra.get(LIQUID_KEY)
            record.extra[LIQUID_KEY] = [*(before if isinstance(before, list) else []),
                                        *snippets]
            attached.add(record.origin.file if record.origin else "")
    unplaced = {str(k): v for k, v in kept.items() if str(k) not in attached}
    if unplaced:
        model.site.extra[KEPT_SITE_KEY] = unplaced
    return len(attached)
