"""Apply a loop's filter chain and guards to data, the way Jekyll would render it."""

from __future__ import annotations

from typing import Any

from ...parsing.liquid import FilterCall, Guard, Loop, Ref, evaluate_condition, parse_template

#: filters that change nothing about which items are rendered
_NEUTRAL = {"uniq", "compact", "jsonify", "where_exp_debug", "inspect"}


def select_items(data: Any, loop: Loop, key: Any = None) -> tuple[list[Any], list[str]]:
    """The items ``loop`` renders from ``data`` (for one ``key`` of a key list) and the
    names of steps that could not be applied statically."""
    unknown: list[str] = []
    value: Any = _as_list(data)
    for step in loop.filters:
        value = _apply(value, step, loop.loop_variable, key, unknown)
    items = _as_list(value) if not isinstance(value, dict) or "name" not in value else [value]
    kept = [item for item in items if all(_passes(g, item) for g in loop.guards)]
    return kept, unknown


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        # a hash iterates as its values in where/sort; keep map-of-records usable
        if value and all(isinstance(v, dict) for v in value.values()):
            return list(value.values())
        return [value]
    return [value]


def _passes(guard: Guard, item: Any) -> bool:
    result = evaluate_condition(guard, item)
    return True if result is None else result


def _apply(value: Any, step: FilterCall, loop_var: str, key: Any,  # noqa: PLR0911, PLR0912
           unknown: list[str]) -> Any:
    name, args = step.name, [_bind(a, loop_var, key) for a in step.args]
    if name == "where":
        if len(args) < 2:
            return [i for i in _as_list(value) if _truthy(_field(i, args[0]))] if args else value
        if any(a is _UNBOUND for a in args):
            unknown.append(name)
            return value
        return [i for i in _as_list(value) if _matches(_field(i, args[0]), args[1])]
    if name == "where_exp" and len(args) == 2 and all(isinstance(a, str) for a in args):
        return _where_exp(_as_list(value), args[0], args[1], unknown)
    if name in ("group_by", "group_by_exp") and args and isinstance(args[0], str):
        return _group_by(_as_list(value), args[0]) if name == "group_by" else value
    if name == "_items":
        groups = [g for g in _as_list(value)
                  if all(_passes(Guard(g2.source, g2.expression, g2.negated, g2.variable), g)
                         for g2 in step.kwargs.get("guards", []))]
        return [i for g in groups if isinstance(g, dict) for i in _as_list(g.get("items"))]
    if name == "_get":
        for segment in args:
            value = _field(value, segment)
        return value
    if name == "sort":
        return _sort(_as_list(value), args[0] if args else None)
    if name == "reverse":
        return list(reversed(_as_list(value)))
    if name in ("first", "last"):
        items = _as_list(value)
        return (items[0] if name == "first" else items[-1]) if items else None
    if name in ("limit", "offset") and args and isinstance(args[0], int):
        items = _as_list(value)
        return items[:args[0]] if name == "limit" else items[args[0]:]
    if name == "slice" and args and isinstance(args[0], int):
        length = args[1] if len(args) > 1 and isinstance(args[1], int) else 1
        return _as_list(value)[args[0]:args[0] + length]
    if name not in _NEUTRAL:
        unknown.append(name)
    return value


class _Unbound:
    pass


_UNBOUND = _Unbound()


def _bind(arg: Any, loop_var: str, key: Any) -> Any:
    if isinstance(arg, Ref):
        if arg.path == (loop_var,) and key is not None:
            return key
        return _UNBOUND
    return arg


def _field(item: Any, name: Any) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    if isinstance(item, list) and isinstance(name, int):
        return item[name] if -len(item) <= name < len(item) else None
    return None


def _truthy(value: Any) -> bool:
    return value is not None and value is not False


def _matches(prop: Any, target: Any) -> bool:
    """``where`` kept typed as the project documents it ('1' does not match 1)."""
    values = prop if isinstance(prop, list) else [prop]
    for value in values:
        if isinstance(value, bool) or isinstance(target, bool):
            if value is target:
                return True
        elif value == target:
            return True
    return False


def _group_by(items: list[Any], field_name: str) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for item in items:
        value = _field(item, field_name)
        name = "" if value is None else (str(value).lower() if isinstance(value, bool)
                                          else str(value))
        group = groups.setdefault(name, {"name": name, "items": [], "size": 0})
        group["items"].append(item)
        group["size"] += 1
    return list(groups.values())


def _sort(items: list[Any], field_name: Any) -> list[Any]:
    def key(item: Any) -> tuple[int, int, Any]:
        value = _field(item, field_name) if field_name is not None else item
        if value is None:
            return (0, 0, "")  # Jekyll puts nil first
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (1, 0, value)
        return (1, 1, str(value))
    return sorted(items, key=key)


def _where_exp(items: list[Any], variable: str, condition: str, unknown: list[str]) -> list[Any]:
    doc = parse_template("{% if " + condition + " %}x{% endif %}")
    if not doc.nodes:
        unknown.append("where_exp")
        return items
    node = doc.nodes[0]
    expression = getattr(node, "condition", None)
    if expression is None:
        unknown.append("where_exp")
        return items
    guard = Guard(condition, expression, False, variable)
    out = []
    for item in items:
        result = evaluate_condition(guard, item)
        if result is None:
            unknown.append("where_exp")
            return items
        if result:
            out.append(item)
    return out
