"""academicpages ``_config.yml`` and ``_data/navigation.yml`` -> ``Site``."""

from __future__ import annotations

from typing import Any

from ...model import Site
from ...transforms.fields import text_or_none
from .codec import AUTHOR_FIELDS, AVATAR_FOLDER

#: top-level config keys that are model fields
SITE_FIELDS = ("title", "name", "description", "url", "baseurl")


def site_from_config(config: dict[str, Any]) -> Site:
    """Profile fields from the config; every other key is kept in ``extra["config"]``."""
    site = Site()
    site.title = text_or_none(config.get("title"))
    site.name = text_or_none(config.get("name"))
    site.url = text_or_none(config.get("url"))
    site.baseurl = text_or_none(config.get("baseurl"))
    description = text_or_none(config.get("description"))
    author = config.get("author")
    author_extra: dict[str, Any] = {}
    if isinstance(author, dict):
        for key, value in author.items():
            _author_key(site, str(key), value, author_extra)
    elif author not in (None, ""):
        author_extra["author"] = author
    if site.avatar and "://" not in site.avatar:
        site.avatar = AVATAR_FOLDER + site.avatar.lstrip("/")  # the sidebar prepends it
    if site.description is None:
        site.description = description
    elif description:
        site.extra["site_description"] = description
    if author_extra:
        site.extra["author"] = author_extra
    rest = {str(k): v for k, v in config.items()
            if k not in SITE_FIELDS and k != "author"}
    if rest:
        site.extra["config"] = rest
    return site


def _author_key(site: Site, key: str, value: Any, author_extra: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if key in AUTHOR_FIELDS and isinstance(value, str | int | float):
        field = AUTHOR_FIELDS[key]
        if field == "author_name":
            if site.name is None:
                site.name = str(value).strip()
            elif str(value).strip() != site.name:
                author_extra["name"] = value
            return
        setattr(site, field, str(value).strip())
        return
    if isinstance(value, str) and key not in ("pronouns",):
        site.socials[key] = value.strip()
    else:
        author_extra[key] = value


def navigation(data: Any) -> list[dict[str, str]]:
    """``main:`` entries as ``{title, url}``; sub-menus are flattened after their parent."""
    entries: list[dict[str, str]] = []
    items = data.get("main") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return entries
    for item in items:
        if not isinstance(item, dict):
            continue
        title, url = text_or_none(item.get("title")), text_or_none(item.get("url"))
        if title or url:
            entries.append({"title": title or "", "url": url or ""})
    return entries
