"""academicpages: collections declared, publications listed, navigation that resolves."""

from __future__ import annotations

from ...converters import converter
from ...diagnostics import BROKEN_LINK, HIDDEN_ITEM
from ...verify.site import SiteFiles


def check(site: SiteFiles) -> None:
    conf = converter("academicpages")
    declared = site.declared_collections()
    categories = site.config.get("publication_category")
    for folder, keys in conf["required_front_matter"].items():
        name = folder.lstrip("_")
        files = list(site.pages(folder))
        if files and name not in declared:
            site.report(
                HIDDEN_ITEM,
                f"{folder}/ is not declared under collections: in _config.yml; "
                "Jekyll will not render it",
                "_config.yml",
            )
        entry = declared.get(name)
        collection = entry if isinstance(entry, dict) else {}
        needed = [k for k in keys if not (k == "permalink" and collection.get("permalink"))]
        recommended = conf.get("recommended_front_matter", {}).get(folder, [])
        for rel in files:
            meta = site.require_keys(rel, needed, recommended)
            site.note_permalink(meta.get("permalink"), rel)
            if folder == "_publications" and isinstance(categories, dict):
                category = meta.get("category")
                if category not in categories:
                    site.report(HIDDEN_ITEM, f"category {category!r} is not in publication_category"
                                ": the publication will not appear on /publications/", rel, 2)
    for rel in site.pages():
        if rel.startswith(tuple(f"{f}/" for f in conf["required_front_matter"])):
            continue
        meta = site.front_matter(rel).meta
        site.note_permalink(meta.get("permalink"), rel)
    _check_navigation(site)


def _check_navigation(site: SiteFiles) -> None:
    nav = site.data_file("_data/navigation.yml")
    if not isinstance(nav, dict):
        return
    from ...common.urls import url_key

    for entry in nav.get("main") or []:
        url = entry.get("url") if isinstance(entry, dict) else None
        if isinstance(url, str) and url.startswith("/") and url_key(url, keep_case=True) not in \
                site.permalinks:
            site.report(BROKEN_LINK, f"navigation entry {url} matches no page",
                        "_data/navigation.yml")
