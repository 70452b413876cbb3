"""Author names: display strings -> AuthorName, on names as real sites write them."""

from __future__ import annotations

import pytest
from conftest import CORPUS, requires_corpus

from sitemigrate.model import AuthorName, Publication
from sitemigrate.transforms.names import (
    clean_author,
    format_bibtex_name,
    format_display_name,
    parse_name,
    structure_authors,
)

# (as written, expected display, family, given, suffix, marks, is_self, others)
CASES = [
    ("Ferreira, Ricardo N.", "Ricardo N. Ferreira", "Ferreira", "Ricardo N.", None, [], False,
     False),
    ("Jan van der Berg", "Jan van der Berg", "van der Berg", "Jan", None, [], False, False),
    ("van der Berg, Jan", "Jan van der Berg", "van der Berg", "Jan", None, [], False, False),
    ("JM van Ruitenbeek", "JM van Ruitenbeek", "van Ruitenbeek", "JM", None, [], False, False),
    ("Smith, Jr., John", "John Smith Jr.", "Smith", "John", "Jr.", [], False, False),
    ("John Smith, Jr.", "John Smith Jr.", "Smith", "John", "Jr.", [], False, False),
    ("Martin Luther King III", "Martin Luther King III", "King", "Martin Luther", "III", [],
     False, False),
    # PubMed order (AdamFrostLab backup_publications.yml)
    ("Moss III FR", "Moss III FR", "Moss", "FR", "III", [], False, False),
    ("Frost A<sup>\\*</sup>", "Frost A", "Frost", "A", None, ["*"], False, False),
    # minimal-light author strings (AlexSchuckert publications.yml)
    ("<strong>Alexander Schuckert</strong>*", "Alexander Schuckert", "Schuckert", "Alexander",
     None, ["*"], True, False),
    ("**A. Roper Pol**", "A. Roper Pol", "Pol", "A. Roper", None, [], True, False),
    ("<u>Dean Smith</u>$^\\dagger$", "Dean Smith", "Smith", "Dean", None, ["†"], True, False),
    # escaped co-first marks in Markdown references (Aharoni-Lab Publications/index.md)
    ("Blair\\*, G. J.", "G. J. Blair", "Blair", "G. J.", None, ["*"], False, False),
    ("Lei Zou*", "Lei Zou", "Zou", "Lei", None, ["*"], False, False),
    ("T Benschop *", "T Benschop", "Benschop", "T", None, ["*"], False, False),
    ("张三", "张三", "张三", None, None, [], False, False),
    ("Zhang San", "Zhang San", "San", "Zhang", None, [], False, False),
    ("UCSF QBI Coronavirus Consortium", "UCSF QBI Coronavirus Consortium",
     "UCSF QBI Coronavirus Consortium", None, None, [], False, False),
    ("others", "others", "others", None, None, [], False, True),
    ("et al.", "et al.", "et al.", None, None, [], False, True),
    ("...", "...", "...", None, None, [], False, True),
]


@pytest.mark.parametrize("raw,display,family,given,suffix,marks,is_self,others", CASES)
def test_author_string_is_structured(raw: str, display: str, family: str, given: str | None,
                                     suffix: str | None, marks: list[str], is_self: bool,
                                     others: bool) -> None:
    cleaned = clean_author(raw)
    name = parse_name(cleaned.display)
    assert cleaned.display == display
    assert (name.family, name.given, name.suffix) == (family, given, suffix)
    assert cleaned.marks == marks
    assert (cleaned.is_self, cleaned.others) == (is_self, others)


