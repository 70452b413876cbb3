"""Social links normalised to (service, the user's id on it, the profile URL).

Sites write the same link as a key of their theme (``scholar_userid``, ``googlescholar``,
``orcid_id``), as an id, a handle (``@ann``) or a full URL.  ``normalize_social`` reads all
of these; a writer then puts the id or the URL under the key its theme's templates read,
from the ``socials:`` table of ``converters/<theme>.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from ..common.urls import split_url

#: key spellings of the themes and sites -> the service
ALIASES: dict[str, str] = {
    "scholar_userid": "google_scholar", "googlescholar": "google_scholar",
    "google_scholar": "google_scholar", "scholar": "google_scholar",
    "google-scholar": "google_scholar", "orcid_id": "orcid", "orcid": "orcid",
    "github_username": "github", "github": "github", "gitlab_username": "gitlab",
    "gitlab": "gitlab", "linkedin_username": "linkedin", "linkedin": "linkedin",
    "twitter_username": "twitter", "twitter": "twitter", "x_username": "twitter", "x": "twitter",
    "research_gate_profile": "researchgate", "researchgate_profile": "researchgate",
    "researchgate": "researchgate", "semanticscholar_id": "semantic_scholar",
    "semantic": "semantic_scholar", "semantic_scholar": "semantic_scholar",
    "dblp_url": "dblp", "dblp": "dblp", "bluesky_url": "bluesky", "bluesky": "bluesky",
    "mastodon_username": "mastodon", "mastodon": "mastodon", "youtube_id": "youtube",
    "youtube": "youtube", "medium_username": "medium", "medium": "medium",
    "instagram_id": "instagram", "instagram": "instagram", "facebook_id": "facebook",
    "facebook": "facebook", "kaggle_id": "kaggle", "kaggle": "kaggle",
    "stackoverflow_id": "stackoverflow", "stackoverflow": "stackoverflow",
    "keybase_username": "keybase", "keybase": "keybase", "inspirehep_id": "inspirehep",
    "scopus_id": "scopus", "scopus": "scopus", "wikipedia_id": "wikipedia",
    "wikipedia": "wikipedia", "work_url": "work", "blogger_url": "blogger",
    "telegram_username": "telegram", "telegram": "telegram", "pubmed": "pubmed",
    "arxiv": "arxiv", "academia": "academia", "impactstory": "impactstory",
    "uri": "work", "website": "work", "homepage": "work", "weibo": "weibo",
    "wechat_qr": "wechat_qr", "email": "email", "mail": "email",
}
#: service -> (profile URL built from the id, pattern reading the id from a URL)
SERVICES: dict[str, tuple[str | None, re.Pattern[str] | None]] = {
    "google_scholar": ("https://scholar.google.com/citations?user={}", None),  # query user=
    "orcid": ("https://orcid.org/{}", re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.I)),
    "github": ("https://github.com/{}", re.compile(r"github\.com/([\w.-]+)", re.I)),
    "gitlab": ("https://gitlab.com/{}", re.compile(r"gitlab\.com/([\w.-]+)", re.I)),
    "linkedin": ("https://www.linkedin.com/in/{}", re.compile(r"linkedin\.com/in/([^/?#]+)",
                                                              re.I)),
    "twitter": ("https://twitter.com/{}", re.compile(r"(?:twitter|x)\.com/@?([\w]+)", re.I)),
    "researchgate": ("https://www.researchgate.net/profile/{}",
                     re.compile(r"researchgate\.net/profile/([^/?#]+)", re.I)),
    "semantic_scholar": ("https://www.semanticscholar.org/author/{}",
                         re.compile(r"semanticscholar\.org/author/(?:[^/?#]+/)?(\d+)", re.I)),
    "youtube": ("https://youtube.com/@{}", re.compile(r"youtube\.com/@([\w.-]+)", re.I)),
    "medium": ("https://medium.com/@{}", re.compile(r"medium\.com/@([\w.-]+)", re.I)),
    "instagram": ("https://instagram.com/{}", re.compile(r"instagram\.com/([\w.]+)", re.I)),
    "facebook": ("https://facebook.com/{}", re.compile(r"facebook\.com/([\w.]+)", re.I)),
    "kaggle": ("https://www.kaggle.com/{}", re.compile(r"kaggle\.com/([\w-]+)", re.I)),
    "stackoverflow": ("https://stackoverflow.com/users/{}",
                      re.compile(r"stackoverflow\.com/users/(\d+(?:/[\w-]+)?)", re.I)),
    "keybase": ("https://keybase.io/{}", re.compile(r"keybase\.io/([\w]+)", re.I)),
    "inspirehep": ("https://inspirehep.net/authors/{}",
                   re.compile(r"inspirehep\.net/authors/(\d+)", re.I)),
    "scopus": ("https://www.scopus.com/authid/detail.uri?authorId={}",
               re.compile(r"authorId=(\d+)", re.I)),
    "wikipedia": ("https://wikipedia.org/wiki/User:{}", re.compile(r"wiki/User:([^/?#]+)", re.I)),
    "telegram": ("https://telegram.me/{}", re.compile(r"(?:telegram\.me|t\.me)/([\w]+)", re.I)),
    "bluesky": ("https://bsky.app/profile/{}", re.compile(r"bsky\.app/profile/([^/?#]+)", re.I)),
    "weibo": ("https://www.weibo.com/{}", re.compile(r"weibo\.com/(?:u/)?([\w]+)", re.I)),
    "email": ("mailto:{}", None), "wechat_qr": (None, None),
    "mastodon": (None, None), "dblp": (None, None), "work": (None, None),
    "blogger": (None, None), "pubmed": (None, None), "arxiv": (None, None),
    "academia": (None, None), "impactstory": (None, None),
}


@dataclass(slots=True)
class Social:
    """One social link: the service, the user's id on it (``None`` when only a URL is
    known) and the profile URL (``None`` when it cannot be built)."""

    service: str
    user: str | None
    url: str | None


def service_of(key: str) -> str:
    """The service a theme's key names (``scholar_userid`` -> ``google_scholar``); an
    unknown key is its own service, lower-case with underscores."""
    norm = key.strip().lower().replace("-", "_")
    return ALIASES.get(norm) or ALIASES.get(norm.replace("_", "")) or norm


def normalize_social(key: str, value: Any) -> Social:
    service = service_of(key)
    text = str(value).strip()
    template, pattern = SERVICES.get(service, (None, None))
    is_url = bool(re.match(r"^https?://", text, re.I))
    user: str | None = None
    if service == "email":
        user = re.sub(r"^mailto:", "", text, flags=re.I).strip()
        return Social(service, user or None, f"mailto:{user}" if user else None)
    if service == "google_scholar":
        parts = split_url(text) if is_url else None
        users = parse_qs(parts.query).get("user") if parts else None
        user = users[0] if users else (None if is_url else text)
    elif is_url or (pattern and "/" in text):
        match = pattern.search(text) if pattern else None
        user = match.group(1) if match else None
    else:
        user = text.lstrip("@") if service in ("twitter", "github", "medium", "youtube") \
            else text
        if service == "orcid" and pattern and (match := pattern.search(text)):
            user = match.group(1)
    if service == "mastodon" and not is_url:
        url = "https://" + text.lstrip("@") if "/" in text else None
    elif is_url:
        url = text
    else:
        url = template.format(user) if template and user else None
    return Social(service, user, url)


def social_value(social: Social, form: str) -> str | None:
    """The value to write: the id (``form == "id"``), the URL (``"url"``), or the value
    a template prefixes with ``https://`` (``"host"``, al-folio's Mastodon)."""
    if form == "id":
        return social.user
    if form == "host":
        return social.url.split("://", 1)[1] if social.url else None
    return social.url
