"""The source is untouchable, manifests are confined, special files are never read, nothing
hangs, one writer per OUT, Jekyll's exclusions hold, failures are honest (issue 16)."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate import batch as batch_module
from sitemigrate import fileset
from sitemigrate.batch import SiteJob, load_manifest, run_batch
from sitemigrate.cli import cli
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.fileset import (
    FileSet,
    OutputLocked,
    lock_path,
    output_lock,
    staging_folders,
    write_atomically,
)
from sitemigrate.parsing.bibtex import parse_bibtex
from sitemigrate.pipeline import read_site

ACADEMICPAGES = SAMPLES / "academicpages"


def invoke(*args: object) -> tuple[int, str]:
    """Exit code and output; any exception but SystemExit is a traceback the user would see."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}") from result.exception
    return result.exit_code, result.output


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(ACADEMICPAGES, site)
    return site


def _hash(root: Path) -> list[tuple[str, bytes]]:
    return sorted((p.relative_to(root).as_posix(), p.read_bytes())
                  for p in root.rglob("*") if p.is_file())


# --- the source is only read -------------------------------------------------------------

@pytest.mark.parametrize("where", ["same", "inside", "containing"])
@pytest.mark.parametrize("force", [False, True])
def test_output_overlapping_the_source_is_refused(tmp_path: Path, where: str,
                                                 force: bool) -> None:
    site = _site(tmp_path)
    before = _hash(tmp_path)
    out = {"same": site, "inside": site / "migrated", "containing": tmp_path}[where]
    code, output = invoke("migrate", site, "--to", "al-folio", "-o", out,
                          *(["--force"] if force else []))
    assert code == 2, output
    assert "source" in output and "only read" in output
    assert _hash(tmp_path) == before


def test_output_beside_a_single_file_source_is_fine_but_not_around_it(tmp_path: Path) -> None:
    bib = tmp_path / "papers.bib"
    shutil.copy(SAMPLES / "bibtex" / next(p.name for p in (SAMPLES / "bibtex").iterdir()), bib)
    assert invoke("migrate", bib, "--to", "al-folio", "-o", tmp_path / "site")[0] in (0, 1)
    code, output = invoke("migrate", bib, "--to", "al-folio", "-o", tmp_path, "--force")
    assert code == 2 and "contains the source" in output


def test_batch_output_inside_a_site_is_refused(tmp_path: Path) -> None:
    site = _site(tmp_path)
    code, output = invoke("batch", site, "--to", "allanlab", "-o", site / "out")
    assert code == 2 and "only read" in output


# --- manifests are confined --------------------------------------------------------------

def test_manifest_sources_outside_its_folder_need_allow_outside(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nroot:x:0:0\n")
    folder = tmp_path / "lab"
    folder.mkdir()
    manifest = folder / "manifest.yml"
    manifest.write_text(f"- source: {secret}\n  from: plain\n- source: ../secret.md\n")
    code, output = invoke("batch", manifest, "--to", "allanlab", "-o", tmp_path / "out")
    assert code == 2 and "manifest.yml:1" in output and "--allow-outside" in output
    assert not (tmp_path / "out").exists()
    jobs = load_manifest(manifest, allow_outside=True)
    assert [Path(job.source) for job in jobs] == [secret, secret]


# --- special files are never read --------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("command", ["inspect", "migrate", "batch", "export"])
def test_fifos_and_sockets_are_skipped_not_read(tmp_path: Path, command: str) -> None:
    site = _site(tmp_path)
    os.mkfifo(site / "_publications" / "2020-01-01-fifo.md")
    os.mkfifo(site / "_config.yaml")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(site / "_pages" / "sock.md"))
        args = {"inspect": ["inspect", site, "--json"],
                "migrate": ["migrate", site, "--to", "al-folio", "-o", tmp_path / "o"],
                "batch": ["batch", site, "--to", "allanlab", "-o", tmp_path / "o", "--jobs",
                          "1", "--json"],
                "export": ["export", site]}[command]
        process = subprocess.run([sys.executable, "-m", "sitemigrate", *map(str, args)],
                                 capture_output=True, text=True, timeout=60, check=False)
    assert process.returncode in (0, 1), process.stderr
    assert "Traceback" not in process.stderr
    if command in ("inspect", "migrate"):
        assert "SM506" in process.stdout + process.stderr


