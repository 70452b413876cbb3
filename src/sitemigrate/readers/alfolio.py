"""Reader for al-folio (_bibliography/*.bib, _projects, nav pages) (not implemented yet)."""

from __future__ import annotations

from pathlib import Path

from ..model import Model, Source
from .base import Detection, ReadContext, Reader


class AlfolioReader(Reader):
    name = "al-folio"
    description = "al-folio (_bibliography/*.bib, _projects, nav pages)"

    def detect(self, path: Path) -> Detection:
        return Detection()

    def read(self, path: Path, ctx: ReadContext) -> Model:
        return Model(source=Source(self.name, str(path)))


READER = AlfolioReader()
