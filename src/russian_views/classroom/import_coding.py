"""Importing a filled claims worksheet: its claims and excused sentences merged into the
data, or nothing.

Every row is checked first (all problems at once, with the worksheet's row numbers); the
merged tables are then validated as a whole in a scratch copy of the data folder, by the
same loader the briefings use, and the real files replaced only when that copy loads, so
a refused import changes nothing. Amending (``replace``) cuts the source's rows out byte
for byte first, so the old coding stays if the new one is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from russian_views import config
from russian_views.classroom.coding import (
    CITING,
    CLAIM_FIELDS,
    LOCATION,
    UNCODED_FIELDS,
    Key,
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
from russian_views.dataset.files import read_file
from russian_views.dataset.load import Dataset, load_dataset, uncovered_sentences
from russian_views.dataset.schema import Schema, Table, load_schema
from russian_views.dataset.validate import Record, row_rules
from russian_views.errors import DataError, Problem
from russian_views.private import scratch_folder

AMEND = "to amend a source already imported: import-coding --replace"


def location(record: Record) -> Key | None:
    """Where a record points, or None when a part of it is missing or invalid."""
    if any(record.get(k) is None for k in LOCATION):
        return None
    return (str(record["source_id"]), int(record["paragraph"]), int(record["sentence"]))


def existing_keys(
    dataset: Dataset, table: str, key: Sequence[str], where: str, sources: set[str] | None = None
) -> dict[tuple, str]:
    """Key of each record of ``table`` (of ``sources`` only, if given) → ``where`` formatted
    with the record: where it is, for a duplicate's message, or its id, for an amendment."""
    out = {}
    for r in dataset.tables[table].to_dict("records"):
        if sources is not None and r["source_id"] not in sources:
            continue
        value = tuple(int(r[k]) if k in ("paragraph", "sentence") else r[k] for k in key)
        out[value] = where.format(**r)
    return out


def duplicates(
    file: str, records: list[Record], key: Sequence[str], existing: dict[tuple, str], same: str
) -> list[Problem]:
    """Records whose ``key`` is already in the data (``existing`` says where) or repeats
    an earlier worksheet row. A record missing part of its key is reported elsewhere."""
    problems, seen = [], {}
    for r in records:
        value = tuple(r[k] for k in key)
        if None in value:
            continue
        if value in existing:
            message = f"duplicates {existing[value]}: same {same} ({AMEND})"
        elif value in seen:
            message = f"repeats row {seen[value]}: same {same}"
        else:
            seen[value] = r["_row"]
            continue
        field = key[0] if len(key) == 1 else None
        problems.append(Problem(file, int(r["_row"]), field, None, message))
    return problems


# Two claims are the same claim when they say the same about the same subject and theme.
DUPLICATE_KEY = ("source_id", "paragraph", "sentence", "subject_id", "theme", "quote")


def _duplicate_problems(
    file: str, claims: list[Record], uncoded: list[Record], dataset: Dataset
) -> list[Problem]:
    """Claims already in claims.csv (same sentence, subject, theme and quote, or same id)
    and sentences already in uncoded.csv, or repeated within the worksheet."""
    where = "claim {claim_id} (claims.csv row {_row})"
    same = "sentence, subject, theme and quote"
    existing = existing_keys(dataset, "claims", DUPLICATE_KEY, where)
    problems = duplicates(file, claims, DUPLICATE_KEY, existing, same)
    existing = existing_keys(dataset, "claims", ("claim_id",), where)
    problems += duplicates(file, claims, ("claim_id",), existing, "claim_id")
    listed = existing_keys(dataset, "uncoded", LOCATION, "uncoded.csv row {_row}")
    return problems + duplicates(file, uncoded, LOCATION, listed, "sentence")


def _coded_or_not(
    file: str, claims: list[Record], uncoded: list[Record], dataset: Dataset
) -> list[Problem]:
    """A sentence is either cited or listed as uncoded, never both (the data's rule)."""
    cited = {location(r) for name in CITING for r in dataset.tables[name].to_dict("records")}
    cited |= {location(r) for r in claims}
    listed = existing_keys(dataset, "uncoded", LOCATION, "uncoded.csv row {_row}")
    problems = []
    for r in uncoded:
        if location(r) is not None and location(r) in cited:
            message = "is given for a sentence that is coded; a reason is for one left uncoded"
            problems.append(Problem(file, int(r["_row"]), "reason", str(r["reason"]), message))
    for r in claims:
        if location(r) in listed:
            message = f"codes a sentence listed as left uncoded in {listed[location(r)]}"
            problems.append(Problem(file, int(r["_row"]), None, None, message))
    return problems


@dataclass(frozen=True)
class ImportResult:
    """What an import added, and the worksheet's sentences still neither coded nor excused."""

    claim_ids: tuple[str, ...]
    uncoded: tuple[Key, ...]
    blank: tuple[Key, ...]
    replaced: int = 0


def _claim_records(
    checker: RowChecker, rows: list[WorksheetRow]
) -> tuple[list[Record], list[Problem]]:
    """Typed claim records of the coded rows, and every problem in them."""
    records, problems = [], []
    for row in rows:
        record, row_problems = checker.typed(row, [*LOCATION, *CLAIM_FIELDS])
        pinned, id_problems = checker.typed(row, ["claim_id"], blank_ok=True)
        record["claim_id"] = pinned["claim_id"]
        row_problems += id_problems + checker.cross(row, record)
        row_problems += row_rules(checker.file, record)
        if row.get("reason"):
            message = "must be empty on a coded row: a reason is for a sentence left uncoded"
            row_problems.append(
                Problem(checker.file, row.number, "reason", row.get("reason"), message)
            )
        records.append(record)
        problems += row_problems
    return records, problems


