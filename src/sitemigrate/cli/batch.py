from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .common import UsageError, echo_json, input_errors, kind_option, strict_option


@click.command("batch")
@click.argument("source", metavar="MANIFEST|DIR",
                type=click.Path(exists=True, path_type=Path))
@click.option("--to", "target", metavar="THEME", default=None,
              help="Target theme for every site (a manifest's 'target' column overrides it).")
@click.option("-o", "--output", "out_root", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Output folder; each site goes to OUT/<name>/.")
@kind_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Sites migrated at once, each in its own process.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a report: FILE.json (+ a Markdown summary .md beside it), FILE.md "
                   "or FILE.html (self-contained page), chosen by the extension.")
@click.option("--dry-run", is_flag=True, help="Write no site; plan and report only.")
@click.option("--shard", metavar="I/N", default=None,
              help="Run only slice I of N (1-based) of the sites sorted by name.")
@click.option("--force", is_flag=True, help="Overwrite existing files that would change.")
@click.option("--no-dedupe", is_flag=True, help="Do not merge duplicate publications.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=600.0,
              show_default=True, metavar="SECONDS",
              help="Stop a site that runs longer than this (it fails; the others go on).")
@click.option("--allow-outside", is_flag=True,
              help="Let a manifest name sources outside the manifest's folder.")
@strict_option
@input_errors
def command(source: Path, target: str | None, out_root: Path, kind: str | None, jobs: int,
            report_path: Path | None, dry_run: bool, shard: str | None, force: bool,
            no_dedupe: bool, as_json: bool, timeout: float, allow_outside: bool,
            strict: bool) -> None:
    """Migrate every site of a folder or a manifest, each into OUT/<name>/.

    MANIFEST|DIR is a folder of sites (subfolders with a _config.yml, or anything a reader
    recognises; group folders like <group>/<site>/ are searched too) or a YAML/CSV
    manifest with the columns name, source (relative to the manifest), and optionally
    target, from and dedupe.  A site that fails never stops the others.  Each site is
    written like `migrate` does: atomically, never overwriting without --force.

    Exit code 1 when any site failed, or lost or changed content a visitor would see
    (with --strict: any loss, settings too); 2 for bad usage or a bad manifest.

    \b
    Example:
      sitemigrate batch lab-sites/ --to al-folio -o migrated/ --report migrated/report.html
    """
    from .. import batch

    site_jobs = jobs_from(source, out_root, kind, not no_dedupe, allow_outside)
    selected = batch.select_shard(site_jobs, _shard(shard))
    _check_targets(selected, target)
    reporter = _Reporter(len(selected), dry_run)
    with reporter:
        html = report_path is not None and report_path.suffix.lower() in (".html", ".htm")
        result = batch.run_batch(selected, out_root, target=target, workers=jobs,
                                 dry_run=dry_run, force=force, strict=strict,
                                 with_diffs=html, timeout=timeout, on_start=reporter.start,
                                 on_result=reporter.done)
    settings = batch.job_settings(input=source, output=out_root, target=target, jobs=jobs,
                                  shard=shard, dry_run=dry_run, force=force, strict=strict,
                                  selected=len(selected), discovered=len(site_jobs),
                                  timeout=timeout, interrupted=result.interrupted,
                                  not_run=result.not_run)
    if report_path is not None:
        for path in batch.write_reports(result, settings, report_path):
            click.echo(f"report: {path}", err=True)
    if as_json:
        echo_json(batch.report_dict(result, settings))
    else:
        _print_summary(result, dry_run, out_root)
    if result.interrupted:
        click.echo(f"interrupted: {len(result.sites)} of {len(selected)} sites finished; "
                   "the sites still running were stopped and their staging folders removed",
                   err=True)
        sys.exit(130)
    if result.failed:
        sys.exit(1)


