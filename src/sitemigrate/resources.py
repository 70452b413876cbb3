"""Locate the data folders shipped with the package (``schemas/``, ``converters/``)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def shipped_path(name: str) -> Path:
    """The installed copy (inside the wheel) or, in a source checkout, the top-level folder."""
    installed = _HERE / "_shipped" / name
    if installed.is_dir():
        return installed
    return _HERE.parent.parent / name
