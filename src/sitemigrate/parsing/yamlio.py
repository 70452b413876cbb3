"""Safe YAML: no object construction, dates kept as text, duplicate keys and alias bombs caught.

Dumping writes the usual simple data as text directly (``_dump_direct``): building libyaml's
events in Python for it cost about half of each writer's time.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

try:  # the C parser is several times faster; the pure one behaves the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: Largest number of nodes a document may expand to once aliases are followed.
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 200


class YamlError(Exception):
    """A document that could not be loaded; ``line`` is 1-based within the document."""

    def __init__(self, message: str, line: int | None = None, code: str = "SM101") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.code = code


@dataclass(slots=True)
class YamlResult:
    data: Any
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)  #: (key, 1-based line)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    duplicates: list[tuple[str, int]]

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                self.duplicates.append((str(key), key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _expanded_size(root: yaml.Node) -> int:
    """Node count with every alias expanded, computed without expanding (memoized by id)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.line + 1,
                            "SM505")
        children = _children(node)
        if children_done or not children:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > MAX_EXPANDED_NODES:
                raise YamlError(
                    f"expands to more than {MAX_EXPANDED_NODES} nodes through aliases",
                    node.start_mark.line + 1, "SM502")
            sizes[id(node)] = total
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _check_size(text: str, root: yaml.Node) -> None:
    """Refuse alias bombs and deep nesting before anything is constructed.

    Without a ``*`` there is no alias, so nothing expands: only the depth can be too much,
    and every nesting level takes one of ``[{:-?``, so a text with few of them is shallow.
    """
    if "*" in text:
        _expanded_size(root)
    elif sum(text.count(sign) for sign in "[{:-?") > MAX_DEPTH:
        _check_depth(root)


def check_limits(text: str) -> None:
    """Raise ``YamlError`` when ``text`` nests deeper than ``MAX_DEPTH`` (SM505) or expands
    too many aliases (SM502): the pre-check for a parser without those limits (ruamel.yaml
    recurses once per level and takes seconds to give up on a deep document).  Shallow text
    (few nesting signs, no alias) is passed without parsing; text libyaml cannot compose for
    another reason is left to the caller's parser."""
    if "*" not in text and sum(text.count(sign) for sign in "[{:-?") <= MAX_DEPTH:
        return
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", None, "SM505") from None
        return
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", None, "SM505") from None
    finally:
        loader.dispose()
    if node is not None:
        _check_size(text, node)


def _check_depth(root: yaml.Node) -> None:
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.line + 1,
                            "SM505")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (YAML nodes, a model's records).

    They are many small containers without cycles; each collection would scan them and
    every live record of the model again, which made a 10k-entry ``publist.yml`` cost 18
    times a 1k one instead of 10.  Nested use is fine: only the outermost re-enables.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_yaml(text: str) -> YamlResult:
    """Load one YAML document safely; raise ``YamlError`` with a line number on failure."""
    with collector_paused():
        return _load_yaml(text)


def _load_yaml(text: str) -> YamlResult:
    loader = _Loader(text)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlResult(None)
        _check_size(text, node)
        data = loader.construct_document(node)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        raise YamlError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", None, "SM505") from None
    finally:
        loader.dispose()
    return YamlResult(data, loader.duplicates)


def item_lines(text: str) -> dict[tuple[Any, ...], int]:
    """1-based line of each list item up to one mapping level down, for diagnostics.

    Keys: ``(i,)`` for a top-level list, ``(key, i)`` for a list under a top-level key, and
    ``(key,)`` for a mapping under a top-level key.  Empty when the text does not compose
    (the loader reports why) or nests too deep.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return {}
    finally:
        loader.dispose()
    lines: dict[tuple[Any, ...], int] = {}
    if isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            lines[(index,)] = child.start_mark.line + 1
    elif isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            key = key_node.value
            if isinstance(value, yaml.SequenceNode):
                for index, child in enumerate(value.value):
                    lines[(key, index)] = child.start_mark.line + 1
            elif isinstance(value, yaml.MappingNode):
                lines[(key,)] = key_node.start_mark.line + 1
    return lines


try:  # libyaml's emitter is ~20x faster; it writes lists under a key without indenting them
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    def represent_data(self, data: Any) -> yaml.Node:
        """Strings, dicts and lists without PyYAML's per-object lookups (most of the time
        once libyaml emits); a list or dict that occurs twice is written out twice, never
        as an anchor and alias.  Multi-line strings become literal blocks."""
        kind = type(data)
        if kind is str:
            return yaml.ScalarNode(_STR, data, style="|" if "\n" in data else None)
        if kind is dict:
            return yaml.MappingNode(_MAP, [(self.represent_data(k), self.represent_data(v))
                                           for k, v in data.items()], flow_style=False)
        if kind is list:
            return yaml.SequenceNode(_SEQ, [self.represent_data(v) for v in data],
                                     flow_style=False)
        return super().represent_data(data)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar(_STR, value, style="|")
    return dumper.represent_scalar(_STR, value)


_Dumper.add_representer(str, _str_representer)  # str subclasses


def dump_yaml(data: Any) -> str:
    """Deterministic YAML for files we write: keys in insertion order, Unicode kept.

    No ``...`` end marker: libyaml writes one after any ``|+`` block (a value ending in a
    blank line), and Jekyll takes a ``...`` line as the end of the front matter.  The kept
    blank lines run to the end of the block, which is the same without it.
    """
    with collector_paused():
        text = _dump_direct(data)
        if text is None:
            text = _dump_events(data)
        if text is None:
            text = _dump_nodes(data)
    return text.removesuffix("...\n") if text.endswith("\n...\n") else text


def _dump_nodes(data: Any) -> str:
    """PyYAML's own way: represent ``data`` as nodes, then serialize them."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=4096, default_flow_style=False)


