"""Writer registry: target theme -> module holding its ``WRITER``."""

from __future__ import annotations

import importlib

from .base import WriteContext, Writer

WRITERS: dict[str, str] = {
    "academicpages": "academicpages",
    "al-folio": "alfolio",
    "allanlab": "allanlab",
}


def get_writer(theme: str) -> Writer:
    try:
        module_name = WRITERS[theme]
    except KeyError:
        raise KeyError(f"unknown target theme {theme!r}; known: {', '.join(WRITERS)}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    writer: Writer = module.WRITER
    return writer


__all__ = ["WRITERS", "WriteContext", "Writer", "get_writer"]
