"""Inter-coder agreement: a student's coding of a passage against a reference coding.

What an instructor needs from a content-analysis lesson: how far two codings agree
beyond chance (Krippendorff's alpha, from the maintained ``krippendorff`` package), how
often they agree outright (percent agreement, which students grasp at once but which
chance inflates), and where they differ, with the sentence at hand, because the
disagreements are what the class discusses.

Both codings are worksheets (:mod:`russian_views.coding`) keyed by source, paragraph
and sentence. The exercise codes one main claim per sentence, so each sentence appears
once in each file; an empty cell is a coding decision too (no stance, say) and counts
as a value of its own, except on the ordinal stance scale, where it has no position.

The exercise notebook's helpers live here too (:class:`Exercise`), each returning HTML
built with :mod:`russian_views.markup`, which escapes every value.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np

from russian_views import config
from russian_views.atomic import write_atomic
from russian_views.coding import (
    COLUMNS,
    LOCATION,
    Key,
    RowChecker,
    WorksheetRow,
    codes_rows,
    read_worksheet,
    write_worksheet,
)
from russian_views.data import Dataset, Record, load_dataset
from russian_views.errors import DataError, ParameterError, Problem
from russian_views.markup import Html, esc, join, note, tag
from russian_views.markup import table as html_table
from russian_views.params import from_namespace, resolve_choice
from russian_views.schema import load_schema
from russian_views.spec import EXERCISE, parameter

COMPARED = ("view", "subject_id", "theme", "stance", "claim_kind")
ORDINAL = {"stance": "stance"}  # field → the code list whose codebook scores order it
REFERENCE_PATH = config.DATA_DIR / "exercises" / "reference.csv"
EXERCISE_DIR = Path(tempfile.gettempdir()) / "russian-views-exercise"
# Krippendorff (2004), Content Analysis, 2nd ed., p. 241: rely on variables with
# alpha >= .800; consider those with .667 <= alpha < .800 for tentative conclusions only.
RELIABLE, TENTATIVE = 0.800, 0.667
EMPTY = "(empty)"
EDITIONS = parameter(EXERCISE, "edition").choices
CONVENTION = (
    "Krippendorff's alpha is 1 for perfect agreement and 0 for agreement no better than "
    "chance. Convention (Krippendorff 2004): at least 0.800 to rely on a coding, at least "
    "0.667 for tentative conclusions only. Alpha is undefined when every answer is the same."
)


# ---------------------------------------------------------------- reading codings


def read_coding(path: Path, dataset: Dataset) -> dict[Key, Record]:
    """One record per sentence (compared fields, None when empty) keyed by location;
    :class:`DataError` names every bad code, unknown sentence or repeated sentence."""
    rows = read_worksheet(path, required=(*LOCATION, *COMPARED), allowed=(*COLUMNS, "claim_id"))
    checker = RowChecker.for_worksheet(path, dataset, load_schema())
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
                f"repeats ¶{key[1]} s{key[2]} of row {coding[key]['_row']}: "
                "the exercise codes one main claim per sentence"
            )
            problems.append(Problem(path.name, row.number, None, None, message))
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


def _same_sentences(
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
            f"lacks {k[0]} ¶{k[1]} s{k[2]}, which {names[1]} codes "
            "(keep one row per sentence of the passage, even one left uncoded)",
        )
        for k in sorted(reference.keys() - student.keys())
    ]
    for key in sorted(student.keys() - reference.keys()):
        scope = "that sentence" if key[:2] in covered else "no sentence of that paragraph"
        message = f"codes {key[0]} ¶{key[1]} s{key[2]}, but {names[1]} codes {scope}"
        problems.append(Problem(names[0], int(student[key]["_row"]), None, None, message))
    return problems


# ---------------------------------------------------------------- measuring agreement


@dataclass(frozen=True)
class FieldAgreement:
    """Agreement on one field: outright and chance-corrected (alpha None: undefined)."""

    field: str
    agreed: int
    units: int
    alpha: float | None
    ordinal_alpha: float | None = None

    @property
    def percent(self) -> float:
        """Share of sentences given the same value, in percent."""
        return 100 * self.agreed / self.units


@dataclass(frozen=True)
class Disagreement:
    """One field of one sentence on which the two codings differ."""

    key: Key
    field: str
    student: str
    reference: str
    text: str


def verdict(alpha: float | None) -> str:
    """Krippendorff's reading of an alpha value."""
    if alpha is None:
        return "undefined: no variation"
    if alpha >= RELIABLE:
        return "reliable"
    return "tentative" if alpha >= TENTATIVE else "unreliable"


def _alpha(data: list[list[float]], level: str, domain: list[int] | None = None) -> float | None:
    """Krippendorff's alpha of a 2 × units matrix (NaN: no value), or None when the
    values that can be paired show no variation (alpha is then 0/0)."""
    matrix = np.array(data, dtype=float)
    paired = matrix[:, ~np.isnan(matrix).any(axis=0)]
    if len(np.unique(paired)) < 2:
        return None
    return float(
        krippendorff.alpha(reliability_data=matrix, level_of_measurement=level, value_domain=domain)
    )


