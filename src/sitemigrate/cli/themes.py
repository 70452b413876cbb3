from __future__ import annotations

import click

from .common import echo_json


@click.command("themes")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def command(as_json: bool) -> None:
    """List the source kinds that can be read and the themes that can be written.

    For each theme that can be written, where to get it: `migrate --onto` and `preview`
    need a checkout of it.

    \b
    Example:
      sitemigrate themes --json
    """
    from ..registry import THEMES

    readers = [{"name": row.name, "description": row.reads, "home": row.home}
               for row in THEMES if row.reads]
    writers = [{"name": row.name, "description": row.writes, "home": row.home,
                "version": row.version} for row in THEMES if row.writes]
    if as_json:
        echo_json({"readers": readers, "writers": writers})
        return
    click.echo("Readers (sources):")
    for r in readers:
        click.echo(f"  {r['name']:<14} {r['description']}")
    click.echo("Writers (targets):")
    for w in writers:
        click.echo(f"  {w['name']:<14} {w['description']}")
        if w["home"] and w["home"].startswith("https://github.com/"):
            click.echo(f"  {'':<14} get it: git clone {w['home']}")
        elif w["home"]:  # a tool to install, not a template to check out (Quarto)
            click.echo(f"  {'':<14} get it: {w['home']}")
