"""The shared permalink map: body links follow records to their URL in every target theme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS, requires_corpus
from roundtrip import write_files

from sitemigrate.common.links import PermalinkMap, TargetUrls, source_permalink
from sitemigrate.common.urls import url_key
from sitemigrate.common.writer import WriteContext
from sitemigrate.model import Item, Model, Origin, Page, Project, Publication, Source
from sitemigrate.pipeline import read_site
from sitemigrate.registry import get_writer
from sitemigrate.verify import verify_site

CLAUDIA = CORPUS / "academicpages" / "ClaudiaASoares__ClaudiaASoares.github.io"


def _model(body: str) -> Model:
    model = Model(source=Source("academicpages", "x"))
    model.projects.append(Project(id="tide", title="Tide", origin=Origin("_portfolio/tide.md")))
    model.publications.append(Publication(
        id="p1", title="Paper", extra={"permalink": "/publication/2021-p1"},
        origin=Origin("_publications/2021-p1.md", 1)))
    model.items.append(Item(collection="talks", id="t1", origin=Origin("_talks/t1.md")))
    model.pages.append(Page(id="about", permalink="/about/", body=body,
                            origin=Origin("_pages/about.md", 1)))
    return model


def _map(model: Model) -> PermalinkMap:
    urls = TargetUrls(publication=lambda p: f"/publications/#{p.id}",
                      project=lambda p: f"/projects/{p.id}/", item=lambda _: None)
    return PermalinkMap.build(model, urls, "the test theme")


def test_source_permalink_is_the_permalink_else_the_collection_url() -> None:
    model = _model("")
    assert source_permalink(model.projects[0]) == "/portfolio/tide/"
    assert source_permalink(model.publications[0]) == "/publication/2021-p1"
    assert source_permalink(model.pages[0]) == "/about/"
    assert source_permalink(Project(id="x", title="X", origin=Origin("_pages/x.md"))) is None


def test_url_key_ignores_prefix_query_fragment_slash_and_html() -> None:
    assert url_key("{{ site.baseurl }}/Portfolio/Tide/index.html?x=1#top") == "/portfolio/tide"
    assert url_key("/a/b.html", keep_case=True) == "/a/b"
    assert url_key("https://example.org/a/") == "/a"
    assert url_key("about/") == url_key("/about") == "/about"  # one leading slash, always
    assert url_key("/About.html#x", keep_case=True) == "/About"


@pytest.mark.parametrize(("link", "expected"), [
    ("[T](/portfolio/tide/#model)", "[T](/projects/tide/#model)"),
    ("[T](/portfolio/tide?v=2)", "[T](/projects/tide/?v=2)"),
    ("[T]({{ site.baseurl }}/portfolio/tide)", "[T]({{ site.baseurl }}/projects/tide/)"),
    ('<a href="/publication/2021-p1.html">P</a>', '<a href="/publications/#p1">P</a>'),
    # the target's own anchor wins over the old fragment; the query stays
    ("[P](/publication/2021-p1#abstract)", "[P](/publications/#p1)"),
    ("[P](/publication/2021-p1?a=b#x)", "[P](/publications/?a=b#p1)"),
    ("[ref]: /portfolio/tide", "[ref]: /projects/tide/"),
    ("[T]({{ '/portfolio/tide/#m' | relative_url }})",
     "[T]({{ '/projects/tide/#m' | relative_url }})"),
    ("[other](/portfolio/other/) [about](/about/)", "[other](/portfolio/other/) [about](/about/)"),
])
def test_links_are_rewritten_with_their_query_and_fragment(link: str, expected: str) -> None:
    model = _model(link)
    assert _map(model).rewrite(link, WriteContext(), model.pages[0].origin) == expected


def test_link_to_a_record_without_a_page_is_kept_and_reported_once_per_file() -> None:
    text = "[a](/talks/t1) [b](/talks/t1/) [c](/talks/t1.html)"
    model = _model(text)
    ctx = WriteContext()
    links = _map(model)
    assert links.rewrite(text, ctx, Origin("_pages/about.md", 3)) == text
    assert links.rewrite(text, ctx, Origin("_pages/cv.md", 1)) == text
    losses = [(d.code, d.file, d.line) for d in ctx.diagnostics]
    assert losses == [("SM306", "_pages/about.md", 3), ("SM306", "_pages/cv.md", 1)]
    assert "the test theme has no page" in next(iter(ctx.diagnostics)).message


def test_a_url_a_page_keeps_is_not_rewritten() -> None:
    model = _model("[x](/portfolio/tide/)")
    model.pages.append(Page(id="tide", permalink="/portfolio/tide/"))
    assert _map(model).rewrite("[x](/portfolio/tide/)", WriteContext(), None) == \
        "[x](/portfolio/tide/)"


def test_a_moved_page_takes_its_links_along() -> None:
    model = _model("")
    model.pages.append(Page(id="cv", permalink="/cv/"))
    urls = TargetUrls(page=lambda p: "/cv-2/" if p.id == "cv" else p.permalink)
    links = PermalinkMap.build(model, urls, "x")
    assert links.rewrite("[cv](/cv)", WriteContext(), None) == "[cv](/cv-2/)"


@pytest.mark.parametrize(("link", "expected"), [
    ("[Ada](../people/ada.md)", "[Ada](/team/ada/)"),  # relative to _pages/
    ("[Ada](/people/ada.md#bio)", "[Ada](/team/ada/#bio)"),
    ('<a href="../people/ada.md">Ada</a>', '<a href="/team/ada/">Ada</a>'),
    ("[CV](cv.md)", "[CV](/cv/)"),  # a sibling in _pages/, kept at its URL
    ("[Gone](../people/bob.md)", "[Gone](../people/bob.md)"),  # no such record: untouched
])
def test_links_to_a_pages_source_file_point_at_its_url(link: str, expected: str) -> None:
    """GitHub Pages turns links to ``.md`` files into page URLs (jekyll-relative-links);
    the target may not, and may rename the file, so the link becomes the page's URL."""
    model = _model(link)
    model.pages.append(Page(id="ada", permalink="/people/ada/", origin=Origin("people/ada.md")))
    model.pages.append(Page(id="cv", permalink="/cv/", origin=Origin("_pages/cv.md")))
    urls = TargetUrls(page=lambda p: "/team/ada/" if p.id == "ada" else p.permalink)
    links = PermalinkMap.build(model, urls, "x")
    assert links.rewrite(link, WriteContext(), model.pages[0].origin) == expected


