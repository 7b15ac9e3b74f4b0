"""Content-hash cache: a briefing whose inputs are unchanged is not rendered again.

A briefing's key hashes everything its files depend on: the notebook, the parameters,
the output formats and paper, every data file (the dataset's version hashes them all,
so changing one data row re-renders every briefing: which briefing a row reaches is
not known until the notebook runs), the package's code and templates, and the versions of
the libraries that shape the files (so an upgrade re-renders rather than leaving reports
made by the old version marked fresh). The keys of
what is in an output folder are kept in ``.russian-views-cache.json`` there, with the
sha256 of each file written, so a file deleted or edited by hand is rendered again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from russian_views import config
from russian_views.atomic import read_capped, write_atomic

MANIFEST = ".russian-views-cache.json"
# Distributions whose version changes what a report looks like: execution (papermill,
# nbformat), charts (altair, vl-convert), tables (pandas), HTML (nbconvert, its templates in
# jinja2) and PDF (weasyprint, and pydyf and fonttools, which write and subset its fonts).
OUTPUT_LIBRARIES = (
    "altair",
    "fonttools",
    "jinja2",
    "nbconvert",
    "nbformat",
    "pandas",
    "papermill",
    "pydyf",
    "vl-convert-python",
    "weasyprint",
)


@cache
def code_version() -> str:
    """Hash of the package's source files and templates (what shapes every output)."""
    digest = hashlib.sha256()
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def library_versions() -> dict[str, str]:
    """The installed version of each output-shaping library (read from its metadata, so
    nothing is imported)."""
    versions = {}
    for name in OUTPUT_LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def job_key(notebook: Path, parameters: dict, data_version: str, options: dict) -> str:
    """The key of one briefing: changes whenever anything its files depend on changes."""
    digest = hashlib.sha256()
    digest.update(notebook.read_bytes())
    payload = {
        "parameters": parameters,
        "data": data_version,
        "code": code_version(),
        "libraries": library_versions(),
        "options": options,
    }
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    return digest.hexdigest()


# The largest manifest and report read back: far above any real one (a report is a few MB).
MAX_MANIFEST = 4 * 1024 * 1024
MAX_REPORT = 256 * 1024 * 1024


def _file_hash(path: Path) -> str | None:
    """The sha256 of a report as it is now; None when it is missing, or is anything but a
    regular file of sane size (a planted link is never followed: the report renders again)."""
    try:
        return hashlib.sha256(read_capped(path, MAX_REPORT)).hexdigest()
    except OSError:
        return None


class Manifest:
    """The keys and file hashes recorded for one output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        self.entries: dict = {}
        try:
            entries = json.loads(read_capped(self.path, MAX_MANIFEST).decode("utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self._unreadable(str(exc))
            return
        if not _well_formed(entries):
            self._unreadable("not a manifest of keys and file hashes")
            return
        self.entries = entries

    def _unreadable(self, reason: str) -> None:
        """A damaged manifest only costs renders: say so in one line and start empty."""
        print(
            f"russian-views: warning: {self.path}: cache manifest unreadable ({reason});"
            " rendering again",
            file=sys.stderr,
        )

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
        """Write the manifest atomically; if it cannot be written, the reports still are,
        and the next run only renders them again: one warning line, no failure."""
        text = json.dumps(self.entries, indent=1, sort_keys=True) + "\n"
        try:
            write_atomic(self.path, text.encode("utf-8"))
        except OSError as exc:
            print(
                f"russian-views: warning: cannot save the cache manifest {self.path}"
                f" ({exc.strerror or exc}); the next run renders again",
                file=sys.stderr,
            )


def _well_formed(entries: object) -> bool:
    """Whether parsed JSON has the manifest's shape: stem → {key, files: {name: sha}}, each
    name a file in the folder itself (a path elsewhere, such as ``/dev/zero``, would be
    read to check its hash)."""
    return isinstance(entries, dict) and all(
        isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and isinstance(entry.get("files"), dict)
        and all(_plain_name(n) and isinstance(h, str | None) for n, h in entry["files"].items())
        and isinstance(entry.get("seconds", 0.0), int | float)
        for entry in entries.values()
    )


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and name == Path(name).name and name not in ("", ".", "..")
