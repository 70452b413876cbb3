"""The Quarto target: a website Quarto's published schema accepts, whose listings find one
page per publication, project and item, and whose pages pandoc parses.

Quarto itself cannot be installed here, so ``_quarto.yml`` and every front matter are
checked against the schema facts of ``converters/quarto.yml`` (``themes/quarto/codec``),
and every written page is rendered with pandoc (the engine under Quarto; skipped cleanly
when pandoc is absent) to prove it parses and shows its title.  The listing a Quarto render
would build is emulated from the listing's ``contents`` glob and the pages' front matter.
"""

from __future__ import annotations

import fnmatch
import html as html_module
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_sites, requires_corpus, sample_sources, site_id

from sitemigrate.common.foreign_liquid import render_away
from sitemigrate.common.kept_liquid import KEPT_FILE
from sitemigrate.parsing.front_matter import split_front_matter
from sitemigrate.parsing.yamlio import load_yaml
from sitemigrate.pipeline import migrate, read_site
from sitemigrate.themes.quarto.codec import CONFIG_SCHEMA, PAGE_SCHEMA, problems
from sitemigrate.verify import verify_site

SAMPLES = sample_sources()
CORPUS = corpus_sites()
needs_pandoc = pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")


def _front(path: Path) -> dict[str, Any]:
    meta = split_front_matter(path.read_text(encoding="utf-8")).meta
    return meta if isinstance(meta, dict) else {}


def listed(out: Path, listing_page: str) -> list[dict[str, Any]]:
    """The items Quarto's listing on ``listing_page`` would show: the pages its ``contents``
    glob finds (relative to the page's folder), each with its front matter."""
    meta = _front(out / listing_page)
    listing = meta["listing"]
    folder = Path(listing_page).parent
    pattern = (folder / listing["contents"]).as_posix().removeprefix("./")
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.qmd"))
    return [_front(out / rel) for rel in pages
            if fnmatch.fnmatchcase(rel, pattern) and rel != listing_page]


def _check_site(source: Path, out: Path) -> None:
    model = read_site(source)
    migrate(source, "quarto", out)
    report = verify_site(out, "quarto")
    assert report.ok, [f"{d.location()} {d.code} {d.message}" for d in report.diagnostics
                       if d.level == "error"][:5]
    assert not [d for d in report.diagnostics if d.code in ("SM614", "SM615")]
    config = load_yaml((out / "_quarto.yml").read_text(encoding="utf-8")).data
    assert problems(config, CONFIG_SCHEMA) == []
    assert config["project"]["type"] == "website"
    navbar = {entry["href"] for entry in config["website"]["navbar"]["left"]}
    assert "index.qmd" in navbar and (out / "index.qmd").is_file()
    if model.publications:
        assert "publications.qmd" in navbar
        items = listed(out, "publications.qmd")
        shown = Counter((html_module.unescape(i["title"]),
                         tuple(html_module.unescape(a) for a in i.get("author", [])),
                         html_module.unescape(i["venue"]) if "venue" in i else None,
                         str(i["date"])[:4] if "date" in i else None) for i in items)
        # undated stays undated; a dated one shows its year
        expected = Counter((html_module.unescape(p.title),
                            tuple(html_module.unescape(a) for a in p.authors),
                            html_module.unescape(p.venue) if p.venue else None,
                            str(p.year) if p.year is not None else None)
                           for p in model.publications)
        assert shown == expected
    if model.projects:
        assert len(listed(out, "projects.qmd")) == len(model.projects)


@pytest.mark.parametrize("source", SAMPLES, ids=[f"{s.parent.name}/{s.name}" for s in SAMPLES])
def test_samples_make_quarto_sites_that_fit_the_schema(source: Path, tmp_path: Path) -> None:
    _check_site(source, tmp_path / "out")


@requires_corpus
@pytest.mark.parametrize("site", CORPUS, ids=[site_id(s) for s in CORPUS])
def test_corpus_sites_make_quarto_sites_that_fit_the_schema(site: Path, tmp_path: Path) -> None:
    _check_site(site, tmp_path / "out")


