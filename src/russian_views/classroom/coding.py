"""Coding a source: adding a text, worksheets for coders, importing filled worksheets,
amending and removing a source.

Coders work in a spreadsheet, so a source is coded through a *worksheet*: a plain CSV
with one row per sentence (location and text filled in, claim fields blank) and a
companion ``…-codes.csv`` that lists every column and the codes it accepts. A second
claim from one sentence is a copy of its row; a sentence deliberately left uncoded gets
a ``reason`` (and no claim fields); a row left blank is skipped.

Importing checks every row against the schema and the codebook and reports all problems
with the *worksheet's* row numbers (header = row 1), because those are what the coder
sees. Only then are the merged tables validated as a whole, in a scratch copy of the data
folder, by the same loader the briefings use; the real files are replaced (each through a
temporary file and a rename) only when that copy loads, so a refused import changes nothing.

Amending (``replace``) and removing a source cut its rows out of the tables byte for byte,
so that adding, importing and removing a source leaves the data folder as it was. The
command line for all this lives in :mod:`russian_views.cli`.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import difflib
import errno
import hashlib
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from russian_views import config
from russian_views.atomic import read_capped, write_atomic
from russian_views.classroom.data_changes import (
    WORKSHEETS,
    appended,
    commit_validated,
    scratch_load,
    without_source,
)
from russian_views.dataset.load import Dataset, load_dataset, uncovered_sentences
from russian_views.dataset.schema import Field, Schema, Table, load_schema
from russian_views.dataset.sources import HEADING_MAX_CHARS, parse_text, ref_label, title_like
from russian_views.dataset.validate import (
    MAX_CSV_BYTES,
    Record,
    check_value,
    citation_problems,
    parse_rows,
    read_rows,
    reference_problems,
    row_rules,
)
from russian_views.errors import DataError, ParameterError, Problem
from russian_views.params import resolve_actor_among
from russian_views.spec import echo, shorten_path

Key = tuple[str, int, int]

LOCATION = ("source_id", "paragraph", "sentence")
CONTEXT = ("section", "sentence_text")
CLAIM_FIELDS = (
    "view",
    "subject_id",
    "counterpart_id",
    "theme",
    "stance",
    "claim_kind",
    "period_start",
    "period_end",
    "paraphrase",
    "quote",
)
UNCODED_FIELDS = ("reason", "note")
COLUMNS = (*LOCATION, *CONTEXT, *CLAIM_FIELDS, *UNCODED_FIELDS)
# Accepted on import though never written: a coder may pin a claim's id.
IMPORT_COLUMNS = (*COLUMNS, "claim_id")
SOURCES = config.SOURCES_DIR.relative_to(config.DATA_DIR).as_posix()
# Two claims are the same claim when they say the same about the same subject and theme.
DUPLICATE_KEY = ("source_id", "paragraph", "sentence", "subject_id", "theme", "quote")
AMEND = "to amend a source already imported: import-coding --replace"
CITING = ("claims", "events", "expectations", "signposts")
# The records other than claims a source holds, each with a worksheet of its own
# (imported by records.py).
RECORDS = ("events", "expectations", "signposts")
_DATE_FORMATS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}
# The sources.csv fields add-source takes from its options, and the option of each.
_OPTIONS = {
    "source_id": "--id",
    "title": "--title",
    "author": "--author",
    "outlet": "--outlet",
    "published": "--date",
    "url": "--url",
    "reviewed_work": "--reviewed-work",
    "note": "--note",
}


def plural(count: int, word: str) -> str:
    """``1 row``, ``2 rows``: counts in messages read right."""
    return f"{count} {word}{'' if count == 1 else 's'}"


# ---------------------------------------------------------------- reading worksheets


@dataclass(frozen=True)
class WorksheetRow:
    """One non-empty worksheet row, with its spreadsheet row number (header = row 1)."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The cell of ``column``, stripped; '' when the worksheet lacks the column."""
        return self.cells.get(column, "")

    def filled(self, columns: Iterable[str]) -> bool:
        """Whether any of ``columns`` holds a value (a row with none is not coded)."""
        return any(self.get(c) for c in columns)


