"""The README stays true: its diagnostic table is generated from CODES, its commands exist."""

from __future__ import annotations

import re

from conftest import ROOT

from sitemigrate.cli import COMMANDS
from sitemigrate.diagnostics import CODES, readme_table

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_diagnostics_table_is_the_generated_one() -> None:
    assert readme_table() in README, ("README's diagnostics table is stale: paste the output "
                                      "of `python -m sitemigrate.diagnostics`")


def test_readme_documents_no_code_that_does_not_exist() -> None:
    documented = set(re.findall(r"^\| (SM\d{3}) \|", README, re.M))
    assert documented == set(CODES)


def test_every_command_is_in_the_cli_reference() -> None:
    for name in COMMANDS:
        assert f"`sitemigrate {name}" in README, name
