"""The one table of themes: what each can read, write and verify, and where its code lives.

A theme is a package under ``sitemigrate/themes/`` holding ``reader.py`` (``READER``),
``writer.py`` (``WRITER``) and ``verify.py`` (``check``) as far as it has them.  Adding a
theme is that folder plus one line in ``THEMES``.  Modules are imported only when used,
so the CLI starts fast and ``sitemigrate themes`` imports no theme at all.

A source kind that is a second format of a theme (academicpages' ``publications.tsv``)
names its reader module explicitly.

A theme whose versions lay a site out differently has a row per version: the bare name is
the current version, another is ``name@version`` (``al-folio@0.x``) with ``version`` set and
the same package; its writer is ``WRITER.for_version(version)``.  ``name@v1``-style
spellings of a version are accepted (``converters.version_key``).  The package's
``versions.checkout_version(folder)`` tells a checkout's version (``target_for_checkout``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .common.reader import Reader
    from .common.writer import Writer


@dataclass(frozen=True, slots=True)
class ThemeSpec:
    """One row of the registry."""

    #: the name users type (``--to``, ``--from``) and reports print
    name: str
    #: the theme's package (``sitemigrate.themes.al_folio``)
    package: str
    #: what the reader reads, shown by ``themes`` and detection messages; ``None``: no reader
    reads: str | None = None
    #: what the writer writes; ``None``: not a target
    writes: str | None = None
    #: the reader module inside the package
    reader_module: str = "reader"
    #: where to get the theme itself (``themes`` prints it)
    home: str | None = None
    #: the version of the theme this row writes, for a theme with several (``converters``)
    version: str | None = None

    @property
    def family(self) -> str:
        """The theme's name without a version (``al-folio`` for ``al-folio@0.x``)."""
        return self.name.partition("@")[0]

    def module(self, part: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{part}")


_THEMES = "sitemigrate.themes."

THEMES: list[ThemeSpec] = [
    ThemeSpec("academicpages", _THEMES + "academicpages",
              reads="academicpages (_publications, _portfolio, author profile)",
              writes="academicpages theme files",
              home="https://github.com/academicpages/academicpages.github.io"),
    ThemeSpec("al-folio", _THEMES + "al_folio",
              reads="al-folio (_bibliography/*.bib, _projects, nav pages), 0.x and v1",
              writes="al-folio v1 theme files (runtime in the al_folio_core gem)",
              home="https://github.com/alshedivat/al-folio", version="1"),
    ThemeSpec("al-folio@0.x", _THEMES + "al_folio",
              writes="al-folio before v1 (April 2025: layouts and plugins in the site)",
              home="https://github.com/alshedivat/al-folio", version="0.x"),
    ThemeSpec("allanlab", _THEMES + "allanlab",
              reads="Allan lab template (textlay pages, _data/publist.yml)",
              writes="Allan lab template theme files",
              home="https://github.com/mpa139/allanlab"),
    ThemeSpec("quarto", _THEMES + "quarto",
              writes="a Quarto website (_quarto.yml, about page, listings over .qmd pages)",
              home="https://quarto.org/docs/get-started/"),
    ThemeSpec("hugoblox", _THEMES + "hugoblox",
              reads="Hugo Blox / Hugo Academic (content/publication*/<slug>/index.md, authors)",
              writes="Hugo Blox academic CV site (templates/academic-cv of the kit below)",
              home="https://github.com/HugoBlox/hugo-blox-builder"),
    ThemeSpec("custom", _THEMES + "custom",
              reads="custom layouts looping over site.data.* (_data lists, _researchtopics)"),
    ThemeSpec("plain", _THEMES + "plain",
              reads="plain Markdown research statement (no front matter)"),
    ThemeSpec("bibtex", _THEMES + "bibtex", reads="a BibTeX file (.bib)"),
    ThemeSpec("csl", _THEMES + "csl", reads="a CSL-JSON or CSL-YAML file (Zotero, pandoc)"),
    ThemeSpec("tsv", _THEMES + "academicpages", reader_module="tsv",
              reads="academicpages markdown_generator publications.tsv"),
]


class UnknownThemeError(click.BadParameter):
    """A theme or source kind name that is not in the registry (a usage error, exit 2)."""

    def __init__(self, name: str, role: str, known: list[str]) -> None:
        super().__init__(f"unknown {role} {name!r}; known: {', '.join(known)}")
        self.name = name


def spec(name: str) -> ThemeSpec:
    row = _row(name)
    if row is None:
        raise UnknownThemeError(name, "theme", [row.name for row in THEMES])
    return row


def _row(name: str, *, writes: bool = False) -> ThemeSpec | None:
    """The row ``name`` names: its own, or ``family@version`` in another spelling
    (``al-folio@v1`` names the ``al-folio`` row of version ``1``)."""
    rows = [row for row in THEMES if not writes or row.writes]
    for row in rows:
        if row.name == name:
            return row
    family, at, wanted = name.partition("@")
    if not at or not wanted:
        return None
    from .converters import version_key

    for row in rows:
        if row.family == family and row.version is not None \
                and version_key({row.version: None}, wanted) is not None:
            return row
    return None


def source_kinds() -> list[str]:
    """Names of the themes that have a reader, in detection order (ties go to the first)."""
    return [row.name for row in THEMES if row.reads]


def target_themes() -> list[str]:
    """Names of the themes that have a writer."""
    return [row.name for row in THEMES if row.writes]


def get_reader(kind: str) -> Reader:
    row = next((r for r in THEMES if r.name == kind and r.reads), None)
    if row is None:
        raise UnknownThemeError(kind, "source kind", source_kinds())
    reader: Reader = row.module(row.reader_module).READER
    return reader


def get_writer(theme: str) -> Writer:
    row = target_row(theme)
    writer: Writer = row.module("writer").WRITER
    return writer.for_version(row.version) if row.version is not None else writer


def target_row(theme: str) -> ThemeSpec:
    """The row of the target ``theme`` names (a usage error when none writes)."""
    row = _row(theme, writes=True)
    if row is None:
        raise UnknownThemeError(theme, "target theme", target_themes())
    return row


def verify_module(theme: str) -> ModuleType:
    """The theme's static checks (``check(site)``); every target has them."""
    return target_row(theme).module("verify")


def target_for_checkout(theme: str, folder: Path) -> tuple[str, tuple[str, ...]]:
    """The target row name for writing onto (or checking) ``folder`` as ``theme``: the
    version the folder's files show when the theme has several, else ``theme``'s own row;
    and the evidence found (empty when the files show no version)."""
    row = target_row(theme)
    versions = [r for r in THEMES if r.family == row.family and r.writes and r.version]
    if len(versions) < 2:
        return row.name, ()
    guess = row.module("versions").checkout_version(folder)
    found = next((r for r in versions if r.version == guess.version), None)
    return (found.name, tuple(guess.evidence)) if found is not None else (row.name, ())


def all_readers() -> list[Reader]:
    return [get_reader(kind) for kind in source_kinds()]


def register(row: ThemeSpec) -> None:
    """Add (or replace) a theme in this process: plugins and tests."""
    unregister(row.name)
    THEMES.append(row)


def unregister(name: str) -> None:
    THEMES[:] = [row for row in THEMES if row.name != name]
