"""Venue keys for grouping, and the publication kind when the reader could not tell.

``venue_key`` is computed on the fly and never stored: the original venue text stays as
the site wrote it.  ``infer_kind`` only fills ``kind`` when it is ``None``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from ..diagnostics import Diagnostics
from ..model import PUBLICATION_KINDS, Model, Publication

#: well-known venues: key -> patterns over the folded venue text (word-bounded)
_KNOWN: dict[str, tuple[str, ...]] = {
    "neurips": ("neurips", "nips", "neural information processing systems"),
    "icml": ("icml", "international conference on machine learning"),
    "iclr": ("iclr", "international conference on learning representations"),
    "aaai": ("aaai",),
    "ijcai": ("ijcai", "international joint conference on artificial intelligence"),
    "aistats": ("aistats", "artificial intelligence and statistics"),
    "colt": ("colt", "conference on learning theory"),
    "uai": ("uai", "uncertainty in artificial intelligence"),
    "cvpr": ("cvpr", "computer vision and pattern recognition"),
    "iccv": ("iccv", "international conference on computer vision"),
    "eccv": ("eccv", "european conference on computer vision"),
    "acmmm": ("acm mm", "acmmm", "acm multimedia", "acm international conference on multimedia"),
    "findings-acl": ("findings of the association for computational linguistics",
                     "findings of acl", "acl findings", "find of acl"),
    "emnlp": ("emnlp", "empirical methods in natural language processing"),
    "naacl": ("naacl", "north american chapter of the association for computational linguistics",
              "north american association for computational linguistics"),
    "acl": ("acl", "annual meeting of the association for computational linguistics"),
    "kdd": ("kdd", "knowledge discovery and data mining"),
    "www": ("the web conference", "world wide web conference"),
    "sigmod": ("sigmod",),
    "vldb": ("vldb", "pvldb", "proceedings of the vldb endowment"),
    "icde": ("icde", "international conference on data engineering"),
    "tpami": ("tpami", "pattern analysis and machine intelligence"),
    "tkde": ("tkde", "transactions on knowledge and data engineering"),
    "tnnls": ("tnnls", "transactions on neural networks and learning systems"),
    "tsp": ("transactions on signal processing",),
    "jmlr": ("jmlr", "journal of machine learning research"),
    "ijcv": ("ijcv", "international journal of computer vision"),
    "tmlr": ("tmlr", "transactions on machine learning research"),
    "prl": ("physical review letters", "phys rev lett", "prl"),
    "prb": ("physical review b", "phys rev b"),
    "prd": ("physical review d", "phys rev d"),
    "pre": ("physical review e", "phys rev e"),
    "prx": ("physical review x", "phys rev x"),
    "pnas": ("pnas", "proceedings of the national academy of sciences"),
    "nature": ("=nature",),
    "science": ("=science",),
    "elife": ("elife",),
    "cell": ("=cell",),
    "biorxiv": ("biorxiv",),
    "medrxiv": ("medrxiv",),
    "arxiv": ("arxiv",),
}
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b|\b(?:first|second|third|[a-z]+teenth|"
                      r"[a-z]+tieth|[a-z]+th)\b(?= (?:annual|international|conference|"
                      r"workshop|symposium|ieee|acm|meeting))")
_YEARS = re.compile(r"\b(?:19|20)\d{2}\b|'\d{2}\b")
_NOISE = re.compile(r"^(?:in\s+)?(?:proc(?:eedings)?\.?\s+(?:of\s+)?(?:the\s+)?)|"
                    r"\b(?:proc|proceedings|of the|the|annual|in)\b")
_FOLD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase ASCII words: HTML, accents and punctuation removed."""
    value = html.unescape(re.sub(r"<[^>]+>", " ", text))
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).lower()
    return _FOLD.sub(" ", value).strip()


def _known_patterns() -> list[tuple[re.Pattern[str], str]]:
    pairs = [(pattern, key) for key, patterns in _KNOWN.items() for pattern in patterns]
    # Longer patterns first, so "findings of the association…" wins over "acl".
    pairs.sort(key=lambda pair: -len(pair[0]))
    # "=name" must be the whole venue: "Nature" is a key, "Nature Communications" is not.
    return [(re.compile(rf"^{re.escape(fold(p[1:]))}$") if p.startswith("=")
             else re.compile(rf"\b{re.escape(fold(p))}\b"), key) for p, key in pairs]


_KNOWN_PATTERNS = _known_patterns()


@lru_cache(maxsize=16384)
def venue_key(venue: str | None) -> str:
    """A key that groups spellings of one venue ("NeurIPS 2023", "Proc. NeurIPS" -> "neurips")."""
    if not venue:
        return ""
    folded = fold(venue)
    bare = " ".join(_YEARS.sub(" ", folded).split())
    for pattern, key in _KNOWN_PATTERNS:
        if pattern.search(bare):
            return key
    text = bare
    text = _ORDINAL.sub(" ", text)
    text = _NOISE.sub(" ", text)
    return " ".join(text.split())


def known_venue(venue: str | None) -> str:
    """The key of a well-known venue ("NeurIPS 2023" -> "neurips"), else ""."""
    key = venue_key(venue)
    return key if key in _KNOWN else ""


