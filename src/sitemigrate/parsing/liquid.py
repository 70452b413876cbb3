"""Parse (never render) Jekyll Liquid with python-liquid, and find the loops a page runs.

Jekyll adds tags that standard Liquid lacks (``include`` with ``key="v"`` arguments,
``cite``, ``bibliography``, ``highlight``...).  They are registered here as lenient tags so a
page parses; an unknown tag or a syntax error becomes an SM105 diagnostic with its line and
parsing goes on.  On top of the parse tree, ``find_loops`` traces each ``for`` back through
``assign``s to the data it reads (``site.data.publications``), with its filters, guards and
the item fields it uses; ``find_includes`` lists ``{% include %}`` calls with their
parameters.  ``evaluate_condition`` tests a guard against one data item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from liquid import Environment
from liquid.ast import BlockNode, ConditionalBlockNode, Node
from liquid.builtin.expressions import FilteredExpression, Path
from liquid.builtin.expressions.filtered import TernaryFilteredExpression
from liquid.builtin.expressions.logical import (
    BooleanExpression,
    ContainsExpression,
    EqExpression,
    GeExpression,
    GtExpression,
    LeExpression,
    LogicalAndExpression,
    LogicalNotExpression,
    LogicalOrExpression,
    LtExpression,
    NeExpression,
)
from liquid.builtin.expressions.primitive import Literal, Nil
from liquid.builtin.tags.assign_tag import AssignNode
from liquid.builtin.tags.for_tag import ForNode, ForTag
from liquid.builtin.tags.if_tag import IfNode
from liquid.builtin.tags.unless_tag import UnlessNode
from liquid.exceptions import LiquidError, LiquidSyntaxError
from liquid.expression import Expression
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token

from ..diagnostics import INVALID_LIQUID, Diagnostics

#: Jekyll/plugin tags that take arguments but have no body.
INLINE_TAGS = ("include_relative", "include_cached", "cite", "bibliography", "link", "post_url",
               "seo", "feed_meta", "github_edit_link", "reference", "details", "gist",
               "twitter", "youtube", "avatar", "bibliography_count", "cite_details",
               "responsive_image", "jekyll_version", "livereload", "pdf")
#: Jekyll/plugin tags whose body runs until ``end<name>``.
BLOCK_TAGS = ("highlight", "raw_block", "tabs", "tab", "detailsblock")
MAX_LEXER_RETRIES = 50


# --- records -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Ref:
    """A variable used as a value (a filter argument, an include parameter)."""

    path: tuple[str | int, ...]

    def __str__(self) -> str:
        return ".".join(str(p) for p in self.path)


@dataclass(slots=True)
class FilterCall:
    """One step of a filter chain; ``args`` are Python literals or ``Ref``s."""

    name: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Guard:
    """An ``{% if %}``/``{% unless %}`` wrapping the whole loop body: it selects items."""

    source: str  #: the condition as written
    expression: Expression = field(repr=False, compare=False)
    negated: bool = False  #: True for ``unless``
    variable: str = ""  #: the item variable the condition is about


@dataclass(slots=True)
class Loop:
    """A ``for`` loop (or a key lookup inside one) resolved to the data it renders."""

    variable: str  #: the name each rendered item is bound to ("paper")
    expression: str  #: the ``for`` expression as written
    data_path: tuple[str | int, ...] | None  #: ("site", "data", "publications", "papers")
    filters: list[FilterCall]  #: applied in order to the data
    assigns: list[str]  #: the assigned names the expression went through
    guards: list[Guard]
    fields: list[str]  #: item fields used ("title", "links[0].url")
    line: int
    heading: str | None  #: nearest heading above the loop
    loop_variable: str = ""  #: the ``for`` variable (differs from ``variable`` for lookups)
    keys: list[Any] | None = None  #: literal keys looped over ("a,b" | split: ",")
    key_field: str | None = None  #: the field the keys are looked up in ("key")
    depth: int = 0  #: nesting depth among for loops
    section: str | None = None  #: nearest heading that is not a label ("Publications:")


@dataclass(slots=True)
class Include:
    """``{% include name key=value %}``; values are literals or ``Ref``s."""

    name: str
    params: dict[str, Any]
    line: int
    tag: str = "include"  #: include, include_relative or include_cached
    heading: str | None = None
    section: str | None = None  #: nearest heading that is not a label ("Publications:")


@dataclass(slots=True)
class Heading:
    offset: int
    level: int
    title: str
    line: int


@dataclass(slots=True)
class LiquidDoc:
    """A parsed template: its nodes plus what is needed to give lines and headings."""

    text: str
    file: str | None
    line_offset: int
    nodes: list[Node]
    ok: bool = True  #: False when the text could not be parsed at all
    headings: list[Heading] = field(default_factory=list)

    def line_of(self, index: int) -> int:
        return self.text.count("\n", 0, max(index, 0)) + 1 + self.line_offset

    def heading_before(self, index: int, skip_labels: bool = False) -> str | None:
        """The nearest heading above ``index``; with ``skip_labels``, looking past label
        headings such as "Publications:" to the section they belong to."""
        above = [h for h in self.headings if h.offset <= index]
        level = 7
        for heading in reversed(above):
            if heading.level >= level:
                continue
            if not skip_labels or not is_label_heading(heading.title):
                return heading.title
            level = heading.level
        return None


_LABEL = re.compile(r"^((selected|recent|main|key|related|collaboration|our|all)\s+)?"
                    r"(publications?|papers|references|collaborators|bibliography|preprints)"
                    r"\s*:?$", re.I)


def is_label_heading(title: str) -> bool:
    """A heading that labels a list ("Publications:") rather than naming a section."""
    return title.rstrip().endswith(":") or bool(_LABEL.match(title.strip()))


# --- lenient Jekyll tags -------------------------------------------------------------------

class JekyllTagNode(Node):
    """A Jekyll or plugin tag kept as its name and raw arguments; renders nothing."""

    __slots__ = ("name", "markup", "block")

    def __init__(self, token: Token, name: str, markup: str,
                 block: BlockNode | None = None) -> None:
        super().__init__(token)
        self.name = name
        self.markup = markup
        self.block = block

    def __str__(self) -> str:
        return f"{{% {self.name} {self.markup} %}}"

    def render_to_output(self, context: Any, buffer: Any) -> int:
        return 0

    def children(self, static_context: Any, *, include_partials: bool = True,
                 ) -> Iterable[Node]:
        return [self.block] if self.block is not None else []


class IncludeNode(JekyllTagNode):
    """Jekyll's ``include``: a file name and ``key=value`` parameters."""

    __slots__ = ("template", "params")

    def __init__(self, token: Token, name: str, markup: str) -> None:
        super().__init__(token, name, markup)
        self.template, self.params = parse_include_markup(markup)


