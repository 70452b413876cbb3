from __future__ import annotations

from pathlib import Path

import click

from .common import UsageError, echo_diagnostics, echo_json


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--theme", default=None, help="Theme of PATH (default: detected).")
@click.option("--build", is_flag=True,
              help="Also build with Jekyll (when installed) and look for every item in the HTML.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(path: Path, theme: str | None, build: bool, as_json: bool) -> None:
    """Check that a migrated site is what its theme's layouts read.

    Static checks: required front matter, publications the theme would hide, bibliography
    parses with unique keys, data files with the keys the loops use, unique permalinks,
    internal links.  With --build, Jekyll builds the site into a temporary folder and every
    publication, project and page title must appear in the HTML.  Exit 1 when a check fails.

    \b
    Example:
      sitemigrate verify ~/new-site --build
    """
    from ..model import to_plain
    from ..verify import verify_site

    try:
        report = verify_site(path, theme, build=build)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if as_json:
        echo_json({"path": report.path, "theme": report.theme, "ok": report.ok,
                   "built": report.built, "items_checked": report.items_checked,
                   "items_found": report.items_found, "home": report.home,
                   "listings": {role: {"shown": shown, "expected": expected}
                                for role, (shown, expected) in report.listings.items()},
                   "diagnostics": [to_plain(d) for d in report.diagnostics]})
    else:
        echo_diagnostics(report.diagnostics, limit=200)
        found = (f"; built: {report.items_found}/{report.items_checked} items found"
                 + "".join(f", {role} page {shown}/{expected}"
                           for role, (shown, expected) in report.listings.items())
                 + ("" if report.home else ", nothing at /") if report.built else "")
        status = "ok" if report.ok else "problems found"
        click.echo(f"{path}: {report.theme}: {status} ({len(report.diagnostics)} findings){found}")
    if not report.ok:
        raise SystemExit(1)
