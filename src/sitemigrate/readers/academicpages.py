"""Reader for academicpages (_publications, _portfolio, author profile) (not implemented yet)."""

from __future__ import annotations

from pathlib import Path

from ..model import Model, Source
from .base import Detection, ReadContext, Reader


class AcademicpagesReader(Reader):
    name = "academicpages"
    description = "academicpages (_publications, _portfolio, author profile)"

    def detect(self, path: Path) -> Detection:
        return Detection()

    def read(self, path: Path, ctx: ReadContext) -> Model:
        return Model(source=Source(self.name, str(path)))


READER = AcademicpagesReader()
