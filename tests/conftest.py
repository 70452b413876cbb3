"""Shared fixtures: where the shared seeds and corpus are, skipping cleanly without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared() -> Path:
    env = os.environ.get("SITEMIGRATE_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


SHARED = _shared()
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"


def corpus_sites(group: str | None = None) -> list[Path]:
    """Every site folder of the corpus (optionally one group); empty when it is absent."""
    if not CORPUS.is_dir():
        return []
    groups = [group] if group else sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    sites: list[Path] = []
    for name in groups:
        folder = CORPUS / name
        if folder.is_dir():
            sites.extend(sorted(p for p in folder.iterdir() if p.is_dir()))
    return sites


def sample_sources() -> list[Path]:
    """Every bundled sample: its site folder, or the files of a single-file kind (plain…)."""
    if not SAMPLES.is_dir():
        return []
    sources: list[Path] = []
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        if (folder / "_config.yml").exists() or (folder / "_config.yaml").exists() \
                or (folder / "config" / "_default").is_dir():  # a Jekyll or a Hugo site
            sources.append(folder)
        else:
            sources.extend(sorted(p for p in folder.iterdir() if p.is_file()))
    return sources


def site_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


requires_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
requires_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    return SEEDS


def _register_hypothesis_profiles() -> None:
    """``default``: a quick sample in every run; ``fuzz`` (SITEMIGRATE_FUZZ=1): 10,000 cases."""
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # pragma: no cover - hypothesis is a test dependency
        return
    settings.register_profile("default", max_examples=60, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("fuzz", max_examples=10_000, deadline=None,
                              suppress_health_check=list(HealthCheck))
    settings.load_profile("fuzz" if os.environ.get("SITEMIGRATE_FUZZ") == "1" else "default")


_register_hypothesis_profiles()


# --- without ../shared: the tests over it are left out as one group, said once ---------------

_NOT_RUN: list[str] = []


def _needs_absent_shared(item: pytest.Item) -> bool:
    if not SEEDS.is_dir() and "seeds" in getattr(item, "fixturenames", ()):
        return True
    for mark in item.iter_markers("skipif"):
        condition = mark.args[0] if mark.args else mark.kwargs.get("condition")
        if condition is True and "../shared" in str(mark.kwargs.get("reason", "")):
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CORPUS.is_dir() and SEEDS.is_dir():
        return
    left_out = [item for item in items if _needs_absent_shared(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in set(left_out)]
        _NOT_RUN.append(f"{len(left_out)} conformance tests over the real sites and seed pages "
                        f"were not run: {SHARED} is absent (point SITEMIGRATE_SHARED at a "
                        f"folder with corpus/ and seeds/ to run them)")


def pytest_report_header(config: pytest.Config) -> str | None:
    if CORPUS.is_dir() and SEEDS.is_dir():
        return f"shared corpus and seeds: {SHARED}"
    return None


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    for line in _NOT_RUN:
        terminalreporter.write_line(line, yellow=True)