def _header_problems(
    file: str, header: list[str], required: Sequence[str], allowed: Sequence[str]
) -> list[Problem]:
    """Columns may come in any order (spreadsheet users move them) but must be known."""
    problems = [Problem(file, 1, c, None, "column is missing") for c in required if c not in header]
    problems += [
        Problem(file, 1, c, None, f"column is not a worksheet column ({', '.join(allowed)})")
        for c in header
        if c not in allowed
    ]
    problems += [
        Problem(file, 1, c, None, "column appears twice")
        for i, c in enumerate(header)
        if c in header[:i]
    ]
    return problems


def read_worksheet(
    path: Path,
    required: Sequence[str],
    allowed: Sequence[str] = IMPORT_COLUMNS,
    data: bytes | None = None,
) -> list[WorksheetRow]:
    """The non-empty rows of a worksheet; :class:`DataError` when it cannot be read as one.

    Rows shorter than the header are padded (some tools drop trailing empty cells). With
    ``data``, those bytes are the worksheet (read already, safely), named ``path``.
    """
    header, rows, problems = read_rows(path) if data is None else parse_rows(data, path.name)
    if problems:
        raise DataError(problems)
    header = [h.strip() for h in header]
    problems = _header_problems(path.name, header, required, allowed)
    out = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            message = f"has {len(row)} cells, header has {len(header)}"
            problems.append(Problem(path.name, number, None, None, message))
            continue
        cells = [_unquoted(cell.strip()) for cell in row] + [""] * (len(header) - len(row))
        out.append(WorksheetRow(number, dict(zip(header, cells, strict=True))))
    if problems:
        raise DataError(problems)
    return out


# ---------------------------------------------------------------- checking rows


