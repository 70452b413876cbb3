"""Author lists in every shape sites write them, read into display strings and names.

Shapes: one string ("A, B and C", BibTeX "Last, First and …"), a list of strings, a list
of maps (``name``; ``first``/``last``; ``given``/``family``; CSL name objects with
``non-dropping-particle``, ``dropping-particle``, ``suffix``, ``literal``), a map for a
single author, and references to people data by key or slug (``authors: [li_ming]`` resolved
through ``site.data.people[key]``, ``- link: jane-doe`` naming a team member).  A resolved
person keeps its key as ``AuthorName.id`` so member pages can link.  Marks a map carries as
flags (``is_first``/``equal``/``co_first`` -> ``*``, ``corresponding`` -> ``†``) go to
``AuthorName.marks``, the same symbols sites write after a name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import AuthorName
from .fields import split_authors
from .names import clean_author, parse_name

#: flags a person map carries -> the mark they stand for
MARK_KEYS: dict[str, str] = {
    "is_first": "*", "co_first": "*", "cofirst": "*", "equal": "*", "equal_contribution": "*",
    "is_equal": "*", "joint_first": "*", "first_author": "*",
    "corresponding": "†", "is_corresponding": "†", "corresponding_author": "†",
    "is_corresponding_author": "†",
}
#: keys of a person map that reference a person in people data
REF_KEYS = ("key", "id", "slug", "link", "person", "member", "username", "handle", "ref")
_FULL_KEYS = ("name", "full_name", "fullname", "display_name", "display", "literal")
_GIVEN_KEYS = ("given", "first", "firstname", "first_name", "given_name", "given-name")
_FAMILY_KEYS = ("family", "last", "lastname", "last_name", "family_name", "family-name",
                "surname")
_URL_KEYS = ("url", "website", "homepage", "webpage")


@dataclass(slots=True)
class AuthorList:
    """What ``read_authors`` found: display strings and names in the same order, the person
    links a map gave, and the references no people data resolved."""

    authors: list[str] = field(default_factory=list)
    names: list[AuthorName] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return str(value).strip() if value is not None and not isinstance(value, dict | list) \
        else ""


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "y")
    return bool(value) and not isinstance(value, dict | list)


def people_index(people: Iterable[tuple[str | None, Mapping[str, Any]]]
                 ) -> dict[str, dict[str, Any]]:
    """``{reference: person}`` from (key, person) pairs: a person answers to its data key,
    to each of its ``REF_KEYS`` values and to the slug of its name."""
    from ..paths import slugify

    index: dict[str, dict[str, Any]] = {}
    for key, person in people:
        if not isinstance(person, Mapping):
            continue
        record = dict(person)
        refs = [key] if key else []
        refs += [_text(person.get(k)) for k in REF_KEYS]
        name = person_name(record)
        if name:
            refs.append(slugify(name))
        for ref in refs:
            if ref and ref not in index:
                index[ref] = record | ({"_key": key or ref} if "_key" not in record else {})
    return index


def person_name(person: Mapping[str, Any]) -> str:
    """The display name of a person map ("" when it has none)."""
    for key in _FULL_KEYS:
        if _text(person.get(key)):
            return _text(person[key])
    given = " ".join(_text(person.get(k)) for k in _GIVEN_KEYS if _text(person.get(k)))
    family = _family(person)
    return " ".join(p for p in (given, family) if p)


def _family(person: Mapping[str, Any]) -> str:
    family = next((_text(person[k]) for k in _FAMILY_KEYS if _text(person.get(k))), "")
    particle = _text(person.get("non-dropping-particle"))
    return f"{particle} {family}".strip() if family else ""


def _name_of(person: Mapping[str, Any]) -> AuthorName | None:
    """A structured name from a person map; ``None`` when it holds no name."""
    family = _family(person)
    given = " ".join(_text(person.get(k)) for k in _GIVEN_KEYS if _text(person.get(k)))
    dropping = _text(person.get("dropping-particle"))
    if dropping and given:
        given = f"{given} {dropping}"
    suffix = _text(person.get("suffix")) or None
    if family:
        return AuthorName(family=family, given=given or None, suffix=suffix)
    full = next((_text(person[k]) for k in _FULL_KEYS if _text(person.get(k))), "")
    if not full:
        return None
    if _text(person.get("literal")) == full:
        return AuthorName(family=full)  # an organisation: never split
    return parse_name(clean_author(full).display)


def read_authors(value: Any, people: Mapping[str, Mapping[str, Any]] | None = None) -> AuthorList:
    """The authors in ``value`` whatever its shape; strings that are keys of ``people``
    and maps referencing one are resolved through it."""
    out = AuthorList()
    if value is None or value == "":
        return out
    items: list[Any]
    if isinstance(value, Mapping):
        items = [value]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [str(value)]
    for item in items:
        if isinstance(item, Mapping):
            _add_map(out, item, people)
        elif isinstance(item, list | tuple):
            for sub in item:  # a nested list: its items in order
                _add_item_text(out, sub, people)
        elif item is not None and str(item).strip():
            _add_item_text(out, item, people, split=len(items) == 1 and isinstance(value, str))
    return out


def _add_item_text(out: AuthorList, item: Any, people: Mapping[str, Mapping[str, Any]] | None,
                   split: bool = False) -> None:
    if isinstance(item, Mapping):
        _add_map(out, item, people)
        return
    text = str(item).strip()
    if not text:
        return
    if people and text in people:
        _add_person(out, people[text], text, {})
        return
    for part in split_authors(text) if split or _is_list_string(text) else [text]:
        cleaned = clean_author(part)
        if not cleaned.display:
            continue
        name = parse_name(cleaned.display)
        name.marks, name.is_self = list(cleaned.marks), cleaned.is_self
        name.others = name.others or cleaned.others
        out.authors.append(part)
        out.names.append(name)


def _is_list_string(text: str) -> bool:
    """"A, B and C" inside a list: more than one name in one entry."""
    return " and " in text or text.count(",") >= 2


def _add_map(out: AuthorList, item: Mapping[str, Any],
             people: Mapping[str, Mapping[str, Any]] | None) -> None:
    ref = next((_text(item.get(k)) for k in REF_KEYS if _text(item.get(k))), "")
    own = _name_of(item)
    if ref and people and ref in people and own is None:
        _add_person(out, people[ref], ref, item)
        return
    if own is None:
        if ref:
            out.unresolved.append(ref)
            name = AuthorName(family=ref, id=ref)
            _add_marks(name, item)
            out.authors.append(ref)
            out.names.append(name)
        return
    _add_marks(own, item)
    if ref and people and ref in people:
        own.id = str(people[ref].get("_key") or ref)
    display = " ".join(p for p in (own.given, own.family, own.suffix) if p)
    url = next((_text(item[k]) for k in _URL_KEYS if _text(item.get(k))), "")
    if url:
        out.links[display] = url
    out.authors.append(display)
    out.names.append(own)


def _add_person(out: AuthorList, person: Mapping[str, Any], ref: str,
                item: Mapping[str, Any]) -> None:
    name = _name_of(person) or AuthorName(family=ref)
    name.id = str(person.get("_key") or ref)
    _add_marks(name, person)
    _add_marks(name, item)
    out.authors.append(" ".join(p for p in (name.given, name.family, name.suffix) if p))
    out.names.append(name)


def _add_marks(name: AuthorName, item: Mapping[str, Any]) -> None:
    for key, mark in MARK_KEYS.items():
        if _truthy(item.get(key)) and mark not in name.marks:
            name.marks.append(mark)
    if _truthy(item.get("is_self")) or _truthy(item.get("me")):
        name.is_self = True
