"""``_config.yml`` for the academicpages writer: merged into an existing file with ruamel.yaml
(comments and key order kept), or built from the model when there is none."""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ...common.inert import inert_text
from ...common.site_config import complete_config
from ...converters import converter
from ...model import Site
from ...parsing.config_yaml import dump_config, merge_config
from ...transforms.fields import plain_text
from ...transforms.socials import normalize_social, social_value
from .codec import CATEGORY_TITLES, ITEMS_MARK, TEMPLATE_COLLECTIONS

#: source settings that would make Jekyll build another site: a gem theme replacing the
#: layouts, other folders for collections, layouts, includes, data or plugins
FOREIGN_KEYS = frozenset({"theme", "remote_theme", "collections_dir", "source", "destination",
                          "layouts_dir", "includes_dir", "data_dir", "plugins_dir", "safe"})
#: the sidebar shows ``author.bio`` on every page: at most this many characters
BIO_LIMIT = 280
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def short_bio(text: str | None) -> str | None:
    """A sidebar bio from a description that may be a whole about page: the text of its
    first paragraph without markup (HTML, Liquid, Markdown links), cut after the last
    sentence that fits ``BIO_LIMIT`` (a short description is kept as written)."""
    if not text:
        return None
    if len(text) <= BIO_LIMIT and "\n" not in text.strip() and "<" not in text:
        return text
    body = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    paragraphs = [p for p in re.split(r"\n\s*\n", body)
                  if plain_text(_MD_LINK.sub(r"\1", p)).strip(" #*>-")]
    if not paragraphs:
        return None
    first = plain_text(_MD_LINK.sub(r"\1", paragraphs[0])).replace("**", "").replace("__", "")
    first = first.strip(" #*>-")
    if len(first) <= BIO_LIMIT:
        return inert_text(first)
    kept = ""
    for sentence in _SENTENCE.split(first):
        if len(kept) + len(sentence) + 1 > BIO_LIMIT:
            break
        kept = f"{kept} {sentence}".strip()
    # plain_text decoded the entities that kept the text inert: escape again
    return inert_text(kept or first[:BIO_LIMIT - 1].rsplit(" ", 1)[0] + "…")


def build_config(site: Site, existing: CommentedMap | None, categories: list[str],
                 collections: list[str], item_collections: tuple[str, ...] = (),
                 dropped: list[str] | None = None,
                 unplaced: list[str] | None = None, avatar: str | None = None) -> str:
    """The config text: ``existing`` (or the source's own keys) plus the model's profile,
    with ``avatar`` as the sidebar names it (under ``images/``, or a URL).

    Source keys in ``FOREIGN_KEYS`` are left out and named in ``dropped``."""
    fresh = existing is None
    config = existing if existing is not None else CommentedMap()
    description = site.extra.get("site_description")
    merge_config(config, {"title": site.title, "name": site.name,
                          "description": description if isinstance(description, str) else None,
                          "url": site.url, "baseurl": site.baseurl})
    config["author"] = _author(site, config.get("author"), avatar, unplaced)
    source_config = site.extra.get("config")
    if isinstance(source_config, dict):
        for key, value in source_config.items():
            if key in FOREIGN_KEYS and key not in config:
                if dropped is not None:
                    dropped.append(str(key))
            elif key not in config:
                config[key] = value
    _categories(config, categories)
    _collections(config, collections)
    for name in item_collections:
        entry = config["collections"].get(name)
        if isinstance(entry, dict):
            entry[ITEMS_MARK] = True
    complete_config(config, "academicpages", fresh=fresh)
    return dump_config(config)


def _author(site: Site, current: Any, avatar: str | None,
            unplaced: list[str] | None = None) -> CommentedMap:
    """The ``author:`` block: profile fields, and each social link under the key and in the
    form ``_includes/author-profile.html`` reads (``converters/academicpages.yml``); a link
    the sidebar has no place for is kept under its own key and named in ``unplaced``."""
    author = current if isinstance(current, CommentedMap) else CommentedMap()
    author_extra = site.extra.get("author")
    author_extra = author_extra if isinstance(author_extra, dict) else {}
    fields = (("name", author_extra.get("name") or site.name), ("avatar", avatar),
              ("bio", short_bio(site.description)), ("location", site.location),
              ("employer", site.affiliation), ("email", site.email), ("role", site.role))
    merge_config(author, dict(fields))
    table = converter("academicpages").get("socials", {})
    for key, value in site.socials.items():
        social = normalize_social(key, value)
        name, form = table.get(social.service, (None, None))
        written = social_value(social, form) if name and form else None
        if name and written:
            if name != "email" or not author.get("email"):  # the profile's e-mail first
                author[name] = written
        else:
            author[key.lower() if key[:1].isupper() else key] = value
            if unplaced is not None:
                unplaced.append(f"{key}: {value}")
    for key, value in author_extra.items():
        if key != "name" and key not in author:
            author[key] = value
    return author


def _categories(config: CommentedMap, categories: list[str]) -> None:
    if not categories:
        return
    block = config.get("publication_category")
    if not isinstance(block, dict):
        block = CommentedMap()
        config["publication_category"] = block
    for name in categories:
        if name not in block:
            title = CATEGORY_TITLES.get(name, name.replace("_", " ").replace("-", " ").title())
            block[name] = CommentedMap([("title", title)])


def _collections(config: CommentedMap, names: list[str]) -> None:
    block = config.get("collections")
    if isinstance(block, list):
        block = CommentedMap((str(n), CommentedMap([("output", True)])) for n in block)
        config["collections"] = block
    if not isinstance(block, dict):
        block = CommentedMap()
        config["collections"] = block
    added = []
    for name in (*TEMPLATE_COLLECTIONS, *names):
        if name not in block:
            block[name] = CommentedMap([("output", True),
                                        ("permalink", "/:collection/:path/")])
            added.append(name)
    defaults = config.get("defaults")
    if not isinstance(defaults, list):
        defaults = CommentedSeq()
        config["defaults"] = defaults
    scoped = {d.get("scope", {}).get("type") for d in defaults
              if isinstance(d, dict) and isinstance(d.get("scope"), dict)}
    for name in added:
        if name in scoped:
            continue
        layout = "talk" if name == "talks" else "single"
        defaults.append(CommentedMap([
            ("scope", CommentedMap([("path", ""), ("type", name)])),
            ("values", CommentedMap([("layout", layout), ("author_profile", True),
                                     ("share", True)]))]))
