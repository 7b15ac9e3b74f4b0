"""Coding worksheets: the format coders fill in a spreadsheet, read, checked and written.

Coders work in a spreadsheet, so a source is coded through a *worksheet*: a plain CSV
with one row per sentence (location and text filled in, claim fields blank) and a
companion ``…-codes.csv`` that lists every column and the codes it accepts. A second
claim from one sentence is a copy of its row; a sentence deliberately left uncoded gets
a ``reason`` (and no claim fields); a row left blank is skipped.

Rows are checked by the loader's own rules (:class:`RowChecker`) and every problem is
reported with the *worksheet's* row numbers (header = row 1), because those are what the
coder sees. What is done with worksheets lives beside this module, one job each:
:mod:`.add_source`, :mod:`.import_coding` (and :mod:`.records`), :mod:`.remove_source`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from russian_views import config
from russian_views.atomic import write_all
from russian_views.dataset.load import Dataset
from russian_views.dataset.schema import Field, Schema, Table, load_schema
from russian_views.dataset.sources import ref_label
from russian_views.dataset.validate import (
    Record,
    check_value,
    citation_problems,
    parse_rows,
    read_rows,
    reference_problems,
)
from russian_views.errors import DataError, ParameterError, Problem
from russian_views.params import resolve_actor_among
from russian_views.spec import shorten_path

Key = tuple[str, int, int]

LOCATION = ("source_id", "paragraph", "sentence")
CONTEXT = ("section", "sentence_text")
# The fillable columns are the schema's: a claim's fields but its id and location, an
# uncoded sentence's fields but its location (schema.yml is their one definition).
_SCHEMA = load_schema(config.SCHEMA_PATH)
CLAIM_FIELDS = tuple(
    f
    for f in _SCHEMA.tables["claims"].field_names
    if f not in (*_SCHEMA.tables["claims"].primary_key, *LOCATION)
)
UNCODED_FIELDS = tuple(f for f in _SCHEMA.tables["uncoded"].field_names if f not in LOCATION)
COLUMNS = (*LOCATION, *CONTEXT, *CLAIM_FIELDS, *UNCODED_FIELDS)
# Accepted on import though never written: a coder may pin a claim's id.
IMPORT_COLUMNS = (*COLUMNS, "claim_id")
SOURCES = config.SOURCES_DIR.relative_to(config.DATA_DIR).as_posix()
CITING = ("claims", "events", "expectations", "signposts")
# The records other than claims a source holds, each with a worksheet of its own
# (imported by records.py).
RECORDS = ("events", "expectations", "signposts")


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


# ---------------------------------------------------------------- writing worksheets


def refuse_existing(*paths: Path) -> None:
    """A worksheet may hold hours of coding: never overwrite one."""
    for path in paths:
        if path.exists():
            raise ParameterError(
                f"{shorten_path(str(path))} already exists (it may hold coding work); name another"
            )


def record_worksheet_path(claims_worksheet: Path, table: str) -> Path:
    """The records worksheet of ``table`` beside a source's claims worksheet."""
    return claims_worksheet.with_name(f"{claims_worksheet.stem}-{table}.csv")


def record_worksheet_files(schema: Schema, claims_worksheet: Path) -> dict[Path, bytes]:
    """The empty events, expectations and signposts worksheets of a source (their columns
    are their tables'), by path."""
    return {
        record_worksheet_path(claims_worksheet, table): csv_bytes(
            schema.tables[table].field_names, []
        )
        for table in RECORDS
    }


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


def worksheet_files(
    dataset: Dataset,
    schema: Schema,
    source_id: str,
    out: Path,
    paragraphs: Iterable[int] | None = None,
) -> dict[Path, bytes]:
    """A blank worksheet at ``out`` for a source's sentences (or some paragraphs' only) and
    its companion codes file, by path."""
    wanted = set(paragraphs) if paragraphs is not None else None
    blank = [""] * (len(CLAIM_FIELDS) + len(UNCODED_FIELDS))
    rows = [
        [source_id, p.number, s.number, p.section, s.text, *blank]
        for p in dataset.texts[source_id].paragraphs
        if wanted is None or p.number in wanted
        for s in p.sentences
    ]
    header = ["field", "code", "label", "definition"]
    return {
        out: csv_bytes(COLUMNS, rows),
        codes_path(out): csv_bytes(header, codes_rows(dataset, schema)),
    }


def write_worksheet(
    dataset: Dataset,
    schema: Schema,
    source_id: str,
    out: Path,
    paragraphs: Iterable[int] | None = None,
) -> Path:
    """Write a blank worksheet for a source's sentences (or some paragraphs' only) and its
    companion codes file, both or neither; return the codes file. Refuses to overwrite
    either."""
    files = worksheet_files(dataset, schema, source_id, out, paragraphs)
    refuse_existing(*files)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_all(files)
    return codes_path(out)


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
