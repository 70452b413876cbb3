"""Several sources into one site: ``--add`` (a site plus its exports) and ``sitemigrate lab``
(one lab site from its members' sites), on real corpus files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import CORPUS, FIXTURES, requires_corpus

from sitemigrate.cli import cli
from sitemigrate.pipeline import read_site

CLAUDIA = CORPUS / "academicpages" / "ClaudiaASoares__ClaudiaASoares.github.io"
USC_PEOPLE = CORPUS / "allanlab" / "USC-NSL__allanlab" / "_bibliography" / "people"
NGRAM_BIB = CORPUS / "al-folio" / "ngram-lab__al-folio" / "_bibliography" / "papers.bib"
CORPUS_LAB = FIXTURES / "lab" / "corpus-lab.yml"


def _entry(bib: Path, key: str) -> str:
    """The text of one real BibTeX entry, from its @ line to the line closing it."""
    text = bib.read_text(encoding="utf-8")
    start = text.index("{" + key + ",")
    start = text.rindex("@", 0, start)
    depth, end = 0, start
    for end in range(text.index("{", start), len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            break
    return text[start:end + 1] + "\n"


def _lab(tmp_path: Path, members: list[dict[str, str]], *args: str) -> tuple[int, dict]:
    manifest = tmp_path / "lab.yml"
    manifest.write_text(yaml.safe_dump({"lab": {"title": "Test Lab"}, "sites": members}))
    result = CliRunner().invoke(cli, ["lab", str(manifest), "-o", str(tmp_path / "out"),
                                      "--json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    start = result.output.index("{")
    return result.exit_code, json.loads(result.output[start:])


def _count(data: dict, code: str) -> int:
    return int(data["sites"][0]["codes"].get(code, {}).get("count", 0))


# -- --add --------------------------------------------------------------------------------

@requires_corpus
def test_add_merges_a_site_with_its_bibtex_export_first_source_wins() -> None:
    """ClaudiaASoares' _publications/ pages were generated from markdown_generator/pubs.bib:
    with --add, each paper is one record (the page's id and title), with the DOIs and links
    only the .bib had, and every merged .bib entry named with its source and line."""
    bib = CLAUDIA / "markdown_generator" / "pubs.bib"
    alone = read_site(CLAUDIA)
    model = read_site(CLAUDIA, add=[bib])
    (added,) = model.source.added
    assert (added.kind, added.path) == ("bibtex", bib.as_posix())
    c = added.contributed
    assert c["read"] == 85
    assert c["merged"] == 45 and c["publications"] == 18
    assert c["links"] > 0 and c["identifiers"] > 0
    assert len(model.publications) == len(alone.publications) + c["publications"]
    by_id = {p.id: p for p in model.publications}
    stem = "Communication-Efficient-Vertical-Federated-Learning-via-Compressed-Error-Feedback"
    paper = by_id[stem]
    assert paper.origin is not None and paper.origin.source is None  # the site's page
    assert paper.origin.file.startswith("_publications/")
    assert paper.identifiers["doi"] == "10.1109/tsp.2025.3540655"
    assert paper.identifiers["issn"] == "1941-0476"  # only the .bib has it
    from_bib = [o for o in paper.merged_from if o.source == bib.as_posix()]
    assert from_bib and from_bib[0].file == bib.as_posix() and from_bib[0].line
    before = {p.id: p for p in alone.publications}[stem]
    assert "issn" not in before.identifiers
    # the .bib's DOI link in capitals is the page's DOI, not a second link
    network = by_id["Distributed-simple-and-stable-network-localization"]
    assert "doi_2" not in network.links
    assert any(d.code == "SM411" for d in model.diagnostics)


@requires_corpus
def test_inspect_and_export_name_what_each_added_source_brought(tmp_path: Path) -> None:
    bib = CLAUDIA / "markdown_generator" / "pubs.bib"
    text = CliRunner().invoke(cli, ["inspect", str(CLAUDIA)])
    assert text.exit_code == 0
    assert f"sitemigrate inspect {CLAUDIA} --add {bib}" in text.output  # the exact line
    result = CliRunner().invoke(cli, ["inspect", str(CLAUDIA), "--add", str(bib), "--json"])
    data = json.loads(result.output)
    assert data["suggested_add"] == []
    (added,) = data["added"]
    assert added["path"] == bib.as_posix() and added["contributed"]["merged"] == 45
    result = CliRunner().invoke(cli, ["inspect", str(CLAUDIA), "--add", str(bib)])
    assert re.search(r"added .*pubs\.bib \(bibtex\): 85 publications read, 18 new, 45 merged "
                     r"into existing records \(\+\d+ links, \+\d+ identifiers\)", result.output)
    out = tmp_path / "model.json"
    assert CliRunner().invoke(cli, ["export", str(CLAUDIA), "--add", str(bib), "-o",
                                    str(out)]).exit_code == 0
    model = json.loads(out.read_text())
    assert (model["source"]["kind"], model["source"]["path"]) == ("academicpages", str(CLAUDIA))
    assert model["source"]["added"][0]["kind"] == "bibtex"
    validated = CliRunner().invoke(cli, ["validate", str(out)])
    assert validated.exit_code == 0, validated.output


def test_add_frees_clashing_ids_and_keeps_references(tmp_path: Path) -> None:
    """Two different papers under one BibTeX key in two sources stay two, each reference
    still naming its own record."""
    first = tmp_path / "a.bib"
    first.write_text("@article{smith2020, title={Tidal Turbines in Shallow Bays}, "
                     "author={Smith, Ann}, journal={Ocean Eng.}, year={2020}}\n")
    second = tmp_path / "b" / "b.bib"
    second.parent.mkdir()
    second.write_text("@article{smith2020, title={Wave Power Buoys at Scale}, "
                      "author={Smith, Bob}, journal={Renew. Energy}, year={2020}, "
                      "doi={10.1000/xyz}}\n")
    model = read_site(first, add=[second])
    assert [p.id for p in model.publications] == ["smith2020", "smith2020-2"]
    assert model.publications[1].origin is not None
    assert model.publications[1].origin.file == second.as_posix()
    assert model.source.added[0].contributed["publications"] == 1


def test_migrate_refuses_an_output_inside_an_added_source(tmp_path: Path) -> None:
    bib = tmp_path / "refs" / "a.bib"
    bib.parent.mkdir()
    bib.write_text("@article{k, title={T}, author={A, B}, year={2020}}\n")
    site = tmp_path / "site.bib"
    site.write_text("@article{j, title={U}, author={A, B}, year={2021}}\n")
    result = CliRunner().invoke(cli, ["migrate", str(site), "--add", str(bib.parent),
                                      "--to", "al-folio", "-o", str(bib.parent / "out")])
    assert result.exit_code == 2 and "--add source" in result.output


# -- lab: one paper of two members, two papers of similar titles ---------------------------

@requires_corpus
def test_lab_one_paper_two_members_doi_and_slides_become_one_record(tmp_path: Path) -> None:
    """USC-NSL's per-person bibliographies both list Lemur (CoNEXT '20): one member's copy
    with the DOI only, the other's with the slides only -> one record with both, tied to
    both members."""
    lemur = _entry(USC_PEOPLE / "jane.bib", "10.1145/3386367.3431292")
    (tmp_path / "jane.bib").write_text(re.sub(r"\n *slides *=.*\n", "\n", lemur))
    (tmp_path / "jianfeng.bib").write_text(
        re.sub(r"\n *url *=.*doi\.org.*\n", "\n", _entry(USC_PEOPLE / "jianfeng.bib",
                                                           "10.1145/3386367.3431292")))
    assert "slides" not in (tmp_path / "jane.bib").read_text()
    assert "doi.org" not in (tmp_path / "jianfeng.bib").read_text()
    code, data = _lab(tmp_path, [
        {"source": "jane.bib", "person": "Jane Yen", "role": "PhD student"},
        {"source": "jianfeng.bib", "person": "Jianfeng Wang"}], "--to", "al-folio")
    lab = data["lab"]
    assert lab["publications"] == 1
    (paper,) = lab["papers"]
    assert paper["title"] == "Meeting SLOs in Cross-Platform NFV"
    assert paper["members"] == ["jane", "jianfeng"] == paper["listed_by"]
    (merge,) = lab["cross_member_merges"]
    assert "slides" in merge["links"] and "doi" in merge["identifiers"]
    assert merge["places"][0].startswith("jane/jane.bib:")
    assert merge["places"][1].startswith("jianfeng/jianfeng.bib:")
    rows = {m["name"]: m for m in lab["members"]}
    assert rows["jianfeng"]["contributed"]["merged_into_other_members"] == 1
    assert rows["jianfeng"]["contributed"]["links_added"] >= 1  # the slides
    bib = (tmp_path / "out" / "_bibliography" / "papers.bib").read_text()
    assert bib.count("@inproceedings") == 1 and "slides" in bib and "10.1145/3386367.3431292" \
        in bib
    team = (tmp_path / "out" / "_pages" / "team.md").read_text()
    assert team.count("Meeting SLOs in Cross-Platform NFV") == 2  # under each member
    assert "*PhD student*" in team
    assert code == 0
    html = tmp_path / "report.html"
    CliRunner().invoke(cli, ["lab", str(tmp_path / "lab.yml"), "--to", "allanlab", "-o",
                             str(tmp_path / "out2"), "--dry-run", "--report", str(html)])
    page = html.read_text()
    assert "<h2>Cross-member merges (1)</h2>" in page and "jane, jianfeng" in page
    assert json.loads(html.with_suffix(".json").read_text())["lab"]["publications"] == 1


@requires_corpus
def test_lab_two_papers_with_similar_titles_stay_two(tmp_path: Path) -> None:
    """ngram-lab's bibliography holds Monath et al.'s 2017 workshop paper and their 2019 KDD
    paper whose title extends it: given to two members, they stay two records (SM405)."""
    (tmp_path / "a.bib").write_text(_entry(NGRAM_BIB, "monath2019gradient"))
    (tmp_path / "b.bib").write_text(_entry(NGRAM_BIB, "conf/nips_ws/MonathKKM17"))
    code, data = _lab(tmp_path, [{"source": "a.bib", "person": "Nicholas Monath"},
                                 {"source": "b.bib", "person": "Ari Kobren"}],
                      "--to", "allanlab", "--dry-run")
    titles = sorted(p["title"] for p in data["lab"]["papers"])
    assert len(titles) == 2 and titles[1].startswith(titles[0].rstrip("."))
    assert data["lab"]["cross_member_merges"] == []
    assert _count(data, "SM405") == 1
    assert code == 0


# -- lab: manifest, team, photos, targets ---------------------------------------------------

def _member_site(root: Path, name: str, title: str, *, photo: bool) -> Path:
    site = root / name
    (site / "_publications").mkdir(parents=True)
    (site / "images").mkdir()
    (site / "_config.yml").write_text(
        f"title: {name}'s site\nauthor:\n  name: {name.title()} Lovelace\n"
        "  avatar: me.png\n  github: " + name + "\ncollections:\n  publications:\n"
        "    output: true\n")
    if photo:
        (site / "images" / "me.png").write_bytes(b"\x89PNG\r\n\x1a\nphoto of " + name.encode())
    (site / "_publications" / "p.md").write_text(
        f"---\ntitle: {title}\ncollection: publications\ndate: 2021-01-01\n"
        f"venue: Journal of Tests\nauthors: {name.title()} Lovelace and B. Other\n"
        "---\n")
    return site


def test_lab_team_photos_roles_and_members_for_both_targets(tmp_path: Path) -> None:
    _member_site(tmp_path, "ada", "Engines of Analysis in Practice", photo=True)
    _member_site(tmp_path, "bea", "Notes on the Analytical Engine", photo=False)
    members = [{"source": "ada", "role": "PI"}, {"source": "bea"}]
    code, data = _lab(tmp_path, members, "--to", "allanlab")
    out = tmp_path / "out"
    team = yaml.safe_load((out / "_data" / "team_members.yml").read_text())
    assert [(m["name"], m["info"], m["photo"]) for m in team] == [
        ("Ada Lovelace", "PI", "ada.png"), ("Bea Lovelace", "", "")]
    assert (out / "images" / "teampic" / "ada.png").read_bytes().endswith(b"photo of ada")
    assert team[0]["links"]["github"] == "https://github.com/ada"
    assert _count(data, "SM212") == 1  # bea's picture is not in her site
    assert _count(data, "SM222") == 0  # each member is among the authors of their paper
    papers = {p["title"]: p["members"] for p in data["lab"]["papers"]}
    assert papers == {"Engines of Analysis in Practice": ["ada"],
                      "Notes on the Analytical Engine": ["bea"]}
    shutil.rmtree(out)
    code, data = _lab(tmp_path, members, "--to", "al-folio")
    page = (out / "_pages" / "team.md").read_text()
    assert "![Ada Lovelace](/assets/img/team/ada.png)" in page
    assert "[github](https://github.com/bea)" in page
    assert (out / "assets" / "img" / "team" / "ada.png").is_file()
    assert page.index("## Ada Lovelace") < page.index("Engines of Analysis") < \
        page.index("## Bea Lovelace")


def test_lab_refuses_a_target_without_a_team_page(tmp_path: Path) -> None:
    _member_site(tmp_path, "ada", "Engines of Analysis in Practice", photo=False)
    (tmp_path / "lab.yml").write_text("- ada\n")
    result = CliRunner().invoke(cli, ["lab", str(tmp_path / "lab.yml"), "--to",
                                      "academicpages", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "allanlab or al-folio" in result.output
    assert not (tmp_path / "out").exists()


def test_lab_member_that_cannot_be_read_is_reported_and_the_others_built(tmp_path: Path) -> None:
    _member_site(tmp_path, "ada", "Engines of Analysis in Practice", photo=False)
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "notes.txt").write_text("nothing a reader knows\n")
    code, data = _lab(tmp_path, [{"source": "ada"}, {"source": "odd"}], "--to", "allanlab")
    assert code == 1
    rows = {m["name"]: m["status"] for m in data["lab"]["members"]}
    assert rows == {"ada": "ok", "odd": "failed"}
    assert _count(data, "SM515") == 1
    assert (tmp_path / "out" / "_data" / "publist.yml").is_file()


# -- the five corpus sites ------------------------------------------------------------------

def _corpus_lab_present() -> bool:
    data = yaml.safe_load(CORPUS_LAB.read_text())
    return all((CORPUS_LAB.parent / s["source"]).is_dir() for s in data["sites"])


corpus_lab = pytest.mark.skipif(not CORPUS.is_dir() or not _corpus_lab_present(),
                                reason="../shared/corpus not beside the repository")


@corpus_lab
@pytest.mark.parametrize("target", ["allanlab", "al-folio"])
def test_corpus_lab_of_five_sites_of_four_themes(tmp_path: Path, target: str) -> None:
    result = CliRunner().invoke(cli, ["lab", str(CORPUS_LAB), "--allow-outside", "--to",
                                      target, "-o", str(tmp_path / "out"), "--json",
                                      "--report", str(tmp_path / "report.md")])
    data = json.loads(result.output[result.output.index("{"):])
    lab = data["lab"]
    kinds = {m["name"]: m["kind"] for m in lab["members"]}
    assert kinds == {"claudia": "academicpages", "adrien": "al-folio", "hal": "allanlab",
                     "allan": "allanlab", "alberto": "custom"}
    read = sum(m["read"]["publications"] for m in lab["members"])
    merged = sum(m["contributed"]["merged_into_other_members"] for m in lab["members"])
    assert (read, merged, lab["publications"]) == (174, 18, 156)
    assert len(lab["cross_member_merges"]) == 18
    assert all(m["members"] == ["allan", "hal"] or m["members"] == ["hal", "allan"]
               or set(m["members"]) == {"allan", "hal"} for m in lab["cross_member_merges"])
    tied = {m["name"]: m["papers_tied"] for m in lab["members"]}
    assert tied["claudia"] == 49 and tied["adrien"] == 45 and tied["allan"] >= 34
    report = (tmp_path / "report.md").read_text()
    assert "## Cross-member merges (18)" in report and "| claudia | academicpages |" in report
    out = tmp_path / "out"
    names = ["Claudia Soares", "Adrien Taylor", "Human Augmentation Lab", "Milan P. Allan",
             "Alberto Roper Pol"]
    if target == "allanlab":
        team = yaml.safe_load((out / "_data" / "team_members.yml").read_text())
        assert [m["name"] for m in team] == names
        publist = yaml.safe_load((out / "_data" / "publist.yml").read_text())
        assert len(publist) == 156
    else:
        page = (out / "_pages" / "team.md").read_text()
        assert all(f"## {name}" in page for name in names)
        bib = (out / "_bibliography" / "papers.bib").read_text()
        assert len(re.findall(r"^@(?!string)", bib, re.M)) + len(list(
            (out / "_bibliography").glob("undated.bib"))) >= 156


@corpus_lab
def test_corpus_lab_builds_in_the_allan_lab_template(tmp_path: Path) -> None:
    """With SITEMIGRATE_THEME_ALLANLAB (a checkout) and jekyll: the built site lists every
    distinct paper on /publications/ and every member on /team/."""
    import os

    theme = os.environ.get("SITEMIGRATE_THEME_ALLANLAB")
    if shutil.which("jekyll") is None or not theme:
        pytest.skip("needs jekyll and SITEMIGRATE_THEME_ALLANLAB=<checkout>")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["lab", str(CORPUS_LAB), "--allow-outside", "--to",
                                      "allanlab", "-o", str(out), "--onto", theme, "--json"])
    data = json.loads(result.output[result.output.index("{"):])
    for name in ("Gemfile", "Gemfile.lock"):
        (out / name).unlink(missing_ok=True)
    subprocess.run(["jekyll", "build", "-q", "-d", str(out / "_site")], cwd=out, check=True,
                   capture_output=True, timeout=600)

    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", re.sub(r"<[^>]+>", " ", text).lower())

    listing = norm((out / "_site" / "publications" / "index.html").read_text())
    shown = [p for p in data["lab"]["papers"] if norm(p["title"]).strip()[:60] in listing]
    assert len(shown) == len(data["lab"]["papers"]) == 156
    team = norm((out / "_site" / "team" / "index.html").read_text())
    assert all(norm(m["person"]).strip() in team for m in data["lab"]["members"])


def test_added_themes_merge_by_title_and_projects_fold_into_the_first_sources() -> None:
    from sitemigrate.combine import Part, combine
    from sitemigrate.model import Model, Origin, Project, Publication, Site, Source, Theme

    first = Model(Source("academicpages", "site"), site=Site(name="Ann", url="https://ann.org"),
                  themes=[Theme("t1", "Machine Learning", project_ids=["p1"])],
                  projects=[Project("p1", "Tide Tool", origin=Origin("_portfolio/p1.md", 1))])
    other = Model(Source("custom", "other"),
                  site=Site(name="Someone", url="https://else.org", email="ann@ann.org"),
                  themes=[Theme("ml", "Machine learning.", publication_ids=["x"],
                                project_ids=["tool"], origin=Origin("_data/themes.yml", 3))],
                  projects=[Project("tool", "Tide tool", description="Tides.",
                                    links={"code": "https://github.com/ann/tide"})],
                  publications=[Publication("x", "Paper X", origin=Origin("_data/p.yml", 1))])
    model = combine(first, [Part("../other", "../other", other)])
    (theme,) = model.themes
    assert (theme.id, theme.publication_ids, theme.project_ids) == ("t1", ["x"], ["p1"])
    (project,) = model.projects
    assert project.description == "Tides." and project.links == {
        "code": "https://github.com/ann/tide"}
    # the first source's profile wins; a field it lacks comes from the added source
    assert (model.site.name, model.site.url, model.site.email) == (
        "Ann", "https://ann.org", "ann@ann.org")
    assert model.publications[0].origin == Origin("../other/_data/p.yml", 1, "../other")
    assert [d.code for d in model.diagnostics if d.code == "SM412"] == ["SM412"]
    assert model.source.added[0].contributed == {
        "read": 1, "themes_merged": 1, "profile": 1, "publications": 1, "merged": 0,
        "links": 0, "identifiers": 0}


@pytest.mark.parametrize("target", ["allanlab", "al-folio"])
def test_lab_member_content_stays_inert(tmp_path: Path, target: str) -> None:
    """The threat model's case: a member's site carries Liquid, a script and a javascript:
    link in its profile and a paper; the lab site shows them as text, never runs them."""
    site = _member_site(tmp_path, "eve", "Safe {{ site.secret }} Title <script>alert(1)</script>",
                        photo=False)
    config = (site / "_config.yml").read_text().replace(
        "name: Eve Lovelace", "name: \"Eve {% include x.html %} <script>x()</script>\"")
    (site / "_config.yml").write_text(config + "  website: javascript:alert(2)\n")
    (site / "_publications" / "p.md").write_text(
        (site / "_publications" / "p.md").read_text().replace(
            "---\n", "---\npaperurl: javascript:alert(3)\n", 1))
    code, data = _lab(tmp_path, [{"source": "eve", "role": "<img src=x onerror=alert(4)>"}],
                      "--to", target)
    written = "".join(p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*")
                      if p.is_file())
    for live in ("{{ site.secret", "{% include x.html", "<script", "javascript:", "<img src=x"):
        assert live not in written, live
    assert "Safe" in written and "Title" in written
