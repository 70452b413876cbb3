"""Plan an upgrade: the site's content through reader -> model -> writer onto the new
version's checkout, and every other file of the site sorted by what the user did to it.

Each file of the site is one of:

* **content** the reader read (publications, bibliography, data, pages): carried by the
  model and written by the writer in the new version's layout (``moved``);
* **the theme's own**, untouched: its hash is one some known version had at that path; the
  new version's file replaces it (``replaced``; template examples are left out);
* **changed by the user**: a theme path with a hash no version had.  Kept when the new
  version did not change that file since the base version (``kept``); otherwise a
  **conflict**: the new version's file is used and the user's is written beside it as
  ``FILE.mine`` (listed with a 3-way diff), never overwritten silently.  Data files and
  other content paths (``upgrade.content`` … see ``CONTENT``) are the user's: theirs wins;
* **added by the user** (a path no version of the theme had): kept as it is (``added``).

``_config.yml``: the keys the user set are merged into the new version's config
(``config.merge_user_config``).
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common.reader import config_path
from ..converters import converter, matches
from ..detect import detect
from ..diagnostics import (
    BASE_VERSION_FOUND,
    BASE_VERSION_UNKNOWN,
    CONFIG_KEY_DROPPED,
    CONFIG_KEY_MOVED,
    CUSTOMISATION_KEPT,
    NEW_REQUIREMENT,
    SETTING_DROPPED,
    SYMLINK_SKIPPED,
    UPGRADE_CONFLICT,
    USER_FILE_KEPT,
    Diagnostics,
)
from ..fileset import plan_changes
from ..model import Diagnostic, Model
from ..parsing.config_yaml import dump_config, load_config
from ..parsing.front_matter import split_front_matter
from ..parsing.text import max_file_bytes, read_regular
from ..parsing.yamlio import YamlError, collector_paused, load_yaml
from ..pipeline import Plan, SourceError, check_apart, plan_migration, read_site_counted
from ..registry import target_themes
from .config import ConfigMerge, merge_user_config
from .versions import (
    CONFIG_PREFIX,
    BaseGuess,
    Version,
    VersionTable,
    checkout_family,
    config_hashes,
    detect_base,
    file_hash,
    upgrade_facts,
    version_table,
)

#: paths whose user version is content and always wins over the new version's sample
CONTENT = ["_data/**", "_bibliography/**", "_pages/**", "_posts/**", "_news/**",
           "_projects/**", "_publications/**", "_talks/**", "_teaching/**", "_portfolio/**",
           "_drafts/**", "files/**", "images/**", "assets/img/**", "assets/pdf/**"]


@dataclass(slots=True)
class Conflict:
    """A theme file both the user and the new version changed."""

    path: str
    mine: bytes
    new: bytes
    base: bytes | None = None  #: the base version's copy, when one could be found
    base_from: str | None = None  #: where it came from (``--base``, a git history)
    renamed_from: str | None = None  #: the user's path, when the new version renamed it

    @property
    def mine_path(self) -> str:
        return self.path + ".mine"

    def diff(self) -> str:
        """Base -> yours and base -> new version, or yours -> new without a base."""
        def lines(data: bytes) -> list[str]:
            return data.decode("utf-8", "replace").splitlines(keepends=True)

        if any(b"\0" in data for data in (self.mine, self.new, self.base or b"")):
            return f"Binary files yours/{self.path} and new-version/{self.path} differ\n"

        if self.base is None:
            return "".join(difflib.unified_diff(
                lines(self.mine), lines(self.new), f"yours/{self.path}",
                f"new-version/{self.path}"))
        return "".join(difflib.unified_diff(
            lines(self.base), lines(self.mine), f"base/{self.path}", f"yours/{self.path}")) + \
            "".join(difflib.unified_diff(
                lines(self.base), lines(self.new), f"base/{self.path}",
                f"new-version/{self.path}"))


@dataclass(slots=True)
class Upgrade:
    """What ``upgrade`` would do; ``plan`` holds the files and diagnostics."""

    theme: str
    family: str
    writer: str
    checkout_version: Version | None
    base: BaseGuess
    plan: Plan
    moved: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    kept_why: dict[str, str] = field(default_factory=dict)  #: kept path -> why it is kept
    replaced: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  #: template examples left out
    gone: list[str] = field(default_factory=list)  #: theme files the new version dropped
    conflicts: list[Conflict] = field(default_factory=list)
    config: ConfigMerge = field(default_factory=ConfigMerge)
    config_diff: str = ""
    requirements: list[tuple[str, str]] = field(default_factory=list)  #: (file, note)


def site_files(root: Path, theme: str, diagnostics: Diagnostics) -> dict[str, bytes]:
    """Every regular file of ``root`` an upgrade looks at (``upgrade.skip`` left out),
    without following symlinks."""
    skip = list(upgrade_facts(theme).get("skip") or [])
    limit = max_file_bytes()
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(d for d in dirnames if not matches(prefix + d + "/", skip))
        for name in sorted(filenames):
            rel = prefix + name
            path = Path(dirpath) / name
            if matches(rel, skip):
                continue
            if path.is_symlink():
                diagnostics.report(SYMLINK_SKIPPED, "a symlink; not carried by the upgrade", rel)
                continue
            try:
                if path.stat().st_size > limit:
                    continue
                out[rel] = read_regular(path)
            except (OSError, ValueError):
                continue
    return out


def hashes_of(files: dict[str, bytes]) -> dict[str, str]:
    """``file_hash`` of each file, plus the config values as ``_config.yml#key``."""
    out = {rel: file_hash(data) for rel, data in files.items()}
    config = files.get("_config.yml")
    if config is not None:
        try:
            loaded = load_yaml(config.decode("utf-8", "replace")).data
        except YamlError:
            loaded = None
        if isinstance(loaded, dict):
            out.update({CONFIG_PREFIX + k: v for k, v in config_hashes(loaded).items()})
    return out


