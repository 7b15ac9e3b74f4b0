"""Inter-coder agreement: a student's coding of a passage against a reference coding.

What an instructor needs from a content-analysis lesson: how far two codings agree
beyond chance (Krippendorff's alpha, from the maintained ``krippendorff`` package), how
often they agree outright (percent agreement, which students grasp at once but which
chance inflates), and where they differ, with the sentence at hand, because the
disagreements are what the class discusses.

Both codings are worksheets (:mod:`russian_views.classroom.coding`) keyed by source, paragraph
and sentence. The exercise codes one main claim per sentence, so each sentence appears
once in each file; an empty cell of a coded row is a coding decision too (no stance, say)
and counts as a value of its own, except on the ordinal stance scale, where it has no
position. A row with every compared field empty is a sentence left uncoded: it is missing
data, reported as such, not a value. The fields after the subject (counterpart, theme,
stance, kind) describe a claim about that subject, so they are compared only where both
codings chose the same subject: otherwise a stance toward one actor would be scored
against a stance toward another.

Each alpha comes with what it means in plain words (alpha 0 at high raw agreement is the
classic surprise: one dominant code makes chance agreement high), and under 20 units no
reliability label is given. A filled worksheet becomes a reference for another passage
through :func:`make_reference`.

The exercise notebook's helpers live here too (:class:`Exercise`), each returning HTML
built with :mod:`russian_views.briefings.markup`, which escapes every value.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np

from russian_views import config
from russian_views.atomic import write_atomic
from russian_views.briefings.markup import Html, join, note, tag
from russian_views.briefings.markup import table as html_table
from russian_views.classroom.coding import (
    COLUMNS,
    IMPORT_COLUMNS,
    LOCATION,
    Key,
    RowChecker,
    WorksheetRow,
    codes_rows,
    csv_bytes,
    plural,
    read_worksheet,
    write_worksheet,
)
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.schema import load_schema
from russian_views.dataset.sources import ref_label
from russian_views.dataset.validate import Record
from russian_views.errors import DataError, ParameterError, Problem
from russian_views.params import from_namespace, resolve_choice
from russian_views.spec import EXERCISE, echo, parameter

COMPARED = ("view", "subject_id", "counterpart_id", "theme", "stance", "claim_kind")
SUBJECT = "subject_id"
# Compared only where both codings chose the same subject: they describe a claim about it.
GATED = COMPARED[COMPARED.index(SUBJECT) + 1 :]
ORDINAL = {"stance": "stance"}  # field → the code list whose codebook scores order it
REFERENCE_PATH = config.DATA_DIR / "exercises" / "reference.csv"
# The user's own folder, never /tmp, where another user could create the name first.
EXERCISE_DIR = config.EXERCISE_DIR
# Krippendorff (2004), Content Analysis, 2nd ed., p. 241: rely on variables with
# alpha >= .800; consider those with .667 <= alpha < .800 for tentative conclusions only.
RELIABLE, TENTATIVE = 0.800, 0.667
# Below this many units a single disagreement swings alpha by a tenth or more, so no
# reliability label is given (Krippendorff's own minimum samples run far larger).
MIN_UNITS = 20
EMPTY = "(empty)"
UNCODED = "uncoded"
EDITIONS = parameter(EXERCISE, "edition").choices
CONVENTION = (
    "Krippendorff's alpha measures agreement beyond chance: 1 is perfect agreement, 0 is "
    "no better than two coders answering at random with the same mix of codes, below 0 "
    "is worse. Raw agreement can be high while alpha is 0: when one code dominates, "
    "chance alone agrees that often. Convention (Krippendorff 2004): at least 0.800 to "
    f"rely on a coding, at least 0.667 for tentative conclusions only, judged on at least "
    f"{MIN_UNITS} units."
)


# ---------------------------------------------------------------- reading codings


def read_coding(path: Path, dataset: Dataset) -> dict[Key, Record]:
    """One record per sentence (compared fields, None when empty) keyed by location;
    :class:`DataError` names every bad code, unknown sentence or repeated sentence."""
    rows = read_worksheet(path, required=(*LOCATION, *COMPARED), allowed=IMPORT_COLUMNS)
    if not rows:
        message = "holds no sentence, only a header: one row per sentence of the passage"
        raise DataError([Problem(path.name, None, None, None, message)])
    return _coding(rows, RowChecker.for_worksheet(path, dataset, load_schema()))


def _coding(rows: list[WorksheetRow], checker: RowChecker) -> dict[Key, Record]:
    coding: dict[Key, Record] = {}
    problems = []
    for row in rows:
        record, row_problems = _typed(checker, row)
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


def _typed(checker: RowChecker, row: WorksheetRow) -> tuple[Record, list[Problem]]:
    """A coding row's location and compared values; an empty value is a coding decision."""
    location, problems = checker.typed(row, LOCATION)
    values, value_problems = checker.typed(row, COMPARED, blank_ok=True)
    record = location | values
    return record, problems + value_problems + checker.cross(row, record)


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
        scope = "that sentence" if key[:2] in covered else "no sentence of that paragraph"
        message = f"codes {ref_label(*key, with_source=True)}, but {names[1]} codes {scope}"
        problems.append(Problem(names[0], int(student[key]["_row"]), None, None, message))
    return problems


