"""Plain research statements: the seed's sections, references and citations, hand-checked."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, SAMPLES, SEEDS, requires_seeds

from sitemigrate.detect import detect
from sitemigrate.pipeline import read_site

SEED = SEEDS / "plain-research-statement.md"


@requires_seeds
def test_seed_is_detected_as_plain() -> None:
    assert detect(SEED).kind == "plain"


@requires_seeds
def test_seed_sections_ranked_by_number() -> None:
    model = read_site(SEED)
    assert model.site.title == "Research Statement"
    assert [t.title for t in model.themes] == [
        "Task-Specific Multimodal Understanding",
        "Adapting General LLMs for Domain-Specific Tasks",
        "Towards Efficient Training and Inference for LLMs",
        "Reducing Hallucinations and Building Trustworthy LLMs"]
    assert [t.origin.line for t in model.themes] == [13, 23, 33, 39]
    first = model.themes[0]
    assert [s.title for s in first.subthemes] == [
        "Text-video Alignment", "Multimodal Feature Fusion",
        "Rethinking the Specialized Understanding Models"]
    assert [s.title for s in model.themes[1].subthemes] == [
        "Rethinking the Enhancement of Problem-Solving Capabilities"]


@requires_seeds
def test_seed_references() -> None:
    model = read_site(SEED)
    pubs = model.publications
    assert len(pubs) == 8
    assert [p.year for p in pubs] == [2024, 2024, 2024, 2024, 2024, 2024, 2023, 2024]
    assert pubs[1].title == "Task oriented in-domain data augmentation"
    assert pubs[1].venue == "EMNLP"
    assert pubs[1].authors == ["Xiao Liang", "Xinyu Hu", "Simiao Zuo", "Yeyun Gong",
                               "Qiang Lou", "Yi Liu", "Shao-Lun Huang", "Jian Jiao"]
    assert len(pubs[0].authors) == 10 and pubs[0].extra["authors_truncated"]
    assert pubs[3].venue == ("2024 IEEE International Conference on Multimedia and Expo "
                             "(ICME)")
    assert pubs[4].venue == "Advances in Neural Information Processing Systems"
    assert pubs[7].title == ("Chunk, align, select: A simple long-sequence processing "
                             "method for transformers")


@requires_seeds
def test_seed_citations_tie_references_to_sections() -> None:
    model = read_site(SEED)
    number = {p.id: p.extra["reference_number"] for p in model.publications}
    cited = [sorted(number[i] for i in t.publication_ids) for t in model.themes]
    assert cited == [[4, 6, 7], [2, 3], [8], [1, 5]]


@requires_seeds
def test_seed_running_header_removed_and_paragraph_rejoined() -> None:
    model = read_site(SEED)
    assert model.site.extra["running_header"] == "Statement of Purpose: Xiao Liang"
    assert sum(d.message.startswith("running page header") for d in model.diagnostics) == 3
    second = model.themes[1].body or ""
    assert "— **acquiring** foundational knowledge and applying it" in second
    texts = [model.pages[0].body] + [t.body or "" for t in model.all_themes()]
    assert not any("Statement of Purpose" in text for text in texts)


def test_fixture_header_join_and_dotted_numbers() -> None:
    model = read_site(FIXTURES / "plain" / "split-header.md", "plain")
    assert model.site.title == "Statement"
    (part,) = model.themes
    assert "**interrupted** mid sentence and then goes on [2]." in (part.body or "")
    assert [s.title for s in part.subthemes] == ["A Detail"]
    assert [p.title for p in model.publications] == ["Alpha", "Beta gamma"]
    assert part.publication_ids == [model.publications[1].id]


def test_sample_statement() -> None:
    path = SAMPLES / "plain" / "research-statement.md"
    assert b"\r\n" in path.read_bytes()  # the sample's quirk: CRLF line ends
    model = read_site(path)
    assert model.source.kind == "plain"
    assert len(model.publications) == 8
    assert [len(t.subthemes) for t in model.themes] == [2, 1, 0]
    assert model.themes[1].subthemes[0].title == "Uncertainty"
    assert model.publications[2].authors == ["Tomas Reyes", "Mira Solberg", "Ines Calder",
                                             "Oskar Berg"]


def test_detect_prefers_theme_readers_for_pages_with_front_matter(tmp_path: Path) -> None:
    page = tmp_path / "research.md"
    page.write_text("---\nlayout: textlay\ntitle: R\n---\n\n# Research\n\n## A\n\ntext\n")
    assert detect(page).kind == "allanlab"
