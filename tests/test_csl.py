"""CSL-JSON and CSL-YAML: the ``csl`` source kind and CSL data a custom layout loops over."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitemigrate.detect import detect
from sitemigrate.pipeline import SourceError, plan_migration, read_site

ITEMS = [
    {"id": "lee2021widgets", "type": "article-journal", "title": "Widgets at Scale",
     "author": [{"family": "Lee", "given": "Ann"},
                {"family": "Jacobsmühlen", "given": "Joschka", "non-dropping-particle": "zur"}],
     "editor": [{"family": "Chen", "given": "Bo"}],
     "issued": {"date-parts": [[2021, 6, 3]]}, "container-title": "Journal of Widgets",
     "DOI": "10.1234/widgets.2021", "URL": "https://example.org/w", "volume": "12",
     "note": "Invited"},
    {"id": "diaz2020gadgets", "type": "paper-conference", "title": "Gadgets",
     "author": [{"literal": "The Gadget Consortium"}], "issued": {"raw": "2020-11"},
     "container-title": "Proceedings of GadgetConf"},
    {"id": "kim2019thesis", "type": "thesis", "title": "On Sprockets",
     "author": [{"family": "Kim", "given": "Cy"}], "issued": {"date-parts": [[2019]]},
     "publisher": "Widget University"},
]


def _check(model) -> None:  # type: ignore[no-untyped-def]
    widgets, gadgets, thesis = model.publications
    assert (widgets.id, widgets.title, widgets.kind, widgets.venue) == (
        "lee2021widgets", "Widgets at Scale", "journal", "Journal of Widgets")
    assert widgets.authors == ["Ann Lee", "Joschka zur Jacobsmühlen"]
    assert (widgets.date, widgets.year) == ("2021-06-03", 2021)
    assert widgets.identifiers["doi"] == "10.1234/widgets.2021"
    assert widgets.links == {"doi": "https://doi.org/10.1234/widgets.2021",
                             "html": "https://example.org/w"}
    assert widgets.extra["editors"] == ["Bo Chen"]
    assert widgets.extra["note"] == "Invited" and widgets.extra["volume"] == "12"
    assert gadgets.kind == "conference" and gadgets.date == "2020-11"
    assert gadgets.author_names[0].family == "The Gadget Consortium"
    assert (thesis.kind, thesis.year, thesis.extra["publisher"]) == ("thesis", 2019,
                                                                     "Widget University")


def test_csl_json_file_is_a_source_kind(tmp_path: Path) -> None:
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(ITEMS, indent=1, ensure_ascii=False), encoding="utf-8")
    assert detect(path).kind == "csl"
    model = read_site(path)
    assert model.source.kind == "csl"
    _check(model)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [lines[p.origin.line - 1].strip() for p in model.publications] == [
        f'"id": "{item["id"]}",' for item in ITEMS]
    bib = plan_migration(model, "al-folio", tmp_path / "out").files.get(
        "_bibliography/papers.bib").decode()
    assert "Lee, Ann and zur Jacobsmühlen, Joschka" in bib


def test_csl_yaml_references_file(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "refs.yaml"
    path.write_text(yaml.safe_dump({"references": ITEMS}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    assert detect(path).kind == "csl"
    model = read_site(path)
    _check(model)
    assert all(p.origin and p.origin.line for p in model.publications)


def test_not_csl_is_an_input_error_naming_why(tmp_path: Path) -> None:
    """Read with --from csl, a file holding no CSL item is bad input (exit 2), not an empty
    site; the message says what the reader found."""
    path = tmp_path / "other.json"
    path.write_text('[{"name": "x"}]', encoding="utf-8")
    with pytest.raises(SourceError, match="holds no CSL items"):
        read_site(path, "csl")


def test_custom_layout_looping_over_csl_data(tmp_path: Path) -> None:
    """Pages loop over ``site.data.publications.references`` (a Better BibTeX CSL-YAML
    export); an unrendered ``_publications/`` folder holds a few stale copies."""
    import yaml

    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "publications.yml").write_text(
        yaml.safe_dump({"references": ITEMS}, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    (tmp_path / "_config.yml").write_text("title: Lab\n", encoding="utf-8")
    (tmp_path / "publications.md").write_text(
        "---\nlayout: default\ntitle: Publications\n---\n"
        "{% for ref in site.data.publications.references %}\n"
        "{{ ref.title }} {{ ref.container-title }}\n{% endfor %}\n", encoding="utf-8")
    model = read_site(tmp_path, "custom")
    _check(model)
