"""The sitemigrate performance benchmark: figures beside their targets.

    python bench/run.py [--sizes 100,1000,10000] [--quick] [--json FILE] [--profile]

On the same generated sites (bench/generate.py) it measures the floor (read + parse every
input file, nothing else), ``export`` and ``migrate`` in process and as whole commands, the
scaling from 1k to 10k publications, peak RSS of the commands, CLI start-up and a batch of
small sites.  See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/ is not a package)

THEMES = ("academicpages", "al-folio", "allanlab")
DEFAULT_JSON = BENCH / "results" / "latest.json"

# Targets from the "Performance" issue.
TARGET_MIGRATE_OVER_FLOOR = 2.0
TARGET_SCALING = 11.0
TARGET_RSS_MB = 300.0
TARGET_HELP_MS = 150.0
TARGET_BATCH_S = 60.0

# Runs a command and reports its wall time and peak RSS (KiB on Linux) as JSON; a separate
# process so RUSAGE_CHILDREN covers exactly one command.
_CHILD = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
timeout = float(sys.argv[1])
try:
    proc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=timeout)
    code, err = proc.returncode, proc.stderr.decode("utf-8", "replace")[-600:]
except subprocess.TimeoutExpired:
    code, err = -1, f"timed out after {timeout:g} s"
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "maxrss_kb": usage.ru_maxrss, "returncode": code, "stderr": err}))
"""


# ---------------------------------------------------------------- timing helpers


def clear_caches() -> None:
    """Empty sitemigrate's ``lru_cache``s so every repetition starts cold, like a command.

    Otherwise the 2nd and 3rd runs at 1k find their values cached while the single run at
    10k does not, and the scaling ratio is overstated.
    """
    for name, module in list(sys.modules.items()):
        if not name.startswith("sitemigrate") or module is None:
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def best_of(repeat: int, func: Callable[[], Any]) -> tuple[float, float, Any]:
    """Fastest wall and CPU seconds of ``repeat`` runs, and the last result.

    CPU time (this process and the children it forked for a second core) barely moves when
    other work shares the machine, so it is the figure to trust when the load average is
    above the CPU count.
    """
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        result = None  # free the previous result before measuring again
        clear_caches()
        gc.collect()
        cpu, start = _cpu_with_children(), time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, _cpu_with_children() - cpu)
    return best, best_cpu, result


def _cpu_with_children() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measured(repeat: int, func: Callable[[], Any]) -> tuple[dict[str, Any], Any]:
    """``best_of`` that records a failure instead of stopping the benchmark."""
    try:
        seconds, cpu, result = best_of(repeat, func)
    except Exception as exc:  # noqa: BLE001 - a broken stage is a figure, not a crash
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}, None
    return {"seconds": seconds, "cpu_seconds": cpu}, result


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("sitemigrate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sitemigrate"]


COMMAND_TIMEOUT = 900.0


def run_child(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall time and peak RSS of one whole command (in ``env``, else this environment);
    exit 0 or 1 (losses) count as success."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(COMMAND_TIMEOUT), *args],
                         capture_output=True, text=True, check=False, env=env)
    try:
        data = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": f"wrapper failed: {out.stderr[-300:]}"}
    result = {"seconds": data["seconds"], "cpu_seconds": data["cpu_seconds"],
              "rss_mb": data["maxrss_kb"] / 1024, "returncode": data["returncode"]}
    if data["returncode"] not in (0, 1):
        result["error"] = f"exit {data['returncode']}: {data['stderr'].strip()[-300:]}"
    return result


def startup(args: list[str], repeat: int = 5) -> dict[str, Any]:
    """Best-of wall time (ms) of a short command, measured from here (spawn included)."""
    best, code = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        code = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              check=False).returncode
        best = min(best, time.perf_counter() - start)
    result: dict[str, Any] = {"ms": best * 1000}
    if code != 0:
        result["error"] = f"exit {code}"
    return result


# ---------------------------------------------------------------- the floor


def _bibtex_parser() -> tuple[Callable[[str, str], Any], str]:
    """The project's BibTeX parser, or bibtexparser v2 directly until it lands."""
    try:
        from sitemigrate.parsing.bibtex import parse_bibtex
    except ImportError:
        import bibtexparser

        return (lambda text, _name: bibtexparser.parse_string(text),
                "bibtexparser.parse_string (project parser absent)")
    from sitemigrate.diagnostics import Diagnostics

    return (lambda text, name: parse_bibtex(text, name, Diagnostics()),
            "sitemigrate.parsing.bibtex.parse_bibtex")


