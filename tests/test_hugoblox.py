"""Hugo Blox (Hugo Academic / Wowchemy) in and out: detection, YAML and TOML front matter,
author ids, cite.bib, languages, the written site, round trips through the Jekyll themes,
and (with SITEMIGRATE_HUGOBLOX_STARTER) a real Hugo build of the migrated sample."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLES
from roundtrip import plan_files, publication_signatures, write_files

from sitemigrate.detect import detect
from sitemigrate.pipeline import migrate, read_site
from sitemigrate.verify import verify_site

SAMPLE = SAMPLES / "hugoblox"


def _site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_the_sample_is_detected_with_its_evidence() -> None:
    found = detect(SAMPLE)
    assert found.kind == "hugoblox"
    assert any("content/publication/<slug>/index.md" in e for e in found.evidence)
    assert any("wowchemy" in e for e in found.evidence)
    assert detect(SAMPLES / "academicpages").kind == "academicpages"  # not taken over


def test_a_single_bundle_is_read_with_its_cite_bib() -> None:
    page = SAMPLE / "content/publication/tidal-marsh-carbon/index.md"
    assert detect(page).kind == "hugoblox"
    model = read_site(page)
    [pub] = model.publications
    assert pub.title == "Carbon burial rates in restored tidal marshes"
    assert pub.extra["volume"] == "14" and pub.extra["pages"] == "211--229"  # from cite.bib


def test_yaml_and_toml_front_matter_and_legacy_type_codes() -> None:
    model = read_site(SAMPLE)
    pubs = {p.id: p for p in model.publications}
    toml = pubs["sediment-models"]  # +++ TOML, publication_types = ["2"]
    assert (toml.kind, toml.year, toml.date) == ("journal", 2021, "2021-09-02")
    assert toml.links["model_code"] == "https://github.com/jhpark/two-box-marsh"
    yaml = pubs["tidal-marsh-carbon"]
    assert yaml.kind == "journal" and yaml.venue == "Estuarine Science Letters"
    assert yaml.identifiers["doi"] == "10.5555/esl.2022.0147" and yaml.selected
    assert yaml.links["pdf"] == "/content/publication/tidal-marsh-carbon/marsh-carbon.pdf"
    assert yaml.image == "/content/publication/tidal-marsh-carbon/featured.png"
    assert pubs["coastal-survey-methods"].kind == "preprint"
    assert [p.publication_ids for p in model.projects] == [["tidal-marsh-carbon"]]


def test_author_ids_resolve_through_the_profiles_and_the_owner_is_self() -> None:
    model = read_site(SAMPLE)
    pub = next(p for p in model.publications if p.id == "sediment-models")
    assert pub.authors == ["Joon-ho Park", "Marta Oyelaran-Keane"]
    owner = pub.author_names[1]
    assert (owner.id, owner.is_self, owner.family) == ("admin", True, "Oyelaran-Keane")
    assert not pub.author_names[0].is_self
    site = model.site
    assert (site.name, site.affiliation) == ("Marta Oyelaran-Keane",
                                             "University of the North Shore")
    assert site.email == "marta@north-shore.example.edu"
    assert site.socials["github"] == "https://github.com/moyelaran"
    [person] = [i for i in model.items if i.collection == "people"]  # the other profile
    assert (person.title, person.extra["role"]) == ("Joon-ho Park", "PhD student")


def test_cite_bib_fills_what_the_front_matter_lacks_and_never_overrides(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", {
        "config/_default/hugo.yaml": "title: T\n",
        "content/publication/p/index.md": "---\ntitle: The front-matter title\n"
                                          "publication_types: ['1']\ndate: '2019-04-02'\n---\n",
        "content/publication/p/cite.bib": "@inproceedings{p,\n title = {A bib title},\n"
                                          " author = {Doe, Jane and Roe, Rick},\n"
                                          " booktitle = {Conf on Things},\n year = {2018},\n"
                                          " pages = {1--9},\n url = {https://x.org/p}\n}\n"})
    [pub] = read_site(root).publications
    assert pub.title == "The front-matter title" and pub.year == 2019  # not overridden
    assert pub.authors == ["Jane Doe", "Rick Roe"] and pub.venue == "Conf on Things"
    assert pub.extra["pages"] == "1--9" and "https://x.org/p" in pub.links.values()
    assert pub.kind == "conference"


def test_current_kit_layout_data_authors_and_links_list(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", {
        "config/_default/module.yaml": "imports:\n  - path: github.com/HugoBlox/kit/modules/blox\n",
        "data/authors/me.yaml": "schema: hugoblox/author/v1\nslug: me\nis_owner: true\n"
                                "name:\n  display: Ana Lima\nrole: Lecturer\n"
                                "links:\n  - icon: brands/github\n    url: https://github.com/al\n",
        "content/publications/x/index.md": "---\ntitle: X\nauthors: [me, Bo Chen]\n"
                                           "publication_types: [paper-conference]\n"
                                           "hugoblox:\n  ids:\n    doi: 10.1234/xyz\n"
                                           "links:\n  - type: code\n    url: https://c.org\n"
                                           "  - type: custom\n    label: Demo site\n"
                                           "    url: https://d.org\n---\n"})
    model = read_site(root)
    [pub] = model.publications
    assert pub.authors == ["Ana Lima", "Bo Chen"] and pub.author_names[0].is_self
    assert pub.links["code"] == "https://c.org" and pub.links["demo_site"] == "https://d.org"
    assert pub.identifiers["doi"] == "10.1234/xyz" and pub.kind == "conference"
    assert model.site.role == "Lecturer"


def test_other_languages_are_reported_and_the_default_one_read(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", {
        "config/_default/hugo.yaml": "defaultContentLanguage: fr\n",
        "config/_default/languages.yaml": "en:\n  contentDir: content/en\n"
                                          "fr:\n  contentDir: content/fr\n",
        "content/en/publication/a/index.md": "---\ntitle: English paper\n"
                                             "publication_types: ['2']\n---\n",
        "content/fr/publication/a/index.md": "---\ntitle: Article en français\n"
                                             "publication_types: ['2']\n---\n"})
    model = read_site(root, "hugoblox")
    assert [p.title for p in model.publications] == ["Article en français"]
    [lost] = [d for d in model.diagnostics if d.code == "SM213"]
    assert "'en'" in lost.message and "1 content files" in lost.message
    assert lost.file == "config/_default/languages.yaml"


def test_broken_toml_is_reported_with_its_line(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", {
        "config/_default/hugo.yaml": "title: T\n",
        "content/publication/a/index.md": "+++\ntitle = \"A\"\nauthors = [\"x\"\n+++\n",
        "content/publication/b/index.md": "---\ntitle: B\npublication_types: ['2']\n---\n"})
    model = read_site(root, "hugoblox")
    bad = [d for d in model.diagnostics if d.code == "SM111"]
    assert bad and bad[0].file == "content/publication/a/index.md" and bad[0].line
    assert "B" in [p.title for p in model.publications]


def test_no_liquid_reaches_a_hugo_content_file(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", {
        "_config.yml": "title: Lab\n",
        "_data/publications.yml": "- title: Paper one\n  authors: J. Doe\n  year: 2020\n",
        "index.md": "---\ntitle: Home\n---\nHello {{ site.title }}.\n"
                    "{% include figure.html path=\"img/a.png\" %}\n"
                    "{% for p in site.data.publications %}{{ p.title }}{% endfor %}\n"
                    "{% if site.x %}shown{% endif %}\n"
                    "See [the tool]((http://tool.example.org/)).\n"})
    out = tmp_path / "out"
    plan = migrate(root, "hugoblox", out)
    for path in (out / "content").rglob("*.md"):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        assert "{%" not in body and not re.search(r"\{\{\s*(site|p)\.", body), path
    home = (out / "content/_index.md").read_text(encoding="utf-8")
    assert "Hello" in home and "/img/a.png" in home
    assert "[the tool](http://tool.example.org/)" in home  # Hugo's link hook parses it
    assert "SM303" in {d.code for d in plan.diagnostics}
    assert verify_site(out, "hugoblox").ok


def test_the_written_site_has_the_starters_layout() -> None:
    files = plan_files(read_site(SAMPLE), "hugoblox")
    names = [rel for rel, _ in files.items()]
    for rel in ("content/_index.md", "data/authors/me.yaml", "content/publications/_index.md",
                "content/publications/sediment-models/index.md",
                "content/publications/sediment-models/cite.bib",
                "content/projects/marsh-monitor/index.md",
                "content/events/estuary-forum-2023/index.md",
                "content/blog/field-season-notes/index.md", "config/_default/menus.yaml"):
        assert rel in names, rel
    page = (files.get("content/publications/sediment-models/index.md") or b"").decode()
    assert "authors:\n- Joon-ho Park\n- me\n" in page  # the owner by the starter's id
    assert "- article-journal" in page


@pytest.mark.parametrize("target", ["academicpages", "al-folio", "allanlab"])
def test_hugoblox_to_each_jekyll_theme_and_back_keeps_every_publication(
        target: str, tmp_path: Path) -> None:
    original = read_site(SAMPLE)
    write_files(plan_files(original, target), tmp_path / "jekyll")
    jekyll = read_site(tmp_path / "jekyll", target)
    assert publication_signatures(jekyll) == publication_signatures(original)
    write_files(plan_files(jekyll, "hugoblox"), tmp_path / "hugo")
    back = read_site(tmp_path / "hugo", "hugoblox")
    assert publication_signatures(back) == publication_signatures(original)


# --- a real Hugo build (opt-in) -----------------------------------------------------------

STARTER = os.environ.get("SITEMIGRATE_HUGOBLOX_STARTER")
HUGO = os.environ.get("SITEMIGRATE_HUGO") or shutil.which("hugo")


def _listed(public: Path, section: str, titles: list[str]) -> int:
    pages = [public / section / "index.html", *sorted((public / section / "page").rglob(
        "index.html"))] if (public / section).is_dir() else []
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")))
                    for p in pages if p.is_file())
    text = " ".join(text.split())
    return sum(1 for t in titles if " ".join(html.unescape(t).split()) in text)


@pytest.mark.skipif(not (STARTER and HUGO), reason="needs SITEMIGRATE_HUGOBLOX_STARTER=<starter "
                    "checkout> and hugo >= 0.154 (SITEMIGRATE_HUGO or on PATH), with the kit's "
                    "modules reachable (HUGO_MODULE_REPLACEMENTS) and the Tailwind CSS CLI "
                    "(SITEMIGRATE_HUGOBLOX_NODE_MODULES=<its node_modules>)")
def test_hugo_builds_the_migrated_sample_and_lists_every_publication(tmp_path: Path) -> None:
    out = tmp_path / "site"
    migrate(SAMPLE, "hugoblox", out, onto=STARTER)
    public = tmp_path / "public"
    node_modules = os.environ.get("SITEMIGRATE_HUGOBLOX_NODE_MODULES")  # Tailwind CSS CLI
    if node_modules:
        (out / "node_modules").symlink_to(node_modules)
    run = subprocess.run([str(HUGO), "-d", str(public)], cwd=out,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    titles = [p.title for p in read_site(SAMPLE).publications]
    assert _listed(public, "publications", titles) == len(titles)
    assert _listed(public, "projects", ["Marsh Monitor"]) == 1
    home = (public / "index.html").read_text(encoding="utf-8")
    assert "Marta Oyelaran-Keane" in home and "Dr. Alex Johnson" not in home


def test_verify_detects_a_written_hugo_site_and_leaves_its_build_to_hugo(tmp_path: Path) -> None:
    out = tmp_path / "out"
    migrate(SAMPLE, "hugoblox", out)
    report = verify_site(out, build=True)  # the theme detected from the files
    assert report.theme == "hugoblox" and report.ok and not report.built
    assert "SM609" in {d.code for d in report.diagnostics}


@pytest.mark.parametrize("target", ["academicpages", "al-folio", "allanlab"])
def test_html_a_hugo_page_rendered_stays_html_and_braces_stay_text(tmp_path: Path,
                                                                  target: str) -> None:
    """Hugo Blox renders raw HTML in content (goldmark unsafe) and runs no Liquid: the HTML
    is carried as HTML, while ``{{ … }}`` stays text in a Jekyll target."""
    site = _site(tmp_path / "site", {
        "config/_default/hugo.yaml": "title: Lab\n",
        "content/publication/p/index.md": "---\ntitle: A Paper\ndate: 2021-01-01\n---\n",
        "content/join.md": "---\ntitle: Join us\n---\n"
                           '<div class="note">Open <b>PhD</b> positions.</div>\n\n'
                           "Write {{ site.title }} in the subject.\n"})
    out = tmp_path / "out"
    migrate(site, target, out, kind="hugoblox")
    page = next(p.read_text(encoding="utf-8") for p in out.rglob("join*.md"))
    assert '<div class="note">Open <b>PhD</b> positions.</div>' in page
    assert "{{ site.title }}" not in page and "&#123;{ site.title }}" in page
