"""Read access to a migrated site for the checks: front matter, data files, permalinks."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..common.urls import url_key
from ..diagnostics import (
    BROKEN_LINK,
    DUPLICATE_PERMALINK,
    INVALID_OUTPUT,
    MISSING_KEY,
    UNKNOWN_TAG,
    WEAK_FRONT_MATTER,
    Code,
    Diagnostics,
)
from ..parsing.front_matter import FrontMatter, split_front_matter
from ..parsing.text import decode, read_regular
from ..parsing.yamlio import YamlError, load_yaml

PAGE_SUFFIXES = (".md", ".markdown", ".html")
#: Files that plugins (jekyll-sitemap, jekyll-feed) generate at build time.
PLUGIN_OUTPUTS = {"/sitemap.xml", "/feed.xml", "/robots.txt"}
_LINK = re.compile(
    r"""(?:\]\(|href=["'])(?:\{\{\s*(?:site\.baseurl|base_path)\s*\}\})?(/[^)"'\s#?]*)""")


class SiteFiles:
    def __init__(self, root: Path, diagnostics: Diagnostics) -> None:
        self.root = root
        self.diagnostics = diagnostics
        self._fm: dict[str, FrontMatter] = {}
        self.config: dict[str, Any] = self.data_file("_config.yml") or {}
        self.permalinks: dict[str, list[str]] = defaultdict(list)

    def report(self, code: Code, message: str, rel: str | None = None,
               line: int | None = None) -> None:
        self.diagnostics.report(code, message, rel, line)

    def text(self, rel: str) -> str | None:
        path = self.root / rel
        if not path.is_file():
            return None
        try:
            return decode(read_regular(path)).text
        except OSError:
            return None

    def data_file(self, rel: str) -> Any:
        text = self.text(rel)
        if text is None:
            return None
        try:
            return load_yaml(text).data
        except YamlError as exc:
            self.report(INVALID_OUTPUT, exc.message, rel, exc.line)
            return None

    def pages(self, folder: str = "") -> Iterator[str]:
        base = self.root / folder if folder else self.root
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(self.root).as_posix()
            if path.suffix in PAGE_SUFFIXES and path.is_file() and not rel.startswith(
                    ("_site/", "_layouts/", "_includes/", "assets/", "vendor/", ".")):
                yield rel

    def front_matter(self, rel: str) -> FrontMatter:
        if rel not in self._fm:
            fm = split_front_matter(self.text(rel) or "")
            if fm.error is not None:
                self.report(INVALID_OUTPUT, fm.error.message, rel, fm.error.line)
            self._fm[rel] = fm
        return self._fm[rel]

    def require_keys(self, rel: str, keys: list[str], recommended: list[str] | None = None,
                     ) -> dict[str, Any]:
        """Front matter of ``rel``: missing ``keys`` are errors, ``recommended`` warnings."""
        fm = self.front_matter(rel)
        if not fm.present:
            self.report(MISSING_KEY, "no front matter: Jekyll copies the file unrendered", rel, 1)
            return {}
        missing = [k for k in keys if fm.meta.get(k) in (None, "")]
        if missing:
            self.report(MISSING_KEY, f"missing {', '.join(missing)}", rel, 2)
        weak = [k for k in recommended or [] if fm.meta.get(k) in (None, "")]
        if weak:
            self.report(WEAK_FRONT_MATTER, f"no {', '.join(weak)} (renders with less)", rel, 2)
        return fm.meta

    def note_permalink(self, url: str | None, rel: str) -> None:
        if url:
            self.permalinks[url_key(str(url), keep_case=True)].append(rel)

    def check_permalinks_unique(self) -> None:
        for url, files in sorted(self.permalinks.items()):
            if len(files) > 1:
                self.report(
                    DUPLICATE_PERMALINK, f"{url} is the permalink of {', '.join(files)}", files[1]
                )

    def check_internal_links(self) -> None:
        known = set(self.permalinks)
        for rel in self.pages():
            fm = self.front_matter(rel)
            for lineno, line in enumerate(fm.body.splitlines(), fm.body_line):
                for url in _LINK.findall(line):
                    target = url_key(url, keep_case=True)
                    if target in known or self._is_static_file(url):
                        continue
                    self.report(BROKEN_LINK, f"link to {url} matches no page", rel, lineno)

    def _is_static_file(self, url: str) -> bool:
        return url in PLUGIN_OUTPUTS or (self.root / url.lstrip("/")).exists()

    def note_collection_documents(self) -> None:
        """URLs of collection documents that set no permalink, from the collection's pattern.

        Jekyll's default is ``/:collection/:path:output_ext``; ``.html`` and trailing slashes
        are normalized away, so ``/x/y/`` and ``/x/y.html`` compare equal.
        """
        for name, settings in self.declared_collections().items():
            settings = settings if isinstance(settings, dict) else {}
            if not settings.get("output"):
                continue
            pattern = str(settings.get("permalink") or "/:collection/:path")
            folder = f"_{name}"
            for rel in self.pages(folder):
                if self.front_matter(rel).meta.get("permalink"):
                    continue
                path = rel[len(folder) + 1:].rsplit(".", 1)[0]
                url = (pattern.replace(":collection", name).replace(":path", path)
                       .replace(":name", path.rsplit("/", 1)[-1])
                       .replace(":title", path.rsplit("/", 1)[-1])
                       .replace(":output_ext", ""))
                self.note_permalink(url, rel)

    def declared_collections(self) -> dict[str, Any]:
        collections = self.config.get("collections") or {}
        if isinstance(collections, list):
            return {str(name): {} for name in collections}
        return collections if isinstance(collections, dict) else {}


# Tags inside these blocks are text to Jekyll, not tags.
_INERT = re.compile(r"\{%-?\s*(raw|comment)\s*-?%\}.*?\{%-?\s*end\1\s*-?%\}", re.S)
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)(?:\s+([^%]*?))?\s*-?%\}")


def check_liquid(site: SiteFiles, theme: str) -> None:
    """SM606 for each tag or include in a page body that the theme does not define (its
    ``plugin_tags`` and ``includes`` in converters data, plus the site's own ``_includes``):
    Jekyll aborts the whole build on the first one."""
    from ..common.foreign_liquid import STANDARD_TAGS
    from ..converters import converter

    facts = converter(theme)
    tags = STANDARD_TAGS | {str(t) for t in facts.get("plugin_tags") or ()}
    includes = {str(i) for i in facts.get("includes") or ()}
    for rel in site.pages():
        fm = site.front_matter(rel)
        text = _INERT.sub(lambda m: "\n" * m.group(0).count("\n"), fm.body)
        for match in _LIQUID_TAG.finditer(text):
            tag, args = match.group(1), (match.group(2) or "").strip()
            line = text.count("\n", 0, match.start()) + fm.body_line
            base = tag[3:] if tag.startswith("end") else tag
            if base not in tags:
                site.report(UNKNOWN_TAG, f"{{% {tag} %}} is not defined by {theme}", rel, line)
            elif tag == "include":
                name = args.split()[0] if args.split() else ""
                if name and "{{" not in name and name not in includes \
                        and not (site.root / "_includes" / name).is_file():
                    site.report(UNKNOWN_TAG, f"include {name} does not exist in {theme}", rel,
                                line)