def input_files(site: Path) -> list[Path]:
    """Every file a reader may look at: the site minus hidden files and folders."""
    files = []
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files += [Path(dirpath) / f for f in sorted(filenames) if not f.startswith(".")]
    return files


def floor(files: list[Path], parse_bib: Callable[[str, str], Any]) -> int:
    """Read each file once and parse it with the readers' parsers; nothing else."""
    from sitemigrate.parsing.front_matter import split_front_matter
    from sitemigrate.parsing.text import decode
    from sitemigrate.parsing.yamlio import YamlError, load_yaml

    parsed = 0
    for path in files:
        text = decode(path.read_bytes()).text
        suffix = path.suffix.lower()
        if suffix in (".md", ".markdown", ".html"):
            split_front_matter(text)
        elif suffix in (".yml", ".yaml"):
            with contextlib.suppress(YamlError):
                load_yaml(text)
        elif suffix == ".bib":
            parse_bib(text, path.name)
        else:
            continue
        parsed += 1
    return parsed


# ---------------------------------------------------------------- per-site measurements


def migrate_in_process(site: Path, kind: str, target: str, out: Path,
                       writer_seconds: list[float]) -> Any:
    """``pipeline.migrate(..., dry_run=True)`` in its two halves, the writer's timed apart
    (with the collector paused over both, as ``pipeline.migrate`` does)."""
    from sitemigrate import pipeline
    from sitemigrate.parsing.yamlio import collector_paused

    with collector_paused():
        model = pipeline.read_site(site, kind)
        start = time.perf_counter()
        plan = pipeline.plan_migration(model, target, out)
        writer_seconds.append(time.perf_counter() - start)
    return plan


def measure_site(kind: str, n: int, site: Path, work: Path, repeat: int) -> dict[str, Any]:
    from sitemigrate import pipeline

    files = input_files(site)
    parse_bib, bib_name = _bibtex_parser()
    row: dict[str, Any] = {"kind": kind, "n": n, "files": len(files),
                           "bytes": sum(p.stat().st_size for p in files), "bibtex": bib_name}
    row["floor"], _ = measured(repeat, lambda: floor(files, parse_bib))
    row["export"], model = measured(repeat, lambda: pipeline.read_site(site, kind))
    if model is not None:
        row["read"] = {"publications": len(model.publications), "projects": len(model.projects),
                       "diagnostics": dict(sorted(Counter(d.code for d in model.diagnostics)
                                                  .items()))}
    model = None  # not needed any more; keep the process small
    row["export_cmd"] = run_child([*cli_command(), "export", str(site), "--from", kind,
                                   "-o", str(work / f"{kind}-{n}.json")])
    row["migrate"] = {}
    for target in THEMES:
        if target == kind:
            continue
        out = work / f"{kind}-{n}-to-{target}"
        writer_seconds: list[float] = []
        inproc, _ = measured(repeat, lambda t=target, o=out, w=writer_seconds: migrate_in_process(
            site, kind, t, o / "dry", w))
        if writer_seconds and "error" not in inproc:
            inproc["write"] = {"seconds": min(writer_seconds)}
        cmd = run_child([*cli_command(), "migrate", str(site), "--from", kind, "--to", target,
                         "-o", str(out / "real")])
        row["migrate"][target] = {"inproc": inproc, "cmd": cmd}
        shutil.rmtree(out, ignore_errors=True)
    return row


def measure_scaling(sites: dict[str, Path], low_n: int, high_n: int, repeat: int,
                    work: Path) -> dict[str, dict[str, float]]:
    """time(high_n) / time(low_n) of every in-process stage, the two sizes run in turn.

    This machine's speed drifts by tens of per cent over minutes (a shared VM), and the
    per-site figures of the two sizes are taken minutes apart; alternating the sizes puts
    both under the same conditions.  Fastest of ``repeat`` runs each.
    """
    from sitemigrate import pipeline

    parse_bib, _ = _bibtex_parser()
    ratios: dict[str, dict[str, float]] = {"wall": {}, "CPU": {}}
    for kind in generate.KINDS:
        pair = (sites[f"{kind}-{low_n}"], sites[f"{kind}-{high_n}"])
        files = {site: input_files(site) for site in pair}
        stages: dict[str, Callable[[Path], Any]] = {
            "floor": lambda site, f=files: floor(f[site], parse_bib),
            "export": lambda site, k=kind: pipeline.read_site(site, k)}
        for target in THEMES:
            if target != kind:
                stages[f"migrate->{target}"] = lambda site, k=kind, t=target: \
                    migrate_in_process(site, k, t, work / "scaling-dry", [])
        for stage, job in stages.items():
            best = {site: (float("inf"), float("inf")) for site in pair}
            for _ in range(repeat):
                for site in pair:
                    seconds, cpu, _ = best_of(1, lambda s=site, j=job: j(s))
                    best[site] = (min(best[site][0], seconds), min(best[site][1], cpu))
            low, high = best[pair[0]], best[pair[1]]
            ratios["wall"][f"{kind} {stage}"] = high[0] / low[0]
            ratios["CPU"][f"{kind} {stage}"] = high[1] / low[1]
    return ratios


