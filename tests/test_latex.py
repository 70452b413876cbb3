"""LaTeX -> Unicode for BibTeX values, and the escaping that undoes it."""

from __future__ import annotations

import pytest
from hypothesis import given
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
