"""The class's inbox: the folder hand-ins go to, kept private on a shared machine.

Another local user must never read, replace or plant a student's coding. So the inbox is
refused when it is a symbolic link, is not the caller's own, or can be written by others,
and so is any folder above it that another user owns or can write without the sticky bit
(they could rename the inbox away and put their own in its place). A missing inbox is
created 0700. Every hand-in then opens the inbox by descriptor and checks it is still the
same folder, still private: an inbox deleted or replaced while the page runs is never
recreated with looser modes, the student is told to ask the instructor.

A hand-in is written whole to a private temporary file and linked into place under its
name, which fails when the name exists: two students handing in under one name at the
same moment can never overwrite each other. A student replaces their own hand-in only
through :meth:`Inbox.replace`, after confirming, and only the version they were shown.
The instructor's reads (:func:`hand_ins`) use the safe reader: no link, no FIFO, capped.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from russian_views.atomic import read_capped
from russian_views.dataset.validate import MAX_CSV_BYTES
from russian_views.errors import DataError, ParameterError, Problem

# The longest name a student may type (a full name with patronymic fits many times over).
NAME_MAX_CHARS = 80
# The longest file name made from it, in characters (any script is at most 4 bytes each).
SLUG_MAX_CHARS = 48
_GROUP_OR_OTHER_WRITE = stat.S_IWGRP | stat.S_IWOTH
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class InboxError(ParameterError):
    """The inbox cannot be trusted or reached; the message is one line naming it."""


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on (escape codes, line breaks)
    written as its Python escape, so a file name cannot rewrite the instructor's screen."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def student_slug(name: str) -> str:
    """A file name for a student's name in any script: its letters and digits, lower-cased,
    words joined by hyphens, cut at a word (``Анна Петрова`` → ``анна-петрова``); a name
    with no letter at all (emoji only) gets ``coder-`` and a short digest of it."""
    words, word = [], ""
    for char in unicodedata.normalize("NFKC", name).casefold():
        if unicodedata.category(char)[0] in "LN" or unicodedata.category(char) == "Mn":
            word += char
        elif word:
            words.append(word)
            word = ""
    words += [word] if word else []
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > SLUG_MAX_CHARS:
            break
        slug = longer
    if not slug and words:
        slug = words[0][:SLUG_MAX_CHARS]
    if not slug:
        slug = "coder-" + hashlib.sha256(name.encode()).hexdigest()[:10]
    return slug


def name_problem(name: str) -> str | None:
    """Why a typed name cannot be used, in words a student understands (None: it can)."""
    if not name.strip():
        return "Type your name first, then press Hand in."
    if len(name) > NAME_MAX_CHARS:
        return (
            f"Your name is {len(name):,} characters long; type at most {NAME_MAX_CHARS} "
            "(your first and last name are enough)."
        )
    if not name.isprintable():
        return "Your name holds a character that cannot be printed; type it again."
    return None


def _refusal(path: Path, status: os.stat_result, what: str) -> str | None:
    """Why a folder cannot hold hand-ins (None: it can), from its status."""
    if not stat.S_ISDIR(status.st_mode):
        return f"{what} {printable(str(path))} is not a folder"
    if status.st_uid not in (os.geteuid(), 0):
        return (
            f"{what} {printable(str(path))} belongs to another user (uid {status.st_uid}), "
            "who could replace or read the hand-ins; use a folder of your own"
        )
    if status.st_mode & _GROUP_OR_OTHER_WRITE and not status.st_mode & stat.S_ISVTX:
        return (
            f"{what} {printable(str(path))} can be written by other users, who could replace "
            "or read the hand-ins; use a folder only you can write (chmod go-w)"
        )
    return None


def check_folder(path: Path) -> Path:
    """``path`` as an absolute path whose every folder above is one no other user can
    change, and which is not itself a link; :class:`InboxError` (one line) otherwise."""
    absolute = Path(os.path.abspath(path))
    try:
        if absolute.is_symlink():
            raise InboxError(
                f"inbox {printable(str(path))} is a symbolic link, which is never followed "
                "(another user may have planted it); name the folder itself"
            )
        parent = absolute.parent.resolve(strict=True)
    except OSError as exc:
        raise InboxError(f"inbox {printable(str(path))}: {exc.strerror or exc}") from None
    for folder in (parent, *parent.parents):
        reason = _refusal(folder, folder.stat(), "folder above the inbox")
        if reason:
            raise InboxError(reason)
    return parent / absolute.name


@dataclass(frozen=True)
class Inbox:
    """A checked inbox, held open (so its inode cannot be reused by a folder put in its
    place) and remembered by device and inode: every hand-in checks it is still this
    folder and still private."""

    path: Path
    device: int
    inode: int
    held: int  # a descriptor on the folder, kept for the page's life

    @classmethod
    def open(cls, path: Path, create: bool = False) -> Inbox:
        """The inbox at ``path``, checked (and created 0700 when ``create`` and missing)."""
        path = check_folder(path)
        if create:
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:
                pass
            except OSError as exc:
                raise InboxError(f"inbox {printable(str(path))}: {exc.strerror}") from None
        fd = cls._descriptor(path)
        status = os.fstat(fd)
        return cls(path, status.st_dev, status.st_ino, fd)

    @staticmethod
    def _descriptor(path: Path) -> int:
        """The inbox opened without following a link, checked by its descriptor."""
        try:
            fd = os.open(path, _DIRECTORY)
        except OSError as exc:
            reason = "is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
            raise InboxError(f"inbox {printable(str(path))}: {reason}") from None
        reason = _refusal(path, os.fstat(fd), "inbox")
        if reason:
            os.close(fd)
            raise InboxError(reason)
        return fd

    def _same_folder(self) -> int:
        """The inbox's descriptor, if it is still the folder checked at the start."""
        try:
            fd = self._descriptor(self.path)
        except InboxError:
            raise InboxError(
                "The class's inbox folder is gone or no longer private, so nothing was "
                "handed in; tell your instructor."
            ) from None
        status = os.fstat(fd)
        if (status.st_dev, status.st_ino) != (self.device, self.inode):
            os.close(fd)
            raise InboxError(
                "The class's inbox folder was replaced since this page opened, so nothing "
                "was handed in; tell your instructor."
            )
        return fd

    def _staged(self, fd: int, data: bytes) -> str:
        """``data`` written whole to a new private file in the inbox; its name."""
        name = f".hand-in-{secrets.token_hex(8)}.part"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        out = os.open(name, flags, 0o600, dir_fd=fd)
        try:
            with os.fdopen(out, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            os.unlink(name, dir_fd=fd)
            raise
        return name

    def hand_in(self, name: str, data: bytes) -> Path:
        """Write a new hand-in called ``name``: FileExistsError when one exists already,
        whoever made it and however close in time (a link into place never replaces)."""
        fd = self._same_folder()
        try:
            staged = self._staged(fd, data)
            try:
                os.link(staged, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
            finally:
                os.unlink(staged, dir_fd=fd)
        finally:
            os.close(fd)
        return self.path / name

    def version(self, name: str) -> tuple[int, int] | None:
        """Which version of hand-in ``name`` is in the inbox (inode, change time), or None."""
        fd = self._same_folder()
        try:
            status = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        finally:
            os.close(fd)
        return status.st_ino, status.st_mtime_ns

    def replace(self, name: str, data: bytes, shown: tuple[int, int]) -> Path:
        """Replace hand-in ``name``, confirmed by a student who was shown version ``shown``:
        FileExistsError if it changed since (someone else's now), else a rename into place,
        so a reader sees the old coding or the new one, never half of either."""
        fd = self._same_folder()
        try:
            staged = self._staged(fd, data)
            try:
                status = os.stat(name, dir_fd=fd, follow_symlinks=False)
                if (status.st_ino, status.st_mtime_ns) != shown:
                    raise FileExistsError(errno.EEXIST, "changed since it was shown", name)
                os.rename(staged, name, src_dir_fd=fd, dst_dir_fd=fd)
            except BaseException:
                os.unlink(staged, dir_fd=fd)
                raise
        finally:
            os.close(fd)
        return self.path / name


def hand_ins(folder: Path) -> dict[str, bytes]:
    """Every hand-in (``*.csv``) of ``folder``, by file name, read with the safe reader:
    a link, a FIFO, a device or an oversized file is a problem named (escaped), never
    followed, waited on or read whole. Every problem of every file at once."""
    if not folder.is_symlink() and not folder.is_dir():
        raise ParameterError(
            f"{printable(str(folder))}: no such folder of codings (one CSV per student)"
        )
    fd = Inbox._descriptor(check_folder(folder))
    try:
        names = sorted(e.name for e in os.scandir(fd) if e.name.endswith(".csv"))
    finally:
        os.close(fd)
    found: dict[str, bytes] = {}
    problems = []
    for name in (n for n in names if not n.startswith(".")):
        try:
            found[name] = read_capped(folder / name, MAX_CSV_BYTES)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            problems.append(Problem(printable(name), None, None, None, reason))
    if problems:
        raise DataError(problems)
    return {printable(name): data for name, data in found.items()}
