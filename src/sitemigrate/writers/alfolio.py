"""Writer for the al-folio theme (not implemented yet)."""

from __future__ import annotations

from ..fileset import FileSet
from ..model import Model
from .base import WriteContext, Writer


class AlfolioWriter(Writer):
    name = "al-folio"
    description = "al-folio theme files"

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        return FileSet()


WRITER = AlfolioWriter()
