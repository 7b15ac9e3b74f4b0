"""A class's codings of one passage, measured together: what the instructor reads out.

The pairwise report (:mod:`.agreement`) compares two codings; a class hands in thirty.
Here every coding in the inbox is read once, through :mod:`.inbox`'s safe reader (every
problem in every file reported at once), then measured three ways:

- **the class as a whole**, field by field: Krippendorff's alpha over all coders at once
  (the statistic was built for many coders and missing values; on the codebook's ordinal
  scale too, for stance), with the share of coder pairs that agree;
- **each coding against the others** (its mean agreement with every other coding) and,
  when a reference is given, against the reference: who coded apart from the room;
- **the sentences the class disputes most**, on any field, with who chose what: what the
  discussion after the exercise is about.

A blank is missing data everywhere: a coder who left a field (or a whole sentence) blank
gives no answer there, so a blank never makes a dispute. As in the pairwise report, the
fields after the subject describe a claim about that subject: on each sentence they are
compared among the coders who chose its most common subject. Every pair is also measured
as :func:`.agreement.measure` measures two students, into the table the command writes as
CSV (numbers as numbers).
"""

from __future__ import annotations

import itertools
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from russian_views.classroom.agreement import Agreement, measure
from russian_views.classroom.alpha import CONVENTION, alpha_text, csv_number, krippendorff_alpha
from russian_views.classroom.coding import Key, csv_bytes, plural
from russian_views.classroom.codings import (
    COMPARED,
    GATED,
    SUBJECT,
    coder_name,
    is_uncoded,
    ordinal_scales,
    read_coding,
    same_sentences,
)
from russian_views.classroom.inbox import hand_ins, printable
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.sources import ref_label
from russian_views.dataset.validate import Record
from russian_views.errors import DataError, ParameterError, Problem
from russian_views.spec import shorten_path

MIN_CODINGS = 2
DISPUTED_SHOWN = 5
Codings = dict[str, dict[Key, Record]]


@dataclass(frozen=True)
class ClassField:
    """One field over the whole class: pairs agreeing, and alpha over all coders
    (``ordinal_alpha``: on the codebook's scale, for a field it scores)."""

    field: str
    agreeing_pairs: int
    pairs: int
    alpha: float | None
    units: int
    ordinal_alpha: float | None = None
    scaled: bool = False

    def share(self) -> str:
        """``95% of 435``: the share of coder pairs (summed over sentences) giving the same
        value, and how many pairs there were."""
        if not self.pairs:
            return "not compared"
        return f"{100 * self.agreeing_pairs / self.pairs:.0f}% of {self.pairs}"


@dataclass(frozen=True)
class Disputed:
    """A sentence the class disputes: for each field with two or more different answers,
    who gave which (coder → value); ``agreeing`` is the share of coder pairs agreeing over
    every field answered there (most disputed first)."""

    key: Key
    agreeing: float
    fields: dict[str, dict[str, str]]
    text: str

    def lines(self) -> list[str]:
        """``theme: security (anna, boris) · economy (carla)`` for each disputed field."""
        out = []
        for field, chosen in self.fields.items():
            by_value: dict[str, list[str]] = {}
            for name, value in sorted(chosen.items()):
                by_value.setdefault(value, []).append(name)
            ranked = sorted(by_value.items(), key=lambda item: (-len(item[1]), item[0]))
            out.append(
                f"{field}: " + " · ".join(f"{value} ({', '.join(who)})" for value, who in ranked)
            )
        return out


