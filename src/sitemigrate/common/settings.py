"""The user's own names for the site settings a writer could not carry.

Readers keep what the model has no field for in ``Site.extra``, some of it under keys of
their own: ``config`` and ``allanlab_config`` hold the rest of ``_config.yml``, ``data`` and
``allanlab_data`` hold data files, and a few keys are renamed (``site_description`` is the
config's ``description``).  A message must name what the user wrote, never those internal
keys, so writers report what they drop through :func:`report_unwritten`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..diagnostics import SETTING_DROPPED
from ..model import Site
from .foreign_liquid import KEPT_SITE_KEY
from .writer import WriteContext

#: ``Site.extra`` keys holding the rest of the user's ``_config.yml`` as a map
CONFIG_CONTAINERS = ("config", "allanlab_config")
#: ``Site.extra`` keys holding data files (name -> content)
DATA_CONTAINERS = ("data", "allanlab_data")
#: ``Site.extra`` keys that are a config key under another name
RENAMED = {"site_description": "description", "config_description": "description",
           "title_raw": "title"}

_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z0-9_][\w.-]*|\"[^\"]+\"|'[^']+')[ \t]*:(?:[ \t]|$)")


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting as the user wrote it: ``exclude``, ``author.bio``, ``_data/team.yml``."""

    name: str
    file: str | None
    line: int | None
    kind: str = "config"  #: "config" (a key of _config.yml), "data" (a data file), "other"

    def message(self, theme: str) -> tuple[str, str]:
        """What a writer for ``theme`` says when it cannot carry this, and the hint."""
        if self.kind == "data":
            return (f"data file {self.name} is not carried: {theme}'s pages do not read it",
                    "copy it into the new site's _data/ if a page of yours loops over it")
        if self.kind == "other":
            return (f"{self.name} is not carried to {theme}", "")
        return (f"setting {self.name!r} has no place in {theme}'s _config.yml; not written",
                f"set {theme}'s own equivalent in its _config.yml, if it has one")


def report_unwritten(ctx: WriteContext, site: Site, carried: Iterable[str], theme: str,
                     *, skip: Callable[[Setting], bool] | None = None) -> None:
    """Report each setting of ``site`` a writer for ``theme`` did not carry (SM304)."""
    for setting in unwritten_settings(site, carried):
        if skip is not None and skip(setting):
            continue
        message, hint = setting.message(theme)
        ctx.report(SETTING_DROPPED, message, setting.file, setting.line, hint=hint or None)


def top_level_key_lines(text: str) -> dict[str, int]:
    """1-based line of each top-level key of a YAML mapping (a line scan, for messages)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _TOP_KEY.match(line)
        if match:
            lines.setdefault(match.group("key").strip("\"'"), number)
    return lines


def unwritten_settings(site: Site, carried: Iterable[str]) -> Iterator[Setting]:
    """The settings of ``site.extra`` outside ``carried`` (keys the writer wrote), named as
    the user wrote them, with the config line where known."""
    keep = set(carried)
    config = site.origin.file if site.origin else None
    config = config if config and config.endswith((".yml", ".yaml")) else "_config.yml"
    lines = site.key_lines
    for key, value in site.extra.items():
        if key in keep:
            continue
        if key in CONFIG_CONTAINERS and isinstance(value, dict):
            for sub in value:
                yield Setting(str(sub), config, lines.get(str(sub)))
        elif key in DATA_CONTAINERS and isinstance(value, dict):
            for name in value:
                yield Setting(_data_name(key, str(name)), None, None, "data")
        elif key == "author" and isinstance(value, dict):
            for sub in value:
                yield Setting(f"author.{sub}", config, lines.get("author"))
        elif key == "running_header":
            page = site.origin.file if site.origin else None
            yield Setting(f"the running page header {_short(value)}", page, None, "other")
        elif key == "socials_file" or key == KEPT_SITE_KEY:
            continue  # a marker / kept aside by the pipeline, not a setting of the user's
        elif key == "socials_flags" and isinstance(value, dict):
            for sub in value:
                yield Setting(f"{str(sub)!r} of _data/socials.yml", "_data/socials.yml", None,
                              "other")
        else:
            name = RENAMED.get(key, key)
            yield Setting(name, config, lines.get(name))


def _data_name(container: str, name: str) -> str:
    if container == "allanlab_data":
        return f"_data/{name}"  # a path below _data/
    return f"site.data.{name}"  # a dotted data key, as the site's Liquid names it


def _short(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "…")
