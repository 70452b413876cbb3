"""Allan lab template: publist items have the keys the loops read; pages use known layouts."""

from __future__ import annotations

from ...converters import converter
from ...diagnostics import HIDDEN_ITEM, INVALID_OUTPUT, MISSING_KEY
from ...verify.site import SiteFiles


def check(site: SiteFiles) -> None:
    conf = converter("allanlab")
    publist = site.data_file("_data/publist.yml")
    if publist is not None and not isinstance(publist, list):
        site.report(
            INVALID_OUTPUT, "publist.yml must be a list of publications", "_data/publist.yml"
        )
    for n, item in enumerate(publist if isinstance(publist, list) else [], 1):
        if not isinstance(item, dict):
            site.report(INVALID_OUTPUT, f"item {n} is not a mapping", "_data/publist.yml")
            continue
        missing = [k for k in conf["publist_keys"] if k not in item]
        if missing:
            site.report(MISSING_KEY, f"item {n} ({item.get('title')!r}) lacks {', '.join(missing)}",
                        "_data/publist.yml")
        if "highlight" in item and not isinstance(item["highlight"], int):
            site.report(HIDDEN_ITEM, f"item {n}: highlight must be the integer 1 or 0 "
                        "(the loop tests highlight == 1)", "_data/publist.yml")
    known = {*conf["page_layouts"], *conf["other_layouts"]}
    for rel in site.pages("_pages"):
        meta = site.front_matter(rel).meta
        layout = meta.get("layout")
        if layout and layout not in known:
            site.report(MISSING_KEY, f"layout {layout!r} is not one of the template's", rel, 2)
        site.note_permalink(meta.get("permalink"), rel)
