"""Dates in every shape sites write them (issue 15): scalars, maps, CSL, month names."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from sitemigrate.pipeline import read_site
from sitemigrate.transforms.fields import normalize_date, year_month, year_of


@pytest.mark.parametrize("value,date", [
    ("2020-01-05", "2020-01-05"),
    (201611, "2016-11"),
    (datetime.date(2020, 1, 2), "2020-01-02"),
    ({"year": 2026, "month": "Apr", "mday": 13}, "2026-04-13"),
    ({"year": "2021", "month": 3, "day": 9}, "2021-03-09"),
    ({"year": 2021}, "2021"),
    ({"date-parts": [[2024, 3]]}, "2024-03"),
    ({"date-parts": [[2019, 12, 24], [2020, 1, 3]]}, "2019-12-24"),
    ({"raw": "2019-05"}, "2019-05"),
    ({"literal": "May 2018"}, "2018-05"),
    ([2020, 4, 13], "2020-04-13"),
    ("13 April 2026", "2026-04-13"),
    ("Apr. 13, 2026", "2026-04-13"),
    ("2026 Apr 13", "2026-04-13"),
    ("13 avril 2026", "2026-04-13"),
    ("13. März 2024", "2024-03-13"),
    ("abril de 2023", "2023-04"),
    ("dicembre 2019", "2019-12"),
    ("outubro 2020", "2020-10"),
    ("mei 2022", "2022-05"),
    ("2026年4月13日", "2026-04-13"),
    ("June 31, 2020", "2020-06"),  # no such day: the month is what is known
    ("Spring 2021", None),
    ({"season": "spring"}, None),
])
def test_normalize_date_shapes(value: Any, date: str | None) -> None:
    assert normalize_date(value) == date


def test_year_of_maps_and_month_names() -> None:
    assert year_of({"year": 2026, "month": "Apr", "mday": 13}) == 2026
    assert year_of({"date-parts": [[2024]]}) == 2024
    assert year_month(2021, "Sept") == "2021-09"
    assert year_month(2021, "Brumaire") == "2021"


def _site(root: Path, records: str) -> Path:
    (root / "_data").mkdir()
    (root / "_data" / "publications.yml").write_text(records, encoding="utf-8")
    (root / "_config.yml").write_text("title: Lab\n", encoding="utf-8")
    (root / "publications.md").write_text(
        "---\nlayout: default\n---\n{% for p in site.data.publications %}{{ p.title }}"
        "{% endfor %}\n", encoding="utf-8")
    return root


def test_custom_data_dates_in_every_key_and_shape(tmp_path: Path) -> None:
    records = """\
- title: Nested pubdate
  pubdate: {year: 2026, month: Apr, mday: 13}
- title: CSL issued
  issued: {date-parts: [[2019, 7]]}
- title: Published text
  published: 3 juillet 2018
- title: Year and month name
  year: 2017
  month: Oct
- title: Unreadable
  pubdate: sometime
"""
    model = read_site(_site(tmp_path, records), "custom")
    got = {p.title: (p.year, p.date) for p in model.publications}
    assert got == {"Nested pubdate": (2026, "2026-04-13"), "CSL issued": (2019, "2019-07"),
                   "Published text": (2018, "2018-07-03"),
                   "Year and month name": (2017, "2017-10"), "Unreadable": (None, None)}
    unreadable = next(p for p in model.publications if p.title == "Unreadable")
    assert unreadable.extra["pubdate"] == "sometime"  # kept, not dropped


def test_allanlab_publist_nested_date(tmp_path: Path) -> None:
    (tmp_path / "_data").mkdir()
    (tmp_path / "_config.yml").write_text("title: Lab\n", encoding="utf-8")
    (tmp_path / "_data" / "publist.yml").write_text(
        "- title: Widgets\n  authors: Ann Lee\n  pubdate: {year: 2025, month: 11, day: 2}\n"
        "  highlight: 0\n- title: Gadgets\n  authors: Bo Chen\n  year: 2024\n  month: May\n"
        "  highlight: 0\n", encoding="utf-8")
    first, second = read_site(tmp_path, "allanlab").publications
    assert (first.year, first.date) == (2025, "2025-11-02")
    assert (second.year, second.date) == (2024, "2024-05")
