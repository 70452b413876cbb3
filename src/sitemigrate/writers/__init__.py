"""Writer registry: target theme -> module holding its ``WRITER``."""

from __future__ import annotations

import importlib

from .base import WriteContext, Writer

WRITERS: dict[str, str] = {
    "academicpages": "academicpages",
    "al-folio": "alfolio",
    "allanlab": "allanlab",
}

#: ``Writer.description`` of each theme, readable without importing the writers
DESCRIPTIONS: dict[str, str] = {
    "academicpages": "academicpages theme files",
    "al-folio": "al-folio theme files",
    "allanlab": "Allan lab template theme files",
}


def get_writer(theme: str) -> Writer:
    try:
        module_name = WRITERS[theme]
    except KeyError:
        raise KeyError(f"unknown target theme {theme!r}; known: {', '.join(WRITERS)}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    writer: Writer = module.WRITER
    return writer


__all__ = ["DESCRIPTIONS", "WRITERS", "WriteContext", "Writer", "get_writer"]
