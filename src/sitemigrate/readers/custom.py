"""Reader for custom layouts looping over site.data.* (not implemented yet)."""

from __future__ import annotations

from pathlib import Path

from ..model import Model, Source
from .base import Detection, ReadContext, Reader


class CustomReader(Reader):
    name = "custom"
    description = "custom layouts looping over site.data.*"

    def detect(self, path: Path) -> Detection:
        return Detection()

    def read(self, path: Path, ctx: ReadContext) -> Model:
        return Model(source=Source(self.name, str(path)))


READER = CustomReader()
