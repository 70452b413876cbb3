"""The benchmark's site generator: deterministic, realistic enough for the readers to detect."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from sitemigrate.detect import detect
from sitemigrate.parsing.front_matter import split_front_matter

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load_generate():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while decorating
    spec.loader.exec_module(module)
    return module


generate = _load_generate()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("kind", generate.KINDS)
def test_same_arguments_give_identical_bytes(tmp_path: Path, kind: str) -> None:
    first = generate.generate_site(kind, tmp_path / "a", 8)
    second = generate.generate_site(kind, tmp_path / "b", 8)
    assert _tree(first) == _tree(second)
    other_seed = generate.generate_site(kind, tmp_path / "c", 8, seed=8)
    assert _tree(first) != _tree(other_seed)


def test_academicpages_publications_carry_the_theme_keys(tmp_path: Path) -> None:
    site = generate.generate_academicpages(tmp_path / "ap", 6)
    files = sorted((site / "_publications").glob("*.md"))
    assert len(files) == 6
    for path in files:
        fm = split_front_matter(path.read_text(encoding="utf-8"))
        assert fm.error is None
        assert fm.meta["collection"] == "publications"
        assert fm.meta["category"] in ("books", "manuscripts", "conferences")
        assert fm.meta["permalink"] == f"/publication/{path.stem}"
        assert path.stem.startswith(fm.meta["date"])  # YYYY-MM-DD-slug, as the theme names them
        assert fm.meta["venue"].startswith("<i>")
        assert "<strong>" in fm.meta["citation"]
        assert fm.body.strip()  # the abstract


def test_alfolio_bibliography_has_macros_accents_and_custom_fields(tmp_path: Path) -> None:
    site = generate.generate_alfolio(tmp_path / "af", 12)
    bib = (site / "_bibliography" / "papers.bib").read_text(encoding="utf-8")
    assert bib.startswith("---\n---\n")
    entries = [line for line in bib.splitlines()
               if line.startswith("@") and not line.startswith("@string")]
    assert len(entries) == 12
    assert bib.count("@string{") == 3
    for needle in ("abbr={", "bibtex_show={true}", "pdf={", "html={", "abstract={", r"{\"",
                   r"$\alpha", " and "):
        assert needle in bib, needle
    assert len(list((site / "_projects").glob("*.md"))) == 3


def test_batch_alternates_kinds(tmp_path: Path) -> None:
    sites = generate.generate_batch(tmp_path / "batch", count=4, per_site=2)
    assert [p.name for p in sites] == ["site-0000", "site-0001", "site-0002", "site-0003"]
    assert all((p / "_config.yml").is_file() for p in sites)
    assert (sites[0] / "_publications").is_dir() and (sites[1] / "_bibliography").is_dir()


@pytest.mark.parametrize("kind", generate.KINDS)
def test_readers_detect_the_generated_sites(tmp_path: Path, kind: str) -> None:
    site = generate.generate_site(kind, tmp_path / kind, 5)
    assert detect(site).kind == kind


def _load_bibgen():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_bibgen", BENCH / "bibgen.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bibliography_generator_is_deterministic_and_latex_heavy(tmp_path: Path) -> None:
    from sitemigrate.diagnostics import Diagnostics
    from sitemigrate.parsing.bibtex import parse_bibtex
    from sitemigrate.pipeline import read_site

    bibgen = _load_bibgen()
    text = bibgen.generate_bib(300)
    assert text == bibgen.generate_bib(300) != bibgen.generate_bib(300, seed=1)
    for sign in ("@string{", "crossref = {DBLP:conf/", r"\emph{", r"\textit{", r"\textbf{",
                 r"\url{", r"\cite{", "$", "{GPU}", r"{\"u}", r"{\v{S}}", "Collaboration}",
                 r"\&", "abstract = {"):
        assert sign in text, sign
    assert any(f"{{{name} and " in text for name in bibgen._SINGLE)  # single-name authors
    diagnostics = Diagnostics()
    entries = parse_bibtex(text, "refs.bib", diagnostics)
    assert len(entries) == 300 + 12 and not list(diagnostics)  # 12 @proceedings
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    model = read_site(path)
    assert len(model.publications) == 312
    abstracts = [p.abstract for p in model.publications if p.abstract]
    assert any("*" in a for a in abstracts) and any(r"\cite{" in a for a in abstracts)
    assert not any("<cit.>" in a for a in abstracts)
