"""Folders only this user can change: where secrets, sockets, caches and scratch copies go.

On a shared machine another local user may own or write a folder on the way to ours (a
group scratch folder set as ``TMPDIR``, a ``XDG_CACHE_HOME`` others can write). Whoever
can write a folder can rename what is in it and put their own in its place between our
check and our use: a kernel connection file of theirs runs their code as us, a chart
bundle of theirs runs their script in our reports. So a folder is trusted only when it
and every folder above it can be changed by no one else (owned by us or root, and not
writable by group or others unless the sticky bit stops them renaming our entries), and
a folder made here is made 0700 and checked by descriptor, without following a link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from russian_views import config

# Where a private folder's failure is explained: the caller names which setting chose it.
_ADVICE = "set it to a folder of your own"


class UnsafeFolder(OSError):
    """A folder another user could change: an environment fault named by its path."""


def _others_could_change(status: os.stat_result) -> str:
    """Why a user other than this one (or root) could rename entries of this folder, or ""
    if none could."""
    if status.st_uid not in (os.geteuid(), 0):
        return f"belongs to another user (uid {status.st_uid})"
    mode = status.st_mode
    if mode & (stat.S_IWGRP | stat.S_IWOTH) and not mode & stat.S_ISVTX:
        return f"can be written by other users (mode {stat.S_IMODE(mode):04o}, not sticky)"
    return ""


def _chain(path: Path) -> list[Path]:
    """``path`` and every folder above it, both as written and with links resolved (a link
    in the path is as safe as the folder holding it, its target as the target's folders)."""
    absolute = Path(os.path.abspath(path))
    real = Path(os.path.realpath(absolute))
    return [*absolute.parents, absolute, *real.parents, real]


def check_trusted(path: Path, setting: str) -> None:
    """Raise :class:`UnsafeFolder` naming the first existing folder at or above ``path``
    that another user could change (``setting``: the variable or option that chose it)."""
    for folder in _chain(path):
        try:
            status = os.lstat(folder)
        except FileNotFoundError:
            continue
        # (A link's own mode means nothing: it is as safe as the folder holding it.)
        why = _others_could_change(status) if stat.S_ISDIR(status.st_mode) else ""
        if why:
            reason = f"{why}, so nothing of yours is kept under it (from {setting}: {_ADVICE})"
            raise UnsafeFolder(errno.EPERM, reason, str(folder))


def check_private(path: Path) -> None:
    """Raise :class:`UnsafeFolder` unless ``path`` is a folder (not a link) of this user's
    that nobody else may enter, checked on an open descriptor (what was checked is what
    is there)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeFolder(exc.errno, "is a link or not a folder; refused", str(path)) from None
        raise
    try:
        status = os.fstat(fd)
        if status.st_uid != os.geteuid():
            reason = f"belongs to another user (uid {status.st_uid}); refused"
            raise UnsafeFolder(errno.EPERM, reason, str(path))
        if status.st_mode & 0o077:
            mode = f"{stat.S_IMODE(status.st_mode):04o}"
            reason = f"is open to other users (mode {mode}); it must be yours alone (0700)"
            raise UnsafeFolder(errno.EPERM, reason, str(path))
    finally:
        os.close(fd)


def private_folder(path: Path, setting: str, tighten: bool = False) -> Path:
    """``path`` as a folder only this user can use: its parents trusted (and made 0700 where
    missing), itself made 0700 if missing, then checked by descriptor. ``tighten`` makes an
    existing folder of this user's 0700 (a cache made by an older version) instead of
    refusing it."""
    check_trusted(path, setting)
    _make_private(path)
    if tighten:
        _tighten(path)
    check_private(path)
    return path


def _make_private(folder: Path) -> None:
    """Make ``folder`` 0700 if it is missing, and every missing folder above it: not with
    ``mkdir(parents=True)``, which makes the parents with the umask's mode (0775 under a
    umask of 002: folders the group could change, refused by the next check)."""
    if not os.path.lexists(folder.parent):
        _make_private(folder.parent)
    with contextlib.suppress(FileExistsError):  # there already, or made by another command
        folder.mkdir(mode=0o700)


def _tighten(path: Path) -> None:
    """Make a folder of this user's 0700 through a descriptor (never through a link)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            if os.fstat(fd).st_uid == os.geteuid():
                os.fchmod(fd, 0o700)
        finally:
            os.close(fd)


def temp_base() -> Path:
    """The temporary folder (``TMPDIR``), refused when another user could change it."""
    base = Path(tempfile.gettempdir())
    check_trusted(base, "TMPDIR")
    return base


def private_tempdir(prefix: str, base: Path | None = None) -> Path:
    """A new folder (0700, made atomically by mkdtemp) in a trusted temporary folder,
    checked by descriptor after it is made."""
    if base is None:
        base = temp_base()
    else:
        check_trusted(base, "TMPDIR")
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    check_private(folder)
    return folder


def _scratch_base() -> Path:
    """The folder of scratch copies: in the user's cache folder (private), or in the
    temporary folder when the cache cannot be made (a read-only home)."""
    try:
        return private_folder(config.CACHE_DIR / "scratch", config.CACHE_SETTING, tighten=True)
    except UnsafeFolder:
        raise
    except OSError:
        return private_folder(temp_base() / f"russian-views-scratch-{os.geteuid()}", "TMPDIR")


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # (no process has a number that large)
        return False
    except PermissionError:
        return True
    return True


def remove_stale(base: Path) -> None:
    """Remove the scratch copies of runs that were killed outright (their process is gone):
    a stop signal unwinds and removes its own, but nothing runs after kill -9."""
    for entry in base.iterdir():
        pid, _, _ = entry.name.partition("-")
        # (This process's own is never removed: it is alive. isdecimal, not isdigit, which
        # takes "²", a name int refuses.)
        if pid.isdecimal() and not process_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A new private folder for a scratch copy of the data, removed when the block ends
    (a stop signal unwinds through here); those of killed runs are removed first."""
    base = _scratch_base()
    remove_stale(base)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))
    check_private(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
