"""Hostile and broken input never crashes a reader, the normalizers or a writer: it ends in a
model and files, or a diagnostic.

The default run tries a small sample per reader; ``SITEMIGRATE_FUZZ=1`` runs 10,000
generated cases per reader (see README, "Fuzzing").
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitemigrate.parsing.front_matter import split_front_matter
from sitemigrate.parsing.text import decode
from sitemigrate.parsing.yamlio import YamlError, load_yaml
from sitemigrate.pipeline import SourceError, plan_migration, read_site
from sitemigrate.registry import get_reader, source_kinds, target_themes

SNIPPETS = [
    "---\n", "---\ntitle: x\n---\n", "title: [unclosed\n", "{% for p in site.data.pubs %}",
    "{% endfor %}", "{% if x %}", "{{ p.title }}", "@article{k,\n title={A {B}},\n",
    "author = {Last, First and Other, A.}", "}", "{", "\\\"{u}", "$\\delta$", "<details>",
    "<strong><a href='ttps://x'>T</a></strong>", "## 1 Section\n", "[1] A. Author. Title. 2020.\n",
    "- title: x\n  year: 2020\n", "&a [1, 2]\n*a\n", "\t", "\r\n", "\r", "\x00", "\ufeff",
    "layout: textlay\n", "<iframe src='https://img.shields.io/github/stars/o/r'>", "é", "云图",
    "a: &x [1]\nb: [*x, *x]\n", "[[[[[[[[[[", "{{{{{{{{", "%}", "@string{a = \"b\"}\n",
    "paperurl: https://[x\n", "url = {http://]/10.1/a}", "[pdf](https://[y/10.2/b)",
    "https://openreview.net/forum?id=[", "https://github.com/[/x", "doi: 10.", "arXiv:",
]

page_text = st.lists(st.sampled_from(SNIPPETS) | st.text(max_size=40), max_size=30).map("".join)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])


@st.composite
def page_bytes(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    text = draw(page_text)
    data = text.encode(draw(encodings), errors="replace")
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data)))]  # truncated
    return data


SUFFIXES = [".md", ".html", ".bib", ".tsv", ".markdown"]


@pytest.mark.parametrize("kind", sorted(source_kinds()))
@given(data=page_bytes(), suffix=st.sampled_from(SUFFIXES))
def test_reader_survives_any_single_page(kind: str, data: bytes, suffix: str,
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("page")
    page = folder / f"page{suffix}"
    page.write_bytes(data)
    get_reader(kind).detect(page)
    try:
        model = read_site(page, kind)  # reading and normalizing
    except SourceError as exc:  # a page the kind reads nothing from: a clean exit 2
        assert "holds nothing" in str(exc)
        return
    for diag in model.diagnostics:
        assert diag.file is None or not Path(diag.file).is_absolute()
    for target in target_themes():
        plan = plan_migration(model, target, folder / "out")
        assert "SM900" not in {d.code for d in plan.diagnostics}, (target, plan.diagnostics)


SITE_FILES = ["_config.yml", "_data/publications.yml", "_data/publist.yml",
              "_publications/2020-01-01-x.md", "_bibliography/papers.bib", "_projects/p.md",
              "_pages/research.md", "_pages/publications.md", "_data/navigation.yml",
              "markdown_generator/publications.tsv", "_data/socials.yml"]


@pytest.mark.parametrize("kind", sorted(source_kinds()))
@given(files=st.dictionaries(st.sampled_from(SITE_FILES), page_bytes(), max_size=6))
def test_reader_survives_any_site_folder(kind: str, files: dict[str, bytes],
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("site")
    (root / "_config.yml").write_text("title: x\n")
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    get_reader(kind).detect(root)
    try:
        model = read_site(root, kind)
    except SourceError as exc:  # a folder the kind reads nothing from: a clean exit 2
        assert "holds nothing" in str(exc)
        return
    for target in target_themes():
        plan = plan_migration(model, target, root / "out")
        assert "SM900" not in {d.code for d in plan.diagnostics}, (target, plan.diagnostics)


@given(st.binary(max_size=300))
def test_decode_never_fails_and_normalizes_newlines(data: bytes) -> None:
    text = decode(data).text
    assert "\r" not in text and "\x00" not in text


@given(page_text)
def test_front_matter_split_never_raises(text: str) -> None:
    fm = split_front_matter(text)
    assert isinstance(fm.meta, dict)
    if not text.startswith("---"):
        assert not fm.present and fm.body == text


@given(page_text)
def test_yaml_loads_or_reports_a_line(text: str) -> None:
    try:
        load_yaml(text)
    except YamlError as exc:
        assert exc.code.startswith("SM")


def test_yaml_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(YamlError) as err:
        load_yaml("\n".join(lines))
    assert err.value.code == "SM502"


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(YamlError) as err:
        load_yaml("[" * 5000 + "]" * 5000)
    assert err.value.code in ("SM505", "SM101")


def test_utf16_and_bom_decode() -> None:
    text = "---\ntitle: Ü\n---\nbody\r\n"
    for data in (text.encode("utf-16"), codecs.BOM_UTF8 + text.encode()):
        fm = split_front_matter(decode(data).text)
        assert fm.meta == {"title": "Ü"} and fm.body == "body\n"


# --- the command line: exit codes 0/1/2, never a traceback ---------------------------------

def _hostile_inputs(root: Path) -> list[Path]:
    cases = {
        "random.md": bytes(range(256)) * 4,
        "utf16.md": "---\ntitle: Ü\n---\n# Research\n".encode("utf-16"),
        "nul.bib": b"@article{k,\x00 title={T\x00}}\n",
        "bomb/_config.yml": ("a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
            f"b{i}: &b{i} [{', '.join(['*a' if i == 0 else f'*b{i - 1}'] * 9)}]\n"
            for i in range(9))).encode(),
        "binary/_config.yml": bytes(range(256)),
        "binary/_publications/2020-01-01-x.md": b"---\n\xff\xfe\x00: [\n---\n",
        "unbalanced/_config.yml": b"title: x\n",
        "unbalanced/index.md": b"---\ntitle: x\n---\n{% for p in site.data.x %}{{ p.title\n{% if",
        "unbalanced/_data/x.json": b'{"a": [1, 2' + b"[" * 5000,
        "empty/.keep": b"",
    }
    for rel, data in cases.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return sorted({root / rel.split("/")[0] for rel in cases}) + [root / "missing"]


def _commands(path: Path, out: Path) -> list[list[str]]:
    return [["inspect", str(path), "--json"],
            ["migrate", str(path), "--to", "al-folio", "-o", str(out / "a"), "--force"],
            ["migrate", str(path), "--from", "custom", "--to", "allanlab", "-o", str(out / "b"),
             "--force"]]


def test_cli_exits_0_1_or_2_on_hostile_input(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from sitemigrate.cli import cli

    monkeypatch.setenv("SITEMIGRATE_MAX_FILE_SIZE", "1MB")
    for path in _hostile_inputs(tmp_path / "in"):
        for args in _commands(path, tmp_path / "out"):
            result = CliRunner().invoke(cli, args)
            assert result.exit_code in (0, 1, 2), (args, result.output[-2000:])
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                (args, repr(result.exception))


def test_cli_subprocess_prints_no_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    src = Path(__file__).resolve().parent.parent / "src"
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "SITEMIGRATE_MAX_FILE_SIZE": "1MB"}
    inputs = _hostile_inputs(tmp_path / "in")
    for path in (tmp_path / "in" / "binary", tmp_path / "in" / "random.md"):
        assert path in inputs
        for args in _commands(path, tmp_path / "out")[:2]:
            proc = subprocess.run([sys.executable, "-m", "sitemigrate", *args],
                                  capture_output=True, text=True, env=env, timeout=120)
            assert proc.returncode in (0, 1, 2), (args, proc.stderr[-2000:])
            assert "Traceback" not in proc.stderr + proc.stdout, (args, proc.stderr[-2000:])
