"""What every writer shares: its context and the base class."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from ruamel.yaml.comments import CommentedMap

from ..diagnostics import Code, Diagnostics, code_named
from ..fileset import FileSet
from ..model import Model, Origin
from ..parsing.config_yaml import load_config
from ..parsing.yamlio import YamlError
from .inert import make_inert


class WriteContext:
    """Diagnostics collector plus read access to what the output folder already holds.

    ``existing(rel)`` returns the bytes of a file already in the output folder (for merging
    ``_config.yml`` into a real checkout), or ``None``.
    """

    def __init__(self, diagnostics: Diagnostics | None = None,
                 existing: Callable[[str], bytes | None] | None = None) -> None:
        self.diagnostics = diagnostics if diagnostics is not None else Diagnostics()
        self._existing = existing or (lambda rel: None)
        #: source file -> the path the theme wants it at (``assets.copy_assets`` copies it)
        self.moved_assets: dict[str, str] = {}

    def existing(self, rel: str) -> bytes | None:
        return self._existing(rel)

    def report(self, code: Code, message: str, file: str | None = None,
               line: int | None = None, *, hint: str | None = None) -> None:
        self.diagnostics.report(code, message, file, line, hint=hint)

    def report_at(self, code: Code, message: str, origin: Origin | None, *,
                  hint: str | None = None) -> None:
        """``report`` at the file and line ``origin`` names (none when it is unknown)."""
        self.diagnostics.report_at(code, message, origin, hint=hint)

    def existing_config(self, rel: str = "_config.yml") -> CommentedMap | None:
        """The output folder's config (``_config.yml``, or ``rel``) as a comment-keeping map
        to merge into, or ``None`` when there is none or it is empty.  One policy for every
        writer: a config that does not load is reported (SM101; SM505 or SM502 when refused
        unparsed for its nesting or aliases) and the writer writes a fresh one in its place."""
        data = self.existing(rel)
        if data is None:
            return None
        try:
            return load_config(data)
        except YamlError as exc:
            self.diagnostics.report(code_named(exc.code), f"existing {rel} does not load "
                                    f"({exc.message}); written afresh", rel, exc.line)
            return None


    @staticmethod
    def from_folder(out_dir: Path | None, diagnostics: Diagnostics | None = None,
                    ) -> WriteContext:
        if out_dir is None:
            return WriteContext(diagnostics)
        root = out_dir.resolve()

        def existing(rel: str) -> bytes | None:
            try:  # a name the file system refuses (too long…) names no file there
                path = (root / rel).resolve()
                if not path.is_relative_to(root) or not path.is_file():
                    return None
                return path.read_bytes()
            except OSError:
                return None

        return WriteContext(diagnostics, existing)


class Writer:
    """Base class: subclasses set ``name`` and implement ``write``, which never touches disk.

    Every subclass's ``write`` first makes the model's inert values inert for good
    (``common.inert``): no writer can place a BibTeX abstract or a front-matter value where
    Liquid or HTML would run it.
    """

    name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("write")
        if own is not None:
            @functools.wraps(own)
            def write(self: Writer, model: Model, ctx: WriteContext) -> FileSet:
                make_inert(model, ctx.diagnostics)
                return own(self, model, ctx)

            cls.write = write  # type: ignore[method-assign]

    def write(self, model: Model, ctx: WriteContext) -> FileSet:
        raise NotImplementedError

    def for_version(self, version: str) -> Writer:
        """This writer for one version of its theme (``registry``: a row with ``version``);
        a theme whose versions all read one layout has no other."""
        raise ValueError(f"the {self.name} writer writes one version only, not {version!r}")
