"""Mutations of REAL corpus files never crash a reader or a parser.

Real files (a papers.bib, a publist.yml, an academicpages publication, a custom page with
Liquid loops, JSON/CSV/TSV data, a _config.yml) get bytes flipped, deleted, inserted and
duplicated, are truncated, re-encoded (UTF-16, Latin-1, BOMs), get CRLF/CR newlines or NUL
bytes, and are then read by every reader inside a small site folder.  Each case must end in
a model; every diagnostic names a file relative to the source root.

Default run: a small sample.  ``SITEMIGRATE_FUZZ=1``: 10,000 cases per test and reader.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CORPUS, requires_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate.common.reader import ReadContext
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.model import Diagnostic
from sitemigrate.parsing.bibtex import parse_bibtex
from sitemigrate.parsing.front_matter import split_front_matter
from sitemigrate.parsing.liquid import parse_template
from sitemigrate.parsing.text import decode
from sitemigrate.pipeline import SourceError, plan_migration, read_site
from sitemigrate.registry import get_reader, source_kinds, target_themes

#: Reading a whole site per case is slow: the default run tries fewer cases than the profile.
FEW = settings() if os.environ.get("SITEMIGRATE_FUZZ") == "1" else settings(max_examples=20)

#: Enough of a seed to exercise the parsers; keeps each case fast.
SEED_BYTES = 24_000


@dataclass(frozen=True, slots=True)
class Seed:
    site: Path
    rel: str
    data: bytes

    def __repr__(self) -> str:  # hypothesis prints this on failure
        return f"Seed({self.site.parent.name}/{self.site.name}/{self.rel})"


def _pick(site: Path, patterns: list[str]) -> list[Path]:
    found: list[Path] = []
    for pattern in patterns:
        found.extend(sorted(site.glob(pattern))[:2])
    return found


PATTERNS = [
    "_bibliography/*.bib", "markdown_generator/*.bib", "_data/publist.yml", "_data/*.yml",
    "_data/*.json", "_data/*.csv", "_data/*.tsv", "markdown_generator/*.tsv",
    "_publications/*.md", "_projects/*.md", "_pages/*.md", "_pages/*.html", "*.md", "*.html",
    "_config.yml", "_news/*.md", "_talks/*.md",
]


def _seeds() -> list[Seed]:
    if not CORPUS.is_dir():
        return []
    seeds: list[Seed] = []
    for group in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        for site in sorted(p for p in group.iterdir() if p.is_dir()):
            for path in _pick(site, PATTERNS):
                if path.is_file() and not path.is_symlink():
                    data = path.read_bytes()[:SEED_BYTES]
                    seeds.append(Seed(site, path.relative_to(site).as_posix(), data))
    return seeds


SEEDS = _seeds()
LOOP_PAGES = [s for s in SEEDS if b"{% for" in s.data or b"{%for" in s.data]
BIB_SEEDS = [s for s in SEEDS if s.rel.endswith(".bib")]

INSERTS = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\r\n", b"---\n", b"{", b"}", b"@",
           b"{% for x in site.data.y %}", b"{% endfor %}", b"{% if", b"{{", b"%}", b"&a [*a]",
           b"*a", b"[" * 50, b"{" * 50, b"\xc3", b"\xe4\xba", b"\t", b"'", b'"', b"\\",
           b"@article{", b"author = {", b"title: ", b"- ", b":", b"\xe2\x80\xae"]


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate",
                                   "encode", "newlines", "nul", "huge"]))
        data = _mutate(draw, op, data)
    return data


def _mutate(draw: st.DrawFn, op: str, data: bytes) -> bytes:
    n = len(data)
    at = draw(st.integers(0, n))
    if op == "flip" and n:
        i = min(at, n - 1)
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1:]
    if op == "delete":
        return data[:at] + data[at + draw(st.integers(1, 200)):]
    if op == "insert":
        return data[:at] + draw(st.sampled_from(INSERTS) | st.binary(max_size=20)) + data[at:]
    if op == "duplicate":
        return data[:at] + data[at:at + draw(st.integers(1, 400))] * 3 + data[at:]
    if op == "truncate":
        return data[:at]
    if op == "encode":
        return _reencode(data, draw(st.sampled_from(["utf-16", "utf-16-be", "latin-1",
                                                      "utf-8-sig", "utf-32", "cp1252"])))
    if op == "newlines":
        return data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r", b"\n\r"])))
    if op == "nul":
        return data[:at] + b"\x00" * draw(st.integers(1, 8)) + data[at:]
    if op == "huge":  # a long line; 20 MB ones are in test_limits
        return data[:at] + b"x" * draw(st.integers(1_000, 6_000)) + data[at:]
    return data


def _reencode(data: bytes, encoding: str) -> bytes:
    text = data.decode("utf-8", errors="replace")
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding, errors="replace")


@st.composite
def mutated_seed(draw: st.DrawFn, seeds: list[Seed]) -> tuple[Seed, bytes]:
    seed = draw(st.sampled_from(seeds))
    return seed, draw(mutated(seed.data))


def _site_with(seed: Seed, data: bytes, root: Path) -> Path:
    config = seed.site / "_config.yml"
    (root / "_config.yml").write_bytes(config.read_bytes()[:SEED_BYTES]
                                       if config.is_file() else b"title: x\n")
    target = root / seed.rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def _assert_clean(diagnostics: Iterable[Diagnostic]) -> None:
    for diag in diagnostics:
        assert diag.code.startswith("SM") and diag.code != "SM900"
        assert diag.file is None or not Path(diag.file).is_absolute()
        assert diag.line is None or diag.line >= 1


@requires_corpus
@pytest.mark.parametrize("kind", sorted(source_kinds()))
@FEW
@given(case=mutated_seed(SEEDS))
def test_reader_survives_mutated_corpus_file_in_a_site(kind: str,
                                                       case: tuple[Seed, bytes]) -> None:
    seed, data = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _site_with(seed, data, root)
        get_reader(kind).detect(root)
        try:
            model = read_site(root, kind)  # reading and normalizing
        except SourceError as exc:  # nothing a `kind` reader understands: a clean exit 2
            assert "holds nothing" in str(exc)
            return
        _assert_clean(model.diagnostics)
        for target in target_themes():
            _assert_clean(plan_migration(model, target, root / "out").diagnostics)


@requires_corpus
@pytest.mark.parametrize("kind", sorted(kind for kind in source_kinds()))
@FEW
@given(case=mutated_seed(SEEDS))
def test_reader_survives_mutated_corpus_file_alone(kind: str, case: tuple[Seed, bytes]) -> None:
    reader = get_reader(kind)
    if not reader.reads_pages:
        return
    seed, data = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        page = root / Path(seed.rel).name
        page.write_bytes(data)
        reader.detect(page)
        ctx = ReadContext(root, Diagnostics())
        assert reader.read(page, ctx) is not None
        _assert_clean(ctx.diagnostics)


@requires_corpus
@given(case=mutated_seed(BIB_SEEDS or SEEDS))
def test_parse_bibtex_survives_mutated_corpus_bib(case: tuple[Seed, bytes]) -> None:
    seed, data = case
    diagnostics = Diagnostics()
    entries = parse_bibtex(decode(data).text, seed.rel, diagnostics)
    assert all(entry.key for entry in entries)
    for diag in diagnostics:
        assert diag.file == seed.rel and (diag.line is None or diag.line >= 1)


@requires_corpus
@given(case=mutated_seed(LOOP_PAGES or SEEDS))
def test_parse_template_survives_mutated_corpus_page(case: tuple[Seed, bytes]) -> None:
    seed, data = case
    text = decode(data).text
    diagnostics = Diagnostics()
    doc = parse_template(split_front_matter(text).body, seed.rel, diagnostics)
    assert doc is not None
    lines = text.count("\n") + 1
    for diag in diagnostics:
        assert diag.code == "SM105"
        assert diag.line is None or 1 <= diag.line <= lines


@requires_corpus
def test_the_seed_pool_covers_every_kind_of_input() -> None:
    rels = [s.rel for s in SEEDS]
    for suffix in (".bib", ".yml", ".json", ".tsv", ".md", ".html"):
        assert any(r.endswith(suffix) for r in rels), suffix
    assert any(r.endswith("publist.yml") for r in rels)
    assert any(r.startswith("_publications/") for r in rels)
    assert LOOP_PAGES


DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")


def _corpus_data_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower()
                  in DATA_SUFFIXES and p.name != "SOURCES.tsv")


@requires_corpus
def test_every_corpus_data_file_goes_through_the_loaders_without_a_crash() -> None:
    """test_corpus covers page-like files; this covers .yml/.yaml/.json/.csv/.tsv data: each
    through ``ReadContext.load_yaml_file`` (YAML) and the custom reader's ``_data`` loader."""
    from sitemigrate.themes.custom.data import load_data

    files = _corpus_data_files()
    assert len(files) > 100
    assert {p.suffix.lower() for p in files} >= {".yml", ".json", ".tsv"}
    loaded = 0
    for path in files:
        if path.suffix.lower() in (".yml", ".yaml"):
            ctx = ReadContext(path.parent, Diagnostics())
            loaded += ctx.load_yaml_file(path) is not None
            _assert_clean(ctx.diagnostics)
    assert loaded > 0.9 * sum(p.suffix.lower() in (".yml", ".yaml") for p in files)
    data_folders = sorted({p.parent for p in files if p.parent.name == "_data"})
    assert data_folders
    for folder in data_folders:
        ctx = ReadContext(folder.parent, Diagnostics())
        tree = load_data(folder, ctx)
        assert tree.files, folder
        _assert_clean(ctx.diagnostics)
        for diag in ctx.diagnostics:
            assert diag.file is not None and diag.file.startswith("_data/")