def render(page: Path) -> str:
    """The page as standalone HTML by pandoc, its front matter as the title block."""
    run = subprocess.run(["pandoc", "-s", "-f", "markdown", "-t", "html", str(page),
                          "--metadata", "pagetitle=x"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, (page, run.stderr)
    return run.stdout


@needs_pandoc
@pytest.mark.parametrize("source", SAMPLES, ids=[f"{s.parent.name}/{s.name}" for s in SAMPLES])
def test_pandoc_parses_every_page_and_shows_every_title(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    model = read_site(source)
    migrate(source, "quarto", out)
    shown: dict[str, str] = {}
    for page in sorted(out.rglob("*.qmd")):
        html = render(page)
        title = _front(page).get("title")
        assert title and '<h1 class="title">' in html, page
        shown[page.relative_to(out).as_posix()] = html
    pages = {p: shown[p] for p in shown if p.startswith("publications/")}
    assert len(pages) == len(model.publications)
    texts = [_text(html) for html in pages.values()]
    for pub in model.publications:  # math is rendered (δ): the text around it is compared
        parts = [_text(part) for part in re.split(r"\$[^$]*\$", pub.title) if _text(part)]
        assert any(all(part in text for part in parts) for text in texts), pub.title


def _text(html: str) -> str:
    """Letters and digits of the shown text (math is shown as TeX for MathJax: ``\\(…\\)``)."""
    return re.sub(r"[\W_]", "", re.sub(r"<[^>]+>", "", html_module.unescape(html))).lower()


# --- the schema checker can fail --------------------------------------------------------------

def test_the_schema_facts_catch_what_quarto_would_refuse() -> None:
    config = {"project": {"type": "website", "outdir": "_site"},
              "website": {"title": "T", "navbar": {"left": [{"href": "a.qmd", "txt": "A"}],
                                                   "collapse-below": "huge"}}}
    found = problems(config, CONFIG_SCHEMA)
    assert any("project.outdir" in p for p in found)
    assert any("navbar.left[0].txt" in p for p in found)
    assert any("collapse-below" in p and "huge" in p for p in found)
    assert problems({"project": {}}, CONFIG_SCHEMA) == ["project: lacks the required key 'type'"]
    page = {"title": "P", "about": {"template": "jolla", "links": [{"icon": 3}]},
            "listing": {"type": "cards", "contents": "x/*.qmd", "sort-ui": "yes"},
            "citation": {"type": "journal-article"}, "categories": "one"}
    found = problems(page, PAGE_SCHEMA)
    assert any("about.links[0].icon" in p for p in found)
    assert any("listing.type" in p for p in found)
    assert any("listing.sort-ui" in p for p in found)
    assert any("citation.type" in p for p in found)
    assert any(p.startswith("categories") for p in found)
    assert problems({"title": "P", "about": "trestles", "listing": True}, PAGE_SCHEMA) == []


def test_verify_reports_a_broken_quarto_site(tmp_path: Path) -> None:
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  type: website\nwebsite:\n  title: T\n  navbar:\n    left:\n"
        "      - href: missing.qmd\n        text: M\n", encoding="utf-8")
    (tmp_path / "index.qmd").write_text("---\ntitle: Home\nabout:\n  template: jolla\n"
                                        "  image-shape: oval\n---\n"
                                        "Hello {{ site.title }} [x](/nope.qmd)\n", "utf-8")
    (tmp_path / "papers.qmd").write_text("---\ntitle: Papers\nlisting:\n  contents: "
                                         "papers/*.qmd\n---\n", encoding="utf-8")
    codes = sorted({d.code for d in verify_site(tmp_path, "quarto").diagnostics})
    assert codes == ["SM602", "SM604", "SM614", "SM615"]


# --- what the writer does with the model ----------------------------------------------------

def _kept(out: Path) -> dict[str, list[str]]:
    """The removed Liquid (and shortcodes) of each page, kept aside by the migration."""
    return load_yaml((out / KEPT_FILE).read_text(encoding="utf-8")).data


def _custom_site(root: Path) -> Path:
    (root / "_data").mkdir(parents=True)
    (root / "files").mkdir()
    (root / "files" / "cv.pdf").write_bytes(b"%PDF")
    (root / "_config.yml").write_text("title: Lab of Tests\n", encoding="utf-8")
    (root / "_data" / "papers.yml").write_text(
        "- title: Dated Paper\n  year: 2021\n  authors: A. One, B. Two\n  venue: J. Tests\n"
        "- title: Undated Paper\n  authors: C. Three\n  venue: Someday Proceedings\n",
        encoding="utf-8")
    (root / "index.md").write_text(
        "---\nlayout: home\ntitle: Welcome\n---\nHello. My [CV]({{ site.baseurl }}/files/cv.pdf)"
        "\n{% for post in site.posts %}{{ post.title }}{% endfor %}\n", encoding="utf-8")
    (root / "papers.md").write_text(
        "---\nlayout: page\ntitle: Publications\npermalink: /papers/\n---\nOur work.\n\n"
        "{% for p in site.data.papers %}{{ p.title }}{% endfor %}\n", encoding="utf-8")
    return root


def test_liquid_is_rendered_away_and_kept_aside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    plan = migrate(_custom_site(tmp_path / "site"), "quarto", out)
    home = split_front_matter((out / "index.qmd").read_text(encoding="utf-8"))
    assert "[CV](/files/cv.pdf)" in home.body and "{%" not in home.body
    assert _kept(out)["index.qmd"] == [
        "{% for post in site.posts %}{{ post.title }}{% endfor %}"]
    assert (out / "files" / "cv.pdf").read_bytes() == b"%PDF"  # the asset came along
    kept = [d for d in plan.diagnostics if d.code == "SM303" and d.file == "index.md"]
    assert len(kept) == 2  # the output written as its value, the loop removed
    listing = split_front_matter((out / "publications.qmd").read_text(encoding="utf-8"))
    assert listing.meta["title"] == "Publications" and listing.body.strip() == "Our work."
    assert listing.meta["aliases"] == ["/papers/"]  # the old URL redirects here


def test_undated_publications_stay_undated(tmp_path: Path) -> None:
    out = tmp_path / "out"
    migrate(_custom_site(tmp_path / "site"), "quarto", out)
    items = {i["title"]: i for i in listed(out, "publications.qmd")}
    assert items["Dated Paper"]["date"] == "2021"
    assert items["Dated Paper"]["date-format"] == "YYYY"  # not a made-up 1 January
    assert "date" not in items["Undated Paper"]
    assert items["Undated Paper"]["venue"] == "Someday Proceedings"


def test_render_away_keeps_what_jekyll_showed() -> None:
    text = ("A [cv]({{ site.baseurl }}/files/cv.pdf) and {{ '/x/' | relative_url }}.\n"
            "{% raw %}{% include x.html %}{% endraw %}\n{% highlight python %}\nx = 1\n"
            "{% endhighlight %}\n{% if a %}kept{% endif %}{% for p in site.posts %}{{ p }}"
            "{% endfor %}{% comment %}gone{% endcomment %} {{ page.secret }}|")
    result = render_away(text, {"site.baseurl": ""}, "quarto")
    assert result.text == ("A [cv](/files/cv.pdf) and /x/.\n`{% include x.html %}`\n"
                           "```python\nx = 1\n```\nkept |")
    removed = [c.source for c in result.cuts if not c.translated]
    assert removed == ["{% if a %}", "{% endif %}",
                       "{% for p in site.posts %}{{ p }}{% endfor %}",
                       "{% comment %}gone{% endcomment %}", "{{ page.secret }}"]


def test_an_existing_quarto_project_keeps_its_settings(tmp_path: Path) -> None:
    theme = tmp_path / "template"
    theme.mkdir()
    (theme / "_quarto.yml").write_text(
        "# mine\nproject:\n  type: website\n  output-dir: docs\nwebsite:\n  title: Old\n"
        "  page-footer: me\nformat:\n  html:\n    theme: flatly\n", encoding="utf-8")
    out = tmp_path / "out"
    migrate(_custom_site(tmp_path / "site"), "quarto", out, onto=theme)
    text = (out / "_quarto.yml").read_text(encoding="utf-8")
    config = load_yaml(text).data
    assert text.startswith("# mine")
    assert config["project"] == {"type": "website", "output-dir": "docs",
                                 "resources": ["files/**"]}  # the copied CV
    assert config["website"]["title"] == "Lab of Tests" and config["website"]["page-footer"] == "me"
    assert config["format"] == {"html": {"theme": "flatly"}}
    assert problems(config, CONFIG_SCHEMA) == []


def test_a_video_include_becomes_quartos_video_shortcode(tmp_path: Path) -> None:
    site = _custom_site(tmp_path / "site")
    (site / "media.md").write_text(
        "---\ntitle: Media\n---\n{% include video.liquid path=\"assets/video/a.mp4\" %}\n",
        encoding="utf-8")
    out = tmp_path / "out"
    migrate(site, "quarto", out)
    body = split_front_matter((out / "media.qmd").read_text(encoding="utf-8")).body
    assert body.strip() == "{{< video /assets/video/a.mp4 >}}"
    assert verify_site(out, "quarto").ok


def test_a_shortcode_in_a_jekyll_page_does_not_run_in_quarto(tmp_path: Path) -> None:
    site = _custom_site(tmp_path / "site")
    (site / "hostile.md").write_text(
        "---\ntitle: Hostile\n---\nSee {{< include /etc/passwd >}} here.\n", encoding="utf-8")
    out = tmp_path / "out"
    plan = migrate(site, "quarto", out)
    text = (out / "hostile.qmd").read_text(encoding="utf-8")
    assert "See  here." in text and "{{< include" not in text  # kept aside only
    assert "{{< include /etc/passwd >}}" in _kept(out)["hostile.qmd"]
    assert any(d.code == "SM303" and d.file == "hostile.md" for d in plan.diagnostics)
