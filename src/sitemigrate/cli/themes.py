from __future__ import annotations

import click

from .common import echo_json


@click.command("themes")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def command(as_json: bool) -> None:
    """List the source kinds that can be read and the themes that can be written."""
    from ..readers import DESCRIPTIONS as READER_DESCRIPTIONS
    from ..writers import DESCRIPTIONS as WRITER_DESCRIPTIONS

    readers = [{"name": k, "description": d} for k, d in READER_DESCRIPTIONS.items()]
    writers = [{"name": k, "description": d} for k, d in WRITER_DESCRIPTIONS.items()]
    if as_json:
        echo_json({"readers": readers, "writers": writers})
        return
    click.echo("Readers (sources):")
    for r in readers:
        click.echo(f"  {r['name']:<14} {r['description']}")
    click.echo("Writers (targets):")
    for w in writers:
        click.echo(f"  {w['name']:<14} {w['description']}")
