"""Merging duplicate publications (placeholder until the de-duplication issue lands)."""

from __future__ import annotations

from ..diagnostics import Diagnostics
from ..model import Model


def merge_duplicates(model: Model, diagnostics: Diagnostics) -> None:
    """Merge records of the same work; see the publication-records issue."""
    return None
