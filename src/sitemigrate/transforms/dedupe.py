"""Merging records of the same work, and never two different works.

A false merge loses a paper; a missed duplicate only shows it twice.  So records merge on
the same DOI / arXiv / OpenReview / PubMed id with the same (or nearly the same) title and
a compatible year, or on the same normalized title with a compatible year, venue type,
well-known venue and overlapping authors.  A title that is part of another ("X" and
"X: A Survey"), two venue types (a conference paper and its journal extension), years far
apart, or a shared id with another title are kept apart and reported (SM405 possible
duplicate, SM404 when only an identifier is shared).

Candidates come from indexes (dicts keyed by identifier and by normalized title), never
from comparing every pair, so 10k publications take well under a second.  Records that
match form connected components; each component becomes one record:

* the id (and the position in the list) of the record read first (sorted by origin);
* field values from the published version before a preprint, then in origin order;
  values the others disagree on go to ``extra["conflicts"]`` (reported SM402), other
  spellings of the same value to ``extra["variants"]``;
* links, identifiers and extra are united (a second URL for a label becomes
  ``<label>_2``); ``merged_from`` records every merged origin (reported SM401);
* every theme and project reference to a merged-away id is rewritten to the kept id.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from ..common.urls import link_key
from ..diagnostics import (
    IDENTIFIER_CLASH,
    MERGE_CONFLICT,
    MERGED_DUPLICATE,
    POSSIBLE_DUPLICATE,
    Diagnostics,
)
from ..model import AuthorName, Model, Origin, Publication
from .fields import plain_text
from .latex import latex_to_unicode
from .names import family_key, parse_name
from .venues import fold, is_preprint, known_venue, venue_key

#: identifiers that name one work; compared exactly after normalization
STRONG_IDS = ("doi", "arxiv", "openreview", "pmid")
_ID_LABELS = {"doi": "DOI", "arxiv": "arXiv id", "openreview": "OpenReview id", "pmid": "PMID"}
#: at most this many members of one index bucket are compared with a newcomer
_BUCKET_LIMIT = 32
_MAX_ROUNDS = 5
_NOT_WORD = re.compile(r"[\W_]+")


def normalized_title(title: str | None) -> str:
    """Case, punctuation, accents, HTML and LaTeX removed: the title as words."""
    return _normalized_title(title) if title else ""


@lru_cache(maxsize=65536)
def _normalized_title(title: str) -> str:
    text = plain_text(title)
    if "\\" in text or "{" in text or "$" in text:
        text = latex_to_unicode(text)  # cached, and fast for accents and math
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


@dataclass(slots=True)
class _Facts:
    """What matching needs from one record, computed once (the family names when a pair
    is first judged that far: most records are in no pair, and a long author list is the
    costliest fact)."""

    title: str
    year: int | None
    preprint: bool
    author_names: list[AuthorName]  #: the record's (never changed while it is matched)
    authors: list[str]  #: parsed for family names when ``author_names`` is empty
    ids: dict[str, str]
    urls: frozenset[str]
    kind: str | None  #: the venue type; None when unknown, "misc" or a preprint
    venue: str  #: the key of a well-known venue, else ""
    family_keys: frozenset[str] | None = None

    @property
    def families(self) -> frozenset[str]:
        if self.family_keys is None:
            names = self.author_names or [parse_name(a) for a in self.authors]
            self.family_keys = frozenset([family_key(n) for n in names if not n.others]) - {""}
        return self.family_keys


#: kinds that say nothing about the venue type
_ANY_KIND = (None, "misc", "preprint")


def _facts(pub: Publication) -> _Facts:
    ids = {k: str(v) for k, v in pub.identifiers.items() if k in STRONG_IDS and v}
    urls = frozenset(link_key(u) for u in pub.links.values() if u)
    preprint = is_preprint(pub)
    kind = None if preprint or pub.kind in _ANY_KIND else pub.kind
    venue = "" if preprint else known_venue(pub.venue)
    return _Facts(normalized_title(pub.title), pub.year, preprint, pub.author_names,
                  pub.authors, ids, urls, kind, venue)


#: how two normalized titles relate, from closest to farthest
SAME, CLOSE, CONTAINED, RELATED, OTHER = "same", "close", "contained", "related", "other"
#: word-sequence similarity above which two titles are spellings of one title
_CLOSE_RATIO = 0.9
#: a title shorter than this many words is not reported as the start of another
_HEAD_WORDS = 3


def title_relation(a: str, b: str) -> str:
    """``same`` (equal, or one unknown), ``close`` (a word or two differ in a long title),
    ``contained`` (one title is a part of the other: "X" and "X: A Survey"), ``related``
    (half the words shared) or ``other``."""
    if not a or not b or a == b:
        return SAME
    if _contained(a, b):
        return CONTAINED
    words_a, words_b = a.split(), b.split()
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    # the two quick ratios are upper bounds of ratio(): most pairs fail on them, cheaply
    if matcher.real_quick_ratio() >= _CLOSE_RATIO and matcher.quick_ratio() >= _CLOSE_RATIO \
            and matcher.ratio() >= _CLOSE_RATIO:
        return CLOSE
    shared = len(set(words_a) & set(words_b))
    return RELATED if shared * 2 >= min(len(set(words_a)), len(set(words_b))) else OTHER


def _contained(a: str, b: str) -> bool:
    """One normalized title is a run of whole words of the other."""
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def _years_compatible(a: _Facts, b: _Facts) -> bool:
    if a.year is None or b.year is None or a.year == b.year:
        return True
    return abs(a.year - b.year) == 1 and (a.preprint or b.preprint)


def _venues_compatible(a: _Facts, b: _Facts) -> bool:
    """Not two venue types (a journal and a conference, a talk and a paper) nor two
    well-known venues; unknown venues and preprints are compatible with anything."""
    if a.kind and b.kind and a.kind != b.kind:
        return False
    return not (a.venue and b.venue and a.venue != b.venue)


def _ids_differ(a: _Facts, b: _Facts) -> bool:
    return any(a.ids.get(k) and b.ids.get(k) and a.ids[k] != b.ids[k] for k in STRONG_IDS)


def shared_id(a: _Facts, b: _Facts) -> str | None:
    """The first strong identifier both records carry with the same value."""
    return next((k for k in STRONG_IDS if a.ids.get(k) and a.ids.get(k) == b.ids.get(k)), None)


#: verdicts of ``judge``
MERGE, POSSIBLE, CLASH = "merge", "possible", "clash"


def judge(a: _Facts, b: _Facts) -> tuple[str, str] | None:
    """Whether two records are one work (``MERGE``), may be (``POSSIBLE``: kept apart and
    reported), share an identifier but are not (``CLASH``), or are unrelated (``None``);
    with the reason.  A false merge loses a paper, a missed one shows it twice: ask for
    much before merging."""
    relation = title_relation(a.title, b.title)
    kind = shared_id(a, b)
    if kind:
        label = f"{_ID_LABELS[kind]} {a.ids[kind]}"
        if relation in (SAME, CLOSE) and _years_compatible(a, b):
            return MERGE, f"same {label}"
        if relation == OTHER:
            return CLASH, label
        why = "one title is part of the other" if relation == CONTAINED else (
            "different titles" if relation == RELATED else "years far apart")
        return POSSIBLE, f"same {label} but {why}"
    if relation == CONTAINED:
        return POSSIBLE, "one title is part of the other"
    if not a.title or a.title != b.title:
        return None
    if _ids_differ(a, b):
        return POSSIBLE, "same title but different identifiers"
    if not _years_compatible(a, b):
        low, high = sorted((a.year or 0, b.year or 0))
        return POSSIBLE, f"same title but years {low} and {high}"
    if not _venues_compatible(a, b):
        return POSSIBLE, "same title but different venues or venue types"
    if a.families and b.families:
        if a.families & b.families:
            return MERGE, "same title, year and authors"
        return POSSIBLE, "same title but no author in common"
    # Without authors a bare title is weak evidence: ask for one more shared fact.
    if a.urls & b.urls:
        return MERGE, "same title and link"
    if a.year is not None and a.year == b.year:
        return MERGE, "same title and year"
    if len(a.title.split()) >= 4:
        return MERGE, "same title"
    return POSSIBLE, "same short title only"


def same_work(a: _Facts, b: _Facts) -> str | None:
    """Why two records are the same work, or ``None``."""
    verdict = judge(a, b)
    return verdict[1] if verdict and verdict[0] == MERGE else None


def _apart(a: _Facts, b: _Facts) -> bool:
    """Facts that keep two records apart whatever joins them through a third: other ids,
    other titles, years far apart, other venue types (unless one identifier names both:
    then the venue is the site's mistake, kept as a conflict)."""
    return (_ids_differ(a, b) or title_relation(a.title, b.title) not in (SAME, CLOSE)
            or not _years_compatible(a, b)
            or (not _venues_compatible(a, b) and shared_id(a, b) is None))


class _Components:
    """Union-find over record positions; remembers why each record joined and refuses a
    union that would put two records with contradicting facts in one component."""

    def __init__(self, facts: list[_Facts]) -> None:
        self.facts = facts
        self.parent = list(range(len(facts)))
        self.members: dict[int, list[int]] = {}
        self.reason: dict[int, tuple[int, str]] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int, reason: str) -> bool:
        root_i, root_j = self.find(i), self.find(j)
        if root_i == root_j:
            return True
        group_i = self.members.get(root_i, [root_i])
        group_j = self.members.get(root_j, [root_j])
        if any(_apart(self.facts[x], self.facts[y]) for x in group_i for y in group_j):
            return False
        low, high = min(root_i, root_j), max(root_i, root_j)
        self.parent[high] = low
        self.members[low] = group_i + group_j
        self.members.pop(high, None)
        self.reason.setdefault(j, (i, reason))
        self.reason.setdefault(i, (j, reason))
        return True