def test_formatters_give_bibtex_and_display_forms() -> None:
    name = AuthorName(family="van der Berg", given="Jan", suffix="Jr.")
    assert format_bibtex_name(name) == "van der Berg, Jr., Jan"
    assert format_display_name(name) == "Jan van der Berg Jr."
    assert format_bibtex_name(AuthorName(family="张三")) == "张三"
    assert format_bibtex_name(AuthorName(family="et al.", others=True)) == "others"
    org = AuthorName(family="UCSF QBI Coronavirus Consortium")
    assert format_bibtex_name(org) == "{UCSF QBI Coronavirus Consortium}"
    # BibTeX form parses back to the same parts
    back = parse_name(format_bibtex_name(name))
    assert (back.family, back.given, back.suffix) == ("van der Berg", "Jan", "Jr.")


def test_publication_gets_parallel_lists_and_is_idempotent() -> None:
    pub = Publication(id="x", title="t", authors=[
        "Nicole Ticea*", "<strong>Alexander Schuckert</strong>*", "Pedram Roushan et al."])
    structure_authors(pub)
    assert pub.authors == ["Nicole Ticea", "Alexander Schuckert", "Pedram Roushan", "et al."]
    assert [n.family for n in pub.author_names] == ["Ticea", "Schuckert", "Roushan", "et al."]
    assert [n.is_self for n in pub.author_names] == [False, True, False, False]
    assert pub.author_names[3].others
    before = (list(pub.authors), [(n.family, n.given, n.marks, n.is_self)
                                  for n in pub.author_names])
    structure_authors(pub)
    assert (pub.authors, [(n.family, n.given, n.marks, n.is_self)
                          for n in pub.author_names]) == before


def test_author_link_is_kept_in_extra() -> None:
    pub = Publication(id="x", title="t", authors=['<a href="https://ex.org/jd">Jane Doe</a>'])
    structure_authors(pub)
    assert pub.authors == ["Jane Doe"]
    assert pub.extra["author_links"] == {"Jane Doe": "https://ex.org/jd"}


def test_structured_names_fill_missing_display_strings() -> None:
    pub = Publication(id="x", title="t", author_names=[AuthorName(family="Doe", given="Jane")])
    structure_authors(pub)
    assert pub.authors == ["Jane Doe"]


@requires_corpus
def test_adamfrostlab_pubmed_authors_from_the_real_file() -> None:
    from sitemigrate.parsing.yamlio import load_yaml
    from sitemigrate.transforms.fields import split_authors

    path = CORPUS / "custom/AdamFrostLab-UCSF__website/_data/backup_publications.yml"
    first = load_yaml(path.read_text(encoding="utf-8")).data[0]
    pub = Publication(id="moss", title=first["title"], authors=split_authors(first["authors"]))
    structure_authors(pub)
    # "Moss III FR, Lincoff J, Tucker M, Mohammed A, Grabe M<sup>\*</sup>, Frost A<sup>\*</sup>"
    assert [n.family for n in pub.author_names] == [
        "Moss", "Lincoff", "Tucker", "Mohammed", "Grabe", "Frost"]
    assert pub.author_names[0].suffix == "III"
    assert [n.marks for n in pub.author_names][-2:] == [["*"], ["*"]]


@pytest.mark.parametrize("text,names", [
    # Aharoni-Lab Publications/index.md: semicolons between "Last, Initials"
    ("Guo\\*, C.; Blair\\*, G. J.; Sehgal, M.", ["C. Guo\\*", "G. J. Blair\\*", "M. Sehgal"]),
    ("Smith, J., Doe, J. A., & Lee, K.", ["J. Smith", "J. A. Doe", "K. Lee"]),
    # Allan lab publist.yml: "First Last, First Last" stays as it is
    ("Z. Nowroozilarki, S. Huang, R. Khera, B. J. Mortazavi",
     ["Z. Nowroozilarki", "S. Huang", "R. Khera", "B. J. Mortazavi"]),
    ("Ferreira, Ricardo N. and Xavier, Joao", ["Ricardo N. Ferreira", "Joao Xavier"]),
])
def test_split_authors_display_strings(text: str, names: list[str]) -> None:
    from sitemigrate.transforms.fields import split_authors

    assert split_authors(text) == names
