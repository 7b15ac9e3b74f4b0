"""Removing a source: its sources.csv row, its text and its worksheets (with
``--with-claims``, every row citing it), cut byte for byte, so adding, coding and removing a
source leaves ``data/`` as it was; a filled worksheet is copied out first.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from russian_views import config
from russian_views.atomic import read_capped, write_atomic
from russian_views.classroom.coding import (
    CITING,
    CLAIM_FIELDS,
    LOCATION,
    RECORDS,
    SOURCES,
    UNCODED_FIELDS,
    codes_path,
    plural,
    read_worksheet,
    record_worksheet_path,
)
from russian_views.classroom.data_changes import (
    WORKSHEETS,
    commit_validated,
    without_source,
)
from russian_views.dataset.files import read_file
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.schema import load_schema
from russian_views.dataset.validate import MAX_CSV_BYTES, read_rows
from russian_views.errors import DataError, ParameterError
from russian_views.spec import echo


@dataclass(frozen=True)
class RemovedSource:
    """A source just removed: the rows that cited it, by table, the files deleted, and
    where its filled worksheets were copied first."""

    source_id: str
    rows: dict[str, int]
    files: tuple[Path, ...]
    kept: tuple[Path, ...] = ()


def _holds_coding(worksheet: Path) -> bool:
    """Whether a worksheet has any claim field or reason filled (unreadable: assume so)."""
    try:
        rows = read_worksheet(worksheet, required=LOCATION)
    except DataError:
        return True
    return any(r.filled((*CLAIM_FIELDS, *UNCODED_FIELDS)) for r in rows)


def _known_source(source_id: str, dataset: Dataset) -> str:
    ids = list(dataset.sources["source_id"])
    if source_id in ids:
        return source_id
    hint = difflib.get_close_matches(source_id, ids, n=1)
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ParameterError(
        f"unknown source {echo(source_id)}{suggestion}; choose one of: {', '.join(ids)}"
    )


def remove_source(
    source_id: str, *, with_claims: bool = False, data_dir: Path | None = None
) -> RemovedSource:
    """Remove a source: its sources.csv row, its text and its worksheet, and with
    ``with_claims`` every row citing it; refused while rows cite it (or its worksheet holds
    coding) without ``with_claims``. Rows are cut byte for byte, so adding, coding and
    removing a source leaves ``data/`` as it was."""
    data_dir = Path(data_dir or config.DATA_DIR)
    dataset = load_dataset(data_dir)
    schema = load_schema(data_dir / "schema.yml")
    _known_source(source_id, dataset)
    if len(dataset.sources) == 1:
        raise ParameterError(f"source {source_id!r} is the only source; the briefings need one")
    tables = [schema.tables[name] for name in (*CITING, "uncoded")]
    citing = {t.path: int((dataset.tables[t.name]["source_id"] == source_id).sum()) for t in tables}
    sheet = data_dir / WORKSHEETS / f"{source_id}.csv"
    coded_sheet = sheet.exists() and _holds_coding(sheet)
    if not with_claims and (any(citing.values()) or coded_sheet):
        held = [f"{plural(n, 'row')} of {name}" for name, n in citing.items() if n]
        held += [f"the coding in {sheet}"] * coded_sheet
        raise ParameterError(
            f"source {source_id!r} is still cited ({', '.join(held)}); "
            "pass --with-claims to remove them too"
        )
    changes = {}
    for t in tables:
        if citing[t.path]:
            changes[t.path] = without_source(read_file(data_dir / t.path), {source_id})[0]
    sources = schema.tables["sources"]
    changes[sources.path] = without_source(read_file(data_dir / sources.path), {source_id})[0]
    text = f"{SOURCES}/{dataset.sources.set_index('source_id').at[source_id, 'path']}"
    kept = [_keep_a_copy(sheet)] if coded_sheet else []
    record_sheets = [record_worksheet_path(sheet, t) for t in RECORDS]
    kept += [_keep_a_copy(p) for p in record_sheets if p.exists() and _has_rows(p)]
    commit_validated(data_dir, changes, removed=[text])
    files = [data_dir / text]
    for path in (sheet, codes_path(sheet), *record_sheets):
        if path.exists():
            path.unlink()
            files.append(path)
    if sheet.parent.is_dir() and not any(sheet.parent.iterdir()):
        sheet.parent.rmdir()
    return RemovedSource(
        source_id, {k: v for k, v in citing.items() if v}, tuple(files), tuple(kept)
    )


def _has_rows(worksheet: Path) -> bool:
    """Whether a records worksheet holds any filled row (unreadable: assume so)."""
    _, rows, problems = read_rows(worksheet)
    return bool(problems) or any(cell.strip() for row in rows for cell in row)


def _keep_a_copy(sheet: Path) -> Path:
    """Copy a filled worksheet out of data/ before it is deleted (named with the time, so
    no copy replaces another), where a coder who removed it by mistake finds it."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    copy = config.REMOVED_WORKSHEETS_DIR / f"{sheet.stem}-{stamp}.csv"
    copy.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(copy, read_capped(sheet, MAX_CSV_BYTES))
    return copy


def unrecorded_texts(dataset: Dataset, data_dir: Path | None = None) -> list[Path]:
    """Text files in data/sources/ that no sources.csv row records: left over from a
    removal by hand, or copied in without ``add-source`` (so never checked or cited)."""
    folder = Path(data_dir or config.DATA_DIR) / SOURCES
    recorded = set(dataset.sources["path"])
    return [p for p in sorted(folder.iterdir()) if p.is_file() and p.name not in recorded]