# ---------------------------------------------------------------- batch


def batch_help() -> str | None:
    proc = subprocess.run([*cli_command(), "batch", "--help"], capture_output=True, text=True,
                          check=False)
    return proc.stdout if proc.returncode == 0 else None


def measure_batch(folder: Path, work: Path) -> dict[str, Any]:
    """``sitemigrate batch`` over the small sites with --jobs 1 and 2, when it exists."""
    help_text = batch_help()
    if help_text is None:
        return {"skipped": "`sitemigrate batch` does not exist yet"}
    if "--jobs" not in help_text:
        return {"skipped": "`sitemigrate batch` has no --jobs option"}
    result: dict[str, Any] = {"sites": sum(1 for p in folder.iterdir() if p.is_dir())}
    for jobs in (1, 2):
        out = work / f"batch-jobs{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        report = work / f"batch-jobs{jobs}.json"
        run = run_child([*cli_command(), "batch", str(folder), "--to", "allanlab", "-o",
                         str(out), "--jobs", str(jobs), "--report", str(report)])
        run["totals"] = _batch_totals(report)
        result[f"jobs{jobs}"] = run
        shutil.rmtree(out, ignore_errors=True)
    return result


def _batch_totals(report: Path) -> dict[str, Any] | None:
    """The ok/failed/losses counts from the batch's own JSON report, when it wrote one."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    totals = data.get("totals") if isinstance(data, dict) else None
    if not isinstance(totals, dict):
        return None
    return {k: v for k, v in totals.items() if isinstance(v, int)}


# ---------------------------------------------------------------- profiling


def profile_largest(sites: dict[str, Path], n: int, top: int = 18) -> dict[str, str]:
    """cProfile of export and migrate on the largest sites; top functions by own time."""
    from sitemigrate import pipeline

    reports = {}
    for kind in generate.KINDS:
        site = sites[f"{kind}-{n}"]
        target = "allanlab"
        jobs = {"export": lambda s=site, k=kind: pipeline.read_site(s, k),
                f"migrate-{target}": lambda s=site, k=kind, t=target: pipeline.migrate(
                    s, t, Path(tempfile.gettempdir()) / "sm-bench-none", kind=k, dry_run=True)}
        for name, job in jobs.items():
            profiler = cProfile.Profile()
            try:
                profiler.runcall(job)
            except Exception as exc:  # noqa: BLE001
                reports[f"{kind} {name}"] = f"failed: {exc}"
                continue
            buffer = io.StringIO()
            stats = pstats.Stats(profiler, stream=buffer).strip_dirs()
            stats.sort_stats("tottime").print_stats(top)
            reports[f"{kind} {name}"] = buffer.getvalue()
    return reports


# ---------------------------------------------------------------- summary and table


def _get(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def summarize(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target: the worst figure measured and whether it meets the target."""
    rows: list[dict[str, Any]] = []
    sites = results["sites"]
    big = max(results["sizes"])
    mid = sorted(results["sizes"])[-2] if len(results["sizes"]) > 1 else None

    coverage = [((_get(r, "read", "publications") or 0) / r["n"], r["kind"]) for r in sites
                if r["n"] == big]
    if coverage:  # ratios mean little while a reader still drops publications
        value, where = min(coverage)
        rows.append({"figure": f"publications read / generated at {big:,} (lowest)",
                     "value": round(value, 3), "unit": "", "where": where})
    for key, how in (("seconds", "wall"), ("cpu_seconds", "CPU")):
        ratios = _over_floor(sites, big, key)
        rows.append(_target_row(f"migrate / floor at {big:,} (worst pair, in-process, {how})",
                                ratios, TARGET_MIGRATE_OVER_FLOOR, "x", "<="))
    if mid is not None:
        for how, ratios_by_stage in results["scaling"].items():  # measured in turn
            scaling = [(v, label) for label, v in ratios_by_stage.items()]
            rows.append(_target_row(
                f"time({big:,}) / time({mid:,}) (worst stage, in-process, {how})", scaling,
                TARGET_SCALING, "", "<="))

    rss = []
    for row in sites:
        if row["n"] != big:
            continue
        commands = {"export": row["export_cmd"]}
        commands.update({f"migrate->{t}": m["cmd"] for t, m in row["migrate"].items()})
        rss += [(c["rss_mb"], f"{row['kind']} {name}") for name, c in commands.items()
                if "rss_mb" in c and "error" not in c]
    rows.append(_target_row(f"peak RSS at {big:,} (worst command)", rss, TARGET_RSS_MB, " MB",
                            "<"))

    for name, data in results["startup"].items():
        if "error" in data:
            rows.append({"figure": name, "value": None, "note": data["error"]})
            continue
        limit = TARGET_HELP_MS if name == "sitemigrate --help" else None
        rows.append(_target_row(name, [(data["ms"], "")], limit, " ms", "<"))

    batch = results.get("batch") or {}
    if "skipped" in batch:
        rows.append({"figure": "batch of small sites, --jobs 2", "value": None,
                     "note": batch["skipped"]})
    else:
        for jobs in (1, 2):
            data = batch.get(f"jobs{jobs}") or {}
            label = f"batch of {batch.get('sites', 0):,} sites, --jobs {jobs}"
            if "error" in data or "seconds" not in data:
                rows.append({"figure": label, "value": None,
                             "note": data.get("error", "not run")})
            else:
                limit = TARGET_BATCH_S if jobs == 2 else None
                totals = data.get("totals") or {}
                where = (f"{totals.get('ok', '?')} ok, {totals.get('with_losses', '?')} with "
                         f"losses, {totals.get('failed', '?')} failed")
                rows.append(_target_row(label, [(data["seconds"], where)], limit, " s", "<"))
    return rows