def test_a_fifo_given_as_the_source_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "papers.bib"
    os.mkfifo(fifo)
    process = subprocess.run([sys.executable, "-m", "sitemigrate", "migrate", str(fifo),
                              "--from", "bibtex", "--to", "al-folio", "-o", str(tmp_path / "o")],
                             capture_output=True, text=True, timeout=60, check=False)
    assert process.returncode == 2 and "FIFO" in process.stderr


# --- Jekyll's own exclusions -------------------------------------------------------------

def test_files_jekyll_does_not_publish_are_not_read(tmp_path: Path) -> None:
    site = _site(tmp_path)
    page = "---\ntitle: {title}\ncollection: publications\ndate: 2020-01-01\n---\nx\n"
    for name in (".hidden-draft.md", "._2020-01-01-apple.md", "_2020-01-01-under.md",
                 "2020-01-01-backup.md~", "2020-01-01-excluded.md"):
        (site / "_publications" / name).write_text(page.format(title=f"NOPE {name}"))
    (site / ".hidden-page.md").write_text("---\ntitle: NOPE hidden\n---\n")
    config = site / "_config.yml"
    config.write_text(config.read_text() + "\nexclude:\n  - _publications/*excluded.md\n")
    model = read_site(site)
    titles = [p.title for p in model.publications] + [p.title or "" for p in model.pages]
    assert not [t for t in titles if "NOPE" in t], titles
    skipped = {d.file for d in model.diagnostics if d.code == "SM210"}
    assert {"_publications/._2020-01-01-apple.md", "_publications/.hidden-draft.md",
            "_publications/2020-01-01-excluded.md", ".hidden-page.md"} <= skipped


# --- one writer per OUT ------------------------------------------------------------------

def test_a_second_writer_into_a_locked_output_fails_with_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        assert lock_path(out).exists()
        with pytest.raises(OutputLocked), output_lock(out):
            pass
        code, output = invoke("migrate", ACADEMICPAGES, "--to", "al-folio", "-o", out)
        assert code == 2 and "another sitemigrate run" in output
        assert not out.exists()
    assert not lock_path(out).exists()