# ---------------------------------------------------------------- measuring agreement


@dataclass(frozen=True)
class FieldAgreement:
    """Agreement on one field: outright and chance-corrected (alpha None: undefined).

    ``answers`` are both codings' values over the compared units, pooled: what chance
    agreement is computed from, and what tells a dominant code.
    """

    field: str
    agreed: int
    units: int
    alpha: float | None
    answers: tuple[str, ...]
    ordinal_alpha: float | None = None

    @property
    def percent(self) -> float:
        """Share of compared sentences given the same value, in percent."""
        return 100 * self.agreed / self.units if self.units else 0.0

    @property
    def chance(self) -> float:
        """Agreement expected by chance, in percent: how often two answers drawn from the
        pooled ones (without replacement, as Krippendorff's alpha draws them) match."""
        n = len(self.answers)
        if n < 2:
            return 0.0
        pairs = sum(c * (c - 1) for c in Counter(self.answers).values())
        return 100 * pairs / (n * (n - 1))

    def share(self) -> str:
        """``8/9 89%`` (or ``not compared``)."""
        return f"{self.agreed}/{self.units} {self.percent:.0f}%" if self.units else "not compared"

    def meaning(self) -> str:
        """What the alpha value says, in plain words, with the numbers behind it."""
        if not self.units:
            return "no sentence to compare"
        top, count = Counter(self.answers).most_common(1)[0]
        if self.alpha is None:
            return f"undefined: every answer is {top}, and agreement needs variation to measure"
        dominant = (
            f"{top} is {count} of the {len(self.answers)} answers, so chance alone "
            f"agrees {self.chance:.0f}% of the time"
        )
        if abs(self.alpha) < 0.05:
            if 2 * count > len(self.answers) and self.percent >= 50:
                return f"no better than chance although {self.percent:.0f}% agree: {dominant}"
            return (
                f"no better than chance: {self.percent:.0f}% agree, about what chance alone "
                f"gives ({self.chance:.0f}%)"
            )
        if self.alpha < 0:
            return "worse than chance: the codings differ more than random answers would"
        if self.alpha > 0.999:
            return "perfect agreement"
        return (
            f"{self.alpha:.0%} of the way from chance agreement ({self.chance:.0f}%) "
            "to perfect agreement"
        )


@dataclass(frozen=True)
class Disagreement:
    """One field of one sentence on which the two codings differ (field ``coding``: one
    of them left the sentence uncoded)."""

    key: Key
    field: str
    student: str
    reference: str
    text: str


def verdict(alpha: float | None, units: int) -> str:
    """Krippendorff's reading of an alpha value, withheld on too few units."""
    if alpha is None:
        return "undefined"
    if units < MIN_UNITS:
        return f"no label: under {MIN_UNITS} units"
    if alpha >= RELIABLE:
        return "reliable"
    return "tentative" if alpha >= TENTATIVE else "unreliable"