def _components(facts: list[_Facts], pubs: list[Publication], diagnostics: Diagnostics,
                changed: set[int] | None) -> _Components:
    """Components of the "same work" graph; with ``changed``, only edges touching a
    changed record are looked for (the others were looked at in an earlier round).

    Edges are joined in an order that does not depend on the input order (identifier
    matches first, then by where the records were read), so the result does not either."""
    comps = _Components(facts)
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    edges: list[tuple[int, tuple[Any, ...], tuple[Any, ...], int, int, str]] = []
    apart: list[tuple[int, int, str, str]] = []
    judged: set[tuple[int, int]] = set()
    for index, fact in enumerate(facts):
        keys = [(kind, value) for kind, value in fact.ids.items()]
        if fact.title:
            keys.append(("title", fact.title))
            words = fact.title.split()
            if len(words) >= _HEAD_WORDS:
                keys.append(("head", " ".join(words[:_HEAD_WORDS])))
        for key in keys:
            bucket = buckets[key]
            for other in bucket[:_BUCKET_LIMIT]:
                if changed is not None and index not in changed and other not in changed:
                    continue
                if (other, index) in judged:
                    continue
                if key[0] == "head":
                    # titles that begin alike: only "one is the start of the other" counts
                    # (title_relation's CONTAINED, without its word-sequence ratio)
                    head_a, head_b = facts[other].title, fact.title
                    if head_a != head_b and _contained(head_a, head_b):
                        judged.add((other, index))
                        apart.append((other, index, POSSIBLE, "one title is part of the other"))
                    continue
                judged.add((other, index))
                verdict = judge(facts[other], fact)
                if verdict is None:
                    continue
                if verdict[0] == MERGE:
                    rank = 1 if verdict[1].startswith("same title") else 0
                    ends = sorted((_origin_key(pubs[other]), _origin_key(pubs[index])))
                    edges.append((rank, ends[0], ends[1], other, index, verdict[1]))
                else:
                    apart.append((other, index, *verdict))
            bucket.append(index)
    for _rank, _ka, _kb, other, index, reason in sorted(edges, key=lambda e: e[:3]):
        if not comps.union(other, index, reason):
            apart.append((other, index, POSSIBLE, f"{reason}, but a record joined to one of "
                          "them contradicts the other"))
    for other, index, outcome, reason in apart:
        if comps.find(other) != comps.find(index):
            _report_kept_apart(diagnostics, pubs[other], pubs[index], outcome, reason)
    return comps


