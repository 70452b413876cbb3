"""Files the content references come along: copied at the same path (so every link to them
still works), moved where a theme wants them (al-folio previews), reported when missing, and
never read from outside the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitemigrate.assets import asset_path
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.parsing.bibtex import parse_bibtex
from sitemigrate.pipeline import migrate
from sitemigrate.registry import target_themes


def _site(root: Path) -> Path:
    (root / "files").mkdir(parents=True)
    (root / "images" / "pubpic").mkdir(parents=True)
    (root / "_data").mkdir()
    (root / "_config.yml").write_text("title: Lab\n", encoding="utf-8")
    (root / "files" / "cv.pdf").write_bytes(b"%PDF-cv")
    (root / "images" / "me.png").write_bytes(b"png-me")
    (root / "images" / "pubpic" / "fig.png").write_bytes(b"png-fig")
    (root / "_data" / "publist.yml").write_text(
        "- title: A Paper\n  authors: A. B\n  image: fig.png\n  highlight: 1\n"
        "  link:\n    url: /files/paper.pdf\n    display: Nature (2020)\n", encoding="utf-8")
    (root / "_pages").mkdir()
    (root / "_pages" / "cv.md").write_text(
        "---\ntitle: CV\nlayout: textlay\npermalink: /cv/\n---\n"
        "[My CV](/files/cv.pdf) ![me]({{ site.baseurl }}/images/me.png)\n", encoding="utf-8")
    (root / "_pages" / "publications.md").write_text(
        "---\ntitle: Publications\nlayout: gridlay\npermalink: /publications/\n---\n"
        "{% for publi in site.data.publist %}{{ publi.title }}{% endfor %}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("target", target_themes())
def test_referenced_files_are_copied_at_their_path(tmp_path: Path, target: str) -> None:
    out = tmp_path / "out"
    plan = migrate(_site(tmp_path / "site"), target, out)
    assert (out / "files" / "cv.pdf").read_bytes() == b"%PDF-cv"
    assert (out / "images" / "me.png").read_bytes() == b"png-me"
    missing = [d for d in plan.diagnostics if d.code == "SM212"]
    assert [d.message.split(" ")[0] for d in missing] == ["files/paper.pdf"]
    assert missing[0].file == "_data/publist.yml"


def test_al_folio_previews_move_to_the_preview_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    migrate(_site(tmp_path / "site"), "al-folio", out)
    bib = (out / "_bibliography" / "papers.bib").read_text("utf-8")
    entries = parse_bibtex(bib, "papers.bib", Diagnostics())
    assert entries[0].fields["preview"] == "fig.png"  # al-folio prefixes the folder itself
    assert (out / "assets/img/publication_preview/fig.png").read_bytes() == b"png-fig"


def test_nothing_outside_the_source_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"secret")
    site = _site(tmp_path / "site")
    (site / "files" / "link.pdf").symlink_to(secret)
    page = site / "_pages" / "cv.md"
    page.write_text(page.read_text("utf-8") + "[a](/files/link.pdf) [b](/../secret.pdf)\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    migrate(site, "allanlab", out)
    assert not (out / "files" / "link.pdf").exists()
    assert not any(p.name == "secret.pdf" for p in out.rglob("*"))


@pytest.mark.parametrize(("reference", "expected"), [
    ("/files/a.pdf", "files/a.pdf"),
    ("files/a.pdf", "files/a.pdf"),
    ("{{ base_path }}/images/x.png", "images/x.png"),
    ("/images/x.png?v=2#top", "images/x.png"),
    ("https://example.org/a.pdf", None),
    ("/publications/", None),
    ("notes/a.pdf", None),  # a relative path outside the usual folders: a page's own
    ("/../etc/passwd.txt", None),
])
def test_asset_path(reference: str, expected: str | None) -> None:
    assert asset_path(reference) == expected


def _profile_site(root: Path, theme: str) -> Path:
    """A site whose profile picture sits where ``theme`` keeps it."""
    if theme == "academicpages":
        files = {"_config.yml": "title: T\nauthor:\n  name: Ada Lovelace\n  avatar: me.jpg\n",
                 "images/me.jpg": "JPEG", "_publications/2020-01-01-p.md":
                 "---\ntitle: A Paper\ncollection: publications\ndate: 2020-01-01\n---\n"}
    else:
        files = {"_config.yml": "title: T\nfirst_name: Ada\nlast_name: Lovelace\n",
                 "_pages/about.md": "---\nlayout: about\npermalink: /\nprofile:\n"
                                    "  image: people/me.jpg\n---\nHello.\n",
                 "assets/img/people/me.jpg": "JPEG",
                 "_bibliography/papers.bib": "@article{p, title={A Paper}, year={2020}}\n"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(("source", "target", "shown_as", "copied_to"), [
    ("academicpages", "al-folio", "image: me.jpg", "assets/img/me.jpg"),
    ("al-folio", "academicpages", "avatar: me.jpg", "images/me.jpg"),
    ("academicpages", "academicpages", "avatar: me.jpg", "images/me.jpg"),
    ("al-folio", "al-folio", "image: people/me.jpg", "assets/img/people/me.jpg"),
])
def test_the_profile_picture_goes_where_the_target_shows_it(
        tmp_path: Path, source: str, target: str, shown_as: str, copied_to: str) -> None:
    out = tmp_path / "out"
    migrate(_profile_site(tmp_path / "site", source), target, out)
    assert (out / copied_to).read_text(encoding="utf-8") == "JPEG"
    written = "_config.yml" if target == "academicpages" else "_pages/about.md"
    assert shown_as in (out / written).read_text(encoding="utf-8")


def test_an_added_sources_files_come_from_its_own_folder(tmp_path: Path) -> None:
    """``--add``: a publication of the added site links a PDF of that site's folder."""
    first = _profile_site(tmp_path / "first", "academicpages")
    added = tmp_path / "added"
    (added / "_bibliography").mkdir(parents=True)
    (added / "files").mkdir()
    (added / "files" / "other.pdf").write_bytes(b"%PDF other")
    (added / "_bibliography" / "papers.bib").write_text(
        "@article{o, title={Another Paper}, year={2021}, pdf={/files/other.pdf}}\n",
        encoding="utf-8")
    (added / "_config.yml").write_text("title: Added\n", encoding="utf-8")
    out = tmp_path / "out"
    plan = migrate(first, "academicpages", out, add=[added])
    assert (out / "files" / "other.pdf").read_bytes() == b"%PDF other"
    assert not [d for d in plan.diagnostics if d.code == "SM212" and "other.pdf" in d.message]


def test_a_hugo_sites_static_files_come_along(tmp_path: Path) -> None:
    """Hugo serves ``static/`` at the root: ``url_pdf: uploads/cv.pdf`` is static/uploads/."""
    site = tmp_path / "site"
    bundle = site / "content" / "publication" / "paper"
    bundle.mkdir(parents=True)
    (site / "config" / "_default").mkdir(parents=True)
    (site / "config" / "_default" / "hugo.yaml").write_text("title: Lab\n", encoding="utf-8")
    (site / "static" / "uploads").mkdir(parents=True)
    (site / "static" / "uploads" / "paper.pdf").write_bytes(b"%PDF static")
    (bundle / "index.md").write_text(
        "---\ntitle: A Paper\ndate: 2021-01-01\nurl_pdf: uploads/paper.pdf\n---\n",
        encoding="utf-8")
    out = tmp_path / "out"
    plan = migrate(site, "academicpages", out, kind="hugoblox")
    assert (out / "uploads" / "paper.pdf").read_bytes() == b"%PDF static"
    assert not [d for d in plan.diagnostics if d.code == "SM212"]
