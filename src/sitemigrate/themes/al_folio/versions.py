"""Which al-folio version a checkout (or a site) is, from its own files.

al-folio v1 moved the theme's runtime (layouts, includes, Sass, the ``_plugins`` Ruby files)
into gems: a v1 site names the core gem as its Jekyll ``theme:`` and in ``plugins:``, holds
the ``al_folio:`` API namespace in ``_config.yml`` and pins the gem in its ``Gemfile``.  A
site before v1 holds the runtime itself (``_layouts/bib.liquid``, ``_includes/social.liquid``,
``_plugins/*.rb``).  What counts as evidence for each version is data (``detect:`` per version
in ``converters/al-folio.yml``); the versions are tried current (newest) first, then the
others in the file's order, and the first with any evidence wins, so a v1 site overriding
``_layouts/bib.liquid`` is still v1.

Nothing is fetched: only the folder's files are read, each at most ``_MAX_BYTES``.

``checkout_version(root)`` is the interface the writer's ``--onto``, ``verify`` and the
``upgrade`` command use; ``target_name(version)`` gives the target name for a version
(``al-folio``, ``al-folio@0.x``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...converters import converter, theme_versions
from ...parsing.yamlio import YamlError, load_yaml
from .codec import THEME, target_name

#: a config or Gemfile larger than this is not read for evidence (real ones are < 100 KB)
_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class VersionGuess:
    """A checkout's version (``None``: no evidence for any) and why, as ``file: what`` lines."""

    version: str | None
    evidence: tuple[str, ...] = ()
    #: every version that had evidence, in the order tried (two: a site mixing both)
    candidates: tuple[str, ...] = field(default_factory=tuple)

    @property
    def target(self) -> str | None:
        """The target name of the version found (``al-folio``, ``al-folio@0.x``)."""
        return target_name(self.version) if self.version is not None else None


def versions() -> list[str]:
    """The versions ``converters/al-folio.yml`` describes, current first."""
    return theme_versions(THEME)


def checkout_version(root: str | Path) -> VersionGuess:
    """The al-folio version of the folder ``root`` (a theme checkout or a site)."""
    folder = Path(root)
    config = _config(folder / "_config.yml")
    gemfile = _text(folder / "Gemfile") or ""
    found: list[tuple[str, list[str]]] = []
    for version in versions():
        detect = converter(f"{THEME}@{version}").get("detect") or {}
        evidence = _evidence(folder, detect, config, gemfile)
        if evidence:
            found.append((version, evidence))
    if not found:
        return VersionGuess(None)
    version, evidence = found[0]
    return VersionGuess(version, tuple(evidence), tuple(v for v, _ in found))


def _evidence(folder: Path, detect: dict[str, Any], config: dict[str, Any] | None,
              gemfile: str) -> list[str]:
    evidence: list[str] = []
    if config is not None:
        theme = config.get("theme")
        if isinstance(theme, str) and theme in _strings(detect.get("config_theme")):
            evidence.append(f"_config.yml: theme: {theme}")
        plugins = config.get("plugins") or config.get("gems") or []
        if isinstance(plugins, list):
            named = {str(p) for p in plugins}
            evidence += [f"_config.yml: plugins: {p}"
                         for p in _strings(detect.get("config_plugins")) if p in named]
        evidence += [f"_config.yml: {key}:" for key in _strings(detect.get("config_keys"))
                     if key in config]
    for gem in _strings(detect.get("gemfile")):
        if re.search(rf"""^\s*gem\s+['"]{re.escape(gem)}['"]""", gemfile, re.M):
            evidence.append(f"Gemfile: gem {gem}")
    for rel in _strings(detect.get("files")):
        path = folder / rel
        if path.is_file() and not path.is_symlink():
            evidence.append(f"{rel}: present")
    return evidence


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _text(path: Path) -> str | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _config(path: Path) -> dict[str, Any] | None:
    text = _text(path)
    if text is None:
        return None
    try:
        data = load_yaml(text).data
    except YamlError:
        return None
    return data if isinstance(data, dict) else None
