"""Checking the data: reading CSV rows, and every check of a value, a row, a key or a
reference, each problem reported with its file, row, field and value.

Public, because two callers use it: the loader (:mod:`russian_views.dataset.load`) checks
every table with it, and importing a coding worksheet
(:mod:`russian_views.classroom.coding`) checks the new rows the same way before merging.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from russian_views.dataset.files import MAX_FILE_BYTES, read_file
from russian_views.dataset.schema import Field, Table
from russian_views.dataset.sources import SourceText, parse_text, ref_label
from russian_views.errors import Problem

Record = dict[str, object]
# The largest CSV file read: 100 times the project's data is under 3 MiB.
MAX_CSV_BYTES = MAX_FILE_BYTES
_BOOLEANS = {"true": True, "false": False}
# Let an oversized cell through the reader so that it is reported with its row and field
# (the csv module would otherwise stop the whole file at 128 KiB).
csv.field_size_limit(2**26)


# ---------------------------------------------------------------- reading files


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 with or without a BOM is accepted; anything else is refused with its offset."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        message = (
            f"is not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be decoded "
            "(save the file as 'CSV UTF-8')"
        )
        return None, [Problem(file, None, None, None, message)]


def read_rows(path: Path) -> tuple[list[str], list[list[str]], list[Problem]]:
    """Header and records of a CSV file, or the problems that stop it being read (a device
    or a stream such as /dev/urandom is refused, not read for ever; so is a huge file)."""
    file = path.name
    if not path.exists():
        return [], [], [Problem(file, None, None, None, "file is missing")]
    if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
        # Never read (and so never echo a line of) a file another user linked in.
        message = "is a link to a file outside its folder; data files must be in the folder"
        return [], [], [Problem(file, None, None, None, message)]
    if not path.is_file():
        return [], [], [Problem(file, None, None, None, "is not a regular file")]
    if path.stat().st_size > MAX_CSV_BYTES:
        limit = f"{MAX_CSV_BYTES // 2**20} MiB"
        return [], [], [Problem(file, None, None, None, f"is larger than {limit}")]
    return parse_rows(path.read_bytes(), file)


def parse_rows(raw: bytes, file: str) -> tuple[list[str], list[list[str]], list[Problem]]:
    """Header and records of CSV bytes already read (by a caller that read them safely,
    such as the class's inbox), or the problems that stop them being read."""
    text, problems = _decode(raw, file)
    if text is None:
        return [], [], problems
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return [], [], [Problem(file, None, None, None, f"is not valid CSV: {exc}")]
    if not rows:
        return [], [], [Problem(file, None, None, None, "is empty (no header row)")]
    return rows[0], rows[1:], []


def header_problems(table: Table, header: list[str]) -> list[Problem]:
    expected = table.field_names
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    problems = [Problem(table.path, 1, c, None, "column is missing") for c in missing]
    problems += [Problem(table.path, 1, c, None, "column is not in the schema") for c in extra]
    if not problems and header != expected:
        problems.append(
            Problem(
                table.path, 1, None, ",".join(header), f"columns must be in the order {expected}"
            )
        )
    return problems


# ---------------------------------------------------------------- field checks


def _convert(f: Field, value: str) -> tuple[object, str | None]:
    """The typed value, or None and the reason it is not of the field's type."""
    if f.type == "integer":
        try:
            return int(value), None
        except ValueError:
            return None, "is not a whole number"
    if f.type == "boolean":
        if value in _BOOLEANS:
            return _BOOLEANS[value], None
        return None, "must be true or false"
    return value, None


def _item_problems(f: Field, item: str, codes: dict[str, set[str]]) -> str | None:
    if f.regex is not None and not f.regex.fullmatch(item):
        return f"does not match the pattern {f.pattern}"
    if f.codes and item not in codes.get(f.codes, set()):
        allowed = ", ".join(sorted(codes.get(f.codes, set())))
        return f"is not a {f.codes} code of the codebook (allowed: {allowed})"
    return None


def check_value(f: Field, value: str, codes: dict[str, set[str]]) -> tuple[object, str | None]:
    """Typed value of one cell and the first rule it breaks (None when valid)."""
    if value == "":
        return None, ("is required" if f.required else None)
    if f.max_length is not None and len(value) > f.max_length:
        return None, f"is {len(value)} characters long (at most {f.max_length})"
    typed, error = _convert(f, value)
    if error:
        return None, error
    if f.minimum is not None and typed < f.minimum:
        return None, f"is below the minimum {f.minimum}"
    if f.maximum is not None and typed > f.maximum:
        return None, f"is above the maximum {f.maximum}"
    items = value.split(f.list_sep) if f.list_sep else [value]
    for item in items:
        error = _item_problems(f, item.strip(), codes)
        if error:
            return None, error
    return typed, None


def parse_table(
    table: Table, header: list[str], rows: list[list[str]], codes: dict[str, set[str]]
) -> tuple[list[Record], list[Problem]]:
    """Typed records of a table and every cell-level problem in it."""
    records, problems = [], []
    width = len(header)
    for index, row in enumerate(rows):
        number = index + 2
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            problems.append(
                Problem(table.path, number, None, None, f"has {len(row)} cells, header has {width}")
            )
            continue
        record: Record = {"_row": number}
        for f, cell in zip(table.fields, row, strict=True):
            typed, error = check_value(f, cell, codes)
            if error:
                problems.append(Problem(table.path, number, f.name, cell, error))
            record[f.name] = typed
        records.append(record)
    return records, problems


def key_problems(table: Table, records: list[Record]) -> list[Problem]:
    """Primary key and ``unique`` fields must not repeat."""
    keys = [table.primary_key]
    keys += [(f.name,) for f in table.fields if f.unique and (f.name,) != table.primary_key]
    problems = []
    for key in keys:
        seen: dict[tuple, int] = {}
        for r in records:
            value = tuple(r[k] for k in key)
            if None in value:
                continue
            if value in seen:
                shown = "|".join(str(v) for v in value)
                problems.append(
                    Problem(
                        table.path,
                        r["_row"],
                        ",".join(key),
                        shown,
                        f"duplicate key (first at row {seen[value]})",
                    )
                )
            else:
                seen[value] = r["_row"]
    return problems


# ---------------------------------------------------------------- cross-table checks


def reference_problems(
    table: Table, records: list[Record], known: dict[str, list[Record]], unreadable: set[str]
) -> list[Problem]:
    """Each reference resolves (references into a file that could not be read are skipped:
    its own problem is already reported and would only be repeated row by row)."""
    problems = []
    for f in (f for f in table.fields if f.references and f.references[0] not in unreadable):
        target_table, target_field = f.references
        targets = {r[target_field] for r in known.get(target_table, [])}
        for r in records:
            value = r[f.name]
            if value is None:
                continue
            items = [i.strip() for i in str(value).split(f.list_sep)] if f.list_sep else [value]
            for item in (i for i in items if i not in targets):
                problems.append(
                    Problem(
                        table.path,
                        r["_row"],
                        f.name,
                        str(item),
                        f"refers to no {target_table}.{target_field}",
                    )
                )
    return problems


def source_problems(records: list[Record], sources_dir: Path) -> tuple[dict, list[Problem]]:
    """Each source file exists and still has the recorded sha256; parse the texts."""
    texts, problems = {}, []
    for r in records:
        path = sources_dir / str(r["path"])
        if not path.exists():
            problems.append(
                Problem(
                    "sources.csv",
                    r["_row"],
                    "path",
                    str(r["path"]),
                    f"no such file in {sources_dir}",
                )
            )
            continue
        try:  # capped, never through a link or from a device (a link to /dev/zero)
            raw = read_file(path)
        except OSError as exc:
            problems.append(Problem("sources.csv", r["_row"], "path", str(r["path"]), exc.strerror))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != r["sha256"]:
            problems.append(
                Problem(
                    "sources.csv",
                    r["_row"],
                    "sha256",
                    str(r["sha256"]),
                    f"does not match the text's sha256 {digest}: the text changed, so paragraph "
                    "and sentence numbers may no longer point at the same words",
                )
            )
            continue
        texts[r["source_id"]] = parse_text(raw.decode("utf-8"))
    return texts, problems


def citation_problems(file: str, r: Record, texts: dict[str, SourceText]) -> list[Problem]:
    """The cited sentence exists, and the quote (if the table has one) is verbatim in it."""
    text = texts.get(str(r.get("source_id")))
    if text is None or r.get("paragraph") is None or r.get("sentence") is None:
        return []
    try:
        sentence = text.sentence(int(r["paragraph"]), int(r["sentence"]))
    except KeyError as exc:
        cited = f"{r['paragraph']}.{r['sentence']}"
        return [
            Problem(
                file,
                r["_row"],
                "paragraph/sentence",
                cited,
                f"cites no such sentence: {exc.args[0]}",
            )
        ]
    quote = r.get("quote")
    if quote is not None and str(quote) not in sentence.text:
        return [
            Problem(
                file,
                r["_row"],
                "quote",
                str(quote),
                "is not verbatim in "
                + ref_label(str(r["source_id"]), sentence.paragraph, sentence.number),
            )
        ]
    return []


def row_rules(file: str, r: Record) -> list[Problem]:
    """Rules that relate two fields of one record."""
    problems = []
    for start, end in (("period_start", "period_end"), ("horizon_start", "horizon_end")):
        if r.get(start) is not None and r.get(end) is not None and r[end] < r[start]:
            problems.append(
                Problem(file, r["_row"], end, str(r[end]), f"is before {start} {r[start]}")
            )
    if r.get("view") == "reviewer" and r.get("stance") is not None:
        problems.append(
            Problem(
                file,
                r["_row"],
                "stance",
                str(r["stance"]),
                "must be empty on a reviewer row: the stance is Moscow's",
            )
        )
    if r.get("claim_kind") == "reservation" and r.get("view") != "reviewer":
        problems.append(
            Problem(
                file,
                r["_row"],
                "claim_kind",
                "reservation",
                "is for reviewer rows only: a reservation is the source author's doubt",
            )
        )
    problems += _pair_problems(file, r)
    if r.get("counterpart_id") is not None and r.get("counterpart_id") == r.get("subject_id"):
        problems.append(
            Problem(
                file,
                r["_row"],
                "counterpart_id",
                str(r["counterpart_id"]),
                "is the same actor as subject_id",
            )
        )
    return problems


def _pair_problems(file: str, r: Record) -> list[Problem]:
    """Fields one kind of row needs and another must leave empty: a statement names its
    speaker and an event has none; an expectation gives its holder's odds and an ask has
    none; a source's standing cites the record it rests on in full."""
    needed: list[tuple[str, str]] = []
    empty: list[tuple[str, str]] = []
    kind = r.get("kind") if "development_id" in r else None
    if kind == "statement":
        needed.append(("speaker", "is required for a statement: who spoke for Russia, with role"))
    elif kind == "event":
        empty.append(("speaker", "must be empty for an event (a statement names its speaker)"))
    if r.get("forecast_kind") == "expectation":
        needed.append(("likelihood", "is required for an expectation"))
    elif r.get("forecast_kind") == "ask":
        empty.append(("likelihood", "must be empty for an ask (a request carries no odds)"))
    standing = [name for name in STANDING if r.get(name) is not None]
    if standing:
        needed += [
            (name, "is required with standing: cite the record it rests on in full")
            for name in STANDING
        ]
    problems = [
        Problem(file, int(str(r["_row"])), name, None, message)
        for name, message in needed
        if r.get(name) is None
    ]
    return problems + [
        Problem(file, int(str(r["_row"])), name, str(r[name]), message)
        for name, message in empty
        if r.get(name) is not None
    ]


# A source's standing and the public record it rests on, all given or none.
STANDING = ("standing", "standing_outlet", "standing_date", "standing_title", "standing_url")
# Statuses that assert what happened after the source, so cite a public record.
RECORDED_STATUSES = ("occurred", "not-occurred", "overtaken")
