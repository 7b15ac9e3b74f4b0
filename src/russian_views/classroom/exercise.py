"""The coding exercise: a passage, its blank worksheet and the comparison; and how a
filled worksheet becomes the reference a class is compared with.

The exercise notebook's helpers live here (:class:`Exercise`), each returning HTML built
with :mod:`russian_views.briefings.markup`, which escapes every value. The source and
paragraph checks are shared with the coding page and ``explore --exercise``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from russian_views import config
from russian_views.atomic import write_atomic
from russian_views.briefings.markup import Html, join, note, tag
from russian_views.briefings.markup import table as html_table
from russian_views.classroom.agreement import REFERENCE_PATH, compare
from russian_views.classroom.coding import (
    COLUMNS,
    IMPORT_COLUMNS,
    LOCATION,
    RowChecker,
    WorksheetRow,
    codes_rows,
    csv_bytes,
    read_worksheet,
    write_worksheet,
)
from russian_views.classroom.codings import (
    COMPARED,
    codings_of,
    is_uncoded,
    read_coding,
    shown_value,
)
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.schema import load_schema
from russian_views.errors import ParameterError
from russian_views.params import from_namespace, resolve_choice
from russian_views.spec import EXERCISE, echo, parameter

# The user's own folder, never /tmp, where another user could create the name first.
EXERCISE_DIR = config.EXERCISE_DIR
EDITIONS = parameter(EXERCISE, "edition").choices


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
    coding = codings_of(list(first.values()), checker)
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
