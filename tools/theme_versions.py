"""Make ``converters/versions/<theme>.json`` from a local git clone of a theme's history.

    python tools/theme_versions.py THEME GIT_DIR TIP [--per quarter|month] [--source TEXT]

Walks the first-parent history ending at TIP, keeps the last commit of each quarter (and
TIP), and records per version the short hash (``upgrade.versions.file_hash``) of each file
the template tracks (up to 2 MB: text, fonts, images) and of each ``_config.yml`` value
(``config_hashes``).  Only hashes are written: nothing of the theme itself.  Reads the git
directory with ``git`` (no network);
not run by the tests or CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from sitemigrate.parsing.yamlio import YamlError, load_yaml
from sitemigrate.upgrade.versions import (
    CONFIG_PREFIX,
    Version,
    VersionTable,
    config_hashes,
    file_hash,
)

#: every file of the template is hashed (text and binary: fonts, images, extension-less
#: includes), but none over this size
LIMIT = 2_000_000


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


class Blobs:
    """Hashes of blobs, each read once through one ``git cat-file --batch``."""

    def __init__(self, repo: Path) -> None:
        self.proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.cache: dict[str, tuple[str, bytes]] = {}
        self.configs: dict[str, dict[str, str]] = {}

    def read(self, blob: str) -> bytes:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(blob.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        size = int(header[2])
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)
        return data

    def config(self, blob: str) -> dict[str, str]:
        """``config_hashes`` of a ``_config.yml`` blob (empty when it does not load)."""
        if blob not in self.configs:
            try:
                config = load_yaml(self.read(blob).decode("utf-8", "replace")).data
            except YamlError:
                config = None
            self.configs[blob] = config_hashes(config) if isinstance(config, dict) else {}
        return self.configs[blob]

    def digest(self, blob: str) -> str:
        if blob not in self.cache:
            self.cache[blob] = (file_hash(self.read(blob)), b"")
        return self.cache[blob][0]


def sample(repo: Path, tip: str, per: str) -> list[tuple[str, str]]:
    """(date, commit) of the last first-parent commit of each period, oldest first."""
    rows = [line.split() for line in
            git(repo, "log", "--first-parent", "--format=%cs %h", tip).splitlines()]
    chosen: dict[str, tuple[str, str]] = {}
    for date, commit in rows:  # newest first: the first seen in a period is its last
        year, month = int(date[:4]), int(date[5:7])
        period = f"{year}-{(month - 1) // 3}" if per == "quarter" else date[:7]
        chosen.setdefault(period, (date, commit))
    return sorted(chosen.values())


def record(repo: Path, blobs: Blobs, table: VersionTable, commit: str,
           index: int | None) -> None:
    """Add the hashes of ``commit``'s files to ``table`` (under ``index``, if sampled)."""
    def add(path: str, digest: str) -> None:
        indexes = table.hashes.setdefault(path, {}).setdefault(digest, set())
        if index is not None:
            indexes.add(index)

    for line in git(repo, "ls-tree", "-r", "-l", commit).splitlines():
        meta, path = line.split("\t", 1)
        mode, kind, blob, size = meta.split()
        # a blob the clone lacks (size "BAD") is left out like a large one
        if kind != "blob" or mode == "120000" or not size.isdigit() or int(size) > LIMIT:
            continue
        add(path, blobs.digest(blob))
        if path == "_config.yml":
            for key, digest in blobs.config(blob).items():
                add(CONFIG_PREFIX + key, digest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("theme")
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("tip")
    parser.add_argument("--per", default="quarter", choices=["quarter", "month"])
    parser.add_argument("--source", default="")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    repo = args.git_dir
    blobs = Blobs(repo)
    picked = sample(repo, args.tip, args.per)
    table = VersionTable(args.theme, [], {}, args.source)
    for index, (date, commit) in enumerate(picked):
        table.versions.append(Version(index, date, commit))
        record(repo, blobs, table, commit, index)
    # every other first-parent state: its hashes are the theme's too (a fork may have
    # started between two sampled versions), in no sampled version (an empty range)
    for commit in git(repo, "log", "--first-parent", "--format=%h", args.tip).split():
        record(repo, blobs, table, commit, None)
    data = table.to_data()
    text = "{\n" + ",\n".join(
        f" {json.dumps(k)}: " + (json.dumps(v, ensure_ascii=False) if k != "hashes" else
                                "{\n" + ",\n".join(f"  {json.dumps(p)}: {json.dumps(h)}"
                                                   for p, h in v.items()) + "\n }")
        for k, v in data.items()) + "\n}\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"{len(table.versions)} versions, {len(table.hashes)} paths, {len(text)} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()
