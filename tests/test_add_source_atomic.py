"""add-source is everything or nothing (issue 27, B10): killed outright at any rename, it
leaves no recorded source, validate names what it left, a second run completes it; the
text it is given is named for what it is when it is no text file (B13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from russian_views.classroom import add_source
from russian_views.dataset.load import load_dataset
from russian_views.errors import DataError, ParameterError

from .test_coding import SOURCE_ID, TEXT, TITLE, run, snapshot

# Run add-source in a process that dies (os._exit: no clean-up runs, as under kill -9)
# just before its Nth rename into data/ (0: once its scratch copy has loaded).
KILLED_AT = """
import os, sys
from pathlib import Path
from russian_views.classroom import add_source
renames, real = [0], os.replace
def replace(src, dst):
    renames[0] += 1
    if renames[0] == int(sys.argv[3]):
        os._exit(9)
    real(src, dst)
os.replace = replace
if sys.argv[3] == "0":  # killed while its scratch copy is checked
    scratch_load = add_source.scratch_load
    add_source.scratch_load = lambda *a: os._exit(9) if scratch_load(*a) else None
add_source.add_source(Path(sys.argv[2]), kind="review", title=sys.argv[4], outlet="Test Review",
                      published="2023", author="A. Tester", data_dir=Path(sys.argv[1]))
"""
# The worksheet, its codes, three records worksheets, the text, sources.csv.
FILES = 7


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _killed_at(rename: int, data_dir: Path, text: Path, cache: Path) -> int:
    env = {**os.environ, "RUSSIAN_VIEWS_CACHE": str(cache)}
    argv = [sys.executable, "-c", KILLED_AT, str(data_dir), str(text), str(rename), TITLE]
    return subprocess.run(argv, env=env, check=False, timeout=120).returncode


@pytest.mark.parametrize("rename", [0, 1, 4, FILES])
def test_add_source_killed_at_any_rename_leaves_no_source_and_a_rerun_completes_it(
    data_copy: Path, text_file: Path, tmp_path: Path, capsys, rename: int
):
    sources_before = (data_copy / "sources.csv").read_bytes()
    assert _killed_at(rename, data_copy, text_file, tmp_path / "cache") == 9
    assert (data_copy / "sources.csv").read_bytes() == sources_before
    assert SOURCE_ID not in set(load_dataset(data_copy).sources["source_id"])
    left = run("validate", "--data", str(data_copy))
    err = capsys.readouterr().err
    if rename > 1:  # something was renamed in: validate names it, and is not satisfied
        assert left == 2 and "a worksheet of no recorded source" in err
    # The scratch copy of a run killed meanwhile is removed by the next run's.
    scratch = tmp_path / "cache" / "scratch"
    assert len(list(scratch.iterdir())) == (rename == 0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(add_source.config, "CACHE_DIR", tmp_path / "cache")
        assert run(
            "add-source", str(text_file), "--kind", "review", "--title", TITLE,
            "--outlet", "Test Review", "--date", "2023", "--author", "A. Tester",
            "--data", str(data_copy),
        ) == 0  # fmt: skip
    assert list(scratch.iterdir()) == []
    assert not [p for p in data_copy.rglob(".*.tmp")]  # the killed run's staged files too
    assert SOURCE_ID in set(load_dataset(data_copy).sources["source_id"])
    assert run("validate", "--data", str(data_copy)) == 0
    assert "incomplete" not in capsys.readouterr().err


def test_a_worksheet_that_differs_from_the_blank_one_is_never_overwritten(
    data_copy: Path, text_file: Path
):
    """A left-over file is taken over only when it holds exactly what would be written."""
    sheet = data_copy / "worksheets" / f"{SOURCE_ID}.csv"
    sheet.parent.mkdir()
    sheet.write_text("coding work\n", encoding="utf-8")
    before = snapshot(data_copy)
    with pytest.raises(ParameterError, match="already exists"):
        add_source.add_source(text_file, kind="review", title=TITLE, outlet="X",
                              published="2023", author="A. Tester", data_dir=data_copy)  # fmt: skip
    assert snapshot(data_copy) == before


def test_validate_names_a_recorded_sources_missing_worksheet(
    data_copy: Path, text_file: Path, capsys
):
    added = add_source.add_source(
        text_file, kind="review", title=TITLE, outlet="X", published="2023", author="A. Tester",
        data_dir=data_copy,
    )  # fmt: skip
    added.codes.unlink()
    assert run("validate", "--data", str(data_copy)) == 2
    assert (
        f"source '{SOURCE_ID}': its worksheets lack {added.codes.name}" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: os.mkfifo(p), "is not a regular file (a FIFO)"),
        (lambda p: p.symlink_to("/dev/zero"), "is not a regular file (a device) (/dev/zero)"),
        (lambda p: p.mkdir(), "is not a regular file (a folder)"),
    ],
)
def test_add_source_names_what_a_non_text_is(data_copy: Path, tmp_path: Path, make, said: str):
    """B13: not "no such file" for a FIFO or /dev/zero, and never read."""
    given = tmp_path / "given.txt"
    make(given)
    before = snapshot(data_copy)
    with pytest.raises(DataError, match=f"given.txt: {said.replace('(', '.').replace(')', '.')}"):
        add_source.add_source(given, kind="review", title=TITLE, outlet="X", published="2023",
                              data_dir=data_copy)  # fmt: skip
    assert snapshot(data_copy) == before


def test_add_source_says_no_such_file_only_when_there_is_none(data_copy: Path, tmp_path: Path):
    with pytest.raises(ParameterError, match="no such file"):
        add_source.add_source(tmp_path / "absent.txt", kind="review", title=TITLE, outlet="X",
                              published="2023", data_dir=data_copy)  # fmt: skip


def test_a_full_disk_under_the_scratch_copy_names_the_data_not_the_scratch(
    data_copy: Path, text_file: Path, monkeypatch
):
    """B13: the user is told which folder could not be changed, not a temporary path."""
    import errno
    import shutil

    def full(_src, dst, **_kw):
        raise OSError(errno.ENOSPC, "No space left on device", f"{dst}/claims.csv")

    monkeypatch.setattr(shutil, "copytree", full)
    before = snapshot(data_copy)
    with pytest.raises(OSError, match="No space left on device") as caught:
        add_source.add_source(text_file, kind="review", title=TITLE, outlet="X",
                              published="2023", data_dir=data_copy)  # fmt: skip
    assert caught.value.filename == str(data_copy)
    assert snapshot(data_copy) == before
