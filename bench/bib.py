"""Real-bibliography benchmark: LaTeX-heavy .bib files against the parse floor and the peer.

    python bench/bib.py [--sizes 1000,10000,50000] [--repeat 3] [--site-sizes 10000] [--quick]

For every size it generates a Zotero/DBLP/Scholar-style bibliography (bench/bibgen.py) and runs,
in turn within each repetition (so the machine's drift hits every command alike):

- ``floor``: a fresh Python reading the file and running bibtexparser's splitter (nothing else);
- ``peer``: academicpages' generator algorithm against pybtex (bench/peer_pybtex.py), when
  pybtex is importable;
- ``bib->academicpages``, ``bib->al-folio``: ``sitemigrate migrate refs.bib --to T -o OUT``;
- ``export``: ``sitemigrate export refs.bib -o model.json``.

With ``--site-sizes`` it also runs an academicpages site (bench/generate.py) to al-folio beside
that site's floor (every file read and parsed once).  Each command is a whole process: wall
and CPU time, peak RSS.  Ratios are per repetition (command / floor, command / peer, same
repetition), the median kept; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import bibgen  # noqa: E402  (bench/ is not a package)
import generate  # noqa: E402
import run  # noqa: E402

DEFAULT_JSON = BENCH / "results" / "bib-latest.json"

# Targets from the "Performance on real bibliographies" issue (10k-entry bib).
TARGET_OVER_PEER = 1.0
GOAL_OVER_PEER = 0.5
TARGET_OVER_FLOOR = 2.5
TARGET_RSS_MB = 250.0
TARGET_RSS_KB_PER_ENTRY = 25.0


def _floor_bib(path: Path) -> None:
    import bibtexparser

    bibtexparser.parse_string(path.read_text(encoding="utf-8"), parse_stack=[])


def _floor_site(site: Path) -> None:
    import bibtexparser

    run.floor(run.input_files(site),
              lambda text, _name: bibtexparser.parse_string(text, parse_stack=[]))


def _pybtex_available() -> bool:
    try:
        import pybtex  # noqa: F401
    except ImportError:
        return False
    return True


def _commands(bib: Path, work: Path, *, peer: bool) -> dict[str, list[str]]:
    me, cli = [sys.executable, str(Path(__file__).resolve())], run.cli_command()
    commands = {"floor": [*me, "--floor", str(bib)]}
    if peer:
        commands["peer"] = [sys.executable, str(BENCH / "peer_pybtex.py"), str(bib),
                            str(work / "peer")]
    commands["bib->academicpages"] = [*cli, "migrate", str(bib), "--to", "academicpages",
                                      "-o", str(work / "ap")]
    commands["bib->al-folio"] = [*cli, "migrate", str(bib), "--to", "al-folio",
                                 "-o", str(work / "alf")]
    commands["export"] = [*cli, "export", str(bib), "-o", str(work / "model.json")]
    return commands


def _site_commands(site: Path, work: Path) -> dict[str, list[str]]:
    me, cli = [sys.executable, str(Path(__file__).resolve())], run.cli_command()
    return {"floor": [*me, "--floor-site", str(site)],
            "academicpages->al-folio": [*cli, "migrate", str(site), "--from", "academicpages",
                                        "--to", "al-folio", "-o", str(work / "alf")]}


def measure(commands_in: Callable[[Path], dict[str, list[str]]], work: Path,
            repeat: int) -> dict[str, Any]:
    """Every command ``repeat`` times, all of them in turn within a repetition.

    Each repetition writes into folders of its own, removed only after the last one: on
    this VM (ext4 mounted with online discard) creating files right after 10,000 were
    deleted costs the kernel up to 0.5 ms a file, ten times the usual, for minutes; cleaning
    up between commands made every later writer pay for the one before.
    """
    runs: dict[str, list[dict[str, Any]]] = {}
    for repetition in range(repeat):
        folder = work / f"run-{repetition}"
        folder.mkdir()
        for name, args in commands_in(folder).items():
            runs.setdefault(name, []).append(run.run_child(args))
    for folder in work.iterdir():
        shutil.rmtree(folder)
    out: dict[str, Any] = {}
    for name, results in runs.items():
        errors = [r["error"] for r in results if "error" in r]
        row: dict[str, Any] = {
            "seconds": min(r["seconds"] for r in results),
            "cpu_seconds": min(r["cpu_seconds"] for r in results),
            "rss_mb": max(r.get("rss_mb", 0.0) for r in results)}
        if errors:
            row["error"] = errors[0]
        for base in ("floor", "peer"):
            if base in runs and base != name:
                pairs = list(zip(results, runs[base], strict=True))
                row[f"over_{base}"] = statistics.median(a["seconds"] / b["seconds"]
                                                        for a, b in pairs)
                row[f"cpu_over_{base}"] = statistics.median(
                    a["cpu_seconds"] / b["cpu_seconds"] for a, b in pairs)
        out[name] = row
    return out


def summarize(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    bibs = {row["n"]: row["commands"] for row in results["bibs"]}
    sizes = sorted(bibs)
    at = 10_000 if 10_000 in bibs else sizes[-1]
    cmds = bibs[at]
    migrations = [k for k in cmds if k.startswith("bib->")]
    if "peer" in cmds:
        value = cmds["bib->academicpages"].get("over_peer")
        rows.append({"figure": f"bib->academicpages / peer at {at}", "value": value,
                     "cpu": cmds["bib->academicpages"].get("cpu_over_peer"),
                     "target": f"<= {TARGET_OVER_PEER} (goal {GOAL_OVER_PEER})",
                     "ok": value is not None and value <= TARGET_OVER_PEER})
    worst = max(((cmds[k]["over_floor"], k) for k in [*migrations, "export"]), default=None)
    if worst:
        rows.append({"figure": f"worst command / floor at {at} ({worst[1]})", "value": worst[0],
                     "cpu": cmds[worst[1]]["cpu_over_floor"],
                     "target": f"<= {TARGET_OVER_FLOOR}", "ok": worst[0] <= TARGET_OVER_FLOOR})
    rss = max((cmds[k]["rss_mb"], k) for k in [*migrations, "export"])
    rows.append({"figure": f"peak RSS at {at}, MB ({rss[1]})", "value": rss[0],
                 "target": f"< {TARGET_RSS_MB:g}", "ok": rss[0] < TARGET_RSS_MB})
    if len(sizes) > 1:
        low, high = sizes[0], sizes[-1]
        per_entry = max((bibs[high][k]["rss_mb"] - bibs[low][k]["rss_mb"]) * 1024 / (high - low)
                        for k in [*migrations, "export"])
        rows.append({"figure": f"RSS growth per entry {low}->{high}, KB", "value": per_entry,
                     "target": f"<= {TARGET_RSS_KB_PER_ENTRY:g}",
                     "ok": per_entry <= TARGET_RSS_KB_PER_ENTRY})
    for site in results.get("sites", []):
        row = site["commands"]["academicpages->al-folio"]
        rows.append({"figure": f"academicpages site {site['n']} -> al-folio / floor",
                     "value": row["over_floor"], "cpu": row["cpu_over_floor"],
                     "target": f"<= {TARGET_OVER_FLOOR}",
                     "ok": row["over_floor"] <= TARGET_OVER_FLOOR})
    return rows


def print_tables(results: dict[str, Any]) -> None:
    print(f"\n{'input':<26} {'command':<25} {'wall s':>8} {'CPU s':>7} {'RSS MB':>7} "
          f"{'/floor':>7} {'/peer':>7}")
    groups = [(f"bib {r['n']} ({r['mb']:.1f} MB)", r) for r in results["bibs"]]
    groups += [(f"academicpages site {r['n']}", r) for r in results.get("sites", [])]
    for label, group in groups:
        for name, row in group["commands"].items():
            over_floor = f"{row['over_floor']:.2f}" if "over_floor" in row else ""
            over_peer = f"{row['over_peer']:.2f}" if "over_peer" in row else ""
            flag = "  ERROR" if "error" in row else ""
            print(f"{label:<26} {name:<25} {row['seconds']:>8.2f} {row['cpu_seconds']:>7.2f} "
                  f"{row['rss_mb']:>7.0f} {over_floor:>7} {over_peer:>7}{flag}")
            label = ""
    print(f"\n{'target':<52} {'wall':>7} {'CPU':>7}  {'limit':<18} result")
    for row in results["summary"]:
        cpu = f"{row['cpu']:.2f}" if row.get("cpu") is not None else ""
        value = f"{row['value']:.2f}" if row["value"] is not None else "-"
        print(f"{row['figure']:<52} {value:>7} {cpu:>7}  {row['target']:<18} "
              f"{'PASS' if row['ok'] else 'FAIL'}")
    for group in [*results["bibs"], *results.get("sites", [])]:
        for name, row in group["commands"].items():
            if "error" in row:
                print(f"ERROR {group['n']} {name}: {row['error']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="entries per .bib")
    parser.add_argument("--site-sizes", default="10000",
                        help="academicpages site sizes to migrate to al-folio ('' for none)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of every command")
    parser.add_argument("--quick", action="store_true", help="1k only, one run")
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_DATA,
                        help="generated inputs (kept between runs)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-site", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        _floor_bib(args.floor)
        return 0
    if args.floor_site:
        _floor_site(args.floor_site)
        return 0
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    site_sizes = sorted({int(s) for s in args.site_sizes.split(",") if s.strip()})
    repeat = args.repeat
    if args.quick:
        sizes, site_sizes, repeat = [1000], [], 1
    peer = _pybtex_available()
    results: dict[str, Any] = {
        "meta": {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "commit": run._git_commit(),
                 "python": platform.python_version(), "cpus": os.cpu_count(),
                 "machine": platform.machine(), "bib_generator": bibgen.BIB_GENERATOR_VERSION,
                 "peer": "pybtex" if peer else None, "repeat": repeat,
                 "load_average_before": os.getloadavg()},
        "bibs": [], "sites": []}
    with tempfile.TemporaryDirectory(prefix="sm-bib-bench-") as tmp:
        work = Path(tmp)
        for n in sizes:
            print(f"bib {n}: generating, then {repeat} run(s) of each command ...",
                  file=sys.stderr)
            bib = bibgen.ensure_bib(args.data / "bib", n)
            results["bibs"].append({"n": n, "mb": bib.stat().st_size / 1e6,
                                    "commands": measure(partial(_commands, bib, peer=peer), work,
                                                        repeat)})
        for n in site_sizes:
            print(f"academicpages site {n} -> al-folio ...", file=sys.stderr)
            site = generate.ensure(args.data, [n], 0)[f"academicpages-{n}"]
            results["sites"].append({"n": n, "commands": measure(partial(_site_commands, site),
                                                                 work, repeat)})
    results["meta"]["load_average"] = os.getloadavg()
    results["summary"] = summarize(results)
    print_tables(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
