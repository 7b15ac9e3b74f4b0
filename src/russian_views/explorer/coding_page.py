"""The coding exercise as a page: a passage, one row of choices per sentence, Hand in.

Students with only a browser code a passage here instead of in a spreadsheet. The page is
served by ``russian-views explore --exercise PARAGRAPH --inbox DIR`` (Voilà, from
``coding.ipynb``). Each sentence gets one row of drop-downs for the six fields the exercise
compares (:data:`~russian_views.classroom.agreement.COMPARED`), their choices and the
definitions under them taken from the codebook and the actors table, so the page offers
exactly what a worksheet accepts. **Hand in** writes the coding as a worksheet named for
the student into the instructor's inbox, after the same checks ``agreement`` makes (a
coding it would refuse is never written), and never over a coding handed in under the same
name; the instructor then measures the class with ``russian-views class-agreement``.
"""

from __future__ import annotations

import html
import os
import tempfile
from functools import cache
from pathlib import Path

import ipywidgets as w

from russian_views.atomic import write_atomic
from russian_views.classroom.agreement import COMPARED, is_uncoded, read_coding, resolve_source
from russian_views.classroom.coding import CONTEXT, LOCATION, csv_bytes, plural, slugify
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.schema import load_schema
from russian_views.errors import DataError, RussianViewsError
from russian_views.explorer import EXERCISE_ENV, INBOX_ENV, SOURCE_ENV

TITLE = "Code a passage"
INSTRUCTIONS = (
    "Read each sentence and choose, in its row, whose view it states, whom it is about, "
    "the other actor involved, the theme, the stance and the kind of statement. Leave a "
    "sentence blank if it states no view (it counts as not coded). The definitions are under "
    "<b>What the choices mean</b>. Type your name and press <b>Hand in</b>: your instructor "
    "receives your coding."
)
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
def code_list(field: str) -> str | None:
    """The codebook list a claim field draws its codes from (None: it names an actor), as
    the schema defines it."""
    return next(f for f in load_schema().tables["claims"].fields if f.name == field).codes


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


class CodingPage:
    """The page's widgets and what Hand in does; ``CodingPage(...).widget`` is the page."""

    def __init__(self, source_id: str, paragraph: int, inbox: Path, dataset: Dataset) -> None:
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
        for row in self.rows:
            for field, dropdown in row.items():
                dropdown.description = LABELS[field]
                dropdown.style = {"description_width": "6.5em"}
                dropdown.layout = w.Layout(width="19em")
                dropdown.add_class(f"rv-{field}")
        self.name = w.Text(description="Your name", placeholder="e.g. Anna Petrova")
        self.hand_in_button = w.Button(description="Hand in", button_style="primary")
        self.hand_in_button.on_click(lambda _button: self.hand_in())
        self.message = w.HTML()
        self.message.add_class("rv-status")
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
                Path(os.environ[INBOX_ENV]),
                dataset,
            )
            return page.widget
        except (RussianViewsError, KeyError, ValueError) as exc:
            message = html.escape(str(exc))
            return w.HTML(f"<h1>{TITLE}</h1><p class='rv-problem'>{message}</p>")

    def _layout(self) -> w.Widget:
        where = f"{self.source_id}, paragraph {self.paragraph} ({self.text.section})"
        parts: list[w.Widget] = [
            w.HTML(f"<h1>{TITLE}</h1><p>{INSTRUCTIONS}</p><p><b>{html.escape(where)}</b></p>")
        ]
        for sentence, row in zip(self.text.sentences, self.rows, strict=True):
            text = w.HTML(f"<p><b>s{sentence.number}</b> {html.escape(sentence.text)}</p>")
            parts.append(
                w.VBox(
                    [text, w.HBox(list(row.values()), layout=w.Layout(flex_flow="row wrap"))],
                    layout=w.Layout(margin="0 0 1em 0"),
                )
            )
        parts += [
            w.HTML("<h2>What the choices mean</h2>"),
            _definitions(self.dataset),
            w.HBox([self.name, self.hand_in_button]),
            self.message,
        ]
        return w.VBox(parts)

    def worksheet(self) -> bytes:
        """The coding as a worksheet: one row per sentence, the page's choices in it."""
        header = [*LOCATION, *CONTEXT, *COMPARED]
        rows = [
            [self.source_id, self.paragraph, s.number, self.text.section, s.text]
            + [row[field].value for field in COMPARED]
            for s, row in zip(self.text.sentences, self.rows, strict=True)
        ]
        return csv_bytes(header, rows)

    def hand_in(self) -> Path | None:
        """Check the coding as ``agreement`` would and write it to the inbox under the
        student's name; say what happened on the page."""
        name = slugify(self.name.value.strip())
        if not name:
            return self._say("Type your name (letters) first, then press Hand in.")
        target = self.inbox / f"{name}.csv"
        if target.exists():
            return self._say(
                f"A coding named {target.name} was handed in already. If it is not yours, add "
                "your second name; if it is, ask your instructor to remove it first."
            )
        data = self.worksheet()
        with tempfile.TemporaryDirectory(prefix="russian-views-") as tmp:
            draft = Path(tmp) / target.name
            draft.write_bytes(data)
            try:
                coding = read_coding(draft, self.dataset)
            except DataError as exc:
                return self._say(f"Not handed in: {exc}")
        self.inbox.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        coded = sum(not is_uncoded(r) for r in coding.values())
        self._say(
            f"Handed in as {target.name}: {plural(len(coding), 'sentence')}, "
            f"{coded} coded. Thank you."
        )
        return target

    def _say(self, text: str) -> None:
        self.message.value = f"<p>{html.escape(text)}</p>"
