"""Quarto website: ``_quarto.yml`` and every page's front matter fit Quarto's published
schema (the facts in ``converters/quarto.yml``), listings find their files, navbar entries
and project links reach a file, and no Liquid is left (Quarto would show it as text)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from ...diagnostics import (
    BROKEN_LINK,
    HIDDEN_ITEM,
    INVALID_OUTPUT,
    LIQUID_LEFT,
    MISSING_KEY,
    SCHEMA_VIOLATION,
)
from ...verify.site import SiteFiles
from .codec import CONFIG_FILE, CONFIG_SCHEMA, PAGE_SCHEMA, problems

_LIQUID = re.compile(r"\{%-?\s*\w+.*?%\}|\{\{(?!<)-?[^}]*\}\}")
_FENCE = re.compile(r"^(```|~~~).*?^\1|`[^`\n]+`", re.S | re.M)  # code shows text as is
_QMD_LINK = re.compile(r"\]\((/[^)\s#?]+\.qmd)")


def check(site: SiteFiles) -> None:
    config = site.data_file(CONFIG_FILE)
    if not isinstance(config, dict):
        site.report(MISSING_KEY, f"no {CONFIG_FILE} with a map of settings: not a Quarto "
                    "project", CONFIG_FILE)
        return
    for problem in problems(config, CONFIG_SCHEMA):
        site.report(SCHEMA_VIOLATION, problem, CONFIG_FILE)
    project = config.get("project")
    if not isinstance(project, dict) or project.get("type") != "website":
        site.report(MISSING_KEY, "project: type: website is what makes the folder a website",
                    CONFIG_FILE)
    pages = sorted(qmd_files(site))
    for href in _navbar_files(config):
        if href.endswith(".qmd") and href.lstrip("/") not in pages:
            site.report(BROKEN_LINK, f"navbar entry {href} names no page", CONFIG_FILE)
    for rel in pages:
        fm = site.front_matter(rel)
        if not fm.present:
            continue
        meta = fm.meta
        for problem in problems(meta, PAGE_SCHEMA):
            site.report(SCHEMA_VIOLATION, problem, rel, 2)
        for listing in _listings(meta.get("listing")):
            _check_listing(site, rel, listing, pages)
        body = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), fm.body)
        for match in _LIQUID.finditer(body):
            line = fm.body_line + body.count("\n", 0, match.start())
            site.report(LIQUID_LEFT, f"Liquid {match.group(0)[:40]!r} shows as text in "
                        "Quarto", rel, line)
        for match in _QMD_LINK.finditer(body):
            if match.group(1).lstrip("/") not in pages:
                line = fm.body_line + body.count("\n", 0, match.start())
                site.report(BROKEN_LINK, f"link to {match.group(1)} names no page", rel, line)


def qmd_files(site: SiteFiles) -> Iterator[str]:
    for path in site.root.rglob("*.qmd"):
        rel = path.relative_to(site.root).as_posix()
        if path.is_file() and not rel.startswith(("_site/", ".")):
            yield rel


def _navbar_files(config: dict[str, Any]) -> Iterator[str]:
    website = config.get("website")
    navbar = website.get("navbar") if isinstance(website, dict) else None
    if not isinstance(navbar, dict):
        return
    for side in ("left", "right"):
        for entry in navbar.get(side) or []:
            href = entry if isinstance(entry, str) else (
                entry.get("href") if isinstance(entry, dict) else None)
            if isinstance(href, str) and "://" not in href:
                yield href


def _listings(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _check_listing(site: SiteFiles, rel: str, listing: dict[str, Any],
                   pages: list[str]) -> None:
    """Each ``contents`` glob finds files (relative to the listing page's folder), and each
    file it finds has a title: the listing shows items by their title."""
    folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
    contents = listing.get("contents")
    globs = [c for c in (contents if isinstance(contents, list) else [contents])
             if isinstance(c, str)]
    for pattern in globs:
        found = [p for p in pages if fnmatch.fnmatchcase(p, folder + pattern) and p != rel]
        if not found:
            site.report(HIDDEN_ITEM, f"listing contents {pattern!r} finds no page", rel, 2)
        for item in found:
            meta = site.front_matter(item).meta
            if not isinstance(meta, dict) or not meta.get("title"):
                site.report(MISSING_KEY, "no title: the listing shows an empty item", item, 2)
        if not found and not pages:
            site.report(INVALID_OUTPUT, "no .qmd page at all", rel)
