"""Plain-data forms of plans and batch results for --json and report files."""

from __future__ import annotations

from typing import Any

from .fileset import untouched_files
from .model import to_plain
from .pipeline import Plan


def plan_to_dict(plan: Plan, *, with_diffs: bool = False) -> dict[str, Any]:
    files = []
    for change in plan.changes:
        entry: dict[str, Any] = {"path": change.path, "action": change.action}
        if with_diffs and change.action == "change":
            entry["diff"] = change.unified_diff()
        files.append(entry)
    return {
        "source": to_plain(plan.model.source),
        "target": plan.target,
        "output": str(plan.out_dir),
        "written": plan.written,
        "counts": plan.counts,
        "files": files,
        "kept": untouched_files(plan.files, plan.out_dir),
        "diagnostics": [to_plain(d) for d in plan.diagnostics],
        "seconds": round(plan.seconds, 3),
    }
