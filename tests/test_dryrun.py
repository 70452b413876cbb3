"""Dry runs write nothing; real runs write exactly the plan, atomically, never outside OUT."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitemigrate.cli import cli
from sitemigrate.fileset import FileSet, recover_interrupted, write_atomically
from sitemigrate.paths import UnsafePathError
from sitemigrate.pipeline import migrate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "batch"
RUN_CLI = FIXTURES / "run_cli.py"
sys.path.insert(0, str(FIXTURES))

import fakeplugin  # noqa: E402


@pytest.fixture(autouse=True)
def fakelab() -> Iterator[None]:
    fakeplugin.register()
    yield
    fakeplugin.unregister()


def tree(root: Path) -> dict[str, str]:
    """Every file and symlink below ``root`` (hidden ones too) -> hash of its content."""
    found: dict[str, str] = {}
    if not root.exists():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            else:
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return fakeplugin.make_site(tmp_path / "src", "Lab", pubs=4, projects=2)


def test_dry_run_writes_nothing(tmp_path: Path, site: Path) -> None:
    before = tree(tmp_path)
    code, output = run("migrate", site, "--to", "fakelab", "-o", tmp_path / "out", "--dry-run")
    assert code == 0, output
    assert tree(tmp_path) == before
    assert not (tmp_path / "out").exists()
    assert "+ pubs/paper-0000.md" in output and "+ projects/project-1.md" in output
    assert "4 publications, 2 projects" in output
    assert "7 new, 0 changed, 0 unchanged" in output


def test_dry_run_against_existing_site_lists_and_diffs(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "out"
    assert run("migrate", site, "--to", "fakelab", "-o", out)[0] == 0
    (out / "pubs" / "stale.md").write_text("an old publication of the previous theme\n")
    (out / "README.md").write_text("the owner's own file\n")
    paper = site / "pubs" / "paper-0001.md"
    paper.write_text(paper.read_text().replace("Paper 1 of Lab", "Paper One"))
    before = tree(tmp_path)

    code, output = run("migrate", site, "--to", "fakelab", "-o", out, "--dry-run")
    assert code == 0, output
    assert tree(tmp_path) == before
    lines = output.splitlines()
    assert "~ pubs/paper-0001.md" in lines and "= pubs/paper-0000.md" in lines
    assert "-title: Paper 1 of Lab" in lines and "+title: Paper One" in lines
    assert any(line.startswith("= pubs/stale.md") and "left alone" in line for line in lines)
    assert not any("README.md" in line for line in lines)  # not next to anything we write
    assert "0 new, 1 changed, 6 unchanged, 2 other files kept" in output

    code, output = run("migrate", site, "--to", "fakelab", "-o", out, "--dry-run", "--json")
    plan = json.loads(output)
    actions = {f["path"]: f["action"] for f in plan["files"]}
    assert actions["pubs/paper-0001.md"] == "change" and actions["pubs/paper-0000.md"] == "same"
    assert "+title: Paper One" in next(f["diff"] for f in plan["files"] if "diff" in f)
    assert plan["kept"] == ["README.md", "pubs/stale.md"]
    assert plan["written"] is False
    assert tree(tmp_path) == before


def test_real_run_writes_exactly_the_dry_run_plan(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "out"
    plan = migrate(site, "fakelab", out, dry_run=True)
    assert not out.exists()
    migrate(site, "fakelab", out)
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
               if p.is_file()}
    assert written == dict(plan.files.items())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]  # nothing else
    assert out.stat().st_mode & 0o777 == (tmp_path / "src").stat().st_mode & 0o777


def test_second_run_is_identical_and_changes_nothing(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "out"
    run("migrate", site, "--to", "fakelab", "-o", out)
    first = tree(out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    code, output = run("migrate", site, "--to", "fakelab", "-o", out, "--json")
    assert code == 0
    assert {f["action"] for f in json.loads(output)["files"]} == {"same"}
    assert tree(out) == first
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == stamps


def test_changed_files_need_force(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "out"
    run("migrate", site, "--to", "fakelab", "-o", out)
    (out / "pubs" / "paper-0002.md").write_text("edited by hand\n")
    before = tree(tmp_path)
    code, output = run("migrate", site, "--to", "fakelab", "-o", out)
    assert code == 2
    assert "pubs/paper-0002.md" in output and "--force" in output
    assert tree(tmp_path) == before
    code, _ = run("migrate", site, "--to", "fakelab", "-o", out, "--force")
    assert code == 0
    assert "edited by hand" not in (out / "pubs" / "paper-0002.md").read_text()


def test_symlinked_output_folder_is_refused(tmp_path: Path, site: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").symlink_to(elsewhere)
    code, output = run("migrate", site, "--to", "fakelab", "-o", tmp_path / "out")
    assert code == 2 and "symlink" in output
    assert list(elsewhere.iterdir()) == []


def test_symlinked_folder_inside_output_is_refused(tmp_path: Path, site: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "pubs").symlink_to(elsewhere)
    before = tree(tmp_path)
    code, output = run("migrate", site, "--to", "fakelab", "-o", out)
    assert code == 2 and "symlink" in output
    assert tree(tmp_path) == before


def test_symlinked_file_is_replaced_not_written_through(tmp_path: Path) -> None:
    out, secret = tmp_path / "out", tmp_path / "secret.txt"
    out.mkdir()
    secret.write_text("keep me")
    (out / "a.md").symlink_to(secret)
    files = FileSet()
    files.add("a.md", "new")
    write_atomically(files, out, force=True)
    assert secret.read_text() == "keep me"
    assert not (out / "a.md").is_symlink() and (out / "a.md").read_text() == "new"


def test_unsafe_paths_never_reach_the_disk() -> None:
    files = FileSet()
    for path in ("../x.md", "/etc/x.md", "a/../../x.md"):
        with pytest.raises(UnsafePathError):
            files.add(path, "x")


def test_next_run_cleans_leftovers_and_restores_a_swapped_out_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    backup = tmp_path / ".out.sitemigrate-abc123.old"
    backup.mkdir()
    (backup / "kept.md").write_text("the folder as it was")
    (tmp_path / ".out.sitemigrate-def456").mkdir()
    (tmp_path / ".out.sitemigrate-def456" / "half.md").write_text("half written")
    (tmp_path / ".other.sitemigrate-xyz").mkdir()  # another output's: not ours to touch
    recover_interrupted(out)
    assert (out / "kept.md").read_text() == "the folder as it was"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.sitemigrate-xyz", "out"]


def _kill_when_staging(cmd: list[str], parent: Path, name: str, delay: float) -> int | None:
    """Start ``cmd``; SIGKILL it ``delay`` s after its staging folder appears (or at once if
    ``delay`` < 0).  Returns the exit code, or None when it had finished before the kill."""
    def staging() -> set[str]:
        return {p.name for p in parent.iterdir() if p.name.startswith(f".{name}.sitemigrate-")}

    leftovers = staging()  # from an earlier kill: wait for this run's own
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if delay < 0:
        time.sleep(-delay)
    else:
        deadline = time.monotonic() + 30
        while not staging() - leftovers:
            if proc.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.001)
        time.sleep(delay)
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return proc.returncode if finished else None


def test_killed_run_leaves_output_as_before_or_complete(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    src = fakeplugin.make_site(tmp_path / "big", "Old", pubs=600, body_bytes=3000)
    out = tmp_path / "out"
    cmd = [sys.executable, str(RUN_CLI), "migrate", str(src), "--to", "fakelab",
           "-o", str(out), "--force"]
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    old = tree(out)
    config = src / "_config.yml"
    config.write_text(config.read_text().replace("Old", "New"))
    for pub in sorted((src / "pubs").iterdir())[::3]:
        pub.write_text(pub.read_text().replace("Lorem", "Ipsum"))
    new = dict(migrate(src, "fakelab", out, dry_run=True).files.items())
    new_tree = {**old, **{rel: hashlib.sha256(data).hexdigest() for rel, data in new.items()}}
    assert new_tree != old

    before = tmp_path_factory.mktemp("before") / "out"
    shutil.copytree(out, before, symlinks=True)
    killed_mid_write = 0
    for delay in (-0.2, -0.05, 0.0, 0.0, 0.0, 0.01, 0.05, 0.2, 0.5):  # reading, then writing
        finished = _kill_when_staging(cmd, tmp_path, "out", delay)
        state = tree(out)
        assert state in (old, new_tree), f"output torn by a kill {delay} s after staging began"
        if state == new_tree:  # swapped in before the kill: put the old output back
            shutil.rmtree(out)
            shutil.copytree(before, out, symlinks=True)
            continue
        assert finished is None, "the run ended without writing"
        killed_mid_write += delay >= 0
    assert killed_mid_write >= 1

    assert subprocess.run(cmd, capture_output=True).returncode == 0
    assert tree(out) == new_tree
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "out"]  # leftovers cleaned


def test_killed_first_run_leaves_no_output_or_a_complete_one(tmp_path: Path) -> None:
    src = fakeplugin.make_site(tmp_path / "big", "First", pubs=600, body_bytes=3000)
    out = tmp_path / "out"
    expected = {rel: hashlib.sha256(data).hexdigest()
                for rel, data in migrate(src, "fakelab", out, dry_run=True).files.items()}
    cmd = [sys.executable, str(RUN_CLI), "migrate", str(src), "--to", "fakelab", "-o", str(out)]
    for delay in (0.0, 0.2):
        _kill_when_staging(cmd, tmp_path, "out", delay)
        assert not out.exists() or tree(out) == expected
        if out.exists():
            break
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    assert tree(out) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "out"]


def test_failure_before_the_swap_leaves_every_old_byte(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import sitemigrate.fileset as fileset

    out = tmp_path / "out"
    files = FileSet()
    for i in range(20):
        files.add(f"d/{i}.md", f"old {i}")
    write_atomically(files, out)
    before = tree(out)
    for i in range(0, 20, 2):
        files.add(f"d/{i}.md", f"new {i}")  # staging holds hard links to these: no in-place

    def fail(staging: Path, out_dir: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fileset, "_swap_in", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(files, out, force=True)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
