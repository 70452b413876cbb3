"""Liquid a writer removed from a page is gathered into one file the build never renders."""

from __future__ import annotations

from pathlib import Path

from conftest import CORPUS, requires_corpus

from sitemigrate.common.foreign_liquid import LIQUID_KEY
from sitemigrate.common.kept_liquid import KEPT_FILE, gather_kept_liquid
from sitemigrate.fileset import FileSet
from sitemigrate.parsing.front_matter import split_front_matter
from sitemigrate.parsing.yamlio import load_yaml
from sitemigrate.pipeline import migrate

PAGE = ("---\ntitle: Team\n" + LIQUID_KEY + ":\n- '{% include card.html %}'\n- |-\n"
        "  {% for p in site.data.people %}\n\n  {{ p.name }}\n  {% endfor %}\n"
        "permalink: /team/\n---\n\n# Team\n")


def test_the_block_leaves_the_front_matter_and_lands_in_the_kept_file() -> None:
    files = FileSet()
    files.add("_pages/team.md", PAGE)
    files.add("_pages/plain.md", "---\ntitle: Plain\n---\nText.\n")
    assert gather_kept_liquid(files) == 1
    team = files.get("_pages/team.md").decode()
    assert team == "---\ntitle: Team\npermalink: /team/\n---\n\n# Team\n"
    kept = load_yaml(files.get(KEPT_FILE).decode()).data
    assert kept == {"_pages/team.md": ["{% include card.html %}",
                                       "{% for p in site.data.people %}\n\n{{ p.name }}\n"
                                       "{% endfor %}"]}
    assert files.get("_pages/plain.md").decode() == "---\ntitle: Plain\n---\nText.\n"


def test_a_key_that_is_not_a_list_of_text_is_left_alone() -> None:
    files = FileSet()
    text = f"---\n{LIQUID_KEY}: 3\ntitle: T\n---\nBody\n"
    files.add("a.md", text)
    assert gather_kept_liquid(files) == 0
    assert files.get("a.md").decode() == text and KEPT_FILE not in files


@requires_corpus
def test_no_migrated_page_carries_removed_liquid(tmp_path: Path) -> None:
    """Akmazad's academicpages pages loop over collections and includes al-folio lacks."""
    source = CORPUS / "academicpages" / "Akmazad__Akmazad.github.io"
    out = tmp_path / "out"
    plan = migrate(source, "al-folio", out)
    pages = [p for p in out.rglob("*.md") if "_sitemigrate" not in p.parts]
    assert not [p for p in pages if LIQUID_KEY in p.read_text(encoding="utf-8")]
    kept = load_yaml((out / KEPT_FILE).read_text(encoding="utf-8")).data
    assert "{% include archive-single-cv.html %}" in kept["_pages/cv.md"]
    reported = {d.file for d in plan.diagnostics if d.code in ("SM303", "SM305") and d.file}
    assert len(kept) <= len(reported)  # each page with removed text is reported
    for rel in kept:
        assert split_front_matter((out / rel).read_text(encoding="utf-8")).error is None
