"""What every briefing shares: its data and period, its own record (the sources the records
it prints come from, and the span they cover), figure numbering, citations and notes, the
written key judgments and summary, and the forecasts filed in it.

A briefing shows its own record: the record line, the voices, the source list, the way a
citation names its source and the notes all derive from the sources its printed records
cite, so a source that says nothing about an actor changes nothing in that actor's
briefing. The sections themselves live in modules named for the part of the product they
make: :mod:`.record`, :mod:`.body`, :mod:`.forecasts`, :mod:`.notes` and :mod:`.annex`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from russian_views.briefings import (
    annex,
    body,
    captions,
    charts,
    forecasts,
    notes,
    queries,
    record,
    scorecard,
    voices,
)
from russian_views.briefings import markup as m
from russian_views.briefings.figure import Figure
from russian_views.dataset import written
from russian_views.dataset.forecast_rules import UNCHECKED, basis_ids
from russian_views.dataset.load import Dataset
from russian_views.params import Period, data_years


@dataclass
class Briefing:
    """What every briefing shares (see the module's docstring)."""

    dataset: Dataset
    period: Period
    _figures: int = field(default=0, init=False)

    scope = ""  # the ``briefing`` value of the rows filed in this briefing

    def label(self, code_list: str, code: str) -> str:
        """Reader-facing label of a code."""
        return self.dataset.label(code_list, code)

    def labels(self, code_list: str) -> dict[str, str]:
        """Every label of a code list, in codebook order."""
        return {c: self.dataset.label(code_list, c) for c in self.dataset.codes(code_list)}

    def name(self, actor_id: str) -> str:
        """Display name of an actor."""
        return queries.actor_name(self.dataset, actor_id)

    # ---------------------------------------------------------------- its own record

    def printed(self) -> list[pd.DataFrame]:
        """The records whose sources make this briefing's record (every source's, unless a
        briefing says which it prints)."""
        return [self.dataset.sources]

    @cached_property
    def sources(self) -> pd.DataFrame:
        """The sources this briefing's printed records come from, in table order (every
        source when it prints none, so the record line always names one)."""
        cited = set().union(*(set(f["source_id"]) for f in self.printed() if len(f)))
        own = self.dataset.sources[self.dataset.sources["source_id"].isin(cited)]
        return own if len(own) else self.dataset.sources

    def source_row(self, source_id: str) -> dict:
        """One source's row."""
        sources = self.dataset.sources
        return sources[sources["source_id"] == source_id].iloc[0].to_dict()

    def source_title(self, source_id: str) -> str:
        """How running text names a source ("the Asan Forum review (2021)")."""
        return record.short_title(self.source_row(source_id))

    @property
    def multi_source(self) -> bool:
        """Whether this briefing prints more than one source (then every reference names its
        own)."""
        return len(self.sources) > 1

    def cite(self, row: pd.Series | dict) -> m.Html:
        """The citation of one record."""
        return m.cite_row(row, self.multi_source)

    def cite_rows(self, rows: pd.DataFrame) -> m.Html:
        """The citations of several records, each sentence once."""
        return m.cite_rows(rows, self.multi_source)

    def with_references(self, rows: pd.DataFrame) -> pd.DataFrame:
        """``rows`` with a ``reference`` column as citations show it (for chart tooltips)."""
        return rows.assign(reference=m.ref_labels(rows, self.multi_source))

    @cached_property
    def record(self) -> Period:
        """The span of this briefing's record (the whole coded record's, unless a briefing
        covers less)."""
        return data_years(self.dataset)

    @property
    def the_sources(self) -> str:
        """ "the source" or "the sources", as many as this briefing prints."""
        return record.the_sources(self.dataset, self.sources)

    @property
    def as_of(self) -> str:
        """The date of the latest source printed: nothing after it is in the coded record."""
        return str(self.sources["published"].max())

    def figure(self, chart, caption: str, alt_text: str) -> Figure:
        """Number the next figure of this briefing."""
        self._figures += 1
        return Figure(chart, self._figures, caption, alt_text)

    def events_figure(self, events: pd.DataFrame, subject: str, empty: str) -> Figure | m.Html:
        """The timeline of ``events`` (``subject`` says whose, as in "involving China")."""
        if events.empty:
            return m.empty(empty)
        names = dict(zip(self.dataset.actors["actor_id"], self.dataset.actors["name"], strict=True))
        chart = charts.event_timeline(
            self.with_references(events), self.period.since, self.period.until, names
        )
        caption, alt_text = captions.timeline_words(events, subject, str(self.period), self.sources)
        return self.figure(chart, caption, alt_text)

    def claim_list(self, claims: pd.DataFrame, empty: str, **kwargs) -> m.Html:
        """A list of claims in chronological order, or a note saying there are none."""
        return annex.claim_list(self, claims, empty, **kwargs)

    def wants_list(self, claims: pd.DataFrame, empty: str) -> m.Html:
        """Prescriptions, each in full, under a head per source naming whose they are ("What
        the book's authors want (as the review reports)")."""
        if claims.empty:
            return m.empty(empty)
        parts = []
        for source_id, rows in claims.groupby("source_id", sort=False):
            head = voices.wants_heading(self.source_row(str(source_id)))
            parts += [m.tag("h3", head), self.claim_list(rows, "", badge=False)]
        return m.join(parts)

    # ---------------------------------------------------------------- notes

    @cached_property
    def development_dates(self) -> dict[str, str]:
        """Each development's date, by id."""
        dev = self.dataset.developments
        return dict(zip(dev["development_id"], dev["date"], strict=True))

    @cached_property
    def rested_on(self) -> set[str]:
        """The developments the scored statuses and our judgments this briefing prints rest
        on (their ids)."""
        shown = self.shown_expectations()
        posts = self.signposts[self.signposts["expectation_ref"].isin(shown["expectation_id"])]
        ids: set[str] = set()
        for kj, _ in self.key_judgments:  # our judgments rest on developments too
            ids |= set(basis_ids(kj["development_ids"]))
        for frame in (shown, posts):
            scored = frame[frame["status"] != UNCHECKED]  # an unscored status cites nothing
            ids |= {i for cell in scored["status_basis"] for i in basis_ids(cell)}
        return ids

    @cached_property
    def cited_developments(self) -> pd.DataFrame:
        """The developments this briefing cites: those it lists since the source and those
        its statuses and judgments rest on."""
        ids = set(self.developments["development_id"]) | self.rested_on
        dev = self.dataset.developments
        return dev[dev["development_id"].isin(ids)]

    def said_in_body(self) -> pd.DataFrame:
        """Moscow's own words the body prints: the statements concerning this briefing that
        its statuses and judgments rest on (the annex lists the others)."""
        dev = self.developments
        return dev[
            (dev["kind"] == forecasts.STATEMENT) & dev["development_id"].isin(self.rested_on)
        ]

    @cached_property
    def notes(self) -> list[notes.Note]:
        """This briefing's notes, in reading order."""
        return notes.briefing_notes(self.sources, self.cited_developments)

    @cached_property
    def _note_numbers(self) -> dict[str, int]:
        return notes.numbers(self.notes)

    def note_ref(self, key: str) -> m.Html:
        """The link to note ``key`` (nothing when the briefing holds none)."""
        return notes.ref(self._note_numbers, key)

    def notes_section(self) -> m.Html:
        """The Notes: every public record the briefing cites, in full with its address."""
        return notes.notes_list(self.notes)

    # ---------------------------------------------------------------- record

    def _source_refs(self) -> dict[str, m.Html]:
        return {s: self.note_ref(notes.source_key(s)) for s in self.sources["source_id"]}

    def meta_block(self, title: str) -> m.Html:
        """Title, the one record line, why the source stands for Moscow's thinking, and the
        voices: the body's short record (the annex holds the full one)."""
        line = record.record_line(
            self.dataset, str(self.record), str(self.period), self.sources, self._source_refs()
        )
        standing = {s: self.note_ref(notes.standing_key(s)) for s in self.sources["source_id"]}
        return m.join(
            [
                m.tag("h1", title),
                # The version this kernel loaded: a render whose data changed meanwhile is
                # not cached (rendering.render.loaded_version reads it back).
                m.tag(
                    "p",
                    line,
                    class_="meta-line",
                    data_version=self.dataset.version,
                    data_footer=record.footer_line(self.dataset, self.sources),
                ),
                record.standing_line(self.sources, standing),
                record.voice_line(self.dataset, self.sources, self.views_shown),
            ]
        )

    def record_box(self) -> m.Html:
        """The full record box: sources, voices and how to read (printed once, in the annex)."""
        return record.record_box(self.dataset, sources=self.sources, refs=self._source_refs())

    # ---------------------------------------------------------------- written pieces

    # What the annex's list of developments since the source holds, in words.
    since_scope = "that bears on its forecasts and on Russia's relations"

    @property
    def views_shown(self) -> tuple[str, ...] | None:
        """The source's voices this briefing prints (None: all of them)."""
        return None

    def shown(self) -> list[pd.DataFrame]:
        """The records this briefing's cut shows (what a written judgment must rest on); none
        for a briefing that prints no written judgment (the comparison)."""
        return []

    @cached_property
    def to_review(self) -> dict[str, str]:
        """Written rows whose record changed since they were written, as this briefing's
        reader needs it: id → why, each source by its short title (a source added that this
        briefing does not print is no reason here)."""
        names = record.short_titles(self.dataset)
        shown = set(self.sources["source_id"])
        out = {}
        for item in written.to_review(self.dataset):
            reason = item.worded(names, shown)
            if reason:
                out[item.row_id] = reason
        return out

    @property
    def shows_review_marks(self) -> bool:
        """Whether a judgment to review says so (not in the student edition, where the
        class reads the briefing as a product)."""
        return True

    @cached_property
    def key_judgments(self) -> list[tuple[pd.Series, pd.DataFrame]]:
        """The written key judgments filed here that this cut's records still support
        (computed once: the bottom line, the notes and the evidence all ask)."""
        return body.supported(self, self.dataset.key_judgments, self.scope, self.shown())

    @cached_property
    def brief_sentences(self) -> list[tuple[pd.Series, pd.DataFrame]]:
        """The written summary's sentences filed here that this cut's records support."""
        return body.supported(self, self.dataset.in_brief, self.scope, self.shown())

    def in_brief(self) -> m.Html:
        """The source's argument in brief: half a page, every sentence cited."""
        return body.in_brief(self, self.brief_sentences)

    @cached_property
    def expectations(self) -> pd.DataFrame:
        """The forecasts filed in this briefing whose horizon reaches the period."""
        return queries.filed_expectations(self.dataset, self.scope, self.period)

    @cached_property
    def signposts(self) -> pd.DataFrame:
        """Signposts of those forecasts."""
        return queries.signposts_for(self.dataset, self.expectations["expectation_id"])

    @cached_property
    def developments(self) -> pd.DataFrame:
        """Developments since the sources that concern this briefing."""
        return queries.developments_for(self.dataset, self.scope)

    def shown_expectations(self) -> pd.DataFrame:
        """The forecasts the page prints (all of those filed here, unless cut)."""
        return self.expectations

    def scorecard(self) -> m.Html:
        """The forecasts and asks filed here counted by status, one row per voice, never
        added together (an ask or the reviewer's forecast is not the book's forecast)."""
        groups = forecasts.groups(self, self.shown_expectations())
        return scorecard.scorecard(
            self, groups[:1], "the forecasts and asks filed here", apart=groups[1:]
        )

    def forecasts_section(self) -> m.Html:
        """The forecasts by whose they are, scored by the rule, and what has happened and what
        Moscow has said since."""
        shown = self.shown_expectations()
        since = forecasts.statements_box(self, self.said_in_body())
        if shown.empty:
            lead = m.empty("The record holds no forecast filed here for the period.")
            return m.join([lead, since])
        posts = self.signposts[self.signposts["expectation_ref"].isin(shown["expectation_id"])]
        return m.join(
            [
                forecasts.lead(self),
                self.scorecard(),
                forecasts.forecast_groups(self, shown, posts),
                since,
            ]
        )

    def events_since(self) -> m.Html:
        """The annex's record of what has happened since the source: the events, and the
        statements the body does not print."""
        body = set(self.said_in_body()["development_id"])
        return forecasts.events_since(
            self, self.developments[~self.developments["development_id"].isin(body)]
        )

    def evidence(self) -> list[pd.DataFrame]:
        """Every record the key judgments and the summary rest on, in full."""
        return [ev for _, ev in self.key_judgments] + [ev for _, ev in self.brief_sentences]
