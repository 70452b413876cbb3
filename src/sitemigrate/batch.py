"""Migrate many sites in one run: find them, run each in isolation, report on all of them.

Sites come from a folder (each subfolder with a ``_config.yml``, or anything a reader
detects; group folders such as ``<group>/<site>/`` are searched too) or from a manifest
(YAML or CSV with ``name``, ``source``, ``target``, ``from``, ``dedupe``).  Each site is
written to ``OUT/<name>/`` with the same atomic, no-overwrite rules as ``migrate``.  One
site failing, even with an exception or a crashed worker, never stops the others.
"""

from __future__ import annotations

import csv
import io
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .common.reader import config_path
from .diagnostics import SEVERITIES
from .paths import slugify

MANIFEST_SUFFIXES = (".yml", ".yaml", ".csv", ".tsv")
MANIFEST_KEYS = ("name", "source", "target", "from", "dedupe")


class ManifestError(Exception):
    """A manifest that cannot be used; the message names the file and line."""

    def __init__(self, file: Path, line: int | None, message: str) -> None:
        where = f"{file}:{line}" if line else str(file)
        super().__init__(f"{where}: {message}")
        self.file = file
        self.line = line


@dataclass(slots=True)
class SiteJob:
    """One site to migrate; ``name`` is the output subfolder."""

    name: str
    source: str
    target: str | None = None
    kind: str | None = None
    dedupe: bool = True
    line: int | None = None  #: manifest line, for messages


@dataclass(slots=True)
class BatchResult:
    sites: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """True when the batch must exit 1: a site failed, or had losses or errors."""
        return any(site["status"] != "ok" for site in self.sites)

    def totals(self) -> dict[str, Any]:
        return summarize(self.sites)


# --------------------------------------------------------------------------- discovery

def discover_sites(folder: Path, *, skip: Iterable[Path] = ()) -> list[SiteJob]:
    """Sites in ``folder``: its subfolders and pages, and those one group level further down.

    A subfolder with a ``_config.yml`` is a site; otherwise, if some of its own subfolders
    have one, it is a group of sites; otherwise it (or a page) is a site when a reader
    recognises it; otherwise the subfolders a reader recognises inside it are (loose pages
    one level down are notes more often than sites, so they are not taken).
    """
    skipped = {p.resolve() for p in skip}
    if _is_site(folder):  # one site given by its own folder
        return name_jobs([SiteJob(folder.resolve().name, str(folder))])
    found: list[Path] = []
    for entry in _children(folder, skipped):
        if _is_site(entry):
            found.append(entry)
        elif entry.is_dir() and (members := [p for p in _children(entry, skipped)
                                             if _is_site(p)]):
            found.extend(members)
        elif _detected(entry):
            found.append(entry)
        elif entry.is_dir():
            found.extend(p for p in _children(entry, skipped) if p.is_dir() and _detected(p))
    return name_jobs([SiteJob(path.stem if path.is_file() else path.name, str(path))
                      for path in found])


#: Files beside the sites that document the folder rather than being a page of a site.
NOT_SITES = {"readme", "license", "licence", "changelog", "contributing", "code_of_conduct",
             "authors", "notice", "sources"}


def _children(folder: Path, skipped: set[Path]) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith((".", "_")) and not p.is_symlink()
                  and not (p.is_file() and p.stem.lower() in NOT_SITES)
                  and p.resolve() not in skipped)


def _is_site(path: Path) -> bool:
    return path.is_dir() and config_path(path) is not None


def _detected(path: Path) -> bool:
    from .detect import detect

    try:
        return detect(path).kind is not None
    except Exception:  # a detector bug must not hide the other sites
        return False


def name_jobs(jobs: list[SiteJob]) -> list[SiteJob]:
    """Give every job a slug name, unique in the batch (``name-2``, ``name-3``…)."""
    taken: set[str] = set()
    for job in jobs:
        base = slugify(job.name, fallback="site")
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        job.name = name
    return jobs


# --------------------------------------------------------------------------- manifests

