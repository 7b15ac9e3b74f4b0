"""A class's codings of one passage, measured together: what the instructor reads out.

The pairwise report (:mod:`.agreement`) compares two codings; a class hands in thirty.
Here every coding in a folder is read once (every problem in every file reported at once),
then measured three ways:

- **the class as a whole**: Krippendorff's alpha over all coders at once (the statistic
  was built for many coders and missing values), with the share of coder pairs that
  agree, per field;
- **each coding against the others** (its mean agreement with every other coding) and,
  when a reference is given, against the reference: who coded apart from the room;
- **the sentences the class disputes most**, with the answers given, which is what the
  discussion after the exercise is about.

Every pair is also measured as :func:`.agreement.measure` measures two students, into a
table (one row per pair) the command writes as CSV. As in the pairwise report, the fields
after the subject describe a claim about that subject: for the class they are compared
among the coders who chose the sentence's most common subject.
"""

from __future__ import annotations

import itertools
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np

from russian_views.classroom.agreement import (
    COMPARED,
    CONVENTION,
    GATED,
    SUBJECT,
    Agreement,
    alpha_text,
    is_uncoded,
    measure,
    read_coding,
    same_sentences,
    shown_value,
)
from russian_views.classroom.coding import Key, csv_bytes, plural
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.sources import ref_label
from russian_views.dataset.validate import Record
from russian_views.errors import DataError, ParameterError, Problem
from russian_views.spec import shorten_path

MIN_CODINGS = 2
DISPUTED_SHOWN = 5


@dataclass(frozen=True)
class ClassField:
    """One field over the whole class: pairs agreeing, and alpha over all coders."""

    field: str
    agreeing_pairs: int
    pairs: int
    alpha: float | None
    units: int

    def share(self) -> str:
        """``95% of 435``: the share of coder pairs (summed over sentences) giving the same
        value, and how many pairs there were."""
        if not self.pairs:
            return "not compared"
        return f"{100 * self.agreeing_pairs / self.pairs:.0f}% of {self.pairs}"


@dataclass(frozen=True)
class Disputed:
    """A sentence and the answers the class gave its subject (most disputed first)."""

    key: Key
    agreeing: float  # share of coder pairs agreeing on the subject
    answers: Counter
    text: str


@dataclass(frozen=True)
class ClassAgreement:
    """The class's codings of a passage, measured together and pair by pair."""

    names: list[str]
    units: list[Key]
    fields: list[ClassField]
    pairs: list[Agreement]
    against_reference: dict[str, Agreement]
    disputed: list[Disputed]

    def mean_with_others(self, name: str) -> float:
        """A coding's mean agreement with every other coding, over the compared fields."""
        shares = [_overall(p) for p in self.pairs if name in (p.student, p.reference)]
        return sum(shares) / len(shares)

    def text(self) -> str:
        """The report as plain text (what the command prints)."""
        passages = ", ".join(f"{s} ¶{p}" for s, p in sorted({k[:2] for k in self.units}))
        lines = [
            f"Class agreement: {len(self.names)} codings of {passages} "
            f"({plural(len(self.units), 'sentence')})",
            "",
            f"{'field':<16} {'pairs agreeing':<24} alpha (all coders)",
        ]
        for f in self.fields:
            lines.append(f"{f.field:<16} {f.share():<24} {alpha_text(f.alpha, f.units)}")
        lines += [
            "",
            textwrap.fill(
                "Pairs agreeing: of every two coders' answers on a sentence, the share that "
                f"are the same. {', '.join(GATED)} are compared, sentence by sentence, among "
                "the coders who chose its most common subject. A sentence someone left "
                "uncoded is missing data for that coder, not a value.",
                88,
            ),
            "",
            textwrap.fill(CONVENTION, 88),
            "",
            "Each coding: mean agreement with the others over the six fields"
            + (", and with the reference" if self.against_reference else ""),
        ]
        for name in sorted(self.names, key=self.mean_with_others):
            line = f"  {name:<28} {self.mean_with_others(name):4.0%}"
            if name in self.against_reference:
                line += f"    reference: {_overall(self.against_reference[name]):4.0%}"
            lines.append(line)
        if not self.disputed:
            lines += ["", "Every coder chose the same subject for every sentence."]
        else:
            lines += ["", f"Most disputed subjects ({plural(len(self.disputed), 'sentence')}):"]
        for d in self.disputed:
            answers = ", ".join(f"{n} {value}" for value, n in d.answers.most_common())
            lines.append(f"  {ref_label(*d.key):<8} {d.agreeing:4.0%} of pairs agree: {answers}")
            lines += textwrap.wrap(d.text, 88, initial_indent=" " * 11, subsequent_indent=" " * 11)
        return "\n".join(lines)

    def csv_bytes(self) -> bytes:
        """The pairwise table: one row per pair of codings, percent agreement and alpha per
        field (with a byte-order mark, for spreadsheets)."""
        header = ["coding_a", "coding_b", "sentences", "disagreements"]
        for field in COMPARED:
            header += [f"{field}_agreement_percent", f"{field}_alpha"]
        rows = []
        for p in self.pairs:
            row: list[object] = [p.student, p.reference, len(p.units), len(p.disagreements)]
            for f in p.fields:
                row += [f"{f.percent:.1f}" if f.units else "", _number(f.alpha)]
            rows.append(row)
        return csv_bytes(header, rows)


