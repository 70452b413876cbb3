"""LaTeX -> Unicode for BibTeX values, and the escaping that undoes it."""

from __future__ import annotations

import pytest
from conftest import CORPUS, SEEDS, requires_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate.transforms.latex import latex_to_unicode, unicode_to_latex


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r'{\"U}ber die W{\"a}rme', "Über die Wärme"),  # alshedivat papers.bib line 65
        (r"Schr\"{o}dinger, Erd\H{o}s, D\'{\i}az, \c{c}", "Schrödinger, Erdős, Díaz, ç"),
        (r"$\delta$-Stance: A Large-Scale Dataset", r"$\delta$-Stance: A Large-Scale Dataset"),
        (r"the \enquote{divide-and-conquer} method", "the \u201cdivide-and-conquer\u201d method"),
        (r"Methuen \& Co", "Methuen & Co"),
        ("Methuen & Co", "Methuen & Co"),  # a bare & is not an alignment tab in a title
        ("93{\\%} of the model", "93% of the model"),  # ngram-lab Wei2018HPSG
        ("95% of stations", "95% of stations"),  # a bare % is not a comment
        ("{BERT} and {Braces} {P}rotecting", "BERT and Braces Protecting"),
        ("pages 1--2, 1---2", "pages 1\u20132, 1\u20142"),
        ("a~b", "a b"),  # white space is collapsed, the tie included
        (r"\textbackslash{}x", "\\x"),
        (r"\url{https://example.org/a_b}", "https://example.org/a_b"),
        ("Wrapped\n                  over lines", "Wrapped over lines"),
        (r"\emph{x} and \textbf{y}", "x and y"),
        ("", ""),
    ],
)
def test_latex_to_unicode(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


def test_abstract_keeps_paragraphs() -> None:
    assert latex_to_unicode("One\n  two.\n\nThree", collapse_space=False) == "One two.\n\nThree"


@pytest.mark.parametrize("broken", ["unbalanced {x", "x}}", r"\href{only-one", "$x", "\\", "{"])
def test_latex_to_unicode_never_raises(broken: str) -> None:
    assert isinstance(latex_to_unicode(broken), str)


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("a--b", "a-{}-b"),
        ("50% & co", r"50\% \& co"),
        ("x {y}", r"x \textbraceleft{}y\textbraceright{}"),
        (r"keeps $\delta$ math", r"keeps $\delta$ math"),
        ("Über", "Über"),  # UTF-8 stays: jekyll-scholar reads UTF-8
    ],
)
def test_unicode_to_latex(text: str, latex: str) -> None:
    assert unicode_to_latex(text) == latex
    assert latex_to_unicode(latex) == text


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_unicode_to_latex_round_trips(text: str) -> None:
    assert latex_to_unicode(unicode_to_latex(text)) == " ".join(text.split())


@given(st.text(max_size=80))
def test_latex_to_unicode_never_raises_on_random_text(text: str) -> None:
    assert isinstance(latex_to_unicode(text), str)


_LATEXISH = st.lists(st.sampled_from(list("aBc \\{}\"'`^~=.uvHcij$&%#_-") + ["\\i", "{\\\"u}"]),
                     max_size=30).map("".join)


@given(_LATEXISH)
def test_fast_path_agrees_with_pylatexenc(text: str) -> None:
    """The shortcut for accents and protecting braces must decode exactly like the parser."""
    from sitemigrate.transforms import latex

    simple = latex._decode_simple(text)
    if simple is not None:
        assert latex._tidy(simple, True) == latex._tidy(latex._decode_with_pylatexenc(text), True)


# ------------------------------------------------------- the fast path for real abstracts

#: what Zotero, DBLP and Scholar exports put in titles and abstracts
_ABSTRACTISH = st.lists(
    st.sampled_from(list("aB 1,.:-'`~&%#_\n") + [
        "\\emph{", "\\textit{", "\\textbf{", "\\textsc{", "\\url{", "\\enquote{", "}", "{",
        "\\emph{x}", "\\textit{in vivo}", "\\textbf{Main:}", "\\emph{ a }", "\\emph{}",
        "\\cite{k}", "\\cite{a,b}", "\\citep{k2020:x}", "\\cite[p.~3]{k}", "\\cite{a$b}",
        "\\ldots", "\\ldots{}", "{\\textquoteright}", "{\\textendash}", "\\LaTeX", "\\o",
        "{\\O}", "\\aa", "\\ss{}", "\\i", "\\par", "\\\\", "\\dag", "\\textemdash ",
        "{\\\"u}", "\\'e", "{\\v{S}}", "\\&", "\\%", "\\_", "10{,}000", "{GPU}", "$x$",
        "$\\alpha \\ll 1$", "-{}-", "\n\n", "\\href{u}{t}", "\\foo{x}", "\\emph {x}"]),
    max_size=30).map("".join)