def _alpha(data: list[list[float]], level: str, domain: list[int] | None = None) -> float | None:
    """Krippendorff's alpha of a 2 × units matrix (NaN: no value), or None when the
    values that can be paired show no variation (alpha is then 0/0)."""
    matrix = np.array(data, dtype=float)
    paired = matrix[:, ~np.isnan(matrix).any(axis=0)]
    if paired.size == 0 or len(np.unique(paired)) < 2:
        return None
    return float(
        krippendorff.alpha(reliability_data=matrix, level_of_measurement=level, value_domain=domain)
    )


def shown_value(value: object) -> str:
    """A coded value as the reports print it; an empty cell is a value of its own."""
    return EMPTY if value is None else str(value)


def is_uncoded(record: Record) -> bool:
    """A row with every compared field empty: a sentence left uncoded, not a coding."""
    return all(record[f] is None for f in COMPARED)


def _field_agreement(
    field: str, pairs: list[tuple[object, object]], dataset: Dataset
) -> FieldAgreement:
    answers = tuple(shown_value(v) for pair in pairs for v in pair)
    values = sorted(set(answers))
    coders = list(zip(*pairs, strict=True)) or [(), ()]
    nominal = [[float(values.index(shown_value(v))) for v in coder] for coder in coders]
    ordinal = None
    if field in ORDINAL and pairs:
        scores = dataset.scores(ORDINAL[field])
        scored = [[scores.get(str(v), np.nan) for v in coder] for coder in coders]
        ordinal = _alpha(scored, "ordinal", sorted(scores.values()))
    agreed = sum(a == b for a, b in pairs)
    alpha = _alpha(nominal, "nominal") if pairs else None
    return FieldAgreement(field, agreed, len(pairs), alpha, answers, ordinal)


