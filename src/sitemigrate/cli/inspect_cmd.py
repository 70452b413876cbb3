from __future__ import annotations

import shlex
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..model import Diagnostic

from .common import add_option, echo_json, input_errors, kind_option


@click.command("inspect")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@kind_option
@add_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--no-dedupe", is_flag=True, help="Do not merge duplicate publications.")
@input_errors
def command(path: Path, kind: str | None, add: tuple[Path, ...], as_json: bool,
            no_dedupe: bool) -> None:
    """Show which kind of site PATH is, why, what it holds and what went wrong.

    PATH is a site folder (with _config.yml) or a single page.

    \b
    Example:
      sitemigrate inspect samples/al-folio
      sitemigrate inspect ~/my-site --add ~/zotero.bib --add ~/scholar.json
    """
    from ..detect import detect
    from ..pipeline import read_site

    found = detect(path)
    model = read_site(path, kind, dedupe=not no_dedupe, add=add)
    counts = {
        "themes": len(model.all_themes()),
        "projects": len(model.projects),
        "publications": len(model.publications),
        "pages": len(model.pages),
        "items": len(model.items),
    }
    items_by_collection = Counter(i.collection for i in model.items)
    by_code = Counter(f"{d.code} {d.name}" for d in model.diagnostics)
    suggested = _suggested_adds(path, add, model.diagnostics)
    if as_json:
        echo_json({
            "path": str(path),
            "kind": model.source.kind,
            "confidence": model.source.confidence,
            "evidence": model.source.evidence,
            "candidates": {k: {"score": round(v.score, 2), "evidence": v.evidence}
                           for k, v in found.candidates.items() if v.score > 0},
            "counts": {**counts, "items": dict(items_by_collection)},
            "added": [{"kind": a.kind, "path": a.path, "contributed": a.contributed}
                      for a in model.source.added],
            "suggested_add": suggested,
            "diagnostics_by_code": dict(by_code),
            "diagnostics": [d for d in model.to_dict()["diagnostics"]],
        })
        return
    click.echo(f"{path}: {model.source.kind} (confidence {model.source.confidence:.2f})")
    for ev in model.source.evidence:
        click.echo(f"  evidence: {ev}")
    items = ", ".join(f"{n} {c}" for c, n in items_by_collection.items()) or "none"
    click.echo(f"  themes {counts['themes']}, projects {counts['projects']}, publications "
               f"{counts['publications']}, pages {counts['pages']}; items: {items}")
    for added in model.source.added:
        click.echo(f"  added {added.path} ({added.kind}): {_contributed(added.contributed)}")
    for line in suggested:
        click.echo(f"  not read, generator input: {line}")
    if model.diagnostics:
        click.echo(f"  diagnostics: {len(model.diagnostics)}")
        for name, n in by_code.most_common():
            click.echo(f"    {n:>4}  {name}")
        from ..diagnostics import format_diagnostic
        for diag in model.diagnostics[:30]:
            click.echo(f"    {format_diagnostic(diag)}")
        if len(model.diagnostics) > 30:
            click.echo(f"    … {len(model.diagnostics) - 30} more (use --json)")


def _contributed(counts: dict[str, int]) -> str:
    """``12 new publications, 3 merged into existing ones (+4 links, +2 identifiers)…``"""
    parts = [f"{counts.get('read', 0)} publications read",
             f"{counts.get('publications', 0)} new",
             f"{counts.get('merged', 0)} merged into existing records "
             f"(+{counts.get('links', 0)} links, +{counts.get('identifiers', 0)} identifiers)"]
    for name in ("projects", "themes", "themes_merged", "items", "profile"):
        if counts.get(name):
            label = {"themes_merged": "themes merged by title",
                     "profile": "profile fields filled"}.get(name, f"new {name}")
            parts.append(f"{counts[name]} {label}")
    return ", ".join(parts)


def _suggested_adds(path: Path, add: tuple[Path, ...], diagnostics: list[Diagnostic],
                    ) -> list[str]:
    """The exact command that reads the generator inputs the site holds (SM220) too."""
    from ..diagnostics import GENERATOR_INPUT

    given = {p.resolve() for p in add}
    files = [d.file for d in diagnostics if d.code == GENERATOR_INPUT.code and d.file
             and "--add" in d.message and not d.file.startswith("..")]
    root = path if path.is_dir() else path.parent
    lines = []
    for rel in dict.fromkeys(files):
        extra = root / rel
        if extra.resolve() in given:
            continue
        options = " ".join(f"--add {shlex.quote(str(p))}" for p in (*add, extra))
        lines.append(f"sitemigrate inspect {shlex.quote(str(path))} {options}")
    return lines
