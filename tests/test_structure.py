"""Structure rules the layout depends on, checked on the source text (ast), not by review.

* no module imports a private name (``_x``) from another module;
* no module under ``themes/<a>/`` imports ``themes/<b>/``, and only the registry imports
  theme packages from outside ``themes/``;
* theme facts live in ``converters/<theme>.yml``: every key there is read by the code, and
  no code constant repeats a list the data holds.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sitemigrate"
CONVERTERS = sorted((ROOT / "converters").glob("*.yml"))


def _modules() -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports(name: str, path: Path, tree: ast.Module) -> Iterator[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for every import of a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, "", node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            module = (f"{base}.{node.module}" if node.module else base) if node.level \
                else node.module or ""
            for alias in node.names:
                yield module, alias.name, node.lineno


def _theme_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["sitemigrate", "themes"] else None


def test_the_import_walk_sees_the_package() -> None:
    found = {(name, module, imported) for name, path, tree in _modules()
             for module, imported, _ in _imports(name, path, tree)}
    assert ("sitemigrate.themes.allanlab.writer", "sitemigrate.themes.allanlab.codec",
            "venue_from_conf") in found
    assert _theme_of("sitemigrate.themes.al_folio.codec") == "al_folio"


def test_no_module_imports_a_private_name() -> None:
    bad = [f"{path.relative_to(ROOT)}:{line} imports {imported} from {module}"
           for name, path, tree in _modules()
           for module, imported, line in _imports(name, path, tree)
           if imported.startswith("_") and not imported.startswith("__")]
    assert not bad, "\n".join(bad)


def test_no_theme_imports_another_theme() -> None:
    bad = []
    for name, path, tree in _modules():
        own = _theme_of(name)
        for module, imported, line in _imports(name, path, tree):
            other = _theme_of(module) or _theme_of(f"{module}.{imported}")
            if other is None or other == own:
                continue
            if own is not None or name != "sitemigrate.registry":
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module} {imported}")
    assert not bad, "\n".join(bad)


# -- theme facts as data ---------------------------------------------------------------------

def _strings_in_code() -> set[str]:
    return {node.value for _, _, tree in _modules() for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def _data(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


#: maps whose inner keys are dotted paths into the theme's own files (read generically by
#: ``onto.clear_sample_values``), not field names the code spells out
_PATH_MAPS = frozenset({"sample_values"})


@pytest.mark.parametrize("path", CONVERTERS, ids=lambda p: p.name)
def test_every_converter_key_is_read_by_the_code(path: Path) -> None:
    """A key is read when the code names it; so are the fields of a map of records
    (``categories: {books: {title, kind}}``)."""
    named = _strings_in_code()
    data = _data(path)
    keys = set(data)
    for key, value in data.items():
        if key in _PATH_MAPS:
            continue
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            keys |= {k for record in value.values() for k in record}
    unread = sorted(k for k in keys if k not in named)
    assert not unread, f"{path.name}: keys no code reads: {unread}"


def _code_constants() -> Iterator[tuple[str, set[str]]]:
    """Module-level constants spelled out in code: a set, list, tuple or dict (its keys) of
    three or more strings, also inside ``frozenset(...)``/``tuple(...)``."""
    for name, _, tree in _modules():
        for node in tree.body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if isinstance(value, ast.Call) and value.args:
                value = value.args[0]
            if isinstance(value, ast.Dict):
                elements = [k for k in value.keys if k is not None]
            elif isinstance(value, ast.Set | ast.List | ast.Tuple):
                elements = list(value.elts)
            else:
                continue
            strings = {e.value for e in elements
                       if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if len(strings) >= 3 and len(strings) == len(elements):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                yield f"{name}.{ast.unparse(target)}", strings


def _data_lists(value: Any, where: str) -> Iterator[tuple[str, set[str]]]:
    if isinstance(value, dict):
        if len(value) >= 3:
            yield where, {str(k) for k in value}
        for key, sub in value.items():
            yield from _data_lists(sub, f"{where}.{key}")
    elif isinstance(value, list) and len(value) >= 3:
        yield where, {str(v) for v in value}


#: code tables whose keys are the shared vocabulary the theme tables map from, not a theme's
#: fact: ``SERVICES`` names each social service (with its URL form); each theme's
#: ``socials:`` says under which key and in which form that theme writes a service; the
#: model's kinds, link labels and identifier names (and the BibTeX and academicpages tables
#: keyed by them) are what the Hugo Blox tables map to its publication and link types
_VOCABULARY = frozenset({
    "sitemigrate.transforms.socials.SERVICES", "sitemigrate.model.PUBLICATION_KINDS",
    "sitemigrate.model.LINK_LABELS", "sitemigrate.parsing.bibtex.LINK_FIELDS",
    "sitemigrate.parsing.bibtex.KIND_TYPES",
    "sitemigrate.themes.academicpages.writer.EXTRA_CATEGORY_OF_KIND",
    "sitemigrate.transforms.identifiers._STRICT",
    # keyed by the model's kinds and link labels (the vocabulary hugoblox's tables share)
    "sitemigrate.parsing.csl.KIND_TO_CSL", "sitemigrate.themes.quarto.writer.KIND_LABELS",
    "sitemigrate.themes.quarto.writer.LINK_TEXT",
    # keyed by the kinds of records a page lists (academicpages' listing_pages shares them)
    "sitemigrate.themes.academicpages.writer.ITEM_FOLDERS",
    "sitemigrate.themes.academicpages.writer.LISTINGS",
    "sitemigrate.themes.academicpages.writer.NATIVE_LOOPS"})


def test_no_fact_is_kept_both_in_data_and_in_code() -> None:
    """A code constant whose strings are mostly those of one list of a converter file (and
    cover at least half of it) repeats a theme fact: the code must read it from the data.
    (A few shared words, such as BibTeX field names, are vocabulary, not a copied fact.)"""
    lists = [found for path in CONVERTERS for found in _data_lists(_data(path), path.stem)]
    twice = [f"{constant} ~ {where}" for constant, strings in _code_constants()
             if constant not in _VOCABULARY
             for where, listed in lists if _repeats(strings, listed)]
    assert not twice, "\n".join(twice)


def _repeats(strings: set[str], listed: set[str]) -> bool:
    return len(strings & listed) >= max(3, 0.8 * len(strings), 0.5 * len(listed))


def test_the_fact_check_would_see_a_copied_list() -> None:
    lists = dict(_data_lists(_data(ROOT / "converters" / "allanlab.yml"), "allanlab"))
    # what the Allan lab reader held before the header links moved to the data
    copied = {"/", "/team", "/vacancies", "/publications", "/research", "/pictures"}
    assert _repeats(copied, lists["allanlab.header_permalinks"])
    assert _repeats({"textlay", "gridlay", "homelay", "piclay"}, lists["allanlab.page_layouts"])
    assert not _repeats({"title", "year", "venue", "doi"}, lists["allanlab.publist_keys"])