def _inline_tag(tag_name: str, node_class: type[JekyllTagNode] = JekyllTagNode) -> type[Tag]:
    class _Inline(Tag):
        name = tag_name
        block = False

        def parse(self, stream: TokenStream) -> Node:
            token = stream.eat(TOKEN_TAG)
            markup = ""
            if stream.current.kind == TOKEN_EXPRESSION:
                markup = stream.current.value
            else:
                stream.pos -= 1  # the parser advances past the tag itself
            return node_class(token, tag_name, markup)

    _Inline.__name__ = f"Jekyll_{tag_name}"
    return _Inline


def _block_tag(tag_name: str) -> type[Tag]:
    class _Block(Tag):
        name = tag_name
        end = f"end{tag_name}"
        block = True

        def parse(self, stream: TokenStream) -> Node:
            from liquid.parser import get_parser

            token = stream.eat(TOKEN_TAG)
            markup = ""
            if stream.current.kind == TOKEN_EXPRESSION:
                markup = stream.current.value
                next(stream)
            body = get_parser(self.env).parse_block(stream, (self.end,))
            stream.expect(TOKEN_TAG, value=self.end)
            return JekyllTagNode(token, tag_name, markup, body)

    _Block.__name__ = f"Jekyll_{tag_name}"
    return _Block


# Ruby Liquid's lax ``for`` syntax: the collection is the first fragment; the rest is ignored.
_RUBY_FOR = re.compile(r"\s*([\w-]+)\s+in\s+(\([^)]*\)|[^\s|]+)\s*(reversed)?")
_FOR_ATTR = re.compile(r"\b(limit|offset)\s*:\s*([\w.\-\[\]'\"]+)")


