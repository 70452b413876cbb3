"""Writer for the Allan lab template theme (not implemented yet)."""

from __future__ import annotations

from ..fileset import FileSet
from ..model import Model
from .base import WriteContext, Writer


class AllanlabWriter(Writer):
    name = "allanlab"
    description = "Allan lab template theme files"

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        return FileSet()


WRITER = AllanlabWriter()