@dataclass(frozen=True)
class RowChecker:
    """Checks worksheet rows against the dataset, naming the worksheet and its row numbers.

    The per-cell rules (types, patterns, codes) and the cross-table ones (references, cited
    sentence, verbatim quote) are the data loader's own, so a worksheet row passes exactly
    when its values would load as a record.
    """

    file: str
    dataset: Dataset
    fields: dict[str, Field]
    codes: dict[str, set[str]]
    known: dict[str, list[Record]]

    @classmethod
    def for_worksheet(cls, path: Path, dataset: Dataset, schema: Schema) -> RowChecker:
        """A checker for the worksheet at ``path``."""
        cb = dataset.tables["codebook"]
        codes: dict[str, set[str]] = {}
        for code_list, code in zip(cb["list"], cb["code"], strict=True):
            codes.setdefault(code_list, set()).add(code)
        fields = {f.name: f for t in schema.tables.values() for f in t.fields}
        known = {name: frame.to_dict("records") for name, frame in dataset.tables.items()}
        return cls(path.name, dataset, fields, codes, known)

    def typed(
        self, row: WorksheetRow, names: Sequence[str], blank_ok: bool = False
    ) -> tuple[Record, list[Problem]]:
        """Typed values of ``names`` and each cell's problem; ``blank_ok`` lets empty
        cells through (None) even where the schema requires a value."""
        record: Record = {"_row": row.number}
        problems = []
        for name in names:
            cell = row.get(name)
            if blank_ok and not cell:
                record[name] = None
                continue
            record[name] = None
            cell, error = self._canonical(self.fields[name], cell)
            if error is None:
                record[name], error = check_value(self.fields[name], cell, self.codes)
            if error:
                problems.append(Problem(self.file, row.number, name, cell, error))
        return record, problems

    def _canonical(self, f: Field, cell: str) -> tuple[str, str | None]:
        """The cell as the data spell it: an actor named by id, name or alias in any case
        becomes its id (as ``--actor`` accepts), a code in any case the code; an unknown
        actor's error lists the choices with a likely match."""
        if not cell:
            return cell, None
        if f.name in WRITTEN_BY_CODERS and cell.startswith(FORMULA_START):
            return cell, (
                f"begins with {cell[0]!r}, which a spreadsheet runs as a formula; begin with a word"
            )
        if f.references == ("actors", "actor_id"):
            parts = cell.split(f.list_sep) if f.list_sep else [cell]
            try:
                ids = [resolve_actor_among(p.strip(), self.dataset.actors) for p in parts]
            except ParameterError as exc:
                return cell, str(exc)
            return (f.list_sep or "").join(ids), None
        if f.codes and not f.list_sep:
            lower = {c.casefold(): c for c in self.codes.get(f.codes, set())}
            return lower.get(cell.casefold(), cell), None
        return cell, None

    def cross(self, row: WorksheetRow, record: Record) -> list[Problem]:
        """References resolve, the cited sentence exists (with the quote verbatim in it),
        and the worksheet's copy of the sentence is the text's (else the worksheet was
        made for another version of the text)."""
        fields = tuple(self.fields[n] for n in record if n in self.fields)
        problems = reference_problems(Table(self.file, "", fields, ()), [record], self.known, set())
        problems = [dataclasses.replace(p, file=self.file) for p in problems]
        problems += [
            self._quote_hint(p, record) if p.field == "quote" else p
            for p in citation_problems(self.file, record, self.dataset.texts)
        ]
        return problems + self._text_problems(row, record)

    def _quote_hint(self, problem: Problem, record: Record) -> Problem:
        """A refused quote, with the sentence it was checked against and, when only the
        quote marks differ, which marks: a coder cannot see ' against ’ in a spreadsheet."""
        sentence = self.dataset.texts[str(record["source_id"])].sentence(
            int(record["paragraph"]), int(record["sentence"])
        )
        quote = str(record["quote"])
        message = f"{problem.message}, which reads: {sentence.text}"
        if _straight(quote) in _straight(sentence.text):
            marks = sorted({c for c in sentence.text if c in _QUOTE_MARKS} - set(quote))
            used = sorted({c for c in quote if c in _QUOTE_MARKS} - set(sentence.text))
            message += (
                f" (only the quote marks differ: the text has {' '.join(marks)}"
                f" where the quote has {' '.join(used)}; copy the words from the sentence)"
            )
        return dataclasses.replace(problem, message=message)

    def _text_problems(self, row: WorksheetRow, record: Record) -> list[Problem]:
        given = row.get("sentence_text")
        text = self.dataset.texts.get(str(record.get("source_id")))
        if not given or text is None or None in (record["paragraph"], record["sentence"]):
            return []
        try:
            actual = text.sentence(int(record["paragraph"]), int(record["sentence"])).text
        except KeyError:
            return []
        if given.split() == actual.split():
            return []
        where = ref_label(record["source_id"], record["paragraph"], record["sentence"], True)
        message = f"differs from {where}: was the worksheet made for another version of the text?"
        return [Problem(self.file, row.number, "sentence_text", given, message)]


# Curly quote marks and apostrophes, each with its straight form.
_QUOTE_MARKS = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "'": "'", '"': '"'}


def _straight(text: str) -> str:
    """``text`` with every quote mark straight, to tell a mark mismatch from other edits."""
    return text.translate(str.maketrans(_QUOTE_MARKS))


def _location(record: Record) -> Key | None:
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
    cited = {_location(r) for name in CITING for r in dataset.tables[name].to_dict("records")}
    cited |= {_location(r) for r in claims}
    listed = existing_keys(dataset, "uncoded", LOCATION, "uncoded.csv row {_row}")
    problems = []
    for r in uncoded:
        if _location(r) is not None and _location(r) in cited:
            message = "is given for a sentence that is coded; a reason is for one left uncoded"
            problems.append(Problem(file, int(r["_row"]), "reason", str(r["reason"]), message))
    for r in claims:
        if _location(r) in listed:
            message = f"codes a sentence listed as left uncoded in {listed[_location(r)]}"
            problems.append(Problem(file, int(r["_row"]), None, None, message))
    return problems


