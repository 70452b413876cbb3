"""``verify``: is a migrated site what its theme's layouts read, and does it render?

Static checks (each theme's ``verify.py``) look at the files; ``build`` runs Jekyll when it is
installed and looks for every publication, project and page title in the HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostics
from ..model import Diagnostic
from ..registry import target_for_checkout, target_themes, verify_module
from .site import SiteFiles, check_liquid


@dataclass(slots=True)
class VerifyReport:
    path: str
    theme: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    built: bool = False
    items_checked: int = 0
    items_found: int = 0
    #: with a build: something served at ``/``, and per listing (shown, expected)
    home: bool | None = None
    listings: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.level == "error" for d in self.diagnostics)


def detect_theme(path: Path) -> str | None:
    from ..detect import detect

    found = detect(path)
    return found.kind if found.kind in target_themes() else None


def verify_site(path: Path, theme: str | None = None, *, build: bool = False) -> VerifyReport:
    theme = theme or detect_theme(path)
    if theme is None:
        raise ValueError(f"{path}: not a site of a theme sitemigrate writes "
                         f"({', '.join(target_themes())}); name it with --theme")
    if "@" not in theme:  # a theme with several versions: the one the site's files show
        theme = target_for_checkout(theme, path)[0]
    checks = verify_module(theme)
    diagnostics = Diagnostics()
    site = SiteFiles(path, diagnostics)
    checks.check(site)
    check_liquid(site, theme)
    site.note_collection_documents()
    site.check_permalinks_unique()
    site.check_internal_links()
    report = VerifyReport(str(path), theme)
    if build:
        from .build import build_and_find

        outcome = build_and_find(path, theme, diagnostics)
        report.built = outcome.built
        report.items_checked = outcome.checked
        report.items_found = outcome.found
        if outcome.built:
            report.home = outcome.home
            report.listings = outcome.listings
    report.diagnostics = list(diagnostics)
    return report
