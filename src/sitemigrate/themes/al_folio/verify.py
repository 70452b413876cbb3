"""al-folio: the bibliography parses with unique keys, projects are shown, scholar is set up;
for the version the site's files show (``versions.py``), its config contract and social links."""

from __future__ import annotations

from typing import Any

from ...converters import converter
from ...diagnostics import (
    DUPLICATE_PERMALINK,
    HIDDEN_ITEM,
    INVALID_OUTPUT,
    MISSING_KEY,
    SOCIAL_WITHOUT_ICON,
    VERSION_CONTRACT,
)
from ...verify.site import SiteFiles
from .versions import checkout_version


def check(site: SiteFiles) -> None:
    version = checkout_version(site.root)
    conf = converter(version.target or "al-folio")
    if version.version is not None:  # files that show no version: nothing version-specific
        _check_contract(site, conf)
        _check_socials(site, conf)
    scholar = site.config.get("scholar")
    if not isinstance(scholar, dict):
        site.report(MISSING_KEY, "no scholar: block; jekyll-scholar will not find the bibliography",
                    "_config.yml")
        scholar = {}
    bib_name = str(scholar.get("bibliography") or "papers.bib")
    if not bib_name.endswith(".bib"):
        bib_name += ".bib"
    _check_bibliography(site, f"{scholar.get('source') or '/_bibliography'}".strip("/")
                        + f"/{bib_name}", conf)
    _check_projects(site, conf)
    for rel in site.pages():
        if rel.startswith("_projects/"):
            continue
        site.note_permalink(site.front_matter(rel).meta.get("permalink"), rel)


def _check_bibliography(site: SiteFiles, rel: str, conf: dict[str, Any]) -> None:
    from ...diagnostics import Diagnostics
    from ...parsing.bibtex import parse_bibtex

    text = site.text(rel)
    if text is None:
        site.report(MISSING_KEY, "the bibliography file is missing", rel)
        return
    diagnostics = Diagnostics()
    entries = parse_bibtex(text, rel, diagnostics)
    for diag in diagnostics:
        site.report(INVALID_OUTPUT, diag.message, rel, diag.line)
    keys: dict[str, int] = {}
    filtered = set(site.config.get("filtered_bibtex_keywords") or [])
    rendered = set(conf["rendered_bib_fields"])
    for entry in entries:
        if entry.key in keys:
            site.report(DUPLICATE_PERMALINK, f"key {entry.key} also at line {keys[entry.key]}", rel,
                        entry.line)
        keys.setdefault(entry.key, entry.line)
        leaking = sorted(set(entry.fields) - rendered - filtered)
        if leaking:
            site.report(MISSING_KEY, f"{entry.key}: fields {', '.join(leaking)} are not in "
                        "filtered_bibtex_keywords and show in the BibTeX block", rel, entry.line)


def _check_projects(site: SiteFiles, conf: dict[str, Any]) -> None:
    keys = conf["required_front_matter"]["_projects"]
    recommended = conf.get("recommended_front_matter", {}).get("_projects", [])
    listing = site.front_matter("_pages/projects.md").meta if (
        site.root / "_pages/projects.md").is_file() else {}
    shown = listing.get("display_categories")
    for rel in site.pages("_projects"):
        meta = site.require_keys(rel, keys, recommended)
        category = meta.get("category")
        if shown and category not in shown:
            site.report(HIDDEN_ITEM, f"category {category!r} is not in display_categories of "
                        "_pages/projects.md: the card is hidden", rel, 2)
        if meta.get("importance") is not None and not isinstance(meta.get("importance"), int):
            site.report(
                MISSING_KEY, "importance must be an integer (projects are sorted by it)", rel
            )


def _check_contract(site: SiteFiles, conf: dict[str, Any]) -> None:
    """The keys the version checks at build time, and keys of an older version it reads
    under another name or not at all (left behind by a hand upgrade)."""
    version = conf["version"]
    for old, new in (conf.get("config_renamed") or {}).items():
        if old in site.config:
            site.report(VERSION_CONTRACT, f"{old} is read by al-folio {version} as {new}",
                        "_config.yml")
    for old in conf.get("config_dropped") or []:
        if old in site.config:
            site.report(VERSION_CONTRACT, f"{old} is not read by al-folio {version}",
                        "_config.yml")
    for dotted in conf.get("config_contract") or []:
        value: Any = site.config
        for part in str(dotted).split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None or value == "":
            site.report(VERSION_CONTRACT, f"{dotted} is not set; al-folio {version} "
                        "warns on every build without it", "_config.yml")


def _check_socials(site: SiteFiles, conf: dict[str, Any]) -> None:
    """al-folio v1's social tag (jekyll-socials) reads ``logo`` of every entry that is not
    one of its own keys; an entry without it stops the build."""
    if not conf.get("custom_social_logo"):
        return
    socials = site.data_file("_data/socials.yml")
    if not isinstance(socials, dict):
        return
    own = {str(key) for key in conf.get("builtin_socials") or []}
    for key, value in socials.items():
        if str(key) not in own and not (isinstance(value, dict) and value.get("logo")):
            site.report(SOCIAL_WITHOUT_ICON, f"{key} is not a key the social tag knows and has "
                        "no logo: {% social_links %} fails the build", "_data/socials.yml")
