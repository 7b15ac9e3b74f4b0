"""The briefing explorer: a control for every briefing parameter, the briefing below it.

Served by Voilà from ``explorer.ipynb`` (``russian-views explore``), so a reader who does
not program can change the actor, period, themes, voices, length and edition and see the
briefing redrawn in about half a second on the warm kernel (:mod:`.view`). "Save HTML" and
"Save PDF" run the same render as ``russian-views render`` with the same parameters, so
the saved file has the same name and bytes as one rendered from the command line.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w

from russian_views import config, params, spec
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.errors import ParameterError, RussianViewsError
from russian_views.explorer import OUT_ENV
from russian_views.explorer.view import BriefingView, framed
from russian_views.params import Period, actor_years, briefing_actors
from russian_views.rendering import batch, render

TITLE = "Russian views: briefing explorer"
INSTRUCTIONS = (
    "Choose an actor, the years and what to include on the left: the briefing on the right "
    "redraws as you change them. Hover over a control's name for a hint; click a reference "
    "such as [¶7 s5] to read its sentence. <b>Save HTML</b> or <b>Save PDF</b> gives you the "
    "briefing you see as a file your browser downloads, named as <code>russian-views "
    "render</code> names it; your browser's Print prints the briefing alone."
)
NO_THEME = "Tick at least one theme"
# How the explorer names each parameter, and the values of fixed-choice parameters
# (the codebook's labels are used where it has them).
_LABELS = {
    "actor": "Actor",
    "since": "From",
    "until": "To",
    "themes": "Themes",
    "views": "Voices",
    "detail": "Length",
    "edition": "Edition",
}
_CODEBOOK_LISTS = {"views": "view"}
# A choice among this many or fewer is a row of buttons; more is a drop-down list.
TOGGLES_AT_MOST = 3
_WORDS = {
    "both": "Both voices",
    "full": "Full briefing",
    "summary": "Two-page summary",
    "reader": "Reader",
    "student": "Student (with questions)",
    "instructor": "Instructor (with answers)",
}


@dataclass(frozen=True)
class Control:
    """One briefing parameter as the explorer offers it: a label, a hint, the choices."""

    label: str
    hint: str
    choices: tuple[tuple[str, object], ...]
    multiple: bool = False


def parameter_controls(dataset: Dataset) -> tuple[dict[str, Control], dict[str, object]]:
    """Every parameter of the actor briefing, with its choices, and the starting values.

    The only place the explorer learns what the parameters are: names, hints, defaults and
    fixed choices from the parameter spec (:mod:`russian_views.spec`), the actors, codes
    and years from the data, the defaults made canonical by the validation a render uses.
    """
    given = spec.parameters_of(spec.ACTOR)
    start = render.actor_job(dataset, **{p.name: p.default for p in given}).parameters
    years = year_choices(actor_years(dataset, str(start["actor"])))
    actors = briefing_actors(dataset)
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    controls = {}
    for p in given:
        if p.kind == "year":
            options = years
        elif p.codes_from == "actors":
            options = tuple((names[a].removeprefix("the "), a) for a in params.choices(p, dataset))
        elif p.codes_from:
            codes = params.choices(p, dataset)
            options = tuple((dataset.label(p.codes_from, c), c) for c in codes)
        else:
            words = ((p.all_word,) if p.all_word else ()) + p.choices
            options = tuple((_word(dataset, p.name, word), word) for word in words)
        multiple = p.kind == "codes" and p.codes_from is not None
        controls[p.name] = Control(_LABELS[p.name], p.hint or "", options, multiple)
    return controls, start


def year_choices(span: Period) -> tuple[tuple[str, int], ...]:
    """The years From and To offer: the actor's own span (its first coded year to the
    latest source), so one early claim about another actor never stretches the list."""
    return tuple((str(y), y) for y in range(span.since, span.until + 1))


def _word(dataset: Dataset, name: str, word: str) -> str:
    """A fixed choice as a reader reads it: the codebook's label where it has one."""
    if name in _CODEBOOK_LISTS and word in dataset.codes(_CODEBOOK_LISTS[name]):
        return dataset.label(_CODEBOOK_LISTS[name], word)
    return _WORDS[word]