@dataclass(frozen=True)
class Agreement:
    """A student's coding compared with the reference, field by field and sentence by sentence."""

    student: str
    reference: str
    units: list[Key]
    uncoded: dict[str, list[Key]]  # "student" / "reference" → sentences that side left blank
    same_subject: int
    fields: list[FieldAgreement]
    disagreements: list[Disagreement]

    def passages(self) -> str:
        """Which paragraphs were compared, e.g. ``asan-forum-2021 ¶8``."""
        return ", ".join(f"{s} ¶{p}" for s, p in sorted({k[:2] for k in self.units}))

    def notes(self) -> list[str]:
        """What the table cannot show: uncoded sentences, the subject rule, sample size."""
        out = []
        for side, name in (("student", self.student), ("reference", self.reference)):
            keys = self.uncoded[side]
            if keys:
                where = ", ".join(f"s{k[2]}" for k in keys)
                out.append(
                    f"Left uncoded in {name} ({where}): not scored on any field, and listed below."
                )
        coded = len(self.units) - len(set(self.uncoded["student"]) | set(self.uncoded["reference"]))
        out.append(
            f"{', '.join(GATED)} are compared only on the {plural(self.same_subject, 'sentence')} "
            f"(of {coded} coded by both) where both chose the same subject: they describe a "
            "claim about that subject, and a stance toward another actor is another claim."
        )
        if len(self.units) < MIN_UNITS:
            out.append(
                f"Only {plural(len(self.units), 'sentence')}: too few to judge reliability "
                f"(at least {MIN_UNITS} are needed). One disagreement moves alpha a lot, so "
                "no label is given. Use the numbers to start the discussion, not to grade."
            )
        return out

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Field, agreement, alpha with its label, and what the value means; stance twice
        (nominal, then on the ordinal scale, where near misses cost less)."""
        out = []
        for f in self.fields:
            out.append((f.field, f.share(), alpha_text(f.alpha, f.units), f.meaning()))
            if f.field in ORDINAL and f.units:
                meaning = (
                    "on the hostile-to-supportive scale, where a near miss costs less "
                    "(an empty stance has no place on it and is left out)"
                )
                out.append(
                    (f"{f.field} (ordinal)", "", alpha_text(f.ordinal_alpha, f.units), meaning)
                )
        return out

    def text(self) -> str:
        """The report as plain text (what the command prints)."""
        lines = [
            f"Agreement of {self.student} with {self.reference}: "
            f"{plural(len(self.units), 'sentence')} ({self.passages()})",
            "",
            f"{'field':<18} {'agreement':<13} alpha",
        ]
        for field, share, alpha, meaning in self.rows():
            lines.append(f"{field:<18} {share:<13} {alpha}")
            lines += textwrap.wrap(meaning, 88, initial_indent=" " * 21, subsequent_indent=" " * 21)
        for paragraph in (*self.notes(), CONVENTION):
            lines += ["", textwrap.fill(paragraph, 88)]
        lines += ["", plural(len(self.disagreements), "disagreement")]
        for d in self.disagreements:
            where = ref_label(*d.key)
            lines.append(
                f"  {where:<8} {d.field:<14} {self.student}: {d.student:<22} "
                f"{self.reference}: {d.reference}"
            )
            lines.append(f"           {d.text}")
        return "\n".join(lines)

    def html(self) -> Html:
        """The report as escaped HTML (what the exercise notebook shows)."""
        caption = f"{self.student} against {self.reference}: {plural(len(self.units), 'sentence')}"
        differ = [
            [ref_label(*d.key), d.field, d.student, d.reference, d.text] for d in self.disagreements
        ]
        return join(
            [
                html_table(
                    ["field", "agreement", "alpha", "what it means"], self.rows(), caption=caption
                ),
                *(note(n) for n in self.notes()),
                note(CONVENTION),
                html_table(
                    ["sentence", "field", self.student, self.reference, "text"],
                    differ,
                    caption=plural(len(self.disagreements), "disagreement"),
                ),
            ]
        )

    def csv_bytes(self) -> bytes:
        """The disagreements as CSV (with a byte-order mark, for spreadsheets); the codings
        are "first" and "second", as the command was given them: two students are peers."""
        return csv_bytes(
            [*LOCATION, "field", "first_coding", "second_coding", "sentence_text"],
            ([*d.key, d.field, d.student, d.reference, d.text] for d in self.disagreements),
        )


def alpha_text(alpha: float | None, units: int) -> str:
    """An alpha with its reading (``0.726  no label: under 20 units``), or "-" for none."""
    if not units:
        return "-"
    label = verdict(alpha, units)
    return label if alpha is None else f"{alpha:.3f}  {label}"


def _summary(record: Record) -> str:
    """A coded row in one cell, for a disagreement over whether to code the sentence."""
    if is_uncoded(record):
        return UNCODED
    return " / ".join(str(record[f]) for f in COMPARED if record[f] is not None)


def _disagreements(
    units: list[Key], ours: dict[Key, Record], theirs: dict[Key, Record], dataset: Dataset
) -> list[Disagreement]:
    out = []
    for u in units:
        text = dataset.sentence_text(*u)
        if is_uncoded(ours[u]) or is_uncoded(theirs[u]):
            if is_uncoded(ours[u]) != is_uncoded(theirs[u]):
                out.append(Disagreement(u, "coding", _summary(ours[u]), _summary(theirs[u]), text))
            continue
        same = ours[u][SUBJECT] == theirs[u][SUBJECT]
        for f in COMPARED:
            if ours[u][f] != theirs[u][f] and (same or f not in GATED):
                student, reference = shown_value(ours[u][f]), shown_value(theirs[u][f])
                out.append(Disagreement(u, f, student, reference, text))
    return out


def compare(
    student: Path,
    reference: Path | None = None,
    dataset: Dataset | None = None,
    names: Sequence[str] | None = None,
) -> Agreement:
    """Compare a student's worksheet with the reference coding of the same passage (or with
    another student's), each called by ``names`` or else by its file name.

    Only the reference's sentences in the paragraphs the student coded are compared, so
    one reference file can hold several passages.
    """
    dataset = dataset or load_dataset()
    reference = reference or REFERENCE_PATH
    ours, theirs = read_coding(student, dataset), read_coding(reference, dataset)
    theirs = {k: v for k, v in theirs.items() if k[:2] in {u[:2] for u in ours}}
    problems = same_sentences(ours, theirs, (student.name, reference.name))
    if problems:
        raise DataError(problems)
    first, second = names or (student.name, reference.name)
    return measure(ours, theirs, (first, second), dataset)


def measure(
    ours: dict[Key, Record], theirs: dict[Key, Record], names: tuple[str, str], dataset: Dataset
) -> Agreement:
    """The agreement of two codings of the same sentences, already read and checked."""
    units = sorted(theirs)
    uncoded = {
        "student": [u for u in units if is_uncoded(ours[u])],
        "reference": [u for u in units if is_uncoded(theirs[u])],
    }
    coded = [u for u in units if not is_uncoded(ours[u]) and not is_uncoded(theirs[u])]
    same = [u for u in coded if ours[u][SUBJECT] == theirs[u][SUBJECT]]
    fields = [
        _field_agreement(
            f, [(ours[u][f], theirs[u][f]) for u in (same if f in GATED else coded)], dataset
        )
        for f in COMPARED
    ]
    disagreements = _disagreements(units, ours, theirs, dataset)
    return Agreement(*names, units, uncoded, len(same), fields, disagreements)


# ---------------------------------------------------------------- making a reference


@dataclass(frozen=True)
class MadeReference:
    """A reference coding written from a filled worksheet."""

    path: Path
    sentences: int
    coded: int
    extra: int  # later claims on a sentence, left out (the exercise codes the main one)


def make_reference(worksheet: Path, out: Path, dataset: Dataset | None = None) -> MadeReference:
    """Turn a filled worksheet into an exercise reference: one row per sentence, the
    first claim coded on it as the main claim (its note names the rows left out).

    The rows are checked as the exercise checks a student's (codes, actors, sentences),
    and nothing is written when any fails or ``out`` exists: a reference is a class's
    answer key, not something to overwrite by accident.
    """
    dataset = dataset or load_dataset()
    if out.exists():
        raise ParameterError(f"{out} already exists; name another with --out, or delete it")
    rows = read_worksheet(worksheet, required=(*LOCATION, *COMPARED), allowed=IMPORT_COLUMNS)
    first: dict[tuple[str, ...], WorksheetRow] = {}
    later: dict[tuple[str, ...], list[int]] = {}
    for row in rows:
        key = tuple(row.get(k) for k in LOCATION)
        if key in first:
            later.setdefault(key, []).append(row.number)
        else:
            first[key] = row
    checker = RowChecker.for_worksheet(worksheet, dataset, load_schema())
    coding = _coding(list(first.values()), checker)
    body = []
    for key, row in first.items():
        cells = dict(row.cells)
        if key in later:
            rest = ", ".join(map(str, later[key]))
            cells["note"] = (
                f"Main claim: {worksheet.name} row {row.number}; it also codes rows {rest} here."
            )
        record = coding[(key[0], int(key[1]), int(key[2]))]
        cells |= {f: "" if record[f] is None else str(record[f]) for f in COMPARED}
        body.append([cells.get(c, "") for c in COLUMNS])
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, csv_bytes(COLUMNS, body))
    coded = sum(not is_uncoded(r) for r in coding.values())
    extra = sum(len(v) for v in later.values())
    return MadeReference(out, len(body), coded, extra)


# ---------------------------------------------------------------- the exercise notebook


def resolve_source(value: object, dataset: Dataset) -> str:
    """A source id the user gave (None: the first source), or the choices in one line."""
    ids = list(dataset.tables["sources"]["source_id"])
    if value is None:
        return ids[0]
    if value not in ids:
        raise ParameterError(f"unknown source {echo(value)}; choose one of: {', '.join(ids)}")
    return str(value)


def resolve_paragraph(value: object, count: int) -> int:
    """A paragraph number from 1 to ``count``, or the range in one line."""
    if isinstance(value, bool) or str(value).strip() not in {str(n) for n in range(1, count + 1)}:
        raise ParameterError(
            f"paragraph must be a whole number from 1 to {count} (value {echo(value)})"
        )
    return int(str(value).strip())


def _resolve_folder(value: object) -> Path:
    """Worksheets hold student work: keep them out of the repository's notebooks."""
    folder = Path(str(value)) if value else EXERCISE_DIR
    if folder.resolve().is_relative_to(config.NOTEBOOKS_DIR.resolve()):
        raise ParameterError(f"worksheet_dir {str(folder)!r} is inside notebooks/; name another")
    return folder