def _uncoded_records(
    checker: RowChecker, rows: list[WorksheetRow]
) -> tuple[list[Record], list[Problem]]:
    """Typed uncoded.csv records of the rows that give a reason instead of a claim."""
    records, problems = [], []
    for row in rows:
        record, row_problems = checker.typed(row, [*LOCATION, *UNCODED_FIELDS])
        records.append(record)
        problems += row_problems + checker.cross(row, record)
    return records, problems


def check_worksheet(
    path: Path, dataset: Dataset, schema: Schema
) -> tuple[list[Record], list[Record], list[WorksheetRow]]:
    """Claim records, uncoded records and all rows of a filled worksheet, or
    :class:`DataError` listing every problem with its worksheet row number."""
    rows = read_worksheet(path, required=(*LOCATION, *CLAIM_FIELDS))
    checker = RowChecker.for_worksheet(path, dataset, schema)
    coded = [r for r in rows if r.filled(CLAIM_FIELDS)]
    excused = [r for r in rows if not r.filled(CLAIM_FIELDS) and r.filled(UNCODED_FIELDS)]
    claims, problems = _claim_records(checker, coded)
    uncoded, uncoded_problems = _uncoded_records(checker, excused)
    problems += uncoded_problems + _duplicate_problems(path.name, claims, uncoded, dataset)
    problems += _coded_or_not(path.name, claims, uncoded, dataset)
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.row or 0))
    if not claims and not uncoded:
        message = "has no coded row: fill the claim fields (or a reason) of at least one sentence"
        raise DataError([Problem(path.name, None, None, None, message)])
    return claims, uncoded, rows


def assign_ids(
    records: list[Record],
    table: Table,
    same: Sequence[str],
    taken: Iterable[str],
    kept: dict[tuple, str],
) -> tuple[str, ...]:
    """Give each record without an id one: in an amendment, the id of the replaced record
    with the same ``same`` fields (``kept``: their key → id), so citations and key judgments
    keep pointing at it; otherwise the next number after every id ever taken, in worksheet
    order (a replaced record's number is never given to another). The id's letter is the
    schema's (its ``id_prefix``)."""
    (key,) = table.primary_key
    letter = next(f for f in table.fields if f.name == key).id_prefix
    pinned = {str(r[key]) for r in records if r[key]}
    for r in records:
        old = kept.get(tuple(r[k] for k in same))
        if not r[key] and old and old not in pinned:
            r[key] = old
            pinned.add(old)
    numbers = (int(str(i)[len(letter) :]) for i in [*taken, *kept.values(), *pinned])
    number = max(numbers, default=0)
    for r in records:
        if not r[key]:
            number += 1
            r[key] = f"{letter}{number:03d}"
    return tuple(str(r[key]) for r in records)


def _worksheet_sources(path: Path) -> set[str]:
    """The source ids a worksheet's rows name."""
    return {r.get("source_id") for r in read_worksheet(path, required=LOCATION)}


def import_worksheet(
    path: Path, data_dir: Path | None = None, replace: bool = False
) -> ImportResult:
    """Merge a filled worksheet's claims (and excused sentences) into the data, or nothing.

    Rows whose claim fields are all empty are skipped: with a ``reason`` they go to
    uncoded.csv, without one they are reported back as still blank (``validate`` lists
    them too, as not yet coded), so a source can be coded over several sittings.
    ``replace`` amends a coded source: the claims and uncoded rows of the worksheet's
    sources are dropped and the worksheet's rows take their place (checked as a whole,
    so a refused amendment leaves the old coding in place).
    """
    data_dir = Path(data_dir or config.DATA_DIR)
    schema = load_schema(data_dir / "schema.yml")
    tables = {name: schema.tables[name] for name in ("claims", "uncoded")}
    base = {t.path: read_file(data_dir / t.path) for t in tables.values()}
    replaced, old_ids = 0, {}
    with scratch_folder() as tmp:
        if replace:
            sources = _worksheet_sources(path)
            old_ids = existing_keys(
                load_dataset(data_dir), "claims", DUPLICATE_KEY, "{claim_id}", sources
            )
            for t in tables.values():
                base[t.path], cut = without_source(base[t.path], sources)
                replaced += cut if t.name == "claims" else 0
            dataset = scratch_load(data_dir, base, (), tmp / "data")
        else:
            dataset = load_dataset(data_dir)
        claims, uncoded, rows = check_worksheet(path, dataset, schema)
    claim_ids = assign_ids(
        claims, tables["claims"], DUPLICATE_KEY, dataset.claims["claim_id"], old_ids
    )
    changes = {}
    for name, records in (("claims", claims), ("uncoded", uncoded)):
        if records or replace:
            changes[tables[name].path] = appended(base[tables[name].path], tables[name], records)
    merged = commit_validated(data_dir, changes)
    listed = {tuple(r.get(k) for k in LOCATION) for r in rows}
    blank = [k for k in uncovered_sentences(merged) if (k[0], str(k[1]), str(k[2])) in listed]
    return ImportResult(claim_ids, tuple(location(r) for r in uncoded), tuple(blank), replaced)
