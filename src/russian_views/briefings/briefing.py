"""The actor briefing, "Russian views of X": what each cell of
``notebooks/actor_briefing.ipynb`` shows.

A notebook makes one briefing object from its parameters and then calls one method per
cell. Each method returns an HTML fragment or a :class:`~russian_views.briefings.figure.Figure`;
nothing here prints. What every briefing shares is in :mod:`.base`. Three voices are kept
apart throughout and labelled as such: the Russian view (what a source reports Russian
authors or officials as holding), the source author's own judgment, and ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from russian_views.briefings import annex, body, captions, charts, queries
from russian_views.briefings import markup as m
from russian_views.briefings.base import Briefing
from russian_views.briefings.figure import Figure
from russian_views.briefings.record import ANALYST, MOSCOW, REVIEWER
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.params import (
    Options,
    Period,
    from_namespace,
    resolve_actor,
    resolve_options,
    resolve_period,
)
from russian_views.spec import ACTOR

__all__ = ["ANALYST", "MOSCOW", "REVIEWER", "ActorBriefing", "Briefing"]
SUMMARY_EXPECTATIONS = 2


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

    @cached_property
    def record(self) -> Period:
        """The span of what is coded about the actor (:func:`queries.actor_years`)."""
        return queries.actor_years(self.dataset, self.actor_id)

    def printed(self) -> list[pd.DataFrame]:
        """The records this briefing prints, whose sources make its record."""
        shown = self.shown_expectations()
        posts = self.signposts[self.signposts["expectation_ref"].isin(shown["expectation_id"])]
        return [*self.shown(), self.reviewer_claims, posts, *self.evidence()]

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

    @property
    def views_shown(self) -> tuple[str, ...]:
        """The source's voices this cut prints (the ``views`` parameter)."""
        return tuple(self.options.views)

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
        judgments = self.key_judgments
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
        """What the Russian voices want from or for the actor, each statement in full under
        a head naming whose it is."""
        return self.wants_list(
            self.wants,
            "The record holds no explicit Russian prescription concerning this actor in this cut.",
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
        caption, alt_text = captions.spans_words(
            claims, ahead, self.name(self.actor_id), self.sources
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
