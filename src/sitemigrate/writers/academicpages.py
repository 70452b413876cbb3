"""Writer for the academicpages theme (not implemented yet)."""

from __future__ import annotations

from ..fileset import FileSet
from ..model import Model
from .base import WriteContext, Writer


class AcademicpagesWriter(Writer):
    name = "academicpages"
    description = "academicpages theme files"

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        return FileSet()


WRITER = AcademicpagesWriter()