def is_manifest(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in MANIFEST_SUFFIXES


def load_manifest(path: Path) -> list[SiteJob]:
    """Jobs listed in a YAML or CSV manifest; sources are relative to the manifest."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(path, None, f"cannot read: {exc}") from None
    if path.suffix.lower() in (".csv", ".tsv"):
        rows = _csv_rows(path, text)
    else:
        rows = _yaml_rows(path, text)
    if not rows:
        raise ManifestError(path, None, "lists no sites")
    jobs = [_job_from_row(path, line, row) for line, row in rows]
    return name_jobs(jobs)


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "source" not in header:
            raise ManifestError(path, 1, "the header row must name a 'source' column")
        reader.fieldnames = header
        rows = []
        for row in reader:
            if None in row:
                raise ManifestError(path, reader.line_num, "more cells than header columns")
            cells = {k: (v or "").strip() for k, v in row.items()}
            if any(cells.values()):
                rows.append((reader.line_num, {k: v for k, v in cells.items() if v}))
    except csv.Error as exc:
        raise ManifestError(path, reader.line_num, f"invalid CSV: {exc}") from None
    return rows


def _yaml_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    from .parsing.yamlio import YamlError, load_yaml

    try:
        data = load_yaml(text).data
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except YamlError as exc:
        raise ManifestError(path, exc.line, exc.message) from None
    except yaml.YAMLError as exc:  # pragma: no cover - load_yaml catches these first
        raise ManifestError(path, None, f"invalid YAML: {exc}") from None
    if isinstance(data, dict) and "sites" in data:
        data = data["sites"]
        if isinstance(root, yaml.MappingNode):  # the same document: a map with "sites"
            root = next(v for k, v in root.value if k.value == "sites")
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise ManifestError(path, 1, "expected a list of sites (or a 'sites:' list)")
    rows = []
    for node, entry in zip(root.value, data, strict=True):
        line = node.start_mark.line + 1
        if isinstance(entry, str):
            entry = {"source": entry}
        if not isinstance(entry, dict):
            raise ManifestError(path, line, "each site must be a mapping or a source path")
        rows.append((line, entry))
    return rows


def _job_from_row(path: Path, line: int, row: dict[str, Any]) -> SiteJob:
    unknown = sorted(set(map(str, row)) - set(MANIFEST_KEYS))
    if unknown:
        raise ManifestError(path, line, f"unknown key(s) {', '.join(unknown)}; "
                                        f"known: {', '.join(MANIFEST_KEYS)}")
    source = row.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ManifestError(path, line, "'source' is missing")
    full = (path.parent / source).resolve() if not Path(source).is_absolute() else Path(source)
    if not full.exists():
        raise ManifestError(path, line, f"source {source!r} does not exist ({full})")
    target = _optional_text(path, line, row, "target")
    kind = _optional_text(path, line, row, "from")
    _check_known(path, line, target, kind)
    name = row.get("name")
    name = str(name) if name not in (None, "") else full.stem if full.is_file() else full.name
    return SiteJob(name, str(full), target, kind, _as_dedupe(path, line, row.get("dedupe")), line)


def _optional_text(path: Path, line: int, row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ManifestError(path, line, f"'{key}' must be text, not {value!r}")
    return value.strip()


def _check_known(path: Path, line: int, target: str | None, kind: str | None) -> None:
    from .registry import source_kinds, target_themes

    if target is not None and target not in target_themes():
        raise ManifestError(path, line, f"unknown target theme {target!r}; "
                                        f"known: {', '.join(target_themes())}")
    if kind is not None and kind not in source_kinds():
        raise ManifestError(path, line, f"unknown source kind {kind!r}; "
                                        f"known: {', '.join(source_kinds())}")


_TRUE = {"true", "yes", "1", "on", "y"}
_FALSE = {"false", "no", "0", "off", "n"}


def _as_dedupe(path: Path, line: int, value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ManifestError(path, line, f"'dedupe' must be true or false, not {value!r}")


# --------------------------------------------------------------------------- selection

def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` (1-based) -> ``(i, n)``; ``ValueError`` when malformed."""
    try:
        i_text, n_text = text.split("/")
        i, n = int(i_text), int(n_text)
    except ValueError:
        raise ValueError(f"{text!r}: expected i/n, e.g. 2/4") from None
    if n < 1 or not 1 <= i <= n:
        raise ValueError(f"{text!r}: need 1 <= i <= n")
    return i, n


def select_shard(jobs: list[SiteJob], shard: tuple[int, int] | None) -> list[SiteJob]:
    """Slice i of n of the jobs sorted by name: every job lands in exactly one shard."""
    ordered = sorted(jobs, key=lambda job: job.name)
    if shard is None:
        return ordered
    i, n = shard
    return [job for index, job in enumerate(ordered) if index % n == i - 1]


# --------------------------------------------------------------------------- running

def run_site(job: SiteJob, out_root: str, default_target: str | None, dry_run: bool,
             force: bool, strict: bool = False, with_diffs: bool = False) -> dict[str, Any]:
    """Migrate one site and return a small plain result; never raises.

    ``strict`` makes any loss (settings too) fail the site; ``with_diffs`` keeps the diffs
    of changed files for an HTML report.
    """
    from .pipeline import UnknownKind
    from .report import summarize_diagnostics, verdict

    start = time.perf_counter()
    result = _empty_result(job, out_root, default_target)
    try:
        _run_site(job, Path(out_root), result, dry_run, force, strict, with_diffs)
    except Exception as exc:  # one site's failure is data for the report, not a crash
        result["status"] = "failed"
        result["error"] = _describe(exc)
        if isinstance(exc, UnknownKind):
            result.update(summarize_diagnostics([exc.diagnostic], failed=True))
        if not _expected(exc):
            result["traceback"] = traceback.format_exc(limit=8)
    if result["status"] == "failed":
        result["fails"] = True
        result["verdict"] = verdict(result, failed=True, error=result["error"])
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result


def _empty_result(job: SiteJob, out_root: str, default_target: str | None) -> dict[str, Any]:
    return {
        "name": job.name, "source": job.source, "target": job.target or default_target,
        "output": str(Path(out_root) / job.name), "kind": None, "confidence": None,
        "status": "failed", "error": None, "written": False,
        "counts": {}, "files": {"create": 0, "change": 0, "same": 0, "total": 0, "kept": 0},
        "losses": 0, "errors": 0, "warnings": 0, "diagnostics_by_code": {}, "codes": {},
        "severity_counts": {s.value: 0 for s in SEVERITIES}, "findings": [], "fails": True,
        "verdict": {"state": "needs review", "lines": []}, "diffs": [], "seconds": 0.0,
    }


def _run_site(job: SiteJob, out_root: Path, result: dict[str, Any], dry_run: bool,
              force: bool, strict: bool, with_diffs: bool) -> None:
    from .fileset import check_output_folder, untouched_files, write_atomically
    from .pipeline import plan_migration, read_site
    from .report import plan_diffs, summarize_diagnostics

    target = result["target"]
    if not target:
        raise ValueError("no target theme: give --to or a 'target' in the manifest")
    out_dir = out_root / job.name
    check_output_folder(out_dir)
    model = read_site(job.source, job.kind, dedupe=job.dedupe)
    result["kind"] = model.source.kind
    result["confidence"] = model.source.confidence
    plan = plan_migration(model, target, out_dir)
    result["counts"] = {key: plan.counts[key] for key in
                        ("publications", "projects", "themes", "pages", "items")}
    actions = Counter(change.action for change in plan.changes)
    result["files"] = {"create": actions["create"], "change": actions["change"],
                       "same": actions["same"], "total": len(plan.files),
                       "kept": len(untouched_files(plan.files, out_dir))}
    result.update(summarize_diagnostics(plan.diagnostics, strict=strict))
    if with_diffs:
        result["diffs"] = plan_diffs(plan)
    if not dry_run:
        write_atomically(plan.files, out_dir, force=force)
        result["written"] = True
    result["status"] = "losses" if result["fails"] else "ok"


def _describe(exc: BaseException) -> str:
    from .fileset import OverwriteRefused

    if isinstance(exc, OverwriteRefused):
        shown = ", ".join(exc.paths[:5]) + (" …" if len(exc.paths) > 5 else "")
        return f"{exc} ({shown}); nothing was written for this site; use --force"
    if _expected(exc):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _expected(exc: BaseException) -> bool:
    """Errors that are the input's fault, reported without a traceback."""
    from .fileset import OverwriteRefused
    from .paths import UnsafePathError
    from .pipeline import SourceError
    from .registry import UnknownThemeError

    return isinstance(exc, SourceError | OverwriteRefused | UnsafePathError | UnknownThemeError)


Callback = Callable[[dict[str, Any]], None]


def run_batch(jobs: list[SiteJob], out_root: Path, *, target: str | None = None,
              workers: int = 1, dry_run: bool = False, force: bool = False,
              strict: bool = False, with_diffs: bool = False,
              on_start: Callable[[SiteJob], None] | None = None,
              on_result: Callback | None = None,
              initializer: Callable[[], None] | None = None) -> BatchResult:
    """Migrate every job; results come back in job order, whatever order they finish in.

    Sites run in worker processes, so a site that crashes its process costs only itself;
    ``workers=0`` runs them in this process instead (for debugging).  ``on_start`` is
    called before each site when one runs at a time; ``on_result`` after each site.
    ``initializer`` runs once in each worker process (in this process when ``workers=0``).
    """
    start = time.perf_counter()
    if not dry_run:
        from .fileset import check_output_folder

        check_output_folder(out_root)
    args = (str(out_root), target, dry_run, force, strict, with_diffs)
    if workers <= 0:
        results = _run_here(jobs, args, on_start, on_result, initializer)
    elif workers == 1:
        results = _run_one_by_one(jobs, args, on_start, on_result, initializer)
    else:
        results = _run_parallel(jobs, args, workers, on_result, initializer)
    ordered = [results[job.name] for job in jobs]
    return BatchResult(ordered, round(time.perf_counter() - start, 3))


def _run_here(jobs: list[SiteJob], args: tuple[Any, ...],
                on_start: Callable[[SiteJob], None] | None, on_result: Callback | None,
                initializer: Callable[[], None] | None) -> dict[str, dict[str, Any]]:
    if initializer is not None:
        initializer()
    results: dict[str, dict[str, Any]] = {}
    for job in jobs:
        if on_start:
            on_start(job)
        results[job.name] = run_site(job, *args)
        if on_result:
            on_result(results[job.name])
    return results


def _run_one_by_one(jobs: list[SiteJob], args: tuple[Any, ...],
                    on_start: Callable[[SiteJob], None] | None, on_result: Callback | None,
                    initializer: Callable[[], None] | None) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    _warm_up()
    pool = ProcessPoolExecutor(max_workers=1, initializer=initializer)
    try:
        for job in jobs:
            if on_start:
                on_start(job)
            try:
                results[job.name] = pool.submit(run_site, job, *args).result()
            except BrokenProcessPool:
                results[job.name] = _crashed(job, args)
                pool.shutdown(wait=True)
                pool = ProcessPoolExecutor(max_workers=1, initializer=initializer)
            if on_result:
                on_result(results[job.name])
    finally:
        pool.shutdown(wait=True)
    return results


def _crashed(job: SiteJob, args: tuple[Any, ...]) -> dict[str, Any]:
    from .report import verdict

    result = _empty_result(job, args[0], args[1])
    result["error"] = "the worker process died while migrating this site"
    result["verdict"] = verdict(result, failed=True, error=result["error"])
    return result


def _run_parallel(jobs: list[SiteJob], args: tuple[Any, ...], workers: int,
                  on_result: Callback | None,
                  initializer: Callable[[], None] | None) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    _warm_up()
    # Largest sites first, so one big site does not run alone at the end.
    by_size = sorted(jobs, key=_weight, reverse=True)
    with ProcessPoolExecutor(max_workers=workers, initializer=initializer) as pool:
        futures = {pool.submit(run_site, job, *args): job for job in by_size}
        _collect(futures, results, on_result, crashed_out=None)
    # A worker that died (killed, out of memory) breaks the whole pool: rerun the sites it
    # took down one at a time, each in a fresh process, so only the culprit is lost.
    for job in [job for job in jobs if job.name not in results]:
        with ProcessPoolExecutor(max_workers=1, initializer=initializer) as pool:
            _collect({pool.submit(run_site, job, *args): job}, results, on_result,
                     crashed_out=args)
    return results


def _warm_up() -> None:
    """Import every reader and writer here once, so forked workers start with them loaded."""
    from .registry import get_reader, get_writer, source_kinds, target_themes

    for kind in source_kinds():
        get_reader(kind)
    for theme in target_themes():
        get_writer(theme)


def _weight(job: SiteJob, limit: int = 20_000) -> int:
    """Rough size of a site: its number of files (counting stops at ``limit``)."""
    source = Path(job.source)
    if not source.is_dir():
        return 1
    count = 0
    for _, _, filenames in os.walk(source):
        count += len(filenames)
        if count >= limit:
            break
    return count


def _collect(futures: dict[Future[dict[str, Any]], SiteJob], results: dict[str, dict[str, Any]],
             on_result: Callback | None, crashed_out: tuple[Any, ...] | None) -> None:
    """Gather finished sites; a crashed worker is retried later, or reported when retried."""
    for future in as_completed(futures):
        job = futures[future]
        try:
            result = future.result()
        except BrokenProcessPool:
            if crashed_out is None:
                continue
            result = _crashed(job, crashed_out)
        results[job.name] = result
        if on_result:
            on_result(result)


# --------------------------------------------------------------------------- reports

def summarize(sites: list[dict[str, Any]]) -> dict[str, Any]:
    from .report import totals

    return totals(sites)


def report_dict(result: BatchResult, settings: dict[str, Any]) -> dict[str, Any]:
    return {"settings": {"command": "batch", **settings}, "totals": result.totals(),
            "wall_seconds": result.seconds, "sites": result.sites}


def write_reports(result: BatchResult, settings: dict[str, Any], path: Path) -> list[Path]:
    """Write the report at ``path`` (JSON, Markdown or HTML by its extension; the JSON and
    a Markdown summary beside it otherwise), see ``report.write_reports``."""
    from .report import write_reports as write

    return write(report_dict(result, settings), path)


def markdown_report(data: dict[str, Any]) -> str:
    from .report import markdown_report as render

    return render(data)


def job_settings(**settings: Any) -> dict[str, Any]:
    return {key: (str(value) if isinstance(value, Path) else value)
            for key, value in settings.items()}


__all__ = ["BatchResult", "ManifestError", "SiteJob", "discover_sites",
           "is_manifest", "load_manifest", "parse_shard", "run_batch", "run_site",
           "select_shard", "write_reports"]
