"""Reader for academicpages' ``markdown_generator/publications.tsv`` (and similar citation TSVs).

The generator's columns are ``pub_date, title, venue, excerpt, citation, url_slug,
paper_url, slides_url`` (later versions add ``site_url``, ``bibtex_url``…); each row is
mapped to the front matter the generator would have written and then read like a
``_publications`` file, so both paths agree.  Reference-manager exports with
``Authors, Title, Publication, Year`` headers are understood too.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

from ...common.reader import Detection, ReadContext, Reader
from ...diagnostics import BAD_DATE, INVALID_CSV, MISSING_TITLE, RECORD_DROPPED
from ...model import Model, Publication, Source
from ...parsing.text import regular_opener
from ...paths import slugify
from ...transforms.fields import date_problem, normalize_date
from .codec import GENERATOR_SAMPLE_SHA256, GENERATOR_SAMPLE_TITLES
from .publications import publication_from_meta

#: TSV header (lower-cased) -> academicpages front-matter key
COLUMN_KEYS = {
    "pub_date": "date", "date": "date", "title": "title", "venue": "venue",
    "publication": "venue", "journal": "venue", "excerpt": "excerpt", "citation": "citation",
    "url_slug": "url_slug", "paper_url": "paperurl", "slides_url": "slidesurl",
    "bibtex_url": "bibtexurl", "site_url": "link", "authors": "authors", "author": "authors",
    "year": "year", "category": "category",
}


def is_publications_header(header: list[str]) -> bool:
    names = {h.strip().lstrip("\ufeff").lower() for h in header}
    return "title" in names and bool(names & {"pub_date", "venue", "citation", "publication",
                                              "year", "authors"})


def read_publications_tsv(path: Path, ctx: ReadContext) -> list[Publication]:
    """Every row of a publications TSV; bad rows are reported with their line and skipped."""
    text = ctx.read_text(path)
    if text is None:
        return []
    reader = csv.reader(text.split("\n"), delimiter="\t")
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        ctx.report(INVALID_CSV, f"TSV does not parse: {exc}", path, reader.line_num)
        return []
    if not rows:
        return []
    header = [h.strip().lstrip("\ufeff").lower() for h in rows[0][1]]
    if not is_publications_header(header):
        ctx.report(INVALID_CSV, "no title column: not a publications TSV", path, 1)
        return []
    publications: list[Publication] = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        ctx.saw("publication", path, line)
        if len(row) > len(header):
            ctx.report(INVALID_CSV, f"{len(row)} cells for {len(header)} columns; extra cells kept "
                       "in extra", path, line)
        pub = _publication(dict(zip(header, row, strict=False)), row[len(header):], path,
                           line, ctx)
        if pub is not None:
            publications.append(pub)
    return publications


def generator_sample(text: str) -> bool:
    """True for a markdown_generator/ input the template ships: the same bytes (SHA-256 of
    the UTF-8 text) or, for a table, rows that all carry the template's sample titles."""
    data = text.encode("utf-8")
    if hashlib.sha256(data).hexdigest() in GENERATOR_SAMPLE_SHA256:
        return True
    rows = list(csv.reader(text.splitlines(), delimiter="\t"))
    if len(rows) < 2:
        return False
    header = [h.strip().lstrip("\ufeff").lower() for h in rows[0]]
    if "title" not in header:
        return False
    column = header.index("title")
    titles = [row[column].strip() for row in rows[1:] if len(row) > column and any(row)]
    return bool(titles) and all(t in GENERATOR_SAMPLE_TITLES for t in titles)


def _publication(cells: dict[str, str], overflow: list[str], path: Path, line: int,
                 ctx: ReadContext) -> Publication | None:
    meta: dict[str, Any] = {}
    for column, value in cells.items():
        value = value.strip()
        if not value:
            continue
        key = COLUMN_KEYS.get(column, column)
        if key == "authors" and ";" in value:
            meta[key] = [_turn_round(name) for name in value.split(";") if name.strip()]
        else:
            meta.setdefault(key, value)
    if overflow:
        meta["tsv_overflow"] = overflow
    if not meta.get("title"):
        ctx.report(RECORD_DROPPED, "row has no title; not migrated", path, line,
                   hint="give the row a title")
        return None
    slug = str(meta.pop("url_slug", "") or slugify(str(meta["title"])))
    date = normalize_date(meta.get("date"))
    problem = date_problem(meta.get("date"))
    if problem:
        ctx.report(BAD_DATE, f"pub_date {meta['date']!r}: {problem}", path, line)
    stem = f"{date}-{slug}" if date and len(date) == 10 else slug
    pub, notes = publication_from_meta(meta, "", stem, ctx.origin(path, line))
    for note in notes:
        ctx.report(MISSING_TITLE, note, path, line)
    return pub


def _turn_round(name: str) -> str:
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and parts[1]:
        return f"{parts[1]} {parts[0]}"
    return name.strip()


class TsvReader(Reader):
    name = "tsv"

    def detect(self, path: Path) -> Detection:
        found = Detection()
        if not path.is_file() or path.suffix.lower() not in (".tsv", ".txt"):
            return found
        try:
            with open(path, encoding="utf-8-sig", errors="replace",
                      opener=regular_opener) as handle:
                first = handle.readline()
        except OSError:
            return found
        header = first.rstrip("\r\n").split("\t")
        if is_publications_header(header):
            found.add(0.9, f"tab-separated header with {', '.join(h for h in header[:4])}")
        return found

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        model.publications = read_publications_tsv(path, ctx)
        return model


READER = TsvReader()
