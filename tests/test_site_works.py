"""The migrated site works as a site: a home page at ``/`` in every target, and ``--onto``
leaves none of the template's sample profile behind."""

from __future__ import annotations

import re
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
    # Quarto's home page is its index.qmd, Hugo's content/_index.md (neither has permalinks)
    home = {"quarto": "index.qmd", "hugoblox": "content/_index.md"}.get(target) \
        or _permalinks(out).get("/")
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


_ALLANLAB_HEADER = (
    '<a class="navbar-brand" href="{{ site.url }}/">Lab</a>\n'
    '<ul class="nav navbar-nav navbar-right">\n'
    '\t\t<li><a href="{{ site.url }}{{ site.baseurl }}/">Home</a></li>\n'
    '\t\t<li><a href="{{ site.url }}{{ site.baseurl }}/team">Team</a></li>\n'
    '\t\t<li><a href="{{ site.url }}{{ site.baseurl }}/research">Research</a></li>\n'
    '\t\t<li><a href="{{ site.url }}{{ site.baseurl }}/pictures">(Pics)</a></li>\n'
    '\t  </ul>\n')


def _nav_links(header: str) -> list[tuple[str, str]]:
    return re.findall(r'<li><a href="\{\{ site.url \}\}\{\{ site.baseurl \}\}([^"]*)">'
                      r"([^<]*)</a></li>", header)


def test_the_allan_lab_header_lists_the_sites_own_pages(tmp_path: Path) -> None:
    """The hard-coded header links what the migrated site serves, in the source's order;
    none of the template's pages the site does not have."""
    theme = tmp_path / "allanlab"
    (theme / "_includes").mkdir(parents=True)
    (theme / "_includes" / "header.html").write_text(_ALLANLAB_HEADER, encoding="utf-8")
    site = _custom_site(tmp_path / "site")
    (site / "_data" / "navigation.yml").write_text(
        "main:\n- title: Papers\n  url: /papers/\n- title: Gone\n  url: /nowhere/\n",
        encoding="utf-8")
    (site / "_config.yml").write_text("title: Lab of Tests\nnavigation: main\n",
                                      encoding="utf-8")
    out = tmp_path / "out"
    migrate(site, "allanlab", out, onto=theme)
    links = _nav_links((out / "_includes" / "header.html").read_text(encoding="utf-8"))
    served = set(_permalinks(out))
    assert links[0][0] == "/"
    assert ("/papers/", "Papers") in links
    assert all(url in served for url, _ in links), (links, served)
    assert not {"/team", "/research", "/pictures", "/nowhere/"} & {u for u, _ in links}


@pytest.mark.parametrize(("target", "listing"), [("academicpages", "site.publications"),
                                                 ("al-folio", "{% bibliography")])
def test_a_static_publications_page_gets_the_listing_of_what_it_does_not_show(
        tmp_path: Path, target: str, listing: str) -> None:
    """A publications page whose text is about something else (links elsewhere) shows the
    theme's listing below its text; one whose text lists every title stays as it is."""
    site = _custom_site(tmp_path / "site")
    (site / "papers.md").unlink()
    (site / "publications.md").write_text("---\ntitle: Papers\npermalink: /pubs/\n---\n"
                                    "See [my list](https://example.org/list).\n",
                                    encoding="utf-8")
    out = tmp_path / "out"
    migrate(site, target, out, kind="custom")
    page = (out / _permalinks(out)["/pubs/"]).read_text(encoding="utf-8")
    assert "See [my list]" in page and listing in page
    (site / "publications.md").write_text("---\ntitle: Papers\npermalink: /pubs/\n---\n"
                                    "- A Paper (2021)\n", encoding="utf-8")
    migrate(site, target, out, kind="custom", force=True)
    page = (out / _permalinks(out)["/pubs/"]).read_text(encoding="utf-8")
    assert listing not in page and "A Paper" in page


def test_a_config_navbar_links_menu_is_the_navigation(tmp_path: Path) -> None:
    site = _custom_site(tmp_path / "site")
    (site / "_config.yml").write_text(
        "title: Lab\nnavbar-links:\n  Papers: papers\n  More:\n    Blog: /blog/\n",
        encoding="utf-8")
    model = read_site(site)
    assert model.site.navigation == [{"title": "Papers", "url": "/papers"},
                                     {"title": "Blog", "url": "/blog/"}]
    out = tmp_path / "out"
    plan = migrate(site, "academicpages", out)
    nav = load_yaml((out / "_data" / "navigation.yml").read_text(encoding="utf-8")).data
    assert {"title": "Papers", "url": "/papers"} in nav["main"]
    assert all(e["url"] != "/blog/" for e in nav["main"])  # no such page: left out, reported
    assert any(d.code == "SM306" and "/blog/" in d.message for d in plan.diagnostics)


def test_onto_academicpages_shows_no_broken_picture_without_an_avatar(tmp_path: Path) -> None:
    theme = _academicpages_checkout(tmp_path / "theme")
    (theme / "_includes").mkdir()
    (theme / "_includes" / "author-profile.html").write_text(
        '<div itemscope>\n  <div class="author__avatar">\n    <img src="{{ author.avatar | '
        'prepend: "/images/" }}">\n  </div>\n  <div class="author__content">x</div>\n</div>\n',
        encoding="utf-8")
    out = tmp_path / "out"
    plan = migrate(_custom_site(tmp_path / "site"), "academicpages", out, onto=theme)
    sidebar = (out / "_includes" / "author-profile.html").read_text(encoding="utf-8")
    assert '{% if author.avatar %}<div class="author__avatar">' in sidebar
    assert sidebar.count("{% endif %}") == 1 and 'class="author__content"' in sidebar
    assert any(d.file == "_includes/author-profile.html" and "avatar" in d.message
               for d in plan.diagnostics)
