"""Containment: hostile paths never leave OUT, symlinks never leave the source, the source is
never modified, oversized files are refused."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, SAMPLES, corpus_sites

from sitemigrate.cli import cli
from sitemigrate.common.reader import ReadContext
from sitemigrate.common.writer import WriteContext
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.fileset import write_atomically
from sitemigrate.model import Item, Model, Page, Project, Publication, Site, Source, Theme
from sitemigrate.paths import safe_relative_path
from sitemigrate.pipeline import migrate, read_site
from sitemigrate.registry import get_writer, target_themes

HOSTILE = ["../../etc/passwd", "/abs/path", "~/x", "C:\\win", "%2e%2e/%2e%2e/x", "a/../../b",
           "..", "", "\x00", "con", "x" * 300, "云图/../../x"]


def _hostile_model() -> Model:
    model = Model(source=Source("academicpages", "x"), site=Site(title="../../t", name="N"))
    for n, bad in enumerate(HOSTILE):
        model.publications.append(Publication(
            id=bad or "p", title=bad or "T", year=2020, date="2020-01-01",
            links={"pdf": bad, "html": "javascript:alert(1)"}, image=bad,
            extra={"permalink": bad, "file": bad}))
        model.projects.append(Project(id=f"{bad}{n}", title=bad or "P", image=bad,
                                      links={"website": bad}, category=bad))
        model.pages.append(Page(id=f"{bad}{n}", title=bad, permalink=bad, nav=True))
        model.items.append(Item(collection=bad or "talks", id=f"{bad}{n}", title=bad))
    model.themes.append(Theme(id="../t", title="../../theme", publication_ids=["p"]))
    return model


@pytest.mark.parametrize("target", sorted(target_themes()))
def test_no_writer_path_leaves_output_folder(target: str, tmp_path: Path) -> None:
    files = get_writer(target).write(_hostile_model(), WriteContext(Diagnostics()))
    for rel in files:
        assert safe_relative_path(rel) == rel
        assert len(Path(rel).name.encode()) <= 255
    out = tmp_path / "out"
    write_atomically(files, out)
    written = {p.resolve() for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p.is_relative_to(out.resolve()) for p in written)


def _tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _small_site(root: Path) -> Path:
    site = root / "site"
    (site / "_publications").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Lab\nauthor:\n  name: A\n  googlescholar: x\n")
    (site / "_publications" / "2020-01-01-paper.md").write_text(
        "---\ntitle: Paper\ncollection: publications\nvenue: J\ndate: 2020-01-01\n---\nAbs\n")
    return site


def test_symlinks_out_of_the_source_and_loops_are_not_followed(tmp_path: Path) -> None:
    site = _small_site(tmp_path)
    outside = tmp_path / "outside"
    (outside / "_publications").mkdir(parents=True)
    (outside / "_publications" / "2021-01-01-secret.md").write_text(
        "---\ntitle: Secret\ncollection: publications\n---\n")
    (site / "_pages").mkdir()
    os.symlink(outside / "_publications" / "2021-01-01-secret.md",
               site / "_publications" / "2021-01-01-secret.md")
    os.symlink(site, site / "_pages" / "loop")
    os.symlink(outside, site / "_data")
    model = read_site(site)
    assert "Secret" not in {p.title for p in model.publications}
    ctx = ReadContext(site, Diagnostics())
    assert list(ctx.walk(site)) is not None  # terminates despite the loop


def test_source_tree_is_never_modified(tmp_path: Path) -> None:
    site = _small_site(tmp_path)
    before = _tree_hash(site)
    for target in sorted(target_themes()):
        migrate(site, target, tmp_path / f"out-{target}")
    assert _tree_hash(site) == before


def test_oversized_file_is_refused_with_a_diagnostic(tmp_path: Path) -> None:
    page = tmp_path / "big.md"
    page.write_text("# Research\n" + "x" * 5000)
    ctx = ReadContext(tmp_path, Diagnostics(), max_bytes=1000)
    assert ctx.read_text(page) is None
    assert [d.code for d in ctx.diagnostics] == ["SM501"]


# --- hostile site folders through the real CLI ---------------------------------------------

BAD_NAMES = ["..", "../x", "..\\..\\x", "%2e%2e", "%2e%2e%2f%2e%2e%2fx", "~", "~root", "C:",
             "C:\\evil", "/etc", "a/../../b", "\u202e", "con", "x" * 250, "\\\\server\\share"]


def _front(**meta: str) -> str:
    lines = "".join(f"{k}: {v!r}\n" if not isinstance(v, str) else f"{k}: {_q(v)}\n"
                    for k, v in meta.items())
    return f"---\n{lines}---\nBody.\n"


def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _hostile_site(root: Path, n: int) -> Path:
    """A site whose every path-like value tries to leave the output folder."""
    bad = BAD_NAMES[n % len(BAD_NAMES)]
    other = BAD_NAMES[(n + 3) % len(BAD_NAMES)]
    site = root / f"site{n}"
    for folder in ("_publications", "_pages", "_projects", "_talks", "_portfolio", "_data",
                   "_bibliography", "_teaching", "_posts", "_news"):
        (site / folder).mkdir(parents=True)
    (site / "_config.yml").write_text(
        f"title: {_q(bad)}\nurl: {_q(bad)}\nbaseurl: {_q('/../../' + bad)}\n"
        f"collections:\n  {_q(bad.replace(':', '') or 'x')}:\n    output: true\n"
        f"    permalink: {_q('/../../../' + bad + '/:path/')}\n"
        "author:\n  name: Hostile\n  avatar: ../../../../etc/passwd\n")
    safe_stem = bad.replace("/", "_").replace("\\", "_")[:200] or "x"
    for i, (folder, prefix) in enumerate((("_publications", "2020-01-01-"),
                                          ("_talks", "2020-01-01-"), ("_posts", "2020-01-01-"),
                                          ("_projects", ""), ("_pages", ""), ("_news", ""),
                                          ("_teaching", ""), ("_portfolio", ""))):
        meta = {"title": bad or "t", "permalink": "/../../" + other + f"/{i}",
                "redirect_from": "../../../" + bad, "collection": folder.strip("_"),
                "venue": other, "date": "2020-01-01", "paperurl": "file:///etc/passwd",
                "img": "../../../etc/shadow", "image": "/../../../x.png", "slug": "../" + bad,
                "id": other, "category": "../../" + bad, "layout": "../../../" + bad,
                "nav": "true", "importance": "1"}
        (site / folder / f"{prefix}{safe_stem}{i}.md").write_text(_front(**meta))
        (site / folder / f"{prefix}..{i}.md").write_text(_front(**{**meta, "title": f"dots {i}"}))
    (site / "_data" / "publist.yml").write_text(
        f"- title: {_q(bad)}\n  authors: A\n  link:\n    url: {_q('../../' + other)}\n"
        f"    display: J\n  image: {_q('../../../' + bad)}\n  year: 2020\n")
    (site / "_data" / "socials.yml").write_text(f"github_username: {_q('../../' + bad)}\n")
    (site / "_bibliography" / "papers.bib").write_text(
        f"@article{{{safe_stem[:60].replace(',', '_') or 'k'}/../../x,\n"
        f"  title = {{{bad or 't'}}}, author = {{A, B}}, year = {{2020}},\n"
        f"  pdf = {{../../../{bad}}}, preview = {{../../{other}}}, journal = {{J}}\n}}\n")
    (site / "markdown_generator").mkdir()
    (site / "markdown_generator" / "publications.tsv").write_text(
        "pub_date\ttitle\tvenue\texcerpt\tcitation\turl_slug\tpaper_url\n"
        f"2020-01-01\t{bad}\tJ\t\t\t../../../{bad}\t../{other}\n")
    return site


def _outside_snapshot(root: Path, out: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if not p.resolve().is_relative_to(out.resolve())}


@pytest.mark.parametrize("n", range(0, len(BAD_NAMES), 4))
def test_hostile_site_folders_migrate_only_into_out(n: int, tmp_path: Path) -> None:
    site = _hostile_site(tmp_path / "in", n)
    work = tmp_path / "work"
    (work / "deep" / "er").mkdir(parents=True)
    before = _outside_snapshot(tmp_path, work / "deep" / "er")
    source_hash = _tree_hash(site)
    for target in sorted(target_themes()):
        for kind in ("academicpages", "allanlab", "custom"):
            out = work / "deep" / "er" / f"out-{kind}-{target}"
            result = CliRunner().invoke(cli, ["migrate", str(site), "--from", kind,
                                              "--to", target, "-o", str(out)])
            assert result.exit_code in (0, 1), result.output
            assert not isinstance(result.exception, Exception) or \
                isinstance(result.exception, SystemExit), repr(result.exception)
            assert "Traceback" not in result.output
            assert not any(p.is_symlink() for p in out.rglob("*"))
    after = _outside_snapshot(tmp_path, work / "deep" / "er")
    assert after == before, sorted(after ^ before)
    assert _tree_hash(site) == source_hash


def test_symlinked_source_files_do_not_leak_into_the_output(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: TOPSECRET\ncollection: publications\n---\nTOPSECRET body\n")
    site = _small_site(tmp_path)
    os.symlink(secret, site / "_publications" / "2021-01-01-leak.md")
    os.symlink(tmp_path, site / "_pages")
    (site / "_includes").mkdir()
    (site / "index.md").write_text("---\ntitle: Home\n---\n"
                                  "{% include_relative ../secret.md %}{% include ../../secret.md %}"
                                  "{% include_relative _pages/secret.md %}\n")
    for target in sorted(target_themes()):
        out = tmp_path / f"out-{target}"
        migrate(site, target, out)
        for path in out.rglob("*"):
            if path.is_file():
                assert b"TOPSECRET" not in path.read_bytes(), path


# --- the source is never modified ----------------------------------------------------------

def _copies_of_real_sites(tmp_path: Path) -> dict[Path, str]:
    """Every sample and one corpus site per group, copied (the shared tree is read-only),
    with the kind to read them as (the folder of a sample or corpus group is named by it)."""
    sites = [p for p in sorted(SAMPLES.iterdir()) if p.is_dir()] if SAMPLES.is_dir() else []
    if CORPUS.is_dir():
        for group in ("academicpages", "al-folio", "allanlab", "custom"):
            sites.extend(corpus_sites(group)[:1])
    copies = {}
    for site in sites:
        copy = tmp_path / "src" / f"{site.parent.name}-{site.name}"
        shutil.copytree(site, copy, symlinks=True)
        copies[copy] = site.name if site.parent == SAMPLES else site.parent.name
    return copies


def _sources_in(folder: Path) -> list[Path]:
    """A site folder itself, or the files of a single-file kind's sample (bibtex, tsv…)."""
    if any((folder / name).is_file() for name in ("_config.yml", "_config.yaml")):
        return [folder]
    return sorted(p for p in folder.iterdir() if p.is_file())


