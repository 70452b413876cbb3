from __future__ import annotations

import json
from pathlib import Path

import click

from .common import input_errors, kind_option


@click.command("export")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@kind_option
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--no-dedupe", is_flag=True, help="Do not merge duplicate publications.")
@input_errors
def command(path: Path, kind: str | None, fmt: str, output: Path | None,
            no_dedupe: bool) -> None:
    """Print the normalized model of the site or page at PATH."""
    from ..pipeline import read_site

    model = read_site(path, kind, dedupe=not no_dedupe)
    data = model.to_dict()
    if fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        from ..parsing.yamlio import dump_yaml

        text = dump_yaml(data)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