def _report_kept_apart(diagnostics: Diagnostics, first: Publication, second: Publication,
                       verdict: str, reason: str) -> None:
    a, b = sorted((first, second), key=_origin_key)
    origin = b.origin
    pair = f"{b.id} ({_where(b)}) and {a.id} ({_where(a)})"
    if verdict == CLASH:
        diagnostics.report_at(
            IDENTIFIER_CLASH,
            f"{pair} share the {reason} but not title and year; kept apart (a copied identifier?)",
            origin,
        )
    else:
        diagnostics.report_at(
            POSSIBLE_DUPLICATE,
            f"{pair} may be one work ({reason}); kept apart: merge them by hand if they are",
            origin,
        )


def _origin_key(pub: Publication) -> tuple[bool, bool, str, str, int, str]:
    """Reading order: the first source's records before added ones (``--add``: the first
    source wins), then by source, file and line."""
    origin = pub.origin
    if origin is None:
        return (True, True, "", "", 0, pub.id)
    return (False, origin.source is not None, origin.source or "", origin.file,
            origin.line or 0, pub.id)


def _where(pub: Publication) -> str:
    origin = pub.origin
    if origin is None:
        return "unknown location"
    return f"{origin.file}:{origin.line}" if origin.line else origin.file


# -- merging one group ----------------------------------------------------------------------

