"""Reports a person reads: verdicts, severity groups, named codes, file:line, HTML.

The HTML report is rendered by headless Chromium (Debian's ``chromium``; the test skips
when it is absent): its text must show the verdicts and findings, a click on a site's
summary must open its section, and the severity filter must hide what it unticks.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from sitemigrate.cli import cli as main
from sitemigrate.diagnostics import (
    CODES,
    LIQUID_KEPT,
    MISSING_TITLE,
    RECORD_DROPPED,
    SETTING_DROPPED,
    Diagnostics,
    Severity,
    fails,
    has_losses,
)
from sitemigrate.report import html_report, summarize_diagnostics

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _sample_site(tmp_path: Path) -> Path:
    """A small Allan lab site: one setting al-folio lacks, one bare-string publist item."""
    site = tmp_path / "lab"
    (site / "_data").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Lab\nfavicon: /x.ico\n", encoding="utf-8")
    (site / "_data" / "publist.yml").write_text(
        "- title: A real paper\n  authors: A. Author\n  year: 2020\n"
        "- Just a line of text, 2019\n", encoding="utf-8")
    return site


def test_severity_decides_the_exit_and_strict_adds_settings() -> None:
    diags = Diagnostics()
    setting = diags.report(SETTING_DROPPED, "setting 'favicon' …", "_config.yml", 2)
    info = diags.report(MISSING_TITLE, "derived", "a.md", 1)
    assert not has_losses([setting, info])
    assert has_losses([setting], strict=True)
    assert setting.loss and setting.severity == "setting-not-carried" and setting.hint
    changed = diags.report(LIQUID_KEPT, "loop removed", "p.md", 3)
    assert fails(changed) and changed.level == "warning"
    assert not info.loss and info.severity == "info"


def test_every_code_is_declared_once_with_a_severity_and_a_hint() -> None:
    assert len({c.name for c in CODES.values()}) == len(CODES)
    for code in CODES.values():
        assert code.severity in Severity and code.meaning
        assert code.loss == (code.severity is not Severity.INFO)
    assert sum(1 for c in CODES.values() if not c.hint) == 0


def test_no_code_is_a_string_literal_in_the_package() -> None:
    package = Path(__file__).resolve().parent.parent / "src" / "sitemigrate"
    offenders = []
    for path in package.rglob("*.py"):
        if path.name == "diagnostics.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"""["']SM\d{3}["']""", line):
                offenders.append(f"{path.relative_to(package)}:{number}")
    assert offenders == [], "use the constants of sitemigrate.diagnostics"


def test_report_takes_only_a_code_constant() -> None:
    with pytest.raises(TypeError, match="Code constant"):
        Diagnostics().report("SM201", "x")  # type: ignore[arg-type]


def test_verdicts() -> None:
    diags = Diagnostics()
    assert summarize_diagnostics([])["verdict"]["state"] == "ready"
    settings = [diags.report(SETTING_DROPPED, "s", "_config.yml", 2)]
    assert summarize_diagnostics(settings)["verdict"]["state"] == "ready"
    changed = settings + [diags.report(LIQUID_KEPT, f"c{i}", "p.md", i) for i in range(2)]
    summary = summarize_diagnostics(changed)
    assert summary["verdict"]["state"] == "ready after 2 fixes"
    assert len(summary["verdict"]["lines"]) == 3
    lost = changed + [diags.report(RECORD_DROPPED, "gone", "d.yml", 4)]
    assert summarize_diagnostics(lost)["verdict"]["state"] == "needs review"


def test_migrate_report_names_codes_groups_by_severity_and_exits(tmp_path: Path) -> None:
    site = _sample_site(tmp_path)
    report = tmp_path / "out-report" / "report.json"
    runner = CliRunner()
    result = runner.invoke(main, ["migrate", str(site), "--to", "al-folio", "-o",
                                  str(tmp_path / "out"), "--dry-run", "--report", str(report)])
    assert result.exit_code == 1, result.output  # a publication is lost
    data = json.loads(report.read_text(encoding="utf-8"))
    (entry,) = data["sites"]
    assert entry["verdict"]["state"] == "needs review"
    assert entry["severity_counts"]["content-lost"] == 1
    assert entry["codes"]["SM302"]["name"] == "record-dropped"
    assert entry["diagnostics_by_code"]["SM302"] == 1
    wheres = {f["where"]: f for f in entry["findings"]}
    assert wheres["_data/publist.yml:4"]["severity"] == "content-lost"
    assert wheres["_config.yml:2"]["message"].startswith("setting 'favicon'")
    text = report.with_suffix(".md").read_text(encoding="utf-8")
    assert "## lab: needs review" in text and "### Content lost (1)" in text
    assert "SM302 record-dropped" in text and "`_data/publist.yml:4`" in text
    assert "### Settings not carried (1)" in text
    assert text.index("### Content lost") < text.index("### Settings not carried")


def test_settings_alone_exit_0_and_strict_exits_1(tmp_path: Path) -> None:
    site = _sample_site(tmp_path)
    (site / "_data" / "publist.yml").write_text("- title: A\n  year: 2020\n", encoding="utf-8")
    args = ["migrate", str(site), "--to", "al-folio", "-o", str(tmp_path / "o"), "--dry-run"]
    runner = CliRunner()
    plain = runner.invoke(main, args)
    assert plain.exit_code == 0, plain.output
    assert "favicon" in plain.output and "ready" in plain.output
    assert runner.invoke(main, [*args, "--strict"]).exit_code == 1


def test_setting_losses_name_the_users_keys_not_internal_ones(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["migrate", str(SAMPLES / "academicpages"), "--to",
                                  "al-folio", "-o", str(tmp_path / "o"), "--dry-run", "--json"])
    diags = json.loads(result.output)["diagnostics"]
    settings = [d for d in diags if d["code"] == "SM304"]
    assert settings and all(d["severity"] == "setting-not-carried" for d in settings)
    internal = ("config", "site_description", "allanlab_config", "allanlab_data", "data",
                "running_header")
    for diag in diags:
        assert not any(f"'{key}'" in diag["message"] for key in internal), diag
    assert all(d["line"] != 1 or d["file"] != "_config.yml" for d in settings)
    assert any(d["message"].startswith("setting 'publication_category'") and d["line"]
               for d in settings)


def test_batch_html_report_is_self_contained(tmp_path: Path) -> None:
    page = _batch_html(tmp_path)
    text = page.read_text(encoding="utf-8")
    assert "<details" in text and "data-severity=\"content-lost\"" in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), "no external asset"
    assert "<link" not in text


