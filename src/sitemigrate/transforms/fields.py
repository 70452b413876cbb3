"""Per-field normalizers shared by every reader: dates, years, text, authors, links.

Readers call these instead of re-implementing the rules, so a date or an author list
means the same thing whichever theme it came from.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import html
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

_ISO = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2}|21\d{2})(?!\d)")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})?\s*$")  # 202206, 20220614


def normalize_date(value: Any) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from the many ways sites write dates: ISO
    text, YAML dates, month names in several languages ("13 avril 2026", "Apr 13, 2026"),
    maps (``{year, month, day}``, ``mday``) and CSL dates (``{date-parts: [[2026, 4, 13]]}``,
    ``raw``, ``literal``)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, dict):
        return _date_from_map(value)
    if isinstance(value, list | tuple):
        return _date_from_parts(value)
    if isinstance(value, _dt.date):
        return value.isoformat()[:10]
    return _normalize_date_text(str(value).strip())


def _date_from_parts(parts: Any) -> str | None:
    """CSL ``date-parts``: ``[[2026, 4, 13]]`` (the first date of a range) or ``[2026, 4]``."""
    if parts and isinstance(parts[0], list | tuple):
        parts = parts[0]
    numbers = [as_int(p) if not isinstance(p, str) or p.strip().isdigit() else _month(p)
               for p in list(parts)[:3]]
    return _build(*(numbers + [None, None, None])[:3])


def _date_from_map(value: dict[Any, Any]) -> str | None:
    lowered = {str(k).lower().replace("_", "-"): v for k, v in value.items()}
    if lowered.get("date-parts"):
        return _date_from_parts(lowered["date-parts"])
    year = as_int(lowered.get("year"))
    if year is None:
        for key in ("raw", "literal", "date", "iso", "value"):
            if lowered.get(key) not in (None, ""):
                return normalize_date(lowered[key])
        return None
    month_value = lowered.get("month")
    month = as_int(month_value) if not isinstance(month_value, str) or \
        month_value.strip().isdigit() else _month(month_value)
    day = next((as_int(lowered[k]) for k in ("day", "mday", "date") if lowered.get(k)), None)
    return _build(year, month, day)


def _build(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or not 1000 <= year <= 9999:
        return None
    if month is None or not 1 <= month <= 12:
        return str(year)
    if day is None or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day:02d}"


#: month names and abbreviations (accents folded) in English, French, German, Spanish,
#: Italian, Portuguese and Dutch
_MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate((
        "january jan janvier janv januar jan jaen enero ene gennaio gen janeiro januari",
        "february feb fevrier fevr fev februar febrero febbraio fevereiro februari",
        "march mar mars marz maerz marzo marco maart mrt",
        "april apr avril avr abril abr aprile",
        "may mai mayo maggio mag maio mei",
        "june jun juin juni junio giugno giu junho",
        "july jul juillet juil juli julio luglio lug julho",
        "august aug aout august agosto ago augustus",
        "september sep sept septembre septiembre setiembre settembre set setembro",
        "october oct octobre oktober okt octubre ottobre ott outubro out",
        "november nov novembre noviembre novembro",
        "december dec decembre dezember dez diciembre dic dicembre dezembro"), 1):
    for _name in _names.split():
        _MONTH_NAMES.setdefault(_name, _number)
_WORD = re.compile(r"[^\W\d_]+|\d+")
_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")


def _fold_word(word: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _month(value: Any) -> int | None:
    return _MONTH_NAMES.get(_fold_word(str(value).strip().rstrip(".")))


def _named_date(text: str) -> str | None:
    """A date written with a month name: "13 April 2026", "Apr. 13, 2026", "13. März 2024",
    "abril de 2023", "2026 Apr 13"; or "2026年4月13日"."""
    cjk = _CJK_DATE.search(text)
    if cjk:
        return _build(*(int(g) if g else None for g in cjk.groups()))
    tokens = _WORD.findall(text)
    months = [(i, _MONTH_NAMES[_fold_word(t)]) for i, t in enumerate(tokens)
              if not t.isdigit() and _fold_word(t) in _MONTH_NAMES]
    years = [i for i, t in enumerate(tokens) if t.isdigit() and len(t) == 4]
    if not months or not years:
        return None
    index, month = months[0]
    year_index = years[0]
    day = None
    for near in (index - 1, index + 1):
        if 0 <= near < len(tokens) and near != year_index and tokens[near].isdigit() and \
                len(tokens[near]) <= 2:
            day = int(tokens[near])
            break
    return _build(int(tokens[year_index]), month, day)


@lru_cache(maxsize=16384)  # a site's records share few distinct dates
def _normalize_date_text(text: str) -> str | None:
    compact = _COMPACT.match(text)
    if compact:
        year, month, day = compact.groups()
        if 1 <= int(month) <= 12:
            return f"{year}-{month}" + (f"-{day}" if day else "")
    match = _ISO.match(text)
    if match and not match.group(2) and text[4:].strip(" ,.") and \
            (named := _named_date(text)):
        return named  # "2026 Apr 13"
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
    return _named_date(text)


#: keys a record's date is read from, first found wins (``year``/``month`` are separate)
DATE_KEYS = ("date", "pubdate", "pub_date", "published", "issued", "publication_date",
             "date_published", "published_date")


def date_key(meta: dict[str, Any]) -> str | None:
    """The first of ``DATE_KEYS`` that ``meta`` holds a value under."""
    return next((k for k in DATE_KEYS if meta.get(k) not in (None, "")), None)


def year_month(year: Any, month: Any) -> str | None:
    """``YYYY`` or ``YYYY-MM`` from separate ``year`` and ``month`` values (month as a
    number or a name in any of the languages ``normalize_date`` knows)."""
    return normalize_date({"year": year, "month": month}) if year_of(year) else None


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
    """The year in a date, an int, or free text ("Nature, 2021"); ``None`` if there is none.
    Maps and CSL dates give the year of their date."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict | list | tuple):
        date = normalize_date(value)
        return int(date[:4]) if date else None
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


def text_or_none(value: Any) -> str | None:
    """A value as stripped text; ``None`` for ``None`` or blank text.  Any other value (a
    number, a map written where text was expected) is kept as its ``str``: never dropped."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def misses_a_title(text: str, titles: Iterable[str | None]) -> bool:
    """Whether ``text`` (a page's body) lacks one of ``titles``: it does not show every
    publication by itself (it is about something else, or listed them through Liquid)."""
    shown = _words(text)
    return any(_words(title)[:60] not in shown for title in titles)


def _words(text: str | None) -> str:
    """Text reduced to its lower-case words, for finding a title in a page."""
    return " ".join(re.findall(r"[^\W_]+", plain_text(text or "").lower()))