def table_from_folders(theme: str, folders: list[tuple[str, str, Path]]) -> VersionTable:
    """A version table of ``(date, label, folder)`` checkouts, oldest first (tests, and
    histories not shipped)."""
    table = VersionTable(theme, [], {})
    for index, (date, label, folder) in enumerate(folders):
        table.versions.append(Version(index, date, label))
        for path, digest in hashes_of(site_files(folder, theme, Diagnostics())).items():
            table.hashes.setdefault(path, {}).setdefault(digest, set()).add(index)
    return table


def with_given_base(table: VersionTable, hashes: dict[str, str]) -> tuple[VersionTable, int]:
    """``table`` plus the version a ``--base`` checkout is (its index is returned)."""
    index = len(table.versions)
    extended = VersionTable(table.theme, [*table.versions, Version(index, "given", "--base")],
                            {p: {h: set(ix) for h, ix in t.items()}
                             for p, t in table.hashes.items()}, table.source)
    for path, digest in hashes.items():
        extended.hashes.setdefault(path, {}).setdefault(digest, set()).add(index)
    return extended, index


def renamed_file(rel: str, rules: list[dict[str, str]], new: dict[str, bytes]) -> str:
    """``rel`` under the name the new version gave it (``upgrade.renamed_files``: globs with
    one ``*``), when the new version has that file; else ``rel``."""
    for rule in rules:
        head, _, tail = str(rule["from"]).partition("*")
        if rel.startswith(head) and rel.endswith(tail) and len(rel) >= len(head) + len(tail):
            middle = rel[len(head):len(rel) - len(tail)]
            candidate = str(rule["to"]).replace("*", middle, 1)
            if candidate in new:
                return candidate
    return rel


def _consumed(model: Model, seen: list[tuple[str, str, int | None]]) -> set[str]:
    files = {file for _, file, _ in seen}
    records: list[Any] = [*model.publications, *model.projects, *model.all_themes(),
                          *model.pages, *model.items, model.site]
    files.update(r.origin.file for r in records if getattr(r, "origin", None) is not None)
    return files


