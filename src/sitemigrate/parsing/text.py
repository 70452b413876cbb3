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


class SpecialFileError(OSError):
    """A path that is not a regular file (FIFO, device, socket, folder): never read."""


def _kind(mode: int) -> str:
    import stat

    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def special_kind(path: os.PathLike[str] | str) -> str | None:
    """What ``path`` is when it is not a regular file (following symlinks), else ``None``."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else _kind(mode)


def read_regular(path: os.PathLike[str] | str, limit: int | None = None) -> bytes:
    """The bytes of a regular file (at most ``limit``); ``SpecialFileError`` for a FIFO,
    device or socket, found without blocking: the file is opened non-blocking and checked
    with ``fstat`` before anything is read."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise SpecialFileError(0, f"{_kind(mode)}; not read", os.fspath(path))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read() if limit is None else handle.read(limit)
    finally:
        os.close(fd)


def read_regular_text(path: os.PathLike[str] | str, limit: int | None = None) -> str:
    """``read_regular`` decoded (``decode``'s fallbacks: never a decoding error)."""
    return decode(read_regular(path, limit)).text


def regular_opener(path: str, flags: int) -> int:
    """An ``opener`` for ``open()`` that refuses (``SpecialFileError``) anything but a
    regular file, without ever blocking on a FIFO."""
    import stat

    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise SpecialFileError(0, f"{_kind(mode)}; not read", path)
    return fd