class LenientForTag(ForTag):
    """``for`` that, like Ruby Liquid's lax mode, ignores junk after the collection."""

    def parse(self, stream: TokenStream) -> Node:
        start = stream.pos
        try:
            return super().parse(stream)
        except LiquidError:
            expr = stream.tokens[start + 1] if start + 1 < len(stream.tokens) else None
            if expr is None or expr.kind != TOKEN_EXPRESSION:
                raise
            lax = _lax_for_markup(expr.value)
            if lax is None or lax == expr.value.strip():
                raise
            self.env.error(LiquidSyntaxError(
                f"for: {expr.value.strip()!r} read as {lax!r} (Ruby Liquid ignores the rest)",
                token=stream.tokens[start]))
            stream.tokens[start + 1] = expr._replace(value=lax)
            stream.pos = start
            return super().parse(stream)


def _lax_for_markup(markup: str) -> str | None:
    match = _RUBY_FOR.match(markup)
    if not match:
        return None
    text = f"{match.group(1)} in {match.group(2)}"
    for name, value in _FOR_ATTR.findall(markup[match.end():]):
        text += f" {name}:{value}"
    if match.group(3):
        text += " reversed"
    return text


class _Environment(Environment):
    """python-liquid environment that records errors instead of raising them."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[tuple[str, Token | None]] = []
        self.add_tag(LenientForTag)
        self.add_tag(_inline_tag("include", IncludeNode))
        self.add_tag(_inline_tag("include_relative", IncludeNode))
        self.add_tag(_inline_tag("include_cached", IncludeNode))
        for name in INLINE_TAGS:
            if name not in self.tags:
                self.add_tag(_inline_tag(name))
        for name in BLOCK_TAGS:
            self.add_tag(_block_tag(name))

    def error(self, exc: Any, msg: str | None = None, token: Token | None = None) -> None:
        if isinstance(exc, LiquidError):
            message, where = (exc.message if hasattr(exc, "message") else str(exc)), \
                exc.token or token
        else:
            message, where = msg or str(exc), token
        self.errors.append((str(message), where))


# --- parsing -------------------------------------------------------------------------------

def parse_template(text: str, file: str | None = None, diagnostics: Diagnostics | None = None,
                   line_offset: int = 0) -> LiquidDoc:
    """Parse ``text``; never raises.  Problems become SM105 with the line in ``file``."""
    doc = LiquidDoc(text, file, line_offset, [])
    env = _Environment()
    source = text
    for _ in range(MAX_LEXER_RETRIES):
        try:
            doc.nodes = env._parse(source)
            break
        except LiquidSyntaxError as exc:
            index = exc.token.start_index if exc.token is not None else -1
            env.errors.append((_message(exc), exc.token))
            if index < 0 or index + 1 >= len(source):
                doc.ok = False
                break
            # Blank the stray opening delimiter (same length, so lines stay right) and retry.
            source = source[:index + 1] + " " + source[index + 2:]
        except Exception as exc:  # noqa: BLE001 - a library bug must not stop the read
            env.errors.append((f"cannot parse Liquid: {type(exc).__name__}: {exc}", None))
            doc.ok = False
            break
    else:
        doc.ok = False
    doc.headings = find_headings(text, line_offset)
    if diagnostics is not None:
        for message, token in env.errors:
            line = doc.line_of(token.start_index) if token is not None else None
            diagnostics.report(INVALID_LIQUID, message, file, line)
    return doc


def _message(exc: LiquidError) -> str:
    return getattr(exc, "message", None) or str(exc)


_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]*(.*?)[ \t#]*$", re.M)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.S | re.I)
# The lookahead keeps this linear in the line length ("[^\n]*\S[^\n]*" backtracks
# quadratically on long lines).
_SETEXT = re.compile(r"^(?P<title>(?=[^\n]*\S)[^\n]*)\n {0,3}(?P<mark>=+|-{2,})[ \t]*$", re.M)
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_TAG = re.compile(r"<[^>]+>")
_COMMENT_BLOCK = re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S)
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.S | re.M)


def find_headings(text: str, line_offset: int = 0) -> list[Heading]:
    """Markdown (ATX, setext) and HTML headings, outside comments and code fences."""
    masked = _mask(_mask(text, _COMMENT_BLOCK), _FENCE)
    found: list[Heading] = []
    for match in _ATX.finditer(masked):
        if match.group(2).strip():
            found.append(_heading(text, match.start(), len(match.group(1)), match.group(2),
                                  line_offset))
    for match in _HTML_HEADING.finditer(masked):
        found.append(_heading(text, match.start(), int(match.group(1)), match.group(2),
                              line_offset))
    for match in _SETEXT.finditer(masked):
        title = match.group("title")
        if title.lstrip().startswith(("#", "<", "-", "*", "|", ">")) or title.strip() == "---":
            continue
        level = 1 if match.group("mark").startswith("=") else 2
        found.append(_heading(text, match.start(), level, title, line_offset))
    found = [h for h in found if h.title]
    return sorted(found, key=lambda h: h.offset)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """Replace matches by spaces, keeping newlines, so offsets and lines stay valid."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _heading(text: str, offset: int, level: int, raw: str, line_offset: int) -> Heading:
    title = _TAG.sub("", _LIQUID.sub("", raw))
    title = re.sub(r"\s+", " ", title).strip().strip("*_").strip()
    return Heading(offset, level, title, text.count("\n", 0, offset) + 1 + line_offset)


