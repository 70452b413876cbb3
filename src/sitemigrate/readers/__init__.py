"""Reader registry: source kind -> module holding its ``READER``.

Adding a source kind is one module in this package plus one line here.  Modules are
imported only when used, so the CLI starts fast.
"""

from __future__ import annotations

import importlib

from .base import Detection, ReadContext, Reader

READERS: dict[str, str] = {
    "academicpages": "academicpages",
    "al-folio": "alfolio",
    "allanlab": "allanlab",
    "custom": "custom",
    "plain": "plain",
    "bibtex": "bibtex",
    "tsv": "tsv",
}


def get_reader(kind: str) -> Reader:
    try:
        module_name = READERS[kind]
    except KeyError:
        raise KeyError(f"unknown source kind {kind!r}; known: {', '.join(READERS)}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    reader: Reader = module.READER
    return reader


def all_readers() -> list[Reader]:
    return [get_reader(kind) for kind in READERS]


__all__ = ["READERS", "Detection", "ReadContext", "Reader", "all_readers", "get_reader"]
