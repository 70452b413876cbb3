"""The one place that wires the stages: read -> normalize -> write -> (diff | write to disk)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .assets import copy_assets
from .common.foreign_liquid import KEPT_SITE_KEY
from .common.kept_liquid import attach_kept_liquid, gather_kept_liquid
from .common.reader import ReadContext
from .common.writer import WriteContext
from .detect import detect
from .diagnostics import (
    AMBIGUOUS_CONTENT,
    FILE_TOO_LARGE,
    INTERNAL_ERROR,
    SYMLINK_SKIPPED,
    THEME_VERSION,
    UNKNOWN_KIND,
    VERSION_MISMATCH,
    Diagnostics,
    has_losses,
)
from .fileset import FileChange, FileSet, plan_changes, write_atomically
from .model import Model, Source
from .parsing.text import max_file_bytes
from .parsing.yamlio import collector_paused
from .registry import get_reader, get_writer, target_for_checkout, target_row
from .transforms import normalize


class SourceError(Exception):
    """The source cannot be read at all (missing path, unknown kind)."""


class UnknownKind(SourceError):
    """No reader recognises the source (SM110): a usage error for ``migrate``, a failed
    site with its diagnostic for ``batch``."""

    def __init__(self, src: Path, message: str) -> None:
        super().__init__(f"{src}: {message}")
        self.diagnostic = Diagnostics().report(UNKNOWN_KIND, message, str(src))


class ReaderFailed(Exception):
    """A reader crashed (a bug, not bad input): nothing is migrated from that source."""


def check_apart(src: str | Path, out_dir: str | Path, what: str = "source") -> None:
    """Refuse an output folder equal to, inside, or containing ``src`` (``SourceError``).

    The source is only ever read: writing into it would overwrite it (with ``--force``) and
    a later run would read its own previous output back in.  ``--force`` does not change
    this.  For a single file, only an output folder holding the file is refused.
    """
    source = Path(src).resolve()
    out = Path(out_dir).resolve()
    if source.is_dir():
        if out == source:
            problem = "is the"
        elif out.is_relative_to(source):
            problem = "is inside the"
        elif source.is_relative_to(out):
            problem = "contains the"
        else:
            return
    elif source.is_relative_to(out):
        problem = "contains the"
    else:
        return
    raise SourceError(f"output folder {out_dir} {problem} {what} {src}; the {what} is only "
                      "read, so write to a separate folder (--force does not change this)")


def read_site(path: str | Path, kind: str | None = None, *, dedupe: bool = True,
              max_bytes: int | None = None, include_unused: bool = False,
              add: Sequence[str | Path] = ()) -> Model:
    """Read a site folder or a single page into the normalized model; ``include_unused``
    reads sources the site does not render too (al-folio .bib files no page names);
    ``add`` merges more sources into it (``--add``, see ``combine``)."""
    if add:
        from .combine import read_with_added

        return read_with_added(path, kind, add, dedupe=dedupe, max_bytes=max_bytes,
                               include_unused=include_unused)
    return read_site_counted(path, kind, dedupe=dedupe, max_bytes=max_bytes,
                             include_unused=include_unused)[0]


def read_site_counted(path: str | Path, kind: str | None = None, *, dedupe: bool = True,
                      max_bytes: int | None = None, include_unused: bool = False,
                      ) -> tuple[Model, ReadContext]:
    """``read_site``, also returning the reading context: ``ctx.seen`` lists every record
    the reader met (the conservation test checks each is kept or reported lost)."""
    src = Path(path)
    if not src.exists():
        raise SourceError(f"{src}: no such file or folder")
    evidence: list[str] = []
    confidence = 1.0
    if kind is None:
        found = detect(src)
        if found.kind is None:
            raise UnknownKind(src, "cannot tell which kind of site this is. Looked for: "
                              f"{found.looked_for()}. Name it with --from KIND.")
        kind, confidence, evidence = found.kind, found.confidence, found.evidence
    else:
        evidence = ["named with --from"]
    reader = get_reader(kind)
    root = src if src.is_dir() else src.parent
    diagnostics = Diagnostics()
    ctx = ReadContext(root, diagnostics, max_bytes, include_unused=include_unused)
    with collector_paused():
        try:
            model = reader.read(src, ctx)
        except Exception as exc:  # noqa: BLE001
            raise _failed(src, f"the {kind} reader", exc) from exc
        model.source = Source(kind, str(path), confidence, evidence)
        if src.is_dir():
            attach_kept_liquid(model, ctx)
        if not model.site.key_lines:  # where each config key is, for setting-loss messages
            model.site.key_lines = ctx.config_key_lines
        if evidence == ["named with --from"] and _empty(model):
            problems = "; ".join(d.location() + ": " + d.message for d in diagnostics
                                 if d.level != "info")[:600]
            raise SourceError(f"{src}: read as {kind} (--from), it holds nothing a {kind} "
                              f"reader understands{' (' + problems + ')' if problems else ''};"
                              " check the path and the kind (`sitemigrate inspect` detects it)")
        diagnostics.extend(model.diagnostics)
        try:
            normalize(model, diagnostics, dedupe=dedupe)
        except Exception as exc:  # noqa: BLE001
            raise _failed(src, "normalizing what was read", exc) from exc
    model.diagnostics = list(diagnostics)
    return model, ctx


def _empty(model: Model) -> bool:
    """True when a reader found no record and no site setting at all."""
    site = model.site
    return not (model.publications or model.projects or model.themes or model.pages
                or model.items or site.title or site.name or site.description)


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
    #: the paths the writer (and the asset copy) produced; with ``onto`` the rest of
    #: ``files`` is the theme checkout's own
    produced: frozenset[str] = frozenset()

    @property
    def has_losses(self) -> bool:
        return has_losses(self.diagnostics)


def plan_migration(model: Model, target: str, out_dir: str | Path, *,
                   onto: str | Path | None = None) -> Plan:
    """Run the target writer in memory and diff its files against ``out_dir``.

    With ``onto`` (a checkout of the target theme), the checkout minus its example content
    is the base and the writer's files go on top; for a theme with several versions, a bare
    theme name writes the version the checkout's files show (``onto_target``).
    """
    out = Path(out_dir)
    diagnostics = Diagnostics()
    diagnostics.extend(model.diagnostics)
    if onto is not None and Path(onto).is_dir():
        target = onto_target(target, Path(onto), diagnostics)
    writer = get_writer(target)
    written: set[str] = set()
    try:
        with collector_paused():
            if onto is None:
                ctx = WriteContext.from_folder(out, diagnostics)
                files = writer.write(model, ctx)
                written.update(files)
            else:
                ctx = WriteContext.from_folder(Path(onto), diagnostics)  # merge into its config
                files = _onto_files(model, target, Path(onto), ctx, written)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001
        # Nothing is written from a failed writer; the run ends with exit code 1.
        diagnostics.report(INTERNAL_ERROR, f"{target} writer failed: {type(exc).__name__}: {exc}")
        files, ctx = FileSet(), WriteContext(diagnostics)
    before = set(files)
    gather_kept_liquid(files, model.site.extra.get(KEPT_SITE_KEY))
    assets = copy_assets(files, model, diagnostics, max_file_bytes(),
                         ctx.moved_assets) if len(files) else 0
    written.update(rel for rel in files if rel not in before)
    changes = plan_changes(files, out)
    counts = {
        "publications": len(model.publications),
        "projects": len(model.projects),
        "themes": len(model.all_themes()),
        "pages": len(model.pages),
        "items": len(model.items),
        "files": len(files),
        "assets": assets,
        "losses": sum(1 for d in diagnostics if d.loss or d.level == "error"),
    }
    return Plan(target, out, files, changes, diagnostics, model, counts=counts,
                produced=frozenset(written))


def onto_target(target: str, theme_dir: Path, diagnostics: Diagnostics) -> str:
    """The target to write onto ``theme_dir``: a bare theme name (``al-folio``) becomes the
    version the checkout's files show (``al-folio@0.x`` for a checkout before v1, SM226); a
    version named with ``@`` is written as named, with SM227 when the checkout is another."""
    found, evidence = target_for_checkout(target, theme_dir)
    if not evidence:
        return target
    named = target_row(target)
    why = "; ".join(evidence[:3])
    if "@" in target and found != named.name:
        diagnostics.report(VERSION_MISMATCH, f"--to {target} but the checkout is {found} "
                           f"({why}); written as {named.name}, as named", str(theme_dir))
        return target
    if found != named.name or "@" not in target:
        diagnostics.report(THEME_VERSION, f"the checkout is {found} ({why}); written for it",
                           str(theme_dir))
    return found


def _onto_files(model: Model, target: str, theme_dir: Path, ctx: WriteContext,
                written_paths: set[str]) -> FileSet:
    from .onto import clear_sample_text, clear_sample_values, drop_shadowed_pages, theme_base

    if not theme_dir.is_dir():
        raise SourceError(f"{theme_dir}: --onto needs a folder holding a checkout of {target}")
    base = theme_base(theme_dir, target)
    diagnostics = ctx.diagnostics
    for rel in base.skipped:
        diagnostics.report(
            SYMLINK_SKIPPED, "not copied from the theme checkout (symlink or unreadable)", rel
        )
    written = get_writer(target).write(model, ctx)
    written_paths.update(written)
    for removed, by in drop_shadowed_pages(base.files, written):
        diagnostics.report(
            AMBIGUOUS_CONTENT, f"theme page {removed} left out: {by} has its permalink", removed
        )
    for rel, data in written.items():
        base.files.add(rel, data)
    for rel, why in clear_sample_text(base.files, target):
        diagnostics.report(AMBIGUOUS_CONTENT, why, rel)
    for key in clear_sample_values(base.files, target):
        diagnostics.report(
            AMBIGUOUS_CONTENT,
            f"the theme's sample value of {key.split(': ')[1]} cleared "
            "(the source does not set it)",
            key.split(": ")[0],
        )
    return base.files


def migrate(src: str | Path, target: str, out_dir: str | Path, *, kind: str | None = None,
            dry_run: bool = False, force: bool = False, dedupe: bool = True,
            onto: str | Path | None = None, include_unused: bool = False,
            add: Sequence[str | Path] = ()) -> Plan:
    """Read ``src`` (and the sources ``add`` merges into it), write it as ``target`` into
    ``out_dir`` (unless ``dry_run``)."""
    start = time.perf_counter()
    get_writer(target)  # an unknown target is a usage error before any reading
    check_apart(src, out_dir)
    for extra in add:
        check_apart(extra, out_dir, "--add source")
    if onto is not None:
        check_apart(onto, out_dir, "--onto checkout")
    # One pause for reading and writing: the model is then scanned by the collector once
    # afterwards, not again by every collection its writer's allocations would trigger.
    with collector_paused():
        model = read_site(src, kind, dedupe=dedupe, include_unused=include_unused, add=add)
        plan = plan_migration(model, target, out_dir, onto=onto)
    refused = [d for d in plan.diagnostics if d.code == FILE_TOO_LARGE]
    if refused and not dry_run:
        # A site without the files that were too big to read is not the site: write nothing
        raise SourceError(f"{refused[0].file}: {refused[0].message}; nothing was written")
    if not dry_run and len(plan.files):
        write_atomically(plan.files, plan.out_dir, force=force)
        plan.written = True
    plan.seconds = time.perf_counter() - start
    return plan