# --- walking -------------------------------------------------------------------------------

def child_nodes(node: Node) -> list[Node]:
    try:
        # children() wants a render context, which it reads only for partials (none here)
        return list(node.children(None, include_partials=False))  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a node we do not know; treat it as a leaf
        return []


def walk(nodes: Iterable[Node]) -> Iterator[Node]:
    """Every node, depth first, in document order."""
    for node in nodes:
        yield node
        yield from walk(child_nodes(node))


def find_includes(doc: LiquidDoc) -> list[Include]:
    """Every ``include``/``include_relative`` outside comments, with its parameters."""
    out = []
    for node in walk(doc.nodes):
        if isinstance(node, IncludeNode):
            index = node.token.start_index
            out.append(Include(node.template, dict(node.params), doc.line_of(index), node.name,
                               doc.heading_before(index), doc.heading_before(index, True)))
    return out


def find_tags(doc: LiquidDoc, name: str) -> list[tuple[str, int]]:
    """(markup, line) of each Jekyll tag ``name`` (``bibliography``, ``cite``...)."""
    return [(n.markup, doc.line_of(n.token.start_index)) for n in walk(doc.nodes)
            if isinstance(n, JekyllTagNode) and n.name == name]


# Jekyll's include argument syntax: key=value with quoted strings or variable names.
_INCLUDE_PARAM = re.compile(
    r"([\w-]+)\s*=\s*(?:\"([^\"\\]*(?:\\.[^\"\\]*)*)\"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.\-\[\]]+))")


def parse_include_markup(markup: str) -> tuple[str, dict[str, Any]]:
    """``citation.md tag="x" n=page.y`` -> ("citation.md", {"tag": "x", "n": Ref(...)})."""
    text = markup.strip()
    match = re.match(r"(\{\{.*?\}\}|\S+)", text, re.S)
    if not match:
        return "", {}
    name = match.group(1)
    params: dict[str, Any] = {}
    for key, dq, sq, var in _INCLUDE_PARAM.findall(text[match.end():]):
        if var:
            params[key] = _word_value(var)
        else:
            params[key] = dq if dq or not sq else sq
    return name, params


def _word_value(word: str) -> Any:
    if word in ("true", "false"):
        return word == "true"
    if re.fullmatch(r"-?\d+", word):
        return int(word)
    return Ref(tuple(word.split(".")))


# --- loops ---------------------------------------------------------------------------------

@dataclass(slots=True)
class _Source:
    """What an expression evaluates to, statically."""

    root: tuple[str | int, ...] | None = None
    steps: list[FilterCall] = field(default_factory=list)
    assigns: list[str] = field(default_factory=list)
    literal: Any = None
    has_literal: bool = False
    item_of: _Source | None = None  #: set when the name is a loop variable
    loop_var: str = ""
    guards: list[Guard] = field(default_factory=list)  #: the loop's guards on its variable

    def copy(self) -> _Source:
        return _Source(self.root, list(self.steps), list(self.assigns), self.literal,
                       self.has_literal, self.item_of, self.loop_var, list(self.guards))


