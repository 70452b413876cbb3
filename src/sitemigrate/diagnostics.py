"""Diagnostic codes as typed constants, and the collector every stage reports into.

Each code is declared once below, as a :class:`Code` constant: its stable number and name,
its level, its severity (what the migration did to the content), a one-line meaning and a
one-line hint of what to do.  Call sites pass the constant — ``ctx.report(MISSING_TITLE,
message, file, line)`` — never a string.  The README's table is generated from ``CODES``
(:func:`readme_table`).

Numbering: SM1xx input could not be parsed, SM2xx content understood only in part, SM3xx
content the target cannot hold, SM4xx merges and repairs, SM5xx safety limits, SM6xx checks
of a migrated site (``verify``), SM9xx internal.

Severity (what a person needs to know, see :class:`Severity`) decides the exit code: a run
exits 1 when content a visitor would see was lost or changed, or on an error; ``--strict``
also fails on a setting that was not carried.  ``loss`` (kept in the JSON for compatibility)
is true for every severity but ``info``.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterable, Iterator

from .model import Diagnostic, Origin


class Severity(enum.StrEnum):
    """What a diagnostic means for the migrated site, most serious first."""

    #: a record, page, link or asset a visitor saw on the old site is not on the new one
    CONTENT_LOST = "content-lost"
    #: it is there, but a visitor sees it differently (text replaced, field or link changed)
    CONTENT_CHANGED = "content-changed"
    #: a setting (config key, layout, a field no page shows) was not carried over
    SETTING_NOT_CARRIED = "setting-not-carried"
    #: nothing was lost: how the source was read, repairs, merges
    INFO = "info"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")

    @property
    def visible(self) -> bool:
        """Whether a visitor of the site would notice (these make a run exit 1)."""
        return self in (Severity.CONTENT_LOST, Severity.CONTENT_CHANGED)


#: Severities in report order, most serious first.
SEVERITIES: tuple[Severity, ...] = tuple(Severity)


class Code(str):
    """One diagnostic code, declared once: the string is its number ("SM201"), so it
    compares, hashes and prints as the code; the rest describes it."""

    name: str  #: stable slug, "missing-title"
    level: str  #: "error", "warning" or "info"
    severity: Severity
    meaning: str  #: one line: what happened
    hint: str  #: one line: what to do about it

    def __new__(cls, code: str, name: str, level: str, severity: Severity, meaning: str,
                hint: str = "") -> Code:
        self = super().__new__(cls, code)
        self.name, self.level, self.severity = name, level, severity
        self.meaning, self.hint = meaning, hint
        return self

    @property
    def code(self) -> str:
        """The number as a plain string."""
        return str.__str__(self)

    @property
    def loss(self) -> bool:
        """Content or a setting could not be carried over (every severity but info)."""
        return self.severity is not Severity.INFO

    def __repr__(self) -> str:
        return f"Code({self.code!r}, {self.name!r})"


#: code number -> declaration, in declaration order (filled by ``_code``)
CODES: dict[str, Code] = {}


def _code(code: str, name: str, level: str, severity: Severity, meaning: str,
          hint: str = "") -> Code:
    if code in CODES:  # pragma: no cover - a declaration mistake, caught on import
        raise ValueError(f"{code} declared twice")
    declared = Code(code, name, level, severity, meaning, hint)
    CODES[code] = declared
    return declared


LOST, CHANGED, SETTING, INFO = (Severity.CONTENT_LOST, Severity.CONTENT_CHANGED,
                                Severity.SETTING_NOT_CARRIED, Severity.INFO)

# --- SM1xx: input that could not be parsed -------------------------------------------------
UNREADABLE_FILE = _code(
    "SM100", "unreadable-file", "error", LOST, "a file could not be read or decoded",
    "check the file's permissions and encoding, then run again")
INVALID_YAML = _code(
    "SM101", "invalid-yaml", "error", LOST, "YAML front matter or data file does not parse",
    "fix the YAML at the line given (often a colon or quote in an unquoted value)")
INVALID_JSON = _code(
    "SM102", "invalid-json", "error", LOST, "a JSON data file does not parse",
    "fix the JSON at the line given")
INVALID_CSV = _code(
    "SM103", "invalid-csv", "error", LOST, "a CSV/TSV data file does not parse",
    "fix the row at the line given (quotes, number of cells)")
INVALID_BIBTEX = _code(
    "SM104", "invalid-bibtex", "error", LOST, "a BibTeX block does not parse",
    "fix the entry at the line given (braces, commas, the key)")
INVALID_LIQUID = _code(
    "SM105", "invalid-liquid", "warning", INFO, "Liquid markup does not parse",
    "check the tag at the line given; it is kept as written")
NO_FRONT_MATTER = _code(
    "SM106", "no-front-matter", "info", INFO,
    "a page has no front matter; Jekyll copies it as is",
    "add a `---` block with a title if the page should use the theme's layout")
DUPLICATE_KEY = _code(
    "SM107", "duplicate-key", "warning", INFO, "a key appears twice; the last value wins",
    "delete the copy you do not want")
BAD_ENCODING = _code(
    "SM108", "bad-encoding", "warning", INFO, "text was not UTF-8; decoded with a fallback",
    "save the file as UTF-8 and check its accents")
FRONT_MATTER_NOT_MAPPING = _code(
    "SM109", "front-matter-not-mapping", "error", LOST,
    "front matter is not a key: value map", "write the front matter as `key: value` lines")
UNKNOWN_KIND = _code(
    "SM110", "unknown-kind", "error", LOST, "the source kind could not be recognised",
    "name the kind with --from KIND (see `sitemigrate themes`)")
BASE_VERSION_UNKNOWN = _code(
    "SM117", "base-version-unknown", "warning", INFO,
    "upgrade: no known version of the theme matches the site's files; a theme file that "
    "differs from the new version's cannot be told apart from the user's change",
    "check each conflict listed; pass --base with a checkout of the version you forked")
BASE_VERSION_FOUND = _code(
    "SM118", "base-version-found", "info", INFO,
    "upgrade: the theme version the site was forked from, found by its files' hashes",
    "nothing to do; the evidence is in the message")
INVALID_TOML = _code(
    "SM111", "invalid-toml", "error", LOST, "TOML front matter or config does not parse",
    "fix the TOML at the line given (quotes, brackets, one key per line)")

# --- SM2xx: content understood only in part -------------------------------------------------
MISSING_TITLE = _code(
    "SM201", "missing-title", "warning", INFO, "a record has no title; one was derived",
    "add a title to the record")
BAD_DATE = _code(
    "SM202", "bad-date", "warning", INFO, "a date could not be understood",
    "write the date as YYYY-MM-DD")
MISSING_DATA = _code(
    "SM203", "missing-data", "warning", INFO, "a loop or reference names data that is absent",
    "add the data file or remove the loop")
UNRESOLVED_REFERENCE = _code(
    "SM204", "unresolved-reference", "warning", INFO,
    "a citation or key could not be resolved", "check the key's spelling")
STUB_PUBLICATION = _code(
    "SM205", "stub-publication", "warning", INFO, "a publication is known only by its key",
    "add the publication's data (title, authors, year)")
AMBIGUOUS_CONTENT = _code(
    "SM206", "ambiguous-content", "info", INFO, "content was interpreted heuristically",
    "check the migrated record reads as you meant")
MALFORMED_URL = _code(
    "SM207", "malformed-url", "warning", INFO, "a URL is malformed", "fix the URL")
DUPLICATE_BIBTEX_KEY = _code(
    "SM208", "duplicate-bibtex-key", "warning", INFO, "two BibTeX entries share a key",
    "give each entry its own key")
UNRENDERED_FOLDER = _code(
    "SM209", "unrendered-folder", "info", INFO, "a folder is not a declared collection",
    "declare it under collections: in _config.yml if it should be rendered")
NOT_PUBLISHED = _code(
    "SM210", "not-published", "info", INFO,
    "a file Jekyll does not publish (dotfile, _-prefixed page, exclude:) was not read",
    "nothing to do; rename the file if it should be published")
UNDEFINED_MACRO = _code(
    "SM211", "undefined-macro", "warning", CHANGED, "a BibTeX @string macro is not defined",
    "define the macro with @string or write the value out")
MISSING_ASSET = _code(
    "SM212", "missing-asset", "warning", INFO,
    "a file the content references (image, PDF, slides) is not in the source folder",
    "copy the file into the migrated site at the same path")
GENERATOR_INPUT = _code(
    "SM220", "generator-input", "info", INFO,
    "an academicpages markdown_generator/ input (.bib, .tsv) is not read: the site does not "
    "render it", "add it with --add PATH (inspect prints the line) if it holds your papers")
NOT_TAKEN = _code(
    "SM221", "not-taken", "info", INFO,
    "an added source's or lab member's pages, profile or items are not taken into the one "
    "site (the first source's, or the lab's own, are kept)",
    "nothing to do; copy what you miss by hand")
MEMBER_NOT_AUTHOR = _code(
    "SM222", "member-not-author", "info", INFO,
    "a lab member lists a paper but no author of it carries the member's name",
    "check the member's name in the manifest against the paper's author list")
THEME_VERSION = _code(
    "SM226", "theme-version", "info", INFO,
    "the theme version written was taken from the --onto checkout's files",
    "nothing to do; name another version with --to THEME@VERSION")
VERSION_MISMATCH = _code(
    "SM227", "version-mismatch", "warning", SETTING,
    "the theme version named with --to is not the version of the --onto checkout",
    "name the checkout's version (or none) with --to, or use a checkout of the named version")
USER_FILE_KEPT = _code(
    "SM223", "user-file-kept", "info", INFO,
    "upgrade: a file the user added (layout, include, style, page, asset) is kept as it is",
    "nothing to do; check it still works with the new version's layouts")
CUSTOMISATION_KEPT = _code(
    "SM224", "customisation-kept", "info", INFO,
    "upgrade: a theme file the user changed is kept; the new version did not change it",
    "nothing to do")
CONFIG_KEY_MOVED = _code(
    "SM225", "config-key-moved", "info", INFO,
    "upgrade: a config key the new version names or keeps elsewhere was renamed or moved",
    "check the key at its new place")
OTHER_LANGUAGE = _code(
    "SM213", "other-language", "warning", LOST,
    "a multi-language site: only the default language's content was read",
    "migrate each language's content folder on its own (--from hugoblox on content/<lang>)")
HUGO_SHORTCODE = _code(
    "SM214", "hugo-shortcode", "warning", CHANGED,
    "a Hugo shortcode was converted to Markdown or removed; its source is kept aside",
    "rewrite that part of the page with what the target theme offers")

# --- SM3xx: content the target cannot hold --------------------------------------------------
FIELD_DROPPED = _code(
    "SM301", "field-dropped", "warning", CHANGED,
    "a field visitors saw has no place in the target; its value is kept aside",
    "move the value into the record's text, or write it in a form the target reads")
RECORD_DROPPED = _code(
    "SM302", "record-dropped", "error", LOST,
    "a record is not shown by the target (not written, or kept only as data)",
    "rewrite the record as the source theme expects, or add a page that lists it")
LIQUID_KEPT = _code(
    "SM303", "liquid-kept", "warning", CHANGED,
    "Liquid the target cannot run was removed or converted; its source is kept aside",
    "rewrite that part of the page with what the target theme offers")
SETTING_DROPPED = _code(
    "SM304", "setting-dropped", "info", SETTING,
    "a setting (config key, layout, a field no page shows) has no place in the target",
    "set the target theme's own equivalent in its _config.yml, if it has one")
PAGE_TEXT_REPLACED = _code(
    "SM305", "page-text-replaced", "warning", CHANGED,
    "a page's own text was replaced by the target theme's listing",
    "compare the old and new page; move any text you miss into the new one")
LINK_CHANGED = _code(
    "SM306", "link-changed", "warning", CHANGED,
    "a link or URL visitors used changed or has no target page",
    "add a redirect or a navigation entry, or fix the link")
SOCIAL_ICON_ADDED = _code(
    "SM318", "social-icon-added", "info", INFO,
    "a social link of the site's own got the generic icon the target version requires",
    "set `logo:` of the entry in _data/socials.yml to the icon you want")
UPGRADE_CONFLICT = _code(
    "SM315", "upgrade-conflict", "warning", CHANGED,
    "upgrade: a theme file the user changed was changed by the new version too; the new "
    "version's is used and the user's is kept beside it as FILE.mine",
    "merge your change into the new file (the dry run shows both diffs), then delete FILE.mine")
CONFIG_KEY_DROPPED = _code(
    "SM316", "config-key-dropped", "info", SETTING,
    "upgrade: a config key the user set is no longer read by the new version; not carried",
    "set the new version's equivalent, if it has one (see its _config.yml)")
NEW_REQUIREMENT = _code(
    "SM317", "new-requirement", "info", INFO,
    "upgrade: content gained a key the new version requires (e.g. a publication category)",
    "check the value given")

# --- SM4xx: merges and repairs --------------------------------------------------------------
MERGED_DUPLICATE = _code(
    "SM401", "merged-duplicate", "info", INFO, "two records of the same work were merged",
    "nothing to do; --no-dedupe keeps them apart")
MERGE_CONFLICT = _code(
    "SM402", "merge-conflict", "warning", INFO, "merged records disagree on a field",
    "pick the right value; all of them are kept in extra.conflicts")
URL_REPAIRED = _code(
    "SM403", "url-repaired", "info", INFO, "a malformed URL was repaired",
    "check the repaired URL")
IDENTIFIER_CLASH = _code(
    "SM404", "identifier-clash", "info", INFO,
    "records share an identifier but differ; kept apart",
    "check which record the identifier belongs to")
POSSIBLE_DUPLICATE = _code(
    "SM405", "possible-duplicate", "info", INFO,
    "two records may be one work; kept apart to decide",
    "merge them by hand if they are the same work")
CROSS_SOURCE_MERGE = _code(
    "SM411", "cross-source-merge", "info", INFO,
    "one work listed by several sources (--add, lab members) became one record",
    "nothing to do; --no-dedupe keeps them apart")
THEMES_MERGED = _code(
    "SM412", "themes-merged", "info", INFO,
    "research themes of several sources with the same title became one theme",
    "nothing to do; rename one of them to keep them apart")

# --- SM5xx: safety limits -------------------------------------------------------------------
FILE_TOO_LARGE = _code(
    "SM501", "file-too-large", "error", LOST, "a file is over the size limit and was skipped",
    "raise the limit with --max-file-size if the file is genuine")
YAML_ALIASES = _code(
    "SM502", "yaml-aliases", "error", LOST, "YAML expands too many aliases (alias bomb)",
    "write the repeated values out instead of using aliases")
PATH_ESCAPE = _code(
    "SM503", "path-escape", "error", LOST, "a path would leave its root; refused",
    "use a path inside the site folder")
SYMLINK_SKIPPED = _code(
    "SM504", "symlink-skipped", "warning", LOST,
    "a symlink leaving the source was not followed",
    "copy the file it points to into the site")
TOO_DEEP = _code(
    "SM505", "too-deep", "error", LOST, "nesting is too deep; refused",
    "flatten the data")

SPECIAL_FILE = _code(
    "SM506", "special-file", "warning", INFO, "a device, FIFO or socket was not read",
    "nothing to do; such files are never content")
UNSAFE_URL = _code(
    "SM507", "unsafe-url", "warning", CHANGED,
    "a URL whose scheme is not http(s), mailto or relative was dropped",
    "link the page over https instead")
MARKUP_ESCAPED = _code(
    "SM508", "markup-escaped", "info", INFO,
    "Liquid or HTML in text the source never rendered is written as text",
    "nothing to do; move live markup into a page body if it was meant to run")
TIMEOUT = _code(
    "SM509", "timeout", "error", LOST, "a site took longer than --timeout and was stopped",
    "run it alone or raise --timeout")
MEMBER_FAILED = _code(
    "SM515", "member-failed", "error", LOST,
    "a lab member's site could not be read; the lab site was built without it",
    "fix or remove the member named, then run again")

# --- SM6xx: checks of a migrated site (verify) ----------------------------------------------
MISSING_KEY = _code(
    "SM601", "missing-key", "error", CHANGED, "a file lacks a key the theme's layouts need",
    "add the key named in the message")
HIDDEN_ITEM = _code(
    "SM602", "hidden-item", "error", LOST, "an item exists but the theme will not list it",
    "change the item's category or the config list named in the message")
DUPLICATE_PERMALINK = _code(
    "SM603", "duplicate-permalink", "error", LOST, "two files render to the same URL",
    "give one of them another permalink")
BROKEN_LINK = _code(
    "SM604", "broken-link", "warning", CHANGED, "an internal link points at no page",
    "fix the link or add the page")
INVALID_OUTPUT = _code(
    "SM605", "invalid-output", "error", LOST, "an output file does not parse",
    "fix the file at the line given")
UNKNOWN_TAG = _code(
    "SM606", "unknown-tag", "error", LOST,
    "a Liquid tag or include the theme lacks aborts the build",
    "remove the tag or add the include to the theme")
NOT_RENDERED = _code(
    "SM607", "not-rendered", "error", LOST, "an item of the model is absent from the built HTML",
    "check the item's front matter against the theme's listing")
BUILD_FAILED = _code(
    "SM608", "build-failed", "error", LOST, "Jekyll failed to build the site",
    "run `bundle exec jekyll build` in the folder for the full error")
BUILD_UNAVAILABLE = _code(
    "SM609", "build-unavailable", "info", INFO,
    "Jekyll or a plugin is missing; static checks only",
    "install Jekyll (and the theme's plugins) to check the rendered pages")
WEAK_FRONT_MATTER = _code(
    "SM610", "weak-front-matter", "warning", INFO,
    "a file lacks a key its layout shows when present; it renders with less",
    "add the key named in the message")
TEMPLATE_LEFTOVER = _code(
    "SM611", "template-leftover", "warning", CHANGED,
    "the built site shows a sample value of the theme's template",
    "set the value in _config.yml or the data file named, or clear it")
VERSION_CONTRACT = _code(
    "SM619", "version-contract", "warning", SETTING,
    "the site's config lacks a key its theme version checks at build time",
    "add the key named in the message (the theme's own _config.yml has it)")
SOCIAL_WITHOUT_ICON = _code(
    "SM620", "social-without-icon", "error", LOST,
    "a social link of the site's own names no icon; the theme's social tag fails the build",
    "add `logo:` (an icon class such as fa-solid fa-link, or an image path) to the entry")
SCHEMA_VIOLATION = _code(
    "SM614", "schema-violation", "error", LOST,
    "a key or value of _quarto.yml or a page's front matter is outside Quarto's schema "
    "(Quarto stops rendering)",
    "fix the key named in the message (converters/quarto.yml lists what Quarto allows)")
LIQUID_LEFT = _code(
    "SM615", "liquid-left", "warning", CHANGED,
    "Liquid is left in a page of a target that runs none; it shows as text",
    "replace it with the Markdown or Quarto shortcode it stood for")
LIQUID_IN_HUGO = _code(
    "SM612", "liquid-in-hugo", "error", CHANGED,
    "Liquid in a Hugo content file: Hugo shows it as text",
    "replace the tag with Markdown or a Hugo shortcode")

# --- SM9xx: internal ------------------------------------------------------------------------
INTERNAL_ERROR = _code(
    "SM900", "internal-error", "error", LOST, "a reader or writer failed unexpectedly",
    "please report this with the file named")


def code_named(code: str) -> Code:
    """The declaration of a code number ("SM201"); ``KeyError`` for an unknown one."""
    return CODES[code]


class Diagnostics:
    """Collects diagnostics; identical reports are kept once."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._seen: set[tuple[object, ...]] = set()

    def report(self, code: Code, message: str, file: str | None = None,
               line: int | None = None, *, hint: str | None = None) -> Diagnostic:
        """The one reporting call: ``code`` is a constant of this module.

        ``hint`` replaces the code's own one-line hint when the call site knows better.
        """
        if not isinstance(code, Code):
            raise TypeError(f"report() takes a Code constant, not {code!r} "
                            "(see sitemigrate.diagnostics)")
        diag = Diagnostic(
            level=code.level,
            code=code.code,
            name=code.name,
            message=message,
            file=file,
            line=line,
            loss=code.loss,
            severity=code.severity.value,
            hint=code.hint if hint is None else hint,
        )
        key = (diag.code, diag.message, diag.file, diag.line)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(diag)
        return diag

    @contextlib.contextmanager
    def reported_at(self, position: int) -> Iterator[None]:
        """Reports made inside go to ``position`` of the list, before the reports made since
        (a file's reports in file order when its checks finish after later files were
        read)."""
        tail = self.items[position:]
        if not tail:
            yield
            return
        del self.items[position:]
        try:
            yield
        finally:
            self.items.extend(tail)

    def report_at(self, code: Code, message: str, origin: Origin | None, *,
                  hint: str | None = None) -> Diagnostic:
        """``report`` at the file and line ``origin`` names (none when it is unknown)."""
        return self.report(code, message, origin.file if origin else None,
                           origin.line if origin else None, hint=hint)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diag in diagnostics:
            key = (diag.code, diag.message, diag.file, diag.line)
            if key not in self._seen:
                self._seen.add(key)
                self.items.append(diag)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def severity_of(diag: Diagnostic) -> Severity:
    """A diagnostic's severity (read from its code for models written before it existed)."""
    try:
        return Severity(diag.severity or "")
    except ValueError:
        declared = CODES.get(diag.code)
        return declared.severity if declared else Severity.INFO


