"""Every command's --help shows a real example (a `sitemigrate <command>` line using only
options the command has); `themes` says where to get each theme it writes."""

from __future__ import annotations

import json
import re
import shlex

import click
import pytest
from click.testing import CliRunner

from sitemigrate.cli import COMMANDS, cli
from sitemigrate.registry import THEMES, target_themes


def _options(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_an_example_with_real_options(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    example = re.search(r"Example:\n\s+(sitemigrate .+)", result.output)
    assert example, result.output
    words = shlex.split(example.group(1))
    assert words[1] == name
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    used = {w for w in words[2:] if w.startswith("-")}
    assert used <= _options(command), used - _options(command)
    positional = [p for p in command.params if isinstance(p, click.Argument) and p.required]
    assert len([w for w in words[2:] if not w.startswith("-")]) >= len(positional)


def test_themes_says_where_to_get_each_target() -> None:
    text = CliRunner().invoke(cli, ["themes"]).output
    data = json.loads(CliRunner().invoke(cli, ["themes", "--json"]).output)
    homes = {w["name"]: w["home"] for w in data["writers"]}
    assert set(homes) == set(target_themes())
    assert homes == {"academicpages": "https://github.com/academicpages/academicpages.github.io",
                     "al-folio": "https://github.com/alshedivat/al-folio",
                     "al-folio@0.x": "https://github.com/alshedivat/al-folio",
                     "allanlab": "https://github.com/mpa139/allanlab",
                     "quarto": "https://quarto.org/docs/get-started/",
                     "hugoblox": "https://github.com/HugoBlox/hugo-blox-builder"}
    versions = {w["name"]: w["version"] for w in data["writers"]}
    assert versions["al-folio"] == "1" and versions["al-folio@0.x"] == "0.x"
    assert versions["academicpages"] is None
    for home in homes.values():  # a theme checkout is cloned, Quarto is installed
        assert (f"git clone {home}" if "github.com" in home else f"get it: {home}") in text
    assert all("home" in r for r in data["readers"])
    assert {row.name for row in THEMES if row.home} == set(homes)


def test_top_level_help_shows_the_one_line_migration() -> None:
    output = CliRunner().invoke(cli, ["--help"]).output
    assert re.search(r"Example.*:\n\s+sitemigrate migrate \S+ --to \S+ -o \S+ --onto \S+", output)
