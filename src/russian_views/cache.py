"""Content-hash cache: a briefing whose inputs are unchanged is not rendered again.

A briefing's key hashes everything its files depend on: the notebook, the parameters,
the output formats and paper, every data file (the dataset's version hashes them all,
so changing one data row re-renders every briefing: which briefing a row reaches is
not known until the notebook runs), and the package's code and templates. The keys of
what is in an output folder are kept in ``.russian-views-cache.json`` there, with the
sha256 of each file written, so a file deleted or edited by hand is rendered again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from russian_views import config
from russian_views.atomic import write_atomic

MANIFEST = ".russian-views-cache.json"


@cache
def code_version() -> str:
    """Hash of the package's source files and templates (what shapes every output)."""
    digest = hashlib.sha256()
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def job_key(notebook: Path, parameters: dict, data_version: str, options: dict) -> str:
    """The key of one briefing: changes whenever anything its files depend on changes."""
    digest = hashlib.sha256()
    digest.update(notebook.read_bytes())
    payload = {
        "parameters": parameters,
        "data": data_version,
        "code": code_version(),
        "options": options,
    }
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _file_hash(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


class Manifest:
    """The keys and file hashes recorded for one output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        try:
            self.entries: dict = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def is_fresh(self, stem: str, key: str) -> bool:
        """Whether ``stem`` was rendered with ``key`` and its files are still as written."""
        entry = self.entries.get(stem)
        if not entry or entry.get("key") != key:
            return False
        folder = self.path.parent
        return all(_file_hash(folder / name) == sha for name, sha in entry["files"].items())

    def record(self, stem: str, key: str, files: Iterable[Path], seconds: float = 0.0) -> None:
        """Remember what ``stem`` was rendered with and how long it took (saved by
        :meth:`save`; the time is rounded so the manifest does not churn)."""
        self.entries[stem] = {
            "key": key,
            "files": {p.name: _file_hash(p) for p in files},
            "seconds": round(seconds, 1),
        }

    def seconds(self, stem: str, default: float) -> float:
        """How long ``stem`` took last time it rendered (``default`` if never)."""
        return self.entries.get(stem, {}).get("seconds", default)

    def forget(self, stem: str) -> None:
        """Drop a stem whose render failed, so the next run tries again."""
        self.entries.pop(stem, None)

    def save(self) -> None:
        """Write the manifest atomically."""
        text = json.dumps(self.entries, indent=1, sort_keys=True) + "\n"
        write_atomic(self.path, text.encode("utf-8"))
