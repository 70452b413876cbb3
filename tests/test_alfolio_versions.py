"""al-folio's two versions: 0.x (layouts and plugins in the site) and v1 (runtime in the
al_folio_core gem).  Detection from a checkout's files, the registry rows, what each version's
writer writes, ``--onto`` picking the checkout's version, and the version-specific checks.

The checkouts here are small fixtures of our own (a few files each), not fetched ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SAMPLES as SAMPLES_DIR

from sitemigrate.common.writer import WriteContext
from sitemigrate.converters import converter, theme_versions
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.model import Model, Site, Source
from sitemigrate.parsing.yamlio import load_yaml
from sitemigrate.pipeline import migrate, plan_migration, read_site
from sitemigrate.registry import (
    UnknownThemeError,
    get_writer,
    spec,
    target_for_checkout,
    target_themes,
)
from sitemigrate.themes.al_folio.versions import checkout_version
from sitemigrate.verify import verify_site

V1_CONFIG = """title: blank
first_name: You
last_name: Name
theme: al_folio_core
al_folio:
  api_version: 1
  style_engine: tailwind
  tailwind: {version: 4.1.18, preflight: false, css_entry: assets/tailwind/app.css}
  distill: {engine: distillpub-template, source: x/y}
include: [_pages]
plugins:
  - jekyll/scholar
  - jekyll-socials
  - al_folio_core
scholar: {source: /_bibliography/, bibliography: papers.bib}
"""
ZERO_CONFIG = """title: blank
first_name: You
last_name: Name
include: ["_pages", "_scripts"]
plugins:
  - jekyll/scholar
