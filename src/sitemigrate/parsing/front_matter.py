"""Front matter exactly as Jekyll sees it: only when the file's first line is ``---``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import FRONT_MATTER_NOT_MAPPING
from .yamldump import dump_yaml
from .yamlio import YamlError, load_yaml

# Jekyll's Document::YAML_FRONT_MATTER_REGEXP: an opening --- line, then up to a closing
# --- or ... line.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n?)^(?:---|\.\.\.)[ \t]*$\n?", re.M | re.S)


@dataclass(slots=True)
class FrontMatter:
    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    present: bool = False  #: the file has a front-matter block at all
    body_line: int = 1  #: 1-based line where the body starts
    error: YamlError | None = None  #: set when the block exists but does not load
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)  #: (key, file line)


def split_front_matter(text: str) -> FrontMatter:
    """Split ``text`` (already decoded, ``\\n`` newlines) into front matter and body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return FrontMatter(body=text, present=False)
    block = match.group(1)
    body = text[match.end():]
    body_line = text.count("\n", 0, match.end()) + 1
    try:
        loaded = load_yaml(block)
    except YamlError as exc:
        # Jekyll logs the error and renders the page with no data; so do we, with its line.
        line = exc.line + 1 if exc.line else 1
        return FrontMatter(body=body, present=True, body_line=body_line,
                           error=YamlError(exc.message, line, exc.code))
    data = loaded.data
    dups = [(key, line + 1) for key, line in loaded.duplicate_keys]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return FrontMatter(
            body=body,
            present=True,
            body_line=body_line,
            error=YamlError("front matter is not a key: value map", 2, FRONT_MATTER_NOT_MAPPING),
        )
    meta = {str(k): v for k, v in data.items()}
    return FrontMatter(meta, body, True, body_line, None, dups)


def render_front_matter(meta: dict[str, Any], body: str = "") -> str:
    """A Markdown file with a YAML front-matter block; ``None`` values are left out."""
    clean = {k: v for k, v in meta.items() if v is not None}
    head = dump_yaml(clean) if clean else ""
    text = f"---\n{head}---\n"
    if body:
        text += "\n" + body.strip("\n") + "\n"
    return text
