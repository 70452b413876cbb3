"""Hugo Blox: publication bundles have what the starter's listings read, the owner's profile
exists, and no Liquid reached a content file (Hugo would show it as text)."""

from __future__ import annotations

import re

from ...diagnostics import INVALID_OUTPUT, LIQUID_IN_HUGO, MISSING_KEY, TEMPLATE_LEFTOVER
from ...verify.site import SiteFiles
from .codec import AUTHOR_DATA, OWNER_IDS, SAMPLE_NAMES, SECTIONS, parse_content

_LIQUID = re.compile(r"\{%-?\s*\w+|\{\{-?\s*(?:site|page|include|post|paginator)\b")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)


def check(site: SiteFiles) -> None:
    content = site.root / "content"
    if not content.is_dir():
        site.report(MISSING_KEY, "no content/ folder: not a Hugo site", "content")
        return
    for path in sorted(content.rglob("*.md")):
        rel = path.relative_to(site.root).as_posix()
        text = site.text(rel)
        if text is None:
            continue
        parsed = parse_content(text)
        if parsed.error is not None:
            site.report(INVALID_OUTPUT, parsed.error[0], rel, parsed.error[1])
            continue
        body = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), parsed.body)
        for match in _LIQUID.finditer(body):
            line = parsed.body_line + body.count("\n", 0, match.start())
            site.report(LIQUID_IN_HUGO, f"{match.group(0)!r}: Hugo does not run Liquid", rel,
                        line)
        section = path.relative_to(content).parts[0]
        if section in SECTIONS["publications"] and path.name == "index.md" \
                and not parsed.meta.get("title"):
            site.report(MISSING_KEY, "publication without a title (the listing shows "
                        "nothing for it)", rel, 2)
    authors = site.root / AUTHOR_DATA
    profiles = sorted(authors.glob("*.yaml")) if authors.is_dir() else []
    if not profiles and not (content / "authors").is_dir():
        site.report(MISSING_KEY, f"no author profile ({AUTHOR_DATA}/{OWNER_IDS[0]}.yaml): the "
                    "home page's biography block shows nothing", AUTHOR_DATA)
    for profile in profiles:
        rel = profile.relative_to(site.root).as_posix()
        text = site.text(rel) or ""
        for name in SAMPLE_NAMES:
            if name in text:
                site.report(TEMPLATE_LEFTOVER, f"the starter's sample value {name!r} is still "
                            "in the profile", rel)
