"""Containment: hostile paths never leave OUT, symlinks never leave the source, the source is
never modified, oversized files are refused."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from sitemigrate.diagnostics import Diagnostics
from sitemigrate.fileset import write_atomically
from sitemigrate.model import Item, Model, Page, Project, Publication, Site, Source, Theme
from sitemigrate.paths import safe_relative_path
from sitemigrate.pipeline import migrate, read_site
from sitemigrate.readers import ReadContext
from sitemigrate.writers import WRITERS, WriteContext, get_writer

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


@pytest.mark.parametrize("target", sorted(WRITERS))
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
    for target in sorted(WRITERS):
        migrate(site, target, tmp_path / f"out-{target}")
    assert _tree_hash(site) == before


def test_oversized_file_is_refused_with_a_diagnostic(tmp_path: Path) -> None:
    page = tmp_path / "big.md"
    page.write_text("# Research\n" + "x" * 5000)
    ctx = ReadContext(tmp_path, Diagnostics(), max_bytes=1000)
    assert ctx.read_text(page) is None
    assert [d.code for d in ctx.diagnostics] == ["SM501"]
