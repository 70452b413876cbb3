"""Reader for academicpages markdown_generator publications.tsv (not implemented yet)."""

from __future__ import annotations

from pathlib import Path

from ..model import Model, Source
from .base import Detection, ReadContext, Reader


class TsvReader(Reader):
    name = "tsv"
    description = "academicpages markdown_generator publications.tsv"

    def detect(self, path: Path) -> Detection:
        return Detection()

    def read(self, path: Path, ctx: ReadContext) -> Model:
        return Model(source=Source(self.name, str(path)))


READER = TsvReader()