def _shown(value: object) -> str:
    return EMPTY if value is None else str(value)


def _field_agreement(
    field: str, units: list[Key], pairs: list[tuple[object, object]], dataset: Dataset
) -> FieldAgreement:
    values = sorted({_shown(v) for pair in pairs for v in pair})
    nominal = [
        [float(values.index(_shown(v))) for v in coder] for coder in zip(*pairs, strict=True)
    ]
    ordinal = None
    if field in ORDINAL:
        scores = dataset.scores(ORDINAL[field])
        scored = [[scores.get(str(v), np.nan) for v in coder] for coder in zip(*pairs, strict=True)]
        ordinal = _alpha(scored, "ordinal", sorted(scores.values()))
    agreed = sum(a == b for a, b in pairs)
    return FieldAgreement(field, agreed, len(units), _alpha(nominal, "nominal"), ordinal)


@dataclass(frozen=True)
class Agreement:
    """A student's coding compared with the reference, field by field and sentence by sentence."""

    student: str
    reference: str
    units: list[Key]
    fields: list[FieldAgreement]
    disagreements: list[Disagreement]

    def passages(self) -> str:
        """Which paragraphs were compared, e.g. ``asan-forum-2021 ¶8``."""
        return ", ".join(f"{s} ¶{p}" for s, p in sorted({k[:2] for k in self.units}))

    def text(self) -> str:
        """The report as plain text (what the command prints)."""
        lines = [
            f"Agreement of {self.student} with {self.reference}: {len(self.units)} sentences "
            f"({self.passages()})",
            "",
            f"{'field':<12} {'agreement':<12} {'alpha (nominal)':<34} alpha (ordinal)",
        ]
        for f in self.fields:
            share = f"{f.agreed}/{f.units} {f.percent:>4.0f}%"
            ordinal = _alpha_text(f.ordinal_alpha) if f.field in ORDINAL else ""
            lines.append(f"{f.field:<12} {share:<12} {_alpha_text(f.alpha):<34} {ordinal}".rstrip())
        lines += ["", textwrap.fill(CONVENTION, 88), "", f"{len(self.disagreements)} disagreements"]
        for d in self.disagreements:
            where = f"¶{d.key[1]} s{d.key[2]}"
            lines.append(
                f"  {where:<8} {d.field:<11} student: {d.student:<22} reference: {d.reference}"
            )
            lines.append(f"           {d.text}")
        return "\n".join(lines)

    def html(self) -> Html:
        """The report as escaped HTML (what the exercise notebook shows)."""
        rows = [
            [
                esc(f.field),
                esc(f"{f.agreed}/{f.units} ({f.percent:.0f}%)"),
                esc(_alpha_text(f.alpha)),
                esc(_alpha_text(f.ordinal_alpha) if f.field in ORDINAL else ""),
            ]
            for f in self.fields
        ]
        heads = ["field", "agreement", "alpha (nominal)", "alpha (ordinal)"]
        caption = f"{self.student} against {self.reference}: {len(self.units)} sentences"
        differ = [
            [
                esc(f"¶{d.key[1]} s{d.key[2]}"),
                esc(d.field),
                esc(d.student),
                esc(d.reference),
                esc(d.text),
            ]
            for d in self.disagreements
        ]
        return join(
            [
                html_table(heads, rows, caption=caption),
                note(CONVENTION),
                html_table(
                    ["sentence", "field", "student", "reference", "text"],
                    differ,
                    caption=f"{len(self.disagreements)} disagreements",
                ),
            ]
        )

    def csv_bytes(self) -> bytes:
        """The disagreements as CSV (with a byte-order mark, for spreadsheets)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*LOCATION, "field", "student", "reference", "sentence_text"])
        writer.writerows(
            [*d.key, d.field, d.student, d.reference, d.text] for d in self.disagreements
        )
        return buffer.getvalue().encode("utf-8-sig")


def _alpha_text(alpha: float | None) -> str:
    return verdict(alpha) if alpha is None else f"{alpha:.3f}  {verdict(alpha)}"


def compare(
    student: Path, reference: Path | None = None, dataset: Dataset | None = None
) -> Agreement:
    """Compare a student's worksheet with the reference coding of the same passage.

    Only the reference's sentences in the paragraphs the student coded are compared, so
    one reference file can hold several passages.
    """
    dataset = dataset or load_dataset()
    reference = reference or REFERENCE_PATH
    ours, theirs = read_coding(student, dataset), read_coding(reference, dataset)
    theirs = {k: v for k, v in theirs.items() if k[:2] in {u[:2] for u in ours}}
    problems = _same_sentences(ours, theirs, (student.name, reference.name))
    if problems:
        raise DataError(problems)
    units = sorted(theirs)
    fields = [
        _field_agreement(f, units, [(ours[u][f], theirs[u][f]) for u in units], dataset)
        for f in COMPARED
    ]
    disagreements = [
        Disagreement(u, f, _shown(ours[u][f]), _shown(theirs[u][f]), dataset.sentence_text(*u))
        for u in units
        for f in COMPARED
        if ours[u][f] != theirs[u][f]
    ]
    return Agreement(student.name, reference.name, units, fields, disagreements)


# ---------------------------------------------------------------- the exercise notebook


def _resolve_source(value: object, dataset: Dataset) -> str:
    ids = list(dataset.tables["sources"]["source_id"])
    if value is None:
        return ids[0]
    if value not in ids:
        raise ParameterError(f"unknown source {value!r}; choose one of: {', '.join(ids)}")
    return str(value)


def _resolve_paragraph(value: object, count: int) -> int:
    if isinstance(value, bool) or str(value).strip() not in {str(n) for n in range(1, count + 1)}:
        raise ParameterError(
            f"paragraph must be a whole number from 1 to {count} (value {value!r})"
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
        source = _resolve_source(source_id, dataset)
        number = _resolve_paragraph(paragraph, len(dataset.texts[source].paragraphs))
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
                tag("h1", esc(f"Coding exercise: paragraph {self.paragraph} ({section})")),
                tag("p", esc(f"{row['title']}, {row['outlet']}, {row['published']}.")),
                note(f"{self.edition.title()} edition."),
            ]
        )

    def passage(self) -> Html:
        """The paragraph to code, its sentences numbered as the worksheet numbers them."""
        p = self.dataset.texts[self.source_id].paragraph(self.paragraph)
        rows = [[esc(f"s{s.number}"), esc(s.text)] for s in p.sentences]
        return html_table(["sentence", "text"], rows, caption=f"¶{p.number}, {p.section}")

    def codebook(self) -> Html:
        """What each compared field means and the codes it accepts, from the codebook."""
        parts = []
        rows = codes_rows(self.dataset, load_schema())
        for field in COMPARED:
            entries = [r for r in rows if r[0] == field]
            parts.append(tag("h3", esc(field)) + tag("p", esc(entries[0][3])))
            body = [[esc(code), esc(label), esc(text)] for _, code, label, text in entries[1:]]
            parts.append(html_table(["code", "label", "definition"], body))
        return join(parts)

    def worksheet_path(self) -> Path:
        """Where this passage's blank worksheet goes."""
        return self.folder / f"{self.source_id}-p{self.paragraph}.csv"

    def blank_worksheet(self) -> Html:
        """Write the passage's blank worksheet (never over one that exists) and say where."""
        path = self.worksheet_path()
        if path.exists():
            return note(f"Your worksheet is {path} (it already existed, so it was kept as is).")
        codes = write_worksheet(self.dataset, load_schema(), self.source_id, path, [self.paragraph])
        return note(f"Blank worksheet written to {path}; every code it accepts is in {codes}.")

    def reference_coding(self) -> Html:
        """The reference coding of the passage (instructor edition only)."""
        if self.edition != "instructor":
            return note("The reference coding is shown in the instructor edition.")
        coding = read_coding(self.reference, self.dataset)
        keys = sorted(k for k in coding if k[:2] == (self.source_id, self.paragraph))
        if not keys:
            return note(f"{self.reference.name} codes no sentence of ¶{self.paragraph}.")
        rows = [[esc(f"s{k[2]}"), *(esc(_shown(coding[k][f])) for f in COMPARED)] for k in keys]
        return html_table(
            ["sentence", *COMPARED], rows, caption=f"Reference: {self.reference.name}"
        )

    def agreement(self, student_file: object) -> Html:
        """The student's agreement with the reference, or how to get it."""
        if not student_file:
            return note(
                "Set student_file to your filled worksheet to compare it with the reference."
            )
        return compare(Path(str(student_file)), self.reference, self.dataset).html()