scholar: {source: /_bibliography/, bibliography: papers.bib}
"""


def _files(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _v1(root: Path, **extra: str) -> Path:
    return _files(root, {"_config.yml": V1_CONFIG, "Gemfile": "gem 'al_folio_core', '= 1.0.15'\n",
                         "_pages/about.md": "---\nlayout: about\npermalink: /\n---\nHi\n",
                         **extra})


def _zero(root: Path, **extra: str) -> Path:
    return _files(root, {"_config.yml": ZERO_CONFIG,
                         "_layouts/bib.liquid": "---\n---\n{{ entry.title }}\n",
                         "_includes/social.liquid": "<a></a>\n",
                         "_plugins/details.rb": "# details tag\n",
                         "_pages/about.md": "---\nlayout: about\npermalink: /\n---\nHi\n",
                         **extra})


# ------------------------------------------------------------------ detection


def test_a_v1_checkout_is_told_by_its_config_and_gemfile(tmp_path: Path) -> None:
    guess = checkout_version(_v1(tmp_path))
    assert guess.version == "1" and guess.target == "al-folio"
    assert "_config.yml: theme: al_folio_core" in guess.evidence
    assert "Gemfile: gem al_folio_core" in guess.evidence
    assert "_config.yml: al_folio:" in guess.evidence


def test_a_checkout_before_v1_is_told_by_the_runtime_files_it_holds(tmp_path: Path) -> None:
    guess = checkout_version(_zero(tmp_path))
    assert guess.version == "0.x" and guess.target == "al-folio@0.x"
    assert "_layouts/bib.liquid: present" in guess.evidence
    assert not any("Gemfile" in e or "theme:" in e for e in guess.evidence)


@pytest.mark.parametrize("only", ["config_theme", "plugins", "namespace", "gemfile"])
def test_any_one_v1_sign_is_enough(tmp_path: Path, only: str) -> None:
    config = {"config_theme": "theme: al_folio_core\n",
              "plugins": "plugins:\n  - jekyll-feed\n  - al_folio_core\n",
              "namespace": "al_folio:\n  api_version: 1\n",
              "gemfile": "title: x\n"}[only]
    files = {"_config.yml": config}
    if only == "gemfile":
        files["Gemfile"] = 'source "https://rubygems.org"\n  gem "al_folio_core"\n'
    assert checkout_version(_files(tmp_path, files)).version == "1"


def test_a_v1_site_overriding_a_layout_locally_is_still_v1(tmp_path: Path) -> None:
    guess = checkout_version(_v1(tmp_path, **{"_layouts/bib.liquid": "---\n---\nmine\n"}))
    assert guess.version == "1"
    assert guess.candidates == ("1", "0.x")  # both showed; the newer wins


def test_a_folder_with_no_sign_has_no_version(tmp_path: Path) -> None:
    _files(tmp_path, {"_config.yml": "title: x\nplugins: [jekyll-feed]\n",
                      "Gemfile": "# gem 'al_folio_core' is a comment, not a gem line\n"})
    guess = checkout_version(tmp_path)
    assert guess.version is None and guess.target is None and guess.evidence == ()


def test_an_unreadable_config_leaves_the_files_to_decide(tmp_path: Path) -> None:
    _zero(tmp_path, **{"_config.yml": "title: [unclosed\n"})
    assert checkout_version(tmp_path).version == "0.x"
    assert checkout_version(_files(tmp_path / "b", {"_config.yml": ": :\n  - ["})).version is None


def test_a_symlinked_runtime_file_is_not_evidence(tmp_path: Path) -> None:
    outside = _files(tmp_path / "outside", {"bib.liquid": "x"})
    (tmp_path / "site" / "_layouts").mkdir(parents=True)
    os.symlink(outside / "bib.liquid", tmp_path / "site" / "_layouts" / "bib.liquid")
    assert checkout_version(tmp_path / "site").version is None


def test_real_checkouts_are_told_apart() -> None:
    """With SITEMIGRATE_THEME_ALFOLIO (a checkout before v1) and/or SITEMIGRATE_THEME_ALFOLIO_V1
    (a v1 starter) naming checkouts kept outside the repo."""
    named = {version: os.environ.get(env) for version, env in
             (("0.x", "SITEMIGRATE_THEME_ALFOLIO"), ("1", "SITEMIGRATE_THEME_ALFOLIO_V1"))}
    if not any(named.values()):
        pytest.skip("set SITEMIGRATE_THEME_ALFOLIO / SITEMIGRATE_THEME_ALFOLIO_V1 to checkouts")
    for version, folder in named.items():
        if folder:
            assert checkout_version(Path(folder)).version == version


# ------------------------------------------------------------------ registry and facts


def test_the_registry_has_one_target_row_per_version() -> None:
    assert {"al-folio", "al-folio@0.x"} <= set(target_themes())
    assert spec("al-folio").version == "1" and spec("al-folio@0.x").version == "0.x"
    assert spec("al-folio@v1").name == "al-folio" and spec("al-folio@1.x").name == "al-folio"
    assert spec("al-folio@0").name == "al-folio@0.x"
    for wrong in ("al-folio@2", "al-folio@", "academicpages@1"):
        with pytest.raises(UnknownThemeError):
            get_writer(wrong)


def test_the_versioned_row_is_a_target_only() -> None:
    from sitemigrate.registry import source_kinds

    assert "al-folio@0.x" not in source_kinds()


def test_each_version_has_its_own_facts() -> None:
    assert theme_versions("al-folio") == ["1", "0.x"]
    current, old = converter("al-folio"), converter("al-folio@0.x")
    assert current["version"] == "1" and old["version"] == "0.x"
    assert "social.liquid" in old["includes"] and "social.liquid" not in current["includes"]
    assert "social_links" in current["plugin_tags"] and "social_links" not in old["plugin_tags"]
    assert current["site_config"]["theme"] == "al_folio_core" and "theme" not in old["site_config"]
    assert current["never_copy"] == old["never_copy"]  # shared facts are shared
    with pytest.raises(ValueError):
        converter("al-folio@9")
    with pytest.raises(ValueError):
        converter("academicpages@1")


def test_the_writers_know_their_version() -> None:
    assert get_writer("al-folio").facts.version == "1"  # type: ignore[attr-defined]
    assert get_writer("al-folio@0.x").facts.version == "0.x"  # type: ignore[attr-defined]


# ------------------------------------------------------------------ what each writes


def _sample() -> Model:
    return read_site(SAMPLES_DIR / "al-folio")


def _config(files: dict[str, bytes], rel: str = "_config.yml") -> dict:
    data = load_yaml(files[rel].decode()).data
    assert isinstance(data, dict)
    return data


def test_v1_config_names_the_core_gem_and_its_contract() -> None:
    v1 = dict(get_writer("al-folio").write(_sample(), WriteContext()).items())
    old = dict(get_writer("al-folio@0.x").write(_sample(), WriteContext()).items())
    new_config, old_config = _config(v1), _config(old)
    assert new_config["theme"] == "al_folio_core"
    assert new_config["al_folio"]["api_version"] == 1
    assert {"al_folio_core", "jekyll-socials", "jekyll/scholar"} <= set(new_config["plugins"])
    assert new_config["include"] == ["_pages"]
    assert {"eprint", "hal", "pmid"} <= set(new_config["filtered_bibtex_keywords"])
    assert "theme" not in old_config and "al_folio" not in old_config
    assert old_config["include"] == ["_pages", "_scripts"]
    assert "al_folio_core" not in old_config["plugins"]
    # the content is the same in both: bibliography and pages
    assert v1["_bibliography/papers.bib"] == old["_bibliography/papers.bib"]
    assert sorted(k for k in v1 if k.startswith("_pages/")) == \
        sorted(k for k in old if k.startswith("_pages/"))


def _socials_model() -> Model:
    site = Site(name="Ana Quist", email="ana@example.org",
                socials={"github": "anaq", "codeberg": "https://codeberg.org/anaq",
                         "myspace": "anaq-handle"},
                extra={"socials_custom": {"lab": {"url": "https://lab.example.org",
                                                  "title": "Lab"}},
                       "socials_flags": {"rss_icon": True, "show_fancy": True}})
    return Model(source=Source("al-folio", "x"), site=site)


def test_v1_socials_carry_an_icon_and_nothing_its_tag_cannot_render() -> None:
    diagnostics = Diagnostics()
    files = get_writer("al-folio").write(_socials_model(), WriteContext(diagnostics))
    socials = _config(dict(files.items()), "_data/socials.yml")
    assert socials["github_username"] == "anaq"
    assert socials["codeberg"] == {"url": "https://codeberg.org/anaq", "title": "Codeberg",
                                   "logo": "fa-solid fa-link"}
    assert socials["lab"]["logo"] == "fa-solid fa-link"
    assert socials["rss_icon"] is True
    # a bare value under a key jekyll-socials does not know would stop the build
    assert "myspace_id" not in socials and "show_fancy" not in socials
    codes = [d.code for d in diagnostics]
    assert "SM318" in codes and codes.count("SM301") >= 2
    assert any("myspace" in d.message for d in diagnostics if d.code == "SM301")


def test_0x_socials_stay_as_social_liquid_reads_them() -> None:
    files = get_writer("al-folio@0.x").write(_socials_model(), WriteContext())
    socials = _config(dict(files.items()), "_data/socials.yml")
    assert socials["codeberg"] == {"url": "https://codeberg.org/anaq", "title": "Codeberg"}
    assert "logo" not in socials["lab"] and socials["show_fancy"] is True


def test_v1_social_entries_read_back_as_the_links_they_were(tmp_path: Path) -> None:
    files = get_writer("al-folio").write(_socials_model(), WriteContext())
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    again = read_site(tmp_path, "al-folio")
    assert again.site.socials.get("codeberg") == "https://codeberg.org/anaq"
    # {url, title, logo} with the generic icon and the service's title is a plain link again
    assert again.site.socials.get("lab") == "https://lab.example.org"
    assert "socials_custom" not in again.site.extra


# ------------------------------------------------------------------ --onto picks the version


def _codes(plan_diagnostics: Diagnostics) -> list[str]:
    return [d.code for d in plan_diagnostics]


def test_onto_a_0x_checkout_writes_0x(tmp_path: Path) -> None:
    plan = plan_migration(_sample(), "al-folio", tmp_path / "out", onto=_zero(tmp_path / "t"))
    assert plan.target == "al-folio@0.x"
    assert "SM226" in _codes(plan.diagnostics)
    config = _config(dict(plan.files.items()))
    assert "theme" not in config and "_scripts" in config["include"]


def test_onto_a_v1_checkout_writes_v1(tmp_path: Path) -> None:
    plan = plan_migration(_sample(), "al-folio", tmp_path / "out", onto=_v1(tmp_path / "t"))
    assert plan.target == "al-folio"
    assert "SM226" in _codes(plan.diagnostics) and "SM227" not in _codes(plan.diagnostics)
    assert _config(dict(plan.files.items()))["theme"] == "al_folio_core"


def test_a_version_named_with_to_is_kept_and_a_mismatch_reported(tmp_path: Path) -> None:
    plan = plan_migration(_sample(), "al-folio@0.x", tmp_path / "out", onto=_v1(tmp_path / "t"))
    assert plan.target == "al-folio@0.x"
    mismatch = [d for d in plan.diagnostics if d.code == "SM227"]
    assert len(mismatch) == 1 and "al-folio@0.x" in mismatch[0].message
    same = plan_migration(_sample(), "al-folio@1", tmp_path / "out2", onto=_v1(tmp_path / "t"))
    assert same.target == "al-folio" and "SM227" not in _codes(same.diagnostics)


def test_onto_a_checkout_without_signs_writes_the_named_target(tmp_path: Path) -> None:
    bare = _files(tmp_path / "t", {"_config.yml": "title: x\n"})
    assert target_for_checkout("al-folio", bare) == ("al-folio", ())
    plan = plan_migration(_sample(), "al-folio", tmp_path / "out", onto=bare)
    assert plan.target == "al-folio" and "SM226" not in _codes(plan.diagnostics)


def test_migrate_onto_writes_the_checkouts_version_to_disk(tmp_path: Path) -> None:
    plan = migrate(SAMPLES_DIR / "al-folio", "al-folio", tmp_path / "out",
                   onto=_zero(tmp_path / "t"))
    assert plan.written and plan.target == "al-folio@0.x"
    assert (tmp_path / "out" / "_layouts" / "bib.liquid").is_file()  # the checkout's runtime
    assert "theme:" not in (tmp_path / "out" / "_config.yml").read_text()


# ------------------------------------------------------------------ verify per version


def test_verify_applies_the_v1_contract_and_socials_checks(tmp_path: Path) -> None:
    site = _v1(tmp_path, **{
        "_config.yml": V1_CONFIG.replace("  distill: {engine: distillpub-template, source: x/y}\n",
                                         "") + "google_analytics: G-1\nrss_icon: true\n",
        "_data/socials.yml": "github_username: anaq\nlab: {url: 'https://x.org', title: Lab}\n"
                             "cv_pdf: /assets/cv.pdf\nodd_flag: true\n",
        "_bibliography/papers.bib": "@article{a, title={A}, author={Quist, Ana}, year={2020}}\n"})
    report = verify_site(site, "al-folio")
    contract = [d.message for d in report.diagnostics if d.code == "SM619"]
    assert any("al_folio.distill.engine" in m for m in contract)
    assert any("google_analytics" in m and "analytics.google" in m for m in contract)
    assert any("rss_icon" in m for m in contract)
    icons = [d.message for d in report.diagnostics if d.code == "SM620"]
    assert len(icons) == 2 and any(m.startswith("lab ") for m in icons)
    assert any(m.startswith("odd_flag ") for m in icons)  # github_username, cv_pdf are built in


def test_verify_of_a_0x_site_skips_the_v1_checks(tmp_path: Path) -> None:
    site = _zero(tmp_path, **{
        "_data/socials.yml": "lab: {url: 'https://x.org', title: Lab}\n",
        "_bibliography/papers.bib": "@article{a, title={A}, author={Quist, Ana}, year={2020}}\n"})
    report = verify_site(site, "al-folio")
    assert report.theme == "al-folio@0.x"
    assert not [d for d in report.diagnostics if d.code in ("SM619", "SM620")]


def test_our_own_v1_output_passes_the_v1_checks(tmp_path: Path) -> None:
    migrate(SAMPLES_DIR / "al-folio", "al-folio", tmp_path / "out")
    report = verify_site(tmp_path / "out", "al-folio")
    assert report.theme == "al-folio"
    assert not [d for d in report.diagnostics if d.code in ("SM619", "SM620")]
