"""Events, expectations and signposts from a source: their worksheets and their import.

A claims worksheet has a row per sentence; these records are fewer and longer (an event
has a date and what happened, an expectation its horizon and its holder's odds, a signpost
the expectation it bears on), so each kind has a worksheet of its own whose columns are
its table's, written empty beside the claims worksheet by ``add-source``.
``import-coding`` knows one by its columns and merges it as it merges claims: every row
checked by the loader's own rules (:class:`~.coding.RowChecker`), every problem reported at
once with its row number, ids given in worksheet order (an id may be pinned, as a signpost
pins the expectation it bears on), and the merged tables validated in a scratch copy of
``data/`` before anything is replaced. ``--replace`` swaps the source's rows of that kind
for the worksheet's, keeping the id of a row that cites the same sentence and quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from russian_views import config
from russian_views.classroom.coding import (
    RECORDS,
    RowChecker,
    WorksheetRow,
    read_worksheet,
)
from russian_views.classroom.data_changes import (
    appended,
    commit_validated,
    scratch_load,
    without_source,
)
from russian_views.classroom.import_coding import assign_ids, duplicates, existing_keys
from russian_views.dataset.files import read_file
from russian_views.dataset.load import load_dataset
from russian_views.dataset.schema import Schema, Table, load_schema
from russian_views.dataset.validate import Record, read_rows
from russian_views.errors import DataError, Problem
from russian_views.private import scratch_folder

# A row of an amendment is the row it replaces when it cites the same words.
SAME = ("source_id", "paragraph", "sentence", "quote")
# A forecast just coded is an expectation not yet checked against the public record,
# unless the coder says otherwise (the status rule: data/codebook.csv, forecast_status).
DEFAULTS = {"status": "unchecked", "forecast_kind": "expectation"}


@dataclass(frozen=True)
class ImportedRecords:
    """What an import of a records worksheet added (and, amending, how many it replaced)."""

    table: str
    ids: tuple[str, ...]
    replaced: int = 0


def record_table(path: Path, schema: Schema) -> str | None:
    """The kind of record a worksheet holds, told by its columns (its id column may be
    left out), or None for a claims worksheet."""
    header, _, problems = read_rows(path)
    if problems:
        return None
    columns = {h.strip() for h in header}
    for table in RECORDS:
        fields = set(schema.tables[table].field_names)
        if fields - set(schema.tables[table].primary_key) <= columns <= fields:
            return table
    return None


def _typed_rows(
    table: Table, rows: list[WorksheetRow], checker: RowChecker
) -> tuple[list[Record], list[Problem]]:
    (key,) = table.primary_key
    names = [f for f in table.field_names if f != key]
    records, problems = [], []
    for row in rows:
        for name, default in DEFAULTS.items():
            if name in names and not row.get(name):
                row.cells[name] = default
        record, row_problems = checker.typed(row, names)
        pinned, id_problems = checker.typed(row, [key], blank_ok=True)
        record[key] = pinned[key]
        records.append(record)
        problems += row_problems + id_problems + checker.cross(row, record)
    return records, problems


def import_records(
    path: Path, table: str, data_dir: Path | None = None, replace: bool = False
) -> ImportedRecords:
    """Merge a records worksheet of ``table`` into the data, or nothing (every problem
    reported at once, with the worksheet's row numbers)."""
    data_dir = Path(data_dir or config.DATA_DIR)
    schema = load_schema(data_dir / "schema.yml")
    spec = schema.tables[table]
    (key,) = spec.primary_key
    base = read_file(data_dir / spec.path)
    required = [f.name for f in spec.fields if f.required and f.name not in (key, *DEFAULTS)]
    rows = read_worksheet(path, required=required, allowed=spec.field_names)
    if not rows:
        message = f"has no row: one row per {table[:-1]} the source holds"
        raise DataError([Problem(path.name, None, None, None, message)])
    sources = {r.get("source_id") for r in rows}
    original = load_dataset(data_dir)
    kept: dict[tuple, str] = {}
    replaced = 0
    with scratch_folder() as tmp:
        dataset = original
        if replace:
            kept = existing_keys(original, table, SAME, f"{{{key}}}", sources)
            base, replaced = without_source(base, sources)
            dataset = scratch_load(data_dir, {spec.path: base}, (), tmp / "data")
        checker = RowChecker.for_worksheet(path, dataset, schema)
        records, problems = _typed_rows(spec, rows, checker)
    where = f"{key[:-3]} {{{key}}} ({spec.path} row {{_row}})"
    problems += duplicates(
        path.name, records, (key,), existing_keys(dataset, table, (key,), where), key
    )
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.row or 0))
    ids = assign_ids(records, spec, SAME, original.tables[table][key], kept)
    commit_validated(data_dir, {spec.path: appended(base, spec, records)})
    return ImportedRecords(table, ids, replaced)