def find_loops(doc: LiquidDoc) -> list[Loop]:
    """Each ``for`` loop with the data it reads, in document order (comments skipped)."""
    loops: list[Loop] = []
    _scan(doc, doc.nodes, {}, loops, 0)
    return loops


def _scan(doc: LiquidDoc, nodes: Iterable[Node], scope: dict[str, _Source], loops: list[Loop],
          depth: int) -> None:
    for node in nodes:
        if isinstance(node, AssignNode):
            scope[str(node.name)] = _resolve(node.expression, scope, str(node.name))
        elif isinstance(node, ForNode):
            _scan_for(doc, node, scope, loops, depth)
        else:
            _scan(doc, child_nodes(node), scope, loops, depth)


def _scan_for(doc: LiquidDoc, node: ForNode, scope: dict[str, _Source], loops: list[Loop],
              depth: int) -> None:
    expr = node.expression
    var = str(expr.identifier)
    source = _resolve(expr.iterable, scope)
    source.steps.extend(_loop_attributes(expr))
    index = node.token.start_index
    inner = dict(scope)
    body = node.block
    guards = _guards(body, var)
    inner[var] = _Source(item_of=source, loop_var=var, guards=guards)
    if source.has_literal and isinstance(source.literal, list):
        lookup = _find_lookup(body, var, inner)
        if lookup is not None:
            name, found, key_field = lookup
            loops.append(Loop(
                variable=name, expression=str(expr), data_path=found.root, filters=found.steps,
                assigns=source.assigns + found.assigns, guards=_guards(body, name),
                fields=_fields(body, name), line=doc.line_of(index),
                heading=doc.heading_before(index), loop_variable=var,
                keys=list(source.literal), key_field=key_field, depth=depth,
                section=doc.heading_before(index, True)))
            _scan(doc, child_nodes(node), inner, loops, depth + 1)
            return
    loops.append(Loop(
        variable=var, expression=str(expr), data_path=source.root, filters=source.steps,
        assigns=source.assigns, guards=guards, fields=_fields(body, var),
        line=doc.line_of(index), heading=doc.heading_before(index), loop_variable=var,
        keys=list(source.literal) if source.has_literal and isinstance(source.literal, list)
        else None, depth=depth, section=doc.heading_before(index, True)))
    _scan(doc, child_nodes(node), inner, loops, depth + 1)


def _loop_attributes(expr: Any) -> list[FilterCall]:
    steps = []
    if expr.offset is not None:
        steps.append(FilterCall("offset", [_value(expr.offset)]))
    if expr.limit is not None:
        steps.append(FilterCall("limit", [_value(expr.limit)]))
    if expr.reversed:
        steps.append(FilterCall("reverse"))
    return steps


def _find_lookup(body: BlockNode, loop_var: str, scope: dict[str, _Source],
                 ) -> tuple[str, _Source, str] | None:
    """``assign paper = site.data.x | where: "key", loop_var | first`` inside the body."""
    for node in walk(body.nodes):
        if not isinstance(node, AssignNode):
            continue
        found = _resolve(node.expression, scope, str(node.name))
        if found.root is None:
            continue
        for step in found.steps:
            if (step.name == "where" and len(step.args) == 2
                    and step.args[1] == Ref((loop_var,)) and isinstance(step.args[0], str)):
                return str(node.name), found, step.args[0]
    return None


def _resolve(expression: Any, scope: dict[str, _Source], assigned: str | None = None,
             ) -> _Source:
    left, filters = expression, []
    if isinstance(expression, TernaryFilteredExpression):
        expression = expression.left
    if isinstance(expression, FilteredExpression):
        left, filters = expression.left, expression.filters or []
    source = _resolve_left(left, scope)
    for flt in filters:
        call = _filter_call(flt)
        source.steps.append(call)
        if source.has_literal:
            source.literal = _literal_filter(source.literal, call)
    if assigned:
        source.assigns.append(assigned)
    return source