def fails(diag: Diagnostic, *, strict: bool = False) -> bool:
    """Whether ``diag`` makes a run exit 1: an error, or content a visitor would see lost
    or changed; with ``strict``, any loss (settings too)."""
    if diag.level == "error":
        return True
    severity = severity_of(diag)
    return severity.visible or (strict and severity is not Severity.INFO)


def has_losses(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    """True when a run must exit 1 (see :func:`fails`)."""
    return any(fails(d, strict=strict) for d in diagnostics)


def by_severity(diagnostics: Iterable[Diagnostic]) -> dict[Severity, list[Diagnostic]]:
    """Diagnostics grouped by severity, most serious first (every severity present)."""
    groups: dict[Severity, list[Diagnostic]] = {s: [] for s in SEVERITIES}
    for diag in diagnostics:
        groups[severity_of(diag)].append(diag)
    return groups


def format_diagnostic(diag: Diagnostic, *, with_hint: bool = False) -> str:
    where = diag.location()
    prefix = f"{where}: " if where else ""
    text = f"{prefix}{diag.level} {diag.code} {diag.name}: {diag.message}"
    if with_hint and diag.hint:
        text += f" (hint: {diag.hint})"
    return text


def readme_table() -> str:
    """The README's diagnostics table, generated from the declarations."""
    rows = ["| code | name | level | severity | meaning | what to do |",
            "|---|---|---|---|---|---|"]
    rows += [f"| {c.code} | {c.name} | {c.level} | {c.severity.value} | {c.meaning} | "
             f"{c.hint} |" for c in CODES.values()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(readme_table())
