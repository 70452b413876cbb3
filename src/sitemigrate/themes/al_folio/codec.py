"""What the al-folio reader and writer both know: the theme's facts from
``converters/al-folio.yml`` and the encodings they read and write alike (the research-page
marker, ``{% cite %}`` keys, socials, BibTeX link fields)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ...converters import converter, theme_versions
from ...model import Page, Publication
from ...parsing.html_research import Report, ResearchContent, parse_research_page

_DATA = converter("al-folio")
#: the theme's name: the bare name targets its current version, `al-folio@<v>` another
THEME = "al-folio"


@dataclass(frozen=True, slots=True)
class Facts:
    """What one version of al-folio reads (``converters/al-folio.yml``, shared keys plus
    those under ``versions:``), as the writer uses it."""

    #: the target name (``al-folio``, ``al-folio@0.x``): every ``converter()`` lookup uses it
    target: str
    version: str
    #: the theme's layouts; a page in another layout is written as ``page``
    layouts: frozenset[str]
    #: the BibTeX fields the version's ``bib.liquid`` renders (lower case)
    rendered_bib_fields: frozenset[str]
    #: the BibTeX fields the version's own ``_config.yml`` filters (always kept in the list)
    filtered_bib_fields: tuple[str, ...]
    #: service -> [key in ``_data/socials.yml``, form]
    socials: dict[str, Any]
    #: the icon a social entry of the site's own needs (jekyll-socials); ``None``: none needed
    custom_social_logo: str | None
    #: the ``_data/socials.yml`` keys the version's social tag knows itself
    builtin_socials: frozenset[str]


@cache
def facts(target: str = THEME) -> Facts:
    """The facts of the al-folio version ``target`` names (``al-folio`` = the current one)."""
    data = converter(target)
    version = str(data["version"])
    return Facts(target=target_name(version), version=version,
                 layouts=frozenset(data["layouts"]),
                 rendered_bib_fields=frozenset(str(f).lower()
                                               for f in data["rendered_bib_fields"]),
                 filtered_bib_fields=tuple(data["filtered_bib_fields"]),
                 socials=dict(data.get("socials") or {}),
                 custom_social_logo=data.get("custom_social_logo"),
                 builtin_socials=frozenset(map(str, data.get("builtin_socials") or ())))


def default_social_logos() -> frozenset[str]:
    """The icons the writer gives a social link no version has a key for (any version)."""
    return frozenset(str(logo) for version in theme_versions(THEME)
                     if (logo := facts(f"{THEME}@{version}").custom_social_logo))


def target_name(version: str) -> str:
    """``al-folio`` for the current version, ``al-folio@<version>`` for another."""
    return THEME if version == str(_DATA["version"]) else f"{THEME}@{version}"


#: al-folio social key -> network name used in ``Site.socials``
SOCIAL_KEYS: dict[str, str] = dict(_DATA["social_keys"])
#: the bibliography the writer gives entries without a year (jekyll-scholar's group_by year
#: stops on them), listed below the year groups of the publications page
UNDATED = "undated"
#: between the role and the affiliation in the about page's ``subtitle`` (our writer's form)
SUBTITLE_SEPARATOR = " · "
#: front-matter key our writer sets on the research page it generates (and ``page`` on a page
#: it copies whose text would otherwise read as themes)
MARKER_KEY = "sitemigrate"
MARKER_RESEARCH = "research"
MARKER_PAGE = "page"
#: research page shapes real al-folio sites use (the seed, 201younghanlee); ``##`` headings
#: are read as themes only on a page carrying the marker
NATIVE_RESEARCH_SHAPES = ("numbered-areas", "html-sections")
#: link labels of the model that jekyll-scholar entries hold in a field of that name, and
#: that the BibTeX reader leaves in ``extra`` when the value is a relative path
_PATH_LINK_FIELDS = ("bibtex",)
_LINKISH = re.compile(r"^((https?|ftp)://|\.{0,2}/|www\.)\S*$|^[\w.-]+/\S+$", re.I)
#: a ``{% cite … %}`` tag
CITE_TAG = re.compile(r"{%-?\s*cite\s+([^%]+?)\s*-?%}")
#: the bibliography a jekyll-scholar tag names with ``--file x`` (or ``-f x``)
FILE_OPTION = re.compile(r"\{%-?\s*(?:bibliography|bibliography_count|cite|citation|"
                         r"reference|nocite)\b[^%]*?(?:--file|-f)\s+[\"']?([\w./-]+?)[\"']?"
                         r"(?=[\s%]|$)")


def named_bib_files(text: str) -> set[str]:
    """The bibliographies (names without ``.bib``) the jekyll-scholar tags in ``text`` name."""
    if "-f" not in text:
        return set()
    return {name.removesuffix(".bib") for name in FILE_OPTION.findall(text)}


def social_network(key: str) -> str:
    """The network name for an al-folio social key (``github_username`` -> ``github``)."""
    if key in SOCIAL_KEYS:
        return SOCIAL_KEYS[key]
    return re.sub(r"_(username|userid|id|url|profile)$", "", key)


def cite_keys(text: str) -> list[str]:
    """Keys of every ``{% cite k1 k2 %}`` in ``text``, in order, once each."""
    keys = (key for match in CITE_TAG.finditer(text or "")
            for key in re.split(r"[\s,]+", match.group(1)))
    return list(dict.fromkeys(k for k in keys if k and "=" not in k and not k.startswith("-")))


def research_content(page: Page, body_line: int = 1, report: Report | None = None, *,
                     force: bool = False) -> ResearchContent | None:
    """The themes a page holds by the rules in the module docstring, or ``None``."""
    marker = page.extra.get(MARKER_KEY)
    if marker is not None and marker != MARKER_RESEARCH:
        return None
    if not (force or marker == MARKER_RESEARCH or _looks_like_research(page)):
        return None
    file = page.origin.file if page.origin else page.id
    content = parse_research_page(page.body, file, body_line, report)
    if content is None:
        return None
    if force or marker == MARKER_RESEARCH or content.shape in NATIVE_RESEARCH_SHAPES:
        return content
    return None


def _looks_like_research(page: Page) -> bool:
    name = f"{page.id} {page.permalink or ''}".lower()
    return "research" in name and page.role != "publications"


def path_links_from_fields(pub: Publication) -> None:
    """A ``bibtex`` field holding a URL or path is the publication's ``bibtex`` link."""
    for name in _PATH_LINK_FIELDS:
        value = pub.extra.get(name)
        if name in pub.links or not isinstance(value, str) or not _LINKISH.match(value.strip()):
            continue
        pub.links[name] = value.strip()
        del pub.extra[name]
