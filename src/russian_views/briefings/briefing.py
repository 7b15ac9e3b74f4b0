"""The briefings' shared machinery and the actor briefing: what each notebook cell shows.

A notebook makes one briefing object from its parameters and then calls one method per
cell. Each method returns an HTML fragment or a :class:`~russian_views.briefings.figure.Figure`;
nothing here prints. The sections themselves live in modules named for the part of the
product they make: :mod:`.record` (what the record is), :mod:`.body` (key judgments, the
view in brief), :mod:`.forecasts` (what the source expects and what has happened since) and
:mod:`.annex` (the coded record, each statement in full once). Three voices are kept apart
throughout and labelled as such: Moscow's view (what a source reports Russian authors as
holding), the source author's own judgment, and ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from russian_views.briefings import annex, body, charts, forecasts, queries, record
from russian_views.briefings import markup as m
from russian_views.briefings.figure import Figure
from russian_views.briefings.record import ANALYST, MOSCOW, REVIEWER
from russian_views.dataset import written
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.params import (
    Options,
    Period,
    data_years,
    from_namespace,
    resolve_actor,
    resolve_options,
    resolve_period,
)
from russian_views.spec import ACTOR

__all__ = ["ANALYST", "MOSCOW", "REVIEWER", "ActorBriefing", "Briefing"]
SUMMARY_EXPECTATIONS = 2


@dataclass
class Briefing:
    """What every briefing shares: the data, the period, figure numbering, citations, the
    record, the written key judgments and summary, and the forecasts filed in it."""

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

    @property
    def multi_source(self) -> bool:
        """Whether the data cite more than one source (then every reference names its own)."""
        return len(self.dataset.sources) > 1

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
        """The span of the whole coded record."""
        return data_years(self.dataset)

    @property
    def the_sources(self) -> str:
        """ "the source" or "the sources", as many as the record holds."""
        return record.the_sources(self.dataset)

    @property
    def as_of(self) -> str:
        """The date of the latest source: nothing after it is in the coded record."""
        return str(self.dataset.sources["published"].max())

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
        missed = int((~events["occurred"]).sum())
        noun = "event" if len(events) == 1 else "events"
        alt_text = (
            f"Timeline of {len(events)} dated {noun} {subject} between {self.period.since} "
            f"and {self.period.until}, {missed} of which did not happen as planned."
        )
        caption = (
            f"{len(events)} {noun} {subject}, {self.period}, as {self.the_sources} date them. "
            "Crosses "
            "mark planned events that did not happen; an event dated only to a year or month "
            "sits in its middle."
        )
        return self.figure(chart, caption, alt_text)

    def claim_list(self, claims: pd.DataFrame, empty: str, **kwargs) -> m.Html:
        """A list of claims in chronological order, or a note saying there are none."""
        return annex.claim_list(self, claims, empty, **kwargs)

    # ---------------------------------------------------------------- record

    def meta_block(self, title: str) -> m.Html:
        """Title, the one record line and the voices: the body's short record (the annex
        holds the full one)."""
        return m.join(
            [
                m.tag("h1", title),
                m.tag(
                    "p",
                    record.record_line(self.dataset, str(self.record), str(self.period)),
                    class_="meta-line",
                    # The version this kernel loaded: a render whose data changed meanwhile
                    # is not cached (rendering.render.loaded_version reads it back).
                    data_version=self.dataset.version,
                ),
                record.voice_line(self.dataset),
            ]
        )

    def record_box(self) -> m.Html:
        """The full record box: sources, voices and how to read (printed once, in the annex)."""
        return record.record_box(self.dataset)

    # ---------------------------------------------------------------- written pieces

    def shown(self) -> list[pd.DataFrame]:
        """The records this briefing's cut shows (what a written judgment must rest on)."""
        raise NotImplementedError

    @cached_property
    def to_review(self) -> dict[str, str]:
        """Written rows whose record changed since they were written: id → why."""
        return {item.row_id: item.reason for item in written.to_review(self.dataset)}

    @property
    def shows_review_marks(self) -> bool:
        """Whether a judgment to review says so (not in the student edition, where the
        class reads the briefing as a product)."""
        return True

    def key_judgments(self) -> list[tuple[pd.Series, pd.DataFrame]]:
        """The written key judgments filed here that this cut's records still support."""
        return body.supported(self, self.dataset.key_judgments, self.scope, self.shown())

    def brief_sentences(self) -> list[tuple[pd.Series, pd.DataFrame]]:
        """The written summary's sentences filed here that this cut's records support."""
        return body.supported(self, self.dataset.in_brief, self.scope, self.shown())

    def in_brief(self) -> m.Html:
        """Moscow's view in brief: the source's argument in half a page, every sentence cited."""
        return body.in_brief(self, self.brief_sentences())

    @cached_property
    def expectations(self) -> pd.DataFrame:
        """The expectations filed in this briefing whose horizon reaches the period."""
        return queries.filed_expectations(self.dataset, self.scope, self.period)

    @cached_property
    def signposts(self) -> pd.DataFrame:
        """Signposts of those expectations."""
        return queries.signposts_for(self.dataset, self.expectations["expectation_id"])

    @cached_property
    def developments(self) -> pd.DataFrame:
        """Developments since the sources that bear on this briefing."""
        return queries.developments_for(self.dataset, self.scope)

    def shown_expectations(self) -> pd.DataFrame:
        """The forecasts the page prints (all of those filed here, unless cut)."""
        return self.expectations

    def forecasts_section(self) -> m.Html:
        """What the source expects, scored as of the check date, and what has happened since."""
        shown = self.shown_expectations()
        if shown.empty:
            return m.empty("The record holds no forecast filed here for the period.")
        posts = self.signposts[self.signposts["expectation_ref"].isin(shown["expectation_id"])]
        return m.join(
            [
                m.paragraph(forecasts.tally(self, shown), class_="tally"),
                forecasts.forecasts_table(self, shown, posts),
                forecasts.developments_box(self, self.developments),
            ]
        )

    def evidence(self) -> list[pd.DataFrame]:
        """Every record the key judgments and the summary rest on, in full."""
        return [ev for _, ev in self.key_judgments()] + [ev for _, ev in self.brief_sentences()]


