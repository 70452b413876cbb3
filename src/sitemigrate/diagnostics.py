"""Stable diagnostic codes and the collector every stage reports into.

Codes are grouped: SM1xx input could not be parsed, SM2xx content understood only in
part, SM3xx content the target cannot hold (losses), SM4xx merges and repairs, SM5xx
safety limits, SM6xx checks of a migrated site (``verify``), SM9xx internal.  The README's
table is generated from ``CODES``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Diagnostic

#: code -> (name, default level, what it means)
CODES: dict[str, tuple[str, str, str]] = {
    "SM100": ("unreadable-file", "error", "a file could not be read or decoded"),
    "SM101": ("invalid-yaml", "error", "YAML front matter or data file does not parse"),
    "SM102": ("invalid-json", "error", "a JSON data file does not parse"),
    "SM103": ("invalid-csv", "error", "a CSV/TSV data file does not parse"),
    "SM104": ("invalid-bibtex", "error", "a BibTeX block does not parse"),
    "SM105": ("invalid-liquid", "warning", "Liquid markup does not parse"),
    "SM106": ("no-front-matter", "info", "a page has no front matter; Jekyll copies it as is"),
    "SM107": ("duplicate-key", "warning", "a key appears twice; the last value wins"),
    "SM108": ("bad-encoding", "warning", "text was not UTF-8; decoded with a fallback"),
    "SM109": ("front-matter-not-mapping", "error", "front matter is not a key: value map"),
    "SM110": ("unknown-kind", "error", "the source kind could not be recognised"),
    "SM201": ("missing-title", "warning", "a record has no title; one was derived"),
    "SM202": ("bad-date", "warning", "a date could not be understood"),
    "SM203": ("missing-data", "warning", "a loop or reference names data that is absent"),
    "SM204": ("unresolved-reference", "warning", "a citation or key could not be resolved"),
    "SM205": ("stub-publication", "warning", "a publication is known only by its key"),
    "SM206": ("ambiguous-content", "info", "content was interpreted heuristically"),
    "SM207": ("malformed-url", "warning", "a URL is malformed"),
    "SM208": ("duplicate-bibtex-key", "warning", "two BibTeX entries share a key"),
    "SM209": ("unrendered-folder", "info", "a folder is not a declared collection"),
    "SM210": ("not-published", "info",
              "a file Jekyll does not publish (dotfile, _-prefixed, exclude:, ._*) was not read"),
    "SM211": ("undefined-macro", "warning", "a BibTeX @string macro is not defined"),
    "SM301": ("field-dropped", "warning", "a field has no place in the target theme"),
    "SM302": ("record-dropped", "error", "a record could not be written to the target"),
    "SM303": ("liquid-kept", "info", "Liquid the target may not render was kept verbatim"),
    "SM401": ("merged-duplicate", "info", "two records of the same work were merged"),
    "SM402": ("merge-conflict", "warning", "merged records disagree on a field"),
    "SM403": ("url-repaired", "info", "a malformed URL was repaired"),
    "SM404": ("identifier-clash", "info", "records share an identifier but differ; kept apart"),
    "SM501": ("file-too-large", "error", "a file is over the size limit and was skipped"),
    "SM502": ("yaml-aliases", "error", "YAML expands too many aliases (alias bomb)"),
    "SM503": ("path-escape", "error", "a path would leave its root; refused"),
    "SM504": ("symlink-skipped", "warning", "a symlink leaving the source was not followed"),
    "SM505": ("too-deep", "error", "nesting is too deep; refused"),
    "SM506": ("special-file", "warning", "a device, FIFO or socket was not read"),
    "SM507": ("unsafe-url", "warning",
              "a URL whose scheme is not http(s), mailto or relative was dropped"),
    "SM508": ("markup-escaped", "info",
              "Liquid or HTML in text that was inert in the source was escaped to stay text"),
    "SM509": ("timeout", "error", "a site took longer than --timeout and was stopped"),
    "SM601": ("missing-key", "error", "a file lacks a key the theme's layouts need"),
    "SM602": ("hidden-item", "error", "an item exists but the theme will not list it"),
    "SM603": ("duplicate-permalink", "error", "two files render to the same URL"),
    "SM604": ("broken-link", "warning", "an internal link points at no page"),
    "SM605": ("invalid-output", "error", "an output file does not parse"),
    "SM606": ("unknown-tag", "error", "a Liquid tag or include the theme lacks aborts the build"),
    "SM607": ("not-rendered", "error", "an item of the model is absent from the built HTML"),
    "SM608": ("build-failed", "error", "Jekyll failed to build the site"),
    "SM609": ("build-unavailable", "info", "Jekyll or a plugin is missing; static checks only"),
    "SM900": ("internal-error", "error", "a reader or writer failed unexpectedly"),
}


class Diagnostics:
    """Collects diagnostics; identical reports are kept once."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._seen: set[tuple[object, ...]] = set()

    def add(
        self,
        code: str,
        message: str,
        file: str | None = None,
        line: int | None = None,
        *,
        level: str | None = None,
        loss: bool | None = None,
    ) -> Diagnostic:
        name, default_level, _ = CODES[code]
        diag = Diagnostic(
            level=level or default_level,
            code=code,
            name=name,
            message=message,
            file=file,
            line=line,
            loss=code.startswith("SM3") if loss is None else loss,
        )
        key = (diag.code, diag.message, diag.file, diag.line)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(diag)
        return diag

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diag in diagnostics:
            key = (diag.code, diag.message, diag.file, diag.line)
            if key not in self._seen:
                self._seen.add(key)
                self.items.append(diag)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def has_losses(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when a run must exit 1: an error, or content the target could not hold."""
    return any(d.level == "error" or d.loss for d in diagnostics)


def format_diagnostic(diag: Diagnostic) -> str:
    where = diag.location()
    prefix = f"{where}: " if where else ""
    return f"{prefix}{diag.level} {diag.code} {diag.name}: {diag.message}"
