from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import (
    UsageError,
    colored,
    echo_by_severity,
    echo_json,
    exit_for,
    input_errors,
    strict_option,
)

if TYPE_CHECKING:
    from ..upgrade.plan import Upgrade


@click.command("upgrade")
@click.argument("site", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--onto", required=True, metavar="NEW_THEME_CHECKOUT",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A checkout of the theme's newer version (only read).")
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--base", "base_dir", default=None, metavar="OLD_THEME_CHECKOUT",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A checkout of the version the site was forked from, instead of finding it "
                   "by the files' hashes (also gives each conflict its base for the diff).")
@click.option("--dry-run", is_flag=True, help="Write nothing; print what moves, what is kept, "
              "what is renamed and what conflicts, with diffs.")
@click.option("--force", is_flag=True, help="Overwrite existing files in OUT that would change.")
@click.option("--json", "as_json", is_flag=True, help="Print the upgrade as JSON.")
@strict_option
@input_errors
def command(site: Path, onto: Path, out_dir: Path, base_dir: Path | None, dry_run: bool,
            force: bool, as_json: bool, strict: bool) -> None:
    """Upgrade SITE, a customised fork of a theme, onto a newer checkout of the same theme.

    The content (collections, bibliography, data files, pages, assets) is read and written
    in the new version's layout; files you added are kept as they are; theme files you
    changed are kept when the new version did not change them, otherwise the new version's
    file is used and yours is written beside it as FILE.mine (a conflict, listed with a
    3-way diff).  The keys you set in _config.yml are merged into the new version's
    (comments and order kept; renamed keys renamed; keys the new version dropped
    reported).  The version SITE was forked from is found from its files' hashes (known
    versions ship with sitemigrate; no network).  Exit code 1 on a conflict or lost
    content, 2 on bad usage (SITE and the checkout of different themes).

    \b
    Example:
      sitemigrate upgrade ~/my-site --onto ~/academicpages -o ~/my-site-new --dry-run
    """
    from ..fileset import write_atomically
    from ..upgrade.plan import plan_upgrade

    if onto.resolve() == out_dir.resolve():
        raise UsageError("--onto must not be the output folder: the checkout is only read")
    upgrade = plan_upgrade(site, onto, out_dir, base_dir=base_dir)
    plan = upgrade.plan
    if not dry_run:
        write_atomically(plan.files, out_dir, force=force)
        plan.written = True
    if as_json:
        echo_json(upgrade_to_dict(upgrade, dry_run=dry_run, strict=strict))
    else:
        print_upgrade(upgrade, dry_run=dry_run)
    exit_for(plan.diagnostics, strict=strict)


def upgrade_to_dict(upgrade: Upgrade, *, dry_run: bool, strict: bool) -> dict[str, Any]:
    from ..report import plan_to_dict

    base = upgrade.base
    config = upgrade.config
    data = plan_to_dict(upgrade.plan, with_diffs=dry_run, strict=strict)
    data.update({
        "theme": upgrade.theme,
        "checkout": {"family": upgrade.family, "writer": upgrade.writer,
                     "version": _version(upgrade.checkout_version)},
        "base": {"version": _version(base.version),
                 "tied": [_version(v) for v in base.tied], "evidence": base.evidence,
                 "theme_files_matched": base.matched, "theme_files_compared": base.compared},
        "moved": upgrade.moved, "added": upgrade.added, "kept": upgrade.kept,
        "kept_why": upgrade.kept_why,
        "replaced": upgrade.replaced, "examples_left_out": upgrade.examples,
        "dropped_by_new_version": upgrade.gone,
        "conflicts": [{"path": c.path, "mine": c.mine_path, "base_from": c.base_from,
                       "renamed_from": c.renamed_from,
                       "diff": c.diff()} for c in upgrade.conflicts],
        "config": {"carried": config.carried, "set_from_content": config.by_writer,
                   "renamed": [{"from": a, "to": b} for a, b in config.renamed],
                   "moved": [{"key": a, "to": b} for a, b in config.moved],
                   "dropped": config.dropped, "defaults_dropped": config.defaults_dropped,
                   "checks": config.checks,
                   "diff": upgrade.config_diff},
        "requirements": [{"file": f, "note": n} for f, n in upgrade.requirements],
    })
    return data


def _version(version: Any) -> dict[str, str] | None:
    return None if version is None else {"date": version.date, "commit": version.commit}