def _agrees(text: str) -> bool:
    """The fast path, where it answers, gives pylatexenc's text (both modes, both spacings)."""
    from sitemigrate.transforms import latex

    for markdown in (False, True):
        fast = latex._decode_fast(text, markdown)
        if fast is None:
            continue
        slow = latex._decode_with_pylatexenc(text, markdown)
        for collapse in (True, False):
            if latex._tidy(fast, collapse) != latex._tidy(slow, collapse):
                return False
    return True


@settings(max_examples=1500)
@given(_ABSTRACTISH)
def test_fast_path_for_text_commands_agrees_with_pylatexenc(text: str) -> None:
    assert _agrees(text), text


@requires_corpus
def test_fast_path_agrees_with_pylatexenc_on_every_corpus_bib_value() -> None:
    from sitemigrate.diagnostics import Diagnostics
    from sitemigrate.parsing.bibtex import parse_bibtex
    from sitemigrate.transforms import latex

    values = set()
    for path in sorted([*CORPUS.rglob("*.bib"), *SEEDS.rglob("*.bib")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        for entry in parse_bibtex(text, path.name, Diagnostics()):
            values.update(v for v in entry.fields.values() if "\\" in v or "{" in v)
    assert len(values) > 250  # the corpus has real LaTeX in it
    wrong = sorted(v for v in values if not _agrees(v))
    assert not wrong, wrong[:5]
    fast = sum(latex._decode_fast(v) is not None for v in values)
    assert fast > 0.9 * len(values)  # and it answers for nearly all of them


@pytest.mark.parametrize(
    ("latex", "markdown"),
    [
        (r"the \emph{in vivo} case", "the *in vivo* case"),
        (r"\textit{unbiased} and \textbf{Main result:} x", "*unbiased* and **Main result:** x"),
        (r"an \emph{ emphasized } word", "an *emphasized* word"),
        (r"nothing \emph{} here", "nothing here"),
        (r"as in \cite{smith2020,doe-21}, we", r"as in \cite{smith2020,doe-21}, we"),
        (r"see \url{https://example.org/a_b} now", "see https://example.org/a_b now"),
        ("One \\emph{two}.\n\nThree", "One *two*.\n\nThree"),
    ],
)
def test_abstracts_keep_emphasis_and_citations(latex: str, markdown: str) -> None:
    from sitemigrate.transforms.latex import latex_to_markdown

    assert latex_to_markdown(latex) == markdown


def test_titles_drop_emphasis_but_keep_citations() -> None:
    assert latex_to_unicode(r"On \emph{in vivo} data \cite{k}") == r"On in vivo data \cite{k}"


_WRITTEN = st.lists(st.sampled_from(
    list("aB \n\t\r\x0b\x1c\x85\u2028\xa0*_\\{}$%&#~^-'`!?\"=.,;:") + [
        "$x$", "$\\alpha$", "$g_{ij}$", "$$", "$ x$", "$x $", "$a&b$", "$50%$", "$a\\$b$",
        "$a\\\\$", "$\\{$", "${$", "$}$", "$a{b}c$", "\\emph{x}", "--", "''", "\n\n", "é",
        "\x00", "\x01", "{\\\"o}", "\\c{c}", "\\\\", "{}"]), max_size=40).map("".join)


@settings(max_examples=1500)
@given(_WRITTEN)
def test_a_value_expected_back_decodes_to_what_was_noted(text: str) -> None:
    """``expect_read_back`` notes a decoding only where decoding gives exactly that."""
    from sitemigrate.transforms import latex

    latex._KNOWN.clear()
    written = latex.expect_read_back(text)
    noted = written in latex._KNOWN
    latex._KNOWN.clear()
    assert written == unicode_to_latex(text)
    if noted:
        assert latex_to_unicode(written) == latex._tidy(text, True)
        assert latex_to_unicode(written, collapse_space=False) == latex._tidy(text, False)
        assert latex.latex_to_markdown(written) == latex._tidy(text, False)