def _over_floor(sites: list[dict[str, Any]], size: int, key: str) -> list[tuple[float, str]]:
    """migrate (in-process) / floor for every pair; also stored on the site rows."""
    ratios = []
    for row in sites:
        floor_s = _get(row, "floor", key)
        for target, m in row["migrate"].items():
            migrate_s = _get(m, "inproc", key)
            if floor_s and migrate_s is not None:
                m.setdefault("over_floor", {})[key] = migrate_s / floor_s
                if row["n"] == size:
                    ratios.append((migrate_s / floor_s, f"{row['kind']}->{target}"))
    return ratios


def _target_row(figure: str, values: list[tuple[float, str]], limit: float | None,
                unit: str, op: str) -> dict[str, Any]:
    if not values:
        return {"figure": figure, "value": None, "note": "not measured (stage failed or skipped)"}
    value, where = max(values)
    row: dict[str, Any] = {"figure": figure, "value": round(value, 3), "unit": unit.strip(),
                           "where": where}
    if limit is not None:
        row["target"] = f"{op} {limit:g}{unit}"
        row["ok"] = value <= limit if op == "<=" else value < limit
    return row


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"


def _cell(data: dict[str, Any] | None) -> str:
    if not data:
        return "-"
    if "error" in data:
        return "ERROR"
    return _fmt(data.get("seconds"))


