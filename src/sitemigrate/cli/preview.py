from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from .common import UsageError


@click.command("preview")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", default=4000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to serve on (always on 127.0.0.1).")
@click.option("--theme", default=None, help="Theme of PATH (default: detected); used to name "
              "the plugins it needs and where to get it.")
@click.option("--dry-run", is_flag=True, help="Print the command and URL; run nothing.")
def command(path: Path, port: int, theme: str | None, dry_run: bool) -> None:
    """Build PATH with Jekyll and serve it on http://127.0.0.1:PORT/ until Ctrl-C.

    Uses `bundle exec jekyll serve` when PATH has a Gemfile whose gems are installed, else
    the `jekyll` on PATH with the plugins that are installed (others are named).  The site
    is built into a temporary folder; nothing is written into PATH.  PATH must hold the
    theme itself (a migration made with --onto, or OUT copied over a checkout).  When
    Jekyll, a plugin the theme needs, or the theme's layouts are missing, says what and how
    to get it, and exits 2.  Exit 1 when Jekyll stops with an error.

    \b
    Example:
      sitemigrate preview ~/new-site --port 4001
    """
    from ..verify.preview import PreviewUnavailable, plan_preview, port_free

    if theme is None:
        from ..verify import detect_theme

        theme = detect_theme(path)
    with tempfile.TemporaryDirectory(prefix="sitemigrate-preview-") as tmp:
        try:
            plan = plan_preview(path, port=port, theme=theme, destination=Path(tmp) / "_site")
        except PreviewUnavailable as exc:
            raise UsageError(str(exc)) from None
        override = Path(tmp) / "preview-config.yml"
        argv = plan.command(override)
        for note in plan.notes:
            click.echo(f"note: {note}", err=True)
        if dry_run:
            env = " ".join(f"{k}={v}" for k, v in plan.env.items())
            click.echo(f"cd {plan.cwd} && {env + ' ' if env else ''}{' '.join(argv)}")
            if plan.override is not None:
                click.echo(f"# {override} (written when it runs):")
                for line in plan.override.splitlines():
                    click.echo(f"#   {line}")
            click.echo(plan.url)
            return
        if not port_free(port):
            raise UsageError(f"port {port} on 127.0.0.1 is in use; choose another with --port")
        if plan.override is not None:
            override.write_text(plan.override, encoding="utf-8")
        click.echo(f"Building {path} and serving it at {plan.url} (Ctrl-C to stop)")
        sys.exit(_run(argv, plan.cwd, plan.env))


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Run the server in the foreground; Ctrl-C or SIGTERM stops it (and it alone)."""
    import os

    proc = subprocess.Popen(argv, cwd=cwd, env=dict(os.environ, **env))
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        code = 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # Jekyll's own clean shutdown
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if code:
        click.echo(f"jekyll stopped with exit code {code}", err=True)
        return 1
    return 0