@dataclass(frozen=True)
class ClassAgreement:
    """The class's codings of a passage, measured together and pair by pair."""

    names: list[str]
    units: list[Key]
    fields: list[ClassField]
    pairs: list[Agreement]
    against_reference: dict[str, Agreement]
    disputed: list[Disputed]
    uncoded: dict[str, int]  # coder → sentences left blank

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
            f"{'field':<18} {'pairs agreeing':<22} alpha (all coders)",
        ]
        for f in self.fields:
            lines.append(f"{f.field:<18} {f.share():<22} {alpha_text(f.alpha, f.units)}")
            if f.scaled:
                ordinal = alpha_text(f.ordinal_alpha, f.units)
                lines.append(f"{f.field + ' (ordinal)':<18} {'':<22} {ordinal}")
        lines += [
            "",
            textwrap.fill(
                "Pairs agreeing: of every two coders' answers on a sentence, the share that "
                f"are the same. {', '.join(GATED)} are compared, sentence by sentence, among "
                "the coders who chose its most common subject. A blank is missing data: a "
                "field or sentence a coder left blank is no answer, and never a dispute. "
                "Ordinal: on the codebook's ordered scale, where a near miss costs less.",
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
            if self.uncoded.get(name):
                line += f"    ({plural(self.uncoded[name], 'sentence')} left blank)"
            lines.append(line)
        lines += ["", *self._disputed_lines()]
        return "\n".join(lines)

    def _disputed_lines(self) -> list[str]:
        if not self.disputed:
            return ["No sentence is disputed: where two coders answered, they agreed."]
        shown = self.disputed[:DISPUTED_SHOWN]
        lines = [
            f"Most disputed sentences ({len(shown)} of {len(self.disputed)} disputed), "
            "with who chose what:"
        ]
        for d in shown:
            lines.append(f"  {ref_label(*d.key):<8} {d.agreeing:4.0%} of pairs agree")
            lines += textwrap.wrap(d.text, 88, initial_indent=" " * 11, subsequent_indent=" " * 11)
            for line in d.lines():
                lines += textwrap.wrap(
                    line, 88, initial_indent=" " * 11, subsequent_indent=" " * 13
                )
        return lines

    def csv_bytes(self) -> bytes:
        """The pairwise table: one row per pair of codings, percent agreement and alpha per
        field, written as numbers (with a byte-order mark, for spreadsheets)."""
        scaled = [f.field for f in self.fields if f.scaled]
        header = ["coding_a", "coding_b", "sentences", "disagreements"]
        for field in COMPARED:
            header += [f"{field}_agreement_percent", f"{field}_alpha"]
            header += [f"{field}_ordinal_alpha"] if field in scaled else []
        rows = []
        for p in self.pairs:
            row: list[object] = [p.student, p.reference, len(p.units), len(p.disagreements)]
            for f in p.fields:
                row += [csv_number(f.percent if f.units else None, 1), csv_number(f.alpha)]
                row += [csv_number(f.ordinal_alpha)] if f.field in scaled else []
            rows.append(row)
        return csv_bytes(header, rows)


def _overall(pair: Agreement) -> float:
    """A pair's agreement over every compared field, as a share of the comparisons made."""
    compared = sum(f.units for f in pair.fields)
    return sum(f.agreed for f in pair.fields) / compared if compared else 0.0


def read_codings(folder: Path, dataset: Dataset) -> tuple[Codings, dict[str, str]]:
    """Every hand-in of ``folder`` read safely and checked, by its coder's name (the name
    typed on the coding page, else the file name), with each coder's file name; every
    problem of every file at once, a sentence missing or extra included."""
    files = hand_ins(folder)
    if len(files) < MIN_CODINGS:
        raise ParameterError(
            f"{printable(shorten_path(str(folder)))} holds {plural(len(files), 'coding')} "
            f"(*.csv); class agreement needs at least {MIN_CODINGS}"
        )
    codings: Codings = {}
    file_of: dict[str, str] = {}
    problems: list[Problem] = []
    for name, data in files.items():
        try:
            coding = read_coding(Path(name), dataset, data)
        except DataError as error:
            problems += error.problems
            continue
        coder = printable(coder_name(coding) or Path(name).stem)
        coder = coder if coder not in codings else f"{coder} ({name})"
        codings[coder], file_of[coder] = coding, name
    first = next(iter(codings), None)
    for coder in list(codings)[1:]:
        names = (file_of[coder], file_of[first])
        problems += same_sentences(codings[coder], codings[first], names)
    if problems:
        raise DataError(problems)
    return codings, file_of


def measure_class(
    folder: Path, reference: Path | None = None, dataset: Dataset | None = None
) -> ClassAgreement:
    """Read every coding in ``folder`` (and the reference, if given) and measure the class.

    Every coding must cover the same sentences as the first; every file's problems are
    reported at once (:class:`DataError`).
    """
    dataset = dataset or load_dataset()
    codings, file_of = read_codings(folder, dataset)
    names = list(codings)
    problems: list[Problem] = []
    against: dict[str, Agreement] = {}
    if reference is not None:
        theirs = read_coding(reference, dataset)
        covered = {u[:2] for u in codings[names[0]]}
        theirs = {k: v for k, v in theirs.items() if k[:2] in covered}
        for name in names:
            found = same_sentences(codings[name], theirs, (file_of[name], reference.name))
            problems += found
            if not found:
                against[name] = measure(codings[name], theirs, (name, reference.stem), dataset)
    if problems:
        raise DataError(problems)
    units = sorted(codings[names[0]])
    pairs = [
        measure(codings[a], codings[b], (a, b), dataset)
        for a, b in itertools.combinations(sorted(codings), 2)
    ]
    scales = ordinal_scales(dataset)
    return ClassAgreement(
        sorted(codings),
        units,
        [_class_field(field, units, codings, scales.get(field)) for field in COMPARED],
        pairs,
        against,
        _disputed(units, codings, dataset),
        {n: sum(is_uncoded(r) for r in c.values()) for n, c in codings.items()},
    )


def answers(field: str, unit: Key, codings: Codings) -> dict[str, str]:
    """Each coder's answer on one sentence, by coder, leaving out blanks (missing data)
    and, for a claim field, coders who did not choose the sentence's most common subject."""
    given = {n: c[unit] for n, c in codings.items() if c[unit][field] is not None}
    if field in GATED:
        subjects = Counter(str(c[unit][SUBJECT]) for c in codings.values() if c[unit][SUBJECT])
        modal = subjects.most_common(1)[0][0] if subjects else None
        given = {n: r for n, r in given.items() if str(r[SUBJECT]) == modal}
    return {n: str(r[field]) for n, r in given.items()}


def _class_field(
    field: str, units: list[Key], codings: Codings, scale: dict[str, int] | None
) -> ClassField:
    columns = [answers(field, u, codings) for u in units]
    coders = sorted(codings)
    domain = sorted({v for column in columns for v in column.values()})
    nan = float("nan")
    nominal = [[float(domain.index(c[n])) if n in c else nan for c in columns] for n in coders]
    ordinal = None
    if scale is not None:
        scored = [[float(scale[c[n]]) if n in c else nan for c in columns] for n in coders]
        ordinal = krippendorff_alpha(scored, "ordinal")
    counts = [_pairs(Counter(column.values())) for column in columns]
    agreeing, total = sum(a for a, _ in counts), sum(t for _, t in counts)
    compared = sum(len(column) >= 2 for column in columns)
    alpha = krippendorff_alpha(nominal)
    return ClassField(field, agreeing, total, alpha, compared, ordinal, scale is not None)


def _pairs(given: Counter) -> tuple[int, int]:
    """Of every two answers given on a sentence: how many pairs agree, and how many pairs."""
    n = sum(given.values())
    return sum(c * (c - 1) // 2 for c in given.values()), n * (n - 1) // 2


def _disputed(units: list[Key], codings: Codings, dataset: Dataset) -> list[Disputed]:
    """Every sentence on which two coders gave different answers on some field, least
    agreement first."""
    out = []
    for unit in units:
        by_field = {field: answers(field, unit, codings) for field in COMPARED}
        counts = [_pairs(Counter(chosen.values())) for chosen in by_field.values()]
        agreeing, total = sum(a for a, _ in counts), sum(t for _, t in counts)
        disputed = {f: chosen for f, chosen in by_field.items() if len(set(chosen.values())) > 1}
        if disputed:
            text = dataset.sentence_text(*unit)
            out.append(Disputed(unit, agreeing / total, disputed, text))
    return sorted(out, key=lambda d: (d.agreeing, d.key))
