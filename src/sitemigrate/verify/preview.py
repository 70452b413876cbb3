"""``sitemigrate preview OUT``: build a migrated site with its real theme and serve it locally.

``plan_preview`` decides the command (``bundle exec jekyll serve`` when the site has a
Gemfile whose gems are installed, else the ``jekyll`` on PATH with the plugins that are
installed) or raises ``PreviewUnavailable`` saying exactly what is missing and how to get
it.  The server listens on 127.0.0.1 only and builds into a temporary folder, with Jekyll's
cache there too, so nothing is written into the site.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..parsing.yamldump import dump_yaml
from ..parsing.yamlio import load_yaml
from .build import gems_installed, installed_gems, plugin_gem

HOST = "127.0.0.1"
CONFIG_NAMES = ("_config.yml", "_config.yaml")


class PreviewUnavailable(Exception):
    """Something the preview needs is missing; the message says what and how to get it."""


@dataclass(slots=True)
class PreviewPlan:
    argv: list[str]
    cwd: Path
    url: str
    #: extra environment for the command
    env: dict[str, str] = field(default_factory=dict)
    #: text of a second config file (cache folder, installed plugins), passed with ``--config``
    override: str | None = None
    #: what the preview does without (plugins not installed, gems of the Gemfile missing)
    notes: list[str] = field(default_factory=list)

    def command(self, override_path: Path | None = None) -> list[str]:
        """The argv, with the override config's path filled in."""
        if self.override is None:
            return list(self.argv)
        if override_path is None:
            override_path = Path("<plugins override>")
        return [arg.replace("{override}", str(override_path)) for arg in self.argv]


def _home(theme: str | None) -> str | None:
    from ..registry import THEMES

    return next((row.home for row in THEMES if row.name == theme), None)


def _get_theme_hint(theme: str | None) -> str:
    home = _home(theme)
    if home is None:
        return "a checkout of the target theme (`sitemigrate themes` lists where to get each)"
    return f"a checkout of {theme}: git clone {home} THEME_DIR"


def plan_preview(site: Path, *, port: int, destination: Path, theme: str | None = None,
                 which: Callable[[str], str | None] = shutil.which,
                 gems: Callable[[], set[str] | None] = installed_gems,
                 bundle_ready: Callable[[str, Path], bool] = gems_installed) -> PreviewPlan:
    """The command that builds and serves ``site``, or ``PreviewUnavailable`` naming what is
    missing (the lookups are parameters so tests can run without Ruby)."""
    from ..converters import converter
    from ..registry import target_themes

    config_name = next((n for n in CONFIG_NAMES if (site / n).is_file()), None)
    if config_name is None:
        raise PreviewUnavailable(f"{site} has no _config.yml: it is not a Jekyll site")
    config = load_yaml((site / config_name).read_text(encoding="utf-8", errors="replace")).data
    config = config if isinstance(config, dict) else {}
    if not (site / "_layouts").is_dir() and not config.get("theme") \
            and not config.get("remote_theme"):
        raise PreviewUnavailable(
            f"{site} has no _layouts/: it holds only the migrated files, not the theme.\n"
            f"  Get {_get_theme_hint(theme)}\n"
            f"  then either migrate onto it:  sitemigrate migrate SRC --to {theme or 'THEME'} "
            f"-o NEW_OUT --onto THEME_DIR && sitemigrate preview NEW_OUT\n"
            f"  or copy the files over it:    cp -r {site}/. THEME_DIR/ && "
            f"sitemigrate preview THEME_DIR")
    baseurl = str(config.get("baseurl") or "").strip("/")
    url = f"http://{HOST}:{port}/" + (f"{baseurl}/" if baseurl else "")
    # The second config keeps Jekyll 4's cache out of the site (Jekyll 3 ignores the key)
    # and, without bundler, lists only the plugins that are installed.
    serve = ["serve", "--host", HOST, "--port", str(port), "--destination", str(destination),
             "--config", f"{config_name},{{override}}"]
    settings: dict[str, object] = {"cache_dir": str(destination.parent / "jekyll-cache")}
    notes: list[str] = []

    bundle = which("bundle")
    if (site / "Gemfile").is_file():
        if bundle and bundle_ready(bundle, site):
            return PreviewPlan([bundle, "exec", "jekyll", *serve], site, url,
                               override=dump_yaml(settings), notes=notes)
        if bundle:
            notes.append(f"the gems of {site}/Gemfile are not all installed (`bundle check` "
                         f"fails); using the jekyll on PATH instead. To build exactly as the "
                         f"theme does: cd {site} && bundle install")
    jekyll = which("jekyll")
    if jekyll is None:
        gemfile = (site / "Gemfile").is_file()
        how = ("`gem install bundler` then `bundle install` in " + str(site) if gemfile
               else "`gem install jekyll`")
        raise PreviewUnavailable(
            "jekyll is not installed (the command `jekyll` is not on PATH"
            + ("" if bundle or not gemfile else ", nor is `bundle`") + ").\n"
            f"  Install it: sudo apt-get install jekyll (Debian/Ubuntu), or {how}.")

    wanted = [str(p) for p in config.get("plugins") or config.get("gems") or []]
    installed = gems()
    env = {"JEKYLL_NO_BUNDLER_REQUIRE": "true"}
    if installed is None:  # no `gem` command: let Jekyll report what it cannot load
        return PreviewPlan([jekyll, *serve], site, url, env=env, override=dump_yaml(settings),
                           notes=notes)
    missing = [p for p in wanted if plugin_gem(p) not in installed]
    needed = set()
    if theme in target_themes():
        needed = {str(p) for p in converter(theme).get("build_plugins_needed") or []}
    blocking = [p for p in missing if plugin_gem(p) in needed]
    if blocking:
        names = " ".join(sorted({plugin_gem(p) for p in blocking}))
        raise PreviewUnavailable(
            f"{theme} needs the Jekyll plugin {names}, which is not installed.\n"
            f"  Install it: gem install {names}"
            + (f", or all the theme's gems: cd {site} && bundle install"
               if (site / "Gemfile").is_file() else ""))
    if missing:
        notes.append("building without plugins that are not installed: "
                     + ", ".join(missing) + f" (gem install {' '.join(map(plugin_gem, missing))})")
    settings["plugins"] = [p for p in wanted if p not in missing]
    return PreviewPlan([jekyll, *serve], site, url, env=env, override=dump_yaml(settings),
                       notes=notes)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True
