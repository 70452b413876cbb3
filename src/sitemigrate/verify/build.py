"""Build the site with Jekyll (when installed) and find every item's title in the HTML."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..common.urls import url_key
from ..converters import converter
from ..diagnostics import (
    BUILD_FAILED,
    BUILD_UNAVAILABLE,
    NOT_RENDERED,
    TEMPLATE_LEFTOVER,
    Diagnostics,
)
from ..model import Model
from ..parsing.yamldump import dump_yaml
from ..parsing.yamlio import load_yaml

BUILD_SECONDS = 600
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
_MARKUP = re.compile(r"[*_`$\\{}]")
_MATH_DELIMITERS = re.compile(r"\\[()\[\]]")  # MathJax's \( \) \[ \] in rendered HTML


@dataclass(slots=True)
class BuildOutcome:
    built: bool = False
    checked: int = 0
    found: int = 0
    #: something is served at ``/``
    home: bool = False
    #: per listing (publications, projects): (shown on its page, expected)
    listings: dict[str, tuple[int, int]] = field(default_factory=dict)


def plugin_gem(plugin: str) -> str:
    """The gem a ``plugins:`` entry loads: al-folio lists ``jekyll/scholar`` (a require path)
    for the gem ``jekyll-scholar``."""
    return plugin.replace("/", "-")


def installed_gems() -> set[str] | None:
    """Names of the installed Ruby gems; ``None`` when ``gem`` itself is missing."""
    gem = shutil.which("gem")
    if gem is None:
        return None
    result = subprocess.run([gem, "list", "--local", "--no-versions"], capture_output=True,
                            text=True, timeout=60, check=False)
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def gems_installed(bundle: str, site: Path) -> bool:
    """Whether every gem of ``site``'s Gemfile is installed (``bundle check``)."""
    try:
        # --dry-run: the Gemfile is not locked, so no Gemfile.lock is written into the site
        result = subprocess.run([bundle, "check", "--dry-run"], cwd=site, capture_output=True,
                                text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _normalize(text: str) -> str:
    """Text as a reader sees it: no tags, entities decoded, no emphasis or math markup."""
    text = _MATH_DELIMITERS.sub("", html.unescape(_TAG.sub(" ", text)))
    return " ".join(_MARKUP.sub("", text).lower().split())


def build_and_find(site: Path, theme: str, diagnostics: Diagnostics) -> BuildOutcome:
    """Build into a temporary folder and look for each item of the site's model."""
    if not (site / "_config.yml").is_file():  # a Hugo site (hugoblox): not Jekyll's to build
        diagnostics.report(BUILD_UNAVAILABLE, f"{theme} is not a Jekyll site; build it with "
                           "its own tool (README: Hugo Blox); only the static checks ran")
        return BuildOutcome()
    bundle = shutil.which("bundle")
    if bundle and (site / "Gemfile").is_file() and gems_installed(bundle, site):
        return _build(site, theme, [bundle, "exec", "jekyll"], [], diagnostics, bundled=True)
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        diagnostics.report(BUILD_UNAVAILABLE, "jekyll is not installed; only the static checks ran")
        return BuildOutcome()
    config = load_yaml((site / "_config.yml").read_text(encoding="utf-8")).data or {}
    wanted = [str(p) for p in config.get("plugins") or []]
    gems = installed_gems() or set()
    missing = [p for p in wanted if plugin_gem(p) not in gems]
    needed = [p for p in converter(theme).get("build_plugins_needed", [])
              if p in map(plugin_gem, missing)]
    if needed:
        diagnostics.report(BUILD_UNAVAILABLE, f"{', '.join(needed)} is not installed ({theme} "
                           "needs it); only the static checks ran")
        return BuildOutcome()
    return _build(site, theme, [jekyll], [p for p in wanted if plugin_gem(p) in gems],
                  diagnostics, missing=missing)


def _build(site: Path, theme: str, command: list[str], plugins: list[str],
           diagnostics: Diagnostics, *, bundled: bool = False,
           missing: list[str] | None = None) -> BuildOutcome:
    """Build a copy of ``site`` with ``command`` (``jekyll``, or ``bundle exec jekyll`` with
    the site's Gemfile) into a temporary folder, then look for the items."""
    ignore = ("_site", ".git", ".jekyll-cache") if bundled else \
        ("_site", ".git", ".jekyll-cache", "Gemfile", "Gemfile.lock")
    with tempfile.TemporaryDirectory(prefix="sitemigrate-build-") as tmp:
        work = Path(tmp) / "src"
        shutil.copytree(site, work, symlinks=True, ignore=shutil.ignore_patterns(*ignore))
        configs = "_config.yml"
        env = dict(os.environ, JEKYLL_ENV="production")
        if not bundled:  # only the plugins that are installed
            override = Path(tmp) / "override.yml"
            override.write_text(dump_yaml({"plugins": plugins}))
            configs += f",{override}"
            env["JEKYLL_NO_BUNDLER_REQUIRE"] = "true"
        result = subprocess.run(
            [*command, "build", "--config", configs, "-d", str(Path(tmp) / "out"), "--quiet"],
            cwd=work, capture_output=True, text=True, timeout=BUILD_SECONDS, env=env,
            check=False)
        if result.returncode != 0:
            diagnostics.report(
                BUILD_FAILED, "jekyll build failed: " + _build_error(result.stderr + result.stdout)
            )
            return BuildOutcome()
        if missing:
            diagnostics.report(
                BUILD_UNAVAILABLE, f"built without plugins {', '.join(missing)} (not installed)"
            )
        return _find_items(site, theme, Path(tmp) / "out", diagnostics)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _build_error(output: str) -> str:
    """The lines of Jekyll's output that say what failed, without colours or the stack."""
    lines = [_ANSI.sub("", line).strip() for line in output.splitlines()]
    lines = [line for line in lines if line and not line.startswith("from ")]
    telling = [line for line in lines if re.search(r"Exception|Error|error", line)]
    return " | ".join((telling or lines[-3:])[:3])


def _find_items(site: Path, theme: str, out: Path, diagnostics: Diagnostics) -> BuildOutcome:
    """Each publication and project on its listing page (the page of that role the site
    links, not anywhere in the HTML: an item page alone is not a listing), each page title
    anywhere, a home page at ``/``, and no sample value of the template."""
    from ..pipeline import read_site

    pages = {p: _normalize(p.read_text("utf-8", "replace")) for p in out.rglob("*.html")}
    corpus = " ".join(pages.values())
    model = read_site(site, theme)
    outcome = BuildOutcome(built=True, home=(out / "index.html").is_file())
    if not outcome.home:
        diagnostics.report(NOT_RENDERED, "nothing is served at / (no index.html was built)")
    listings = (("publication", "publications", [(p.title, p.origin) for p in model.publications]),
                ("project", "projects", [(p.title, p.origin) for p in model.projects]))
    for kind, role, records in listings:
        if not records:
            continue
        listing = _listing_text(model, role, out, pages)
        if listing is None:
            diagnostics.report(NOT_RENDERED, f"no {role} page was built: {len(records)} "
                               f"{kind}s are listed nowhere")
        shown = 0
        for title, origin in records:
            outcome.checked += 1
            if listing is not None and _normalize(title) in listing:
                shown += 1
                continue
            where = "in the built HTML" if listing is None else f"on the {role} page"
            diagnostics.report_at(NOT_RENDERED, f"{kind} {title!r} is not {where}",
                               origin)
        outcome.found += shown
        outcome.listings[role] = (shown, len(records))
    for page in model.pages:
        if not page.title:
            continue
        outcome.checked += 1
        if _normalize(page.title) in corpus:
            outcome.found += 1
        else:
            origin = page.origin
            diagnostics.report_at(NOT_RENDERED, f"page {page.title!r} is not in the built HTML",
                               origin)
    _report_leftovers(theme, corpus, diagnostics)
    return outcome


def _listing_text(model: Model, role: str, out: Path, pages: dict[Path, str]) -> str | None:
    """The normalized text of the built page of ``role`` (its permalink), else None."""
    for page in model.pages:
        if page.role != role or not page.permalink:
            continue
        link = url_key(page.permalink, keep_case=True).strip("/")
        for candidate in (out / link / "index.html", out / f"{link}.html", out / link):
            if candidate in pages:
                return pages[candidate]
    return None


def _report_leftovers(theme: str, corpus: str, diagnostics: Diagnostics) -> None:
    for rel, samples in (converter(theme).get("sample_values") or {}).items():
        for key, sample in samples.items():
            text = _normalize(str(sample)) if isinstance(sample, str) else ""
            # a single word ("academicpages", "Earth") is also ordinary text of the theme
            if " " in text and len(text) >= 8 and text in corpus:
                diagnostics.report(TEMPLATE_LEFTOVER, f"the template's {key} ({sample!r}) "
                                   "shows on the built site", rel)
