"""Helpers the commands share: error mapping, JSON output, diagnostics printing."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

if TYPE_CHECKING:
    from ..model import Diagnostic

P = ParamSpec("P")
R = TypeVar("R")


class UsageError(click.ClickException):
    """Bad input or usage: exit code 2."""

    exit_code = 2


def input_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the library's input errors into clean messages with exit code 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from ..diagnostics import format_diagnostic
        from ..fileset import OutputLocked, OverwriteRefused
        from ..paths import UnsafePathError
        from ..pipeline import ReaderFailed, SourceError, UnknownKind

        try:
            return func(*args, **kwargs)
        except UnknownKind as exc:  # SM110, named like every other diagnostic
            raise UsageError(format_diagnostic(exc.diagnostic, with_hint=True)) from None
        except SourceError as exc:
            raise UsageError(str(exc)) from None
        except ReaderFailed as exc:
            raise click.ClickException(str(exc)) from None  # exit 1: finished with an error
        except OverwriteRefused as exc:
            listing = "\n  ".join(exc.paths[:20])
            more = f"\n  … and {len(exc.paths) - 20} more" if len(exc.paths) > 20 else ""
            raise UsageError(f"{exc}; nothing was written. Use --force to overwrite, or "
                             f"--dry-run to see the diff:\n  {listing}{more}") from None
        except UnsafePathError as exc:
            raise UsageError(f"refused an unsafe output path: {exc}") from None
        except OutputLocked as exc:
            raise UsageError(str(exc)) from None
        except BrokenPipeError:
            raise  # the reader of our output went away (| head): not an input error
        except OSError as exc:
            raise UsageError(describe_os_error(exc)) from None

    return wrapper


def describe_os_error(exc: OSError) -> str:
    """``path: reason`` (both paths for a rename); never a message without its path."""
    where = exc.filename
    if where and exc.filename2:
        where = f"{where} -> {exc.filename2}"
    reason = exc.strerror or str(exc)
    if where:
        return f"{os.fsdecode(where)}: {reason}"
    return reason if reason else type(exc).__name__


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def echo_diagnostics(diagnostics: Iterable[Diagnostic], limit: int = 50, *,
                     with_hints: bool = False) -> None:
    from ..diagnostics import format_diagnostic

    items = list(diagnostics)
    for diag in items[:limit]:
        click.echo(format_diagnostic(diag, with_hint=with_hints), err=True)
    if len(items) > limit:
        click.echo(f"… {len(items) - limit} more diagnostics (use --json or --report for "
                   "all)", err=True)


def echo_by_severity(diagnostics: Iterable[Diagnostic], limit: int = 50) -> None:
    """Diagnostics grouped by severity, most serious first, each with its hint; plain
    information is only counted."""
    from ..diagnostics import Severity, by_severity
    from ..report import SEVERITY_TITLES

    for severity, items in by_severity(diagnostics).items():
        if not items:
            continue
        if severity is Severity.INFO:
            listed = [d for d in items if d.level != "info"]
            click.echo(f"{SEVERITY_TITLES[severity]}: {len(items)} (nothing lost)", err=True)
            echo_diagnostics(listed, 10, with_hints=True)
            continue
        click.echo(f"{SEVERITY_TITLES[severity]}: {len(items)}", err=True)
        echo_diagnostics(items, limit if severity.visible else 10, with_hints=True)


def exit_for(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> None:
    from ..diagnostics import has_losses

    if has_losses(diagnostics, strict=strict):
        sys.exit(1)


strict_option = click.option(
    "--strict", is_flag=True,
    help="Exit 1 on any loss, settings too (by default only content a visitor would see "
         "lost or changed, and errors, make the run exit 1).")


kind_option = click.option(
    "--from", "kind", metavar="KIND", default=None,
    help="Source kind to read as, instead of detecting it (see `sitemigrate themes`).")


add_option = click.option(
    "--add", "add", multiple=True, metavar="PATH",
    type=click.Path(exists=True, path_type=Path),
    help="Merge another source into the first (repeatable): a site folder, page, .bib, "
         "CSL-JSON/YAML or TSV, read by its own detected reader. Duplicates merge across "
         "all sources; the first keeps its profile, pages and values, the others add "
         "records, fields and links it lacks.")
def colored(line: str) -> str:
    """A unified-diff line coloured for a terminal: additions green, removals red."""
    if line.startswith("+") and not line.startswith("+++"):
        return click.style(line, fg="green")
    if line.startswith("-") and not line.startswith("---"):
        return click.style(line, fg="red")
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    return line
