"""sitemigrate: move academic Jekyll sites between themes through one normalized model.

Library first: ``read_site`` reads a folder or page into a ``Model``; ``plan_migration``
runs a writer in memory; ``migrate`` does both and writes atomically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .pipeline import migrate, plan_migration, read_site

__all__ = ["migrate", "plan_migration", "read_site", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("migrate", "plan_migration", "read_site"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
