"""Slugs and output paths that can never leave the output folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import unquote


class UnsafePathError(ValueError):
    """A path derived from input would leave the output folder."""


_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


#: Word characters, ``.`` and ``-`` in ``/``-separated non-empty segments, not starting with
#: ``.``: nothing to URL-decode, no control character, backslash, ``~``, drive letter, empty
#: segment or leading ``/``.  Such a path without ``/.`` (so no ``.``/``..`` segment) is
#: plain: ``_checked_relative_path`` would return it unchanged.
_PLAIN_PATH = re.compile(r"[\w-][\w.-]*(?:/[\w.-]+)*")


def safe_relative_path(path: str) -> str:
    """Validate a writer's relative path; raise ``UnsafePathError`` for anything that escapes.

    Refuses absolute paths, ``..`` segments (also URL-encoded), ``~``, drive letters,
    backslashes and control characters.
    """
    if _PLAIN_PATH.fullmatch(path) and "/." not in path:
        return path
    return _checked_relative_path(path)


def _checked_relative_path(path: str) -> str:
    decoded = path
    for _ in range(3):  # %252e%252e decodes twice
        decoded = unquote(decoded)
    if not path or "\x00" in decoded or any(ord(c) < 32 for c in decoded):
        raise UnsafePathError(f"{path!r}: empty or control characters")
    if "\\" in decoded or _WINDOWS_DRIVE.match(decoded) or decoded.startswith(("/", "~")):
        raise UnsafePathError(f"{path!r}: not a plain relative path")
    parts = [part for part in decoded.split("/") if part]
    if any(part in ("..", ".") for part in parts) or not parts:
        raise UnsafePathError(f"{path!r}: leaves the output folder")
    if path != decoded:
        raise UnsafePathError(f"{path!r}: URL-encoded path")
    return str(PurePosixPath(*parts))


def slugify(text: str, max_length: int = 60, fallback: str = "item") -> str:
    """A lowercase ASCII slug safe as a file name: letters, digits and single hyphens.

    Non-Latin text (CJK) has no ASCII form, so it keeps its letters instead of vanishing.
    """
    normalized = unicodedata.normalize("NFKD", text)
    ascii_text = normalized.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not slug:
        slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-_")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


def unique_name(base: str, used: set[str], fold_case: bool = False) -> str:
    """``base``, else ``base-2``, ``base-3``…: the first not yet in ``used``, which it joins.

    With ``fold_case`` names are compared (and kept in ``used``) lower-cased, as file names
    on a case-insensitive disk are.
    """
    candidate, n = base, 2
    while (candidate.lower() if fold_case else candidate) in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate.lower() if fold_case else candidate)
    return candidate


class IdPool:
    """Slug ids unique within one pool: ``x``, then ``x-2``, ``x-3``…"""

    def __init__(self, max_length: int = 60) -> None:
        self.max_length = max_length
        self.used: set[str] = set()

    def take(self, text: str, fallback: str) -> str:
        return unique_name(slugify(text, max_length=self.max_length, fallback=fallback),
                           self.used)
