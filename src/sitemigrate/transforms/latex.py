"""LaTeX <-> Unicode for BibTeX field values.

``latex_to_unicode`` uses pylatexenc with math kept verbatim (``$\\delta$`` stays as typed,
since every target theme renders it with MathJax).  ``unicode_to_latex`` is its inverse for
text the model holds: it escapes only what ``latex_to_unicode`` would otherwise interpret,
and leaves every other character as UTF-8 (jekyll-scholar reads UTF-8 .bib files).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..parallel import shared_cache

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LATEX_SIGNS = re.compile(r"[\\{}$~&%#_^]|--|``|''|!`|\?`")
# A bare "&" (alignment tab to LaTeX) means "and" in .bib titles, and a bare "%" (a comment
# to LaTeX) means per cent: jekyll-scholar prints both as they are.
_BARE_SIGN = re.compile(r"(?<!\\)[&%]")
_MARKUP = re.compile(r"[\\{}$]")
_LIGATURES = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"),
              ("!`", "\u00a1"), ("?`", "\u00bf"), ("~", "\u00a0"))


_LIGATURE_SIGNS = re.compile(r"--|``|''|!`|\?`|~")


def _replace_ligatures(text: str) -> str:
    if not _LIGATURE_SIGNS.search(text):
        return text
    for ligature, char in _LIGATURES:
        text = text.replace(ligature, char)
    return text


#: the citation commands whose text is the command as typed (pylatexenc prints "<cit.>")
CITE_MACROS = ("cite", "citep", "citet", "citealp", "citeauthor", "citeyear")
#: emphasis commands -> the Markdown marker an abstract keeps them as
EMPHASIS_MACROS = {"emph": "*", "textit": "*", "textsl": "*", "textbf": "**"}


def _emphasis(text: str, marker: str) -> str:
    """``*text*`` with the white space at either end kept outside the markers (Markdown
    emphasis must not start or end with a space); nothing to emphasize gives the text."""
    core = text.strip(" \t\n\x01")  # \x01: a group boundary of the fast path
    if not core:
        return text
    start = text.index(core)
    return f"{text[:start]}{marker}{core}{marker}{text[start + len(core):]}"


def _verbatim(node: Any) -> str:
    return str(node.latex_verbatim())


def _markdown_emphasis(node: Any, l2tobj: Any, macroname: str) -> str:
    args = node.nodeargd.argnlist if node.nodeargd else []
    text = l2tobj._groupnodecontents_to_text(args[-1]) if args and args[-1] is not None else ""
    return _emphasis(text, EMPHASIS_MACROS[macroname])


@lru_cache(maxsize=2)
def _converter(markdown: bool = False) -> tuple[Any, Any]:
    """Built once per mode: the context databases are costly to create (and pylatexenc to
    import).  ``markdown`` (abstracts) keeps emphasis as ``*…*``/``**…**``."""
    from pylatexenc import macrospec
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
    from pylatexenc.latex2text import get_default_latex_context_db as text_context_db
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_context_db

    text_db = text_context_db()
    text_macros = [
        MacroTextSpec("enquote", simplify_repl="\u201c%(1)s\u201d"),
        MacroTextSpec("url", simplify_repl="%(1)s"),
        MacroTextSpec("href", simplify_repl="%(2)s"),
        MacroTextSpec("textbraceleft", simplify_repl="{"),
        MacroTextSpec("textbraceright", simplify_repl="}"),
        *(MacroTextSpec(name, simplify_repl=_verbatim) for name in CITE_MACROS),
    ]
    if markdown:
        text_macros += [MacroTextSpec(name, simplify_repl=_markdown_emphasis)
                        for name in EMPHASIS_MACROS]
    text_db.add_context_category("sitemigrate", prepend=True, macros=text_macros)
    walker_db = walker_context_db()
    walker_db.add_context_category(
        "sitemigrate",
        prepend=True,
        macros=[
            macrospec.MacroSpec("enquote", "{"),
            macrospec.MacroSpec("url", "{"),
            macrospec.MacroSpec("href", "{{"),
            macrospec.MacroSpec("textbraceleft", ""),
            macrospec.MacroSpec("textbraceright", ""),
            *(macrospec.MacroSpec(name, "*[[{") for name in CITE_MACROS),
        ],
    )
    return LatexNodes2Text(math_mode="verbatim", latex_context=text_db,
                           strict_latex_spaces=True), walker_db


def latex_to_unicode(text: str, *, collapse_space: bool = True) -> str:
    r"""Unicode text from a BibTeX/LaTeX value; never raises.

    Accents and symbols become characters, protecting braces go, ``$…$`` math is kept as
    typed, ``\cite{…}`` too.  Runs of white space (the line breaks of a wrapped .bib value,
    ``~``) become one space; with ``collapse_space=False`` blank lines still separate
    paragraphs.
    """
    if not text:
        return ""
    if _KNOWN:
        known = _KNOWN.pop(text, None)
        if known is not None:
            return _tidy(known, collapse_space)
    return _decode(text, collapse_space, False)


def latex_to_markdown(text: str) -> str:
    r"""Markdown from a BibTeX abstract: ``latex_to_unicode`` with paragraphs kept and
    ``\emph``/``\textit``/``\textsl`` as ``*…*``, ``\textbf`` as ``**…**``."""
    if not text:
        return ""
    if _KNOWN:
        known = _KNOWN.pop(text, None)
        if known is not None:
            return _tidy(known, False)
    return _decode(text, False, True)


#: LaTeX ``unicode_to_latex`` wrote -> the text it wrote it from, whose tidied form is the
#: decoding, known without decoding (see ``expect_read_back``); taken out when used
_KNOWN: dict[str, str] = {}
_KNOWN_MAX = 4096
#: ``$`` only in ``$…$`` spans of non-blank math (no ``\$``, braces balanced), one after
#: another (never ``$$``); between them any text without ``$`` (``unicode_to_latex`` spells
#: its backslashes and braces as commands that decode to them: Markdown holding raw LaTeX
#: such as ``{\"o}`` beside math, as academicpages abstracts do)
_MATH_LAYOUT = re.compile(
    r"[^$]*(?:\$(?=\S)(?:[^$\\{}]|\\[^${}]|\{[^$\\{}]*\})+(?<=\S)\$[^$]*)*")
#: white space other than a space or a line break, control characters
_ODD_SPACE = re.compile(r"[^\S \n]|[\x00-\x1f\x7f-\x9f]")


def _plain_math_layout(text: str, latex: str) -> bool:
    """``text`` holds math spans that ``unicode_to_latex`` kept as they are, amid plain
    text: then its decoding is ``text`` tidied (see ``expect_read_back``)."""
    return bool(_MATH_LAYOUT.fullmatch(text)) and latex.count("$") == text.count("$") \
        and not _ODD_SPACE.search(text.replace("\n", " "))


def expect_read_back(text: str) -> str:
    """``unicode_to_latex(text)``, noting what decoding it will give so that reading back a
    value just written (the al-folio writer re-reads every entry it writes) need not parse it.

    What is noted is what the decoder returns anyway: ``text`` with its white space tidied.
    That holds for every text without ``$`` and for text whose ``$`` all open or close math
    spans ``unicode_to_latex`` keeps verbatim (property-tested); other text is not noted.
    """
    latex = unicode_to_latex(text)
    if "$" in text and not _plain_math_layout(text, latex):
        return latex
    if len(_KNOWN) >= _KNOWN_MAX:
        _KNOWN.clear()  # values written and never read back: forget them
    _KNOWN[latex] = text
    return latex


@shared_cache(maxsize=65536)  # venues, names and months repeat; a writer checks them
def _decode(text: str, collapse_space: bool, markdown: bool) -> str:
    if not _LATEX_SIGNS.search(text):
        return _tidy(text, collapse_space)
    if not _MARKUP.search(text):
        return _tidy(_replace_ligatures(text), collapse_space)  # pylatexenc is slow; skip it
    fast = _decode_fast(text, markdown)
    if fast is not None:
        return _tidy(fast, collapse_space)
    return _tidy(_decode_with_pylatexenc(text, markdown), collapse_space)


#: an escape (``\$``, ``\\``, a macro name), a ``$…$`` span, or any other ``$`` (display
#: math, an unclosed span: left to the parser)
_ESCAPE_OR_MATH = re.compile(r"\\(?:[A-Za-z]+|[^A-Za-z])|\$(?!\$)([^$]+)\$(?!\$)|(\$)")


def _decode_fast(text: str, markdown: bool = False) -> str | None:
    """``_decode_simple`` with ``$…$`` math spans cut out, or ``None`` for the full parser.

    The text between spans is decoded on its own and must need nothing but the fast path,
    so it has no open brace group or argument-taking macro; then pylatexenc reads each span
    exactly as it would inside the whole value, and parsing the short span alone (cached)
    gives the same text at a fraction of the cost of parsing a whole abstract.
    """
    if "$" not in text:
        return _decode_simple(text, markdown)
    out: list[str] = []
    pos = 0
    for match in _ESCAPE_OR_MATH.finditer(text):
        if match.group(2) is not None:
            return None
        if match.group(1) is None:
            continue
        plain = _decode_simple(text[pos:match.start()], markdown)
        math = _math_span(match.group(0))
        if plain is None or math is None:
            return None
        out += (plain, math)
        pos = match.end()
    rest = _decode_simple(text[pos:], markdown)
    if rest is None:
        return None
    out.append(rest)
    return "".join(out)


@lru_cache(maxsize=4096)
def _math_span(span: str) -> str | None:
    """pylatexenc's text for ``span`` when it parses as exactly one math node, else ``None``."""
    from pylatexenc.latexwalker import LatexMathNode, LatexWalker

    converter, walker_db = _converter()
    escaped = _BARE_SIGN.sub(r"\\\g<0>", span)
    try:
        walker = LatexWalker(escaped, latex_context=walker_db, tolerant_parsing=False)
        nodes, _, _ = walker.get_latex_nodes()
        if len(nodes) != 1 or not nodes[0].isNodeType(LatexMathNode):
            return None
        if nodes[0].pos != 0 or nodes[0].len != len(escaped):
            return None
        return str(converter.nodelist_to_text(nodes))
    except Exception:  # noqa: BLE001 — pylatexenc raises many types on odd input
        return None


