from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

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
    from ..pipeline import read_site

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
    for chunk in json_chunks(model, compact=compact):
        out.write(chunk)


def json_chunks(model: Model, *, compact: bool = False) -> Iterator[str]:
    """``json.dumps(model.to_dict(), indent=2)`` plus a newline, one record at a time.

    The whole model as one dict and one string would take several times the model's memory;
    records are turned into plain data and encoded one by one instead.  ``compact`` uses
    the C encoder (no indentation), which is several times faster.
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
    indented = json.JSONEncoder(ensure_ascii=False, indent=2).encode
    yield "{"
    for index, key in enumerate(MODEL_KEYS):
        yield ("," if index else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": "
        value = getattr(model, key)
        if isinstance(value, list) and value:
            yield "["
            for position, record in enumerate(value):
                text = indented(to_plain(record)).replace("\n", "\n    ")
                yield ("," if position else "") + "\n    " + text
            yield "\n  ]"
        else:
            yield indented(to_plain(value)).replace("\n", "\n  ")
    yield "\n}\n"
