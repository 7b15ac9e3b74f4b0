"""The coding exercise as a page: a passage, one row of choices per sentence, Hand in.

Students with only a browser code a passage here instead of in a spreadsheet. The page is
served by ``russian-views explore --exercise PARAGRAPH --inbox DIR`` (Voilà, from
``coding.ipynb``). Each sentence gets one row of drop-downs for the six fields the exercise
compares (:data:`~russian_views.classroom.codings.COMPARED`), their choices and the
definitions under them taken from the codebook and the actors table, so the page offers
exactly what a worksheet accepts.

**Hand in** first checks every row: a row that codes a claim must give every field the
codebook requires of a claim, and what a row lacks is said beside it. The coding is then
checked as ``agreement`` checks it and written into the instructor's inbox
(:mod:`russian_views.classroom.inbox`) under a slug of the student's name, in any script,
with the name as typed kept inside the file; never over another hand-in. A student who
hands in again (to correct a choice) is asked to confirm before their hand-in is
replaced; the instructor then measures the class with ``russian-views class-agreement``.
"""

from __future__ import annotations

import html
import os
import time
from functools import cache
from pathlib import Path

import ipywidgets as w

from russian_views.classroom.coding import CONTEXT, LOCATION, csv_bytes, plural
from russian_views.classroom.codings import CODER, COMPARED, code_list, is_uncoded, read_coding
from russian_views.classroom.exercise import resolve_source
from russian_views.classroom.inbox import Inbox, InboxError, name_problem, student_slug
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.schema import load_schema
from russian_views.errors import DataError, RussianViewsError
from russian_views.explorer import EXERCISE_ENV, INBOX_ENV, SOURCE_ENV

TITLE = "Code a passage"
# The reference field each drop-down fills, as the page names it.
LABELS = {
    "view": "Whose view",
    "subject_id": "About",
    "counterpart_id": "Other actor",
    "theme": "Theme",
    "stance": "Stance",
    "claim_kind": "Kind",
}
BLANK = ("—", "")


@cache
def required_fields() -> tuple[str, ...]:
    """The page's fields the codebook requires on every coded claim (the schema's rule)."""
    required = {f.name for f in load_schema().tables["claims"].fields if f.required}
    return tuple(f for f in COMPARED if f in required)


def instructions() -> str:
    """What the student does, naming the choices a coded row needs."""
    needed = ", ".join(LABELS[f] for f in required_fields())
    return (
        "Read each sentence and choose, in its row, whose view it states, whom it is about, "
        "the other actor involved, the theme, the stance and the kind of statement. A row "
        f"you code needs <b>{html.escape(needed)}</b>; leave the whole row at — if the "
        "sentence states no view (it counts as not coded). The definitions are under "
        "<b>What the choices mean</b>. Type your name and press <b>Hand in</b>: your "
        "instructor receives your coding. To correct it, change your choices and press "
        "<b>Hand in</b> again."
    )


def _actors(dataset: Dataset) -> list[tuple[str, str, str]]:
    """Every actor as (name, id, kind), by name."""
    actors = dataset.actors.sort_values("name")
    kinds = [dataset.label("actor_kind", k) for k in actors["actor_kind"]]
    return list(zip(actors["name"], actors["actor_id"], kinds, strict=True))


def _choices(dataset: Dataset, field: str) -> list[tuple[str, str]]:
    """The drop-down's options: blank first, then the codebook's labels (or the actors)."""
    codes = code_list(field)
    if codes:
        return [BLANK, *((dataset.label(codes, c), c) for c in dataset.codes(codes))]
    return [BLANK, *((name, actor_id) for name, actor_id, _ in _actors(dataset))]


def _definitions(dataset: Dataset) -> w.Widget:
    """What every choice means, a pane per field, from the codebook (actors: their kind)."""
    panes = []
    for field in LABELS:
        codes = code_list(field)
        if codes:
            rows = [
                (dataset.label(codes, c), dataset.definition(codes, c))
                for c in dataset.codes(codes)
            ]
        else:
            rows = [(name, kind) for name, _, kind in _actors(dataset)]
        cells = "".join(
            f"<tr><th scope='row'>{html.escape(a)}</th><td>{html.escape(b)}</td></tr>"
            for a, b in rows
        )
        panes.append(w.HTML(f"<table class='rv-codes'>{cells}</table>"))
    return w.Accordion(children=panes, titles=tuple(LABELS.values()))


def _clock(version: tuple[int, int]) -> str:
    """When a hand-in was written, as the room's clock shows it (``14:05``)."""
    return time.strftime("%H:%M", time.localtime(version[1] / 1e9))