def test_migrations_of_samples_and_corpus_sites_leave_the_source_unchanged(
        tmp_path: Path) -> None:
    copies = _copies_of_real_sites(tmp_path)
    assert copies
    before = {site: _tree_hash(site) for site in copies}
    stamps = {site: sorted((p.as_posix(), p.stat().st_mtime_ns) for p in site.rglob("*"))
              for site in copies}
    targets = sorted(target_themes())
    for n, (site, kind) in enumerate(copies.items()):  # each site to one target, in turn
        target = targets[n % len(targets)]
        for source in _sources_in(site):
            migrate(source, target, tmp_path / "out" / site.name / target / source.name,
                    kind=kind)
    for site in copies:
        assert _tree_hash(site) == before[site], site.name
        assert sorted((p.as_posix(), p.stat().st_mtime_ns) for p in site.rglob("*")) == \
            stamps[site], site.name


# --- nothing reaches the network -----------------------------------------------------------

def test_no_migration_touches_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          ) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled by test_security")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(None, a))  # type: ignore
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    samples = [p for p in sorted(SAMPLES.iterdir()) if p.is_dir()]
    assert samples
    for sample in samples:
        for target in sorted(target_themes()):
            for source in _sources_in(sample):
                plan = migrate(source, target, tmp_path / sample.name / target / source.name,
                               kind=sample.name)
                assert plan.written
    assert attempts == []


