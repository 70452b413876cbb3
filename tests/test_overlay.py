"""Without --onto the output is an overlay: copied over a fresh checkout of the theme, its
``_config.yml`` replaces the theme's, so it must carry what the pages need (``include:``
for ``_pages``, page ``defaults:``, the collections written)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import sample_sources

from sitemigrate.common.site_config import complete_config
from sitemigrate.parsing.config_yaml import load_config
from sitemigrate.pipeline import migrate

SAMPLES = sample_sources()


def _config(out: Path) -> dict:  # type: ignore[type-arg]
    config = load_config((out / "_config.yml").read_bytes())
    assert config is not None
    return config


def _collection_folders(out: Path) -> set[str]:
    return {p.name[1:] for p in out.iterdir()
            if p.is_dir() and p.name.startswith("_")
            and p.name not in ("_pages", "_data", "_bibliography", "_posts", "_sitemigrate")}


@pytest.mark.parametrize("target", ["academicpages", "al-folio", "allanlab"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_overlay_config_declares_what_its_files_need(sample: Path, target: str,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    migrate(sample, target, out)
    config = _config(out)
    if (out / "_pages").is_dir():
        assert "_pages" in config["include"], config.get("include")
    declared = set(config.get("collections") or {})
    assert _collection_folders(out) <= declared
    if target == "academicpages":
        scopes = {(d["scope"].get("type")) for d in config["defaults"]}
        assert {"pages", "posts", "publications", "talks"} <= scopes
        assert config["future"] is True and config["locale"] == "en-US"


def test_merge_into_an_existing_config_only_adds_include(tmp_path: Path) -> None:
    config = load_config("# mine\ninclude: [_drafts]  # keep\ntitle: T\n")
    assert config is not None
    complete_config(config, "academicpages", fresh=False)
    assert list(config["include"]) == ["_drafts", ".htaccess", "_pages", "files"]
    assert "defaults" not in config and "future" not in config


def test_model_lists_are_not_changed() -> None:
    include = ["_drafts"]
    config = {"include": include, "defaults": []}
    complete_config(config, "academicpages", fresh=True)
    assert include == ["_drafts"]
    assert "_pages" in config["include"]


@pytest.mark.skipif(shutil.which("jekyll") is None
                    or not os.environ.get("SITEMIGRATE_THEME_ACADEMICPAGES"),
                    reason="needs jekyll and SITEMIGRATE_THEME_ACADEMICPAGES=<checkout>")
def test_overlay_copied_over_a_checkout_builds_its_pages(tmp_path: Path) -> None:
    from sitemigrate.verify import verify_site

    site = tmp_path / "site"
    shutil.copytree(os.environ["SITEMIGRATE_THEME_ACADEMICPAGES"], site,
                    ignore=shutil.ignore_patterns(".git"))
    out = tmp_path / "out"
    migrate(next(s for s in SAMPLES if s.name == "academicpages"), "academicpages", out)
    shutil.copytree(out, site, dirs_exist_ok=True)
    report = verify_site(site, "academicpages", build=True)
    assert report.built, report.diagnostics
    missing = [d.message for d in report.diagnostics if d.code == "SM607"]
    assert not [m for m in missing if m.startswith("page")], missing
