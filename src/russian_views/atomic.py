"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

# Signals that stop a render; held while a set of files is renamed into place.
_HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# This process's temporary files not yet renamed into place (see discard_staged).
_staged: set[Path] = set()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    write_all({path: data})


def write_all(files: dict[Path, bytes]) -> None:
    """Write several files as a set (a report's ipynb, html and pdf): all land or none does.

    Each file is first written whole to a temporary file beside its target, which is where
    a full disk or a quota fails; only when every one is written are they renamed into
    place, with stop signals held until the last rename, so a set is never half replaced.
    A rename allocates no space, so it does not fail for want of it; should one fail
    anyway, the files this call created are removed again (a file it already replaced
    keeps its new bytes: the old ones are gone). Temporary files never stay behind.
    """
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        with _signals_held():
            for tmp, path in staged:
                existed = path.exists()
                os.replace(tmp, path)
                _staged.discard(tmp)
                if not existed:
                    created.append(path)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
            _staged.discard(tmp)
        for path in created:
            path.unlink(missing_ok=True)
        raise


def discard_staged() -> None:
    """Remove this process's temporary files not yet renamed into place: for a process that
    ends at once on a stop signal, without unwinding (a temporary file never stays behind)."""
    for tmp in list(_staged):
        tmp.unlink(missing_ok=True)
        _staged.discard(tmp)


def remove_stale_staged(folder: Path) -> None:
    """Remove the temporary files in ``folder`` of writers killed outright (kill -9 runs no
    clean-up): each names its process, and one whose process is gone is only debris."""
    from russian_views.private import process_alive

    with suppress(OSError):
        for tmp in folder.glob(".*.tmp"):
            pid = tmp.name[: -len(".tmp")].rsplit(".", 1)[-1].partition("-")[0]
            if pid.isdigit() and not process_alive(int(pid)):
                tmp.unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> Path:
    """``data`` written in full to a new temporary file beside ``path``; an OSError names
    ``path``, so the message says which file could not be written and why."""
    try:
        prefix = f".{path.name}.{os.getpid()}-"  # its writer, for remove_stale_staged
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    tmp = Path(name)
    _staged.add(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~current_umask())  # as open() would make it
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        _staged.discard(tmp)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    return tmp


def current_umask() -> int:
    """This process's umask (read by setting it and back: the only way to read it)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


@contextmanager
def _signals_held() -> Iterator[None]:
    """Note SIGINT, SIGTERM and SIGHUP instead of acting on them, then deliver the first.

    Only the main thread sets and runs handlers, so writes in other threads need no hold.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, _frame: object) -> None:
        caught.append(signum)

    previous = {signum: signal.signal(signum, note) for signum in _HELD}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if caught:
            signal.raise_signal(caught[0])


# Never follow a symbolic link another user may have planted in a folder they can write,
# and never block on a device or a pipe put in a file's place.
_NO_FOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


def open_lock(path: Path) -> int:
    """A file descriptor on the lock file ``path``, created if missing (0600) but never
    truncated, and never through a symbolic link: a link planted in its place is refused
    with ELOOP, its target untouched. A lock file of another user's is refused too: in a
    folder others may write, they could hold its lock for ever and stall every render."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NO_FOLLOW | os.O_NONBLOCK, 0o600)
    except OSError as exc:
        raise _named(exc, path) from exc
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "is not a regular file", str(path))
    if status.st_uid != os.geteuid():
        os.close(fd)
        reason = f"belongs to another user (uid {status.st_uid}); use a folder of your own"
        raise OSError(errno.EPERM, reason, str(path))
    return fd


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, read without following a symbolic link and
    refused past ``limit`` bytes (a link to /dev/zero or a huge file never fills memory)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise _named(exc, path) from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "is not a regular file", str(path))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"is larger than {limit} bytes", str(path))
    return data


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` saying what it means for a file the user can name."""
    reason = "is a symbolic link, which is never followed" if exc.errno == errno.ELOOP else None
    return OSError(exc.errno, reason or exc.strerror or str(exc), str(path))