def print_upgrade(upgrade: Upgrade, *, dry_run: bool) -> None:
    from ..fileset import untouched_files

    plan, config, base = upgrade.plan, upgrade.config, upgrade.base
    color = sys.stdout.isatty()
    echo = click.echo
    now = upgrade.checkout_version.label if upgrade.checkout_version else "newer than known"
    echo(f"{upgrade.theme}: forked from {base.span}; upgrading onto {now} "
         f"({upgrade.family}, written by {upgrade.writer})")
    if base.evidence:
        echo("  base found by: " + "; ".join(base.evidence))
    c = plan.counts
    echo(f"content moved through the model: {len(upgrade.moved)} files -> "
         f"{c['publications']} publications, {c['projects']} projects, {c['pages']} pages, "
         f"{c['items']} other items")
    sections = [("content files read (written in the new layout)", ">", upgrade.moved),
                ("kept, added by you", "+", upgrade.added),
                ("kept, changed by you", "~",
                 [f"{rel} ({upgrade.kept_why.get(rel, '')})" for rel in upgrade.kept]),
                ("theme files you did not change, now the new version's", "=",
                 upgrade.replaced),
                ("template examples left out", "-", upgrade.examples),
                ("theme files the new version no longer has (you had not changed them)", "-",
                 upgrade.gone)]
    for title, mark, paths in sections:
        if paths:
            echo(f"{title}: {len(paths)}")
            for rel in paths[:40]:
                echo(f"  {mark} {rel}")
            if len(paths) > 40:
                echo(f"  … {len(paths) - 40} more (--json lists all)")
    echo(f"_config.yml: {len(config.carried)} of your keys carried, "
         f"{len(config.by_writer)} set from your content, {len(config.renamed)} renamed, "
         f"{len(config.moved)} moved, {len(config.dropped)} dropped")
    for old, new in config.renamed:
        echo(f"  renamed {old} -> {new}")
    for key, where in config.moved:
        echo(f"  moved   {key} -> {where}")
    for key in config.dropped:
        line = config.lines.get(key.partition(".")[0].partition("[")[0])
        echo(f"  dropped {key} ({f'line {line}: ' if line else ''}the new version does not "
             "read it)")
    for note in config.checks:
        echo(f"  check   {note}")
    if config.carried:
        echo("  carried " + ", ".join(config.carried))
    if config.defaults_dropped:
        echo("  left out, never changed by you and gone from the new version: "
             + ", ".join(config.defaults_dropped))
    for rel, note in upgrade.requirements[:20]:
        echo(f"  {rel}: {note}")
    if upgrade.conflicts:
        echo(f"CONFLICTS: {len(upgrade.conflicts)} (changed by you and by the new version; "
             "the new version's file is used, yours is FILE.mine)")
        for conflict in upgrade.conflicts:
            base_note = f"base from {conflict.base_from}" if conflict.base_from else \
                "no base copy found: yours -> new version"
            was = f" (yours: {conflict.renamed_from})" if conflict.renamed_from else ""
            echo(f"  ! {conflict.path}{was} -> yours in {conflict.mine_path} ({base_note})")
    if dry_run:
        marks = {"create": "+", "change": "~", "same": "="}
        ours = set(plan.produced) | set(upgrade.added) | set(upgrade.kept) | {
            c.mine_path for c in upgrade.conflicts} | {"_config.yml"}
        changed = [ch for ch in plan.changes if ch.action != "same"]
        listed = [ch for ch in changed if ch.path in ours]
        echo(f"files: {len(changed)} to write in {plan.out_dir} "
             f"({len(plan.changes) - len(changed)} already the same); "
             f"{len(changed) - len(listed)} of them the new version's own, not listed")
        for change in listed[:80]:
            echo(f"  {marks[change.action]} {change.path}")
        if len(listed) > 80:
            echo(f"  … {len(listed) - 80} more (--json lists all)")
        diffs = [upgrade.config_diff] if upgrade.config_diff else []
        diffs += [conflict.diff() for conflict in upgrade.conflicts]
        for text in diffs:
            for diff_line in text.splitlines():
                echo(colored(diff_line) if color else diff_line)
    else:
        kept = untouched_files(plan.files, plan.out_dir)
        echo(f"wrote {plan.out_dir}: {len(plan.files)} files, {len(kept)} other files kept")
    echo_by_severity(plan.diagnostics)