# --- a real migration killed mid-write ------------------------------------------------------

def _big_academicpages_site(root: Path, pubs: int) -> Path:
    (root / "_publications").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Big Lab\nauthor:\n  name: A. Researcher\n")
    body = "Lorem ipsum dolor sit amet. " * 100
    for i in range(pubs):
        (root / "_publications" / f"2020-01-{i % 28 + 1:02d}-paper-{i}.md").write_text(
            f"---\ntitle: 'Paper {i}'\ncollection: publications\nvenue: 'Journal {i % 7}'\n"
            f"date: 2020-01-{i % 28 + 1:02d}\npaperurl: 'https://example.org/{i}.pdf'\n---\n"
            f"{body}\n")
    return root


def _files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_sigkill_of_a_real_migration_leaves_out_as_before_or_complete(tmp_path: Path) -> None:
    import signal
    import time

    src = _big_academicpages_site(tmp_path / "src", 500)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "sitemigrate", "migrate", str(src), "--to", "al-folio",
           "-o", str(out), "--force"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    assert subprocess.run(cmd, capture_output=True, env=env).returncode in (0, 1)
    old = _files(out)
    (src / "_config.yml").write_text("title: Renamed Lab\nauthor:\n  name: A. Researcher\n")
    new = {rel: hashlib.sha256(data).hexdigest()
           for rel, data in migrate(src, "al-folio", out, dry_run=True).files.items()}
    complete = {**old, **new}
    assert complete != old
    staged = 0
    for delay in (0.2, 0.6, 1.0, 1.5, 2.5, 4.0):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env)
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            staged += any(p.name.startswith(".out.") for p in tmp_path.iterdir())
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        state = _files(out)
        assert state in (old, complete), f"output torn by a SIGKILL after {delay} s"
        if state == complete:
            break
    assert subprocess.run(cmd, capture_output=True, env=env).returncode in (0, 1)
    assert _files(out) == complete
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]
