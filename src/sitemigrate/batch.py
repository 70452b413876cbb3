"""Migrate many sites in one run: find them, run each in isolation, report on all of them.

Sites come from a folder (each subfolder with a ``_config.yml``, or anything a reader
detects; group folders such as ``<group>/<site>/`` are searched too) or from a manifest
(YAML or CSV with ``name``, ``source``, ``target``, ``from``, ``dedupe``).  Each site is
written to ``OUT/<name>/`` with the same atomic, no-overwrite rules as ``migrate``.  One
site failing, even with an exception or a crashed worker, never stops the others.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import parallel
from .common.reader import config_path
from .diagnostics import SEVERITIES, TIMEOUT
from .paths import slugify

MANIFEST_SUFFIXES = (".yml", ".yaml", ".csv", ".tsv")
MANIFEST_KEYS = ("name", "source", "target", "from", "dedupe", "role", "person")


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
    role: str | None = None  #: the member's role on a lab's team page (``lab``)
    person: str | None = None  #: the member's full name, when the site's profile lacks it


@dataclass(slots=True)
class BatchResult:
    sites: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False  #: stopped by Ctrl-C; ``sites`` holds what finished
    not_run: list[str] = field(default_factory=list)  #: names of the sites that did not finish

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


def load_manifest(path: Path, *, allow_outside: bool = False) -> list[SiteJob]:
    """Jobs listed in a YAML or CSV manifest; sources are relative to the manifest.

    A source outside the manifest's folder (an absolute path, ``..``, a symlink leading
    out) is refused unless ``allow_outside``: a manifest cannot publish ``/etc/passwd``.
    """
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
    jobs = [_job_from_row(path, line, row, allow_outside) for line, row in rows]
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


def _job_from_row(path: Path, line: int, row: dict[str, Any],
                  allow_outside: bool = False) -> SiteJob:
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
    home = path.parent.resolve()
    if not allow_outside and not full.resolve().is_relative_to(home):
        raise ManifestError(path, line, f"source {source!r} ({full.resolve()}) is outside the "
                                        f"manifest's folder {home}; pass --allow-outside to "
                                        "migrate it")
    target = _optional_text(path, line, row, "target")
    kind = _optional_text(path, line, row, "from")
    _check_known(path, line, target, kind)
    name = row.get("name")
    name = str(name) if name not in (None, "") else full.stem if full.is_file() else full.name
    return SiteJob(name, str(full), target, kind, _as_dedupe(path, line, row.get("dedupe")), line,
                   _optional_text(path, line, row, "role"),
                   _optional_text(path, line, row, "person"))


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
    from .pipeline import check_apart, plan_migration, read_site
    from .report import plan_diffs, summarize_diagnostics

    target = result["target"]
    if not target:
        raise ValueError("no target theme: give --to or a 'target' in the manifest")
    out_dir = out_root / job.name
    check_output_folder(out_dir)
    check_apart(job.source, out_dir)
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
#: default ``--timeout``: generous, a site of 10,000 publications takes about 10 s
DEFAULT_TIMEOUT = 600.0
#: how long a stopped worker gets to remove its staging folder before it is killed
STOP_GRACE = 0.4


def run_batch(jobs: list[SiteJob], out_root: Path, *, target: str | None = None,
              workers: int = 1, dry_run: bool = False, force: bool = False,
              strict: bool = False, with_diffs: bool = False,
              timeout: float | None = DEFAULT_TIMEOUT,
              on_start: Callable[[SiteJob], None] | None = None,
              on_result: Callback | None = None,
              initializer: Callable[[], None] | None = None) -> BatchResult:
    """Migrate every job; results come back in job order, whatever order they finish in.

    Sites run in worker processes, so a site that crashes its process costs only itself
    and one that runs longer than ``timeout`` seconds is stopped (its worker replaced);
    ``workers=0`` runs them in this process instead (for debugging; no timeout).
    ``on_start`` is called before each site when one runs at a time; ``on_result`` after
    each site.  ``initializer`` runs once in each worker process (in this process when
    ``workers=0``).  Ctrl-C (``KeyboardInterrupt``) stops the workers within a second,
    each removing its staging folder, and returns what finished with ``interrupted`` set.
    While it runs the batch holds ``out_root``'s lock: a second batch into it fails.
    """
    from contextlib import nullcontext

    from .fileset import check_output_folder, output_lock

    start = time.perf_counter()
    if not dry_run:
        check_output_folder(out_root)
    args = (str(out_root), target, dry_run, force, strict, with_diffs)
    results: dict[str, dict[str, Any]] = {}
    interrupted = False
    with nullcontext() if dry_run else output_lock(out_root):
        try:
            if workers <= 0:
                _run_here(jobs, args, on_start, on_result, initializer, results)
            else:
                _run_workers(jobs, args, workers, timeout, on_start, on_result, initializer,
                             results)
        except KeyboardInterrupt:
            interrupted = True
    ordered = [results[job.name] for job in jobs if job.name in results]
    return BatchResult(ordered, round(time.perf_counter() - start, 3), interrupted,
                       [job.name for job in jobs if job.name not in results])


def _run_here(jobs: list[SiteJob], args: tuple[Any, ...],
              on_start: Callable[[SiteJob], None] | None, on_result: Callback | None,
              initializer: Callable[[], None] | None,
              results: dict[str, dict[str, Any]]) -> None:
    if initializer is not None:
        initializer()
    for job in jobs:
        if on_start:
            on_start(job)
        results[job.name] = run_site(job, *args)
        if on_result:
            on_result(results[job.name])


class _Stopped(BaseException):
    """Raised in a worker told to stop (SIGTERM): unwinds it so staging folders go."""


def _stop_worker(signum: int, frame: Any) -> None:
    raise _Stopped()


def _worker_main(conn: Any, initializer: Callable[[], None] | None,
                 shares_cores: bool) -> None:
    """A worker process: migrate the jobs the parent sends until told to stop."""
    import signal

    if shares_cores:  # the other workers use the other cores
        parallel.use_one_core()

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    parallel.die_with_parent()
    try:
        if initializer is not None:
            initializer()
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            if message is None:
                return
            job, args = message
            conn.send(run_site(job, *args))
    except _Stopped:
        return


class _Worker:
    def __init__(self, initializer: Callable[[], None] | None, shares_cores: bool) -> None:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main,
                                       args=(child, initializer, shares_cores),
                                       daemon=True)
        import signal

        # the new worker must not see Ctrl-C before it has set itself to ignore it
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        self.job: SiteJob | None = None
        self.deadline = 0.0

    def give(self, job: SiteJob, args: tuple[Any, ...], timeout: float | None) -> None:
        self.job = job
        self.deadline = time.monotonic() + timeout if timeout else float("inf")
        self.conn.send((job, args))

    def stop(self) -> None:
        """Ask the worker to stop (it unwinds and removes its staging folder)."""
        if self.process.is_alive():
            self.process.terminate()

    def close(self, grace: float) -> None:
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1)
        self.conn.close()


def _run_workers(jobs: list[SiteJob], args: tuple[Any, ...], workers: int,
                 timeout: float | None, on_start: Callable[[SiteJob], None] | None,
                 on_result: Callback | None, initializer: Callable[[], None] | None,
                 results: dict[str, dict[str, Any]]) -> None:
    from collections import deque
    from multiprocessing.connection import wait

    _warm_up()
    # Largest sites first, so one big site does not run alone at the end.
    pending = deque(sorted(jobs, key=_weight, reverse=True) if workers > 1 else jobs)
    idle: list[_Worker] = []
    busy: list[_Worker] = []

    def finish(worker: _Worker, result: dict[str, Any], reusable: bool) -> None:
        busy.remove(worker)
        assert worker.job is not None
        results[worker.job.name] = result
        worker.job = None
        if reusable:
            idle.append(worker)
        else:
            _retire(worker, args)
        if on_result:
            on_result(result)

    try:
        while pending or busy:
            while pending and len(busy) < workers:
                worker = idle.pop() if idle else _Worker(initializer, workers > 1)
                job = pending.popleft()
                if on_start and workers == 1:
                    on_start(job)
                worker.give(job, args, timeout)
                busy.append(worker)
            now = time.monotonic()
            wait_for = max(0.0, min(min(w.deadline for w in busy) - now, 0.5))
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                             timeout=wait_for))
            for worker in list(busy):
                running = worker.job
                assert running is not None
                if worker.conn in ready or worker.process.sentinel in ready:
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):
                        finish(worker, _crashed(running, args), reusable=False)
                    else:
                        finish(worker, result, reusable=True)
                elif time.monotonic() > worker.deadline:
                    finish(worker, _timed_out(running, args, timeout or 0.0), reusable=False)
    except KeyboardInterrupt:
        import signal

        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C waits
        try:
            _stop_all(busy, args, results, on_result)
            for worker in idle:
                worker.stop()
                worker.close(STOP_GRACE)
        finally:
            signal.signal(signal.SIGINT, previous)
        raise
    for worker in idle:
        with contextlib.suppress(OSError):
            worker.conn.send(None)
        worker.close(STOP_GRACE)


def _stop_all(busy: list[_Worker], args: tuple[Any, ...], results: dict[str, dict[str, Any]],
              on_result: Callback | None) -> None:
    """Stop every busy worker at once; keep results already sent; clean their outputs."""
    for worker in busy:
        if worker.job is not None and worker.conn.poll():
            try:
                result = worker.conn.recv()
            except (EOFError, OSError):
                continue
            results[worker.job.name] = result
            worker.job = None
            if on_result:
                on_result(result)
    for worker in busy:
        worker.stop()
    deadline = time.monotonic() + STOP_GRACE
    for worker in busy:
        worker.close(max(0.0, deadline - time.monotonic()))
        if worker.job is not None:
            _clean_output(worker.job, args)


def _retire(worker: _Worker, args: tuple[Any, ...]) -> None:
    worker.stop()
    worker.close(STOP_GRACE)


def _clean_output(job: SiteJob, args: tuple[Any, ...]) -> None:
    """Undo what a stopped site may have left (staging folder, half-done swap)."""
    if args[2]:  # dry run: nothing was written
        return
    from .fileset import recover_interrupted

    with contextlib.suppress(OSError):
        recover_interrupted(Path(args[0]) / job.name)


def _crashed(job: SiteJob, args: tuple[Any, ...]) -> dict[str, Any]:
    from .report import verdict

    _clean_output(job, args)
    result = _empty_result(job, args[0], args[1])
    result["error"] = "the worker process died while migrating this site"
    result["verdict"] = verdict(result, failed=True, error=result["error"])
    return result


def _timed_out(job: SiteJob, args: tuple[Any, ...], timeout: float) -> dict[str, Any]:
    from .diagnostics import Diagnostics
    from .report import summarize_diagnostics, verdict

    _clean_output(job, args)
    result = _empty_result(job, args[0], args[1])
    message = f"stopped after {timeout:g} s (--timeout); nothing was written for this site"
    found = Diagnostics()
    found.report(TIMEOUT, message, job.source)
    result.update(summarize_diagnostics(list(found), failed=True))
    result["error"] = message
    result["verdict"] = verdict(result, failed=True, error=message)
    result["seconds"] = round(timeout, 3)
    return result


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