# ---------------------------------------------------------------- importing


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
    schema's (its pattern ``^c\\d{3,}$``)."""
    (key,) = table.primary_key
    letter = str(next(f for f in table.fields if f.name == key).pattern)[1]
    pinned = {str(r[key]) for r in records if r[key]}
    for r in records:
        old = kept.get(tuple(r[k] for k in same))
        if not r[key] and old and old not in pinned:
            r[key] = old
            pinned.add(old)
    number = max((int(str(i)[1:]) for i in [*taken, *kept.values(), *pinned]), default=0)
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
    base = {t.path: (data_dir / t.path).read_bytes() for t in tables.values()}
    replaced, old_ids = 0, {}
    with tempfile.TemporaryDirectory(prefix="russian-views-") as tmp:
        if replace:
            sources = _worksheet_sources(path)
            old_ids = existing_keys(
                load_dataset(data_dir), "claims", DUPLICATE_KEY, "{claim_id}", sources
            )
            for t in tables.values():
                base[t.path], cut = without_source(base[t.path], sources)
                replaced += cut if t.name == "claims" else 0
            dataset = scratch_load(data_dir, base, (), Path(tmp) / "data")
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
    return ImportResult(claim_ids, tuple(_location(r) for r in uncoded), tuple(blank), replaced)


# ---------------------------------------------------------------- removing a source


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
            changes[t.path] = without_source((data_dir / t.path).read_bytes(), {source_id})[0]
    sources = schema.tables["sources"]
    changes[sources.path] = without_source((data_dir / sources.path).read_bytes(), {source_id})[0]
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


# ---------------------------------------------------------------- writing worksheets


def _refuse_existing(*paths: Path) -> None:
    """A worksheet may hold hours of coding: never overwrite one."""
    for path in paths:
        if path.exists():
            raise ParameterError(
                f"{shorten_path(str(path))} already exists (it may hold coding work); name another"
            )


def record_worksheet_path(claims_worksheet: Path, table: str) -> Path:
    """The records worksheet of ``table`` beside a source's claims worksheet."""
    return claims_worksheet.with_name(f"{claims_worksheet.stem}-{table}.csv")


def write_record_worksheets(schema: Schema, claims_worksheet: Path) -> list[Path]:
    """Write the empty events, expectations and signposts worksheets of a source (their
    columns are their tables'); never over one that exists."""
    paths = [record_worksheet_path(claims_worksheet, table) for table in RECORDS]
    _refuse_existing(*paths)
    for table, path in zip(RECORDS, paths, strict=True):
        write_atomic(path, csv_bytes(schema.tables[table].field_names, []))
    return paths


def codes_path(worksheet: Path) -> Path:
    """The companion file listing a worksheet's columns and codes."""
    return worksheet.with_name(f"{worksheet.stem}-codes.csv")


