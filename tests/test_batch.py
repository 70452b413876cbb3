"""Batch migration: discovery, manifests, shards, parallel jobs, failing sites, reports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, SAMPLES, requires_corpus

from sitemigrate.batch import (
    ManifestError,
    discover_sites,
    load_manifest,
    parse_shard,
    run_batch,
    select_shard,
)
from sitemigrate.cli import cli
from sitemigrate.pipeline import migrate, read_site

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "batch"
sys.path.insert(0, str(FIXTURES))

import fakeplugin  # noqa: E402
from test_dryrun import fakelab, tree  # noqa: E402, F401 - fakelab: autouse fixture


def run(*args: object) -> tuple[int, str]:
    """Exit code and everything printed; with --json, only standard output (the JSON)."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout if "--json" in args else result.output


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A lab's folder: two sites at the top, two in a group folder, one not a site."""
    root = tmp_path / "lab"
    fakeplugin.make_site(root / "Alpha Lab", "Alpha", pubs=5, projects=2)
    fakeplugin.make_site(root / "beta", "Beta", pubs=3)
    fakeplugin.make_site(root / "people" / "gamma", "Gamma", pubs=2, projects=0)
    fakeplugin.make_site(root / "people" / "delta", "Delta", pubs=1)
    (root / "notes").mkdir()
    (root / "notes" / "todo.txt").write_text("not a site\n")
    (root / "README.md").write_text("# Our sites\n\nOne folder per member.\n")
    (root / ".git").mkdir()
    return root


def add_broken_sites(root: Path) -> None:
    """A reader that raises, a worker that dies, an alias bomb and an escaping symlink."""
    fakeplugin.make_site(root / "boom", "Boom")
    (root / "boom" / "boom").write_text("")
    fakeplugin.make_site(root / "dead", "Dead")
    (root / "dead" / "die").write_text("")
    bomb = fakeplugin.make_site(root / "bomb", "Bomb", pubs=1)
    lol = "\n".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]"
                    for i in range(1, 9))
    (bomb / "_config.yml").write_text(f"fakelab: true\nl0: &l0 [x]\n{lol}\n")
    evil = fakeplugin.make_site(root / "evil", "Evil", pubs=1)
    (evil / "pubs" / "passwd.md").symlink_to("/etc/passwd")


def test_discovery_finds_sites_two_levels_deep(lab: Path, tmp_path: Path) -> None:
    jobs = discover_sites(lab, skip=[tmp_path / "out"])
    assert [(job.name, Path(job.source).relative_to(lab).as_posix()) for job in jobs] == [
        ("alpha-lab", "Alpha Lab"), ("beta", "beta"),
        ("delta", "people/delta"), ("gamma", "people/gamma")]


def test_a_site_folder_given_directly_is_one_site(lab: Path) -> None:
    jobs = discover_sites(lab / "people" / "gamma")
    assert [(job.name, job.source) for job in jobs] == [("gamma", str(lab / "people/gamma"))]


def test_discovery_skips_the_output_folder(lab: Path) -> None:
    fakeplugin.make_site(lab / "out" / "beta", "Old output")
    assert "out" not in {Path(job.source).name for job in discover_sites(lab, skip=[lab / "out"])}


