"""How the data folder changes: rows appended, or a source's rows cut, byte for byte, and
the result validated in a scratch copy before any real file is replaced.

Adding, amending and removing a source (:mod:`.coding`) and importing its records
(:mod:`.records`) all change ``data/`` through here, so a refused change leaves every
file as it was, and add, import and remove leave ``data/`` byte-identical.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from russian_views.atomic import write_atomic
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.schema import Table
from russian_views.dataset.validate import Record
from russian_views.private import scratch_folder

# The folder of coding worksheets under the data folder (never part of the loaded data).
WORKSHEETS = "worksheets"


def appended(existing: bytes, table: Table, records: list[Record]) -> bytes:
    """A table file's bytes, unchanged, with the records added as rows in the table's order."""
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for r in records:
        writer.writerow(cell(r.get(f.name)) for f in table.fields)
    return existing + buffer.getvalue().encode("utf-8")


def cell(value: object) -> str:
    """A typed value as the data files spell it (booleans ``true``/``false``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def without_source(existing: bytes, source_ids: set[str]) -> tuple[bytes, int]:
    """A table file's bytes with the rows citing ``source_ids`` cut out and every other
    byte kept (BOM, line ends, quoting), so that removing what was appended restores the
    file exactly; and how many rows were cut."""
    bom = codecs.BOM_UTF8 if existing.startswith(codecs.BOM_UTF8) else b""
    lines = re.findall(r"[^\n]*\n|[^\n]+$", existing[len(bom) :].decode("utf-8"))
    reader = csv.reader(iter(lines))
    header = next(reader)
    column = header.index("source_id")
    kept, cut, consumed = lines[: reader.line_num], 0, reader.line_num
    for row in reader:
        chunk, consumed = lines[consumed : reader.line_num], reader.line_num
        if len(row) > column and row[column] in source_ids:
            cut += 1
        else:
            kept += chunk
    return bom + "".join(kept).encode("utf-8"), cut


def scratch_load(
    data_dir: Path, changes: dict[str, bytes], removed: Sequence[str], scratch: Path
) -> Dataset:
    """The data as they would load with ``changes`` written and ``removed`` deleted,
    from a copy in ``scratch`` (the loader checks the tables as a whole: keys,
    references, quotes against the texts, sha256)."""
    try:
        shutil.copytree(data_dir, scratch, ignore=shutil.ignore_patterns(WORKSHEETS))
        for name, content in changes.items():
            (scratch / name).write_bytes(content)
        for name in removed:
            (scratch / name).unlink()
    except OSError as exc:  # a full disk: name what was being changed, not the scratch copy
        first = exc.args[0][0][2] if isinstance(exc, shutil.Error) and exc.args[0] else None
        reason = f"{first or exc.strerror or exc} (while checking the change in a scratch copy)"
        raise OSError(exc.errno, reason, str(data_dir)) from exc
    return load_dataset(scratch)


def commit_validated(
    data_dir: Path, changes: dict[str, bytes], removed: Sequence[str] = ()
) -> Dataset:
    """Write ``changes`` (path under ``data_dir`` → bytes) and delete ``removed`` only if
    the data then load.

    Why a scratch copy: the candidate is checked exactly as the real data will be. The
    real files are then replaced one by one, each atomically, in the given order, and
    the removed ones deleted last (a text goes only once no row records it).
    """
    with scratch_folder() as tmp:
        merged = scratch_load(data_dir, changes, removed, tmp / "data")
    for name, content in changes.items():
        write_atomic(data_dir / name, content)
    for name in removed:
        (data_dir / name).unlink()
    return merged