def _number(alpha: float | None) -> str:
    return "" if alpha is None else f"{alpha:.3f}"


def _overall(pair: Agreement) -> float:
    """A pair's agreement over every compared field, as a share of the comparisons made."""
    compared = sum(f.units for f in pair.fields)
    return sum(f.agreed for f in pair.fields) / compared if compared else 0.0


def codings_in(folder: Path) -> list[Path]:
    """The CSV files of a folder of handed-in codings (one per student, named for them)."""
    if not folder.is_dir():
        raise ParameterError(
            f"{shorten_path(str(folder))}: no such folder of codings (one CSV per student)"
        )
    files = sorted(folder.glob("*.csv"))
    if len(files) < MIN_CODINGS:
        raise ParameterError(
            f"{shorten_path(str(folder))} holds {plural(len(files), 'coding')} (*.csv); "
            f"class agreement needs at least {MIN_CODINGS}"
        )
    return files


def measure_class(
    folder: Path, reference: Path | None = None, dataset: Dataset | None = None
) -> ClassAgreement:
    """Read every coding in ``folder`` (and the reference, if given) and measure the class.

    Every coding must cover the same sentences as the first; every file's problems are
    reported at once (:class:`DataError`).
    """
    dataset = dataset or load_dataset()
    files = codings_in(folder)
    codings: dict[str, dict[Key, Record]] = {}
    problems: list[Problem] = []
    for path in files:
        try:
            codings[path.stem] = read_coding(path, dataset)
        except DataError as error:
            problems += error.problems
    read = [path for path in files if path.stem in codings]
    for path in read[1:]:
        problems += same_sentences(
            codings[path.stem], codings[read[0].stem], (path.name, read[0].name)
        )
    if problems:
        raise DataError(problems)
    first = read[0].stem
    against: dict[str, Agreement] = {}
    if reference is not None:
        theirs = read_coding(reference, dataset)
        theirs = {k: v for k, v in theirs.items() if k[:2] in {u[:2] for u in codings[first]}}
        for path in files:
            found = same_sentences(codings[path.stem], theirs, (path.name, reference.name))
            problems += found
            if not found:
                names = (path.stem, reference.stem)
                against[path.stem] = measure(codings[path.stem], theirs, names, dataset)
    if problems:
        raise DataError(problems)
    units = sorted(codings[first])
    pairs = [
        measure(codings[a], codings[b], (a, b), dataset)
        for a, b in itertools.combinations(sorted(codings), 2)
    ]
    return ClassAgreement(
        sorted(codings),
        units,
        [_class_field(field, units, codings) for field in COMPARED],
        pairs,
        against,
        _most_disputed(units, codings, dataset),
    )


def _values(field: str, unit: Key, codings: dict[str, dict[Key, Record]]) -> list[str | None]:
    """Each coder's answer on one sentence (None: not compared there): uncoded sentences
    are missing, and a claim field counts only for coders who chose the modal subject."""
    coded = {n: c[unit] for n, c in codings.items() if not is_uncoded(c[unit])}
    if field in GATED and coded:
        modal = Counter(shown_value(r[SUBJECT]) for r in coded.values()).most_common(1)[0][0]
        coded = {n: r for n, r in coded.items() if shown_value(r[SUBJECT]) == modal}
    return [shown_value(coded[n][field]) if n in coded else None for n in sorted(codings)]


def _class_field(field: str, units: list[Key], codings: dict[str, dict[Key, Record]]) -> ClassField:
    columns = [_values(field, u, codings) for u in units]
    domain = sorted({v for column in columns for v in column if v is not None})
    matrix = [
        [
            float("nan") if column[i] is None else float(domain.index(column[i]))
            for column in columns
        ]
        for i in range(len(codings))
    ]
    counts = [_pairs(Counter(v for v in column if v is not None)) for column in columns]
    agreeing, total = sum(a for a, _ in counts), sum(t for _, t in counts)
    compared = sum(1 for column in columns if sum(v is not None for v in column) >= 2)
    return ClassField(field, agreeing, total, _class_alpha(matrix), compared)


def _pairs(answers: Counter) -> tuple[int, int]:
    """Of every two answers given on a sentence: how many pairs agree, and how many pairs."""
    n = sum(answers.values())
    return sum(c * (c - 1) // 2 for c in answers.values()), n * (n - 1) // 2


def _class_alpha(matrix: list[list[float]]) -> float | None:
    """Nominal alpha over all coders (NaN: missing), or None when the values that can be
    paired (two or more on a sentence) show no variation: alpha is then 0/0."""
    data = np.array(matrix, dtype=float)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    values = pairable[~np.isnan(pairable)]
    if len(np.unique(values)) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _most_disputed(
    units: list[Key], codings: dict[str, dict[Key, Record]], dataset: Dataset
) -> list[Disputed]:
    out = []
    for unit in units:
        answers = Counter(
            "uncoded" if value is None else value for value in _values(SUBJECT, unit, codings)
        )
        same, pairs = _pairs(answers)
        agreeing = same / pairs if pairs else 1.0
        if agreeing < 1:
            out.append(Disputed(unit, agreeing, answers, dataset.sentence_text(*unit)))
    return sorted(out, key=lambda d: (d.agreeing, d.key))[:DISPUTED_SHOWN]
