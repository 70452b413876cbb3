"""Authors in every shape sites write them, on small synthetic sites (issue 15)."""

from __future__ import annotations

import re
from pathlib import Path

from sitemigrate.pipeline import plan_migration, read_site
from sitemigrate.transforms.authors import people_index, read_authors


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _names(pub) -> list[tuple[str | None, str, list[str], str | None]]:  # type: ignore[no-untyped-def]
    return [(n.given, n.family, n.marks, n.id) for n in pub.author_names]


def test_read_authors_shapes() -> None:
    assert read_authors("A. Lee, B. Chen and C. Diaz").authors == ["A. Lee", "B. Chen", "C. Diaz"]
    assert read_authors("Lee, Ann and Chen, Bo").authors == ["Ann Lee", "Bo Chen"]
    assert read_authors(["Ann Lee", "Bo Chen"]).authors == ["Ann Lee", "Bo Chen"]
    assert read_authors({"first": "Ann", "last": "Lee"}).authors == ["Ann Lee"]
    csl = read_authors([{"family": "Jacobsmühlen", "given": "Joschka",
                         "non-dropping-particle": "zur"}, {"literal": "The Widget Consortium"}])
    assert csl.authors == ["Joschka zur Jacobsmühlen", "The Widget Consortium"]
    assert [(n.given, n.family) for n in csl.names] == [("Joschka", "zur Jacobsmühlen"),
                                                         (None, "The Widget Consortium")]
    marked = read_authors([{"name": "J.-H. Jang", "is_corresponding": True},
                           {"name": "S.-J. Jung", "is_first": "true"},
                           {"given": "Bo", "family": "Chen", "equal": False}])
    assert [n.marks for n in marked.names] == [["†"], ["*"], []]
    assert marked.authors == ["J.-H. Jang", "S.-J. Jung", "Bo Chen"]


def test_people_keys_resolve_and_keep_the_key_as_id() -> None:
    people = people_index([("li_ming", {"name": "Ming Li"}),
                           (None, {"name": "Hyeshik Chang", "link": "hyeshik-chang"})])
    found = read_authors(["li_ming", {"link": "hyeshik-chang", "is_first": True}, "Bo Chen",
                          {"link": "nobody-here"}], people)
    assert found.authors == ["Ming Li", "Hyeshik Chang", "Bo Chen", "nobody-here"]
    assert [(n.id, n.marks) for n in found.names] == [
        ("li_ming", []), ("hyeshik-chang", ["*"]), (None, []), ("nobody-here", [])]
    assert found.unresolved == ["nobody-here"]


ALLAN_PUBLIST = """\
- title: Widgets by Structure
  authors:
    - name: J.-H. Jang
      is_corresponding: true
    - link: hyeshik-chang
    - name: S.-J. Jung
      is_first: true
  year: 2024
  highlight: 0
- title: Widgets as One String
  author: Ann Lee, Bo Chen, Cy Diaz
  year: 2023
  highlight: 0
"""


def test_allanlab_structured_and_singular_authors(tmp_path: Path) -> None:
    site = _write(tmp_path, {
        "_config.yml": "title: Lab\n",
        "_data/publist.yml": ALLAN_PUBLIST,
        "_data/team_members.yml": "- name: Hyeshik Chang\n  info: PI\n",
        "_data/alumni_members.yml": "- name: Old Member\n",
    })
    model = read_site(site, "allanlab")
    first, second = model.publications
    assert first.authors == ["J.-H. Jang", "Hyeshik Chang", "S.-J. Jung"]
    assert _names(first) == [("J.-H.", "Jang", ["†"], None),
                             ("Hyeshik", "Chang", [], "hyeshik-chang"),
                             ("S.-J.", "Jung", ["*"], None)]
    assert second.authors == ["Ann Lee", "Bo Chen", "Cy Diaz"]
    assert "author" not in second.extra
    assert not any("{'" in a for p in model.publications for a in p.authors)
    bib = plan_migration(model, "al-folio", tmp_path / "out").files.get(
        "_bibliography/papers.bib").decode()
    assert re.search(r"author += {Lee, Ann and Chen, Bo and Diaz, Cy}", bib), bib
    # marks where al-folio reads them: after the last name
    assert re.search(r"author += {Jang†, J.-H. and Chang, Hyeshik and Jung\*, S.-J.}", bib), bib


def test_custom_layout_authors_by_key(tmp_path: Path) -> None:
    site = _write(tmp_path, {
        "_config.yml": "title: Lab\n",
        "_data/people.yml": "li_ming:\n  name: Ming Li\nweise_t:\n  name: Thomas Weise\n",
        "_data/publications.yml": "- title: Widgets by Key\n  authors: [li_ming, weise_t, "
                                  "Outside Person]\n  year: 2022\n"
                                  "- title: Widgets by CSL\n  author:\n    - family: Lee\n"
                                  "      given: Ann\n  year: 2021\n",
        "_includes/pub.html": "{% for a in p.authors %}{{ site.data.people[a].name }}"
                              "{% endfor %}\n",
        "publications.md": "---\nlayout: default\n---\n{% for p in site.data.publications %}"
                           "{{ p.title }}{% include pub.html %}{% endfor %}\n",
    })
    model = read_site(site, "custom")
    by_title = {p.title: p for p in model.publications}
    keyed = by_title["Widgets by Key"]
    assert keyed.authors == ["Ming Li", "Thomas Weise", "Outside Person"]
    assert [n.id for n in keyed.author_names] == ["li_ming", "weise_t", None]
    assert by_title["Widgets by CSL"].authors == ["Ann Lee"]


def test_academicpages_author_list_of_maps(tmp_path: Path) -> None:
    site = _write(tmp_path, {
        "_config.yml": "title: Me\nauthor:\n  name: Ann Lee\n",
        "_publications/2020-01-01-w.md": "---\ntitle: Widgets\ncollection: publications\n"
                                         "date: 2020-01-01\nauthor:\n  - first: Ann\n"
                                         "    last: Lee\n    equal: true\n  - Bo Chen\n---\n",
    })
    (pub,) = read_site(site, "academicpages").publications
    assert pub.authors == ["Ann Lee", "Bo Chen"]
    assert [n.marks for n in pub.author_names] == [["*"], []]


def test_bibtex_name_braces_are_decoded(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@inproceedings{a,\n  title = {Widgets},\n  author = {Nam{-}Su Jho and "
                   "{zur Jacobsm{\\\"u}hlen}, Joschka},\n  year = 2020\n}\n", encoding="utf-8")
    (pub,) = read_site(bib, "bibtex").publications
    assert pub.authors == ["Nam-Su Jho", "Joschka zur Jacobsmühlen"]
    assert [(n.given, n.family) for n in pub.author_names] == [
        ("Nam-Su", "Jho"), ("Joschka", "zur Jacobsmühlen")]