_SCALARS: dict[str, Callable[[Any], Any]] = {
    "title": normalized_title,
    "year": lambda v: v,
    "venue": lambda v: venue_key(v) or fold(str(v)),
    "kind": lambda v: v,
    "abstract": lambda v: fold(str(v)),
    "award": lambda v: fold(str(v)),
    "image": lambda v: v,
    "citation": lambda v: fold(str(v)),
}
#: conflicts worth a warning; the others (abstracts, extra fields) are only kept
_REPORTED = ("title", "year", "venue", "kind", "authors", "doi", "arxiv")


@dataclass(slots=True)
class _Merge:
    """The record being built, plus the values it could not hold in its own fields:
    ``conflicts`` (the records disagree, SM402) and ``variants`` (same meaning, other
    spelling, e.g. "NeurIPS" and "Advances in Neural Information Processing Systems")."""

    kept: Publication
    conflicts: dict[str, list[Any]] = field(default_factory=dict)
    variants: dict[str, list[Any]] = field(default_factory=dict)

    def conflict(self, name: str, values: list[Any]) -> None:
        _add_values(self.conflicts.setdefault(name, []), values)

    def variant(self, name: str, values: list[Any]) -> None:
        _add_values(self.variants.setdefault(name, []), values)

    def compare(self, name: str, values: list[Any], key: Callable[[Any], Any]) -> None:
        """Keep every spelling; a conflict when the spellings mean different things."""
        spellings = _distinct(values, _exact)
        if len(spellings) < 2:
            return
        if len(_distinct(values, key)) > 1:
            self.conflict(name, spellings)
        else:
            self.variant(name, spellings)


def _add_values(bucket: list[Any], values: list[Any]) -> None:
    for value in values:
        if value not in bucket:
            bucket.append(value)