def test_concurrent_runs_into_one_output_never_interleave(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sources = [SAMPLES / "academicpages", SAMPLES / "allanlab"]
    processes = [subprocess.Popen([sys.executable, "-m", "sitemigrate", "migrate", str(src),
                                   "--to", "al-folio", "-o", str(out), "--force"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for src in sources]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    assert all(code in (0, 1, 2) for code, _ in results), results
    for code, err in results:
        if code == 2:
            assert "another sitemigrate run" in err or "would be overwritten" in err, err
    assert not staging_folders(out) and not lock_path(out).exists()


# --- a mount point as OUT, and OS errors name their path -----------------------------------

def test_a_mount_point_output_is_written_by_a_swap_inside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "mnt"
    (out / "_pages").mkdir(parents=True)
    (out / "_pages" / "old.md").write_text("old\n")
    (out / "keep.txt").write_text("keep\n")
    monkeypatch.setattr("sitemigrate.fileset.is_mount_point", lambda path: True)
    real_replace = os.replace

    def no_renaming_the_mount(src: object, dst: object) -> None:
        if Path(str(src)) == out or Path(str(dst)) == out:
            raise OSError(errno.EBUSY, "Device or resource busy", str(dst))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", no_renaming_the_mount)
    files = FileSet()
    files.add("_pages/new.md", "new\n")
    files.add("_config.yml", "title: x\n")
    write_atomically(files, out)
    assert (out / "_pages" / "new.md").read_text() == "new\n"
    assert (out / "_pages" / "old.md").read_text() == "old\n"
    assert (out / "keep.txt").read_text() == "keep\n"
    assert sorted(p.name for p in out.iterdir()) == ["_config.yml", "_pages", "keep.txt"]


def test_a_full_disk_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(path: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileset, "_write_file", full)
    code, output = invoke("migrate", ACADEMICPAGES, "--to", "al-folio", "-o", tmp_path / "o")
    assert code == 2
    assert "No space left on device" in output and f"{tmp_path / 'o'}/" in output, output
    assert "Error: :" not in output and ".sitemigrate-" not in output
    assert not staging_folders(tmp_path / "o")


# --- nothing hangs -----------------------------------------------------------------------

def _slow_worker() -> None:
    """Runs in each batch worker: the site named 'slow' never finishes."""
    real = batch_module._run_site

    def run(job: SiteJob, *args: object) -> None:
        if job.name == "slow":
            time.sleep(3600)
        real(job, *args)  # type: ignore[arg-type]

    batch_module._run_site = run  # type: ignore[assignment]


def test_a_site_over_the_timeout_is_stopped_and_the_others_finish(tmp_path: Path) -> None:
    jobs = [SiteJob("fast", str(SAMPLES / "allanlab")), SiteJob("slow", str(ACADEMICPAGES)),
            SiteJob("after", str(ACADEMICPAGES))]
    start = time.monotonic()
    result = run_batch(jobs, tmp_path / "out", target="al-folio", workers=1, timeout=2,
                       initializer=_slow_worker)
    assert time.monotonic() - start < 30
    by_name = {site["name"]: site for site in result.sites}
    assert by_name["slow"]["status"] == "failed" and "--timeout" in by_name["slow"]["error"]
    assert by_name["slow"]["diagnostics_by_code"] == {"SM509": 1}
    assert by_name["fast"]["written"] and by_name["after"]["written"]
    assert not staging_folders(tmp_path / "out" / "slow")


def _lab(root: Path, sites: int) -> Path:
    for n in range(sites):
        shutil.copytree(ACADEMICPAGES, root / f"site{n:02d}")
    return root


def _children_of(pid: int) -> list[int]:
    listed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                            text=True, check=False).stdout
    return [int(x) for x in listed.split()]


@pytest.mark.skipif(sys.platform != "linux", reason="process groups and ps as on Linux")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_at_random_moments_stops_a_batch_cleanly(tmp_path: Path, jobs: str) -> None:
    lab = _lab(tmp_path / "lab", 16)
    rng = random.Random(int(jobs) * 7919)
    for attempt in range(4):
        out, report = tmp_path / f"out{attempt}", tmp_path / f"report{attempt}.json"
        process = subprocess.Popen(
            [sys.executable, "-m", "sitemigrate", "batch", str(lab), "--to", "al-folio", "-o",
             str(out), "--jobs", jobs, "--report", str(report)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        # Ctrl-C while Python itself is still starting is Python's own business (it dies
        # of the signal): wait for the batch's first progress line, then a random moment
        assert process.stderr is not None
        first = process.stderr.readline()
        time.sleep(rng.uniform(0.0, 3.0))
        if process.poll() is not None:
            continue  # finished before the signal: nothing to check
        sent = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
        code = process.wait(timeout=10)
        stopped = time.monotonic() - sent
        assert code == 130, first + process.stderr.read()
        assert stopped < 5, stopped  # promptly (a second alone; slack for a loaded machine)
        with pytest.raises(ProcessLookupError):  # no worker outlived it
            os.killpg(process.pid, 0)
        data = json.loads(report.read_text())
        assert data["settings"]["interrupted"] is True
        finished = {site["name"] for site in data["sites"]}
        assert len(finished) + len(data["settings"]["not_run"]) == 16
        leftovers = [p for p in tmp_path.rglob(".*sitemigrate*")]
        assert not leftovers, leftovers
        for name in finished:
            assert (out / name / "_config.yml").is_file()


def _ctrl_c_as_in_a_terminal() -> None:
    """A job started in the background by a non-interactive shell (`cmd &`) inherits SIGINT
    ignored, and Python then leaves it ignored: give the command Ctrl-C as a terminal does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_in_migrate_exits_130(tmp_path: Path) -> None:
    lab = _lab(tmp_path / "lab", 1)
    ready = tmp_path / "reading"
    process = subprocess.Popen([sys.executable, "-c", (
        "import pathlib, time, sitemigrate.pipeline as p\n"
        "def slow(*a, **k):\n"
        f"    pathlib.Path({str(ready)!r}).touch()\n"
        "    time.sleep(30)\n"
        "p.read_site = slow\n"
        "from sitemigrate.cli import main\nmain()\n"), "migrate", str(lab / "site00"), "--to",
        "al-folio", "-o", str(tmp_path / "o")], stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + 60
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # Ctrl-C while it reads, not while Python starts (a slow machine)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) == 130
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")


# --- honest failures ---------------------------------------------------------------------

def test_a_from_that_reads_nothing_is_an_error(tmp_path: Path) -> None:
    code, output = invoke("migrate", ACADEMICPAGES, "--from", "bibtex", "--to", "al-folio",
                          "-o", tmp_path / "o")
    assert code == 2 and "holds nothing" in output
    assert not (tmp_path / "o").exists()


def test_bibtex_macros_crossrefs_and_dates_are_reported() -> None:
    diagnostics = Diagnostics()
    entries = parse_bibtex(
        "@proceedings{conf, title = {Proc. of Conf}, year = {2020}, month = may}\n"
        "@inproceedings{child, title = {Child}, crossref = {conf}}\n"
        "@inproceedings{orphan, title = {Orphan}, crossref = {nowhere}}\n"
        "@article{a, title = {A}, journal = neurips, year = 2021}\n", "x.bib", diagnostics)
    child = next(e for e in entries if e.key == "child")
    assert child.fields["booktitle"] == "Proc. of Conf" and child.fields["year"] == "2020"
    found = {(d.code, d.line) for d in diagnostics}
    assert ("SM204", 3) in found and ("SM211", 4) in found
    assert not any(d.code == "SM211" and "may" in d.message for d in diagnostics)


def test_invalid_tsv_dates_are_reported_not_invented(tmp_path: Path) -> None:
    tsv = tmp_path / "publications.tsv"
    tsv.write_text("pub_date\ttitle\tvenue\turl_slug\n2023-13-45\tA\tJ\ta\n"
                   "2023-02-30\tB\tJ\tb\n2023-02-28\tC\tJ\tc\n")
    model = read_site(tsv, "tsv")
    assert sorted(p.date or "" for p in model.publications) == ["2023", "2023-02", "2023-02-28"]
    assert sorted(d.line or 0 for d in model.diagnostics if d.code == "SM202") == [2, 3]


@settings(max_examples=60, deadline=None)
@given(st.one_of(
    st.binary(max_size=400),
    st.integers(min_value=1, max_value=200_000).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=1, max_value=50_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(min_value=1, max_value=5_000).map(lambda n: "- " * n + "x"),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.text(max_size=4), inner, max_size=3)).map(json.dumps)))
def test_validate_never_prints_a_traceback(data: bytes | str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".json", ".yml"):
            path = Path(tmp) / f"model{suffix}"
            path.write_bytes(data if isinstance(data, bytes) else data.encode())
            code, _ = invoke("validate", path)
            assert code in (0, 2)


def test_no_command_prints_a_traceback_on_odd_input(tmp_path: Path) -> None:
    odd = tmp_path / "odd.md"
    odd.write_bytes(b"---\n\xff\xfe: [\n---\n{% for %}{{\n")
    for args in (["inspect", odd], ["export", odd], ["migrate", odd, "--to", "allanlab", "-o",
                                                     tmp_path / "o"],
                 ["batch", tmp_path, "--to", "allanlab", "-o", tmp_path / "b"],
                 ["verify", tmp_path], ["validate", odd]):
        invoke(*args)


def test_lock_is_held_for_the_whole_batch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with output_lock(out):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    try:
        code, output = invoke("batch", SAMPLES / "allanlab", "--to", "al-folio", "-o", out)
    finally:
        release.set()
        thread.join()
    assert code == 2 and "another sitemigrate run" in output