def _git_show(repo: Path, commit: str, rel: str) -> bytes | None:
    if not (repo / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{rel}"],
                              capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def plan_upgrade(site: Path, checkout: Path, out_dir: Path, *,
                 base_dir: Path | None = None, table: VersionTable | None = None) -> Upgrade:
    """Everything ``upgrade SITE --onto CHECKOUT -o OUT`` would write and report;
    ``table`` replaces the shipped versions of the theme (tests, other histories)."""
    check_apart(site, out_dir)
    check_apart(checkout, out_dir, "--onto checkout")
    if not site.is_dir() or not checkout.is_dir():
        raise SourceError(f"{site if not site.is_dir() else checkout}: upgrade needs a site "
                          "folder and a folder holding a checkout of the theme")
    found = detect(site)
    theme = found.kind
    table = table or (version_table(theme) if theme else None)
    if theme is None or table is None or not upgrade_facts(theme):
        upgradable = ", ".join(t for t in target_themes() if version_table(t) is not None)
        raise SourceError(f"{site}: reads as {theme or 'no known theme'}; upgrade moves a fork "
                          f"of {upgradable} onto a newer checkout of the same theme")
    family = checkout_family(theme, checkout)
    checkout_kind = detect(checkout).kind
    if checkout_kind not in (theme, None) or family is None:
        raise SourceError(f"{checkout}: this checkout reads as {checkout_kind or 'unknown'}, "
                          f"not {theme}; upgrade needs a newer checkout of the site's theme")
    writer = family.writer
    if writer is None:
        raise SourceError(f"{checkout}: a checkout of {theme} {family.name}; no writer for "
                          f"that version yet ({', '.join(family.writers)}); upgrade onto an "
                          "older checkout, or use a sitemigrate that has it")
    with collector_paused():
        model, ctx = read_site_counted(site, theme)
        plan = plan_migration(model, writer, out_dir, onto=checkout)
    diags = plan.diagnostics
    mine = site_files(site.resolve(), theme, diags)
    new = site_files(checkout.resolve(), theme, Diagnostics())
    base_files = site_files(base_dir.resolve(), theme, Diagnostics()) if base_dir else None
    site_hashes = hashes_of(mine)
    new_hashes = hashes_of(new)
    checkout_guess = detect_base(table, new_hashes)
    checkout_version = checkout_guess.version \
        if checkout_guess.matched == checkout_guess.compared else None
    if base_files is not None:
        table, index = with_given_base(table, hashes_of(base_files))
        base = BaseGuess(table.versions[index], [table.versions[index]],
                         evidence=[f"given with --base {base_dir}"])
    else:
        base = detect_base(table, site_hashes)
    result = Upgrade(theme, family.name, writer, checkout_version, base, plan)
    if base.version is None:
        diags.report(BASE_VERSION_UNKNOWN, f"no known {theme} version matches this site's "
                     f"files ({table.source}); a theme file that differs from the new "
                     "version's is a conflict")
    else:
        diags.report(BASE_VERSION_FOUND, f"forked from {theme} {base.span}: "
                     + "; ".join(base.evidence))
    consumed = _consumed(model, ctx.seen)
    samples = list(converter(theme).get("sample_content") or [])
    config_file = config_path(site)
    config_rel = config_file.name if config_file else "_config.yml"
    files = plan.files
    for rel, data in sorted(mine.items()):
        if rel == config_rel:
            continue
        digest = site_hashes[rel]
        theme_own = table.is_theme_hash(rel, digest)
        if rel in plan.produced:
            if rel in consumed:
                result.moved.append(rel)
            continue
        if rel in consumed:
            result.moved.append(rel)
            continue
        if theme_own:
            if matches(rel, samples):
                result.examples.append(rel)
            elif rel in new:
                result.replaced.append(rel)
            else:
                result.gone.append(rel)
            continue
        if not table.known(rel):
            files.add(rel, data)  # over a new file of the same name: the user's is the site's
            result.added.append(rel)
            diags.report(USER_FILE_KEPT, "added by you; kept as it is", rel)
            continue
        # a theme path the user changed (the new version may have it under a new name)
        rel_mine = rel
        if rel not in new:
            rel = renamed_file(rel, upgrade_facts(theme).get("renamed_files") or [], new)
        new_data = new.get(rel)
        base_hash = table.hash_at(rel, base.version.index) if base.version else None
        content = matches(rel, CONTENT) or matches(rel, samples)
        if new_data is None or content or (
                base_hash is not None and new_hashes.get(rel) == base_hash):
            files.add(rel_mine, data)  # under the user's own name
            result.kept.append(rel_mine)
            why = ("the new version no longer has this file" if new_data is None else
                   "your content replaces the template's sample" if content else
                   "the new version did not change it")
            result.kept_why[rel_mine] = why
            diags.report(CUSTOMISATION_KEPT, f"changed by you; kept ({why})", rel_mine)
            continue
        if file_hash(new_data) == digest:
            continue
        conflict = Conflict(rel, data, new_data, renamed_from=rel_mine if rel != rel_mine else None)
        if base_files is not None and rel_mine in base_files:
            conflict.base, conflict.base_from = base_files[rel_mine], f"--base {base_dir}"
        elif base.version is not None:
            for repo in (checkout, site):
                found_base = _git_show(repo, base.version.commit, rel_mine)
                if found_base is not None:
                    conflict.base = found_base
                    conflict.base_from = f"git history of {repo} at {base.version.commit}"
                    break
        files.add(conflict.mine_path, data)
        result.conflicts.append(conflict)
        renamed = f" (the new version's name for {rel_mine})" if conflict.renamed_from else ""
        diags.report(UPGRADE_CONFLICT, "changed by you and by the new version"
                     f"{renamed}: the new version's is used, yours is beside it as "
                     f"{conflict.mine_path}", rel_mine)
    _merge_config(result, mine.get(config_rel), new.get("_config.yml"), table, theme)
    _report_requirements(result, mine, consumed, theme)
    _restore_own_layouts(result)
    _forget_carried(result)
    plan.changes = plan_changes(files, out_dir)
    plan.counts["files"] = len(files)
    return result


def _merge_config(result: Upgrade, old_data: bytes | None, new_data: bytes | None,
                  table: VersionTable, theme: str) -> None:
    files, diags = result.plan.files, result.plan.diagnostics
    written_data = files.get("_config.yml")
    if old_data is None or written_data is None:
        return
    try:
        old = load_config(old_data)
        written = load_config(written_data)
        new_original = load_yaml((new_data or b"").decode("utf-8", "replace")).data or {}
    except YamlError:
        return  # the reader and writer reported the config that does not load
    if old is None or written is None or not isinstance(new_original, dict):
        return
    base = result.base.version.index if result.base.version else None
    # keys the writer refused on purpose (``theme:`` would build another theme) stay out
    refused = {d.message.split("'")[1] for d in diags if d.code == SETTING_DROPPED
               and d.message.startswith("config key '")}
    merge = merge_user_config(old, new_original, written, upgrade_facts(theme), table, base,
                              refused=refused)
    merge.lines = {str(k): line for k, line in _key_lines(old_data).items()}
    mines = [c.mine_path for c in result.conflicts if not c.path.startswith(("_", "."))]
    if mines:
        exclude = written.get("exclude")
        if not isinstance(exclude, list):
            exclude = written["exclude"] = list(exclude or []) if isinstance(exclude, list) \
                else []
        exclude.extend(m for m in mines if m not in exclude)
    merge.text = dump_config(written)
    files.add("_config.yml", merge.text)
    result.config = merge
    old_text = old_data.decode("utf-8", "replace").splitlines(keepends=True)
    result.config_diff = "".join(difflib.unified_diff(
        old_text, merge.text.splitlines(keepends=True), "yours/_config.yml",
        "upgraded/_config.yml"))
    for old_key, new_key in merge.renamed:
        diags.report(CONFIG_KEY_MOVED, f"{old_key} is {new_key} in the new version; renamed",
                     "_config.yml", merge.lines.get(_top(old_key)))
    for key, where in merge.moved:
        diags.report(CONFIG_KEY_MOVED, f"{key} lives in {where} in the new version; carried "
                     "there from the content where the writer reads it", "_config.yml",
                     merge.lines.get(key.partition(".")[0]))
    for key in merge.dropped:
        diags.report(CONFIG_KEY_DROPPED, f"{key} is not read by the new version; not carried",
                     "_config.yml", merge.lines.get(_top(key)))
    forms = upgrade_facts(theme).get("forms") or {}
    base_date = result.base.version.date if result.base.version else ""
    base_date = "" if base_date == "given" else base_date
    for key, fact in forms.items():
        if key in merge.carried and (not base_date or base_date < str(fact["since"])):
            note = f"{key}: the new version expects {fact['why']}; check the value"
            merge.checks.append(note)
            diags.report(CONFIG_KEY_MOVED, note, "_config.yml", merge.lines.get(_top(key)))


def _top(key: str) -> str:
    """The top-level key of a dotted key or list item (``plugins[jekyll-feed]``)."""
    return key.partition(".")[0].partition("[")[0]


def _key_lines(data: bytes) -> dict[str, int]:
    from ..common.settings import top_level_key_lines

    return top_level_key_lines(data.decode("utf-8", "replace"))


def _report_requirements(result: Upgrade, mine: dict[str, bytes], consumed: set[str],
                         theme: str) -> None:
    """Content files lacking a key the new version requires, and the value written."""
    files = result.plan.files
    for rule in upgrade_facts(theme).get("new_requirements") or []:
        folder, key = str(rule["folder"]).rstrip("/") + "/", str(rule["key"])
        written: dict[str, Any] = {}
        for rel in result.plan.produced:
            if rel.startswith(folder) and (data := files.get(rel)) is not None:
                meta = split_front_matter(data.decode("utf-8", "replace")).meta
                written[str(meta.get("title", "")).strip().lower()] = meta.get(key)
        for rel in sorted(consumed):
            if not rel.startswith(folder) or rel not in mine:
                continue
            meta = split_front_matter(mine[rel].decode("utf-8", "replace")).meta
            if meta.get(key):
                continue
            value = written.get(str(meta.get("title", "")).strip().lower())
            note = (f"no {key}: {rule['why']} (since {rule['since']}); written with "
                    f"{key}: {value}" if value else f"no {key}: {rule['why']}")
            result.requirements.append((rel, note))
            result.plan.diagnostics.report(NEW_REQUIREMENT, note, rel)


_SOURCE_LAYOUT = re.compile(r"^source_layout: *['\"]?([\w./-]+?)['\"]? *(?:\n|\Z)", re.M)
_LAYOUT = re.compile(r"^layout: *.*$", re.M)


def _restore_own_layouts(result: Upgrade) -> None:
    """A page whose layout the writer replaced because the theme lacks it (kept as
    ``source_layout``) gets it back when the layout is one of the user's files the upgrade
    keeps: the new site has it."""
    files, diags = result.plan.files, result.plan.diagnostics
    own = {Path(rel).stem for rel in [*result.added, *result.kept]
           if rel.startswith("_layouts/")}
    restored: set[tuple[str, str]] = set()
    for rel in sorted(result.plan.produced):
        data = files.get(rel)
        if data is None or not data.startswith(b"---"):
            continue
        text = data.decode("utf-8", "replace")
        end = text.find("\n---", 3)
        head = text[:end] if end > 0 else ""
        match = _SOURCE_LAYOUT.search(head)
        if match is None or match.group(1) not in own:
            continue
        head = _LAYOUT.sub(f"layout: {match.group(1)}", _SOURCE_LAYOUT.sub("", head),
                           count=1).rstrip("\n")
        files.add(rel, head + text[end:])
        restored.add((rel, match.group(1)))
    diags.items = [d for d in diags if not (
        d.code == SETTING_DROPPED and any(d.file == rel and f"layout {name!r}" in d.message
                                          for rel, name in restored))]


def _forget_carried(result: Upgrade) -> None:
    """Drop the writer's "not carried" reports for what the upgrade carried itself (config
    keys merged, data files kept)."""
    carried = {k.partition(".")[0] for k in result.config.carried}
    carried |= {k.partition(".")[0] for k in result.config.by_writer}
    kept = set(result.added) | set(result.kept)

    def still_true(d: Diagnostic) -> bool:
        if d.code != SETTING_DROPPED:
            return True
        message = d.message
        if message.startswith("setting '") and message.split("'")[1].partition(".")[0] in carried:
            return False
        if message.startswith("data file "):
            name = message[len("data file "):].split(" ", 1)[0]
            return not any(rel == name or rel.endswith("/" + name) or
                           rel.startswith(f"_data/{name}.") for rel in kept)
        return True

    diagnostics = result.plan.diagnostics
    diagnostics.items = [d for d in diagnostics if still_true(d)]
