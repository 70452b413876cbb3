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

#: ``Reader.description`` of each kind, readable without importing the readers (``themes``,
#: detection messages); a test checks it against the classes
DESCRIPTIONS: dict[str, str] = {
    "academicpages": "academicpages (_publications, _portfolio, author profile)",
    "al-folio": "al-folio (_bibliography/*.bib, _projects, nav pages)",
    "allanlab": "Allan lab template (textlay pages, _data/publist.yml)",
    "custom": "custom layouts looping over site.data.* (_data lists, _researchtopics)",
    "plain": "plain Markdown research statement (no front matter)",
    "bibtex": "a BibTeX file (.bib)",
    "tsv": "academicpages markdown_generator publications.tsv",
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


__all__ = ["DESCRIPTIONS", "READERS", "Detection", "ReadContext", "Reader", "all_readers",
           "get_reader"]
