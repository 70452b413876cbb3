"""Safe YAML loading: no object construction, dates kept as text, duplicate keys, deep nesting
and alias bombs caught.  Writing YAML is ``yamldump`` (generated files) and ``config_yaml``
(a ``_config.yml`` merged round-trip).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import INVALID_YAML, TOO_DEEP, YAML_ALIASES, Code

try:  # the C parser is several times faster; the pure one behaves the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    # the pure-Python class stands in for the C one under the same name
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: Largest number of nodes a document may expand to once aliases are followed.
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 200


class YamlError(Exception):
    """A document that could not be loaded; ``line`` is 1-based within the document."""

    def __init__(self, message: str, line: int | None = None, code: Code = INVALID_YAML) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.code = code


@dataclass(slots=True)
class YamlResult:
    data: Any
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)  #: (key, 1-based line)


class _Loader(_BaseLoader):
    duplicates: list[tuple[str, int]]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
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
    assert isinstance(node, yaml.ScalarNode)  # the timestamp tag resolves on scalars only
    return str(loader.construct_scalar(node))


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
                            TOO_DEEP)
        children = _children(node)
        if children_done or not children:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > MAX_EXPANDED_NODES:
                raise YamlError(
                    f"expands to more than {MAX_EXPANDED_NODES} nodes through aliases",
                    node.start_mark.line + 1, YAML_ALIASES)
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
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", None, TOO_DEEP) from None
        return
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", None, TOO_DEEP) from None
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
                            TOO_DEEP)
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
            if _keep_what_is_built:
                gc.freeze()
            gc.enable()


#: set by the console script (``cli.main``): its process ends when the command does
_console_script = False
#: set by a command that reads one source and ends (``export``, ``migrate``), in the script
_keep_what_is_built = False


def run_as_console_script() -> None:
    global _console_script
    _console_script = True


def keep_what_is_built() -> None:
    """For a command that reads one source and ends: when the outermost pause of the
    collector ends, what was built in it (the model, the planned files) is moved out of the
    collector's sight (``gc.freeze``) instead of scanned, all of it, by the collection the
    pause's allocations set off, and by every later one: 0.2-0.5 s for a 10,000-publication
    model, for objects that live until the process exits anyway (which does not free them).
    Only in the console script: tests, ``batch`` workers and library use keep collecting."""
    global _keep_what_is_built
    _keep_what_is_built = _console_script


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
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", None, TOO_DEEP) from None
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
