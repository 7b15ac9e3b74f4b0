"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    write_all({path: data})


def write_all(files: dict[Path, bytes]) -> None:
    """Write several files as a set (a report's ipynb, html and pdf): all land or none does.

    Each file is first written whole to a temporary file beside its target, which is where
    a full disk or a quota fails; only when every one is written are they renamed into
    place. A rename allocates no space, so it does not fail for want of it; should one fail
    anyway, the files this call created are removed again (a file it already replaced
    keeps its new bytes: the old ones are gone). Temporary files never stay behind.
    """
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        for tmp, path in staged:
            existed = path.exists()
            os.replace(tmp, path)
            if not existed:
                created.append(path)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for path in created:
            path.unlink(missing_ok=True)
        raise


def _stage(path: Path, data: bytes) -> Path:
    """``data`` written in full to a new temporary file beside ``path``; an OSError names
    ``path``, so the message says which file could not be written and why."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    return tmp
