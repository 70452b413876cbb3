"""Known versions of a theme, as hashes, and the version a site was forked from.

The data (``converters/versions/<theme>.json``, made by ``tools/theme_versions.py`` from the
theme's public git history) holds, per sampled version, a short hash of every text file of the
template and of every ``_config.yml`` value (top-level keys and one level below).  Only
hashes: no file of the theme is shipped.  A site's file whose hash is one the theme ever had at
that path is the theme's own; any other hash at a theme path is the user's change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..converters import converter, matches
from ..resources import shipped_path

#: key of a config value in the hash tables: ``_config.yml#author.name``
CONFIG_PREFIX = "_config.yml#"


def file_hash(data: bytes) -> str:
    """Short hash of a file's bytes with line endings and a UTF-8 BOM normalised (a fork
    edited on Windows still matches its version)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\r\n", b"\n")
    return hashlib.sha1(data).hexdigest()[:12]


def value_hash(value: Any) -> str:
    """Short hash of a config value (plain data, as YAML loads it)."""
    text = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value) if isinstance(value, float) else int(value)
    return str(value)


def config_hashes(config: Mapping[str, Any]) -> dict[str, str]:
    """``{dotted key: value hash}`` for the top-level keys of a config and, for map values,
    the keys one level below (``author.name``); each text item of a list is there as
    ``key[item]`` (``plugins[jekyll-feed]``), so a list's items can be told apart."""
    out: dict[str, str] = {}

    def add(name: str, value: Any) -> None:
        out[name] = value_hash(value)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    out[f"{name}[{item}]"] = ITEM

    for key, value in config.items():
        add(str(key), value)
        if isinstance(value, Mapping):
            for sub, sub_value in value.items():
                add(f"{key}.{sub}", sub_value)
    return out


#: the "hash" of a list item: it is there
ITEM = "1"


def parse_ranges(text: str) -> set[int]:
    """``"0-3,7"`` -> ``{0, 1, 2, 3, 7}``."""
    out: set[int] = set()
    for part in text.split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        out.update(range(int(first), int(last or first) + 1))
    return out


def format_ranges(indexes: Iterable[int]) -> str:
    """``{0, 1, 2, 3, 7}`` -> ``"0-3,7"``."""
    parts: list[str] = []
    run: list[int] = []
    for i in sorted(set(indexes)):
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [i]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(parts)


@dataclass(frozen=True, slots=True)
class Version:
    index: int
    date: str  #: YYYY-MM-DD of the commit
    commit: str  #: the upstream commit (abbreviated)

    @property
    def label(self) -> str:
        return f"{self.date} ({self.commit})"


@dataclass(slots=True)
class VersionTable:
    """The known versions of one theme and the hashes each had, per path."""

    theme: str
    versions: list[Version]
    #: path (or ``_config.yml#key``) -> {hash: set of version indexes having it}
    hashes: dict[str, dict[str, set[int]]]
    source: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VersionTable:
        versions = [Version(i, str(d), str(c)) for i, (d, c) in enumerate(data["versions"])]
        hashes = {path: {h: parse_ranges(r) for h, r in table.items()}
                  for path, table in data["hashes"].items()}
        return cls(str(data["theme"]), versions, hashes, str(data.get("source", "")))

    def to_data(self) -> dict[str, Any]:
        return {"theme": self.theme, "source": self.source,
                "versions": [[v.date, v.commit] for v in self.versions],
                "hashes": {path: {h: format_ranges(ix) for h, ix in sorted(table.items())}
                           for path, table in sorted(self.hashes.items())}}

    def known(self, path: str) -> bool:
        return path in self.hashes

    def is_theme_hash(self, path: str, digest: str) -> bool:
        """Whether some known version had exactly this content at ``path``."""
        return digest in self.hashes.get(path, {})

    def hash_at(self, path: str, version: int) -> str | None:
        for digest, indexes in self.hashes.get(path, {}).items():
            if version in indexes:
                return digest
        return None

    def paths_of(self, version: int) -> set[str]:
        return {path for path, table in self.hashes.items()
                if any(version in ix for ix in table.values())}


@cache
def _load(theme: str) -> VersionTable | None:
    path = shipped_path("converters") / "versions" / f"{theme}.json"
    if not path.is_file():
        return None
    return VersionTable.from_data(json.loads(path.read_text(encoding="utf-8")))


def version_table(theme: str) -> VersionTable | None:
    """The shipped table of ``theme``'s versions; ``None`` when the theme has none."""
    return _load(theme)


def upgrade_facts(theme: str) -> dict[str, Any]:
    """The ``upgrade:`` block of ``converters/<theme>.yml`` (empty when the theme has none)."""
    facts = converter(theme).get("upgrade") or {}
    return facts if isinstance(facts, dict) else {}


