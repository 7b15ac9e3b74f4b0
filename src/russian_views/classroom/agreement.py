"""Inter-coder agreement: a student's coding of a passage against a reference coding.

What an instructor needs from a content-analysis lesson: how far two codings agree
beyond chance (Krippendorff's alpha, :mod:`.alpha`), how often they agree outright
(percent agreement, which students grasp at once but which chance inflates), and where
they differ, with the sentence at hand, because the disagreements are what the class
discusses.

The codings are read by :mod:`.codings`. A blank is missing data: a field one coding
left blank is not compared on that sentence (it is never a disagreement), and a sentence
either left uncoded is listed, not scored. The fields after the subject (counterpart,
theme, stance, kind) describe a claim about that subject, so they are compared only where
both codings chose the same subject: otherwise a stance toward one actor would be scored
against a stance toward another. Fields the codebook scores on a scale (stance) are also
measured on it, where a near miss costs less.

Each alpha comes with what it means in plain words (alpha 0 at high raw agreement is the
classic surprise: one dominant code makes chance agreement high), and under 20 units no
reliability label is given.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from russian_views import config
from russian_views.briefings.markup import Html, join, note
from russian_views.briefings.markup import table as html_table
from russian_views.classroom.alpha import CONVENTION, MIN_UNITS, alpha_text, krippendorff_alpha
from russian_views.classroom.coding import LOCATION, Key, csv_bytes, plural
from russian_views.classroom.codings import (
    COMPARED,
    GATED,
    SUBJECT,
    is_uncoded,
    ordinal_scales,
    read_coding,
    same_sentences,
)
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.sources import ref_label
from russian_views.dataset.validate import Record
from russian_views.errors import DataError

REFERENCE_PATH = config.DATA_DIR / "exercises" / "reference.csv"
MISSING = (
    "A blank is missing data: a field either coding left blank is not compared on that "
    "sentence, and is never a disagreement."
)


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
        if self.agreed == self.units:
            return "perfect agreement"
        return (
            f"{self.alpha:.0%} of the way from chance agreement ({self.chance:.0f}%) "
            "to perfect agreement"
        )


@dataclass(frozen=True)
class Disagreement:
    """One field of one sentence on which the two codings give different values."""

    key: Key
    field: str
    student: str
    reference: str
    text: str


def _field_agreement(
    field: str, pairs: list[tuple[str, str]], scale: dict[str, int] | None
) -> FieldAgreement:
    """One field over the sentences where both codings gave it a value."""
    answers = tuple(v for pair in pairs for v in pair)
    values = sorted(set(answers))
    coders = [[ours for ours, _ in pairs], [theirs for _, theirs in pairs]]
    nominal = krippendorff_alpha([[float(values.index(v)) for v in coder] for coder in coders])
    ordinal = None
    if scale is not None:
        scored = [[float(scale[v]) for v in coder] for coder in coders]
        ordinal = krippendorff_alpha(scored, "ordinal")
    agreed = sum(a == b for a, b in pairs)
    return FieldAgreement(field, agreed, len(pairs), nominal, answers, ordinal)


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
    scaled: tuple[str, ...] = ()  # fields also measured on the codebook's ordinal scale

    def passages(self) -> str:
        """Which paragraphs were compared, e.g. ``asan-forum-2021 ¶8``."""
        return ", ".join(f"{s} ¶{p}" for s, p in sorted({k[:2] for k in self.units}))

    def notes(self) -> list[str]:
        """What the table cannot show: uncoded sentences, the subject rule, sample size."""
        out = []
        for side, name in (("student", self.student), ("reference", self.reference)):
            keys = self.uncoded[side]
            if keys:
                where = ", ".join(ref_label(*k) for k in keys)
                out.append(
                    f"Left uncoded in {name} ({where}): missing data, not scored on any field."
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
        """Field, agreement, alpha with its label, and what the value means; a field the
        codebook scores (stance) twice: nominal, then on its ordinal scale."""
        out = []
        for f in self.fields:
            out.append((f.field, f.share(), alpha_text(f.alpha, f.units), f.meaning()))
            if f.field in self.scaled and f.units:
                meaning = "on the codebook's ordered scale, where a near miss costs less"
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
        for paragraph in (*self.notes(), MISSING, CONVENTION):
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
                *(note(n) for n in (*self.notes(), MISSING, CONVENTION)),
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


def _disagreements(
    units: list[Key], ours: dict[Key, Record], theirs: dict[Key, Record], dataset: Dataset
) -> list[Disagreement]:
    """Every field of every sentence where both codings give a value and the values
    differ (a claim field only where both chose the same subject)."""
    out = []
    for u in units:
        for f in COMPARED:
            pair = _compared(ours[u], theirs[u], f)
            if pair and pair[0] != pair[1]:
                out.append(Disagreement(u, f, *pair, dataset.sentence_text(*u)))
    return out


def _compared(ours: Record, theirs: Record, field: str) -> tuple[str, str] | None:
    """Both codings' values of ``field`` on a sentence, when they can be compared: both
    given (a blank is missing data) and, for a claim field, about the same subject."""
    if field in GATED and (ours[SUBJECT] is None or ours[SUBJECT] != theirs[SUBJECT]):
        return None
    if ours[field] is None or theirs[field] is None:
        return None
    return str(ours[field]), str(theirs[field])


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
    same = sum(
        theirs[u][SUBJECT] is not None and ours[u][SUBJECT] == theirs[u][SUBJECT] for u in units
    )
    scales = ordinal_scales(dataset)
    fields = []
    for f in COMPARED:
        pairs = [p for u in units if (p := _compared(ours[u], theirs[u], f))]
        fields.append(_field_agreement(f, pairs, scales.get(f)))
    disagreements = _disagreements(units, ours, theirs, dataset)
    return Agreement(*names, units, uncoded, same, fields, disagreements, tuple(scales))
