"""Reader for a single BibTeX file (.bib): its entries become the model's publications."""

from __future__ import annotations

import re
from pathlib import Path

from ...common.reader import Detection, ReadContext, Reader
from ...model import Model, Source
from ...parsing.bibtex import read_bib_file
from ...parsing.text import regular_opener

_ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)
_SNIFF_BYTES = 64 * 1024


class BibtexReader(Reader):
    name = "bibtex"
    reads_pages = True

    def detect(self, path: Path) -> Detection:
        found = Detection()
        if not path.is_file():
            return found
        is_bib = path.suffix.lower() in (".bib", ".bibtex")
        if is_bib:
            found.add(0.6, f"{path.name} has a BibTeX suffix")
        head = _head(path)
        if is_bib and _ENTRY_START.search(head):
            found.add(0.4, "the file holds @type{…} entries")
        elif not is_bib and _starts_with_entry(head):
            found.add(0.3, "the file starts with a @type{…} entry")
        return found

    def read(self, path: Path, ctx: ReadContext) -> Model:
        model = Model(source=Source(self.name, str(path)))
        if path.is_dir():
            for bib in ctx.walk(path, (".bib",)):
                model.publications.extend(read_bib_file(bib, ctx))
        else:
            model.publications = read_bib_file(path, ctx)
        return model


def _starts_with_entry(text: str) -> bool:
    """True when the first meaningful line opens an entry (skipping ``%`` comments, ``---``)."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("%") or stripped == "---":
            continue
        return bool(_ENTRY_START.match(stripped))
    return False


def _head(path: Path) -> str:
    try:
        with open(path, "rb", opener=regular_opener) as handle:
            return handle.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


READER = BibtexReader()