#: accents on one letter, the bulk of .bib markup: {\"u} \"{u} \"u {\v c} \v{c} \'{\i}
_LETTER = r"(?:\\[ij](?![A-Za-z])\s*|[A-Za-z])"  # a control word eats the space after it
_ACCENT = re.compile(
    rf"\{{\\[\"'`^~=.]\s*(?:{_LETTER}|\{{{_LETTER}\}})\}}"
    rf"|\{{\\[uvHckbdrt]\s*(?:\s{_LETTER}|\{{{_LETTER}\}})\}}"
    rf"|\\[\"'`^~=.]\s*(?:\{{{_LETTER}\}}|{_LETTER})"
    rf"|\\[uvHckbdrt]\{{{_LETTER}\}}")
_ESCAPED = re.compile(r"\\[&%$#_{}]")
#: a citation as typed, with a key list plain enough to be copied as it is
_CITE = re.compile(r"\\(?:" + "|".join(CITE_MACROS) + r")(?![A-Za-z])\{[\w:./+, -]*\}")
#: a control word taking no argument (``\ldots``, ``{\textquoteright}``, ``\o``) with the
#: spaces it eats; before a line break it is left to the parser
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])(?:\{\}|[ \t]*+(?!\n))")
#: a text command over a plain argument; its own braces keep ligatures apart like a group
_ONE_ARG_MACROS = ("emph", "textit", "textsl", "textbf", "textsc", "texttt", "textrm",
                   "textsf", "textup", "textmd", "textnormal", "underline", "mbox", "url",
                   "enquote")
