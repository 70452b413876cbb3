"""The model's JSON Schema, generated from the dataclasses in ``model.py``.

``schemas/model.schema.json`` is this module's output, checked in; a test regenerates it
and fails when the two differ (refresh with ``python -m sitemigrate.schema > schemas/...``).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from . import model as m

SCHEMA_ID = "https://sitemigrate.invalid/schemas/model.schema.json"


def _type_schema(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        inner = [a for a in args if a is not type(None)]
        schema = _type_schema(inner[0])
        if type(None) in args:
            return {"anyOf": [schema, {"type": "null"}]}
        return schema
    if origin is list:
        return {"type": "array", "items": _type_schema(typing.get_args(hint)[0])}
    if origin is dict:
        _, value = typing.get_args(hint)
        return {"type": "object", "additionalProperties": _type_schema(value)}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return {"$ref": f"#/$defs/{hint.__name__}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if hint in simple:
        return {"type": simple[hint]}
    return {}  # Any


def _record_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        props[f.name] = _type_schema(hints[f.name])
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    schema: dict[str, Any] = {"type": "object", "properties": props,
                              "additionalProperties": False}
    if required:
        schema["required"] = required
    if cls.__doc__:
        schema["description"] = cls.__doc__.strip().splitlines()[0]
    return schema


RECORDS = (m.Origin, m.Diagnostic, m.Source, m.Site, m.AuthorName, m.Publication, m.Project,
           m.Theme, m.Page, m.Item)


def build_schema() -> dict[str, Any]:
    root = _record_schema(m.Model)
    root["required"] = list(root["properties"])
    root["properties"]["schema_version"] = {"const": m.SCHEMA_VERSION}
    pub = _record_schema(m.Publication)
    pub["properties"]["kind"] = {"anyOf": [{"enum": list(m.PUBLICATION_KINDS)},
                                           {"type": "null"}]}
    diag = _record_schema(m.Diagnostic)
    diag["properties"]["level"] = {"enum": ["error", "warning", "info"]}
    diag["properties"]["code"] = {"type": "string", "pattern": "^SM[0-9]{3}$"}
    diag["properties"]["severity"] = {"anyOf": [
        {"enum": ["content-lost", "content-changed", "setting-not-carried", "info"]},
        {"type": "null"}]}
    defs = {cls.__name__: _record_schema(cls) for cls in RECORDS}
    defs["Publication"] = pub
    defs["Diagnostic"] = diag
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "sitemigrate model",
        **root,
        "$defs": defs,
    }


def schema_path() -> Path:
    from .resources import shipped_path

    return shipped_path("schemas") / "model.schema.json"


def load_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return data


def validate_data(data: Any) -> list[str]:
    """Schema errors as ``path: message`` strings (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    out = []
    for err in errors[:100]:
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        out.append(f"{where}: {err.message}")
    return out


def load_model_file(path: Path) -> Any:
    """A model written by ``export``, JSON or YAML; ``ValueError`` names file and line."""
    from .parsing.text import decode, read_regular
    from .parsing.yamlio import YamlError, load_yaml

    text = decode(read_regular(path)).text
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
        except RecursionError:
            data = _TOO_DEEP
    else:
        try:
            data = load_yaml(text).data
        except YamlError as exc:
            raise ValueError(f"{path}:{exc.line or 1}: {exc.message}") from None
        except RecursionError:
            data = _TOO_DEEP
    if data is _TOO_DEEP or _depth_over(data, MAX_MODEL_DEPTH):
        raise ValueError(f"{path}: nested deeper than {MAX_MODEL_DEPTH} levels; no model is "
                         "(refused before validating)")
    return data


#: a model is at most a dozen levels deep; far deeper input is refused, not recursed into
MAX_MODEL_DEPTH = 100
_TOO_DEEP = object()


def _depth_over(data: Any, limit: int) -> bool:
    """True when ``data`` nests lists/dicts more than ``limit`` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


if __name__ == "__main__":
    json.dump(build_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
