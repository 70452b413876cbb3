"""Hostile text stays inert: Liquid, HTML and script from places Liquid never ran in the
source (BibTeX, TSV, front matter, data files, pages without front matter) are written so
every target shows them as text, through every source -> target pair.

With ``jekyll`` installed and ``SITEMIGRATE_THEME_ACADEMICPAGES`` /
``SITEMIGRATE_THEME_ALLANLAB`` naming checkouts of those themes (kept outside the repo,
e.g. under /work/ext/themes), the academicpages and Allan lab outputs are also built and
the HTML is checked: the build succeeds (an executed ``{% include PWN.html %}`` would
abort it) and the payload is text, never a tag or an attribute.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitemigrate.common.inert import safe_url
from sitemigrate.pipeline import migrate, plan_migration, read_site
from sitemigrate.registry import source_kinds, target_themes

MARK = "PWN"
SNIPPETS = [
    "{% include PWN.html %}", "{{ site.PWN }}", "{%- include PWN.html -%}", "{{- PWN -}}",
    "{%raw%}{{PWN}}{%endraw%}", "{% endraw %}{{ PWN }}", "<script>PWN()</script>",
    "<img src=x onerror=PWN()>", "[x](javascript:PWN())", '{: onclick="PWN()"}',
    '<a href="javascript:PWN()">x</a>', "<iframe src=PWN></iframe>", "<svg onload=PWN()>",
    "{::nomarkdown}<script>PWN()</script>{:/}", "{{ 'PWN' | append: site.email }}",
    "<JaVaScRiPt:PWN>", "[y]: javascript:PWN()",
]
_PLAIN = st.text(alphabet="abcdefgh XYZ.,:;!?()=/'-", max_size=12)
payloads = st.lists(st.tuples(_PLAIN, st.sampled_from(SNIPPETS)), min_size=1, max_size=4).map(
    lambda parts: "SEEN " + " ".join(f"{text} {snippet}" for text, snippet in parts) + " end")

# Live code in an output file: a Liquid tag or output reaching the payload, a script-capable
# tag, an event handler, a javascript: link.  Escaped text (&#123;, &lt;) never matches.
LIVE_LIQUID = re.compile(r"\{[{%][^\n]{0,60}?PWN")
LIVE_HTML = re.compile(
    r"<(?:script|iframe|svg|object|embed)\b|<\w+\b[^<>\n]*\bon\w+\s*=|"
    r"<a\b[^<>\n]*javascript:|\]\(\s*<?\s*javascript:|^\s*\[[^\]]+\]:\s*javascript:|"
    r"\{:[^}\n]*\bon\w+\s*=", re.I | re.M)


def _bib(text: str) -> str:
    return (text.replace("{", "\\{").replace("}", "\\}").replace("%", "\\%")
            .replace("#", "\\#").replace("&", "\\&").replace("$", "\\$").replace("_", "\\_"))


def _site(kind: str, root: Path, payload: str) -> Path:
    """A small source of ``kind`` with ``payload`` in the places Liquid never runs."""
    q = json.dumps(payload)  # JSON strings are YAML double-quoted scalars
    bib = (f"@article{{hostile2020,\n  title = {{Paper {_bib(payload)}}},\n"
           f"  author = {{Doe, Jane and Roe, Rich}},\n  journal = {{J {_bib(payload)}}},\n"
           f"  year = {{2020}},\n  abstract = {{{_bib(payload)}}},\n}}\n")
    files: dict[str, str] = {}
    src = root
    if kind == "academicpages":
        files = {
            "_config.yml": f"title: {q}\nauthor:\n  name: A. Researcher\n  bio: {q}\n"
                           "  googlescholar: x\n",
            "_publications/2020-01-01-hostile.md":
                f"---\ntitle: {q}\ncollection: publications\ndate: 2020-01-01\nvenue: {q}\n"
                f"excerpt: {q}\ncitation: {q}\npaperurl: 'javascript:PWN()'\n---\nRendered.\n",
        }
    elif kind == "al-folio":
        files = {"_config.yml": "title: Lab\nfirst_name: A\nlast_name: B\nscholar:\n"
                                "  bibliography_template: bib\n",
                 "_bibliography/papers.bib": bib}
    elif kind == "allanlab":
        files = {"_config.yml": "title: Lab\n",
                 "_data/publist.yml": f"- title: {q}\n  authors: J. Doe\n  year: 2020\n"
                                      f"  description: {q}\n  link:\n    url: 'javascript:PWN()'"
                                      f"\n    display: {q}\n",
                 "_pages/publications.md": "---\ntitle: Publications\nlayout: textlay\n"
                                           "permalink: /publications/\n---\n"}
    elif kind == "custom":
        files = {"_config.yml": "title: Lab\n",
                 "_data/publications.yml": f"- title: {q}\n  authors: J. Doe\n  year: 2020\n"
                                           f"  venue: {q}\n  abstract: {q}\n",
                 "publications.md": "---\ntitle: Publications\n---\n{% for p in "
                                    "site.data.publications %}{{ p.title }}{% endfor %}\n"}
    elif kind == "plain":
        files = {"research.md": f"# Research\n\n## Topic {payload}\n\n{payload}\n"}
        src = root / "research.md"
    elif kind == "bibtex":
        files = {"papers.bib": bib}
        src = root / "papers.bib"
    elif kind == "csl":
        item = {"id": "hostile2020", "type": "article-journal", "title": payload,
                "container-title": payload, "abstract": payload, "URL": "javascript:PWN()",
                "author": [{"family": "Doe", "given": "Jane"}],
                "issued": {"date-parts": [[2020]]}}
        files = {"refs.json": json.dumps([item])}
        src = root / "refs.json"
    elif kind == "hugoblox":
        files = {"config/_default/hugo.yaml": f"title: {q}\n",
                 "content/publication/hostile/index.md":
                     f"---\ntitle: {q}\nauthors: [Jane Doe]\ndate: '2020-01-01'\n"
                     f"publication_types: ['2']\npublication: {q}\nabstract: {q}\n"
                     "url_pdf: 'javascript:PWN()'\n---\n"}
    elif kind == "tsv":
        files = {"publications.tsv": "pub_date\ttitle\tvenue\texcerpt\tcitation\turl_slug\t"
                                     f"paper_url\n2020-01-01\t{payload}\t{payload}\t{payload}\t"
                                     f"{payload}\thostile\tjavascript:PWN()\n"}
        src = root / "publications.tsv"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return src


# Raw LaTeX kept for a byte-identical BibTeX rewrite: ``\{`` is a literal brace there and
# no layout prints the key, so only its HTML is escaped; it is left out of the check.
RAW_BLOCK = re.compile(r"^(\s*)bibtex_raw_fields:\n(?:\1\s+.*\n)*", re.M)


def _live(rel: str, text: str) -> list[str]:
    text = RAW_BLOCK.sub("", text)
    found = [m.group(0) for m in LIVE_HTML.finditer(text)]
    if not rel.endswith((".bib", ".yml", ".yaml", ".json")):  # Liquid runs in pages only
        found += [m.group(0) for m in LIVE_LIQUID.finditer(text)]
    return found


@pytest.mark.parametrize("kind", sorted(source_kinds()))
@settings(max_examples=int(os.environ.get("SITEMIGRATE_HOSTILE_EXAMPLES", "8")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(payload=payloads)
def test_hostile_text_stays_text_in_every_target(kind: str, payload: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = _site(kind, Path(tmp), payload)
        model = read_site(src, kind)
        for target in sorted(target_themes()):
            plan = plan_migration(model, target, Path(tmp) / "out")
            shown = False
            for rel, data in plan.files.items():
                text = data.decode("utf-8")
                assert not _live(rel, text), (kind, target, rel, _live(rel, text), text)
                shown = shown or "SEEN" in text
            assert shown, (kind, target, "the payload vanished")
            codes = {d.code for d in plan.diagnostics}
            assert "SM900" not in codes


def test_unsafe_urls_are_dropped_with_a_diagnostic(tmp_path: Path) -> None:
    src = _site("tsv", tmp_path, "Title")
    plan = plan_migration(read_site(src, "tsv"), "al-folio", tmp_path / "out")
    assert any(d.code == "SM507" and d.file == "publications.tsv" and d.line == 2
               for d in plan.diagnostics)
    assert all(b"javascript:" not in data for _, data in plan.files.items())
    assert safe_url("https://x.org/a") and safe_url("mailto:a@b.c") and safe_url("../x.pdf")
    assert not safe_url("java\tscript:alert(1)") and not safe_url("data:text/html,x")
    assert not safe_url("&#106;avascript:alert(1)") and not safe_url("vbscript:x")


def test_rendered_source_liquid_is_not_escaped(tmp_path: Path) -> None:
    # a publication body of an academicpages site is Liquid-rendered in the source: its
    # Liquid is the site's own and is carried over (or converted), not turned into text
    src = _site("academicpages", tmp_path, "Title")
    page = src / "_publications/2020-01-01-hostile.md"
    page.write_text(page.read_text().replace("Rendered.", "See {{ site.title }}."))
    plan = plan_migration(read_site(src, "academicpages"), "academicpages", tmp_path / "o")
    body = plan.files.get("_publications/2020-01-01-hostile.md") or b""
    assert b"{{ site.title }}" in body


# --- a real build --------------------------------------------------------------------------

THEME_ENV = {"academicpages": "SITEMIGRATE_THEME_ACADEMICPAGES",
             "allanlab": "SITEMIGRATE_THEME_ALLANLAB"}
FIXED = " ".join(SNIPPETS) + " end"


@pytest.mark.parametrize("target", sorted(THEME_ENV))
@pytest.mark.parametrize("kind", ["bibtex", "academicpages", "allanlab", "plain", "tsv"])
def test_jekyll_build_shows_hostile_text_as_text(kind: str, target: str,
                                                 tmp_path: Path) -> None:
    theme = os.environ.get(THEME_ENV[target])
    if shutil.which("jekyll") is None or not theme:
        pytest.skip(f"needs jekyll and {THEME_ENV[target]}=<checkout of {target}>")
    src = _site(kind, tmp_path / "src", FIXED) if kind != "plain" else None
    if src is None:
        (tmp_path / "src").mkdir()
        src = _site(kind, tmp_path / "src", FIXED)
    out = tmp_path / "out"
    migrate(src, target, out, kind=kind, onto=theme)
    html = _build(out, tmp_path / "site")
    assert html, "nothing was built"
    everything = "\n".join(html.values())
    assert MARK in everything
    for rel, text in html.items():
        live = _LiveCode()
        live.feed(text)
        assert not live.found, (rel, live.found)


class _LiveCode(HTMLParser):
    """Elements and attributes the browser would run that carry the payload."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARK in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and \
                    value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("script", "iframe", "svg", "object", "embed"):
            self._in = tag
            if any(MARK in (v or "") for _, v in attrs):
                self.found.append(f"<{tag}> with the payload")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None and MARK in data:
            self.found.append(f"<{self._in}>{data[:80]}")


