"""The README stays true: its diagnostic table is CODES, its commands exist."""

from __future__ import annotations

import re

from conftest import ROOT

from sitemigrate.cli import COMMANDS
from sitemigrate.diagnostics import CODES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_diagnostic_code_is_documented() -> None:
    for code, (name, level, meaning) in CODES.items():
        row = f"| {code} | {name} | {level} | {meaning} |"
        assert row in README, f"README lacks the row: {row}"


def test_readme_documents_no_code_that_does_not_exist() -> None:
    documented = set(re.findall(r"^\| (SM\d{3}) \|", README, re.M))
    assert documented == set(CODES)


def test_every_command_is_in_the_cli_reference() -> None:
    for name in COMMANDS:
        assert f"`sitemigrate {name}" in README, name