def _site_lines(row: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """(stage, in-process figures, command figures) for one site."""
    lines: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = [
        ("floor", row["floor"], None), ("export", row["export"], row["export_cmd"])]
    for target, m in row["migrate"].items():
        lines.append((f"migrate->{target}", m["inproc"], m["cmd"]))
    return lines


def print_table(results: dict[str, Any]) -> None:
    head = (f"{'site':<20} {'stage':<24} {'in-proc':>9} {'cpu':>9} {'writer':>8} "
            f"{'command':>9} {'x floor':>8} {'RSS MB':>7}")
    print(head)
    print("-" * len(head))
    errors = []
    for row in results["sites"]:
        site = f"{row['kind']}-{row['n']}"
        pubs = _get(row, "read", "publications")
        for stage, inproc, cmd in _site_lines(row):
            ratio = _get(inproc, "seconds") and _get(row, "floor", "seconds") and (
                inproc["seconds"] / row["floor"]["seconds"])
            cpu = _fmt(inproc.get("cpu_seconds")) if "error" not in inproc else "-"
            rss = f"{cmd['rss_mb']:.0f}" if cmd and "rss_mb" in cmd else ""
            note = ""
            if stage == "export" and pubs != row["n"]:
                note = f"  (read {pubs} of {row['n']} publications)"
            print(f"{site:<20} {stage:<24} {_cell(inproc):>9} {cpu:>9} "
                  f"{_cell(inproc.get('write')) if 'write' in inproc else '':>8} "
                  f"{_cell(cmd) if cmd else '':>9} "
                  f"{f'{ratio:.2f}' if ratio and stage != 'floor' else '':>8} {rss:>7}{note}")
            for label, data in (("", inproc), (" command", cmd or {})):
                if "error" in data:
                    errors.append(f"{site} {stage}{label}: {data['error']}")
    print()
    print(f"{'target':<58} {'figure':>12} {'target':>12}  status")
    print("-" * 92)
    for row in results["summary"]:
        if row["value"] is None:
            print(f"{row['figure']:<58} {'-':>12} {'':>12}  {row['note']}")
            continue
        value = f"{row['value']:.2f}{row['unit'] and ' ' + row['unit']}"
        status = "info" if "ok" not in row else ("PASS" if row["ok"] else "FAIL")
        where = f"  ({row['where']})" if row.get("where") else ""
        print(f"{row['figure']:<58} {value:>12} {row.get('target', ''):>12}  {status}{where}")
    load = results["meta"].get("load_average")
    if load and load[0] > (results["meta"].get("cpus") or 1):
        print(f"\nNote: load average {load[0]:.1f} on {results['meta']['cpus']} CPUs during the "
              "run; wall times are inflated, trust the CPU figures.")
    if errors:
        print("\nErrors:")
        for line in errors:
            print("  " + line)


# ---------------------------------------------------------------- main


def _git_commit() -> str:
    proc = subprocess.run(["git", "-C", str(BENCH.parent), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="publication counts per site (default 100,1000,10000)")
    parser.add_argument("--quick", action="store_true", help="skip 10k and the batch")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write figures")
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_DATA,
                        help="generated sites (kept between runs)")
    parser.add_argument("--batch", type=int, default=1000, help="small sites in the batch")
    parser.add_argument("--repeat", type=int, default=3,
                        help="in-process runs per stage, the fastest kept (same at every size,"
                             " so the scaling ratio compares like with like)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile export and migrate at the largest size")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    batch = args.batch
    if args.quick:
        sizes = [s for s in sizes if s < 10_000] or [100]
        batch = 0

    print(f"generating sites in {args.data} ...", file=sys.stderr)
    sites = generate.ensure(args.data, sizes, batch)
    results: dict[str, Any] = {
        "meta": {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "commit": _git_commit(),
                 "python": platform.python_version(), "cpus": os.cpu_count(),
                 "generator": generate.GENERATOR_VERSION, "command": cli_command(),
                 "load_average_before": os.getloadavg()},
        "sizes": sizes, "sites": [], "startup": {}, "batch": {},
    }
    with tempfile.TemporaryDirectory(prefix="sm-bench-") as tmp:
        work = Path(tmp)
        for n in sizes:
            for kind in generate.KINDS:
                print(f"measuring {kind}-{n} ...", file=sys.stderr)
                site = sites[f"{kind}-{n}"]
                results["sites"].append(measure_site(kind, n, site, work, args.repeat))
        if len(sizes) > 1:
            low_n, high_n = sizes[-2], sizes[-1]
            print(f"measuring scaling {low_n} -> {high_n}, sizes in turn ...", file=sys.stderr)
            results["scaling"] = measure_scaling(sites, low_n, high_n, args.repeat, work)
        results["startup"]["sitemigrate --help"] = startup([*cli_command(), "--help"])
        results["startup"]["sitemigrate themes"] = startup([*cli_command(), "themes"])
        if batch:
            print(f"measuring batch of {batch} sites ...", file=sys.stderr)
            results["batch"] = measure_batch(sites["batch"], work)
        else:
            results["batch"] = {"skipped": "--quick or --batch 0"}
    results["meta"]["load_average"] = os.getloadavg()
    results["summary"] = summarize(results)
    if args.profile:
        results["profile"] = profile_largest(sites, max(sizes))
    print_table(results)
    if args.profile:
        for name, text in results["profile"].items():
            print(f"\n=== profile: {name} ===\n{text}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
