"""``sitemigrate`` command line: one thin module per command, loaded on demand."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import click

#: command name -> module in this package defining ``command``
COMMANDS = {
    "themes": "themes",
    "inspect": "inspect_cmd",
    "export": "export",
    "migrate": "migrate",
    "upgrade": "upgrade",
    "batch": "batch",
    "lab": "lab",
    "validate": "validate",
    "verify": "verify",
    "preview": "preview",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._module(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self._module(cmd_name)
        return getattr(module, "command", None) if module else None

    @staticmethod
    def _module(name: str) -> ModuleType | None:
        if name not in COMMANDS:
            return None
        try:
            return importlib.import_module(f"{__name__}.{COMMANDS[name]}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(__name__):
                return None  # command not built yet
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sitemigrate")
@click.option("--max-file-size", metavar="SIZE", envvar="SITEMIGRATE_MAX_FILE_SIZE",
              help="Refuse pages and data files larger than this (default 50MB).")
@click.option("--max-bib-size", metavar="SIZE", envvar="SITEMIGRATE_MAX_BIB_SIZE",
              help="Refuse .bib bibliographies larger than this (default 512MB, about "
                   "250,000 entries).")
def cli(max_file_size: str | None, max_bib_size: str | None) -> None:
    """Move academic Jekyll sites between themes without losing a publication.

    Read a site (academicpages, al-folio, Allan lab, custom data-driven layouts, plain
    Markdown, BibTeX), normalize it into one model, and write another theme's files.

    \b
    Example (a checkout of the target theme from `sitemigrate themes`):
      sitemigrate migrate ~/my-site --to al-folio -o ~/new-site --onto ~/al-folio

    Exit codes: 0 ok; 1 finished, with losses or errors reported; 2 usage or bad input.
    """
    for option, variable, value in (("--max-file-size", "SITEMIGRATE_MAX_FILE_SIZE",
                                     max_file_size),
                                    ("--max-bib-size", "SITEMIGRATE_MAX_BIB_SIZE",
                                     max_bib_size)):
        if value:
            _set_limit(option, variable, value)


def _set_limit(option: str, variable: str, value: str) -> None:
    import os

    from ..parsing.text import parse_size

    try:
        parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None
    previous = os.environ.get(variable)
    os.environ[variable] = value  # inherited by batch workers
    click.get_current_context().call_on_close(lambda: _restore_env(variable, previous))


def _restore_env(variable: str, previous: str | None) -> None:
    import os

    if previous is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = previous


def main() -> None:
    """The console script: run the command, then end the process at once."""
    from ..parsing.yamlio import run_as_console_script

    run_as_console_script()
    try:
        _run()
    except SystemExit as exc:
        _end_process(exc.code)
    _end_process(0)


def _end_process(code: object) -> None:
    """Flush the standard streams and exit without freeing every object one by one (what a
    normal exit does: 0.2-0.3 s for a 10,000-publication model, for nothing).  Every file
    the command wrote is closed by then; nothing registered to run at exit is ours."""
    import contextlib
    import os

    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # `| head`, a closed stream
            stream.flush()
    os._exit(code or 0)


def _run() -> None:
    try:
        cli.main(prog_name="sitemigrate", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C into Abort; it ends with 130 like any interrupted command
        interrupted = isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt)
        click.echo("interrupted" if interrupted else "Aborted!", err=True)
        sys.exit(130 if interrupted else 1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # `sitemigrate export … | head`: stop quietly, as other command-line tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except RecursionError:
        click.echo("Error: the input is nested too deeply to process", err=True)
        sys.exit(2)
    except Exception as exc:
        # a bug, not the input's fault: one line, not a traceback (SITEMIGRATE_DEBUG=1 shows it)
        import os

        if os.environ.get("SITEMIGRATE_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}; please report this "
                   "(SITEMIGRATE_DEBUG=1 shows the traceback)", err=True)
        sys.exit(1)
