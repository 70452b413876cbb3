"""Measure the Quarto target and the CSL-JSON export over the corpus and the seeds.

    python bench/quarto.py [--shared ../shared] [--no-pandoc]

Per source: publications in the model; publication pages the publications listing finds
(its ``contents`` glob, as Quarto would expand it); pages pandoc parses (``pandoc -s -f
markdown``, one process per page); publication titles shown in their page's HTML; schema
problems of the written files (``verify --theme quarto`` errors); publications that come
back equal (title, authors, year, venue, DOI, links) from ``export --format csl-json`` read
with the ``csl`` reader.  Prints one line per source and the totals.
"""

from __future__ import annotations

import argparse
import fnmatch
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from sitemigrate.model import Model, Origin, Publication
from sitemigrate.parsing.csl import csl_to_publication, publications_to_csl
from sitemigrate.parsing.front_matter import split_front_matter
from sitemigrate.pipeline import migrate, read_site
from sitemigrate.verify import verify_site


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", re.sub(r"<[^>]+>", "", html.unescape(text))).lower()


def _signature(pub: Publication) -> tuple[object, ...]:
    norm = lambda t: " ".join(html.unescape(t or "").split())  # noqa: E731
    return (norm(pub.title), tuple(norm(a) for a in pub.authors), pub.year, norm(pub.venue),
            pub.identifiers.get("doi"), tuple(sorted(pub.links.items())))


def csl_round_trip(model: Model) -> int:
    items = json.loads(json.dumps(publications_to_csl(model.publications)))
    back = [csl_to_publication(item, "r", Origin("refs.json")) for item in items]
    same = Counter(map(_signature, model.publications)) & Counter(map(_signature, back))
    return sum(same.values())


def quarto(source: Path, out: Path, pandoc: bool) -> dict[str, int]:
    model = read_site(source)
    migrate(source, "quarto", out)
    errors = [d for d in verify_site(out, "quarto").diagnostics if d.level == "error"]
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.qmd"))
    listing = split_front_matter((out / "publications.qmd").read_text("utf-8")).meta \
        if (out / "publications.qmd").is_file() else {}
    glob = (listing.get("listing") or {}).get("contents", "")
    listed = [p for p in pages if glob and fnmatch.fnmatchcase(p, glob)]
    parsed = shown = 0
    rendered: list[str] = []
    if pandoc:
        for rel in pages:
            run = subprocess.run(["pandoc", "-s", "-f", "markdown", "-t", "html",
                                  "--metadata", "pagetitle=x", str(out / rel)],
                                 capture_output=True, text=True, timeout=120, check=False)
            parsed += run.returncode == 0
            if rel in listed:
                rendered.append(_letters(run.stdout))
        for pub in model.publications:
            parts = [_letters(p) for p in re.split(r"\$[^$]*\$", pub.title) if _letters(p)]
            shown += any(all(p in text for p in parts) for text in rendered)
    return {"expected": len(model.publications), "listed": len(listed), "pages": len(pages),
            "parsed": parsed, "shown": shown, "schema_errors": len(errors),
            "csl_same": csl_round_trip(model)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1]
                        .parent / "shared")
    parser.add_argument("--no-pandoc", action="store_true")
    args = parser.parse_args()
    pandoc = not args.no_pandoc and shutil.which("pandoc") is not None
    sources = sorted(p for group in (args.shared / "corpus").iterdir() if group.is_dir()
                     for p in group.iterdir() if p.is_dir())
    sources += sorted(p for p in (args.shared / "seeds").iterdir() if p.is_file())
    totals: Counter[str] = Counter()
    print(f"{'source':<55} pubs listed pages parsed shown schema csl")
    with tempfile.TemporaryDirectory() as tmp:
        for n, source in enumerate(sources):
            row = quarto(source, Path(tmp) / f"out{n}", pandoc)
            totals.update(row)
            print(f"{source.parent.name + '/' + source.name:<55} {row['expected']:>4} "
                  f"{row['listed']:>6} {row['pages']:>5} {row['parsed']:>6} {row['shown']:>5} "
                  f"{row['schema_errors']:>6} {row['csl_same']:>4}", flush=True)
    print(f"{'total (' + str(len(sources)) + ' sources)':<55} {totals['expected']:>4} "
          f"{totals['listed']:>6} {totals['pages']:>5} {totals['parsed']:>6} "
          f"{totals['shown']:>5} {totals['schema_errors']:>6} {totals['csl_same']:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
