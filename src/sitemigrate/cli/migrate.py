from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    UsageError,
    add_option,
    colored,
    echo_by_severity,
    echo_json,
    exit_for,
    input_errors,
    kind_option,
    strict_option,
)

if TYPE_CHECKING:  # the command imports the pipeline only when it runs
    from ..fileset import FileChange
    from ..pipeline import Plan


@click.command("migrate")
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option("--to", "target", required=True, metavar="THEME",
              help="Target theme (see `sitemigrate themes`).")
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@kind_option
@add_option
@click.option("--dry-run", is_flag=True, help="Write nothing; print the plan and diffs.")
@click.option("--force", is_flag=True, help="Overwrite existing files that would change.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan/result as JSON.")
@click.option("--no-dedupe", is_flag=True, help="Do not merge duplicate publications.")
@click.option("--include-unused-bib", "include_unused", is_flag=True,
              help="al-folio: read every .bib file, also those no page renders.")
@click.option("--diff/--no-diff", "show_diff", default=True,
              help="With --dry-run, print unified diffs of changed files.")
@click.option("--onto", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, metavar="THEME_DIR",
              help="Start from this checkout of the target theme (only read): OUT becomes the "
                   "whole theme minus its example content, with the migrated files on top.")
@strict_option
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE",
              help="Also write a report: FILE.json (+ .md beside it), FILE.md or FILE.html "
                   "(self-contained page with the diffs), chosen by the extension.")
@input_errors
def command(src: Path, target: str, out_dir: Path, kind: str | None, add: tuple[Path, ...],
            dry_run: bool,
            force: bool, as_json: bool, no_dedupe: bool, include_unused: bool,
            show_diff: bool, onto: Path | None, strict: bool, report_path: Path | None) -> None:
    """Migrate the site or page SRC to theme THEME, writing into OUT.

    Nothing is overwritten without --force, and the output folder is replaced
    atomically: a failed or killed run leaves it as it was.  Files already in OUT that
    the migration does not produce are kept untouched.  With --dry-run nothing at all is
    written: each planned file is listed (+ new, ~ changed, = unchanged) with diffs.
    Exit code 1 when content a visitor would see was lost or changed, or on an error
    (each one listed with its file, line and a hint); with --strict also when a setting
    was not carried.  Check the result with `sitemigrate verify OUT --build`.

    \b
    Example:
      sitemigrate migrate ~/my-site --to al-folio -o ~/new-site --onto ~/al-folio --dry-run
    """
    from ..parsing.yamlio import keep_what_is_built
    from ..pipeline import migrate
    from ..report import plan_to_dict, site_from_plan, totals, write_reports

    if onto is not None and onto.resolve() == out_dir.resolve():
        raise UsageError("--onto must not be the output folder: the checkout is only read")
    keep_what_is_built()
    plan = migrate(src, target, out_dir, kind=kind, dry_run=dry_run, force=force,
                   dedupe=not no_dedupe, onto=onto, include_unused=include_unused, add=add)
    if report_path is not None:
        site = site_from_plan(plan, src.resolve().name, strict=strict)
        data = {"settings": {"command": "migrate", "input": str(src), "output": str(out_dir),
                             "target": target, "dry_run": dry_run, "strict": strict,
                             "added": [str(p) for p in add]},
                "totals": totals([site]), "wall_seconds": plan.seconds, "sites": [site]}
        for path in write_reports(data, report_path):
            click.echo(f"report: {path}", err=True)
    if as_json:
        echo_json(plan_to_dict(plan, with_diffs=dry_run, strict=strict))
    else:
        _print_plan(plan, dry_run, show_diff, strict)
    exit_for(plan.diagnostics, strict=strict)


def _print_plan(plan: Plan, dry_run: bool, show_diff: bool, strict: bool) -> None:
    from ..fileset import in_written_folders, untouched_files
    from ..report import summarize_diagnostics

    color = sys.stdout.isatty()
    actions = {"create": 0, "change": 0, "same": 0}
    for change in plan.changes:
        actions[change.action] += 1
    kept = untouched_files(plan.files, plan.out_dir)
    if dry_run:
        _list_files(plan.changes, in_written_folders(plan.files, kept))
    if dry_run and show_diff:
        for change in plan.changes:
            if change.action == "change":
                for line in change.unified_diff().splitlines():
                    click.echo(colored(line) if color else line)
    c = plan.counts
    verb = "would write" if dry_run else "wrote"
    click.echo(
        f"{plan.model.source.kind} -> {plan.target}: {c['publications']} publications, "
        f"{c['projects']} projects, {c['themes']} themes, {c['pages']} pages, "
        f"{c['items']} other items")
    click.echo(f"{verb} {plan.out_dir}: {actions['create']} new, {actions['change']} changed, "
               f"{actions['same']} unchanged, {len(kept)} other files kept")
    summary = summarize_diagnostics(plan.diagnostics, strict=strict)
    for line in summary["verdict"]["lines"]:
        click.echo(line)
    echo_by_severity(plan.diagnostics)


def _list_files(changes: list[FileChange], stale: list[str]) -> None:
    """One line per planned file: + create, ~ change, = leave alone (already identical)."""
    marks = {"create": "+", "change": "~", "same": "="}
    for change in changes:
        click.echo(f"{marks[change.action]} {change.path}")
    for rel in stale:
        # Not ours, but next to files we write: the theme may still render it.
        click.echo(f"= {rel} (already there, not part of the migration; left alone)")

