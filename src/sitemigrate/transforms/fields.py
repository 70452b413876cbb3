"""Per-field normalizers shared by every reader: dates, years, text, authors, links.

Readers call these instead of re-implementing the rules, so a date or an author list
means the same thing whichever theme it came from.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any
from urllib.parse import SplitResult, urlsplit

_ISO = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2}|21\d{2})(?!\d)")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})?\s*$")  # 202206, 20220614


def normalize_date(value: Any) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from the many ways sites write dates."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    return _normalize_date_text(str(value).strip())


@lru_cache(maxsize=16384)  # a site's records share few distinct dates
def _normalize_date_text(text: str) -> str | None:
    compact = _COMPACT.match(text)
    if compact:
        year, month, day = compact.groups()
        if 1 <= int(month) <= 12:
            return f"{year}-{month}" + (f"-{day}" if day else "")
    match = _ISO.match(text)
    if match:
        year, month, day = match.groups()
        if month and not 1 <= int(month) <= 12:
            return year
        if day and not 1 <= int(day) <= _days_in(int(year), int(month)):
            day = None
        parts = [year] + ([f"{int(month):02d}"] if month else [])
        if month and day:
            parts.append(f"{int(day):02d}")
        return "-".join(parts)
    return None


def _days_in(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 31


def date_problem(value: Any) -> str | None:
    """Why ``value`` is not a valid date (``None`` when it is one, or empty): not a date at
    all, or a month or day that does not exist (``2023-13-45``, ``2023-02-30``), which
    ``normalize_date`` shortens to what is valid."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    import datetime

    if isinstance(value, datetime.date | int):
        return None if normalize_date(value) else "not a date"
    text = str(value).strip()
    result = normalize_date(text)
    if result is None:
        return "not a date"
    match = _ISO.match(text)
    if match and match.group(2):
        year, month, day = match.groups()
        if not 1 <= int(month) <= 12:
            return f"month {month} does not exist; kept as {result}"
        if day and not 1 <= int(day) <= _days_in(int(year), int(month)):
            return f"day {day} does not exist in {year}-{int(month):02d}; kept as {result}"
    return None


def year_of(value: Any) -> int | None:
    """The year in a date, an int, or free text ("Nature, 2021"); ``None`` if there is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(value: Any) -> str:
    """Text with HTML tags removed, entities decoded and whitespace collapsed."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        text = _TAG.sub("", text)
    return collapse_space(html.unescape(text))


def collapse_space(text: str) -> str:
    """Runs of whitespace as one space, stripped (``\\s+`` -> " ")."""
    if "  " in text or not text.isprintable():  # else the only whitespace is single spaces
        text = _SPACE.sub(" ", text)
    return text.strip()


def as_bool(value: Any) -> bool:
    """YAML/BibTeX truthiness: true, yes, 1, "true", "{true}"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return str(value).strip().strip("{}").lower() in ("true", "yes", "1", "y")


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


_AND = re.compile(r"\s+and\s+", re.I)
_SEPARATORS = re.compile(r",\s*and\s+|,|;|\s+&\s+|\s+and\s+", re.I)
_LEADING_AND = re.compile(r"^(?:&|and)\s+")


def split_authors(value: Any) -> list[str]:
    """An author list from a list, a BibTeX ``A and B`` string or a comma-separated string.

    Names come back as display strings ("First Last"); BibTeX "Last, First" is turned
    round.  Markup (HTML tags, ``*``/``†`` marks) is left to the name transforms.
    """
    if value is None or value == "":
        return []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, dict):
                name = item.get("name") or " ".join(
                    str(item[k]) for k in ("given", "first", "family", "last") if item.get(k))
                if name:
                    out.append(str(name).strip())
            elif item is not None and str(item).strip():
                out.append(str(item).strip())
        return out
    text = collapse_space(str(value))
    has_and = "and" in text.lower()  # what _AND (and two of _SEPARATORS) need, in any case
    if has_and:
        and_parts = [p.strip() for p in _AND.split(text) if p.strip()]
    else:
        and_parts = [text] if text else []
    named = [p for p in and_parts if p.lower() != "others"]
    if len(and_parts) > 1 and named and all(p.count(",") in (1, 2) for p in named):
        return [_turn_round(p) for p in and_parts]  # BibTeX "Last, First and Last, First"
    if len(and_parts) == 1 and text.count(",") == 1 and " " not in text.split(",")[0].strip():
        return [_turn_round(text)]  # a lone "Last, First"
    semi = [p.strip() for p in text.split(";") if p.strip()]
    if len(semi) > 1 and all(p.count(",") == 1 for p in semi):
        return [_turn_round(p) for p in semi]  # "Guo, C.; Blair, G. J.; …"
    apa = _apa_pairs(text)
    if apa:
        return apa
    # without "and", "&" or ";" the one separator left is ","
    other_separators = has_and or "&" in text or ";" in text
    parts = _SEPARATORS.split(text) if other_separators else text.split(",")
    return [p.strip() for p in parts if p and p.strip()]


_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.(?:\s*-?\s*[A-Z][a-z]?\.)*)$")


def _apa_pairs(text: str) -> list[str] | None:
    """APA lists "Smith, J., Doe, J. A., & Lee, K." pair surnames with initials."""
    parts = [p.strip() for p in text.split(",")]
    parts = [_LEADING_AND.sub("", p) if p.startswith(("&", "and")) else p for p in parts]
    parts = [p for p in parts if p]
    if len(parts) < 4 or len(parts) % 2:
        return None
    surnames, initials = parts[0::2], parts[1::2]
    if not all(_INITIALS.match(i) for i in initials):
        return None
    if any(_INITIALS.match(s) for s in surnames):
        return None
    return [f"{i} {s}" for s, i in zip(surnames, initials, strict=True)]


def _turn_round(name: str) -> str:
    """"Last, First" -> "First Last"; "Last, Jr., First" -> "First Last Jr."."""
    pieces = [p.strip() for p in name.split(",")]
    if len(pieces) == 2 and pieces[1]:
        return f"{pieces[1]} {pieces[0]}".strip()
    if len(pieces) == 3 and pieces[2]:
        return f"{pieces[2]} {pieces[0]} {pieces[1]}".strip()
    return name.strip()


_URL_OK = re.compile(r"^(https?|ftp|mailto):", re.I)


def repair_url(url: str) -> tuple[str, bool]:
    """(url, repaired) — fixes only unambiguous slips such as ``ttps://`` or ``http//``."""
    text = url.strip()
    if _URL_OK.match(text) or text.startswith(("/", "#", ".")):
        return text, False
    for broken, fixed in (("ttps://", "https://"), ("ttp://", "http://"),
                          ("https//", "https://"), ("http//", "http://"),
                          ("htps://", "https://"), ("hhttps://", "https://")):
        if text.startswith(broken):
            return fixed + text[len(broken):], True
    if re.match(r"^www\.", text):
        return "https://" + text, True
    return text, False


def split_url(text: str) -> SplitResult | None:
    """``urlsplit(text)``, or ``None`` for text it refuses (``https://[x`` is no valid
    IPv6 host): a link in a site is data to carry, never a reason to stop."""
    try:
        return urlsplit(text)
    except ValueError:
        return None