def _exact(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else _hashable(value)


def _distinct(values: list[Any], key: Callable[[Any], Any]) -> list[Any]:
    seen: dict[Any, Any] = {}
    for value in values:
        seen.setdefault(_hashable(key(value)), value)
    return list(seen.values())


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _merge_scalars(merge: _Merge, ranked: list[Publication]) -> None:
    for name, key in _SCALARS.items():
        values = [getattr(p, name) for p in ranked if not _is_empty(getattr(p, name))]
        if values:
            setattr(merge.kept, name, values[0])
            merge.compare(name, values, key)
    dates = [p.date for p in ranked if p.date]
    if dates:
        # "2021" and "2021-06-14" agree; keep the most precise of those that agree.
        agreeing = [d for d in dates if d.startswith(dates[0]) or dates[0].startswith(d)]
        merge.kept.date = max(agreeing, key=len)
        others = [d for d in dates if not any(a.startswith(d) for a in agreeing)]
        if others:
            merge.conflict("date", _distinct([merge.kept.date, *others], _exact))
    merge.kept.selected = any(p.selected for p in ranked)


def _merge_authors(merge: _Merge, ranked: list[Publication]) -> None:
    candidates = [p for p in ranked if p.authors]
    if not candidates:
        return

    def named(p: Publication) -> int:
        return sum(1 for n in p.author_names if not n.others) or len(p.authors)

    best = max(candidates, key=named)  # max keeps the first of equals: rank order decides
    lists = [list(best.authors)] + [list(p.authors) for p in candidates if p is not best]
    merge.kept.authors = list(best.authors)  # kept may be one of the candidates: read first
    merge.kept.author_names = list(best.author_names)
    merge.compare("authors", lists, lambda v: tuple(family_key(parse_name(a)) for a in v))


def link_identity(url: str) -> str:
    """``link_key``, case-folded for a DOI link (DOIs ignore case: ``10.1109/TSP.…`` and
    ``10.1109/tsp.…`` are one link)."""
    key = link_key(url)
    return key.casefold() if "doi.org/" in key else key


def _merge_links(merge: _Merge, ranked: list[Publication]) -> None:
    links: dict[str, str] = {}
    for pub in ranked:
        for label, url in pub.links.items():
            known = {link_identity(u) for lab, u in links.items()
                     if lab == label or re.fullmatch(rf"{re.escape(label)}_\d+", lab)}
            if link_identity(url) in known:
                continue
            slot, n = label, 2
            while slot in links:
                slot, n = f"{label}_{n}", n + 1
            links[slot] = url
    merge.kept.links = links


def _merge_identifiers(merge: _Merge, ranked: list[Publication]) -> None:
    identifiers: dict[str, str] = {}
    for pub in ranked:
        for key, value in pub.identifiers.items():
            if key not in identifiers:
                identifiers[key] = value
            elif str(identifiers[key]).lower() != str(value).lower() and value not in (
                    v for k, v in identifiers.items() if k.startswith(f"{key}_")):
                n = 2
                while f"{key}_{n}" in identifiers:
                    n += 1
                identifiers[f"{key}_{n}"] = value
                merge.conflict(key, [identifiers[key], value])
    merge.kept.identifiers = identifiers


def _merge_extra(merge: _Merge, ranked: list[Publication]) -> None:
    extra: dict[str, Any] = {}
    for pub in ranked:
        for key, value in pub.extra.items():
            if key in ("conflicts", "variants") and isinstance(value, dict):
                add = merge.conflict if key == "conflicts" else merge.variant
                for name, values in value.items():
                    add(str(name), list(values) if isinstance(values, list) else [values])
            elif key not in extra or _is_empty(extra[key]):
                extra[key] = value
            elif isinstance(extra[key], dict) and isinstance(value, dict):
                extra[key] = _merge_maps(merge, key, extra[key], value)
            elif not _is_empty(value) and _hashable(extra[key]) != _hashable(value):
                merge.conflict(key, [extra[key], value])
    merge.kept.extra = extra


def _merge_maps(merge: _Merge, name: str, first: dict[str, Any],
                second: dict[str, Any]) -> dict[str, Any]:
    merged = dict(first)
    for key, value in second.items():
        if key not in merged or _is_empty(merged[key]):
            merged[key] = value
        elif _hashable(merged[key]) != _hashable(value):
            merge.conflict(f"{name}.{key}", [merged[key], value])
    return merged


def _merge_group(group: list[Publication]) -> tuple[Publication, dict[str, list[Any]]]:
    """Fold ``group`` (first = kept id) into its first record; return it and the conflicts."""
    kept = group[0]
    ranked = sorted(group, key=lambda p: (is_preprint(p), _origin_key(p)))
    merge = _Merge(kept)
    _merge_scalars(merge, ranked)
    _merge_authors(merge, ranked)
    _merge_links(merge, ranked)
    _merge_identifiers(merge, ranked)
    _merge_extra(merge, ranked)
    provenance: list[Origin] = list(kept.merged_from)
    for other in group[1:]:
        for origin in ([other.origin] if other.origin else []) + list(other.merged_from):
            if origin not in provenance and origin != kept.origin:
                provenance.append(origin)
    kept.merged_from = provenance
    if merge.conflicts:
        kept.extra["conflicts"] = merge.conflicts
    if merge.variants:
        kept.extra["variants"] = merge.variants
    return kept, merge.conflicts


# -- the transform --------------------------------------------------------------------------

def _merge_round(model: Model, diagnostics: Diagnostics, renamed: dict[str, str],
                 known: dict[int, _Facts]) -> bool:
    """One pass of matching and merging; ``known`` caches facts of unchanged records."""
    pubs = model.publications
    first_round = not known
    changed = {i for i, p in enumerate(pubs) if id(p) not in known}
    facts = [known.get(id(p)) or known.setdefault(id(p), _facts(p)) for p in pubs]
    comps = _components(facts, pubs, diagnostics, None if first_round else changed)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(pubs)):
        groups[comps.find(index)].append(index)
    merged_away: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda i: _origin_key(pubs[i]))
        kept_index = ordered[0]
        kept = pubs[kept_index]
        kept_where = _where(kept)
        others = [pubs[i] for i in ordered[1:]]
        for i in ordered[1:]:
            other = pubs[i]
            _, reason = comps.reason.get(i, (kept_index, "same work"))
            diagnostics.report(
                MERGED_DUPLICATE,
                f"merged {other.id} ({_where(other)}) into {kept.id} ({kept_where}): {reason}",
                other.origin.file if other.origin else None,
                other.origin.line if other.origin else None,
            )
            renamed[other.id] = kept.id
            merged_away.add(i)
        _, conflicts = _merge_group([kept, *others])
        known.pop(id(kept), None)  # its fields changed
        _report_conflicts(diagnostics, kept, others, conflicts)
        # the kept record takes the place of the group's first member in reading order
        first = min(members)
        if first != kept_index:
            pubs[first], pubs[kept_index] = pubs[kept_index], pubs[first]
            merged_away.discard(first)
            merged_away.add(kept_index)
    if not merged_away:
        return False
    model.publications = [p for i, p in enumerate(pubs) if i not in merged_away]
    return True


