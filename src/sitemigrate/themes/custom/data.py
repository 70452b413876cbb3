"""Jekyll's ``site.data``: every ``_data`` file by path without extension, folders nesting."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...common.reader import ReadContext
from ...diagnostics import INVALID_CSV, INVALID_JSON, TOO_DEEP
from ...parsing.yamlio import item_lines

DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")
MISSING = object()


@dataclass(slots=True)
class DataFile:
    path: Path
    rel: str  #: path relative to the source root
    key: tuple[str, ...]  #: ("publications",) for _data/publications.yml
    content: Any
    item_lines: dict[tuple[Any, ...], int] = field(default_factory=dict)  #: sub-path -> line


@dataclass(slots=True)
class DataTree:
    """``site.data`` as Jekyll builds it, plus where each file and list item came from."""

    files: list[DataFile] = field(default_factory=list)
    tree: dict[str, Any] = field(default_factory=dict)

    def get(self, path: tuple[Any, ...]) -> Any:
        """The value at ``path`` below ``site.data`` or ``MISSING``."""
        value: Any = self.tree
        for segment in path:
            if not _has(value, segment):
                return MISSING
            value = value[segment]
        return value

    def file_for(self, path: tuple[Any, ...]) -> DataFile | None:
        for data_file in self.files:
            if path[:len(data_file.key)] == data_file.key:
                return data_file
        return None


def _has(value: Any, segment: Any) -> bool:
    if isinstance(value, dict):
        return segment in value
    return isinstance(value, list) and isinstance(segment, int) and \
        -len(value) <= segment < len(value)


def load_data(folder: Path, ctx: ReadContext) -> DataTree:
    tree = DataTree()
    if not folder.is_dir():
        return tree
    for path in ctx.walk(folder, DATA_SUFFIXES):
        rel = path.relative_to(folder)
        key = tuple(rel.parent.parts) + (rel.stem,)
        content, lines = _load(path, ctx)
        if content is MISSING:
            continue
        data_file = DataFile(path, ctx.rel(path), key, content, lines)
        tree.files.append(data_file)
        node = tree.tree
        for part in key[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[key[-1]] = content
    return tree


def _load(path: Path, ctx: ReadContext) -> tuple[Any, dict[tuple[Any, ...], int]]:
    suffix = path.suffix.lower()
    if suffix in (".yml", ".yaml"):
        content = ctx.load_yaml_file(path)
        if content is None:
            return MISSING, {}
        return content, item_lines(ctx.read_text(path) or "")
    text = ctx.read_text(path)
    if text is None:
        return MISSING, {}
    if suffix == ".json":
        try:
            return json.loads(text), {}
        except ValueError as exc:
            ctx.report(INVALID_JSON, f"invalid JSON: {exc}", path, getattr(exc, "lineno", None))
            return MISSING, {}
        except RecursionError:
            ctx.report(TOO_DEEP, "JSON nests too deep; refused", path)
            return MISSING, {}
    return _load_table(text, path, ctx, "\t" if suffix == ".tsv" else ",")


def _load_table(text: str, path: Path, ctx: ReadContext, delimiter: str,
                ) -> tuple[Any, dict[tuple[Any, ...], int]]:
    text = text.lstrip("\ufeff")  # Jekyll would keep it in the first header; nobody means it
    try:
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        rows = [dict(row) for row in reader]
    except csv.Error as exc:
        ctx.report(INVALID_CSV, f"invalid CSV: {exc}", path)
        return MISSING, {}
    # header is line 1; rows follow (multi-line cells are rare in data files)
    return rows, {(i,): i + 2 for i in range(len(rows))}