def _resolve_left(left: Any, scope: dict[str, _Source]) -> _Source:
    if isinstance(left, Literal):
        return _Source(literal=left.value, has_literal=True)
    if not isinstance(left, Path):
        return _Source()
    segments = _segments(left)
    if not segments:
        return _Source()
    head, rest = segments[0], segments[1:]
    if isinstance(head, str) and head in scope:
        base = scope[head]
        if base.item_of is not None:
            return _resolve_item_path(base, rest)
        found = base.copy()
        if rest:
            if found.root is not None and not found.steps:
                found.root = found.root + tuple(rest)
            elif found.has_literal:
                return _Source(assigns=found.assigns)
            else:
                found.steps.append(FilterCall("_get", list(rest)))
        return found
    if head in ("site", "page", "layout", "include", "paginator"):
        return _Source(root=tuple(segments))
    return _Source()


def _resolve_item_path(base: _Source, rest: list[str | int]) -> _Source:
    """``group.items`` of a ``group_by`` loop variable reads the same data again."""
    outer = base.item_of
    assert outer is not None
    if rest == ["items"] and any(s.name in ("group_by", "group_by_exp") for s in outer.steps):
        found = outer.copy()
        # the outer loop's guards pick the groups whose items are read
        found.steps.append(FilterCall("_items", [base.loop_var], {"guards": base.guards}))
        return found
    return _Source()


def _segments(path: Path) -> list[str | int]:
    out: list[str | int] = []
    for segment in path.path:
        if isinstance(segment, Path):
            return out + ["?"]
        out.append(segment)
    return out


def _filter_call(flt: Any) -> FilterCall:
    call = FilterCall(str(flt.name))
    for arg in flt.args:
        name = getattr(arg, "name", None)
        if name:
            call.kwargs[str(name)] = _value(arg.value)
        else:
            call.args.append(_value(arg.value))
    return call


def _value(expression: Any) -> Any:
    if isinstance(expression, Literal):
        return expression.value
    if isinstance(expression, Nil):
        return None
    if isinstance(expression, Path):
        return Ref(tuple(_segments(expression)))
    return str(expression)


def _literal_filter(value: Any, call: FilterCall) -> Any:
    """Filters on literals we can work out statically (``"a,b" | split: ","``)."""
    if call.name == "split" and isinstance(value, str) and call.args and \
            isinstance(call.args[0], str):
        sep = call.args[0]
        parts = value.split(sep) if sep else list(value)
        while parts and parts[-1] == "":
            parts.pop()  # Ruby's String#split drops trailing empty strings
        return [p.strip() if sep.strip() else p for p in parts]
    if call.name == "strip" and isinstance(value, str):
        return value.strip()
    if call.name in ("first", "last") and isinstance(value, list):
        return (value[0] if call.name == "first" else value[-1]) if value else None
    if call.name == "reverse" and isinstance(value, list):
        return list(reversed(value))
    if call.name == "sort" and isinstance(value, list) and not call.args:
        return sorted(value, key=str)
    return value


def _guards(body: BlockNode, var: str) -> list[Guard]:
    """Conditions wrapping everything a loop body renders (nested single ifs included)."""
    guards: list[Guard] = []
    nodes = body.nodes
    while True:
        significant = [n for n in nodes if not _blank(n)]
        if len(significant) != 1 or not isinstance(significant[0], IfNode | UnlessNode):
            return guards
        cond = significant[0]
        if cond.alternatives or cond.default is not None:
            return guards
        guards.append(Guard(str(cond.condition), cond.condition, isinstance(cond, UnlessNode),
                            var))
        nodes = cond.consequence.nodes


def _blank(node: Node) -> bool:
    if isinstance(node, AssignNode):
        return True
    name = type(node).__name__
    if name in ("CommentNode", "InlineCommentNode", "CaptureNode", "IllegalNode"):
        return True
    if name == "ContentNode":
        return not str(getattr(node, "text", node)).strip()
    return False


def _fields(body: BlockNode, var: str) -> list[str]:
    found: set[str] = set()
    for node in walk(body.nodes):
        for expression in _node_expressions(node):
            for path in _paths(expression):
                segments = _segments(path)
                if len(segments) > 1 and segments[0] == var:
                    found.add(_field_name(segments[1:]))
        if isinstance(node, IncludeNode):
            for value in node.params.values():
                if isinstance(value, Ref) and len(value.path) > 1 and value.path[0] == var:
                    found.add(_field_name(list(value.path[1:])))
    return sorted(found)


def _node_expressions(node: Node) -> list[Any]:
    try:
        out = list(node.expressions())
    except Exception:  # noqa: BLE001
        out = []
    if isinstance(node, ConditionalBlockNode):
        out.append(node.expression)
    return out


