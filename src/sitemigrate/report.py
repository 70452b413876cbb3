"""Reports a person reads: plain data for ``--json``, and Markdown, JSON and HTML files.

One site's result (from ``batch`` or ``migrate --report``) carries its findings grouped by
severity, each code named, every finding that is not plain information listed with its
``file:line`` and hint, and a three-line verdict: "ready", "ready after N fixes" or "needs
review".  ``write_reports`` picks the format by the file's extension; the HTML page is
self-contained (inline CSS and JS, no network) with a collapsible section per site, the
diffs where the run has them, and a filter by severity.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import CODES, SEVERITIES, Severity, fails, severity_of
from .model import Diagnostic, to_plain

if TYPE_CHECKING:
    from .pipeline import Plan

#: Lines of one file's diff kept in a report (the rest is counted).
MAX_DIFF_LINES = 400

SEVERITY_TITLES = {
    Severity.CONTENT_LOST: "Content lost",
    Severity.CONTENT_CHANGED: "Content changed",
    Severity.SETTING_NOT_CARRIED: "Settings not carried",
    Severity.INFO: "Information",
}
SEVERITY_NOTES = {
    Severity.CONTENT_LOST: "something visitors saw is not on the new site",
    Severity.CONTENT_CHANGED: "visitors will see it differently: check each one",
    Severity.SETTING_NOT_CARRIED: "a setting the target has no key for; set its own "
                                  "equivalent if you need it",
    Severity.INFO: "how the source was read; nothing lost",
}


# --------------------------------------------------------------------------- one site

def finding(diag: Diagnostic) -> dict[str, Any]:
    """A diagnostic as a report entry: its code named, where, what, and what to do."""
    return {"code": diag.code, "name": diag.name, "level": diag.level,
            "severity": severity_of(diag).value, "loss": diag.loss,
            "where": diag.location(), "file": diag.file, "line": diag.line,
            "message": diag.message, "hint": diag.hint or ""}


def listed(diag: Diagnostic) -> bool:
    """Findings a report lists one by one: anything but plain information (every error and
    warning, every loss); plain information is counted by code."""
    return diag.level != "info" or severity_of(diag) is not Severity.INFO


def summarize_diagnostics(diagnostics: Iterable[Diagnostic], *, strict: bool = False,
                          failed: bool = False) -> dict[str, Any]:
    """Counts by severity and code, the listed findings and the verdict of one site."""
    items = list(diagnostics)
    by_severity = Counter(severity_of(d).value for d in items)
    by_code = Counter(d.code for d in items)
    errors = sum(1 for d in items if d.level == "error")
    summary = {
        "severity_counts": {s.value: by_severity[s.value] for s in SEVERITIES},
        "diagnostics_by_code": dict(sorted(by_code.items())),
        "codes": {code: {"name": CODES[code].name if code in CODES else "",
                         "severity": _code_severity(code, items), "count": n}
                  for code, n in sorted(by_code.items())},
        "findings": [finding(d) for d in items if listed(d)],
        "errors": errors,
        "warnings": sum(1 for d in items if d.level == "warning"),
        "losses": sum(1 for d in items if d.loss),
        "fails": failed or any(fails(d, strict=strict) for d in items),
        "review": sum(1 for d in items
                      if d.level == "error" or severity_of(d) is Severity.CONTENT_LOST),
    }
    summary["verdict"] = verdict(summary, failed=failed)
    return summary


def _code_severity(code: str, items: list[Diagnostic]) -> str:
    declared = CODES.get(code)
    if declared is not None:
        return declared.severity.value
    return next(severity_of(d).value for d in items if d.code == code)


def verdict(summary: dict[str, Any], *, failed: bool = False, error: str | None = None,
            ) -> dict[str, Any]:
    """Three lines a person reads first: the state, what was found, what to do next."""
    counts = summary["severity_counts"]
    lost, changed = counts["content-lost"], counts["content-changed"]
    settings = counts["setting-not-carried"]
    errors = summary["errors"]
    if failed:
        state = "needs review"
        todo = f"the migration did not finish ({error or 'see the error'}); fix that first"
    elif lost or errors:
        state = "needs review"
        review = summary.get("review", lost + errors)
        todo = (f"review the {review} finding{'s' if review != 1 else ''} below (content lost "
                "or an error) before publishing; each names its file and line")
    elif changed:
        state = f"ready after {changed} fix{'es' if changed != 1 else ''}"
        todo = "check each content change below (file:line and a hint for each)"
    else:
        state = "ready"
        todo = ("nothing a visitor would miss; preview it with `sitemigrate verify OUT "
                "--build`")
    found = (f"content lost {lost} · content changed {changed} · settings not carried "
             f"{settings} · info {counts['info']}")
    if settings and not failed:
        todo += f"; {settings} setting{'s' if settings != 1 else ''} not carried (see below)"
    return {"state": state, "lines": [state, found, todo]}


def site_from_plan(plan: Plan, name: str, *, strict: bool = False,
                   with_diffs: bool = True) -> dict[str, Any]:
    """A single migration as one site of a report (``migrate --report``)."""
    from .fileset import untouched_files

    actions = Counter(change.action for change in plan.changes)
    site: dict[str, Any] = {
        "name": name, "source": plan.model.source.path, "target": plan.target,
        "output": str(plan.out_dir), "kind": plan.model.source.kind,
        "confidence": plan.model.source.confidence, "status": "ok", "error": None,
        "written": plan.written,
        "counts": {k: plan.counts[k] for k in ("publications", "projects", "themes", "pages",
                                               "items")},
        "files": {"create": actions["create"], "change": actions["change"],
                  "same": actions["same"], "total": len(plan.files),
                  "kept": len(untouched_files(plan.files, plan.out_dir))},
        "seconds": round(plan.seconds, 3),
    }
    site.update(summarize_diagnostics(plan.diagnostics, strict=strict))
    site["status"] = "losses" if site["fails"] else "ok"
    site["diffs"] = plan_diffs(plan) if with_diffs else []
    return site


def plan_diffs(plan: Plan) -> list[dict[str, str]]:
    """Unified diffs of the files a run changes (capped at ``MAX_DIFF_LINES`` each)."""
    out = []
    for change in plan.changes:
        if change.action != "change":
            continue
        lines = change.unified_diff().splitlines()
        if len(lines) > MAX_DIFF_LINES:
            lines = lines[:MAX_DIFF_LINES] + [f"… {len(lines) - MAX_DIFF_LINES} more lines"]
        out.append({"path": change.path, "diff": "\n".join(lines)})
    return out


def plan_to_dict(plan: Plan, *, with_diffs: bool = False, strict: bool = False,
                 ) -> dict[str, Any]:
    """``migrate --json``: the plan, every diagnostic, and the verdict."""
    from .fileset import untouched_files

    files = []
    for change in plan.changes:
        entry: dict[str, Any] = {"path": change.path, "action": change.action}
        if with_diffs and change.action == "change":
            entry["diff"] = change.unified_diff()
        files.append(entry)
    summary = summarize_diagnostics(plan.diagnostics, strict=strict)
    return {
        "source": to_plain(plan.model.source),
        "target": plan.target,
        "output": str(plan.out_dir),
        "written": plan.written,
        "counts": plan.counts,
        "files": files,
        "kept": untouched_files(plan.files, plan.out_dir),
        "verdict": summary["verdict"],
        "severity_counts": summary["severity_counts"],
        "diagnostics": [to_plain(d) for d in plan.diagnostics],
        "seconds": round(plan.seconds, 3),
    }


# --------------------------------------------------------------------------- totals

COUNT_KEYS = ("publications", "projects", "themes", "pages", "items")


def totals(sites: list[dict[str, Any]]) -> dict[str, Any]:
    by_code: dict[str, dict[str, Any]] = {}
    for site in sites:
        for code, entry in site.get("codes", {}).items():
            total = by_code.setdefault(code, {**entry, "count": 0})
            total["count"] += entry["count"]
    statuses = Counter(site["status"] for site in sites)
    verdicts = Counter(_verdict_kind(site) for site in sites)
    return {
        "sites": len(sites),
        "ok": statuses["ok"], "with_losses": statuses["losses"], "failed": statuses["failed"],
        "verdicts": {k: verdicts[k] for k in ("ready", "ready after fixes", "needs review")},
        "counts": {key: sum(site["counts"].get(key, 0) for site in sites) for key in COUNT_KEYS},
        "files": {key: sum(site["files"][key] for site in sites)
                  for key in ("create", "change", "same", "total", "kept")},
        "severity_counts": {s.value: sum(site["severity_counts"][s.value] for site in sites)
                            for s in SEVERITIES},
        "losses": sum(site["losses"] for site in sites),
        "errors": sum(site["errors"] for site in sites),
        "warnings": sum(site["warnings"] for site in sites),
        "diagnostics_by_code": {code: e["count"] for code, e in sorted(by_code.items())},
        "codes": dict(sorted(by_code.items())),
        "seconds": round(sum(site["seconds"] for site in sites), 3),
    }


# --------------------------------------------------------------------------- files

def write_reports(data: dict[str, Any], path: Path) -> list[Path]:
    """Write ``data`` at ``path`` in the format its extension names (``.json``, ``.md``,
    ``.html``), with the JSON beside a Markdown or HTML report and the Markdown beside the
    JSON, so a run always leaves both a person's and a program's copy."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    json_path = path if suffix == ".json" else path.with_suffix(".json")
    written = []
    if suffix in (".html", ".htm"):
        path.write_text(html_report(data), encoding="utf-8")
        written.append(path)
    else:
        md_path = path if suffix == ".md" else json_path.with_suffix(".md")
        md_path.write_text(markdown_report(data), encoding="utf-8")
        written.append(md_path)
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    written.insert(0, json_path)
    return written


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_report(data: dict[str, Any]) -> str:
    settings, total = data["settings"], data["totals"]
    mode = "dry run, nothing written" if settings.get("dry_run") else "written"
    sev = total["severity_counts"]
    lines = [
        f"# sitemigrate {settings.get('command', 'batch')} report", "",
        f"- input: `{settings.get('input')}`",
        f"- output: `{settings.get('output')}` ({mode})",
        f"- target: {settings.get('target') or 'per site'}"
        + (f"; jobs: {settings.get('jobs')}; shard: {settings.get('shard') or 'all'}"
           if "jobs" in settings else "")
        + ("; strict" if settings.get("strict") else ""),
        f"- sites: {total['sites']} ({_verdict_counts(data['sites'])}); "
        f"{total['failed']} failed; wall time {data.get('wall_seconds', 0):.1f} s",
        *([f"- **interrupted** (Ctrl-C): {len(settings.get('not_run') or [])} sites did not "
           "finish and are not listed"] if settings.get("interrupted") else []),
        f"- findings: content lost {sev['content-lost']}, content changed "
        f"{sev['content-changed']}, settings not carried {sev['setting-not-carried']}, "
        f"info {sev['info']}", "",
        "| site | kind | confidence | pubs | projects | themes | pages | items | files "
        "(new/changed/same) | verdict | content lost | content changed | settings not "
        "carried | errors | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for site in data["sites"]:
        lines.append(_markdown_row(site))
    c, f = total["counts"], total["files"]
    lines.append(
        f"| **total** | | | {c['publications']} | {c['projects']} | {c['themes']} | "
        f"{c['pages']} | {c['items']} | {f['total']} ({f['create']}/{f['change']}/{f['same']}) "
        f"| | {sev['content-lost']} | {sev['content-changed']} | "
        f"{sev['setting-not-carried']} | {total['errors']} | {total['seconds']:.1f} |")
    lines += ["", "## Findings by code", "",
              "| severity | code | name | count | meaning |", "|---|---|---|---|---|"]
    ordered = sorted(total["codes"].items(),
                     key=lambda kv: ([s.value for s in SEVERITIES].index(kv[1]["severity"]),
                                     kv[0]))
    for code, entry in ordered:
        meaning = CODES[code].meaning if code in CODES else ""
        lines.append(f"| {entry['severity']} | {code} | {entry['name']} | {entry['count']} | "
                     f"{_cell(meaning)} |")
    if not ordered:
        lines.append("| | | none | | |")
    for site in data["sites"]:
        lines += _markdown_site(site)
    return "\n".join(lines) + "\n"


def _verdict_counts(sites: list[dict[str, Any]]) -> str:
    states = Counter(_verdict_kind(site) for site in sites)
    return ", ".join(f"{states[k]} {k}" for k in ("ready", "ready after fixes", "needs review"))


def _verdict_kind(site: dict[str, Any]) -> str:
    state = site["verdict"]["state"]
    return "ready after fixes" if state.startswith("ready after") else state


def _markdown_row(site: dict[str, Any]) -> str:
    c, f, s = site["counts"], site["files"], site["severity_counts"]
    conf = "" if site.get("confidence") is None else f"{site['confidence']:.2f}"
    counts = " | ".join(str(c.get(key, "")) for key in COUNT_KEYS)
    return (f"| {_cell(site['name'])} | {site['kind'] or ''} | {conf} | {counts} | "
            f"{f['total']} ({f['create']}/{f['change']}/{f['same']}) | "
            f"{site['verdict']['state']} | {s['content-lost']} | {s['content-changed']} | "
            f"{s['setting-not-carried']} | {site['errors']} | {site['seconds']:.2f} |")


def _markdown_site(site: dict[str, Any]) -> list[str]:
    state, found, todo = site["verdict"]["lines"]
    lines = ["", f"## {site['name']}: {state}", "", f"**{state}**  ", f"{found}  ", todo, "",
             f"source: `{site['source']}` ({site['kind'] or 'unknown kind'}) → "
             f"{site['target']}, output `{site['output']}`"]
    if site["error"]:
        lines += ["", f"**failed:** {_cell(site['error'])}"]
    groups: dict[str, list[dict[str, Any]]] = {s.value: [] for s in SEVERITIES}
    for entry in site["findings"]:
        groups[entry["severity"]].append(entry)
    for severity in SEVERITIES:
        entries = groups[severity.value]
        codes = {c: e for c, e in site.get("codes", {}).items()
                 if e["severity"] == severity.value}
        if not entries and not codes:
            continue
        total = sum(e["count"] for e in codes.values())
        lines += ["", f"### {SEVERITY_TITLES[severity]} ({total})", "",
                  f"_{SEVERITY_NOTES[severity]}_", ""]
        lines.append("codes: " + ", ".join(f"{c} {e['name']} × {e['count']}"
                                           for c, e in codes.items()))
        if entries:
            lines.append("")
        for entry in entries:
            where = f"`{entry['where']}` " if entry["where"] else ""
            hint = f" — _{_cell(entry['hint'])}_" if entry["hint"] else ""
            lines.append(f"- {where}{entry['level']} {entry['code']} {entry['name']}: "
                         f"{_cell(entry['message'])}{hint}")
    return lines


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;
background:#f6f7f9}
header{background:#1d2b3a;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:22px}header p{margin:2px 0;color:#cfd8e3}
main{padding:18px 28px;max-width:1200px}
.totals{display:flex;gap:10px;flex-wrap:wrap;margin:8px 0 16px}
.chip{border-radius:14px;padding:3px 12px;font-weight:600;font-size:13px}
.content-lost{background:#fde2e1;color:#8f1d18}.content-changed{background:#fff1d6;color:#7a4d00}
.setting-not-carried{background:#e4ecfb;color:#1f3f7a}.info{background:#eceff3;color:#4a5561}
.filter{background:#fff;border:1px solid #d9dee5;border-radius:8px;padding:8px 12px;
margin-bottom:14px}.filter label{margin-right:14px;cursor:pointer}
details.site{background:#fff;border:1px solid #d9dee5;border-radius:8px;margin:10px 0}
details.site>summary{cursor:pointer;padding:10px 14px;list-style:none}
details.site>summary::-webkit-details-marker{display:none}
details.site>summary:before{content:"▸ ";color:#6b7785}
details.site[open]>summary:before{content:"▾ "}
.verdict{font-weight:700;font-size:16px}.v-ready{color:#1e6b35}.v-fixes{color:#7a4d00}
.v-review{color:#8f1d18}.line{color:#4a5561;font-size:14px;margin-left:18px}
.body{padding:0 16px 14px}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:6px 0 12px}
th,td{border-bottom:1px solid #e6e9ee;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f6}td.where{font-family:ui-monospace,Menlo,monospace;white-space:nowrap}
td.hint{color:#4a5561;font-style:italic}
h3{margin:14px 0 4px;font-size:15px}.note{color:#6b7785;font-size:13px;margin:0 0 4px}
pre.diff{background:#0f1720;color:#dce3ea;padding:10px;overflow:auto;font-size:12.5px;
border-radius:6px}.diff .add{color:#7ee787}.diff .del{color:#ff9b95}.diff .hunk{color:#79c0ff}
.hidden{display:none}
"""

_JS = """
(function(){
  var boxes=document.querySelectorAll('.filter input[type=checkbox]');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked;});
    document.querySelectorAll('[data-severity]').forEach(function(el){
      el.classList.toggle('hidden',!on[el.getAttribute('data-severity')]);});
    document.querySelectorAll('details.site').forEach(function(site){
      var shown=site.querySelectorAll('section[data-severity]:not(.hidden)').length;
      var any=site.querySelectorAll('section[data-severity]').length;
      site.classList.toggle('hidden',any>0&&shown===0);});
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  var all=document.getElementById('expand-all');
  if(all){all.addEventListener('click',function(){
    var open=all.getAttribute('data-open')!=='1';
    document.querySelectorAll('details.site').forEach(function(d){d.open=open;});
    all.setAttribute('data-open',open?'1':'0');
    all.textContent=open?'Collapse all':'Expand all';});}
  apply();
})();
"""


def html_report(data: dict[str, Any]) -> str:
    """One self-contained page: no external asset, no network (inline CSS and JS)."""
    settings, total = data["settings"], data["totals"]
    sev = total["severity_counts"]
    mode = "dry run, nothing written" if settings.get("dry_run") else "written"
    chips = "".join(f'<span class="chip {s.value}">{escape(SEVERITY_TITLES[s])}: '
                    f'{sev[s.value]}</span>' for s in SEVERITIES)
    filters = "".join(
        f'<label><input type="checkbox" value="{s.value}" checked> '
        f'{escape(SEVERITY_TITLES[s])}</label>' for s in SEVERITIES)
    sites = "\n".join(_html_site(site) for site in data["sites"])
    title = f"sitemigrate {settings.get('command', 'batch')} report"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head>
<body><header><h1>{escape(title)}</h1>
<p>input <code>{escape(str(settings.get('input')))}</code> → target
{escape(str(settings.get('target') or 'per site'))}, output
<code>{escape(str(settings.get('output')))}</code> ({escape(mode)})</p>
<p>{total['sites']} site(s): {escape(_verdict_counts(data['sites']))};
{total['failed']} failed</p></header>
<main><div class="totals">{chips}</div>
<div class="filter"><strong>Show:</strong> {filters}
<button type="button" id="expand-all">Expand all</button></div>
{sites}
</main><script>{_JS}</script></body></html>
"""


def _html_site(site: dict[str, Any]) -> str:
    state, found, todo = site["verdict"]["lines"]
    css = ("v-ready" if state == "ready" else "v-fixes" if state.startswith("ready after")
           else "v-review")
    parts = [f'<details class="site" id="site-{escape(site["name"])}">',
             f'<summary><span class="verdict {css}">{escape(site["name"])}: '
             f'{escape(state)}</span><div class="line">{escape(found)}</div>'
             f'<div class="line">{escape(todo)}</div></summary><div class="body">',
             f'<p>source <code>{escape(str(site["source"]))}</code> '
             f'({escape(str(site["kind"] or "unknown kind"))}) → '
             f'{escape(str(site["target"]))}, output <code>{escape(str(site["output"]))}'
             "</code></p>"]
    if site["error"]:
        parts.append(f'<p class="v-review"><strong>failed:</strong> '
                     f'{escape(str(site["error"]))}</p>')
    groups: dict[str, list[dict[str, Any]]] = {s.value: [] for s in SEVERITIES}
    for entry in site["findings"]:
        groups[entry["severity"]].append(entry)
    for severity in SEVERITIES:
        codes = {c: e for c, e in site.get("codes", {}).items()
                 if e["severity"] == severity.value}
        entries = groups[severity.value]
        if not codes and not entries:
            continue
        count = sum(e["count"] for e in codes.values())
        code_list = ", ".join(f"{escape(c)} {escape(e['name'])} × {e['count']}"
                              for c, e in codes.items())
        parts.append(f'<section data-severity="{severity.value}"><h3>'
                     f'<span class="chip {severity.value}">{escape(SEVERITY_TITLES[severity])}'
                     f" ({count})</span></h3><p class=\"note\">"
                     f"{escape(SEVERITY_NOTES[severity])}. Codes: {code_list}</p>")
        if entries:
            rows = "".join(
                f'<tr><td class="where">{escape(e["where"] or "")}</td>'
                f'<td>{escape(e["code"])} {escape(e["name"])}</td>'
                f'<td>{escape(e["message"])}</td><td class="hint">{escape(e["hint"])}</td></tr>'
                for e in entries)
            parts.append("<table><tr><th>where</th><th>code</th><th>what</th>"
                         f"<th>what to do</th></tr>{rows}</table>")
        parts.append("</section>")
    for diff in site.get("diffs") or []:
        parts.append(f'<details class="diff"><summary>diff of {escape(diff["path"])}</summary>'
                     f'<pre class="diff">{_html_diff(diff["diff"])}</pre></details>')
    parts.append("</div></details>")
    return "".join(parts)


def _html_diff(text: str) -> str:
    out = []
    for line in text.splitlines():
        css = ("hunk" if line.startswith("@@") else
               "add" if line.startswith("+") and not line.startswith("+++") else
               "del" if line.startswith("-") and not line.startswith("---") else "")
        out.append(f'<span class="{css}">{escape(line)}</span>' if css else escape(line))
    return "\n".join(out)
