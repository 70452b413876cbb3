"""Resource limits: alias bombs, oversized files, huge lines, deep nesting, symlink loops and
very large BibTeX files end in bounded time and memory with a diagnostic, never a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitemigrate.cli import cli
from sitemigrate.common.reader import ReadContext
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.parsing.text import parse_size
from sitemigrate.parsing.yamlio import YamlError, load_yaml
from sitemigrate.registry import get_reader, source_kinds

SRC = Path(__file__).resolve().parent.parent / "src"


def alias_bomb(levels: int = 9) -> str:
    """The billion-laughs document: 9**levels strings once every alias is expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


#: every place a reader loads YAML from: config, data files, front matter
BOMB_FILES = ["_config.yml", "_data/publist.yml", "_data/pubs.yml", "_data/socials.yml",
              "_data/navigation.yml", "_data/team.yml", "_data/news.yml", "_data/projects.yml"]


def _bomb_site(root: Path) -> Path:
    for rel in BOMB_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(alias_bomb())
    page = "---\n" + alias_bomb() + "layout: textlay\ntitle: T\n---\nbody\n"
    for rel in ("_publications/2020-01-01-p.md", "_pages/publications.md", "_projects/p.md",
                "_pages/research.md", "index.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(page)
    (root / "_bibliography").mkdir()
    (root / "_bibliography" / "papers.bib").write_text("---\n---\n@article{k, title={T}}\n")
    return root


@pytest.mark.parametrize("kind", sorted(source_kinds()))
def test_alias_bombs_in_every_yaml_file_are_refused_by_every_reader(kind: str,
                                                                    tmp_path: Path) -> None:
    root = _bomb_site(tmp_path)
    reader = get_reader(kind)
    reader.detect(root)
    ctx = ReadContext(root, Diagnostics())
    model = reader.read(root, ctx)
    assert model is not None
    bombs = {d.file for d in ctx.diagnostics if d.code == "SM502"}
    if kind in ("academicpages", "al-folio", "allanlab", "custom"):
        assert "_config.yml" in bombs
    for diag in ctx.diagnostics:
        if diag.code == "SM502":
            assert diag.line is not None and diag.line >= 1


def test_alias_bomb_in_front_matter_names_the_file_line() -> None:
    from sitemigrate.parsing.front_matter import split_front_matter

    fm = split_front_matter("---\n" + alias_bomb() + "---\nbody\n")
    assert fm.error is not None and fm.error.code == "SM502"
    assert fm.error.line is not None and 2 <= fm.error.line <= 12
    assert fm.body == "body\n"


def test_moderate_aliases_still_load() -> None:
    data = load_yaml(alias_bomb(levels=3)).data
    assert len(data["a3"]) == 9 and data["a3"][0][0][0][0] == "lol"


def test_python_tags_construct_nothing() -> None:
    for text in ("!!python/object/apply:os.system ['touch /tmp/sitemigrate-pwned']",
                 "x: !!python/object:builtins.dict {}",
                 "x: !!python/name:os.system"):
        with pytest.raises(YamlError) as err:
            load_yaml(text)
        assert err.value.code == "SM101"
    assert not Path("/tmp/sitemigrate-pwned").exists()


def test_deep_yaml_in_a_data_file_is_refused_with_its_line(tmp_path: Path) -> None:
    data = tmp_path / "_data" / "deep.yml"
    data.parent.mkdir()
    data.write_text("x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)) + "  v\n")
    ctx = ReadContext(tmp_path, Diagnostics())
    assert ctx.load_yaml_file(data) is None
    [diag] = list(ctx.diagnostics)
    assert diag.code in ("SM505", "SM101") and diag.file == "_data/deep.yml" and diag.line


@pytest.mark.parametrize("kind", sorted(source_kinds()))
def test_deep_json_data_is_bounded(kind: str, tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: x\n")
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "_data" / "deep2.json").write_text('{"a":' * 900 + "1" + "}" * 900)
    (tmp_path / "_data" / "ok.json").write_text(json.dumps([{"title": "Fine", "year": 2020}]))
    (tmp_path / "pubs.md").write_text("{% for p in site.data.deep2 %}{{ p.a.a.a }}{% endfor %}\n")
    reader = get_reader(kind)
    reader.detect(tmp_path)
    ctx = ReadContext(tmp_path, Diagnostics())
    assert reader.read(tmp_path, ctx) is not None
    for diag in ctx.diagnostics:
        if diag.file == "_data/deep.json":
            assert diag.code in ("SM102", "SM505")


def test_size_limit_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The option is passed on to batch workers through the environment: setenv makes
    # monkeypatch restore it afterwards (delenv of an absent variable would record nothing).
    monkeypatch.setenv("SITEMIGRATE_MAX_FILE_SIZE", "50MB")
    site = tmp_path / "site"
    (site / "_publications").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Lab\n")
    (site / "_publications" / "2020-01-01-small.md").write_text(
        "---\ntitle: Small\ncollection: publications\nvenue: J\ndate: 2020-01-01\n---\n")
    (site / "_publications" / "2020-01-01-big.md").write_text(
        "---\ntitle: Big\ncollection: publications\ndate: 2020-01-01\n---\n" + "x" * 4000)
    args = ["inspect", str(site), "--from", "academicpages", "--json"]
    for runner_args, env in ((["--max-file-size", "2KB", *args], {}),
                             (args, {"SITEMIGRATE_MAX_FILE_SIZE": "2048"})):
        result = CliRunner().invoke(cli, runner_args, env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        report = json.loads(result.output)
        too_big = [d for d in report["diagnostics"] if d["code"] == "SM501"]
        assert [d["file"] for d in too_big] == ["_publications/2020-01-01-big.md"]
        assert report["counts"]["publications"] == 1
    result = CliRunner().invoke(cli, ["--max-file-size", "lots", *args])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_size_parsing() -> None:
    assert parse_size("50MB") == 50 * 1024**2 and parse_size("500kb") == 500 * 1024
    assert parse_size("12") == 12
    with pytest.raises(ValueError):
        parse_size("-1MB")


@pytest.mark.parametrize("kind", sorted(source_kinds()))
def test_symlink_loops_terminate(kind: str, tmp_path: Path) -> None:
    root = tmp_path / "site"
    for folder in ("_publications", "_pages", "_data", "_bibliography", "_projects", "_posts"):
        (root / folder).mkdir(parents=True)
        os.symlink(root, root / folder / "loop")
        os.symlink(root / folder, root / folder / "self")
    (root / "_config.yml").write_text("title: x\n")
    os.symlink(root / "a-link", root / "b-link")
    os.symlink(root / "b-link", root / "a-link")  # a dangling cycle of file links
    os.symlink(root / "_config.yml", root / "_data" / "config.yml")
    reader = get_reader(kind)
    reader.detect(root)
    assert reader.read(root, ReadContext(root, Diagnostics())) is not None


def _run_limited(script: str, timeout: float) -> tuple[dict[str, float], str]:
    """Run ``script`` in a fresh interpreter; its last stdout line is JSON figures."""
    code = textwrap.dedent(script)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(SRC),
                                               "SITEMIGRATE_MAX_FILE_SIZE": "50MB"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


MEASURE = """
import json, resource, sys, time
from pathlib import Path
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.common.reader import ReadContext
from sitemigrate.registry import get_reader
def measure(kind, path, root):
    start = time.perf_counter()
    ctx = ReadContext(Path(root), Diagnostics())
    model = get_reader(kind).read(Path(path), ctx)
    figures = {"seconds": time.perf_counter() - start,
               "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "publications": len(model.publications),
               "codes": sorted({d.code for d in ctx.diagnostics})}
    print(json.dumps(figures))
"""


UMLAUT = '{\\"u}'


def test_many_bibtex_entries_in_bounded_memory(tmp_path: Path) -> None:
    """3,000 entries here; 100,000 were measured by hand (see the security report)."""
    bib = tmp_path / "papers.bib"
    entries = (f"@article{{key{i},\n  title = {{Paper number {i} on {{T}}opic}},\n"
               f"  author = {{Last{i}, First and Other, A. and M{UMLAUT}ller, B.}},\n"
               f"  journal = {{J}}, year = {{{2000 + i % 25}}}, doi = {{10.1/{i}}}\n}}\n"
               for i in range(3_000))
    bib.write_text("".join(entries))
    figures, _ = _run_limited(MEASURE + f"measure('bibtex', {str(bib)!r}, {str(tmp_path)!r})",
                              timeout=300)
    assert figures["publications"] == 3_000
    assert figures["rss_mb"] < 600


HUGE_FILES = ["_pages/research.md", "_bibliography/papers.bib", "_data/publist.yml",
              "_publications/2020-01-01-x.md", "publications.tsv"]


def _huge_line_site(root: Path, megabytes: int) -> Path:
    line = "a{% for p in x %}{{ p }} {" * (megabytes * 1024 * 1024 // 26)
    (root / "_config.yml").parent.mkdir(parents=True)
    (root / "_config.yml").write_text("title: x\n")
    for rel in HUGE_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        head = "---\ntitle: Huge\nlayout: textlay\n---\n" if rel.endswith(".md") else ""
        (root / rel).write_text(head + line + "\n")
    return root


#: 20 MB lines take minutes on 2 cores: the default run uses 2 MB ones.
HUGE_MB = 20 if os.environ.get("SITEMIGRATE_FUZZ") == "1" else 2


def test_a_20mb_single_line_is_handled_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Every reader on a site of five one-line files."""
    root = _huge_line_site(tmp_path / "site", HUGE_MB)
    kinds = sorted(source_kinds())
    rows = [_run_limited(MEASURE + f"measure({kind!r}, {str(root)!r}, {str(root)!r})",
                         timeout=240)[0] for kind in kinds]
    assert max(r["rss_mb"] for r in rows) < 1500


def test_custom_reader_does_not_hang_on_a_long_line(tmp_path: Path) -> None:
    """A hang guard, not a speed test: a quadratic scan of 2 MB would take hours."""
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: T\n---\n" + "x" * 2_000_000 + "\n")
    _run_limited(MEASURE + f"measure('custom', {str(page)!r}, {str(tmp_path)!r})", timeout=240)


DEEP_YAML = {"flow": "a: " + "[" * 5000 + "]" * 5000 + "\n",
             "block": "".join("  " * i + f"k{i}:\n" for i in range(3000)) + "  " * 3000 + "v\n",
             "list": "".join("  " * i + "- \n" for i in range(3000)) + "  " * 3000 + "- v\n"}


@pytest.mark.parametrize("kind", sorted(source_kinds()))
@pytest.mark.parametrize("shape", sorted(DEEP_YAML))
def test_deep_yaml_in_every_data_file_is_refused_by_every_reader(kind: str, shape: str,
                                                                 tmp_path: Path) -> None:
    for rel in BOMB_FILES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(DEEP_YAML[shape])
    (tmp_path / "_pages").mkdir()
    (tmp_path / "_pages" / "research.md").write_text(f"---\n{DEEP_YAML[shape]}---\n# R\n")
    reader = get_reader(kind)
    reader.detect(tmp_path)
    ctx = ReadContext(tmp_path, Diagnostics())
    try:
        assert reader.read(tmp_path, ctx) is not None
    except RecursionError:
        raise AssertionError("RecursionError") from None
    refused = {d.file for d in ctx.diagnostics if d.code in ("SM505", "SM101")}
    if kind in ("academicpages", "al-folio", "allanlab", "custom"):
        assert "_config.yml" in refused


@pytest.mark.parametrize("target", ["academicpages", "al-folio", "allanlab"])
@pytest.mark.parametrize(("existing", "code"), [(DEEP_YAML["flow"], "SM505"),
                                                ("title: [unclosed\n", "SM101")],
                         ids=["deep", "unclosed"])
def test_an_existing_config_that_does_not_load_is_reported_and_replaced(
        target: str, existing: str, code: str, tmp_path: Path) -> None:
    """One policy for every target; a deep one is refused before ruamel.yaml parses it."""
    from sitemigrate.pipeline import migrate

    site = tmp_path / "site"
    (site / "_publications").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Lab\n")
    (site / "_publications" / "2020-01-01-p.md").write_text(
        "---\ntitle: P\ncollection: publications\ndate: 2020-01-01\n---\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "_config.yml").write_text(existing)
    try:
        plan = migrate(site, target, out, kind="academicpages", dry_run=True)
    except RecursionError:  # re-raised short: a 1000-frame traceback takes pytest seconds
        raise AssertionError("RecursionError") from None
    refused = [d for d in plan.diagnostics if d.file == "_config.yml" and d.code == code]
    assert len(refused) == 1 and "written afresh" in refused[0].message
    assert b"title: Lab" in plan.files.get("_config.yml")


def _bib(entries: int) -> str:
    return "".join(f"@article{{k{i}, title={{Paper {i}}}, author={{Doe, Jane}}, year={{2020}},"
                   f" abstract={{{'An abstract. ' * 20}}}}}\n" for i in range(entries))


def test_a_bibliography_has_a_limit_of_its_own(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A page limit small enough to refuse a page still admits a bibliography."""
    monkeypatch.setenv("SITEMIGRATE_MAX_FILE_SIZE", "50MB")
    monkeypatch.setenv("SITEMIGRATE_MAX_BIB_SIZE", "512MB")
    bib = tmp_path / "refs.bib"
    bib.write_text(_bib(40))  # ~12 kB
    result = CliRunner().invoke(cli, ["--max-file-size", "4KB", "migrate", str(bib), "--to",
                                      "academicpages", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out" / "_publications").iterdir())) == 40
    result = CliRunner().invoke(cli, ["--max-bib-size", "4KB", "export", str(bib)])
    assert '"code": "SM501"' in result.output and "--max-bib-size" in result.output
    assert '"publications": []' in result.output


@pytest.mark.parametrize("big", ["refs.bib", "page"])
def test_a_refused_input_writes_no_output_folder(big: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEMIGRATE_MAX_FILE_SIZE", "50MB")
    monkeypatch.setenv("SITEMIGRATE_MAX_BIB_SIZE", "512MB")
    if big == "refs.bib":
        src = tmp_path / "refs.bib"
        src.write_text(_bib(40))
        limit = ["--max-bib-size", "4KB"]
    else:
        src = tmp_path / "site"
        (src / "_publications").mkdir(parents=True)
        (src / "_config.yml").write_text("title: Lab\n")
        (src / "_publications" / "2020-01-01-big.md").write_text(
            "---\ntitle: Big\ncollection: publications\ndate: 2020-01-01\n---\n" + "x" * 8000)
        limit = ["--max-file-size", "4KB"]
    out = tmp_path / "out"
    for target in ("academicpages", "al-folio"):
        result = CliRunner().invoke(cli, [*limit, "migrate", str(src), "--to", target,
                                          "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert "nothing was written" in result.output
        assert not out.exists()  # not even the _config.yml of a half-made site
    out.mkdir()
    (out / "mine.md").write_text("kept")
    result = CliRunner().invoke(cli, [*limit, "migrate", str(src), "--to", "academicpages",
                                      "-o", str(out), "--force"])
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["mine.md"]


def test_a_name_the_file_system_refuses_names_no_existing_file(tmp_path: Path) -> None:
    """A carried page can include a file with any name; looking it up in the output folder
    must not crash the writer (the corpus fuzz test found ENAMETOOLONG)."""
    from sitemigrate.common.writer import WriteContext

    assert WriteContext.from_folder(tmp_path).existing("_includes/" + "x" * 5000) is None