_ONE_ARG = re.compile(r"\\(" + "|".join(_ONE_ARG_MACROS) + r")\{([^{}\\$]*)\}")
#: a group of plain text; an empty one ("a-{}-b") only keeps a ligature apart
_PROTECTING_BRACES = re.compile(r"\{([^{}\\$]*)\}")
#: placeholders: \x00<code point>\x00 for an escaped sign, \x02<index>\x02 for a piece of
#: output to keep as it is, \x01 for a group boundary (no ligature across it)
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
_PIECE = re.compile("\x02(\\d+)\x02")
_OWN_CHARS = re.compile("[\x00-\x02]")


def _decode_simple(text: str, markdown: bool = False) -> str | None:
    r"""Accents, escaped signs, symbols, text commands such as ``\emph{…}`` and protecting
    braces without the full parser, or ``None`` when anything else is there.

    Every command is still decoded by pylatexenc (cached per command), so the result is the
    same as the full parse; anything else LaTeX-like falls through to it.
    """
    if _OWN_CHARS.search(text):
        return None  # our placeholder characters: let the parser have it
    pieces: list[str] = []

    def piece(value: str) -> str:
        if not value:
            return "\x01"  # nothing, but still between two signs: "-\foo-" is no en dash
        if not value.strip():
            return value  # white space as it is: emphasis trims it
        pieces.append(value)
        return f"\x02{len(pieces) - 1}\x02"

    backslash, brace = "\\" in text, "{" in text
    if "\\\\" in text:
        return None  # a line break, or a backslash the next step could mistake for a command
    if backslash:
        if "\\cite" in text:
            text = _CITE.sub(lambda m: piece(m.group(0)), text)
        text = _ACCENT.sub(lambda m: _decode_token(m.group(0)), text)
        text = _ESCAPED.sub(lambda m: "\x00" + str(ord(m.group(0)[1])) + "\x00", text)

        def control_word(match: re.Match[str]) -> str:
            symbol = _symbol(match.group(1))
            return match.group(0) if symbol is None else piece(symbol)

        text = _CONTROL_WORD.sub(control_word, text)

    def one_arg(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if markdown and name in EMPHASIS_MACROS:
            return "\x01" + _emphasis(arg, EMPHASIS_MACROS[name]) + "\x01"
        before, after = _one_arg_template(name)
        return "\x01" + piece(before) + arg + piece(after) + "\x01"

    previous = None
    while brace and previous != text:
        # a brace still ends a ligature: "{a-}-b" is "a--b", not "a–b"
        previous = text
        if "\\" in text:
            text = _ONE_ARG.sub(one_arg, text)
        text = _PROTECTING_BRACES.sub(_group, text)
        brace = "{" in text  # none left: another round would change nothing
    if _MARKUP.search(text):
        return None
    text = _replace_ligatures(text)
    if "\x01" in text:
        text = text.replace("\x01", "")
    if backslash:
        text = _PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), text)
    return _PIECE.sub(lambda m: pieces[int(m.group(1))], text) if pieces else text


