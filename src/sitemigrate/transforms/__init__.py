"""Small model-wide transforms, applied in the order ``normalize`` lists them."""

from __future__ import annotations

from ..diagnostics import Diagnostics
from ..model import Model
from .identifiers import extract_identifiers
from .integrity import check_references, unique_ids
from .names import structure_names
from .venues import fill_kinds


def normalize(model: Model, diagnostics: Diagnostics, *, dedupe: bool = True) -> Model:
    """Unique ids -> author names -> identifiers -> kinds -> (optionally) merge duplicates
    -> check every reference.  Each step is idempotent, so a model read back from a
    written site normalizes to the same records."""
    unique_ids(model, diagnostics)
    structure_names(model, diagnostics)
    extract_identifiers(model, diagnostics)
    fill_kinds(model, diagnostics)
    if dedupe:
        from .dedupe import merge_duplicates

        merge_duplicates(model, diagnostics)
    check_references(model, diagnostics)
    return model
