"""sitemigrate's hot modules compiled with mypyc, timed against the same code interpreted.

    python bench/compiled.py [--size 10000] [--site-size 10000] [--repeat 3] [--one-core]

A measurement, not a build of sitemigrate: it answers whether compiling would bring the
migrations under the floor targets of bench/bib.py.  It copies ``src/sitemigrate`` into a
temporary folder, compiles ``HOT_MODULES`` there with mypyc (mypy comes with the ``test``
extra; a C compiler and Python's headers are needed), then runs each command interpreted
and compiled in turn within every repetition, checks that both wrote the same files, and
prints the fastest wall and CPU time of each and their ratio.  Inputs are bench/bib.py's
(``--data``).  ``--one-core`` pins this process and its commands to the first CPU.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import bibgen  # noqa: E402  (bench/ is not a package)
import generate  # noqa: E402
import run  # noqa: E402

#: the modules the per-record work runs in (profiles of the 10k benchmark); adding
#: ``model.py``, ``parsing/yamlio.py`` and ``common/reader.py`` to the same build made
#: importing the al-folio writer crash (mypyc 1.x), so they stay interpreted
HOT_MODULES = [
    "sitemigrate/parsing/bibscan.py", "sitemigrate/parsing/bibtex.py",
    "sitemigrate/parsing/front_matter.py", "sitemigrate/transforms/latex.py",
    "sitemigrate/transforms/names.py", "sitemigrate/transforms/identifiers.py",
    "sitemigrate/transforms/dedupe.py", "sitemigrate/common/inert.py",
    "sitemigrate/common/links.py", "sitemigrate/common/urls.py",
    "sitemigrate/themes/bibtex/reader.py", "sitemigrate/themes/academicpages/reader.py",
    "sitemigrate/themes/academicpages/publications.py",
    "sitemigrate/themes/academicpages/writer.py", "sitemigrate/themes/al_folio/codec.py",
    "sitemigrate/themes/al_folio/writer.py",
]

#: what mypy needs to type the copy (the project's own settings live in pyproject.toml,
#: which setuptools would also read, and reject, during mypyc's build)
_MYPY_INI = """[mypy]
python_version = 3.11
check_untyped_defs = True

[mypy-pylatexenc.*,lxml.*]
ignore_missing_imports = True
"""


def build(work: Path) -> Path:
    """The compiled copy's import root (``src/`` beside links to the shipped folders)."""
    src = work / "src"
    shutil.copytree(ROOT / "src" / "sitemigrate", src / "sitemigrate",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("converters", "schemas"):  # found beside src/, as in a checkout
        (work / name).symlink_to(ROOT / name)
    (src / "mypy.ini").write_text(_MYPY_INI, encoding="utf-8")
    print(f"compiling {len(HOT_MODULES)} modules with mypyc (a minute or two) ...",
          file=sys.stderr)
    done = subprocess.run([sys.executable, "-m", "mypyc", *HOT_MODULES], cwd=src,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"mypyc failed:\n{(done.stdout + done.stderr)[-2000:]}")
    return src


def _commands(bib: Path, site: Path | None) -> dict[str, list[str]]:
    cli = [sys.executable, "-m", "sitemigrate"]
    commands = {"export": [*cli, "export", str(bib), "-o", "{out}.json"],
                "bib->academicpages": [*cli, "migrate", str(bib), "--to", "academicpages",
                                       "-o", "{out}"],
                "bib->al-folio": [*cli, "migrate", str(bib), "--to", "al-folio", "-o", "{out}"]}
    if site is not None:
        commands["academicpages site->al-folio"] = [
            *cli, "migrate", str(site), "--from", "academicpages", "--to", "al-folio",
            "-o", "{out}"]
    return commands


def _run(args: list[str], out: Path, import_root: Path) -> dict[str, Any]:
    return run.run_child([arg.replace("{out}", str(out)) for arg in args],
                         env={**os.environ, "PYTHONPATH": str(import_root)})


def _same_output(a: Path, b: Path) -> bool:
    """Did two runs write the same bytes (an output folder, or ``export``'s ``.json``)?"""
    if not a.exists():
        a, b = Path(f"{a}.json"), Path(f"{b}.json")
    if a.is_file():
        return a.read_bytes() == b.read_bytes()
    return _tree_equal(filecmp.dircmp(a, b))


def _tree_equal(compared: filecmp.dircmp[str]) -> bool:
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(compared.left, compared.right,
                                           compared.common_files, shallow=False)
    return not mismatch and not errors and all(
        _tree_equal(sub) for sub in compared.subdirs.values())


def measure(commands: dict[str, list[str]], roots: dict[str, Path], work: Path,
            repeat: int) -> dict[str, dict[str, Any]]:
    """Every command both ways, ``repeat`` times, alternated; fastest run of each kept."""
    rows: dict[str, dict[str, Any]] = {}
    for repetition in range(repeat):
        for number, (name, args) in enumerate(commands.items()):
            row = rows.setdefault(name, {"same_output": True})
            outs = {}
            for how, root in roots.items():
                outs[how] = work / f"{repetition}-{number}-{how}"
                result = _run(args, outs[how], root)
                if "error" in result:
                    raise SystemExit(f"{name} ({how}): {result['error']}")
                for key in ("seconds", "cpu_seconds"):
                    best = row.get(f"{how}_{key}")
                    row[f"{how}_{key}"] = min(best, result[key]) if best else result[key]
            row["same_output"] &= _same_output(outs["interpreted"], outs["compiled"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="entries of the .bib")
    parser.add_argument("--site-size", type=int, default=10_000,
                        help="publications of the academicpages site (0: none)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of every command")
    parser.add_argument("--one-core", action="store_true", help="pin everything to CPU 0")
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_DATA,
                        help="generated inputs (bench/bib.py's, kept between runs)")
    args = parser.parse_args(argv)
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        print("needs a C compiler (cc or gcc) for mypyc", file=sys.stderr)
        return 2
    if args.one_core:
        os.sched_setaffinity(0, {0})
    bib = bibgen.ensure_bib(args.data / "bib", args.size)
    site = generate.ensure(args.data, [args.site_size], 0)[f"academicpages-{args.site_size}"] \
        if args.site_size else None
    with tempfile.TemporaryDirectory(prefix="sm-compiled-") as tmp:
        work = Path(tmp)
        roots = {"interpreted": ROOT / "src", "compiled": build(work)}
        runs = work / "runs"
        runs.mkdir()
        rows = measure(_commands(bib, site), roots, runs, args.repeat)
    print(f"\n{'command':<30} {'interpreted s':>13} {'compiled s':>10} {'wall':>6} "
          f"{'CPU':>6}  same output")
    for name, row in rows.items():
        print(f"{name:<30} {row['interpreted_seconds']:>13.2f} {row['compiled_seconds']:>10.2f} "
              f"{row['compiled_seconds'] / row['interpreted_seconds']:>6.2f} "
              f"{row['compiled_cpu_seconds'] / row['interpreted_cpu_seconds']:>6.2f}  "
              f"{'yes' if row['same_output'] else 'NO'}")
    return 0 if all(row["same_output"] for row in rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