@dataclass(slots=True)
class BaseGuess:
    """Which known version a site's files match best."""

    version: Version | None
    #: versions as good as the chosen one (the fork point lies among them)
    tied: list[Version] = field(default_factory=list)
    matched: int = 0  #: theme files equal to the chosen version's
    compared: int = 0  #: site files at paths the theme ever had
    config_matched: int = 0  #: config values equal to the chosen version's defaults
    evidence: list[str] = field(default_factory=list)

    @property
    def span(self) -> str:
        if self.version is None:
            return "unknown"
        if len(self.tied) > 1:
            return f"{self.tied[0].label} .. {self.tied[-1].label}"
        return self.version.label


def detect_base(table: VersionTable, files: Mapping[str, str]) -> BaseGuess:
    """The version ``files`` (path -> ``file_hash``, config values under
    ``_config.yml#key``) was forked from.

    A file equal to a version's copy is a vote for that version (a theme file counts 1, a
    config value the theme sets by default 0.25: most stay the same over many versions);
    a config key the site has that the version lacks, or the other way round, counts
    -0.05, which tells apart versions whose files agree.  Ties: the newest, since a fork
    keeps files the theme did not change later.  No vote at all: unknown.
    """
    known = {path: digest for path, digest in files.items() if table.known(path)}
    site_keys = {p for p in known if p.startswith(CONFIG_PREFIX) and "." not in p[12:]}
    scores: list[tuple[float, int, int, int]] = []
    for version in table.versions:
        score, matched, config_matched = 0.0, 0, 0
        for path, digest in known.items():
            if version.index in table.hashes[path].get(digest, ()):
                if path.startswith(CONFIG_PREFIX):
                    score += 0.25
                    config_matched += 1
                else:
                    score += 1.0
                    matched += 1
        theme_keys = {p for p in table.hashes if p.startswith(CONFIG_PREFIX)
                      and "." not in p[12:]
                      and any(version.index in ix for ix in table.hashes[p].values())}
        score -= 0.05 * len(site_keys ^ theme_keys) if site_keys else 0.0
        scores.append((score, matched, config_matched, version.index))
    votes = [s for s in scores if s[1] or s[2]]
    if not votes:
        return BaseGuess(None, compared=sum(1 for p in known if not p.startswith(CONFIG_PREFIX)),
                         evidence=["no file or config value equals any known version's"])
    best = max(s[0] for s in votes)
    tied = [table.versions[s[3]] for s in votes if abs(s[0] - best) < 1e-9]
    chosen = tied[-1]
    _, matched, config_matched, _ = scores[chosen.index]
    compared = sum(1 for p in known if not p.startswith(CONFIG_PREFIX))
    evidence = [f"{matched} of {compared} theme files equal to {chosen.label}'s",
                f"{config_matched} config values equal to its defaults"]
    return BaseGuess(chosen, tied, matched, compared, config_matched, evidence)


def newest_matching(table: VersionTable, files: Mapping[str, str]) -> Version | None:
    """The version a checkout is: the newest whose every file the checkout has equal (a
    checkout newer than the table matches nothing: ``None``)."""
    guess = detect_base(table, files)
    if guess.version is None or guess.matched < guess.compared:
        return None
    return guess.version


@dataclass(slots=True)
class Family:
    """A line of a theme's versions one writer writes (al-folio before and after v1)."""

    name: str
    writers: list[str]  #: target names, preferred first
    markers: list[dict[str, str]]

    @property
    def writer(self) -> str | None:
        """The first of ``writers`` the registry has a writer for (``None``: none yet)."""
        from ..registry import UnknownThemeError, get_writer

        for name in self.writers:
            try:
                get_writer(name)
            except UnknownThemeError:
                continue
            return name
        return None


def checkout_family(theme: str, root: Path) -> Family | None:
    """The version family of a theme checkout: for a theme the registry writes in several
    versions, the one the checkout's files show (``registry.target_for_checkout``); else by
    the markers in ``upgrade.families`` of ``converters/<theme>.yml`` (first match wins; a
    family without markers matches any)."""
    from ..registry import target_for_checkout, target_row

    found, evidence = target_for_checkout(theme, root)
    if evidence:
        return Family(target_row(found).version or found, [found], [])
    for row in upgrade_facts(theme).get("families") or []:
        family = Family(str(row["name"]), [str(w) for w in row["writers"]],
                        list(row.get("markers") or []))
        if all(_has_marker(root, marker) for marker in family.markers):
            return family
    return None


def _has_marker(root: Path, marker: Mapping[str, str]) -> bool:
    path = root / marker["file"]
    if not path.is_file():
        return False
    needle = marker.get("contains")
    if needle is None:
        return True
    try:
        return needle in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def theme_paths(theme: str, rel: str) -> bool:
    """Whether ``rel`` is never part of an upgrade (``upgrade.skip`` globs: build output,
    caches, lock files)."""
    return matches(rel, list(upgrade_facts(theme).get("skip") or []))