class Explorer:
    """The explorer's widgets and what they do; ``Explorer().widget`` is the whole page."""

    def __init__(self, out_dir: Path | None = None) -> None:
        self.dataset = load_dataset()
        self.out_dir = out_dir or Path(os.environ.get(OUT_ENV, config.REPORTS_DIR))
        self.view = BriefingView()
        self.view.warm()
        self.controls, start = parameter_controls(self.dataset)
        self.inputs = {name: _input(name, c, start[name]) for name, c in self.controls.items()}
        # Beside each control, what is wrong with its value (hidden while nothing is).
        self.notes = {name: _html("rv-note", f"rv-note-{name}") for name in self.controls}
        for note in self.notes.values():
            note.layout.display = "none"
        self.status = _html("rv-status")
        self.frame = _html("rv-frame")
        self.saves = [self._save_button(fmt) for fmt in spec.parameter(None, "format").choices]
        self.seconds = 0.0
        self.saved = 0  # files saved on this page, each its own download
        self._quiet = False  # while the explorer itself sets several controls
        for name, field in self.inputs.items():
            for widget in _value_widgets(field):
                widget.observe(lambda _change, name=name: self._changed(name), names="value")
        self.widget = self._layout()
        self.redraw()

    def _changed(self, name: str) -> None:
        """A reader changed control ``name``: redraw once (the years first follow a new
        actor, without a redraw of their own)."""
        if self._quiet:
            return
        if name == "actor":
            self._follow_actor()
        self.redraw(name)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Set several controls with one redraw after, not one each."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _follow_actor(self) -> None:
        """From and To offer the new actor's years: a period that was the old actor's whole
        span becomes the new one's, any other is kept inside the new span."""
        since, until = self.inputs["since"], self.inputs["until"]
        old = (since.options[0][1], since.options[-1][1])
        span = actor_years(self.dataset, self.inputs["actor"].value)
        if (since.value, until.value) == old:
            values = (span.since, span.until)
        else:
            first = min(max(since.value, span.since), span.until)
            values = (first, max(min(until.value, span.until), first))
        choices = year_choices(span)
        with self._quietly():
            for field, value in zip((since, until), values, strict=True):
                field.options = choices
                field.value = value

    def tick_themes(self, everything: bool) -> None:
        """Tick every theme (one redraw) or none (nothing to draw until one is ticked): so
        choosing one theme is two clicks and one redraw, not one per theme."""
        with self._quietly():
            for box in self.inputs["themes"].children:
                box.value = everything
        self.redraw("themes")

    @classmethod
    def show(cls) -> w.Widget:
        """The explorer, for the notebook's one cell to display; if the data cannot be
        loaded, the one-line reason (as the CLI would print it) instead of a traceback."""
        try:
            return cls().widget
        except RussianViewsError as exc:
            message = html.escape(str(exc)).replace("\n", "<br>")
            return _html("rv-header", value=f"<h1>{TITLE}</h1><p class='rv-problem'>{message}</p>")

    def values(self) -> dict[str, object]:
        """The parameters as the controls stand, in the form ``render.actor_job`` takes."""
        values = {}
        for name, field in self.inputs.items():
            if self.controls[name].multiple:
                ticked = [box.description_value for box in field.children if box.value]
                everything = len(ticked) == len(field.children)
                values[name] = "all" if everything else ",".join(ticked)
            else:
                values[name] = field.value
        return values

    def job(self, changed: str | None = None) -> render.Job | None:
        """The briefing the controls ask for, or None if they can't ask for one.

        The reason is shown beside the control at fault, in the controls' names (From, not
        ``since``): the one just ``changed`` if it is one of them (:meth:`_flag`).
        """
        values = self.values()
        if values["themes"] == "":
            self._flag(NO_THEME, "themes")
            return None
        try:
            job = render.actor_job(self.dataset, **values)
        except ParameterError as exc:
            at_fault = [name for name in exc.parameters if name in self.controls]
            where = changed if changed in at_fault else next(iter(at_fault), None)
            labels = {name: control.label for name, control in self.controls.items()}
            self._flag(exc.worded(labels), where)
            return None
        except RussianViewsError as exc:
            self._flag(str(exc))
            return None
        self._flag(None)
        return job

    def redraw(self, changed: str | None = None) -> None:
        """Draw the briefing for the controls' values in this kernel (``seconds`` it took)."""
        start = time.perf_counter()
        job = self.job(changed)
        if job is None:
            return
        self.frame.value = framed(self.view.html(job), job.title, job.stem)
        self.seconds = time.perf_counter() - start
        self._say(
            f"Showing <b>{html.escape(job.title)}</b>, {job.parameters['since']}–"
            f"{job.parameters['until']} (drawn in {self.seconds:.1f} s). Saved files are named "
            f"<code>{html.escape(job.stem)}</code>."
        )

    def save(self, fmt: str) -> Path | None:
        """Render the shown briefing to ``fmt`` as ``russian-views render`` would, into the
        save folder of whoever started the explorer, and offer it to this page's reader as a
        download; the file.

        The data are read again first, so the cache key records the data the render reads.
        """
        self.dataset = load_dataset()
        job = self.job()
        if job is None:
            return None
        target = self.out_dir / f"{job.stem}.{fmt}"
        self._say(f"Saving <b>{html.escape(target.name)}</b> … (a few seconds)")
        try:
            (result,) = batch.render_batch([job], self.dataset, self.out_dir, (fmt,))
        except (RussianViewsError, OSError) as exc:
            result = render.Result(job, 0.0, error=str(exc))
        if result.error:
            self._say(f"Could not save: {html.escape(result.error)}", problem=True)
            return None
        if fmt == "html" and (self.out_dir / "index.html").exists():
            batch.update_index(self.dataset, self.out_dir)
        self.saved += 1
        self._say(
            f"Saved <b>{html.escape(target.name)}</b>: your browser downloads it "
            f"({download_link(target, self.saved)}). A copy stays with whoever started the "
            "explorer.",
            saved=True,
        )
        return target

    def _flag(self, message: str | None, where: str | None = None) -> None:
        """Show what keeps the briefing from being drawn (None: nothing does), beside the
        control ``where`` or else in the status line. Meanwhile the briefing on the page is
        greyed out and Save is off, so nobody takes it for the briefing of the choice shown.
        """
        for name, note in self.notes.items():
            here = message is not None and name == where
            note.value = (
                f'<p class="rv-problem" role="alert">{html.escape(message)}</p>' if here else ""
            )
            note.layout.display = None if here else "none"
        stale = message is not None
        if stale:
            self.frame.add_class("rv-stale")
        else:
            self.frame.remove_class("rv-stale")
        for button in self.saves:
            button.disabled = stale
        if message is not None and where is None:
            self._say(html.escape(message), problem=True)
        elif message is not None:
            self._say(
                f"Not redrawn: see <b>{self.controls[where].label}</b> on the left. The greyed "
                "briefing below is the last one drawn; it cannot be saved."
            )

    def _tick_all(self) -> list[w.Button]:
        """The theme list's "All" and "None" buttons."""
        buttons = []
        for word, everything, hint in (
            ("All", True, "Tick every theme"),
            ("None", False, "Untick every theme, then tick the one you want"),
        ):
            button = w.Button(description=word, tooltip=hint)
            button.add_class(f"rv-themes-{word.lower()}")
            button.on_click(lambda _button, everything=everything: self.tick_themes(everything))
            buttons.append(button)
        return buttons

    def _save_button(self, fmt: str) -> w.Button:
        button = w.Button(description=f"Save {fmt.upper()}", button_style="primary")
        button.add_class(f"rv-save-{fmt}")
        button.on_click(lambda _button: self.save(fmt))
        return button

    def _say(self, message: str, *, problem: bool = False, saved: bool = False) -> None:
        kind = "problem" if problem else "saved" if saved else "info"
        self.status.value = f'<p class="rv-{kind}">{message}</p>'

    def _layout(self) -> w.Widget:
        header = _html(
            "rv-header", value=f"<h1>{TITLE}</h1><p class='rv-instructions'>{INSTRUCTIONS}</p>"
        )
        fields = []
        for name, field in self.inputs.items():
            control = self.controls[name]
            if control.multiple:  # a list of tick boxes has no name of its own: a heading
                heading = w.HBox([_html("rv-group", value=_named(control)), *self._tick_all()])
                heading.add_class("rv-group-row")
                fields.append(w.VBox([heading, field, self.notes[name]]))
            else:
                fields.append(w.VBox([field, self.notes[name]]))
        panel = w.VBox(fields)
        panel.add_class("rv-controls")
        toolbar = w.HBox([self.status, *self.saves])
        toolbar.add_class("rv-toolbar")
        page = w.VBox([toolbar, self.frame])
        page.add_class("rv-briefing")
        body = w.HBox([panel, page])
        body.add_class("rv-body")
        return w.VBox([header, body])


