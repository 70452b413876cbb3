"""Decode files the way Jekyll would accept them, and say so when we had to guess."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass

#: Files larger than this are refused (SM501); ``--max-file-size`` or the environment
#: variable ``SITEMIGRATE_MAX_FILE_SIZE`` (e.g. ``200MB``) changes it.  A page, a data file
#: or a config this large is not a real one.
FALLBACK_MAX_BYTES = 50 * 1024 * 1024
#: The limit for a ``.bib`` bibliography (``--max-bib-size``, ``SITEMIGRATE_MAX_BIB_SIZE``):
#: a bibliography is one file holding every entry, ~1-2 kB each with abstracts, so this
#: admits a 100,000-entry export.
FALLBACK_MAX_BIB_BYTES = 512 * 1024 * 1024

_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)b?\s*$", re.I)


def parse_size(text: str) -> int:
    """``"50MB"`` -> bytes; ``ValueError`` for anything else."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (try 50MB, 500KB or a number of bytes)")
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def max_file_bytes() -> int:
    """The size limit of a page or data file (``SITEMIGRATE_MAX_FILE_SIZE`` or 50 MB)."""
    return _limit("SITEMIGRATE_MAX_FILE_SIZE", FALLBACK_MAX_BYTES)


def max_bib_bytes() -> int:
    """The size limit of a ``.bib`` file (``SITEMIGRATE_MAX_BIB_SIZE`` or 512 MB)."""
    return _limit("SITEMIGRATE_MAX_BIB_SIZE", FALLBACK_MAX_BIB_BYTES)


def _limit(variable: str, fallback: int) -> int:
    env = os.environ.get(variable)
    if env:
        try:
            return parse_size(env)
        except ValueError:
            pass
    return fallback


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    had_bom: bool = False
    fallback: bool = False  #: True when the bytes were not valid in the expected encoding
    had_nul: bool = False


def decode(data: bytes) -> Decoded:
    """Bytes to text with newlines normalized to ``\\n``.

    A BOM names the encoding; otherwise UTF-8, falling back to cp1252 (and latin-1 for the
    five bytes cp1252 leaves undefined) so no byte ever makes the read fail.
    """
    had_bom = False
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding, had_bom = data[len(bom):], name, True
            break
    fallback = False
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        fallback = True
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            encoding = "latin-1"
    had_nul = "\x00" in text
    if had_nul:
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, encoding, had_bom, fallback, had_nul)