# ---------------------------------------------------------------- the command line

AGREEMENT_HELP = """\
Compare a student's coding of a passage with a reference coding, field by field
(view, subject_id, theme, stance, claim_kind): percent agreement, Krippendorff's alpha
(nominal; stance also ordinal, on the codebook's scores), and every disagreement with
the sentence's text. Both files are worksheets (one row per sentence).

Only the reference's sentences in the paragraphs the student coded are compared; a
sentence missing from the student's file, one the reference does not code, a repeated
sentence or an unknown code is an error (exit 2).

examples:
  russian-views agreement anna.csv                  against the exercise's reference (¶8)
  russian-views agreement anna.csv mine.csv --csv anna-disagreements.csv
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``agreement`` sub-command, with its help."""
    parser = sub.add_parser(
        "agreement",
        help="compare a student's coding with the reference coding",
        description=AGREEMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("student", type=Path, metavar="STUDENT", help="the student's worksheet")
    parser.add_argument(
        "reference",
        type=Path,
        nargs="?",
        default=None,
        metavar="REFERENCE",
        help="the reference coding (default: data/exercises/reference.csv)",
    )
    parser.add_argument(
        "--csv", type=Path, default=None, metavar="OUT", help="also write the disagreements here"
    )


def cmd_agreement(args: argparse.Namespace) -> int:
    """``russian-views agreement``: print the report; exit 0 (bad input raises: exit 2)."""
    result = compare(args.student, args.reference)
    print(result.text())
    if args.csv:
        write_atomic(args.csv, result.csv_bytes())
        print(f"\ndisagreements written to {args.csv}")
    return 0
