"""verify: static checks catch what makes a theme hide or drop items; --onto builds on a
theme checkout without touching it; a Jekyll build check runs when jekyll and a checkout
are available (SITEMIGRATE_THEME_ACADEMICPAGES=/path/to/checkout)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import sample_sources

from sitemigrate.cli import cli
from sitemigrate.pipeline import migrate
from sitemigrate.registry import target_themes
from sitemigrate.verify import verify_site

SAMPLES = [s for s in sample_sources() if s.is_dir()]


def _codes(report) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(d.code for d in report.diagnostics if d.level == "error")


@pytest.mark.parametrize("target", sorted(target_themes()))
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_migrated_samples_pass_the_static_checks(sample: Path, target: str,
                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    migrate(sample, target, out)
    report = verify_site(out, target)
    assert report.ok, [f"{d.location()} {d.code} {d.message}" for d in report.diagnostics]


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


AP_CONFIG = ("title: T\nauthor:\n  name: A\n  googlescholar: x\npublication_category:\n"
             "  books:\n    title: Books\ncollections:\n  publications:\n    output: true\n")


def test_academicpages_hidden_publication_and_unknown_tag(tmp_path: Path) -> None:
    site = _write(tmp_path, {
        "_config.yml": AP_CONFIG,
        "_publications/2020-01-01-a.md": "---\ntitle: A\npermalink: /publication/a\n"
        "date: 2020-01-01\nvenue: V\ncategory: talks\ncitation: c\n---\n",
        "_publications/2020-01-01-b.md": "---\ntitle: B\npermalink: /publication/a\n---\n",
        "_pages/research.md": "---\npermalink: /research/\n---\n{% cite a %}\n"
        "[x](/nowhere/)\n",
    })
    codes = [d.code for d in verify_site(site, "academicpages").diagnostics]
    assert "SM602" in codes  # category talks is not in publication_category
    assert "SM601" in codes  # b lacks date, venue, category, citation
    assert "SM603" in codes  # both use /publication/a
    assert "SM606" in codes  # {% cite %} aborts an academicpages build
    assert "SM604" in codes  # /nowhere/


def test_alfolio_hidden_project_and_leaking_bib_field(tmp_path: Path) -> None:
    site = _write(tmp_path, {
        "_config.yml": "first_name: A\nlast_name: B\nscholar:\n  bibliography: papers.bib\n"
        "  bibliography_template: bib\nfiltered_bibtex_keywords: [abbr]\n",
        "_bibliography/papers.bib": "@article{k, title={T}, year={2020}, secret={x}}\n"
        "@article{k, title={U}, year={2021}}\n",
        "_pages/projects.md": "---\nlayout: page\npermalink: /projects/\n"
        "display_categories: [work]\n---\n",
        "_projects/p.md": "---\nlayout: page\ntitle: P\ndescription: d\nimportance: 1\n"
        "category: fun\n---\n",
    })
    report = verify_site(site, "al-folio")
    messages = " ".join(d.message for d in report.diagnostics)
    assert "secret" in messages
    assert "SM602" in _codes(report)


def test_allanlab_string_highlight_is_flagged(tmp_path: Path) -> None:
    site = _write(tmp_path, {
        "_config.yml": "title: Lab\n",
        "_data/publist.yml": "- title: T\n  authors: A\n  link: {url: x, display: y}\n"
        "  highlight: '1'\n",
        "_pages/research.md": "---\nlayout: textlay\npermalink: /research/\n---\n# R\n",
    })
    assert "SM602" in _codes(verify_site(site, "allanlab"))


def _tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_onto_removes_sample_content_keeps_config_comments(tmp_path: Path) -> None:
    theme = _write(tmp_path / "theme", {
        "_config.yml": "# Site settings\ntitle: Your Name  # shown in the masthead\n"
        "author:\n  name: Your Name\n  googlescholar: x\n",
        "_publications/2009-10-01-paper-title-number-1.md": "---\ntitle: Sample\n---\n",
        "_layouts/single.html": "<html>{{ content }}</html>\n",
        "_pages/markdown.md": "---\ntitle: Markdown\n---\n",
        ".git/HEAD": "ref: refs/heads/master\n",
    })
    before = _tree_hash(theme)
    sample = next(s for s in SAMPLES if s.name == "academicpages")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["migrate", str(sample), "--to", "academicpages", "-o",
                                      str(out), "--onto", str(theme)])
    assert result.exit_code in (0, 1), result.output
    assert _tree_hash(theme) == before
    assert (out / "_layouts/single.html").is_file()
    assert not (out / "_publications/2009-10-01-paper-title-number-1.md").exists()
    assert not (out / "_pages/markdown.md").exists()
    assert not (out / ".git").exists()
    assert "# Site settings" in (out / "_config.yml").read_text()


@pytest.mark.skipif(shutil.which("jekyll") is None
                    or not os.environ.get("SITEMIGRATE_THEME_ACADEMICPAGES"),
                    reason="needs jekyll and SITEMIGRATE_THEME_ACADEMICPAGES=<checkout>")
def test_build_shows_every_item(tmp_path: Path) -> None:
    theme = Path(os.environ["SITEMIGRATE_THEME_ACADEMICPAGES"])
    sample = next(s for s in SAMPLES if s.name == "academicpages")
    out = tmp_path / "out"
    migrate(sample, "academicpages", out, onto=theme)
    report = verify_site(out, "academicpages", build=True)
    assert report.built
    assert report.items_found == report.items_checked > 0, report.diagnostics
    assert report.home
    shown, expected = report.listings["publications"]
    assert shown == expected > 0


@pytest.mark.skipif(shutil.which("jekyll") is None
                    or not os.environ.get("SITEMIGRATE_THEME_ACADEMICPAGES"),
                    reason="needs jekyll and SITEMIGRATE_THEME_ACADEMICPAGES=<checkout>")
def test_build_counts_the_listing_page_and_finds_template_leftovers(tmp_path: Path) -> None:
    theme = Path(os.environ["SITEMIGRATE_THEME_ACADEMICPAGES"])
    site = tmp_path / "site"
    shutil.copytree(theme, site, ignore=shutil.ignore_patterns(".git", "Gemfile*"))
    publications = next((site / "_pages").glob("publications.*"))
    publications.write_text("---\ntitle: Publications\npermalink: /publications/\n---\n"
                            "Nothing listed here.\n", encoding="utf-8")
    report = verify_site(site, "academicpages", build=True)
    shown, expected = report.listings["publications"]
    assert shown == 0 < expected  # each paper's own page exists, but the listing is empty
    codes = {d.code for d in report.diagnostics}
    assert {"SM607", "SM611"} <= codes  # not listed; "Red Brick University" still shown


def test_tags_inside_raw_and_comment_blocks_are_not_flagged(tmp_path: Path) -> None:
    site = _write(tmp_path, {
        "_config.yml": AP_CONFIG,
        "_pages/a.md": "---\npermalink: /a/\n---\n{% raw %}{% cite x %}{% endraw %}\n"
        "{% comment %}\n{% bibliography %}\n{% endcomment %}\n{% cite y %}\n",
    })
    flagged = [d for d in verify_site(site, "academicpages").diagnostics if d.code == "SM606"]
    assert [(d.file, d.line) for d in flagged] == [("_pages/a.md", 8)]


def test_build_match_ignores_markup_in_titles() -> None:
    from sitemigrate.verify.build import _normalize

    html = "<h2>Paper Title Number 5, with math \\(E=mc^2\\)</h2><p>LOVA<sup>3</sup></p>"
    assert _normalize("Paper Title Number 5, with math $$E=mc^2$$") in _normalize(html)
    assert _normalize("LOVA<sup>3</sup>") in _normalize(html)
