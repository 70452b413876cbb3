"""Reader for a BibTeX file (.bib) (not implemented yet)."""

from __future__ import annotations

from pathlib import Path

from ..model import Model, Source
from .base import Detection, ReadContext, Reader


class BibtexReader(Reader):
    name = "bibtex"
    description = "a BibTeX file (.bib)"

    def detect(self, path: Path) -> Detection:
        return Detection()

    def read(self, path: Path, ctx: ReadContext) -> Model:
        return Model(source=Source(self.name, str(path)))


READER = BibtexReader()