_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("thesis", re.compile(r"\b(thesis|dissertation|phd|ph d|master s|habilitation)\b")),
    ("preprint", re.compile(r"\b(arxiv|biorxiv|medrxiv|chemrxiv|preprint|ssrn|submitted|"
                            r"under review|in preparation|manuscript)\b")),
    ("workshop", re.compile(r"\b(workshop|wkshp)\b")),
    ("patent", re.compile(r"\bpatent\b")),
    ("journal", re.compile(r"\b(journal|transactions|letters|review|reviews|magazine|"
                           r"annals|bulletin|quarterly)\b|^(nature|science|cell|elife|pnas|"
                           r"plos)\b")),
    ("conference", re.compile(r"\b(conference|proceedings|proc|symposium|congress|"
                              r"colloquium|meeting)\b")),
    ("chapter", re.compile(r"\bchapter\b")),
    ("book", re.compile(r"\bbook\b")),
    ("report", re.compile(r"\b(technical report|tech report|white paper)\b")),
    ("poster", re.compile(r"\bposter\b")),
)
_CONFERENCE_KEYS = {"neurips", "icml", "iclr", "aaai", "ijcai", "aistats", "colt", "uai", "cvpr",
                    "iccv", "eccv", "acmmm", "findings-acl", "emnlp", "naacl", "acl", "kdd", "www",
                    "sigmod", "vldb", "icde"}
_PREPRINT_KEYS = {"arxiv", "biorxiv", "medrxiv"}
_JOURNAL_KEYS = {"tpami", "tkde", "tnnls", "tsp", "jmlr", "ijcv", "tmlr", "prl", "prb", "prd",
                 "pre", "prx", "pnas", "nature", "science", "elife", "cell"}

#: BibTeX entry types -> kinds
_BIBTEX_TYPES = {
    "article": "journal", "inproceedings": "conference", "conference": "conference",
    "proceedings": "conference", "phdthesis": "thesis", "mastersthesis": "thesis",
    "masterthesis": "thesis", "thesis": "thesis", "book": "book", "inbook": "chapter",
    "incollection": "chapter", "techreport": "report", "report": "report",
    "unpublished": "preprint", "preprint": "preprint", "patent": "patent",
    "software": "software", "dataset": "dataset", "misc": "misc", "online": "misc",
}

#: academicpages ``category`` values and other labels sites use for kinds
_CATEGORY_WORDS = {
    "manuscripts": "journal", "journal": "journal", "journals": "journal", "article": "journal",
    "articles": "journal", "conferences": "conference", "conference": "conference",
    "proceedings": "conference", "books": "book", "book": "book", "chapters": "chapter",
    "preprints": "preprint", "preprint": "preprint", "patents": "patent", "patent": "patent",
    "theses": "thesis", "thesis": "thesis", "workshops": "workshop", "workshop": "workshop",
    "talks": "talk", "posters": "poster", "software": "software", "reports": "report",
    "publication": "journal",
}


@lru_cache(maxsize=16384)
def kind_from_venue(venue: str | None) -> str | None:
    if not venue:
        return None
    folded = fold(venue)
    for kind, pattern in _KIND_WORDS[:3]:  # thesis, preprint, workshop beat the venue name
        if pattern.search(folded):
            return kind
    key = venue_key(venue)
    if key in _PREPRINT_KEYS:
        return "preprint"
    if key in _CONFERENCE_KEYS:
        return "conference"
    if key in _JOURNAL_KEYS:
        return "journal"
    for kind, pattern in _KIND_WORDS[3:]:
        if pattern.search(folded):
            return kind
    return None


def _label_kind(value: object, table: dict[str, str]) -> str | None:
    if value is None:
        return None
    label = fold(str(value)).replace(" ", "")
    if label in PUBLICATION_KINDS:
        return label
    return table.get(label)


def infer_kind(pub: Publication) -> str | None:
    """The kind a reader left open: from the category, the BibTeX type, then the venue."""
    extra = {str(k).lower(): v for k, v in pub.extra.items()}
    for key in ("category", "pubtype", "type", "tppubtype"):
        if kind := _label_kind(extra.get(key), _CATEGORY_WORDS):
            return kind
    venue_kind = kind_from_venue(pub.venue)
    bib_kind = _label_kind(extra.get("bibtex_type"), _BIBTEX_TYPES)
    if venue_kind == "preprint" or (venue_kind and bib_kind in (None, "misc")):
        return venue_kind
    if bib_kind == "journal" and venue_kind in ("workshop", "conference"):
        return venue_kind  # @article used for a conference paper is common in exports
    return bib_kind or venue_kind


def is_preprint(pub: Publication) -> bool:
    return pub.kind == "preprint" or kind_from_venue(pub.venue) == "preprint"


def fill_kinds(model: Model, diagnostics: Diagnostics) -> None:
    """Give every publication without a kind the one its category, type or venue implies."""
    for pub in model.publications:
        if pub.kind is None:
            pub.kind = infer_kind(pub)


_LINK_LABEL = re.compile(
    r"^(?:(?:final|full|published|journal|online|official|open[- ]access|author'?s?)\s+)?"
    r"(?:article|paper|pdf|link|preprint|text|version|copy|here|doi|website|web ?page|"
    r"html|download|view|read more|publisher|url|manuscript)s?\.?$", re.I)


def is_link_label(text: str | None) -> bool:
    """True for the text of a link that names the link, not a venue ("Final Article",
    "PDF", "Read more"): a template's "display" field holds either."""
    return text is not None and _LINK_LABEL.match(text.strip()) is not None