def _batch_html(tmp_path: Path) -> Path:
    report = tmp_path / "report" / "report.html"
    result = CliRunner().invoke(main, [
        "batch", str(SAMPLES / "manifest.yml"), "--to", "al-folio", "-o", str(tmp_path / "o"),
        "--dry-run", "--report", str(report)])
    assert result.exit_code == 1, result.output  # the sample bib has a broken entry
    assert report.is_file() and report.with_suffix(".json").is_file()
    return report


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False)


PROBE = """
<script>
window.addEventListener('load', function () {
  var out = {};
  var site = document.querySelector('details.site');
  out.closedBefore = !site.open;
  site.querySelector('summary').click();
  out.openAfter = site.open;
  out.visibleText = site.innerText;
  var box = document.querySelector('.filter input[value="setting-not-carried"]');
  box.click();
  var section = site.querySelector('section[data-severity="setting-not-carried"]');
  out.settingsHidden = section ? getComputedStyle(section).display === 'none' : null;
  out.pageText = document.body.innerText;
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_html_report_renders_and_sections_open_in_chromium(tmp_path: Path) -> None:
    page = _batch_html(tmp_path)
    probe = page.with_name("probe.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                     encoding="utf-8")
    done = _chromium(["--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                     tmp_path / "profile")
    match = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert match, done.stderr[-2000:]
    import html as html_lib

    out = json.loads(html_lib.unescape(match.group(1)))
    assert out["closedBefore"] and out["openAfter"]
    # the first site (academicpages sample) lists its settings with file:line and a hint
    assert "Settings not carried" in out["visibleText"]
    assert re.search(r"_config\.yml:\d+", out["visibleText"])
    assert "SM304 setting-dropped" in out["visibleText"]
    assert out["settingsHidden"] is True
    assert "bibtex: needs review" in out["pageText"]
    assert "sitemigrate batch report" in out["pageText"]
    shot = tmp_path / "report.png"
    taken = _chromium(["--window-size=1280,1000", f"--screenshot={shot}", page.as_uri()],
                      tmp_path / "profile2")
    assert shot.is_file() and shot.stat().st_size > 10_000, taken.stderr[-2000:]


def test_html_report_escapes_what_it_shows() -> None:
    diags = Diagnostics()
    diag = diags.report(RECORD_DROPPED, "<script>alert(1)</script>", "a.yml", 1)
    summary = summarize_diagnostics([diag])
    site = {"name": "x<y", "source": "s", "target": "t", "output": "o", "kind": "k",
            "error": None, "counts": {}, "diffs": [{"path": "p", "diff": "+<b>"}], **summary}
    page = html_report({"settings": {}, "totals": {"sites": 1, "failed": 0, "severity_counts":
                        summary["severity_counts"]}, "sites": [site]})
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "x&lt;y" in page and "+&lt;b&gt;" in page


def test_an_unrecognised_site_is_sm110_in_migrate_and_batch(tmp_path: Path) -> None:
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "notes.txt").write_text("nothing a reader knows\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["migrate", str(odd), "--to", "al-folio", "-o",
                                  str(tmp_path / "o"), "--dry-run"])
    assert result.exit_code == 2 and "SM110 unknown-kind" in result.output
    manifest = tmp_path / "sites.yml"
    manifest.write_text("- source: odd\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = runner.invoke(main, ["batch", str(manifest), "--to", "al-folio", "-o",
                                  str(tmp_path / "o"), "--dry-run", "--report", str(report)])
    assert result.exit_code == 1
    (site,) = json.loads(report.read_text(encoding="utf-8"))["sites"]
    assert site["status"] == "failed" and site["verdict"]["state"] == "needs review"
    assert site["findings"][0]["code"] == "SM110" and site["findings"][0]["hint"]
