"""The YAML writer family.  One entry point per purpose:

* ``dump_yaml(data)``: every YAML file and front-matter block we generate (deterministic:
  insertion order, Unicode kept, no anchors).  It takes the first of three ways that accepts
  the data, each property-tested to give the bytes of the next: ``_dump_direct`` writes the
  usual simple data as text (building libyaml's events in Python cost about half of each
  writer's time), ``_dump_events`` hands libyaml the events for plain data, ``_dump_nodes``
  is PyYAML's own representer for the rest;
* ``parsing.config_yaml.dump_config(data)``: a ``_config.yml`` merged into the output
  folder's own, round-trip (ruamel.yaml keeps its comments and order).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import yaml

from .yamlio import collector_paused

try:  # libyaml's emitter is ~20x faster; it writes lists under a key without indenting them
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    # the pure-Python class stands in for the C one under the same name
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Dumper(_BaseDumper):
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


def _str_representer(dumper: _Dumper, value: str) -> yaml.Node:
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
    assert isinstance(node, yaml.ScalarNode)  # int, bool, None and float are scalars
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