class CodingPage:
    """The page's widgets and what Hand in does; ``CodingPage(...).widget`` is the page."""

    def __init__(self, source_id: str, paragraph: int, inbox: Inbox, dataset: Dataset) -> None:
        self.dataset, self.source_id, self.paragraph, self.inbox = (
            dataset,
            source_id,
            paragraph,
            inbox,
        )
        self.text = dataset.texts[source_id].paragraphs[paragraph - 1]
        self.rows = [
            {field: w.Dropdown(options=_choices(dataset, field), value="") for field in LABELS}
            for _ in self.text.sentences
        ]
        self.row_notes = [w.HTML() for _ in self.rows]
        for number, row in enumerate(self.rows):
            self.row_notes[number].add_class("rv-row-note")
            for field, dropdown in row.items():
                dropdown.description = LABELS[field]
                dropdown.style = {"description_width": "6.5em"}
                dropdown.layout = w.Layout(width="19em")
                dropdown.add_class(f"rv-{field}")
                dropdown.observe(lambda _change, n=number: self._recheck(n), "value")
        self.name = w.Text(description="Your name", placeholder="e.g. Anna Petrova")
        self.name.add_class("rv-name")  # the page template caps what the browser sends
        self.name.observe(lambda _change: self._cancel(), "value")
        self.hand_in_button = w.Button(description="Hand in", button_style="primary")
        self.hand_in_button.on_click(lambda _button: self.hand_in())
        fit = w.Layout(width="auto", padding="0 1em")  # the whole label shown
        self.replace_button = w.Button(description="Replace it", button_style="warning", layout=fit)
        self.replace_button.on_click(lambda _button: self.replace())
        self.cancel_button = w.Button(description="Keep the one handed in", layout=fit)
        self.cancel_button.on_click(lambda _button: self._cancel("Nothing was changed."))
        self.confirm = w.HBox([self.replace_button, self.cancel_button])
        self.confirm.layout.display = "none"
        self.message = w.HTML()
        self.message.add_class("rv-status")
        self.pending: tuple[str, tuple[int, int]] | None = None  # a replace awaiting "yes"
        self.mine: str | None = None  # the file this page handed in
        self.widget = self._layout()

    @classmethod
    def show(cls) -> w.Widget:
        """The page for the passage the command named (through the environment), or the
        one-line reason it cannot be shown."""
        try:
            dataset = load_dataset()
            page = cls(
                resolve_source(os.environ.get(SOURCE_ENV), dataset),
                int(os.environ[EXERCISE_ENV]),
                Inbox.open(Path(os.environ[INBOX_ENV])),
                dataset,
            )
            return page.widget
        except (RussianViewsError, KeyError, ValueError) as exc:
            message = html.escape(str(exc))
            return w.HTML(f"<h1>{TITLE}</h1><p class='rv-problem'>{message}</p>")

    def _layout(self) -> w.Widget:
        where = f"{self.source_id}, paragraph {self.paragraph} ({self.text.section})"
        parts: list[w.Widget] = [
            w.HTML(f"<h1>{TITLE}</h1><p>{instructions()}</p><p><b>{html.escape(where)}</b></p>")
        ]
        for sentence, row, row_note in zip(
            self.text.sentences, self.rows, self.row_notes, strict=True
        ):
            text = w.HTML(f"<p><b>s{sentence.number}</b> {html.escape(sentence.text)}</p>")
            choices = w.HBox(list(row.values()), layout=w.Layout(flex_flow="row wrap"))
            parts.append(w.VBox([text, choices, row_note], layout=w.Layout(margin="0 0 1em 0")))
        parts += [
            w.HTML("<h2>What the choices mean</h2>"),
            _definitions(self.dataset),
            w.HBox([self.name, self.hand_in_button]),
            self.message,
            self.confirm,
        ]
        return w.VBox(parts)

    # ------------------------------------------------------------ checking rows

    def missing(self, number: int) -> list[str]:
        """The required choices row ``number`` lacks, by the page's names (none for a row
        left wholly blank: a sentence not coded)."""
        row = self.rows[number]
        if not any(d.value for d in row.values()):
            return []
        return [LABELS[f] for f in required_fields() if not row[f].value]

    def _mark(self, number: int) -> bool:
        """Say beside row ``number`` what it lacks (or nothing); True when it lacks some."""
        lacking = self.missing(number)
        note = self.row_notes[number]
        if lacking:
            note.value = (
                f"<p class='rv-problem'>s{self.text.sentences[number].number} needs "
                f"{html.escape(', '.join(lacking))} (or leave the whole row at —).</p>"
            )
        else:
            note.value = ""
        return bool(lacking)

    def _recheck(self, number: int) -> None:
        """A changed row: its mark updated once shown (a row is not judged half-chosen),
        and a pending replacement dropped (the choices it was confirmed for changed)."""
        if self.row_notes[number].value:
            self._mark(number)
        self._cancel()

    def worksheet(self, name: str) -> bytes:
        """The coding as a worksheet: one row per sentence, the page's choices in it, and
        the student's name as typed."""
        header = [*LOCATION, *CONTEXT, *COMPARED, CODER]
        rows = [
            [self.source_id, self.paragraph, s.number, self.text.section, s.text]
            + [row[field].value for field in COMPARED]
            + [name]
            for s, row in zip(self.text.sentences, self.rows, strict=True)
        ]
        return csv_bytes(header, rows)

    def _checked(self) -> tuple[str, bytes, int] | None:
        """The hand-in's file name, bytes and coded sentences, or None (and why, said)."""
        name = self.name.value.strip()
        problem = name_problem(name)
        if problem:
            self._say(problem)
            return None
        lacking = [n for n in range(len(self.rows)) if self._mark(n)]
        if lacking:
            rows = plural(len(lacking), "row") + (" lacks" if len(lacking) == 1 else " lack")
            self._say(f"Not handed in: {rows} a required choice, marked in red above.")
            return None
        file = f"{student_slug(name)}.csv"
        data = self.worksheet(name)
        try:
            coding = read_coding(Path(file), self.dataset, data)
        except DataError as exc:
            self._say(f"Not handed in: {exc}")
            return None
        return file, data, sum(not is_uncoded(r) for r in coding.values())

    # ------------------------------------------------------------ handing in

    def hand_in(self) -> Path | None:
        """Check the coding and write it to the inbox as a new hand-in; when one of that
        name exists, ask before replacing it. Say what happened on the page."""
        self._cancel()
        checked = self._checked()
        if checked is None:
            return None
        file, data, coded = checked
        try:
            target = self.inbox.hand_in(file, data)
        except FileExistsError:
            return self._ask(file)
        except (InboxError, OSError) as exc:
            return self._say(self._failure(exc))
        self.mine = file
        self._say(
            f"Handed in as {file}: {plural(len(self.rows), 'sentence')}, {coded} coded. "
            "Thank you. To correct it, change your choices and press Hand in again."
        )
        return target

    def _ask(self, file: str) -> None:
        """A hand-in of that name exists: show the confirmation for replacing it."""
        try:
            version = self.inbox.version(file)
        except InboxError as exc:
            return self._say(str(exc))
        if version is None:  # removed meanwhile (by the instructor): hand in as new
            return self._say("Press Hand in again.")
        self.pending = (file, version)
        if self.mine == file:
            question = (
                f"You handed in {file} at {_clock(version)}. Replace it with the choices "
                "on this page now?"
            )
        else:
            question = (
                f"A coding named {file} was handed in at {_clock(version)}. If it is yours "
                "(from before this page was reloaded), replace it; if it is not, keep it "
                "and add your second name to yours."
            )
        self._say(question)
        self.confirm.layout.display = "flex"
        return None

    def replace(self) -> Path | None:
        """Replace the hand-in the student confirmed, if it is still the one shown."""
        if self.pending is None:
            return None
        file, version = self.pending
        self._cancel()
        checked = self._checked()
        if checked is None:
            return None
        _, data, coded = checked
        try:
            target = self.inbox.replace(file, data, version)
        except FileExistsError:
            return self._say(
                f"{file} changed since you were asked (someone handed in under that name), "
                "so it was kept. Press Hand in again."
            )
        except (InboxError, OSError) as exc:
            return self._say(self._failure(exc))
        self.mine = file
        self._say(
            f"Replaced {file}: {plural(len(self.rows), 'sentence')}, {coded} coded. Thank you."
        )
        return target

    def _cancel(self, said: str | None = None) -> None:
        """Drop a replacement awaiting confirmation (and say ``said``)."""
        if self.pending is not None:
            self.pending = None
            self.confirm.layout.display = "none"
            self._say(said or "")

    @staticmethod
    def _failure(exc: Exception) -> str:
        if isinstance(exc, InboxError):
            return str(exc)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return f"Not handed in: the inbox could not be written ({reason}); tell your instructor."

    def _say(self, text: str) -> None:
        self.message.value = f"<p>{html.escape(text)}</p>" if text else ""
