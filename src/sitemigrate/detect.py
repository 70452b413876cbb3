"""Which reader fits a path, with the evidence for the choice."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .common.reader import Detection
from .registry import THEMES, get_reader, source_kinds

#: Below this score no reader is trusted to claim the path.
MIN_SCORE = 0.2


@dataclass(slots=True)
class DetectionResult:
    kind: str | None
    confidence: float
    evidence: list[str]
    candidates: dict[str, Detection] = field(default_factory=dict)

    def looked_for(self) -> str:
        return "; ".join(f"{row.name}: {row.reads}" for row in THEMES if row.reads)


def detect(path: Path) -> DetectionResult:
    """Score every reader on ``path``; the best one above ``MIN_SCORE`` wins (ties: table order)."""
    candidates: dict[str, Detection] = {}
    for kind in source_kinds():
        reader = get_reader(kind)
        if path.is_file() and not reader.reads_pages:
            continue
        try:
            candidates[kind] = reader.detect(path)
        except Exception as exc:  # noqa: BLE001 - one reader's bug must not end detection
            candidates[kind] = Detection(0.0, [f"could not look: {type(exc).__name__}: {exc}"])
    best_kind, best = None, Detection()
    for kind, found in candidates.items():
        if found.score > best.score:
            best_kind, best = kind, found
    if best_kind is None or best.score < MIN_SCORE:
        return DetectionResult(None, best.score, best.evidence, candidates)
    return DetectionResult(best_kind, round(best.score, 2), best.evidence, candidates)
