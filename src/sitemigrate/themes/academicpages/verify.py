"""academicpages: collections declared, publications listed, no tags the theme lacks."""

from __future__ import annotations

import re
from typing import Any

from ...converters import converter
from ...verify.site import SiteFiles

_TAG = re.compile(r"\{%-?\s*(\w+)(?:\s+([^%]*?))?\s*-?%\}")
# Tags inside these blocks are text to Jekyll, not tags.
_INERT = re.compile(r"\{%-?\s*(raw|comment)\s*-?%\}.*?\{%-?\s*end\1\s*-?%\}", re.S)


def check(site: SiteFiles) -> None:
    conf = converter("academicpages")
    declared = site.declared_collections()
    categories = site.config.get("publication_category")
    for folder, keys in conf["required_front_matter"].items():
        name = folder.lstrip("_")
        files = list(site.pages(folder))
        if files and name not in declared:
            site.report("SM602", f"{folder}/ is not declared under collections: in _config.yml; "
                        "Jekyll will not render it", "_config.yml")
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
                    site.report("SM602", f"category {category!r} is not in publication_category"
                                ": the publication will not appear on /publications/", rel, 2)
    for rel in site.pages():
        if rel.startswith(tuple(f"{f}/" for f in conf["required_front_matter"])):
            continue
        meta = site.front_matter(rel).meta
        site.note_permalink(meta.get("permalink"), rel)
    _check_tags(site, conf)
    _check_navigation(site)


def _check_tags(site: SiteFiles, conf: dict[str, Any]) -> None:
    forbidden = set(conf["forbidden_tags"])
    forbidden_includes = tuple(conf["forbidden_includes"])
    for rel in site.pages():
        fm = site.front_matter(rel)
        text = _INERT.sub(lambda m: "\n" * m.group(0).count("\n"), fm.body)
        for match in _TAG.finditer(text):
            tag, args = match.group(1), match.group(2) or ""
            line = text.count("\n", 0, match.start()) + fm.body_line
            if tag in forbidden:
                site.report("SM606", f"{{% {tag} %}} is not defined by academicpages", rel, line)
            elif tag == "include" and args.split(" ")[0].startswith(forbidden_includes):
                site.report("SM606", f"include {args.split(' ')[0]} does not exist in "
                            "academicpages", rel, line)


def _check_navigation(site: SiteFiles) -> None:
    nav = site.data_file("_data/navigation.yml")
    if not isinstance(nav, dict):
        return
    from ...common.urls import url_key

    for entry in nav.get("main") or []:
        url = entry.get("url") if isinstance(entry, dict) else None
        if isinstance(url, str) and url.startswith("/") and url_key(url, keep_case=True) not in \
                site.permalinks:
            site.report("SM604", f"navigation entry {url} matches no page",
                        "_data/navigation.yml")