def _build(site: Path, dest: Path) -> dict[str, str]:
    from sitemigrate.parsing.yamlio import dump_yaml, load_yaml
    from sitemigrate.verify.build import _installed_gems

    config = load_yaml((site / "_config.yml").read_text(encoding="utf-8")).data or {}
    gems = _installed_gems() or set()
    override = site.parent / "override.yml"
    # github-metadata wants a repository and the network: left out
    override.write_text(dump_yaml({"plugins": [str(p) for p in config.get("plugins") or []
                                               if str(p) in gems
                                               and str(p) != "jekyll-github-metadata"]}))
    for name in ("Gemfile", "Gemfile.lock"):
        (site / name).unlink(missing_ok=True)
    for plugin in (site / "_plugins").glob("*.rb"):  # the Allan lab's needs jekyll-scholar
        if "jekyll/scholar" in plugin.read_text("utf-8", "replace") and \
                "jekyll-scholar" not in gems:
            plugin.unlink()
            # ... and so do some of its example pages
            for page in site.rglob("*.md"):
                if re.search(r"\{%-?\s*(bibliography|cite)\b", page.read_text("utf-8", "replace")):
                    page.unlink()
    for sheet in site.rglob("*.scss"):  # styles are beside the point (and Debian's sass
        if not sheet.relative_to(site).parts[0].startswith("_"):  # rejects the Allan lab's)
            sheet.unlink()
    env = dict(os.environ, JEKYLL_NO_BUNDLER_REQUIRE="true", JEKYLL_ENV="production")
    result = subprocess.run(["jekyll", "build", "--config", f"_config.yml,{override}", "-d",
                             str(dest), "--quiet"], cwd=site, capture_output=True, text=True,
                            timeout=600, env=env, check=False)
    assert result.returncode == 0, result.stderr[:3000] + result.stdout[-2000:]
    return {p.relative_to(dest).as_posix(): p.read_text("utf-8", "replace")
            for p in dest.rglob("*.html")}
