"""The output folder's lock: two renders into one folder take turns, none waits for ever,
and a folder another user could change holds no lock of ours."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from russian_views.atomic import open_lock
from russian_views.errors import RenderError
from russian_views.private import check_trusted

LOCK = ".russian-views.lock"


# How long a render waits for another render into the same folder to finish.
LOCK_WAIT = 600.0


@contextmanager
def folder_lock(out_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the output folder: two renders into one folder take turns
    (each file is written atomically anyway; the lock keeps the cache manifest whole), but
    no render waits for ever on another that is stuck: after ``wait`` seconds (default
    :data:`LOCK_WAIT`) it gives up in one line naming the folder."""
    import fcntl

    check_trusted(out_dir, "--out")  # whoever could rename the folder could swap its lock
    fd = open_lock(out_dir / LOCK)
    deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RenderError(
                        f"{out_dir}: another render has held this folder for over "
                        f"{LOCK_WAIT if wait is None else wait:.0f} s; wait for it to end, or "
                        "render into another folder (--out)"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing releases the lock
