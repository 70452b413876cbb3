"""The fast paths added for speed agree with the slow ones they replace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate.transforms import latex

_MATHISH = st.lists(
    st.sampled_from(list("aBc \\{}\"'`^~=.uvij$&%#_-\n") + [
        "\\i", "{\\\"u}", "$x$", "\\alpha", "$g_{ij}$", "\\$", "\\\\", "$$", "$a&b$",
        "$50%$", "\\emph{", "\\mathrm", "\\frac", "\\v", "\\sqrt", "\\,", "$\\frac{a}{b}$"]),
    max_size=30).map("".join)


@settings(max_examples=800)
@given(_MATHISH)
def test_math_cut_out_agrees_with_pylatexenc(text: str) -> None:
    fast = latex._decode_fast(text)
    if fast is not None:
        assert latex._tidy(fast, True) == latex._tidy(latex._decode_with_pylatexenc(text), True)


def test_math_spans_take_the_fast_path() -> None:
    text = (r"The Schr{\"o}dinger picture, na{\"\i}ve, where $\alpha \ll 1$ and $g_{ij}$ is "
            r"weak; order $O(n \log n)$ \& more")
    assert latex._decode_fast(text) is not None
    assert latex.latex_to_unicode(text) == latex._tidy(latex._decode_with_pylatexenc(text), True)
    assert latex.latex_to_unicode(text) == (
        r"The Schrödinger picture, naïve, where $\alpha \ll 1$ and $g_{ij}$ is weak; "
        r"order $O(n \log n)$ & more")