# ``_dump_events`` hands libyaml the very events ``_dump_nodes`` has it emit, made directly
# from the plain data we write (exact str, dict and list; int, float, bool and None): no
# node objects, no anchor pass, and no Python ``resolve`` call per scalar from inside the C
# serializer.  Anything else goes the node way (a set, a date, a str subclass…, which may
# also be written with anchors).

class _NotPlain(Exception):
    """The data holds a type ``_dump_events`` leaves to ``_dump_nodes``."""


#: First characters an implicit resolver is registered for ("" for the empty string); a
#: str starting with any other character resolves to the str tag, so it may be written
#: plain.  A resolver for every first character (key ``None``) would leave no such str.
_RESOLVER_FIRST = frozenset(_Dumper.yaml_implicit_resolvers)
_ANY_FIRST = None in _RESOLVER_FIRST
_PROBE = _Dumper(io.StringIO())  #: only asked to represent and resolve scalars, never opened
_PLAIN_SCALARS = (int, bool, type(None))  #: never anchored (ignore_aliases)
_MAP_START = yaml.MappingStartEvent(None, _MAP, True, flow_style=False)
_MAP_END = yaml.MappingEndEvent()
_SEQ_START = yaml.SequenceStartEvent(None, _SEQ, True, flow_style=False)
_SEQ_END = yaml.SequenceEndEvent()


@lru_cache(maxsize=65536)
def _resolves_to_str(value: str) -> bool:
    """Whether ``value`` written plain reads back as a str (what the serializer asks)."""
    return bool(_PROBE.resolve(yaml.ScalarNode, value, (True, False)) == _STR)


def _dump_events(data: Any) -> str | None:
    """``_dump_nodes(data)``, or None when ``data`` holds a type not written here."""
    if _Dumper.yaml_path_resolvers:  # they would change which tags are implicit
        return None
    stream = io.StringIO()
    dumper = _Dumper(stream, allow_unicode=True, width=4096)
    emit = dumper.emit
    try:
        emit(yaml.StreamStartEvent())
        emit(yaml.DocumentStartEvent(explicit=False))
        _emit(data, emit)
        emit(yaml.DocumentEndEvent(explicit=False))
        emit(yaml.StreamEndEvent())
    except _NotPlain:
        return None
    finally:
        dumper.dispose()
    return stream.getvalue()


def _emit(data: Any, emit: Callable[[yaml.Event], None]) -> None:
    """The events ``CSafeDumper.serialize`` makes from ``_Dumper.represent_data(data)``."""
    kind = type(data)
    if kind is str:
        # resolve((False, True)) always gives the str tag (there are no path resolvers)
        plain = (not _ANY_FIRST and data[:1] not in _RESOLVER_FIRST) or _resolves_to_str(data)
        emit(yaml.ScalarEvent(None, _STR, (plain, True), data,
                              style="|" if "\n" in data else None))
    elif kind is dict:
        emit(_MAP_START)
        for key, value in data.items():
            _emit(key, emit)
            _emit(value, emit)
        emit(_MAP_END)
    elif kind is list:
        emit(_SEQ_START)
        for value in data:
            _emit(value, emit)
        emit(_SEQ_END)
    elif kind in _PLAIN_SCALARS or kind is float:
        # floats are not cached: 0.0 == -0.0, yet they are written apart
        tag, implicit, text, style = (_scalar if kind is float else _cached_scalar)(data)
        emit(yaml.ScalarEvent(None, tag, implicit, text, style=style))
    else:
        raise _NotPlain


def _scalar(data: Any) -> tuple[str, tuple[bool, bool], str, str | None]:
    """(tag, implicit, value, style) of a non-str scalar, as the serializer finds them."""
    node = _PROBE.represent_data(data)
    tag, text = node.tag, node.value
    implicit = (_PROBE.resolve(yaml.ScalarNode, text, (True, False)) == tag,
                _PROBE.resolve(yaml.ScalarNode, text, (False, True)) == tag)
    return tag, implicit, text, node.style


