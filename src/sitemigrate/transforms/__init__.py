"""Small model-wide transforms, applied in the order ``normalize`` lists them."""

from __future__ import annotations

from ..diagnostics import Diagnostics
from ..model import Model
from .integrity import check_references, unique_ids


def normalize(model: Model, diagnostics: Diagnostics, *, dedupe: bool = True) -> Model:
    """Make ids unique, then (optionally) merge duplicates, then check every reference."""
    unique_ids(model, diagnostics)
    if dedupe:
        from .dedupe import merge_duplicates

        merge_duplicates(model, diagnostics)
    check_references(model, diagnostics)
    return model