class _ThemeBox(w.Checkbox):
    """A theme's tick box, which knows the theme code it stands for."""

    def __init__(self, label: str, code: str, value: bool) -> None:
        super().__init__(value=value, description=label, indent=False, tooltip="")
        self.description_value = code


def _input(name: str, control: Control, value: object) -> w.Widget:
    """The widget for one control, starting at ``value`` (a canonical parameter value).

    A drop-down or a row of buttons carries its name as its own description, the label
    the browser ties to it (a screen reader reads "From, 2008"), with the hint on hover.
    """
    if control.multiple:
        chosen = {c for _, c in control.choices} if value == "all" else set(str(value).split(","))
        boxes = [_ThemeBox(label, code, code in chosen) for label, code in control.choices]
        widget = w.VBox(boxes)
    else:
        kind = w.ToggleButtons if len(control.choices) <= TOGGLES_AT_MOST else w.Dropdown
        widget = kind(
            options=control.choices,
            value=value,
            description=_named(control),
            description_allow_html=True,
            tooltip="",
            style={"description_width": "initial"},
        )
    widget.add_class(f"rv-{name}")
    return widget


def _named(control: Control) -> str:
    """A control's name with its hint on hover (a drop-down shows no hint of its own)."""
    return f'<span title="{html.escape(control.hint)}">{html.escape(control.label)}</span>'


def _html(*css_classes: str, value: str = "") -> w.HTML:
    """An HTML widget with classes for the page's style sheet. Its hint is empty, not None,
    which ipywidgets would write on the page as a hover hint saying "null"."""
    widget = w.HTML(value, tooltip="")
    for css_class in css_classes:
        widget.add_class(css_class)
    return widget


def download_link(path: Path, number: int) -> str:
    """A link that hands the saved file to the reader's browser (the file itself, inline:
    the reader may be on another machine); the page clicks a new one by itself (the
    template's script), so Save is a download."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<a class="rv-download" data-save="{number}" download="{html.escape(path.name)}" '
        f'href="data:{kind};base64,{data}">download it again</a>'
    )


def _value_widgets(field: w.Widget) -> list[w.Widget]:
    """The widgets whose value changes redraw the briefing (a theme list has one per box)."""
    return list(field.children) if isinstance(field, w.Box) else [field]