@dataclass(frozen=True)
class Exercise:
    """The coding exercise: one passage, a blank worksheet for it, and the comparison.

    Each method returns what one notebook cell shows, so the notebook holds no logic.
    """

    dataset: Dataset
    source_id: str
    paragraph: int
    folder: Path
    reference: Path
    edition: str

    @classmethod
    def from_parameters(
        cls,
        paragraph: object = 8,
        source_id: object = None,
        worksheet_dir: object = None,
        reference_file: object = None,
        edition: object = None,
    ) -> Exercise:
        """Validate the notebook's parameters (one-line :class:`ParameterError` if bad)."""
        dataset = load_dataset()
        source = resolve_source(source_id, dataset)
        number = resolve_paragraph(paragraph, len(dataset.texts[source].paragraphs))
        reference = Path(str(reference_file)) if reference_file else REFERENCE_PATH
        folder = _resolve_folder(worksheet_dir)
        chosen = resolve_choice("edition", edition, EDITIONS)
        return cls(dataset, source, number, folder, reference, chosen)

    @classmethod
    def from_namespace(cls, namespace: dict) -> Exercise:
        """The exercise for the notebook's parameters (refusing names it does not take);
        ``student_file`` is read later, by the cell that compares it."""
        values = from_namespace(namespace, EXERCISE)
        del values["student_file"]
        return cls.from_parameters(**values)

    def title(self) -> Html:
        """Heading: which passage of which source."""
        row = self.dataset.tables["sources"].set_index("source_id").loc[self.source_id]
        section = self.dataset.texts[self.source_id].paragraph(self.paragraph).section
        return join(
            [
                tag("h1", f"Coding exercise: paragraph {self.paragraph} ({section})"),
                tag("p", f"{row['title']}, {row['outlet']}, {row['published']}."),
                note(f"{self.edition.title()} edition."),
            ]
        )

    def passage(self) -> Html:
        """The paragraph to code, its sentences numbered as the worksheet numbers them."""
        p = self.dataset.texts[self.source_id].paragraph(self.paragraph)
        rows = [[f"s{s.number}", s.text] for s in p.sentences]
        return html_table(["sentence", "text"], rows, caption=f"¶{p.number}, {p.section}")

    def codebook(self) -> Html:
        """What each compared field means and the codes it accepts, from the codebook."""
        parts = []
        rows = codes_rows(self.dataset, load_schema())
        listed: dict[tuple, str] = {}  # codes already tabled → under which field
        for field in COMPARED:
            entries = [r for r in rows if r[0] == field]
            parts.append(tag("h3", field) + tag("p", entries[0][3]))
            codes = tuple(tuple(r[1:]) for r in entries[1:])
            if codes in listed:
                parts.append(tag("p", f"The codes are those of {listed[codes]}, above."))
                continue
            listed[codes] = field
            parts.append(html_table(["code", "label", "definition"], codes))
        return join(parts)

    def worksheet_path(self) -> Path:
        """Where this passage's blank worksheet goes."""
        return self.folder / f"{self.source_id}-p{self.paragraph}.csv"

    def blank_worksheet(self) -> Html:
        """Write the passage's blank worksheet (never over one that exists) and name it; the
        folder is the instructor's (a handout is printed for a class, so it names no path)."""
        path = self.worksheet_path()
        if path.exists():
            return note(
                f"Your worksheet: {path.name}, in the class folder (it already existed, so it "
                "was kept as is)."
            )
        codes = write_worksheet(self.dataset, load_schema(), self.source_id, path, [self.paragraph])
        return note(
            f"Your worksheet: {path.name}, one row per sentence; every code it accepts is "
            f"listed in {codes.name} (both in the class folder)."
        )

    def reference_coding(self) -> Html:
        """The reference coding of the passage (instructor edition only)."""
        if self.edition != "instructor":
            return Html()
        coding = read_coding(self.reference, self.dataset)
        keys = sorted(k for k in coding if k[:2] == (self.source_id, self.paragraph))
        if not keys:
            return note(f"{self.reference.name} codes no sentence of ¶{self.paragraph}.")
        rows = [[f"s{k[2]}", *(shown_value(coding[k][f]) for f in COMPARED)] for k in keys]
        return html_table(
            ["sentence", *COMPARED], rows, caption=f"Reference: {self.reference.name}"
        )

    def agreement(self, student_file: object) -> Html:
        """The student's agreement with the reference, or how to get it."""
        if not student_file:
            return Html()
        return compare(Path(str(student_file)), self.reference, self.dataset).html()
