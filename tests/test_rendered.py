"""Read what the site renders (issue 15): al-folio's configured bibliography and the files
pages name; detection weighs declared collections against the data pages loop over."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sitemigrate.cli import cli
from sitemigrate.detect import detect
from sitemigrate.pipeline import read_site


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _entry(key: str, title: str) -> str:
    return (f"@article{{{key},\n  title = {{{title}}},\n  author = {{Lee, Ann}},\n"
            "  year = 2020\n}\n")


def _al_folio(root: Path) -> Path:
    return _write(root, {
        "_config.yml": "title: Lab\nfirst_name: Ann\nlast_name: Lee\nscholar:\n"
                       "  source: /_bibliography/\n  bibliography: lab.bib\n"
                       "  bibliography_template: bib\n",
        "_bibliography/lab.bib": _entry("lee2020a", "Widgets One"),
        "_bibliography/talks.bib": _entry("lee2020t", "A Widget Talk"),
        "_bibliography/backup.bib": _entry("einstein1905", "Template Paper")
        + _entry("einstein1906", "Template Paper Two"),
        "_bibliography/dblp.bib": _entry("dblp1", "Dump One"),
        "_pages/publications.md": "---\nlayout: page\ntitle: Publications\nnav: true\n---\n"
                                  "{% bibliography %}\n",
        "_pages/talks.md": "---\nlayout: page\ntitle: Talks\nnav: true\n---\n"
                           "{% bibliography --file talks --query @* %}\n",
    })


def test_al_folio_reads_the_rendered_bibliographies_and_reports_the_others(
        tmp_path: Path) -> None:
    model = read_site(_al_folio(tmp_path), "al-folio")
    assert sorted(p.id for p in model.publications) == ["lee2020a", "lee2020t"]
    unused = sorted((d.file, d.message.split(" in a")[0]) for d in model.diagnostics
                    if d.code == "SM209")
    assert unused == [("_bibliography/backup.bib", "2 entries"),
                      ("_bibliography/dblp.bib", "1 entry")]


def test_al_folio_include_unused_reads_every_bib(tmp_path: Path) -> None:
    site = _al_folio(tmp_path)
    model = read_site(site, "al-folio", include_unused=True)
    assert len(model.publications) == 5
    assert not [d for d in model.diagnostics if d.code == "SM209"]
    result = CliRunner().invoke(cli, ["export", str(site), "--include-unused-bib",
                                       "--compact"])
    assert result.exit_code == 0, result.output
    assert "einstein1905" in result.output


def test_undeclared_collection_loses_to_the_data_a_page_loops_over(tmp_path: Path) -> None:
    site = _write(tmp_path, {
        "_config.yml": "title: Lab\nauthor:\n  name: Lab\n  avatar: x.png\n",
        "_publications/2019-01-01-stale.md": "---\ntitle: Stale Copy\n---\n",
        "_data/publications.yml": "references:\n- id: a\n  type: article-journal\n"
                                  "  title: Rendered Paper\n  container-title: J\n"
                                  "  issued: {date-parts: [[2020]]}\n",
        "publications.md": "---\nlayout: default\n---\n"
                           "{% for ref in site.data.publications.references %}{{ ref.title }}"
                           "{% endfor %}\n",
    })
    found = detect(site)
    assert found.kind == "custom", found.candidates
    assert "not rendered" in " ".join(found.candidates["academicpages"].evidence)
    titles = [p.title for p in read_site(site).publications]
    assert "Rendered Paper" in titles
