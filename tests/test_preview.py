"""preview: the command it runs, and what it says when Jekyll, a plugin or the theme is
missing (run without Ruby: the lookups are injected or PATH is emptied).  A real serve runs
with SITEMIGRATE_PREVIEW_JEKYLL=1, jekyll installed and
SITEMIGRATE_THEME_ACADEMICPAGES=<checkout>."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import sample_sources

from sitemigrate.cli import cli
from sitemigrate.parsing.yamlio import load_yaml
from sitemigrate.verify.preview import PreviewUnavailable, plan_preview


def _site(root: Path, config: str = "title: T\n", layouts: bool = True,
          gemfile: bool = False) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(config)
    if layouts:
        (root / "_layouts").mkdir()
        (root / "_layouts/default.html").write_text("{{ content }}\n")
    if gemfile:
        (root / "Gemfile").write_text("gem 'jekyll'\n")
    return root


def _which(*present: str):  # type: ignore[no-untyped-def]
    return lambda name: f"/usr/bin/{name}" if name in present else None


def test_bundle_exec_when_the_gemfile_gems_are_installed(tmp_path: Path) -> None:
    site = _site(tmp_path / "s", gemfile=True)
    plan = plan_preview(site, port=4321, destination=tmp_path / "d",
                        which=_which("bundle", "jekyll"), gems=lambda: set(),
                        bundle_ready=lambda bundle, where: True)
    assert plan.command(tmp_path / "o.yml") == [
        "/usr/bin/bundle", "exec", "jekyll", "serve", "--host", "127.0.0.1", "--port", "4321",
        "--destination", str(tmp_path / "d"), "--config", f"_config.yml,{tmp_path / 'o.yml'}"]
    assert load_yaml(plan.override or "").data == {"cache_dir": str(tmp_path / "jekyll-cache")}
    assert plan.cwd == site and plan.url == "http://127.0.0.1:4321/" and not plan.notes


def test_plain_jekyll_without_the_plugins_that_are_missing(tmp_path: Path) -> None:
    site = _site(tmp_path / "s", "baseurl: /lab\nplugins: [jekyll-feed, jemoji]\n",
                 gemfile=True)
    plan = plan_preview(site, port=4000, destination=tmp_path / "d",
                        which=_which("bundle", "jekyll"), gems=lambda: {"jekyll-feed"},
                        bundle_ready=lambda bundle, where: False)
    argv = plan.command(tmp_path / "plugins.yml")
    assert argv[:6] == ["/usr/bin/jekyll", "serve", "--host", "127.0.0.1", "--port", "4000"]
    assert argv[-2:] == ["--config", f"_config.yml,{tmp_path / 'plugins.yml'}"]
    assert load_yaml(plan.override or "").data == {
        "cache_dir": str(tmp_path / "jekyll-cache"), "plugins": ["jekyll-feed"]}
    assert plan.env == {"JEKYLL_NO_BUNDLER_REQUIRE": "true"}
    assert plan.url == "http://127.0.0.1:4000/lab/"
    assert any("bundle install" in n for n in plan.notes)
    assert any("jemoji" in n and "gem install jemoji" in n for n in plan.notes)


def test_a_plugin_the_theme_needs_is_named_with_how_to_install_it(tmp_path: Path) -> None:
    site = _site(tmp_path / "s", "plugins: [jekyll/scholar, jekyll-feed]\n")
    with pytest.raises(PreviewUnavailable, match="gem install jekyll-scholar"):
        plan_preview(site, port=4000, destination=tmp_path / "d", theme="al-folio",
                     which=_which("jekyll"), gems=lambda: {"jekyll-feed"})
    plan = plan_preview(site, port=4000, destination=tmp_path / "d", theme="al-folio",
                        which=_which("jekyll"), gems=lambda: {"jekyll-feed", "jekyll-scholar"})
    assert load_yaml(plan.override or "").data["plugins"] == ["jekyll/scholar", "jekyll-feed"]


def test_no_jekyll_says_which_command_and_how_to_install(tmp_path: Path) -> None:
    site = _site(tmp_path / "s", gemfile=True)
    with pytest.raises(PreviewUnavailable) as err:
        plan_preview(site, port=4000, destination=tmp_path / "d", which=_which())
    assert "`jekyll` is not on PATH, nor is `bundle`" in str(err.value)
    assert "apt-get install jekyll" in str(err.value)
    assert "bundle install" in str(err.value)


def _empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *tools: str) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        (bin_dir / tool).write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / tool).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


def test_cli_without_jekyll_exits_2_saying_what_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(tmp_path / "s")
    _empty_path(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["preview", str(site), "--theme", "academicpages"])
    assert result.exit_code == 2, result.output
    assert "jekyll is not installed" in result.output
    assert "sudo apt-get install jekyll" in result.output


def test_cli_on_an_overlay_says_where_to_get_the_theme(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sample = next(s for s in sample_sources() if s.name == "academicpages")
    from sitemigrate.pipeline import migrate

    migrate(sample, "academicpages", out)
    result = CliRunner().invoke(cli, ["preview", str(out)])
    assert result.exit_code == 2, result.output
    assert "has no _layouts/" in result.output
    assert "git clone https://github.com/academicpages/academicpages.github.io" in result.output
    assert "--onto THEME_DIR" in result.output


def test_cli_refuses_a_busy_port_and_a_folder_without_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(tmp_path / "s")
    _empty_path(tmp_path, monkeypatch, "jekyll")  # a stand-in; `gem` absent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = CliRunner().invoke(cli, ["preview", str(site), "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert f"port {port} on 127.0.0.1 is in use" in result.output
    dry = CliRunner().invoke(cli, ["preview", str(site), "--port", "4567", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "jekyll serve --host 127.0.0.1 --port 4567" in dry.output
    assert dry.output.rstrip().endswith("http://127.0.0.1:4567/")
    bare = CliRunner().invoke(cli, ["preview", str(tmp_path / "bin")])
    assert bare.exit_code == 2 and "no _config.yml" in bare.output


@pytest.mark.skipif(not os.environ.get("SITEMIGRATE_PREVIEW_JEKYLL")
                    or shutil.which("jekyll") is None
                    or not os.environ.get("SITEMIGRATE_THEME_ACADEMICPAGES"),
                    reason="needs SITEMIGRATE_PREVIEW_JEKYLL=1, jekyll and "
                           "SITEMIGRATE_THEME_ACADEMICPAGES=<checkout>")
def test_preview_serves_the_migrated_site(tmp_path: Path) -> None:
    from sitemigrate.pipeline import migrate

    out = tmp_path / "out"
    sample = next(s for s in sample_sources() if s.name == "academicpages")
    migrate(sample, "academicpages", out, onto=Path(os.environ["SITEMIGRATE_THEME_ACADEMICPAGES"]))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sitemigrate", "preview", str(out),
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        page = ""
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/publications/",
                                            timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(1)
        assert "Publications" in page, proc.stdout.read() if proc.poll() is not None else ""
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert not (out / ".jekyll-cache").exists() and not (out / "_site").exists()
    assert f"http://127.0.0.1:{port}/" in (proc.stdout.read() if proc.stdout else "")