def _paths(expression: Any) -> Iterator[Path]:
    if isinstance(expression, Path):
        yield expression
        for segment in expression.path:
            if isinstance(segment, Path):
                yield from _paths(segment)
        return
    try:
        children = list(expression.children())
    except Exception:  # noqa: BLE001
        children = []
    for child in children:
        yield from _paths(child)


def _field_name(segments: list[str | int]) -> str:
    text = ""
    for segment in segments:
        text += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if text else
                                                                 str(segment))
    return text


# --- conditions ----------------------------------------------------------------------------

class _Unknown:
    """A value the page computes at build time that we cannot know statically."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def evaluate_condition(guard: Guard, item: Any) -> bool | None:
    """Whether ``item`` passes ``guard``; ``None`` when the condition needs other values."""
    value = _eval(guard.expression, guard.variable, item)
    if value is UNKNOWN:
        return None
    result = _truthy(value)
    return not result if guard.negated else result


def _eval(expr: Any, var: str, item: Any) -> Any:  # noqa: PLR0911
    if isinstance(expr, BooleanExpression):
        return _eval(expr.expression, var, item)
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Nil):
        return None
    if isinstance(expr, Path):
        return _lookup_path(_segments(expr), var, item)
    if isinstance(expr, LogicalNotExpression):
        value = _eval(expr.right, var, item)
        return UNKNOWN if value is UNKNOWN else not _truthy(value)
    if isinstance(expr, LogicalAndExpression | LogicalOrExpression):
        left, right = _eval(expr.left, var, item), _eval(expr.right, var, item)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if isinstance(expr, LogicalAndExpression):
            return _truthy(left) and _truthy(right)
        return _truthy(left) or _truthy(right)
    for kind, compare in _COMPARISONS:
        if isinstance(expr, kind):
            left, right = _eval(expr.left, var, item), _eval(expr.right, var, item)
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            return compare(left, right)
    return UNKNOWN


def _lookup_path(segments: list[str | int], var: str, item: Any) -> Any:
    """``var.a.b`` on ``item``; with ``var == ""`` bare names are the item's fields."""
    if var:
        if not segments or segments[0] != var:
            return UNKNOWN
        segments = segments[1:]
    elif not segments or (isinstance(item, dict) and segments[0] not in item):
        return None if segments else UNKNOWN
    value = item
    for segment in segments:
        if segment == "size" and isinstance(value, list | str | dict):
            value = len(value)
        elif isinstance(value, dict):
            value = value.get(segment)
        elif isinstance(value, list) and isinstance(segment, int):
            value = value[segment] if -len(value) <= segment < len(value) else None
        elif segment == "first" and isinstance(value, list):
            value = value[0] if value else None
        else:
            return None
    return value


def _truthy(value: Any) -> bool:
    """Liquid truthiness: only nil and false are falsy."""
    return value is not None and value is not False


def _ordered(op: Any) -> Any:
    def compare(left: Any, right: Any) -> Any:
        numeric = (int, float)
        if isinstance(left, numeric) and isinstance(right, numeric) and \
                not isinstance(left, bool) and not isinstance(right, bool):
            return op(left, right)
        if isinstance(left, str) and isinstance(right, str):
            return op(left, right)
        return False
    return compare


def _contains(left: Any, right: Any) -> bool:
    if isinstance(left, str):
        return str(right) in left if right is not None else False
    if isinstance(left, list):
        return right in left
    if isinstance(left, dict):
        return right in left
    return False


def _equal(left: Any, right: Any) -> bool:
    # Liquid compares with Ruby ==: '1' != 1, but 1 == 1.0; true is not 1.
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


class _Comparison(Protocol):
    """What the comparison expressions share (they have no common base class)."""

    left: Expression
    right: Expression


_COMPARISONS: tuple[tuple[type[_Comparison], Any], ...] = (
    (EqExpression, _equal),
    (NeExpression, lambda a, b: not _equal(a, b)),
    (LtExpression, _ordered(lambda a, b: a < b)),
    (GtExpression, _ordered(lambda a, b: a > b)),
    (LeExpression, _ordered(lambda a, b: a <= b)),
    (GeExpression, _ordered(lambda a, b: a >= b)),
    (ContainsExpression, _contains),
)
