from __future__ import annotations

from pathlib import Path

import click

from .common import UsageError, describe_os_error, echo_json


@click.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def command(file: Path, as_json: bool) -> None:
    """Check a model file (JSON or YAML, as written by `export`) against the schema.

    \b
    Example:
      sitemigrate validate model.yml
    """
    from ..schema import load_model_file, validate_data

    try:
        data = load_model_file(file)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(describe_os_error(exc)) from None
    errors = validate_data(data)
    if as_json:
        echo_json({"file": str(file), "valid": not errors, "errors": errors})
    elif errors:
        for err in errors:
            click.echo(f"{file}: {err}", err=True)
    else:
        click.echo(f"{file}: valid (schema {data.get('schema_version')})")
    if errors:
        raise SystemExit(2)
