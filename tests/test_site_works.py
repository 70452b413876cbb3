"""The migrated site works as a site: a home page at ``/`` in every target, and ``--onto``
leaves none of the template's sample profile behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitemigrate.parsing.front_matter import split_front_matter
from sitemigrate.parsing.yamlio import load_yaml
from sitemigrate.pipeline import migrate, read_site
from sitemigrate.registry import target_themes


def _custom_site(root: Path) -> Path:
    (root / "_data").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Lab of Tests\n", encoding="utf-8")
    (root / "_data" / "papers.yml").write_text(
        "- title: A Paper\n  year: 2021\n  authors: A. One, B. Two\n", encoding="utf-8")
    (root / "index.md").write_text("---\nlayout: home\ntitle: Welcome\n---\nHello.\n",
                                   encoding="utf-8")
    (root / "papers.md").write_text(
        "---\nlayout: page\ntitle: Papers\npermalink: /papers/\n---\n"
        "{% for p in site.data.papers %}{{ p.title }}{% endfor %}\n", encoding="utf-8")
    return root


def _permalinks(out: Path) -> dict[str, str]:
    links = {}
    for path in out.rglob("*"):
        if path.suffix in (".md", ".html") and path.is_file():
            meta = split_front_matter(path.read_text(encoding="utf-8")).meta
            if isinstance(meta, dict) and meta.get("permalink"):
                links[str(meta["permalink"])] = path.relative_to(out).as_posix()
    return links


def test_a_root_index_page_is_the_home_page_in_the_model(tmp_path: Path) -> None:
    model = read_site(_custom_site(tmp_path / "site"))
    assert [p.title for p in model.pages if p.permalink == "/"] == ["Welcome"]


@pytest.mark.parametrize("target", target_themes())
def test_the_home_page_is_served_at_the_root_in_every_target(tmp_path: Path,
                                                              target: str) -> None:
    out = tmp_path / "out"
    migrate(_custom_site(tmp_path / "site"), target, out)
    # Hugo serves content/_index.md at the root (no permalink key)
    home = "content/_index.md" if target == "hugoblox" else _permalinks(out).get("/")
    assert home is not None, _permalinks(out)
    assert "Hello." in (out / home).read_text(encoding="utf-8")


def _academicpages_checkout(root: Path) -> Path:
    (root / "_pages").mkdir(parents=True)
    (root / "_config.yml").write_text(
        'title: "Your Name / Site Title"\nurl: https://academicpages.github.io\n'
        "author:\n"
        '  name: "Your Sidebar Name"   # your name\n'
        '  employer: "Red Brick University"\n'
        '  orcid: "http://orcid.org/yourorcidurl"\n'
        '  github: "someone-real"\n', encoding="utf-8")
    return root


def test_onto_clears_the_template_profile_the_source_does_not_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    migrate(_custom_site(tmp_path / "site"), "academicpages", out,
            onto=_academicpages_checkout(tmp_path / "theme"))
    text = (out / "_config.yml").read_text(encoding="utf-8")
    config = load_yaml(text).data
    assert config["title"] == "Lab of Tests"  # the source's own value
    assert config["url"] in (None, "")  # the template's would send links to its site
    author = config["author"]
    for key in ("employer", "orcid"):
        assert author[key] is None, key
    assert author["name"] != "Your Sidebar Name"
    assert author["github"] == "someone-real"  # not a sample value: kept
    assert "# your name" in text  # comments stay for the user to fill in
    for sample in ("Your Sidebar Name", "Red Brick University", "yourorcidurl"):
        assert sample not in text


def test_onto_rewrites_the_allan_lab_templates_own_lab_in_its_includes(tmp_path: Path) -> None:
    theme = tmp_path / "allanlab"
    (theme / "_includes").mkdir(parents=True)
    (theme / "_config.yml").write_text('title: "The Allan Lab"\n', encoding="utf-8")
    (theme / "_includes" / "header.html").write_text(
        '<a class="navbar-brand" href="{{ site.url }}/">Allan Lab @ Leiden University</a>\n',
        encoding="utf-8")
    (theme / "_includes" / "footer.html").write_text(
        '<div class="col-sm-4">\n  <p>&copy 2016 Allan Lab. Site made with Jekyll</p>\n'
        '  <p>We are part of the <a href="https://www.physics.leidenuniv.nl/">Leiden Institute'
        ' of Physics</a>.</p>\n</div>\n<div class="col-sm-4">\n  Funding:<br />\n  - NWO\n'
        '</div>\n<div class="col-sm-4">\n  Contact:<br />\n  Oort building, Leiden University'
        '\n</div>\n', encoding="utf-8")
    out = tmp_path / "out"
    migrate(_custom_site(tmp_path / "site"), "allanlab", out, onto=theme)
    header = (out / "_includes" / "header.html").read_text(encoding="utf-8")
    footer = (out / "_includes" / "footer.html").read_text(encoding="utf-8")
    assert "{{ site.title }}</a>" in header and "Leiden" not in header
    assert "Leiden" not in footer and "NWO" not in footer and "Allan Lab" not in footer
    assert "Site made with Jekyll" in footer  # the rest of the footer stays


def test_a_page_keeps_the_url_jekyll_gave_it_in_the_source(tmp_path: Path) -> None:
    site = _custom_site(tmp_path / "site")
    (site / "_config.yml").write_text("title: Lab\npermalink: pretty\n", encoding="utf-8")
    (site / "members").mkdir()
    (site / "members" / "index.md").write_text("---\ntitle: Members\n---\nUs.\n", "utf-8")
    (site / "contact.md").write_text("---\ntitle: Contact\n---\nMail us.\n", "utf-8")
    links = {p.title: p.permalink for p in read_site(site).pages}
    assert links["Members"] == "/members/" and links["Contact"] == "/contact/"
    (site / "_config.yml").write_text("title: Lab\n", encoding="utf-8")  # Jekyll's default
    assert {p.title: p.permalink for p in read_site(site).pages}["Contact"] == "/contact.html"
