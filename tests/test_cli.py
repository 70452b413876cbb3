"""The CLI contract: every command has help, errors are clean, exit codes mean something."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitemigrate.cli import COMMANDS, cli
from tests.conftest import SAMPLES


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_every_command_has_help(runner: CliRunner) -> None:
    names = cli.list_commands(None)  # type: ignore[arg-type]
    assert {"themes", "inspect", "export", "migrate", "validate"} <= set(names)
    for name in names:
        assert name in COMMANDS
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and (command.help or "").strip(), f"{name} has no help"


def test_themes_json_lists_readers_and_writers(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["themes", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    readers = {r["name"] for r in data["readers"]}
    writers = {w["name"] for w in data["writers"]}
    assert {"academicpages", "al-folio", "allanlab", "custom", "plain"} <= readers
    assert {"academicpages", "al-folio", "allanlab"} <= writers


def test_missing_path_is_usage_error(runner: CliRunner, tmp_path) -> None:
    result = runner.invoke(cli, ["export", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unknown_target_is_usage_error(runner: CliRunner, tmp_path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# Research\n\nSome text.\n")
    result = runner.invoke(cli, ["migrate", str(page), "--to", "nowhere", "-o",
                                 str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "unknown target theme" in result.output
    assert not (tmp_path / "out").exists()


def test_validate_rejects_bad_model(runner: CliRunner, tmp_path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text('{"schema_version": "1.0", "publications": [{"title": 3}]}')
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2


def test_validate_names_line_of_broken_json(runner: CliRunner, tmp_path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text('{\n  "schema_version": "1.0",\n  oops\n}')
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "m.json:3" in result.output


def _explode(*args, **kwargs):
    raise RuntimeError("kaboom")


@pytest.mark.parametrize("stage, message", [("read", "plain reader failed"),
                                            ("normalize", "normalizing what was read failed")])
def test_crash_while_reading_is_a_clean_error_and_writes_nothing(
        runner: CliRunner, tmp_path, monkeypatch, stage: str, message: str) -> None:
    import sitemigrate.pipeline
    from sitemigrate.registry import get_reader

    page = tmp_path / "p.md"
    page.write_text("# Research\n\nSome text.\n")
    if stage == "read":
        monkeypatch.setattr(type(get_reader("plain")), "read", _explode)
    else:
        monkeypatch.setattr(sitemigrate.pipeline, "normalize", _explode)
    result = runner.invoke(cli, ["migrate", str(page), "--from", "plain", "--to", "al-folio",
                                 "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert message in result.output and "kaboom" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", ["academicpages", "al-folio", "allanlab"])
def test_link_that_is_no_valid_url_is_carried_not_fatal(runner: CliRunner, tmp_path,
                                                        target: str) -> None:
    """``https://[`` makes urlsplit raise ("Invalid IPv6 URL"); it is still only a link."""
    site = tmp_path / "site"
    (site / "_publications").mkdir(parents=True)
    (site / "_config.yml").write_text("title: T\nauthor:\n  name: A\n")
    (site / "_publications" / "2020-01-01-x.md").write_text(
        '---\ntitle: "X paper"\ncollection: publications\npaperurl: "https://[broken"\n'
        'venue: "J"\ndate: 2020-01-01\n---\n'
        "See [code](https://[x/10.1/abc) and https://openreview.net/forum?id=[x\n")
    exported = runner.invoke(cli, ["export", str(site), "--from", "academicpages"])
    assert exported.exit_code == 0, exported.output
    (pub,) = json.loads(exported.output)["publications"]
    assert "https://[broken" in pub["links"].values()
    out = tmp_path / "out"
    result = runner.invoke(cli, ["migrate", str(site), "--from", "academicpages",
                                 "--to", target, "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert any("https://[broken" in p.read_text() for p in out.rglob("*") if p.is_file())


# ------------------------------------------------------------- the console script's exit

_CONSOLE = ["-c", "import sys; from sitemigrate.cli import main; sys.argv[0] = 'sitemigrate'; "
            "main()"]


#: buffered standard streams, as a user's shell gives a piped command
_BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *_CONSOLE, *args], capture_output=True, text=True,
                          check=False, env=_BUFFERED)


def test_console_script_flushes_its_output_and_keeps_exit_codes(tmp_path: Path) -> None:
    """It ends with os._exit: what it printed must still all be there, and the code kept."""
    done = _console("export", str(SAMPLES / "bibtex" / "refs.bib"))
    assert done.returncode == 0, done.stderr
    assert {p["id"] for p in json.loads(done.stdout)["publications"]}
    lossy = _console("migrate", str(SAMPLES / "bibtex" / "refs.bib"), "--to", "al-folio",
                     "-o", str(tmp_path / "out"))
    assert lossy.returncode == 1
    assert "SM104" in lossy.stdout + lossy.stderr
    assert (tmp_path / "out" / "_bibliography" / "papers.bib").is_file()
    assert _console("export", str(tmp_path / "missing")).returncode == 2


def test_console_script_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`sitemigrate export one.bib | true`: the reader is gone before the one write, which
    the exit makes (less than a pipe's buffer was printed)."""
    small = tmp_path / "one.bib"
    small.write_text("@article{k, title = {T}, author = {A. B}, year = {2020}}\n")
    reader = subprocess.Popen([sys.executable, *_CONSOLE, "export", str(small)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_BUFFERED)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()
    assert reader.wait(60) == 0
    assert reader.stderr.read() == b""


def test_only_the_console_script_freezes_what_it_read() -> None:
    """The freeze happens where the outermost pause ends, and only in the console script."""
    code = ("import gc, sitemigrate.parsing.yamlio as y\n"
            "def build():\n"
            "    with y.collector_paused():\n"
            "        with y.collector_paused():\n"
            "            kept = [[i] for i in range(1000)]\n"
            "        inner = gc.get_freeze_count()\n"
            "    return kept, inner\n"
            "y.keep_what_is_built(); build(); library = gc.get_freeze_count()\n"
            "y.run_as_console_script(); y.keep_what_is_built(); _, inner = build()\n"
            "print(library, inner, gc.get_freeze_count() > 1000)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["0", "0", "True"]
