from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from .common import echo_json, input_errors, kind_option


@click.command("inspect")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@kind_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--no-dedupe", is_flag=True, help="Do not merge duplicate publications.")
@input_errors
def command(path: Path, kind: str | None, as_json: bool, no_dedupe: bool) -> None:
    """Show which kind of site PATH is, why, what it holds and what went wrong.

    PATH is a site folder (with _config.yml) or a single page.

    \b
    Example:
      sitemigrate inspect samples/al-folio
    """
    from ..detect import detect
    from ..pipeline import read_site

    found = detect(path)
    model = read_site(path, kind, dedupe=not no_dedupe)
    counts = {
        "themes": len(model.all_themes()),
        "projects": len(model.projects),
        "publications": len(model.publications),
        "pages": len(model.pages),
        "items": len(model.items),
    }
    items_by_collection = Counter(i.collection for i in model.items)
    by_code = Counter(f"{d.code} {d.name}" for d in model.diagnostics)
    if as_json:
        echo_json({
            "path": str(path),
            "kind": model.source.kind,
            "confidence": model.source.confidence,
            "evidence": model.source.evidence,
            "candidates": {k: {"score": round(v.score, 2), "evidence": v.evidence}
                           for k, v in found.candidates.items() if v.score > 0},
            "counts": {**counts, "items": dict(items_by_collection)},
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
    if model.diagnostics:
        click.echo(f"  diagnostics: {len(model.diagnostics)}")
        for name, n in by_code.most_common():
            click.echo(f"    {n:>4}  {name}")
        from ..diagnostics import format_diagnostic
        for diag in model.diagnostics[:30]:
            click.echo(f"    {format_diagnostic(diag)}")
        if len(model.diagnostics) > 30:
            click.echo(f"    … {len(model.diagnostics) - 30} more (use --json)")
