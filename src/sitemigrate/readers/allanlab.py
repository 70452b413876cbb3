"""Reader for Allan lab template (textlay pages, _data/publist.yml) (not implemented yet)."""

from __future__ import annotations

from pathlib import Path

from ..model import Model, Source
from .base import Detection, ReadContext, Reader


class AllanlabReader(Reader):
    name = "allanlab"
    description = "Allan lab template (textlay pages, _data/publist.yml)"

    def detect(self, path: Path) -> Detection:
        return Detection()

    def read(self, path: Path, ctx: ReadContext) -> Model:
        return Model(source=Source(self.name, str(path)))


READER = AllanlabReader()
