"""Folders another user could change are never trusted (issue 27, S1, S5, --out, B10).

Another user is simulated with modes (a group scratch folder: 0777 without the sticky bit),
as root with a folder handed to uid 65534 (nobody), and without root by the owner lstat and
fstat report (the owned_by fixture).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from russian_views import exits, private
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


# ---------------------------------------------------------------- each refusal, in-process
# (What a user sees is the one line of exits.message: "error: FOLDER: REASON".)

ME, THEM = 4242, 4243  # the uid this process pretends to have, and another user's


@pytest.fixture
def owned_by(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, int], None]:
    """Pretend to be uid ME, not root: what the test makes is ME's, and ``owned_by(path,
    uid)`` gives ``path`` to ``uid`` (another user, or root) as lstat and fstat report it.
    Another user's folder is simulated so without root, and root's as a user sees it."""
    real_euid, real_lstat, real_fstat = os.geteuid(), os.lstat, os.fstat
    owners: dict[tuple[int, int], int] = {}

    def reported(status: os.stat_result) -> os.stat_result:
        uid = ME if status.st_uid == real_euid else status.st_uid
        fields = list(status[:10])
        fields[4] = owners.get((status.st_dev, status.st_ino), uid)
        return os.stat_result(fields)

    monkeypatch.setattr(os, "geteuid", lambda: ME)
    monkeypatch.setattr(os, "lstat", lambda path, **kw: reported(real_lstat(path, **kw)))
    monkeypatch.setattr(os, "fstat", lambda fd: reported(real_fstat(fd)))

    def give(path: Path, uid: int) -> None:
        status = real_lstat(path)
        owners[status.st_dev, status.st_ino] = uid

    return give


def refusal(path: Path, setting: str = CACHE, tighten: bool = False) -> private.UnsafeFolder:
    """The refusal of ``path`` as a private folder."""
    with pytest.raises(private.UnsafeFolder) as caught:
        private.private_folder(path, setting, tighten=tighten)
    return caught.value


def shown(exc: OSError) -> str:
    """The one line a command prints for ``exc`` (after "russian-views: "), with its code."""
    code, line = exits.message(exc)
    assert code == exits.EXIT_FAILED
    return line


def test_a_folder_others_can_write_is_named_with_its_mode_and_the_setting_that_chose_it(
    group_scratch: Path,
):
    """Nothing is made below it (the missing folders between included)."""
    unsafe = refusal(group_scratch / "missing" / "run", "TMPDIR")
    assert unsafe.errno == errno.EPERM
    assert shown(unsafe) == (
        f"error: {group_scratch}: can be written by other users (mode 0777, not sticky), "
        "so nothing of yours is kept under it (from TMPDIR: set it to a folder of your own)"
    )
    assert list(group_scratch.iterdir()) == []


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o720, 0o702])
def test_write_for_the_group_or_others_without_the_sticky_bit_is_refused(short: Path, mode: int):
    short.chmod(mode)
    assert f"(mode {mode:04o}, not sticky)" in refusal(short / "run").strerror
    short.chmod(mode | 0o1000)  # sticky: nobody else can rename our entries
    assert private.private_folder(short / "run", CACHE) == short / "run"


def test_a_folder_of_another_user_above_ours_is_refused_naming_its_owner(tmp_path: Path, owned_by):
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    owned_by(theirs, THEM)
    unsafe = refusal(theirs / "run", "TMPDIR")
    assert (unsafe.errno, unsafe.filename) == (errno.EPERM, str(theirs))
    assert unsafe.strerror == (
        f"belongs to another user (uid {THEM}), so nothing of yours is kept under it "
        "(from TMPDIR: set it to a folder of your own)"
    )
    assert not (theirs / "run").exists()


def test_roots_folders_are_trusted_unless_others_can_write_them(tmp_path: Path, owned_by):
    """As for /, /tmp, /run/user: root owns them, and may change anything anyway."""
    roots = tmp_path / "roots"
    roots.mkdir(mode=0o755)
    owned_by(roots, 0)
    assert private.private_folder(roots / "run", CACHE) == roots / "run"
    roots.chmod(0o775)
    unsafe = refusal(roots / "run")
    assert unsafe.strerror.startswith("can be written by other users (mode 0775, not sticky)")


def test_a_plain_file_in_place_of_the_folder_is_refused_and_left_as_it_was(tmp_path: Path):
    planted = tmp_path / "run"
    planted.write_bytes(b"")
    planted.chmod(0o600)
    unsafe = refusal(planted, tighten=True)
    assert unsafe.errno == errno.ENOTDIR
    assert shown(unsafe) == f"error: {planted}: is a link or not a folder; refused"
    assert planted.stat().st_mode & 0o777 == 0o600


def test_a_link_in_place_of_the_folder_is_refused_and_its_target_left_as_it_was(
    tmp_path: Path,
):
    """Tightening a cache folder never goes through a link to change where it leads."""
    target = tmp_path / "target"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    (tmp_path / "cache").symlink_to(target)
    unsafe = refusal(tmp_path / "cache", tighten=True)
    assert shown(unsafe) == f"error: {tmp_path / 'cache'}: is a link or not a folder; refused"
    assert target.stat().st_mode & 0o777 == 0o755


def test_a_folder_handed_to_another_user_after_the_checks_above_it_is_refused(
    tmp_path: Path, owned_by
):
    """What was checked is what is there: the folder is checked again on the descriptor
    it is used by (the check of private_tempdir's and scratch_folder's new folders)."""
    theirs = tmp_path / "run"
    theirs.mkdir(mode=0o700)
    owned_by(theirs, THEM)
    with pytest.raises(private.UnsafeFolder) as caught:
        private.check_private(theirs)
    assert caught.value.errno == errno.EPERM
    assert shown(caught.value) == (
        f"error: {theirs}: belongs to another user (uid {THEM}); refused"
    )


def test_a_folder_of_ones_own_open_to_others_is_refused_saying_its_mode(tmp_path: Path):
    folder = tmp_path / "run"
    folder.mkdir()
    folder.chmod(0o750)
    unsafe = refusal(folder)
    assert unsafe.errno == errno.EPERM
    assert shown(unsafe) == (
        f"error: {folder}: is open to other users (mode 0750); it must be yours alone (0700)"
    )


# ---------------------------------------------------------------- folders made


def test_missing_folders_are_made_private_all_the_way_down_whatever_the_umask(tmp_path: Path):
    """With a umask of 002 (a user's own group), folders made with the umask's mode would
    be 0775: the group could change them, and the next run would refuse them."""
    folder = tmp_path / "home" / ".cache" / "run"
    before = os.umask(0o002)
    try:
        assert private.private_folder(folder, CACHE) == folder
        assert private.private_folder(folder, CACHE) == folder  # the next run: still trusted
    finally:
        os.umask(before)
    for made in (folder, folder.parent, folder.parent.parent):
        assert made.stat().st_mode & 0o777 == 0o700, made


def test_two_commands_making_the_same_private_folder_at_once_both_get_it(
    tmp_path: Path, monkeypatch
):
    """The other command makes each folder just before this one does."""
    real_mkdir = Path.mkdir

    def other_first(self: Path, mode: int = 0o777, *args: object, **kwargs: object) -> None:
        real_mkdir(self, 0o700)
        real_mkdir(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", other_first)
    folder = tmp_path / "new" / "run"
    assert private.private_folder(folder, CACHE) == folder


# ---------------------------------------------------------------- stale scratch copies


@pytest.fixture
def live() -> Iterator[subprocess.Popen]:
    """A process that runs until the test ends."""
    child = subprocess.Popen(["sleep", "60"])
    yield child
    child.kill()
    child.wait()


@pytest.fixture
def dead() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_process_is_alive_until_it_ends_and_asking_leaves_it_running(
    live: subprocess.Popen, dead: int
):
    assert private.process_alive(live.pid)
    assert not private.process_alive(dead)
    assert not private.process_alive(2**64)  # a number no process has
    with pytest.raises(subprocess.TimeoutExpired):  # asking sent it no signal that ended it
        live.wait(timeout=0.1)
    # This process is alive, so remove_stale keeps its copy. (Asked only once asking is
    # known to send no signal: here, and in no other test, so as not to signal pytest.)
    assert private.process_alive(os.getpid())


def test_another_users_process_counts_as_alive(monkeypatch, dead: int):
    """Asking about another user's process is refused (EPERM): it exists all the same."""

    def theirs(pid: int, signum: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "kill", theirs)
    assert private.process_alive(dead)


def test_only_scratch_copies_of_dead_runs_are_removed(
    tmp_path: Path, live: subprocess.Popen, dead: int
):
    """A live run's copy is kept, and so is what no run made (a name not starting with a
    run's number)."""
    names = [f"{dead}-abc", f"{live.pid}-abc", "notes", "²-abc", "x-1"]
    for name in names:
        (tmp_path / name / "data").mkdir(parents=True)
    private.remove_stale(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])


def test_a_link_named_like_a_dead_runs_copy_is_not_followed_and_stops_nothing(
    tmp_path: Path, dead: int
):
    kept = tmp_path / "kept"
    (kept / "data").mkdir(parents=True)
    base = tmp_path / "scratch"
    base.mkdir()
    (base / f"{dead}-abc").symlink_to(kept)
    private.remove_stale(base)
    assert (kept / "data").is_dir()