def test_batch_writes_every_site_and_reports(lab: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "out", tmp_path / "report.json"
    code, output = run("batch", lab, "--to", "fakelab", "-o", out, "--jobs", "2",
                       "--report", report)
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == ["alpha-lab", "beta", "delta", "gamma"]
    data = json.loads(report.read_text())
    assert data["totals"]["sites"] == 4 and data["totals"]["ok"] == 4
    assert data["totals"]["counts"]["publications"] == 5 + 3 + 2 + 1
    for site in data["sites"]:
        model = read_site(site["source"])  # the report says what a single export says
        assert site["kind"] == "fakelab" and site["confidence"] == 1.0
        assert site["counts"] == {"publications": len(model.publications),
                                  "projects": len(model.projects), "themes": 0, "pages": 0,
                                  "items": 0}
        plan = migrate(site["source"], "fakelab", tmp_path / "scratch", dry_run=True)
        written = {p.relative_to(out / site["name"]).as_posix(): p.read_bytes()
                   for p in (out / site["name"]).rglob("*") if p.is_file()}
        assert written == dict(plan.files.items())
        assert site["files"]["create"] == site["files"]["total"] == len(written)
    markdown = report.with_suffix(".md").read_text()
    assert "| alpha-lab | fakelab | 1.00 | 5 | 2 |" in markdown
    assert "| **total** | | | 11 |" in markdown


def test_dry_run_batch_writes_nothing_and_second_run_changes_nothing(lab: Path,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = tree(tmp_path)
    code, output = run("batch", lab, "--to", "fakelab", "-o", out, "--dry-run", "--json")
    assert code == 0
    assert tree(tmp_path) == before and not out.exists()
    planned = json.loads(output)["totals"]["files"]
    assert planned["create"] == planned["total"] > 0

    assert run("batch", lab, "--to", "fakelab", "-o", out)[0] == 0
    first = tree(out)
    code, output = run("batch", lab, "--to", "fakelab", "-o", out, "--json", "-j", "2")
    files = json.loads(output)["totals"]["files"]
    assert code == 0 and files["create"] == files["change"] == 0
    assert files["same"] == planned["total"]
    assert tree(out) == first


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_failing_sites_do_not_stop_the_others(lab: Path, tmp_path: Path, jobs: str) -> None:
    add_broken_sites(lab)
    out, report = tmp_path / "out", tmp_path / "r.json"
    code, output = run("batch", lab, "--to", "fakelab", "-o", out, "-j", jobs,
                       "--report", report)
    assert code == 1
    sites = {site["name"]: site for site in json.loads(report.read_text())["sites"]}
    assert sorted(sites) == ["alpha-lab", "beta", "bomb", "boom", "dead", "delta", "evil",
                             "gamma"]
    assert "blew up on purpose" in sites["boom"]["error"] and sites["boom"]["status"] == "failed"
    assert "worker process died" in sites["dead"]["error"]
    assert sites["bomb"]["diagnostics_by_code"].get("SM502") == 1
    assert sites["bomb"]["status"] == "losses"
    assert sites["evil"]["diagnostics_by_code"].get("SM504") == 1
    assert sites["evil"]["counts"]["publications"] == 1
    assert "/etc/passwd" not in "".join(p.read_text() for p in (out / "evil").rglob("*.md"))
    for name in ("alpha-lab", "beta", "delta", "gamma", "evil"):
        assert sites[name]["written"] and (out / name / "_config.yml").is_file()
    assert not (out / "boom").exists() and not (out / "dead").exists()
    assert "boom" in output and "FAILED" in output
    md = report.with_suffix(".md").read_text()
    assert "## boom" in md and "blew up on purpose" in md


def test_existing_changes_refused_per_site_without_force(lab: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", lab, "--to", "fakelab", "-o", out)
    (out / "beta" / "_config.yml").write_text("edited\n")
    alpha_config = lab / "Alpha Lab" / "_config.yml"
    alpha_config.write_text(alpha_config.read_text().replace("Alpha", "Alpha 2"))
    code, output = run("batch", lab, "--to", "fakelab", "-o", out, "--json")
    sites = {site["name"]: site for site in json.loads(output)["sites"]}
    assert code == 1
    assert "--force" in sites["beta"]["error"] and sites["beta"]["status"] == "failed"
    assert (out / "beta" / "_config.yml").read_text() == "edited\n"
    assert "use --force" in sites["alpha-lab"]["error"]
    code, _ = run("batch", lab, "--to", "fakelab", "-o", out, "--force")
    assert code == 0 and "Alpha 2" in (out / "alpha-lab" / "_config.yml").read_text()


def test_shards_split_the_sorted_sites_without_overlap(lab: Path, tmp_path: Path) -> None:
    jobs = discover_sites(lab)
    shards = [[job.name for job in select_shard(jobs, (i, 3))] for i in (1, 2, 3)]
    assert shards == [["alpha-lab", "gamma"], ["beta"], ["delta"]]
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "1/0", "x", "1/2/3"):
        with pytest.raises(ValueError):
            parse_shard(bad)
    out = tmp_path / "out"
    code, output = run("batch", lab, "--to", "fakelab", "-o", out, "--shard", "1/3", "-j", "2")
    assert code == 0 and sorted(p.name for p in out.iterdir()) == ["alpha-lab", "gamma"]
    code, output = run("batch", lab, "--to", "fakelab", "-o", out, "--shard", "4/3")
    assert code == 2 and "--shard" in output


def test_yaml_manifest(lab: Path, tmp_path: Path) -> None:
    manifest = lab / "sites.yml"
    manifest.write_text(
        "sites:\n"
        "  - name: Alpha Lab!\n    source: Alpha Lab\n    dedupe: false\n"
        "  - {name: Alpha Lab, source: beta, from: fakelab}\n"
        "  - people/gamma\n")
    jobs = load_manifest(manifest)
    assert [(job.name, job.kind, job.dedupe, job.line) for job in jobs] == [
        ("alpha-lab", None, False, 2), ("alpha-lab-2", "fakelab", True, 5),
        ("gamma", None, True, 6)]
    out = tmp_path / "out"
    code, output = run("batch", manifest, "--to", "fakelab", "-o", out, "-j", "2")
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == ["alpha-lab", "alpha-lab-2", "gamma"]
    assert "title: Beta" in (out / "alpha-lab-2" / "_config.yml").read_text()


def test_csv_manifest_with_targets_per_site(lab: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("name,source,target\nA,lab/beta,fakelab\n\nB,lab/people/delta,\n")
    out = tmp_path / "out"
    code, output = run("batch", manifest, "-o", out)
    assert code == 2 and "no target theme for b:" in output  # B has none
    manifest.write_text("name,source,target\nA,lab/beta,fakelab\n\nB,lab/people/delta,fakelab\n")
    code, output = run("batch", manifest, "-o", out, "--report", tmp_path / "r.json")
    assert code == 0, output
    assert [j.line for j in load_manifest(manifest)] == [2, 4]
    assert sorted(p.name for p in out.iterdir()) == ["a", "b"]


BAD_MANIFESTS = [
    ("m.yml", "- source: lab/beta\n- source: lab/nope\n", "m.yml:2", "does not exist"),
    ("m.yml", "- source: lab/beta\n  colour: red\n", "m.yml:1", "unknown key(s) colour"),
    ("m.yml", "- source: lab/beta\n- name: x\n", "m.yml:2", "'source' is missing"),
    ("m.yml", "- source: lab/beta\n  target: wordpress\n", "m.yml:1", "unknown target"),
    ("m.yml", "- source: lab/beta\n  from: drupal\n", "m.yml:1", "unknown source kind"),
    ("m.yml", "- source: lab/beta\n  dedupe: maybe\n", "m.yml:1", "'dedupe'"),
    ("m.yml", "- source: lab/beta\n - source: [\n", "m.yml:2", "invalid YAML"),
    ("m.yml", "source: lab/beta\n", "m.yml:1", "expected a list"),
    ("m.yml", "[]\n", "m.yml", "lists no sites"),
    ("m.csv", "name,path\nx,lab/beta\n", "m.csv:1", "'source' column"),
    ("m.csv", "name,source\nx,lab/beta\ny,lab/nope\n", "m.csv:3", "does not exist"),
    ("m.csv", "name,source\nx,lab/beta,extra\n", "m.csv:2", "more cells"),
]


@pytest.mark.parametrize(("file", "text", "where", "message"), BAD_MANIFESTS)
def test_bad_manifest_is_a_usage_error_naming_file_and_line(
        lab: Path, tmp_path: Path, file: str, text: str, where: str, message: str) -> None:
    manifest = tmp_path / file
    manifest.write_text(text)
    with pytest.raises(ManifestError) as caught:
        load_manifest(manifest)
    assert str(caught.value).startswith(str(tmp_path / where) + ":"), str(caught.value)
    assert message in str(caught.value)
    code, output = run("batch", manifest, "--to", "fakelab", "-o", tmp_path / "out")
    assert code == 2 and where in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_usage_errors(lab: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("batch", empty, "--to", "fakelab", "-o", tmp_path / "out")[0] == 2
    assert run("batch", lab, "--to", "nowhere", "-o", tmp_path / "out")[0] == 2
    assert run("batch", lab, "-o", tmp_path / "out")[0] == 2  # no target at all
    (tmp_path / "link").symlink_to(empty)
    code, output = run("batch", lab, "--to", "fakelab", "-o", tmp_path / "link")
    assert code == 2 and "symlink" in output
    assert list(empty.iterdir()) == []


def test_library_api_in_process_matches_workers(lab: Path, tmp_path: Path) -> None:
    jobs = discover_sites(lab)
    here = run_batch(jobs, tmp_path / "a", target="fakelab", workers=0, dry_run=True)
    pool = run_batch(jobs, tmp_path / "b", target="fakelab", workers=2, dry_run=True,
                     initializer=fakeplugin.register)
    strip = ("seconds", "output")
    assert [{k: v for k, v in s.items() if k not in strip} for s in here.sites] == \
        [{k: v for k, v in s.items() if k not in strip} for s in pool.sites]
    assert not here.failed


TARGETS = ("academicpages", "al-folio", "allanlab")


def check_written_equals_plan(report: dict, out: Path, scratch: Path) -> None:
    """Each written site holds exactly the files (and bytes) a dry run of it plans."""
    for site in report["sites"]:
        if not site["written"]:
            continue
        plan = migrate(site["source"], site["target"], scratch / site["name"], dry_run=True)
        folder = out / site["name"]
        written = {p.relative_to(folder).as_posix(): p.read_bytes()
                   for p in folder.rglob("*") if p.is_file()}
        assert written == dict(plan.files.items()), site["name"]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="no samples yet")
@pytest.mark.parametrize("target", TARGETS)
def test_samples_batch_with_the_real_themes(tmp_path: Path, target: str) -> None:
    """The fictional sample sites through the real readers and writers: dry run touches
    nothing, the real run writes the plan, a second run changes nothing."""
    out = tmp_path / "out"
    before = tree(SAMPLES)
    code, output = run("batch", SAMPLES, "--to", target, "-o", out, "--dry-run", "--json")
    dry = json.loads(output)
    assert tree(SAMPLES) == before and not out.exists()
    if not any(site["kind"] for site in dry["sites"]):
        pytest.skip("no sample is readable yet")
    code, output = run("batch", SAMPLES, "--to", target, "-o", out, "--json", "-j", "2")
    real = json.loads(output)
    for planned, done in zip(dry["sites"], real["sites"], strict=True):
        assert "traceback" not in done, done.get("traceback")
        assert done["files"] == planned["files"] and done["counts"] == planned["counts"]
        model = read_site(done["source"]) if done["kind"] else None
        if model is not None:
            assert done["counts"]["publications"] == len(model.publications)
            assert done["counts"]["projects"] == len(model.projects)
            assert done["counts"]["themes"] == len(model.all_themes())
    check_written_equals_plan(real, out, tmp_path / "scratch")
    first = tree(out)
    code, output = run("batch", SAMPLES, "--to", target, "-o", out, "--json")
    again = json.loads(output)["totals"]["files"]
    assert again["create"] == again["change"] == 0
    assert tree(out) == first


@pytest.mark.corpus
@requires_corpus
def test_corpus_batch_dry_run_to_every_target(tmp_path: Path) -> None:
    """All 32 corpus sites, dry run, --jobs 2, to each target: nothing written, no crash."""
    before = {p: p.stat().st_mtime_ns for p in CORPUS.rglob("*")}
    for target in TARGETS:
        out, report = tmp_path / f"out-{target}", tmp_path / f"{target}.json"
        code, output = run("batch", CORPUS, "--to", target, "-o", out, "--dry-run",
                           "--jobs", "2", "--report", report)
        assert code in (0, 1), output
        assert not out.exists()
        data = json.loads(report.read_text())
        names = [site["name"] for site in data["sites"]]
        assert len(names) == len(set(names)) == 32
        for site in data["sites"]:
            assert "traceback" not in site, f"{site['name']} crashed: {site.get('traceback')}"
            assert not site["written"]
            if site["kind"] is not None:
                assert site["files"]["create"] == site["files"]["total"]
        totals = data["totals"]
        assert totals["counts"]["publications"] == sum(
            s["counts"].get("publications", 0) for s in data["sites"])
    assert {p: p.stat().st_mtime_ns for p in CORPUS.rglob("*")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{t}.{ext}" for t in TARGETS for ext in ("json", "md"))
    # One real shard: what is written is what the dry run planned, and a rerun is a no-op.
    out = tmp_path / "written"
    code, output = run("batch", CORPUS, "--to", "academicpages", "-o", out, "--shard", "1/8",
                       "-j", "2", "--json")
    real = json.loads(output)
    assert len(real["sites"]) == 4
    check_written_equals_plan(real, out, tmp_path / "scratch")
    for site in real["sites"]:
        if site["kind"]:
            model = read_site(site["source"])
            assert site["counts"]["publications"] == len(model.publications)
            assert site["counts"]["pages"] == len(model.pages)
    code, output = run("batch", CORPUS, "--to", "academicpages", "-o", out, "--shard", "1/8",
                       "--json")
    files = json.loads(output)["totals"]["files"]
    assert files["create"] == files["change"] == 0