#: ints, bools and None: equal values (of one type) are written alike
_cached_scalar = lru_cache(maxsize=4096, typed=True)(_scalar)


# ``_dump_direct`` writes the text itself for the data every writer dumps (front matter of
# each publication, a publist.yml of every record): nested dicts with str keys and lists of
# str, int, bool and None, where each str is written plain or single-quoted on one line.
# Building one libyaml event per scalar cost about half of each writer's time; the text is
# what libyaml writes for those events.  Anything else (floats, multi-line or unusual text,
# other types, a line long enough for libyaml to fold) gives None and the whole document
# goes the event way, so styles are never mixed within one document.

#: Characters libyaml writes as they are, plain or single-quoted (``'`` doubled there): its
#: printable set within the BMP (no control characters, no BOM) without U+2028/U+2029, which
#: it takes as line breaks, and without NBSP.
_PLAIN_TEXT = re.compile(r"[\x20-\x7e\u00a1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
#: libyaml's block indicators: text holding one is quoted rather than written plain.
_INDICATOR_FIRST = frozenset(" #,[]{}&*!|>'\"%@`")
_INDICATOR_START = ("---", "...", "- ", "? ")
_MAX_KEY = 40  #: chars (<= 3 bytes each); libyaml writes a key over 128 bytes as ``? key``
#: libyaml folds text at a space past column 4096; lines here stay shorter than that
#: (indent + ``- `` + key + ``: `` + text).
_MAX_INDENT = 900
_MAX_TEXT = 3000


class _NotSimple(Exception):
    """The data holds something ``_dump_direct`` leaves to ``_dump_events``."""


def _dump_direct(data: Any) -> str | None:
    """``_dump_events(data)`` written directly, or None when ``data`` is not that simple."""
    if _Dumper.yaml_path_resolvers or not data or type(data) not in (dict, list):
        return None
    out: list[str] = []
    try:
        (_write_map if type(data) is dict else _write_seq)(data, 0, "", out)
    except (_NotSimple, RecursionError):
        return None
    return "".join(out)


def _write_map(data: dict[Any, Any], indent: int, first: str, out: list[str]) -> None:
    """``key: value`` lines at ``indent``; the first starts with ``first`` (a ``- `` maybe)."""
    if indent > _MAX_INDENT:
        raise _NotSimple
    pad = " " * indent
    start = first
    for key, value in data.items():
        if type(key) is not str or len(key) > _MAX_KEY:
            raise _NotSimple
        head = start + _str_text(key) + ":"
        start = pad
        kind = type(value)
        if kind is str:
            out.append(f"{head} {_str_text(value)}\n")
        elif kind is dict and value:
            out.append(head + "\n")
            _write_map(value, indent + 2, pad + "  ", out)
        elif kind is list and value:  # a list under a key: dashes not indented
            out.append(head + "\n")
            _write_seq(value, indent, pad, out)
        else:
            out.append(f"{head} {_other_text(value)}\n")


def _write_seq(data: list[Any], indent: int, first: str, out: list[str]) -> None:
    """``- item`` lines at ``indent``; a dict or list item starts on its dash line."""
    if indent > _MAX_INDENT:
        raise _NotSimple
    pad = " " * indent
    start = first
    for value in data:
        dash = start + "- "
        start = pad
        kind = type(value)
        if kind is str:
            out.append(f"{dash}{_str_text(value)}\n")
        elif kind is dict and value:
            _write_map(value, indent + 2, dash, out)
        elif kind is list and value:
            _write_seq(value, indent + 2, dash, out)
        else:
            out.append(f"{dash}{_other_text(value)}\n")


def _other_text(value: Any) -> str:
    """An int, bool or None, or an empty dict or list, as libyaml writes it."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    if kind is dict or kind is list:  # empty ones: the others are written as blocks
        return "{}" if kind is dict else "[]"
    raise _NotSimple


@lru_cache(maxsize=65536)
def _str_text(value: str) -> str:
    """``value`` plain when libyaml writes it plain, else single-quoted; raise if neither."""
    if not (value.isprintable() if value.isascii() else _PLAIN_TEXT.fullmatch(value)):
        raise _NotSimple
    text = value if _is_plain(value) else "'" + value.replace("'", "''") + "'"
    if len(text) > _MAX_TEXT:
        raise _NotSimple
    return text


def _is_plain(value: str) -> bool:
    """Whether libyaml writes ``value`` (printable, one line) plain: it must read back as a
    str and hold no block indicator nor an outer space."""
    if (not value or value[0] in _INDICATOR_FIRST or value[-1] in " :" or ": " in value
            or " #" in value or value.startswith(_INDICATOR_START) or value in ("-", "?")):
        return False
    return (not _ANY_FIRST and value[0] not in _RESOLVER_FIRST) or _resolves_to_str(value)