# Prose the coders write themselves (never copied from the text): refused when it would
# start a spreadsheet formula.
WRITTEN_BY_CODERS = ("paraphrase", "note")
# A cell a spreadsheet would run as a formula begins with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: one that would start a formula (a source sentence
    beginning "=HYPERLINK(...)") gets a leading apostrophe, which spreadsheets hide and
    :func:`read_worksheet` removes again."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV for spreadsheets: a byte-order mark, so they open it as UTF-8, and no cell
    they would take for a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _unquoted(cell: str) -> str:
    """A cell as :func:`safe_cell` wrote it, back to its text."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _column_help(f: Field) -> str:
    if f.name in UNCODED_FIELDS:
        return f"{f.description} Only on a sentence left uncoded (its claim fields empty)."
    need = "Required on a coded row." if f.required else "May stay empty."
    return f"{f.description} {need}"


def _actor_help(dataset: Dataset, actor: Record) -> str:
    """What kind of actor it is and the other names the text may use for it."""
    kind = dataset.label("actor_kind", str(actor["actor_kind"]))
    aliases = [a for a in str(actor["aliases"]).split("|") if a]
    return f"{kind}; also called {', '.join(aliases)}" if aliases else kind


def codes_rows(dataset: Dataset, schema: Schema) -> list[list[str]]:
    """One row per fillable column (what it holds), then one per code it accepts."""
    fields = {f.name: f for t in schema.tables.values() for f in t.fields}
    cb = dataset.tables["codebook"].set_index(["list", "code"])["definition"]
    actors = dataset.tables["actors"].to_dict("records")
    rows = []
    for name in (*CLAIM_FIELDS, *UNCODED_FIELDS):
        f = fields[name]
        rows.append([name, "", "", _column_help(f)])
        if f.codes:
            rows += [
                [name, c, dataset.label(f.codes, c), cb[(f.codes, c)]]
                for c in dataset.codes(f.codes)
            ]
        elif f.references == ("actors", "actor_id"):
            rows += [[name, a["actor_id"], a["name"], _actor_help(dataset, a)] for a in actors]
    return rows


def write_worksheet(
    dataset: Dataset,
    schema: Schema,
    source_id: str,
    out: Path,
    paragraphs: Iterable[int] | None = None,
) -> Path:
    """Write a blank worksheet for a source's sentences (or some paragraphs' only) and its
    companion codes file; return the codes file. Refuses to overwrite either."""
    codes = codes_path(out)
    _refuse_existing(out, codes)
    wanted = set(paragraphs) if paragraphs is not None else None
    blank = [""] * (len(CLAIM_FIELDS) + len(UNCODED_FIELDS))
    rows = [
        [source_id, p.number, s.number, p.section, s.text, *blank]
        for p in dataset.texts[source_id].paragraphs
        if wanted is None or p.number in wanted
        for s in p.sentences
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, csv_bytes(COLUMNS, rows))
    write_atomic(
        codes, csv_bytes(["field", "code", "label", "definition"], codes_rows(dataset, schema))
    )
    return codes


# ---------------------------------------------------------------- adding a source


@dataclass(frozen=True)
class AddedSource:
    """A source just added, and the worksheet written for it."""

    source_id: str
    paragraphs: int
    sentences: int
    sha256: str
    worksheet: Path
    codes: Path
    records: tuple[Path, ...] = ()  # the events, expectations and signposts worksheets
    warnings: tuple[str, ...] = ()


def slugify(title: str, max_length: int = 48) -> str:
    """An id from a title: ASCII lower-case words joined by hyphens, cut at a word."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", ascii_title.lower()):
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > max_length:
            break
        slug = longer
    return slug


def default_id(author: str, outlet: str, published: str, taken: set[str]) -> str:
    """A short id that reads well in every citation (``[lukin-2017 ¶2 s1]``): the first
    author's surname and the year, else the outlet and the year; ``-2``, ``-3`` … when
    taken. A title slug would be long and repeat in every reference."""
    first = re.split(r",|;| and | & ", author)[0].split()
    name = slugify(first[-1]) if first else ""
    base = slugify(f"{name or outlet} {published[:4]}")
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _too_big(exc: OSError) -> str:
    """Why a source text could not be read, in the data files' own words."""
    if exc.errno == errno.EFBIG:
        return f"is larger than {MAX_CSV_BYTES // 2**20} MiB"
    return exc.strerror or str(exc)


