"""The one place that wires the stages: read -> normalize -> write -> (diff | write to disk)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .common.reader import ReadContext
from .common.writer import WriteContext
from .detect import detect
from .diagnostics import Diagnostics, has_losses
from .fileset import FileChange, FileSet, plan_changes, write_atomically
from .model import Model, Source
from .parsing.yamlio import collector_paused
from .registry import get_reader, get_writer
from .transforms import normalize


class SourceError(Exception):
    """The source cannot be read at all (missing path, unknown kind)."""


class ReaderFailed(Exception):
    """A reader crashed (a bug, not bad input): nothing is migrated from that source."""


def read_site(path: str | Path, kind: str | None = None, *, dedupe: bool = True,
              max_bytes: int | None = None) -> Model:
    """Read a site folder or a single page into the normalized model."""
    src = Path(path)
    if not src.exists():
        raise SourceError(f"{src}: no such file or folder")
    evidence: list[str] = []
    confidence = 1.0
    if kind is None:
        found = detect(src)
        if found.kind is None:
            raise SourceError(
                f"{src}: cannot tell which kind of site this is. Looked for: {found.looked_for()}."
                " Name it with --from KIND.")
        kind, confidence, evidence = found.kind, found.confidence, found.evidence
    else:
        evidence = ["named with --from"]
    reader = get_reader(kind)
    root = src if src.is_dir() else src.parent
    diagnostics = Diagnostics()
    ctx = ReadContext(root, diagnostics, max_bytes)
    with collector_paused():
        try:
            model = reader.read(src, ctx)
        except Exception as exc:  # noqa: BLE001
            raise _failed(src, f"the {kind} reader", exc) from exc
        model.source = Source(kind, str(path), confidence, evidence)
        diagnostics.extend(model.diagnostics)
        try:
            normalize(model, diagnostics, dedupe=dedupe)
        except Exception as exc:  # noqa: BLE001
            raise _failed(src, "normalizing what was read", exc) from exc
    model.diagnostics = list(diagnostics)
    return model


def _failed(src: Path, stage: str, exc: Exception) -> ReaderFailed:
    # Half a model would migrate as a site that silently lost most of its content.
    return ReaderFailed(f"{src}: {stage} failed ({type(exc).__name__}: {exc}); nothing was "
                        "migrated. Please report this with the file.")


@dataclass(slots=True)
class Plan:
    """The files a migration would write and what they would do to the output folder."""

    target: str
    out_dir: Path
    files: FileSet
    changes: list[FileChange]
    diagnostics: Diagnostics
    model: Model
    seconds: float = 0.0
    written: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_losses(self) -> bool:
        return has_losses(self.diagnostics)


def plan_migration(model: Model, target: str, out_dir: str | Path, *,
                   onto: str | Path | None = None) -> Plan:
    """Run the target writer in memory and diff its files against ``out_dir``.

    With ``onto`` (a checkout of the target theme), the checkout minus its example content
    is the base and the writer's files go on top.
    """
    out = Path(out_dir)
    diagnostics = Diagnostics()
    diagnostics.extend(model.diagnostics)
    writer = get_writer(target)
    try:
        with collector_paused():
            if onto is None:
                files = writer.write(model, WriteContext.from_folder(out, diagnostics))
            else:
                files = _onto_files(model, target, Path(onto), diagnostics)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001
        # Nothing is written from a failed writer; the run ends with exit code 1.
        diagnostics.add("SM900", f"{target} writer failed: {type(exc).__name__}: {exc}",
                        loss=True)
        files = FileSet()
    changes = plan_changes(files, out)
    counts = {
        "publications": len(model.publications),
        "projects": len(model.projects),
        "themes": len(model.all_themes()),
        "pages": len(model.pages),
        "items": len(model.items),
        "files": len(files),
        "losses": sum(1 for d in diagnostics if d.loss or d.level == "error"),
    }
    return Plan(target, out, files, changes, diagnostics, model, counts=counts)


def _onto_files(model: Model, target: str, theme_dir: Path, diagnostics: Diagnostics,
                ) -> FileSet:
    from .onto import drop_shadowed_pages, theme_base

    if not theme_dir.is_dir():
        raise SourceError(f"{theme_dir}: --onto needs a folder holding a checkout of {target}")
    base = theme_base(theme_dir, target)
    for rel in base.skipped:
        diagnostics.add("SM504", "not copied from the theme checkout (symlink or unreadable)",
                        rel)
    ctx = WriteContext.from_folder(theme_dir, diagnostics)  # merge into its _config.yml
    written = get_writer(target).write(model, ctx)
    for removed, by in drop_shadowed_pages(base.files, written):
        diagnostics.add("SM206", f"theme page {removed} left out: {by} has its permalink",
                        removed)
    for rel, data in written.items():
        base.files.add(rel, data)
    return base.files


def migrate(src: str | Path, target: str, out_dir: str | Path, *, kind: str | None = None,
            dry_run: bool = False, force: bool = False, dedupe: bool = True,
            onto: str | Path | None = None) -> Plan:
    """Read ``src``, write it as ``target`` into ``out_dir`` (unless ``dry_run``)."""
    start = time.perf_counter()
    get_writer(target)  # an unknown target is a usage error before any reading
    # One pause for reading and writing: the model is then scanned by the collector once
    # afterwards, not again by every collection its writer's allocations would trigger.
    with collector_paused():
        model = read_site(src, kind, dedupe=dedupe)
        plan = plan_migration(model, target, out_dir, onto=onto)
    refused = [d for d in plan.diagnostics if d.code == "SM501"]
    if refused and not dry_run:
        # A site without the files that were too big to read is not the site: write nothing
        raise SourceError(f"{refused[0].file}: {refused[0].message}; nothing was written")
    if not dry_run and len(plan.files):
        write_atomically(plan.files, plan.out_dir, force=force)
        plan.written = True
    plan.seconds = time.perf_counter() - start
    return plan