def jobs_from(source: Path, out_root: Path, kind: str | None, dedupe: bool,
          allow_outside: bool) -> list[Any]:
    from .. import batch
    from ..pipeline import check_apart

    if source.is_dir():
        jobs = batch.discover_sites(source, skip=[out_root])
        if not jobs:
            raise UsageError(f"{source}: no sites found (looked for subfolders with "
                             f"_config.yml, two levels deep, and pages a reader recognises)")
    elif batch.is_manifest(source):
        try:
            jobs = batch.load_manifest(source, allow_outside=allow_outside)
        except batch.ManifestError as exc:
            raise UsageError(f"bad manifest: {exc}") from None
    else:
        raise UsageError(f"{source}: expected a folder of sites or a .yml/.yaml/.csv manifest")
    for job in jobs:
        job.kind = job.kind or kind
        job.dedupe = job.dedupe and dedupe
        check_apart(job.source, out_root, f"source of site {job.name!r}")
    return jobs


def _shard(text: str | None) -> tuple[int, int] | None:
    from ..batch import parse_shard

    if text is None:
        return None
    try:
        return parse_shard(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from None


def _check_targets(jobs: list[Any], target: str | None) -> None:
    from ..registry import get_writer

    if target is not None:
        get_writer(target)  # an unknown theme is a usage error (exit 2)
        return
    missing = [job.name for job in jobs if not job.target]
    if missing:
        raise UsageError(f"no target theme for {', '.join(missing[:5])}"
                         f"{' …' if len(missing) > 5 else ''}: give --to THEME")


class _Reporter:
    """A rich progress bar on a terminal, one plain line per site otherwise (both stderr)."""

    def __init__(self, total: int, dry_run: bool) -> None:
        self.total = total
        self.finished = 0
        self.losses = 0
        self.dry_run = dry_run
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _Reporter:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.progress = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("content lost/changed: {task.fields[losses]}"),
                TextColumn("{task.fields[site]}"),
                console=Console(stderr=True), transient=False)
            self.progress.start()
            self.task = self.progress.add_task("sites", total=self.total, losses=0, site="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def start(self, job: Any) -> None:
        if self.progress is not None:
            self.progress.update(self.task, site=job.name)

    def done(self, site: dict[str, Any]) -> None:
        self.finished += 1
        counts = site["severity_counts"]
        self.losses += counts["content-lost"] + counts["content-changed"] + site["errors"]
        if self.progress is not None:
            self.progress.update(self.task, advance=1, losses=self.losses, site=site["name"])
            return
        click.echo(f"[{self.finished}/{self.total}] {_site_line(site)}", err=True)


def _site_line(site: dict[str, Any]) -> str:
    if site["status"] == "failed" and site["kind"] is None:
        return f"{site['name']}: FAILED: {site['error']}"
    c, f = site["counts"], site["files"]
    line = (f"{site['name']}: {site['kind']} -> {site['target']}: "
            f"{c.get('publications', 0)} publications, {c.get('projects', 0)} projects, "
            f"{c.get('themes', 0)} themes, {c.get('pages', 0)} pages; "
            f"{f['create']} new, {f['change']} changed, {f['same']} unchanged; "
            f"{site['verdict']['state']}; {site['seconds']:.2f} s")
    if site["error"]:
        line += f"; FAILED: {site['error']}"
    return line


def _print_summary(result: Any, dry_run: bool, out_root: Path) -> None:
    totals = result.totals()
    c, f = totals["counts"], totals["files"]
    verb = "would write" if dry_run else "wrote"
    v, sev = totals["verdicts"], totals["severity_counts"]
    click.echo(f"{totals['sites']} sites: {v['ready']} ready, {v['ready after fixes']} ready "
               f"after fixes, {v['needs review']} need review; {totals['failed']} failed "
               f"({result.seconds:.1f} s)")
    click.echo(f"read {c['publications']} publications, {c['projects']} projects, "
               f"{c['themes']} themes, {c['pages']} pages, {c['items']} other items")
    click.echo(f"{verb} {out_root}: {f['create']} new, {f['change']} changed, {f['same']} "
               f"unchanged")
    click.echo(f"content lost {sev['content-lost']}, content changed "
               f"{sev['content-changed']}, settings not carried {sev['setting-not-carried']}, "
               f"errors {totals['errors']}; details: --report FILE.html")
    for site in result.sites:
        if site["error"]:
            click.echo(f"failed: {site['name']} ({site['source']}): {site['error']}", err=True)
