"""Reader for plain Markdown research statement (no front matter) (not implemented yet)."""

from __future__ import annotations

from pathlib import Path

from ..model import Model, Source
from .base import Detection, ReadContext, Reader


class PlainReader(Reader):
    name = "plain"
    description = "plain Markdown research statement (no front matter)"

    def detect(self, path: Path) -> Detection:
        return Detection()

    def read(self, path: Path, ctx: ReadContext) -> Model:
        return Model(source=Source(self.name, str(path)))


READER = PlainReader()
