from __future__ import annotations

import dataclasses
import json
import math
import sys
from collections.abc import Iterator
from json.encoder import encode_basestring as _string
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click
import orjson

from .common import add_option, input_errors, kind_option

if TYPE_CHECKING:
    from ..model import Model


@click.command("export")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@kind_option
@add_option
@click.option("--format", "fmt", type=click.Choice(["json", "yaml", "csl-json"]),
              default="json", show_default=True,
              help="Output format: the model as JSON or YAML, or the publications alone as "
                   "CSL-JSON (what pandoc, Zotero and citation.js read).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--no-dedupe", is_flag=True, help="Do not merge duplicate publications.")
@click.option("--include-unused-bib", "include_unused", is_flag=True,
              help="al-folio: read every .bib file, also those no page renders.")
@click.option("--compact", is_flag=True,
              help="JSON on one line, without indentation (several times faster to write).")
@input_errors
def command(path: Path, kind: str | None, add: tuple[Path, ...], fmt: str, output: Path | None,
            no_dedupe: bool, include_unused: bool, compact: bool) -> None:
    """Print the normalized model of the site or page at PATH.

    \b
    Example:
      sitemigrate export samples/academicpages --format yaml -o model.yml
      sitemigrate export ~/my-site --add ~/zotero.bib -o model.json

    \b
    The publications alone, for pandoc, Zotero or citation.js:
      sitemigrate export samples/al-folio --format csl-json -o references.json
    """
    from ..parsing.yamlio import keep_what_is_built
    from ..pipeline import read_site

    keep_what_is_built()
    model = read_site(path, kind, dedupe=not no_dedupe, include_unused=include_unused,
                      add=add)
    if output is None:
        _write(model, fmt, compact, sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="\n") as handle:
        _write(model, fmt, compact, handle)
    click.echo(f"wrote {output}", err=True)


def _write(model: Model, fmt: str, compact: bool, out: TextIO) -> None:
    if fmt == "csl-json":
        from ..parsing.csl import publications_to_csl

        items = publications_to_csl(model.publications)
        out.write(json.dumps(items, ensure_ascii=False, indent=None if compact else 2) + "\n")
        return
    if fmt == "yaml":
        from ..parsing.yamldump import dump_yaml

        out.write(dump_yaml(model.to_dict()))
        return
    binary = getattr(out, "buffer", None)
    if compact or binary is None:
        for chunk in json_chunks(model, compact=compact):
            out.write(chunk)
        return
    out.flush()  # what the text layer holds goes first; UTF-8 is written as it is encoded
    for data in indented_json(model):
        binary.write(data)


def json_chunks(model: Model, *, compact: bool = False) -> Iterator[str]:
    """``json.dumps(model.to_dict(), indent=2)`` plus a newline, one record at a time.

    The whole model as one dict and one string would take several times the model's memory;
    records are encoded one by one instead (``_indented``, straight from the model).
    ``compact`` uses the C encoder (no indentation) on each record's plain form.
    """
    from ..model import MODEL_KEYS, to_plain

    if compact:
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        yield "{"
        for index, key in enumerate(MODEL_KEYS):
            yield ("," if index else "") + encode(key) + ":"
            value = getattr(model, key)
            if isinstance(value, list):
                yield "["
                for position, record in enumerate(value):
                    yield ("," if position else "") + encode(to_plain(record))
                yield "]"
            else:
                yield encode(to_plain(value))
        yield "}\n"
        return
    for data in indented_json(model, errors="surrogatepass"):
        yield data.decode(errors="surrogatepass")


def indented_json(model: Model, errors: str = "strict") -> Iterator[bytes]:
    """``json.dumps(model.to_dict(), indent=2, ensure_ascii=False)`` plus a newline, as
    UTF-8, a record at a time; ``errors`` says what to do with a lone surrogate (as a file
    written as UTF-8 would: fail)."""
    from ..model import MODEL_KEYS

    yield b"{"
    for index, key in enumerate(MODEL_KEYS):
        yield (b"," if index else b"") + b"\n  " + orjson.dumps(key) + b": "
        value = getattr(model, key)
        if isinstance(value, list) and value:
            yield b"["
            for position, record in enumerate(value):
                yield (b"," if position else b"") + b"\n    " + _indented_record(record, errors)
            yield b"\n  ]"
        else:
            parts: list[str] = []
            _indented(value, "\n  ", parts)
            yield "".join(parts).encode(errors=errors)
    yield b"\n}\n"


_FIELDS: dict[type, tuple[str, ...]] = {}


def _indented_record(record: Any, errors: str) -> bytes:
    """One record of a list, indented as a list item of the model: ``_indented``'s text, by
    orjson where it writes the same: every value but a float (it writes ``1e16``, not
    ``1e+16``, and ``null`` for NaN), which only a record's free-form ``extra`` can hold;
    strings it cannot encode (a lone surrogate) and keys that are not strings raise, and
    ``_indented`` writes those records."""
    if not _orjson_may_differ(getattr(record, "extra", None)):
        try:
            data = orjson.dumps(record, option=orjson.OPT_INDENT_2)
        except TypeError:
            pass
        else:
            return data.replace(b"\n", b"\n    ")  # a string's newline is written as \n
    parts: list[str] = []
    _indented(record, "\n    ", parts)
    return "".join(parts).encode(errors=errors)


def _orjson_may_differ(value: Any) -> bool:
    """``value`` holds a float (orjson spells some otherwise) or a dataclass instance (orjson
    writes those itself, not through ``to_plain``), at any depth."""
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_orjson_may_differ(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_orjson_may_differ(item) for item in value)
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _indented(value: Any, newline: str, out: list[str]) -> None:
    """Append ``json.dumps(to_plain(value), indent=2, ensure_ascii=False)`` to ``out``, its
    lines after the first starting with ``newline``'s indentation: the same text, built in
    one pass over the model instead of json's generators over a plain copy of it."""
    cls = type(value)
    if cls is str:
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif cls is int:
        out.append(int.__repr__(value))
    elif cls is list or cls is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        opener = "[" + inner
        for item in value:
            out.append(opener)
            opener = "," + inner
            _indented(item, inner, out)
        out.append(newline + "]")
    elif cls is float and math.isfinite(value):
        out.append(float.__repr__(value))
    elif cls is dict or cls in _FIELDS or (dataclasses.is_dataclass(cls)
                                           and not isinstance(value, type)):
        if cls is dict:
            pairs: Any = ((str(k), v) for k, v in value.items())
        else:
            names = _FIELDS.get(cls)
            if names is None:
                names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
            pairs = ((name, getattr(value, name)) for name in names)
        inner = newline + "  "
        opener = "{" + inner
        for name, item in pairs:
            out.append(opener + _string(name) + ": ")
            opener = "," + inner
            _indented(item, inner, out)
        out.append(newline + "}" if opener[0] == "," else "{}")
    else:  # NaN, subclasses, anything odd: json's own encoder on to_plain's form
        from ..model import to_plain

        text = json.dumps(to_plain(value), indent=2, ensure_ascii=False)
        out.append(text.replace("\n", newline))
