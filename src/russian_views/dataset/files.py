"""Reading and hashing data files with one cap, never following a link or blocking on a pipe.

Everything under ``data/`` may come from someone else (a student's hand-in, a text copied
in by hand), so no file is read whole before its size is known: a 1 GB file, a link to
``/dev/zero`` or a FIFO named like a source text is refused by name, never read until
memory runs out. The loader (is the dataset it holds still current?) and the render
service (is a warm service still current?) hash data files through :func:`add_file`, so
both apply the same cap.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

# The largest data file read (a table or a source text); real ones are a few hundred KB.
MAX_FILE_BYTES = 64 * 2**20
_CHUNK = 1 << 20


def _opened(path: Path) -> int:
    """A descriptor on the regular file ``path`` of at most :data:`MAX_FILE_BYTES`, opened
    without following a link and without blocking on a FIFO; an OSError names the file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        reason = "is a symbolic link, which is never followed" if exc.errno == errno.ELOOP else None
        raise OSError(exc.errno, reason or exc.strerror, str(path)) from None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, f"is not a regular file ({kind(status.st_mode)})", str(path))
    if status.st_size > MAX_FILE_BYTES:
        os.close(fd)
        raise OSError(errno.EFBIG, f"is larger than {MAX_FILE_BYTES // 2**20} MiB", str(path))
    return fd


def kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a file"


def read_file(path: Path) -> bytes:
    """The bytes of a data file (capped; an OSError names the file and why it is refused)."""
    fd = _opened(path)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # it grew after it was measured
        raise OSError(errno.EFBIG, f"is larger than {MAX_FILE_BYTES // 2**20} MiB", str(path))
    return data


def add_file(digest: hashlib._Hash, path: Path, name: str) -> None:
    """Add ``name`` and the bytes of ``path`` to ``digest``, read in chunks and never past
    the cap; a link is hashed as where it points (it is never followed)."""
    digest.update(name.encode() + b"\0")
    if path.is_symlink():
        digest.update(b"link to " + os.fsencode(os.readlink(path)))
        return
    fd = _opened(path)
    with os.fdopen(fd, "rb") as handle:
        total = 0
        while chunk := handle.read(_CHUNK):
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                reason = f"is larger than {MAX_FILE_BYTES // 2**20} MiB"
                raise OSError(errno.EFBIG, reason, str(path))
            digest.update(chunk)


def digest_of(files: Iterable[tuple[Path, str]]) -> str:
    """The sha256 of each (path, name)'s name and bytes, in the order given."""
    digest = hashlib.sha256()
    for path, name in files:
        add_file(digest, path, name)
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """The sha256 of every file under ``folder`` (names relative to it, sorted); a file that
    is too large, or neither a regular file nor a link, is refused by name."""
    entries = sorted(p for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())
    return digest_of((p, p.relative_to(folder).as_posix()) for p in entries)
