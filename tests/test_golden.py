"""Golden outputs: every sample migrated to every theme, compared file by file.

After a deliberate change, refresh with ``SITEMIGRATE_ACCEPT=1 python -m pytest
tests/test_golden.py`` and review the diff of ``tests/golden/`` before committing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import sample_sources
from roundtrip import plan_files
from test_roundtrip import _ids

from sitemigrate.pipeline import read_site
from sitemigrate.registry import target_themes

GOLDEN = Path(__file__).resolve().parent / "golden"
ACCEPT = os.environ.get("SITEMIGRATE_ACCEPT") == "1"
SAMPLES = sample_sources()


def _golden_dir(source: Path, target: str) -> Path:
    name = source.name if source.is_dir() else f"{source.parent.name}-{source.stem}"
    return GOLDEN / f"{name}-to-{target}"


@pytest.mark.parametrize("target", sorted(target_themes()))
@pytest.mark.parametrize("source", SAMPLES, ids=[_ids(s) for s in SAMPLES])
def test_sample_matches_golden(source: Path, target: str) -> None:
    files = plan_files(read_site(source), target)
    golden = _golden_dir(source, target)
    if ACCEPT:
        shutil.rmtree(golden, ignore_errors=True)
        for rel, data in files.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
        return
    assert golden.is_dir(), f"no golden output {golden}; run with SITEMIGRATE_ACCEPT=1"
    on_disk = sorted(p.relative_to(golden).as_posix() for p in golden.rglob("*") if p.is_file())
    assert on_disk == [rel for rel, _ in files.items()], "file list differs from golden"
    for rel, data in files.items():
        expected = (golden / rel).read_bytes()
        assert data.decode("utf-8") == expected.decode("utf-8"), f"{rel} differs from golden"
