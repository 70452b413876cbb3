"""The peer baseline: what academicpages' own BibTeX generator does, written against pybtex.

Not that script: the same algorithm (facts from its documentation and behaviour), in our own
few lines.  It parses the file with pybtex, and per entry builds a date from ``year``/``month``
(day 1), strips ``{``, ``}`` and ``\\`` from the title (no LaTeX decoding), slugs the title
into the file name, builds an HTML citation ("First Last, ... "Title." <i>Venue</i>, Year.")
and writes ``_publications/DATE-SLUG.md`` with title, collection, permalink, date, venue,
paperurl and citation front matter.  No abstract, no name structure, no round-trip.

    python bench/peer_pybtex.py refs.bib OUTDIR
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_MONTHS = {m: f"{i:02d}" for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def _clean(text: str) -> str:
    return text.replace("{", "").replace("}", "").replace("\\", "")


def generate(bib: Path, out: Path) -> int:
    from pybtex.database.input import bibtex

    data = bibtex.Parser().parse_file(str(bib))
    folder = out / "_publications"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for entry in data.entries.values():
        fields = entry.fields
        try:
            year = str(fields["year"])
        except KeyError:
            continue
        month = _MONTHS.get(str(fields.get("month", ""))[:3].lower(), "01")
        date = f"{year}-{month}-01"
        title = _clean(str(fields.get("title", "")))
        slug = re.sub(r"\W+", "-", title).strip("-").lower()[:80] or "untitled"
        venue = _clean(str(fields.get("journal") or fields.get("booktitle") or ""))
        names = [" ".join([*p.first_names[:1], *p.last_names[:1]])
                 for p in entry.persons.get("author", [])]
        citation = " ".join(f"{name}," for name in names) + f' "{title}." <i>{venue}</i>, {year}.'
        lines = ["---", f'title: "{title}"', "collection: publications",
                 f"permalink: /publication/{date}-{slug}", f"date: {date}",
                 f"venue: '{venue}'"]
        if "url" in fields:
            lines.append(f"paperurl: '{fields['url']}'")
        lines += [f"citation: '{citation}'", "---"]
        if "url" in fields:
            lines.append(f"<a href='{fields['url']}'>Download paper here</a>\n")
        lines.append(f"Recommended citation: {citation}")
        (folder / f"{date}-{slug}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        written += 1
    return written


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]), Path(sys.argv[2])))
