"""Reader for a CSL-JSON or CSL-YAML file (Zotero, Better BibTeX, pandoc ``references:``):
its items become the model's publications (mapping in ``parsing.csl``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ...common.reader import Detection, ReadContext, Reader, peek_text
from ...diagnostics import AMBIGUOUS_CONTENT, INVALID_JSON, UNKNOWN_KIND, UNRESOLVED_REFERENCE
from ...model import Model, Source
from ...parsing.csl import csl_items, csl_to_publication, is_csl_item
from ...parsing.yamlio import item_lines

_SUFFIXES = (".json", ".yaml", ".yml", ".csl", ".csljson")
_CSL_KEYS = re.compile(r"[\"']?(container-title|issued|date-parts|citation-key)[\"']?\s*:")


class CslReader(Reader):
    name = "csl"
    reads_pages = True

    def detect(self, path: Path) -> Detection:
        found = Detection()
        if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
            return found
        head = peek_text(path, 64 * 1024)
        if _CSL_KEYS.search(head):
            found.add(0.3, f"{path.name} uses CSL field names (container-title, issued…)")
        if re.search(r"[\"']?type[\"']?\s*:\s*[\"']?(article-journal|paper-conference|"
                     r"chapter|book|thesis|report|manuscript)\b", head):
            found.add(0.3, "items carry CSL types (article-journal, paper-conference…)")
        if re.search(r"[\"']?family[\"']?\s*:", head):
            found.add(0.2, "authors are CSL name objects (family/given)")
        return found

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        text = ctx.read_text(path)
        if text is None:
            return model
        content = _parse(path, text, ctx)
        items = csl_items(content)
        if items is None:
            ctx.report(UNKNOWN_KIND, "the file holds no CSL items (a list, or a map with "
                       "references:, of maps with CSL fields)", path)
            return model
        lines = _lines(path, text, content)
        for index, item in enumerate(items):
            line = lines.get(index)
            if not is_csl_item(item):
                ctx.report(
                    AMBIGUOUS_CONTENT,
                    f"item {index + 1} is not a CSL item with a title; kept in site extra",
                    path,
                    line,
                )
                model.site.extra.setdefault("csl_other", []).append(item)
                continue
            pub = csl_to_publication(item, f"ref-{index + 1}", ctx.origin(path, line))
            for ref in pub.extra.pop("unresolved_authors", []):
                ctx.report(UNRESOLVED_REFERENCE, f"author {ref!r} could not be read", path, line)
            model.publications.append(pub)
        return model


def _parse(path: Path, text: str, ctx: ReadContext) -> Any:
    if path.suffix.lower() in (".json", ".csljson") or text.lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if path.suffix.lower() in (".json", ".csljson"):
                ctx.report(INVALID_JSON, f"invalid JSON: {exc.msg}", path, exc.lineno)
                return None
    return ctx.parse_yaml(path, text)


def _lines(path: Path, text: str, content: Any) -> dict[int, int]:
    """1-based line of each item: YAML through the composer, JSON by its ``"id"``."""
    if path.suffix.lower() in (".yaml", ".yml") or not text.lstrip().startswith(("[", "{")):
        found = item_lines(text)
        key = "references" if isinstance(content, dict) else None
        return {i: line for k, line in found.items()
                if len(k) == (2 if key else 1) and (k[0] == key if key else True)
                for i in [k[-1]]}
    out: dict[int, int] = {}
    items = csl_items(content) or []
    offset = 0
    for index, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        if ident is None:
            continue
        at = text.find(json.dumps(str(ident)), offset)
        if at >= 0:
            out[index] = text.count("\n", 0, at) + 1
            offset = at
    return out


READER = CslReader()
