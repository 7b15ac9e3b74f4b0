"""Reading codings of a passage for the agreement reports: one record per sentence.

A coding is a worksheet (:mod:`russian_views.classroom.coding`) keyed by source,
paragraph and sentence; the exercise codes one main claim per sentence, so each sentence
appears once. What the reports compare is :data:`COMPARED`. A blank is missing data
everywhere: a blank field says the coder gave no answer there (never a value two coders
can agree or disagree on), and a row with every compared field blank is a sentence left
uncoded. A hand-in from the coding page also carries the name the student typed, in the
:data:`CODER` column, since its file name is only a slug of it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from russian_views.classroom.coding import (
    IMPORT_COLUMNS,
    LOCATION,
    Key,
    RowChecker,
    WorksheetRow,
    read_worksheet,
)
from russian_views.dataset.load import Dataset
from russian_views.dataset.schema import load_schema
from russian_views.dataset.sources import ref_label
from russian_views.dataset.validate import Record
from russian_views.errors import DataError, Problem

COMPARED = ("view", "subject_id", "counterpart_id", "theme", "stance", "claim_kind")
SUBJECT = "subject_id"
# Compared only where both codings chose the same subject: they describe a claim about it.
GATED = COMPARED[COMPARED.index(SUBJECT) + 1 :]
# The name a student typed on the coding page, kept in the hand-in beside the coding.
CODER = "coder"
EMPTY = "(blank)"


@cache
def code_list(field: str) -> str | None:
    """The codebook list a claim field draws its codes from (None: it names an actor), as
    the schema defines it."""
    return next(f for f in load_schema().tables["claims"].fields if f.name == field).codes


def ordinal_scales(dataset: Dataset) -> dict[str, dict[str, int]]:
    """The compared fields the codebook scores on an ordinal scale (stance), each with
    its codes' scores: alpha is also measured on that scale for them."""
    scales = {}
    for field in COMPARED:
        codes = code_list(field)
        scores = dataset.scores(codes) if codes else {}
        if scores:
            scales[field] = scores
    return scales


def read_coding(path: Path, dataset: Dataset, data: bytes | None = None) -> dict[Key, Record]:
    """One record per sentence (compared fields, None when blank) keyed by location, with
    the coder's name when the file gives one; :class:`DataError` names every bad code,
    unknown sentence or repeated sentence. ``data``: the file's bytes, read already."""
    allowed = (*IMPORT_COLUMNS, CODER)
    rows = read_worksheet(path, (*LOCATION, *COMPARED), allowed, data)
    if not rows:
        message = "holds no sentence, only a header: one row per sentence of the passage"
        raise DataError([Problem(path.name, None, None, None, message)])
    return codings_of(rows, RowChecker.for_worksheet(path, dataset, load_schema()))


def coder_name(coding: dict[Key, Record]) -> str | None:
    """The name the student typed, when the coding was handed in on the coding page."""
    names = {str(r[CODER]) for r in coding.values() if r.get(CODER)}
    return names.pop() if len(names) == 1 else None


def codings_of(rows: list[WorksheetRow], checker: RowChecker) -> dict[Key, Record]:
    """The rows as records keyed by sentence; every problem of every row at once."""
    coding: dict[Key, Record] = {}
    problems = []
    for row in rows:
        location, row_problems = checker.typed(row, LOCATION)
        values, value_problems = checker.typed(row, COMPARED, blank_ok=True)
        # typed() keeps the row number in both parts, as "_row"
        record = location | values | {CODER: row.get(CODER) or None}
        row_problems += value_problems + checker.cross(row, record)
        problems += row_problems
        if row_problems:
            continue
        key = (str(record["source_id"]), int(record["paragraph"]), int(record["sentence"]))
        if key in coding:
            message = (
                f"repeats {ref_label(*key)} of row {coding[key]['_row']}: "
                "the exercise codes one main claim per sentence"
            )
            problems.append(Problem(checker.file, row.number, None, None, message))
        coding[key] = record
    if problems:
        raise DataError(problems)
    return coding


def same_sentences(
    student: dict[Key, Record], reference: dict[Key, Record], names: tuple[str, str]
) -> list[Problem]:
    """The student must code exactly the reference's sentences of the paragraphs coded."""
    covered = {k[:2] for k in reference}
    problems = [
        Problem(
            names[0],
            None,
            None,
            None,
            f"lacks {ref_label(*k, with_source=True)}, which {names[1]} codes "
            "(keep one row per sentence of the passage, even one left uncoded)",
        )
        for k in sorted(reference.keys() - student.keys())
    ]
    for key in sorted(student.keys() - reference.keys()):
        scope = (
            "does not code that sentence"
            if key[:2] in covered
            else "codes no sentence of that paragraph"
        )
        message = f"codes {ref_label(*key, with_source=True)}, but {names[1]} {scope}"
        problems.append(Problem(names[0], int(student[key]["_row"]), None, None, message))
    return problems


def shown_value(value: object) -> str:
    """A coded value as the reports print it."""
    return EMPTY if value is None else str(value)


def is_uncoded(record: Record) -> bool:
    """A row with every compared field blank: a sentence left uncoded, not a coding."""
    return all(record[f] is None for f in COMPARED)