_ENDS_IN_COMMAND = re.compile(r"\\[A-Za-z]+\Z")


def _group(match: re.Match[str]) -> str:
    """A plain group's text between boundaries; the argument of a command still there is
    left for ``_ONE_ARG`` (once the groups inside it are gone)."""
    if _ENDS_IN_COMMAND.search(match.string, max(0, match.start() - 40), match.start()):
        return match.group(0)
    return "\x01" + match.group(1) + "\x01"


@lru_cache(maxsize=1024)
def _decode_token(token: str) -> str:
    return _decode_with_pylatexenc(token)


@lru_cache(maxsize=1024)
def _symbol(name: str) -> str | None:
    r"""pylatexenc's text for the control word ``\name`` when it takes no argument (an
    unknown one included: the parser drops it too), else ``None``."""
    from pylatexenc.macrospec import MacroStandardArgsParser

    _, walker_db = _converter()
    spec = walker_db.get_macro_spec(name)
    if spec is not None and (not isinstance(spec.args_parser, MacroStandardArgsParser)
                             or spec.args_parser.argspec):
        return None
    if name in ("par", "newline", "linebreak", "item", "begin", "end", "verb"):
        return None  # line and paragraph breaks, lists: the parser knows their spacing
    return _decode_with_pylatexenc("\\" + name + "{}")


@lru_cache(maxsize=64)
def _one_arg_template(name: str) -> tuple[str, str]:
    r"""What pylatexenc writes before and after the argument of ``\name{…}``."""
    marker = "\x03"
    text = _decode_with_pylatexenc("\\" + name + "{" + marker + "}")
    before, _, after = text.partition(marker)
    return before, after


def _decode_with_pylatexenc(text: str, markdown: bool = False) -> str:
    from pylatexenc.latexwalker import LatexWalker

    converter, walker_db = _converter(markdown)
    try:
        walker = LatexWalker(_BARE_SIGN.sub(r"\\\g<0>", text), latex_context=walker_db,
                             tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        return str(converter.nodelist_to_text(nodes))
    except Exception:  # noqa: BLE001 — pylatexenc raises many types on odd input
        return text.replace("{", "").replace("}", "")


def _tidy(text: str, collapse_space: bool) -> str:
    # " ".join(split()) is re.sub(r"\s+", " ", …).strip(): \s is str.isspace() for str
    if collapse_space:
        return " ".join(text.split())
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


_ESCAPES = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash, so \{ could unbalance a value.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "\u00a0": "~",
}
_MATH = re.compile(r"\$[^$]+\$")
_NEEDS_ESCAPE = re.compile(r"[\\{}$%&#_~\u00a0]|-(?=-)|[`'](?=[`'])|[!?](?=`)")


@lru_cache(maxsize=65536)  # a writer escapes the same value when it checks what it wrote
def unicode_to_latex(text: str) -> str:
    """A BibTeX value that ``latex_to_unicode`` turns back into ``text``.

    Non-ASCII characters stay UTF-8; only LaTeX's special characters and ligatures
    (``--``, ``''``) are escaped.  ``$…$`` math spans are left as they are.
    """
    if "$" not in text:
        return _escape_plain(text)
    out: list[str] = []
    pos = 0
    for match in _MATH.finditer(text):
        if latex_to_unicode(match.group(0)) != match.group(0).strip():
            continue  # not something latex_to_unicode keeps verbatim: escape it
        out.append(_escape_plain(text[pos:match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return _NEEDS_ESCAPE.sub(_escape_sign, text)


def _escape_sign(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _ESCAPES:
        return _ESCAPES[char]
    return char + "{}"  # breaks a ligature such as -- or ''