@dataclass
class ActorBriefing(Briefing):
    """“Russian views of X”: the sections of ``notebooks/actor_briefing.ipynb``."""

    actor_id: str = ""
    options: Options | None = None

    def __post_init__(self) -> None:
        if self.options is None:
            self.options = resolve_options(self.dataset)

    @classmethod
    def from_parameters(
        cls,
        actor: object,
        since: object = None,
        until: object = None,
        themes: object = None,
        views: object = None,
        detail: object = None,
        edition: object = None,
        dataset: Dataset | None = None,
    ) -> ActorBriefing:
        """Validate the notebook's parameters (one-line errors naming valid choices)."""
        dataset = dataset or load_dataset()
        actor_id = resolve_actor(actor, dataset)
        return cls(
            dataset=dataset,
            period=resolve_period(since, until, dataset, queries.actor_years(dataset, actor_id)),
            actor_id=actor_id,
            options=resolve_options(dataset, themes, views, detail, edition),
        )

    @classmethod
    def from_namespace(cls, namespace: dict) -> ActorBriefing:
        """The briefing for the notebook's parameters (refusing names it does not take)."""
        return cls.from_parameters(**from_namespace(namespace, ACTOR))

    @property
    def scope(self) -> str:  # type: ignore[override]
        """Rows filed under this actor's briefing."""
        return self.actor_id

    @property
    def shows_review_marks(self) -> bool:
        """The reader's (analyst's) and instructor's editions mark judgments to review."""
        return self.options.edition != "student"

    def _select(self, view: str, **filters) -> pd.DataFrame:
        """Claims in the period for one voice, cut to the chosen themes (none if voice is off)."""
        claims = queries.select_claims(
            self.dataset, self.period, views=[view], themes=self.options.themes, **filters
        )
        return claims if view in self.options.views else claims.iloc[0:0]

    @property
    def title(self) -> str:
        """The briefing's title."""
        return queries.briefing_title(self.dataset, self.actor_id)

    @cached_property
    def members(self) -> list[str]:
        """The actor and the leaders, administrations and groups that belong to it."""
        return queries.family(self.dataset, self.actor_id)

    @cached_property
    def claims(self) -> pd.DataFrame:
        """Moscow's claims about the actor's family in the period."""
        return self._select(MOSCOW, subjects=self.members)

    @cached_property
    def reviewer_claims(self) -> pd.DataFrame:
        """The source author's judgments about the actor, plus their reservations about the
        book's picture of Russia (shown in every briefing, since they qualify all of it)."""
        reviewer = self._select(REVIEWER)
        general = (reviewer["home_id"] == "russia") & (reviewer["claim_kind"] == annex.RESERVATION)
        about = reviewer["subject_id"].isin(self.members) | reviewer["counterpart_id"].isin(
            self.members
        )
        return reviewer[about | general]

    @cached_property
    def events(self) -> pd.DataFrame:
        """Events involving the actor's family in the period."""
        return queries.events_involving(self.dataset, self.actor_id, self.period)

    @cached_property
    def relations(self) -> pd.DataFrame:
        """Moscow's claims relating the actor to others."""
        relations = queries.relations(self.dataset, self.actor_id, self.period)
        keep = relations["theme"].isin(self.options.themes) & (MOSCOW in self.options.views)
        return relations[keep]

    @cached_property
    def expectations(self) -> pd.DataFrame:
        """The expectations filed in this actor's briefing, in the chosen voices."""
        filed = queries.filed_expectations(self.dataset, self.actor_id, self.period)
        return filed[filed["view"].isin(self.options.views)]

    @cached_property
    def wants(self) -> pd.DataFrame:
        """What Moscow wants from or for the actor: prescriptions about it or relating to it."""
        pres = self._select(MOSCOW)
        pres = pres[pres["claim_kind"] == "prescription"]
        return pres[
            pres["subject_id"].isin(self.members) | pres["counterpart_id"].isin(self.members)
        ]

    def shown(self) -> list[pd.DataFrame]:
        """The records this cut shows."""
        return [
            self.claims,
            self.relations,
            self.wants,
            self.reviewer_claims,
            self.events,
            self.expectations,
        ]

    # ---------------------------------------------------------------- body

    def title_block(self) -> m.Html:
        """Title, the record line, the voices, and which cut this is."""
        return m.join([self.meta_block(self.title), self._options_line()])

    def _options_line(self) -> m.Html:
        """Which cut of the data this is, when it is not the whole of it."""
        o = self.options
        parts = []
        if o.themes != tuple(self.dataset.codes("theme")):
            parts.append("themes: " + ", ".join(self.label("theme", t) for t in o.themes))
        if len(o.views) == 1:
            parts.append(f"only {self.label('view', o.views[0])}")
        if o.detail == "summary":
            parts.append("the body alone (the full briefing adds the annex)")
        if o.edition != "reader":
            parts.append(f"{o.edition} edition")
        return m.note("This cut: " + "; ".join(parts) + ".") if parts else m.Html()

    def bottom_line(self) -> m.Html:
        """The key judgments, up front."""
        judgments = self.key_judgments()
        if not judgments:
            return body.narrowed(self, self.name(self.actor_id))
        return body.judgment_list(self, judgments)

    def shown_expectations(self) -> pd.DataFrame:
        """The forecasts filed here; in the body alone, the two the source holds most likely."""
        if self.options.detail == "summary":
            return self.expectations.head(SUMMARY_EXPECTATIONS)
        return self.expectations

    def expectations_section(self) -> m.Html:
        """The forecasts filed here, scored as of the check date, and what has happened since."""
        return self.forecasts_section()

    def wants_section(self) -> m.Html:
        """What Moscow wants from or for the actor, each statement in full."""
        return self.claim_list(
            self.wants,
            "The record holds no explicit Moscow prescription concerning this actor in this cut.",
            badge=False,
        )

    def reviewer_section(self) -> m.Html:
        """Where the source's author differs from the work it reports."""
        return annex.reservations(self, self.reviewer_claims)

    # ---------------------------------------------------------------- annex

    def stance_chart(self) -> Figure | m.Html:
        """What each statement about the actor is about in time, as the source dates it."""
        if self.claims.empty:
            return m.empty("No coded statement in this cut.")
        claims = self.with_references(self.claims)
        ahead = queries.looks_ahead(claims, self.dataset)
        chart = charts.statement_spans(claims, self.labels("stance"), ahead)
        name = self.name(self.actor_id)
        forecast, n = int(ahead.sum()), len(claims)
        alt_text = (
            f"Chart of {n} coded statements of Moscow's view about {name}, each a bar over the "
            f"years it is about as dated in {self.the_sources}, coloured by stance; {forecast} "
            "look ahead, drawn apart from the others."
        )
        caption = (
            f"The {n} statements of Moscow's view about {name} in this cut, each drawn once over "
            f"the years it is about as dated in {self.the_sources}; the {forecast} that look "
            "ahead (forecasts, and statements dated past their source's year) are drawn below. "
            "They are statements about the actor; the forecasts section lists the expectations "
            "filed in this briefing, which it counts apart. "
            f"This is the dating of a record written in {self.as_of}, not a series of Moscow's "
            "opinion over time: a statement about a whole span is one statement, not one per year."
        )
        return self.figure(chart, caption, alt_text)

    def timeline_chart(self) -> Figure | m.Html:
        """Events involving the actor, including the ones that did not happen."""
        return self.events_figure(
            self.events,
            f"involving {self.name(self.actor_id)}",
            "No dated events involving this actor fall in the period.",
        )

    def timeline_table(self) -> m.Html:
        """The events as a table: date, what happened, how Moscow framed it, source."""
        if self.events.empty:
            return m.empty("No dated events involving this actor fall in the period.")
        return annex.events_table(self, self.events)

    def themes_chart(self) -> Figure | m.Html:
        """How many of Moscow's statements fall under each theme, by stance."""
        if self.claims.empty:
            return m.empty("No coded statements in this cut.")
        chart = charts.theme_bars(self.claims, self.labels("theme"), self.labels("stance"))
        name = self.name(self.actor_id)
        top = self.claims["theme"].value_counts()
        n = len(self.claims)
        alt_text = (
            f"Bar chart of {n} Moscow statements about {name} by theme, stacked by stance; the "
            f"largest theme is {self.label('theme', top.index[0])} with {int(top.iloc[0])}."
        )
        caption = (
            f"The {n} coded statements of Moscow's view about {name} by theme and stance, "
            f"{self.period}. A count of coded sentences, not a measure of how strongly Moscow "
            "holds a view."
        )
        return self.figure(chart, caption, alt_text)

    def views_by_theme(self) -> m.Html:
        """Moscow's statements under each theme, except those the body prints in full under
        what Moscow wants (the theme links there)."""
        if self.claims.empty:
            return m.empty("No coded statements in this cut.")
        later = self.claims["claim_id"].isin(self.wants["claim_id"])
        return annex.group_claims(
            self,
            self.claims[~later],
            "theme",
            self.labels("theme"),
            elsewhere=self.claims[later],
            where="wants",
        )

    def relations_section(self) -> m.Html:
        """What the other actors do toward this one, as Moscow sees it (the actor's own
        statements toward them are under the themes, its prescriptions in the body)."""
        relations = self.relations
        own = relations["subject_id"].isin(self.members) | relations["claim_id"].isin(
            self.wants["claim_id"]
        )
        others = relations[~own]
        if others.empty:
            return m.empty("The record relates no other actor's dealings to this one in this cut.")
        names = {a: f"With {self.name(a)}" for a in annex.ordered_actors(others["other_id"], self)}
        return annex.group_claims(self, others, "other_id", names)

    def observations_section(self) -> m.Html:
        """The source author's other judgments and observations."""
        return annex.observations(self, self.reviewer_claims)

    def passages(self) -> m.Html:
        """Every passage the briefing cites (the body's only, in the body alone), in full."""
        shown = self.shown_expectations()
        posts = self.signposts[self.signposts["expectation_ref"].isin(shown["expectation_id"])]
        reservations = self.reviewer_claims["claim_kind"] == annex.RESERVATION
        frames = [*self.evidence(), shown, posts, self.wants, self.reviewer_claims[reservations]]
        if self.options.detail != "summary":
            frames += [self.claims, self.reviewer_claims, self.events, self.relations]
        return annex.passages(self, *frames)
