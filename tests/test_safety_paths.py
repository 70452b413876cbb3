"""No output path derived from input can leave the output folder."""

from __future__ import annotations

import pytest

from sitemigrate.fileset import FileSet, write_atomically
from sitemigrate.paths import UnsafePathError, safe_relative_path, slugify

ESCAPES = ["../x", "a/../../x", "/etc/passwd", "~/x", "C:/x", "c:x", "a\\..\\x",
           "%2e%2e/x", "%252e%252e/x", "a/./b", "", "a\x00b", "..", "./x"]


@pytest.mark.parametrize("path", ESCAPES)
def test_escaping_paths_are_refused(path: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_relative_path(path)


def test_plain_paths_pass() -> None:
    assert safe_relative_path("_publications/2020-01-01-x.md") == "_publications/2020-01-01-x.md"


def test_slugify_keeps_cjk_and_never_empty() -> None:
    assert slugify("Deep Learning: A Survey!") == "deep-learning-a-survey"
    assert slugify("云图电影台词") == "云图电影台词"
    assert slugify("../../etc") == "etc"
    assert slugify("???") == "item"


def test_overwrite_needs_force_and_failure_leaves_folder(tmp_path) -> None:
    out = tmp_path / "out"
    files = FileSet()
    files.add("a.md", "one")
    write_atomically(files, out)
    assert (out / "a.md").read_text() == "one"
    files.add("a.md", "two")
    with pytest.raises(Exception, match="overwritten"):
        write_atomically(files, out)
    assert (out / "a.md").read_text() == "one"
    changes = write_atomically(files, out, force=True)
    assert [c.action for c in changes] == ["change"]
    assert (out / "a.md").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left behind