def _decode_text(raw: bytes, name: str) -> str:
    """The text of a source file; it is stored byte for byte, so it must be plain UTF-8
    text (a NUL byte means it is not text at all)."""
    nul = raw.find(b"\0")
    if nul >= 0:
        message = f"has a NUL byte at offset {nul}: it is not a text file"
        raise DataError([Problem(name, None, None, None, message)])
    if raw.startswith(codecs.BOM_UTF8):
        message = "starts with a byte-order mark: save it as UTF-8 without BOM"
        raise DataError([Problem(name, None, None, None, message)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = (
            f"is not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be "
            "decoded (save the text as UTF-8)"
        )
        raise DataError([Problem(name, None, None, None, message)]) from None


def _date_problem(value: str) -> str | None:
    """The schema's pattern admits 2021-13; a publication date must also be a real one."""
    try:
        datetime.strptime(value, _DATE_FORMATS[len(value)])
    except (KeyError, ValueError):
        return f"--date {echo(value)} is not a date as YYYY, YYYY-MM or YYYY-MM-DD"
    return None


def _new_source_problems(
    row: dict[str, str], dataset: Dataset, schema: Schema, data_dir: Path
) -> list[str]:
    """Why the sources.csv row cannot be added (empty list: it can)."""
    if not row["source_id"]:
        return ["no id can be made from the title; pass --id"]
    problems = []
    for f in schema.tables["sources"].fields:
        if f.name not in _OPTIONS:
            continue
        _, error = check_value(f, row[f.name], {})
        if error:
            problems.append(f"{_OPTIONS[f.name]} {row[f.name]!r} {error}")
    if not problems:
        problems += filter(None, [_date_problem(row["published"])])
    sources = dataset.tables["sources"]
    if row["source_id"] in set(sources["source_id"]):
        problems.append(f"source id {row['source_id']!r} is taken in sources.csv; pass --id")
    same = sources.loc[sources["sha256"] == row["sha256"], "source_id"].tolist()
    if same:
        problems.append(f"this text is already source {same[0]!r} (same sha256)")
    if (data_dir / SOURCES / row["path"]).exists():
        problems.append(f"{data_dir / SOURCES / row['path']} already exists")
    return problems


def kind_code(kind: str, dataset: Dataset) -> str:
    """The source kind a user typed, in any case, as its code (one line naming the choices
    when it is none of them): it decides how the views coded from the source are labelled."""
    codes = dataset.codes("source_kind")
    code = kind.strip().lower()
    if code not in codes:
        choices = "; ".join(f"{c} ({dataset.label('source_kind', c)})" for c in codes)
        raise ParameterError(f"unknown --kind {echo(kind)}; choose one of: {choices}")
    return code


def add_source(
    text_file: Path,
    *,
    kind: str,
    title: str,
    outlet: str,
    published: str,
    author: str = "",
    url: str = "",
    reviewed_work: str = "",
    note: str = "",
    source_id: str | None = None,
    data_dir: Path | None = None,
    worksheet: Path | None = None,
) -> AddedSource:
    """Store a new source text, record it in sources.csv and write its blank worksheet.

    Everything is checked before anything is written; the text and the sources row are
    then committed together through :func:`commit_validated`.
    """
    data_dir = Path(data_dir or config.DATA_DIR)
    dataset = load_dataset(data_dir)
    schema = load_schema(data_dir / "schema.yml")
    if not text_file.is_file():
        raise ParameterError(f"no such file: {shorten_path(str(text_file))}")
    try:
        raw = read_capped(text_file, MAX_CSV_BYTES)
    except OSError as exc:
        raise DataError([Problem(text_file.name, None, None, None, _too_big(exc))]) from None
    text = parse_text(_decode_text(raw, text_file.name))
    if not text.paragraphs:
        raise DataError([Problem(text_file.name, None, None, None, "has no body paragraphs")])
    taken = set(dataset.sources["source_id"])
    sid = source_id if source_id is not None else default_id(author, outlet, published, taken)
    row = dict.fromkeys(schema.tables["sources"].field_names, "")
    row |= {"source_id": sid, "title": title, "author": author, "outlet": outlet}
    row["source_kind"] = kind_code(kind, dataset)
    row |= {"published": published, "url": url, "path": f"{sid}.txt"}
    row |= {"reviewed_work": reviewed_work, "note": note}
    row["sha256"] = hashlib.sha256(raw).hexdigest()
    problems = _new_source_problems(row, dataset, schema, data_dir)
    if problems:
        raise ParameterError("; ".join(problems))
    target = worksheet or data_dir / WORKSHEETS / f"{sid}.csv"
    _refuse_existing(
        target, codes_path(target), *(record_worksheet_path(target, t) for t in RECORDS)
    )
    sources = schema.tables["sources"]
    changes = {
        f"{SOURCES}/{row['path']}": raw,
        sources.path: appended((data_dir / sources.path).read_bytes(), sources, [row]),
    }
    merged = commit_validated(data_dir, changes)
    codes = write_worksheet(merged, schema, sid, target)
    records = tuple(write_record_worksheets(schema, target))
    count = sum(len(p.sentences) for p in text.paragraphs)
    warnings = tuple(
        f"¶{p.number} ({len(p.text)} characters) does not end like a sentence: if it is a title "
        f"or heading, it is numbered as body text (headings are lines of at most "
        f"{HEADING_MAX_CHARS} characters without final punctuation) and shifts every reference "
        f"after it; remove it from the text (the title is --title), then "
        f"`russian-views remove-source {sid}` and add the text again"
        for p in title_like(text)
    )
    return AddedSource(
        sid, len(text.paragraphs), count, row["sha256"], target, codes, records, warnings
    )
