"""Small model-wide transforms, applied in the order ``normalize`` lists them.

The steps are imported when ``normalize`` runs: importing ``transforms.fields`` (every
reader does) must not pull in nameparser and bibtexparser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..diagnostics import Diagnostics
    from ..model import Model


def normalize(model: Model, diagnostics: Diagnostics, *, dedupe: bool = True) -> Model:
    """Unique ids -> the home page at ``/`` and other pages' source URLs -> author names ->
    identifiers -> kinds -> (optionally) merge duplicates -> check every reference.  Each
    step is idempotent, so a model read back from a written site normalizes to the same
    records."""
    from ..parsing.yamlio import collector_paused
    from .identifiers import extract_identifiers
    from .integrity import check_references, unique_ids
    from .names import structure_names
    from .pages import home_at_root, source_urls
    from .venues import fill_kinds

    with collector_paused():  # records and their names are many small acyclic objects
        unique_ids(model, diagnostics)
        home_at_root(model)
        source_urls(model)
        structure_names(model, diagnostics)
        extract_identifiers(model, diagnostics)
        fill_kinds(model, diagnostics)
        if dedupe:
            from .dedupe import merge_duplicates

            merge_duplicates(model, diagnostics)
        check_references(model, diagnostics)
    return model