@pytest.mark.parametrize("theme", ["academicpages", "al-folio", "al-folio@0.x", "allanlab"])
def test_every_writer_rewrites_links_to_moved_records(theme: str) -> None:
    model = _model("[T](/portfolio/tide/#m) and [P](/publication/2021-p1)")
    model.source = Source("al-folio", "x")
    model.projects[0].origin = Origin("_projects/tide.md")
    model.pages[0].body = "[T](/projects/tide/#m) and [P](/publication/2021-p1)"
    files = get_writer(theme).write(model, WriteContext())
    about = next(files.get(p).decode() for p in files if p.endswith("about.md"))
    expected_project = {"academicpages": "/portfolio/tide/", "al-folio": "/projects/tide/",
                        "allanlab": "/projects/tide/"}[theme.partition("@")[0]]
    expected_pub = {"academicpages": "/publication/2021-p1",
                    "al-folio": "/publications/#p1",
                    "allanlab": "/publications/"}[theme.partition("@")[0]]
    assert f"[T]({expected_project}#m)" in about
    assert f"[P]({expected_pub})" in about


@requires_corpus
def test_claudia_publication_links_point_at_the_alfolio_entries(tmp_path: Path) -> None:
    """ClaudiaASoares' research themes link 24 publication pages; al-folio has none, so the
    links go to the entry on the publications page, anchored by its BibTeX key."""
    files = get_writer("al-folio").write(read_site(CLAUDIA), WriteContext())
    research = files.get("_pages/research.md").decode()
    bib = files.get("_bibliography/papers.bib").decode()
    assert "(/publication/" not in research
    # checked by hand: _research/FL.md links this title's publication page
    title = "A Multi-Token Coordinate Descent Method for Semi-Decentralized Vertical " \
            "Federated Learning"
    link = re.search(rf"\[{re.escape(title)}\]\(/publications/#([^)]+)\)", research)
    assert link is not None
    entry = re.search(rf"@\w+\{{{re.escape(link.group(1))},\n(.*?)\n\}}", bib, re.S)
    assert entry is not None and title in " ".join(entry.group(1).split())
    write_files(files, tmp_path)
    report = verify_site(tmp_path, "al-folio")
    assert not [d for d in report.diagnostics if d.code == "SM604"]