def _report_conflicts(diagnostics: Diagnostics, kept: Publication, others: list[Publication],
                      conflicts: dict[str, list[Any]]) -> None:
    reported = {k: v for k, v in conflicts.items() if k in _REPORTED}
    if not reported:
        return
    places = ", ".join(f"{p.id} ({_where(p)})" for p in others)
    detail = "; ".join(f"{k}: " + " vs ".join(_short(v) for v in values)
                       for k, values in reported.items())
    where = kept.origin
    diagnostics.report(
        MERGE_CONFLICT,
        f"{kept.id} ({_where(kept)}) and {places} disagree on {detail}; "
        "all values kept in extra.conflicts",
        where.file if where else None,
        where.line if where else None,
    )


def _short(value: Any) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _rewrite_references(model: Model, renamed: dict[str, str]) -> None:
    if not renamed:
        return

    def resolve(pub_id: str) -> str:
        seen = set()
        while pub_id in renamed and pub_id not in seen:
            seen.add(pub_id)
            pub_id = renamed[pub_id]
        return pub_id

    def rewrite(ids: list[str]) -> list[str]:
        return list(dict.fromkeys(resolve(i) for i in ids))

    for theme in model.all_themes():
        theme.publication_ids = rewrite(theme.publication_ids)
    for project in model.projects:
        project.publication_ids = rewrite(project.publication_ids)


def merge_duplicates(model: Model, diagnostics: Diagnostics) -> None:
    """Merge records of the same work; rewrite references to merged-away ids."""
    renamed: dict[str, str] = {}
    known: dict[int, _Facts] = {}
    for _ in range(_MAX_ROUNDS):
        if not _merge_round(model, diagnostics, renamed, known):
            break
    _rewrite_references(model, renamed)
