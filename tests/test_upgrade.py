"""``sitemigrate upgrade``: base-version detection on the shipped hashes of real template
versions, and a customised fork of a small template of our own (``fixtures/upgrade``:
``template-old`` the version forked, ``template-new`` the newer checkout, ``fork`` the
user's site: an added layout, include and style, a changed include the new version left
alone, a changed include the new version changed too, user config keys incl. a renamed
and a dropped one).

With ``SITEMIGRATE_THEME_ACADEMICPAGES`` / ``..._ALFOLIO`` / ``..._ALLANLAB`` naming
checkouts of the current templates, every corpus site of that theme is upgraded onto it.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitemigrate.cli import cli
from sitemigrate.pipeline import SourceError
from sitemigrate.registry import target_themes
from sitemigrate.upgrade.plan import plan_upgrade, table_from_folders
from sitemigrate.upgrade.versions import (
    CONFIG_PREFIX,
    checkout_family,
    detect_base,
    file_hash,
    format_ranges,
    parse_ranges,
    version_table,
)

FIXTURES = Path(__file__).parent / "fixtures" / "upgrade"
FORK, OLD, NEW = FIXTURES / "fork", FIXTURES / "template-old", FIXTURES / "template-new"
GOLDEN = Path(__file__).parent / "golden" / "upgrade" / "fork-dry-run.txt"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
THEMES = ["academicpages", "al-folio", "allanlab"]
#: the template commits the writers target (converters/<theme>.yml's header comments)
TIPS = {"academicpages": "9b33e6e", "al-folio": "58f4e02", "allanlab": "e81757e"}


# -- the shipped hash data -------------------------------------------------------------------

def test_ranges_round_trip() -> None:
    indexes = {0, 1, 2, 3, 7, 9, 10}
    assert format_ranges(indexes) == "0-3,7,9-10"
    assert parse_ranges(format_ranges(indexes)) == indexes
    assert parse_ranges("") == set()


def test_file_hash_ignores_line_endings_and_bom() -> None:
    assert file_hash(b"a\nb\n") == file_hash(b"a\r\nb\r\n") == file_hash(b"\xef\xbb\xbfa\nb\n")
    assert file_hash(b"a\nb\n") != file_hash(b"a\nc\n")


@pytest.mark.parametrize("theme", THEMES)
def test_shipped_versions_end_at_the_template_the_writer_targets(theme: str) -> None:
    table = version_table(theme)
    assert table is not None
    assert table.versions[-1].commit == TIPS[theme]
    assert len(table.versions) >= 20
    dates = [v.date for v in table.versions]
    assert dates == sorted(dates)
    size = (Path(__file__).resolve().parents[1] / "converters" / "versions"
            / f"{theme}.json").stat().st_size
    assert size < 150_000  # hashes only: a compact fact table, not the theme
    # every sampled version has its layouts and config keys
    for version in table.versions:
        paths = table.paths_of(version.index)
        assert any(p.startswith("_layouts/") for p in paths), version
        assert any(p.startswith(CONFIG_PREFIX) for p in paths), version


def _site_of(theme: str, index: int, *, config_only: bool = False) -> dict[str, str]:
    """The hashes a fork of version ``index`` has: its theme files and config values, as
    the shipped data gives them (no file of the theme is needed)."""
    table = version_table(theme)
    assert table is not None
    files = {}
    for path in table.paths_of(index):
        if config_only and not path.startswith(CONFIG_PREFIX):
            continue
        digest = table.hash_at(path, index)
        assert digest is not None
        files[path] = digest
    return files


@pytest.mark.parametrize("theme", THEMES)
def test_base_version_of_an_untouched_fork_of_each_version(theme: str) -> None:
    table = version_table(theme)
    assert table is not None
    for version in table.versions:
        guess = detect_base(table, _site_of(theme, version.index))
        assert guess.version is not None
        assert version in guess.tied, (theme, version, guess.span)
        # a tie only among versions whose files are all the same as this one's
        assert guess.matched == guess.compared


@pytest.mark.parametrize("theme", THEMES)
def test_base_version_of_a_customised_fork(theme: str) -> None:
    """Changed files, files of the user's own and changed config values still find the
    version (sampled over the table, seeded)."""
    table = version_table(theme)
    assert table is not None
    rng = random.Random(20)
    for version in table.versions[::3]:
        files = _site_of(theme, version.index)
        theme_files = sorted(p for p in files if p.startswith(("_layouts/", "_includes/")))
        for path in rng.sample(theme_files, min(3, len(theme_files) // 4)):
            files[path] = "0123456789ab"  # edited by the user
        files["_layouts/my-lab.html"] = "ba9876543210"
        files[CONFIG_PREFIX + "title"] = "00000000aaaa"
        files[CONFIG_PREFIX + "my_own_key"] = "00000000bbbb"
        guess = detect_base(table, files)
        assert version in guess.tied, (theme, version, guess.span)


@pytest.mark.parametrize("theme", THEMES)
def test_base_version_from_the_config_alone(theme: str) -> None:
    """The corpus holds content only (no layouts): the config's values still narrow the
    version down to one whose config is the same."""
    table = version_table(theme)
    assert table is not None
    for version in table.versions[::4]:
        guess = detect_base(table, _site_of(theme, version.index, config_only=True))
        assert guess.version is not None
        same = _site_of(theme, guess.version.index, config_only=True)
        assert same == _site_of(theme, version.index, config_only=True) or version in guess.tied


def test_nothing_known_is_an_unknown_base() -> None:
    table = version_table("academicpages")
    assert table is not None
    guess = detect_base(table, {"_layouts/x.html": "0123456789ab"})
    assert guess.version is None and guess.span == "unknown"


def test_writer_chosen_from_the_checkout(tmp_path: Path) -> None:
    v1 = tmp_path / "v1"
    v1.mkdir()
    (v1 / "Gemfile").write_text('source "https://rubygems.org"\ngem "al_folio_core"\n')
    old = tmp_path / "old"
    old.mkdir()
    (old / "Gemfile").write_text('gem "jekyll-scholar"\n')
    family = checkout_family("al-folio", v1)  # the version al-folio's own detection sees
    assert family is not None and (family.name, family.writer) == ("1", "al-folio")
    pre = checkout_family("al-folio", old)  # no version shows: the pre-v1 layout
    assert pre is not None and (pre.name, pre.writer) == ("0.x", "al-folio@0.x")
    assert checkout_family("academicpages", old) is not None


def test_a_v1_checkout_needs_the_v1_writer(tmp_path: Path) -> None:
    site = CORPUS / "al-folio" / "AB-Ares__website"
    if not site.is_dir():
        pytest.skip("needs ../shared/corpus")
    checkout = tmp_path / "al-folio-v1"
    shutil.copytree(site, checkout)
    (checkout / "Gemfile").write_text('gem "al_folio_core"\n')
    family = checkout_family("al-folio", checkout)
    assert family is not None
    if family.writer is not None:
        upgrade = plan_upgrade(site, checkout, tmp_path / "out")
        assert upgrade.writer == family.writer
    else:
        with pytest.raises(SourceError, match="no writer for that version"):
            plan_upgrade(site, checkout, tmp_path / "out")


# -- the customised fork ---------------------------------------------------------------------

def _fork_upgrade(tmp_path: Path, *, given_base: bool):
    if given_base:
        return plan_upgrade(FORK, NEW, tmp_path / "out", base_dir=OLD)
    table = table_from_folders("academicpages", [("2020-01-01", "old", OLD),
                                                 ("2024-09-01", "new", NEW)])
    return plan_upgrade(FORK, NEW, tmp_path / "out", table=table)


@pytest.mark.parametrize("given_base", [True, False], ids=["--base", "found"])
def test_customised_fork(tmp_path: Path, given_base: bool) -> None:
    upgrade = _fork_upgrade(tmp_path, given_base=given_base)
    assert upgrade.base.version is not None
    assert upgrade.base.version.commit == ("--base" if given_base else "old")
    assert upgrade.added == ["_includes/lab-banner.html", "_layouts/lab.html",
                             "assets/css/extra.css"]
    assert upgrade.kept == ["_includes/footer.html"]
    assert [c.path for c in upgrade.conflicts] == ["_includes/head.html"]
    assert upgrade.replaced == ["_includes/author-profile.html", "_layouts/default.html",
                                "_layouts/single.html"]
    assert upgrade.gone == ["_sass/_base.scss"]
    assert sorted(upgrade.moved) == ["_pages/about.md", "_pages/lab.md",
                                     "_publications/2020-05-01-notes-on-the-engine.md"]
    files = upgrade.plan.files

    def text(rel: str) -> str:
        data = files.get(rel)
        assert data is not None, rel
        return data.decode()

    # the conflict: the new version's file in place, the user's beside it, a 3-way diff
    assert text("_includes/head.html") == (NEW / "_includes/head.html").read_text()
    assert text("_includes/head.html.mine") == (FORK / "_includes/head.html").read_text()
    diff = upgrade.conflicts[0].diff()
    extra = '<link rel="stylesheet" href="{{ site.baseurl }}/assets/css/extra.css">'
    assert "viewport" in diff
    if given_base:  # base -> yours, base -> new version
        assert diff.count("--- base/_includes/head.html") == 2
        assert "\n+" + extra in diff
    else:  # no copy of the base: yours -> new version
        assert "--- yours/_includes/head.html" in diff and "\n-" + extra in diff
    # kept and added files are the user's bytes; the new version's files are there too
    assert text("_includes/footer.html") == (FORK / "_includes/footer.html").read_text()
    assert text("_layouts/lab.html") == (FORK / "_layouts/lab.html").read_text()
    assert text("_layouts/archive.html") == (NEW / "_layouts/archive.html").read_text()
    assert "_sass/_base.scss" not in files and "_sass/_layout.scss" in files
    # the user's own layout stays the page's layout
    assert re.search(r"^layout: lab$", text("_pages/lab.md"), re.M)
    assert "source_layout" not in text("_pages/lab.md")
    # config: the new version's comments and order, the user's values and own key,
    # gems renamed to plugins with the user's own plugin, old_feature dropped
    config = text("_config.yml")
    assert config.startswith("# Site settings of a small academic template (version 2)")
    assert "# Sidebar: every link is a full URL since version 2" in config
    assert 'title: "Ada Lovelace"' in config
    assert 'bio: "Mathematician; writes notes on engines"' in config
    assert "lab_name: Engine Lab" in config
    assert "words_per_minute: 200" in config  # the user never changed it: the new default
    assert "old_feature" not in config and "gems" not in config
    assert re.search(r"plugins:\n  - jekyll-feed\n  - jekyll-sitemap\n"
                     r"  - jekyll-last-modified-at\n", config)
    assert 'avatar: "profile.png"' in config  # the value the site had is not cleared
    merge = upgrade.config
    assert merge.renamed == [("gems", "plugins")]
    assert merge.dropped == ["old_feature"]
    assert any("author.mastodon" in note for note in merge.checks)
    codes = {d.code for d in upgrade.plan.diagnostics}
    assert {"SM223", "SM224", "SM225", "SM315", "SM316", "SM317"} <= codes
    assert "SM118" in codes and "SM117" not in codes
    assert upgrade.requirements and "category" in upgrade.requirements[0][1]


def test_a_binary_conflict_is_named_not_printed() -> None:
    from sitemigrate.upgrade.plan import Conflict

    conflict = Conflict("favicon.ico", b"\0\1mine", b"\0\1new", b"\0\1base")
    assert conflict.diff() == \
        "Binary files yours/favicon.ico and new-version/favicon.ico differ\n"
    assert "+new" in Conflict("a.txt", b"mine\n", b"new\n").diff()


def test_dry_run_output_is_the_golden_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["upgrade", str(FORK), "--onto", str(NEW), "--base",
                                      str(OLD), "-o", str(out), "--dry-run"])
    assert result.exit_code == 1, result.output  # a conflict is content to review
    assert not out.exists()
    text = result.output.replace(str(out), "OUT").replace(str(OLD), "TEMPLATE_OLD")
    if os.environ.get("SITEMIGRATE_ACCEPT") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_json_and_a_real_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(cli, ["upgrade", str(FORK), "--onto", str(NEW), "--base", str(OLD),
                                 "-o", str(out), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["conflicts"][0]["path"] == "_includes/head.html"
    assert data["config"]["renamed"] == [{"from": "gems", "to": "plugins"}]
    assert data["added"] == ["_includes/lab-banner.html", "_layouts/lab.html",
                             "assets/css/extra.css"]
    assert (out / "_includes/head.html.mine").read_bytes() == \
        (FORK / "_includes/head.html").read_bytes()
    assert (out / "_layouts/lab.html").is_file() and (out / "_layouts/archive.html").is_file()
    # again: nothing overwritten without --force; with it, the same bytes
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = runner.invoke(cli, ["upgrade", str(FORK), "--onto", str(NEW), "--base", str(OLD),
                                "-o", str(out), "--force"])
    assert again.exit_code == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_a_checkout_of_another_theme_is_refused(tmp_path: Path) -> None:
    other = CORPUS / "allanlab" / "mpa139__allanlab"
    if not other.is_dir():
        pytest.skip("needs ../shared/corpus")
    result = CliRunner().invoke(cli, ["upgrade", str(FORK), "--onto", str(other), "-o",
                                      str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "not academicpages" in result.output


# -- the corpus onto the real templates (opt-in) ---------------------------------------------

ENV = {"academicpages": "SITEMIGRATE_THEME_ACADEMICPAGES", "al-folio": "SITEMIGRATE_THEME_ALFOLIO",
       "allanlab": "SITEMIGRATE_THEME_ALLANLAB"}


@pytest.mark.parametrize("theme", THEMES)
def test_corpus_sites_upgrade_onto_the_current_template(theme: str, tmp_path: Path) -> None:
    checkout = os.environ.get(ENV[theme])
    if not checkout or not (CORPUS / theme).is_dir():
        pytest.skip(f"needs ../shared/corpus and {ENV[theme]}=<checkout>")
    for site in sorted((CORPUS / theme).iterdir()):
        upgrade = plan_upgrade(site, Path(checkout), tmp_path / site.name)
        assert upgrade.base.version is not None, site.name
        assert not upgrade.conflicts, site.name  # the corpus holds no layouts to conflict
        assert upgrade.moved, site.name
        assert "_config.yml" in upgrade.plan.files


def test_al_folio_fork_with_an_own_layout_and_a_renamed_include(tmp_path: Path) -> None:
    """al-folio renamed every include .html -> .liquid (2024-01): an include the user
    changed under the old name meets the new one there as a conflict; a page keeps the
    user's own layout (the al-folio writer keeps the old one last in the front matter)."""
    site_src = CORPUS / "al-folio" / "AB-Ares__website"
    template = CORPUS / "al-folio" / "alshedivat__al-folio"
    if not site_src.is_dir() or not template.is_dir():
        pytest.skip("needs ../shared/corpus")
    site, checkout = tmp_path / "site", tmp_path / "checkout"
    shutil.copytree(site_src, site)
    shutil.copytree(template, checkout)
    (checkout / "_includes").mkdir()
    (checkout / "_includes/footer.liquid").write_text("<footer>{{ site.footer_text }}</footer>\n")
    (site / "_includes").mkdir()
    (site / "_includes/footer.html").write_text("<footer>my own footer</footer>\n")
    (site / "_layouts").mkdir()
    (site / "_layouts/lab.html").write_text("---\nlayout: page\n---\n<b>{{ content }}</b>\n")
    (site / "_pages/lab.md").write_text("---\nlayout: lab\ntitle: lab\npermalink: /lab/\n"
                                        "nav: true\n---\nWho works here.\n")
    upgrade = plan_upgrade(site, checkout, tmp_path / "out")
    assert upgrade.family == "0.x"
    assert upgrade.writer == ("al-folio@0.x" if "al-folio@0.x" in target_themes() else "al-folio")
    assert [(c.path, c.renamed_from) for c in upgrade.conflicts] == [
        ("_includes/footer.liquid", "_includes/footer.html")]
    files = upgrade.plan.files
    assert files.get("_includes/footer.liquid.mine") == b"<footer>my own footer</footer>\n"
    assert files.get("_includes/footer.liquid") == \
        (checkout / "_includes/footer.liquid").read_bytes()
    assert "_layouts/lab.html" in upgrade.added
    lab = (files.get("_pages/lab.md") or b"").decode()
    assert re.search(r"^layout: lab$", lab, re.M) and "source_layout" not in lab
    front_matter_end = lab.index("\n---", 3)
    assert not lab[:front_matter_end].endswith("\n")  # no blank line left behind
