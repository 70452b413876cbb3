from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import UsageError, echo_by_severity, echo_json, exit_for, input_errors, strict_option

if TYPE_CHECKING:
    from ..lab import Lab, Member
    from ..pipeline import Plan


@click.command("lab")
@click.argument("source", metavar="MANIFEST|DIR",
                type=click.Path(exists=True, path_type=Path))
@click.option("--to", "target", required=True, metavar="THEME",
              help="The lab site's theme: allanlab or al-folio (each has a team page).")
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Member sites read at once, each in its own process.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a report: FILE.json (+ .md beside it), FILE.md or FILE.html: per "
                   "member what it contributed, and every cross-member merge.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print the plan.")
@click.option("--force", is_flag=True, help="Overwrite existing files that would change.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--onto", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, metavar="THEME_DIR",
              help="Start from this checkout of the target theme (only read).")
@click.option("--no-dedupe", is_flag=True, help="Do not merge duplicate publications.")
@click.option("--allow-outside", is_flag=True,
              help="Let a manifest name sources outside the manifest's folder.")
@strict_option
@input_errors
def command(source: Path, target: str, out_dir: Path, jobs: int, report_path: Path | None,
            dry_run: bool, force: bool, as_json: bool, onto: Path | None, no_dedupe: bool,
            allow_outside: bool, strict: bool) -> None:
    """Build ONE lab site from the members' sites listed in MANIFEST (or found in DIR).

    The manifest is the one `batch` reads (YAML or CSV: source, name, from, and role, the
    member's role on the team page); a YAML manifest may hold a `lab:` map (title,
    description, url, email) beside its `sites:` list.  Every member site is read by its
    own reader; publications are merged once across members (a paper two members list is
    one record with the links of both; two papers are never merged) and tied to the
    members among their authors; research themes merge by title; the team page lists
    each member (name, role, photo, links).  Members' own pages are not taken.

    \b
    Example:
      sitemigrate lab lab.yml --to allanlab -o lab-site/ --onto ~/allanlab --report lab.md
    """
    from .. import lab as labmod
    from ..fileset import plan_changes, write_atomically
    from ..pipeline import check_apart, plan_migration

    if target not in labmod.LAB_TARGETS:
        raise UsageError(f"lab --to {target}: a lab site is built for "
                         f"{' or '.join(labmod.LAB_TARGETS)} (the themes with a team page); "
                         "migrate each member with `batch` for other themes")
    if onto is not None:
        check_apart(onto, out_dir, "--onto checkout")
    from .batch import jobs_from

    site_jobs = jobs_from(source, out_dir, None, not no_dedupe, allow_outside)
    info = _lab_info(source)
    members = labmod.read_members(site_jobs, jobs, on_done=None if as_json else _progress)
    lab = labmod.build_lab(members, target, info, manifest=str(source),
                           dedupe=not no_dedupe)
    plan = plan_migration(lab.model, target, out_dir, onto=onto)
    for rel, photo in sorted(lab.photos.items()):
        plan.files.add(rel, photo)
    plan.changes = plan_changes(plan.files, out_dir)
    if not dry_run and len(plan.files):
        write_atomically(plan.files, out_dir, force=force)
        plan.written = True
    data = _report(lab, plan, source, out_dir, target, dry_run, strict)
    if report_path is not None:
        _write_report(lab, data, report_path)
    if as_json:
        echo_json(data)
    else:
        _print(lab, plan, dry_run)
        echo_by_severity(plan.diagnostics)
    if any(m.model is None for m in members):
        sys.exit(1)
    exit_for(plan.diagnostics, strict=strict)


def _lab_info(source: Path) -> dict[str, Any]:
    """The manifest's ``lab:`` map (YAML manifests only)."""
    if source.is_dir() or source.suffix.lower() not in (".yml", ".yaml"):
        return {}
    from ..parsing.yamlio import YamlError, load_yaml

    try:
        data = load_yaml(source.read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError, YamlError):
        return {}
    info = data.get("lab") if isinstance(data, dict) else None
    return info if isinstance(info, dict) else {}


def _progress(member: Member) -> None:
    if member.model is None:
        click.echo(f"{member.id}: FAILED: {member.error}", err=True)
        return
    model = member.model
    click.echo(f"{member.id}: {model.source.kind}, {len(model.publications)} publications, "
               f"{len(model.all_themes())} themes", err=True)


def _report(lab: Lab, plan: Plan, source: Path, out_dir: Path, target: str, dry_run: bool,
            strict: bool) -> dict[str, Any]:
    from ..lab import member_rows, paper_rows
    from ..report import site_from_plan, totals

    site = site_from_plan(plan, out_dir.resolve().name, strict=strict, with_diffs=False)
    failed = [m.id for m in lab.members if m.model is None]
    if failed:
        site["status"] = "failed"
        site["error"] = f"member(s) not read: {', '.join(failed)}"
    return {"settings": {"command": "lab", "input": str(source), "output": str(out_dir),
                         "target": target, "dry_run": dry_run, "strict": strict},
            "totals": totals([site]), "wall_seconds": plan.seconds, "sites": [site],
            "lab": {"members": member_rows(lab),
                    "publications": len(lab.model.publications),
                    "papers": paper_rows(lab),
                    "cross_member_merges": lab.merges}}


def _write_report(lab: Lab, data: dict[str, Any], path: Path) -> None:
    """``migrate``'s report with the lab's section: in the JSON (``lab``), after the
    Markdown, and before the end of the HTML page's main part."""
    from ..lab import html_section, markdown_section
    from ..report import write_reports

    for written in write_reports(data, path):
        suffix = written.suffix.lower()
        if suffix == ".md":
            with written.open("a", encoding="utf-8") as handle:
                handle.write(markdown_section(lab))
        elif suffix in (".html", ".htm"):
            page = written.read_text(encoding="utf-8")
            written.write_text(page.replace("</main>", html_section(lab) + "</main>", 1),
                               encoding="utf-8")
        click.echo(f"report: {written}", err=True)


def _print(lab: Lab, plan: Plan, dry_run: bool) -> None:
    from ..lab import member_rows

    for row in member_rows(lab):
        if row["status"] != "ok":
            continue
        c = row["contributed"]
        click.echo(f"{row['name']} ({row['kind']}): {row['read']['publications']} papers read, "
                   f"{c['new_publications']} new, {c['merged_into_other_members']} merged into "
                   f"other members' (+{c['links_added']} links), {row['papers_tied']} tied to "
                   f"{row['person']}; {c['themes']} new themes, {c['themes_merged']} merged")
    click.echo(f"lab: {len(lab.model.publications)} distinct publications, "
               f"{len(lab.merges)} listed by several members, "
               f"{len(lab.model.themes)} themes, "
               f"{sum(1 for m in lab.members if m.model is not None)} members")
    actions = {"create": 0, "change": 0, "same": 0}
    for change in plan.changes:
        actions[change.action] += 1
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{verb} {plan.out_dir}: {actions['create']} new, {actions['change']} changed, "
               f"{actions['same']} unchanged")
