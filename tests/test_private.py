"""Folders another user could change are never trusted (issue 27, S1, S5, --out, B10).

Another user is simulated with modes (a group scratch folder: 0777 without the sticky bit)
and, as root, with a folder handed to uid 65534 (nobody).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from russian_views import private
from russian_views.rendering import chart_bundle, folder_lock, kernel

NOBODY = 65534
as_root = pytest.mark.skipif(os.getuid() != 0, reason="simulating another user needs root")
CACHE = "RUSSIAN_VIEWS_CACHE"  # the setting that chose a folder, as the refusals name it


@pytest.fixture
def short() -> Iterator[Path]:
    """A private folder in /tmp itself, so a kernel's socket paths below it stay short
    enough to be used (a longer TMPDIR is not used for kernels at all)."""
    folder = Path(tempfile.mkdtemp(prefix="rv-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def group_scratch(short: Path) -> Path:
    """A folder every user may write, without the sticky bit (a group scratch folder)."""
    short.chmod(0o777)
    return short


def test_a_kernel_folder_is_never_made_in_a_tmpdir_others_can_write(
    group_scratch: Path, monkeypatch
):
    """S1: another user could rename the kernel's folder away and plant a kernel.json."""
    monkeypatch.setattr(tempfile, "tempdir", str(group_scratch))
    with pytest.raises(private.UnsafeFolder, match=r"mode 0777, not sticky.*TMPDIR") as caught:
        kernel._kernel_folder()
    assert caught.value.filename == str(group_scratch)
    assert list(group_scratch.iterdir()) == []


def test_a_tmpdir_below_a_folder_others_can_write_is_refused(group_scratch: Path, monkeypatch):
    mine = group_scratch / "mine"
    mine.mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, "tempdir", str(mine))
    with pytest.raises(private.UnsafeFolder) as caught:
        kernel._kernel_folder()
    assert caught.value.filename == str(group_scratch)


def test_a_sticky_tmpdir_is_trusted_and_the_kernel_folder_is_private(short: Path, monkeypatch):
    sticky = short
    sticky.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(sticky))
    folder = kernel._kernel_folder()
    assert folder.parent == sticky
    assert folder.stat().st_mode & 0o777 == 0o700


@as_root
def test_a_tmpdir_of_another_user_is_refused(short: Path, monkeypatch):
    theirs = short / "theirs"
    theirs.mkdir(mode=0o755)
    os.chown(theirs, NOBODY, NOBODY)
    monkeypatch.setattr(tempfile, "tempdir", str(theirs))
    with pytest.raises(private.UnsafeFolder, match=f"another user \\(uid {NOBODY}\\)"):
        kernel._kernel_folder()


def test_a_folder_reached_through_a_link_is_checked_where_it_leads(
    group_scratch: Path, tmp_path: Path
):
    link = tmp_path / "link"
    link.symlink_to(group_scratch)
    with pytest.raises(private.UnsafeFolder) as caught:
        private.check_trusted(link / "x", "TMPDIR")
    assert caught.value.filename == str(group_scratch)


def test_the_chart_bundle_is_never_read_from_a_cache_others_can_write(
    group_scratch: Path, monkeypatch
):
    """S5: another user could swap in a bundle (and its hash) that runs in every report."""
    monkeypatch.setattr(chart_bundle.config, "CACHE_DIR", group_scratch / "russian-views")
    chart_bundle.chart_bundle.cache_clear()
    try:
        with pytest.raises(
            private.UnsafeFolder, match=r"\(from (XDG_CACHE_HOME|HOME|RUSSIAN_VIEWS_CACHE):"
        ):
            chart_bundle.chart_bundle()
    finally:
        chart_bundle.chart_bundle.cache_clear()
    assert not (group_scratch / "russian-views").exists()


def test_an_old_open_cache_folder_of_ones_own_is_made_private(tmp_path: Path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o755)
    private.private_folder(folder, CACHE, tighten=True)
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o755)
    with pytest.raises(private.UnsafeFolder, match="mode 0755"):
        private.private_folder(folder, CACHE)


def test_a_private_folder_replaced_by_a_link_is_refused(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "cache").symlink_to(elsewhere)
    with pytest.raises(private.UnsafeFolder, match="is a link or not a folder"):
        private.private_folder(tmp_path / "cache", CACHE, tighten=True)


def test_an_output_folder_others_can_write_holds_no_lock(group_scratch: Path):
    out = group_scratch / "reports"
    out.mkdir()
    with pytest.raises(private.UnsafeFolder, match="--out"), folder_lock.folder_lock(out):
        pass
    assert not (out / folder_lock.LOCK).exists()


def test_scratch_copies_are_private_and_removed_and_a_killed_runs_are_cleared(
    tmp_path: Path, monkeypatch
):
    """B10: a run killed outright leaves its scratch copy; the next run removes it."""
    monkeypatch.setattr(private.config, "CACHE_DIR", tmp_path / "cache")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    base = private._scratch_base()
    stale = base / f"{dead.stdout.strip()}-abc"
    (stale / "data").mkdir(parents=True)
    with private.scratch_folder() as folder:
        assert folder.parent == base
        assert folder.stat().st_mode & 0o777 == 0o700
        assert not stale.exists()
    assert list(base.iterdir()) == []


def test_render_refuses_a_tmpdir_others_can_write_in_one_line_before_any_work(
    group_scratch: Path, tmp_path: Path, monkeypatch, capsys
):
    from russian_views import cli

    monkeypatch.setattr(tempfile, "tempdir", str(group_scratch))
    out = tmp_path / "reports"
    assert cli.main(["render", "--actor", "china", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{group_scratch}: can be written by other users" in err
    assert not out.exists()
