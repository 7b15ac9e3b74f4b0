"""The overview briefing: all actors side by side, Moscow's own aims, what it wants of the US.

The sections of ``notebooks/overview.ipynb``; it reuses the actor briefings' pieces
so a judgment reads the same in the overview as in the actor's own briefing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from russian_views.briefings import charts, queries
from russian_views.briefings import markup as m
from russian_views.briefings.briefing import (
    MOSCOW,
    REVIEWER,
    ActorBriefing,
    Briefing,
    expectations_table,
    group_claims,
    reviewer_groups,
)
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.params import briefing_actors, from_namespace, resolve_period
from russian_views.spec import OVERVIEW


@dataclass
class OverviewBriefing(Briefing):
    """Every briefed actor at once, and Moscow's own position."""

    @classmethod
    def from_parameters(
        cls, since: object = None, until: object = None, dataset: Dataset | None = None
    ) -> OverviewBriefing:
        """Validate the notebook's parameters (one-line errors naming valid choices)."""
        dataset = dataset or load_dataset()
        return cls(dataset=dataset, period=resolve_period(since, until, dataset))

    title = queries.OVERVIEW_TITLE

    @classmethod
    def from_namespace(cls, namespace: dict) -> OverviewBriefing:
        """The overview for the notebook's parameters (refusing names it does not take)."""
        return cls.from_parameters(**from_namespace(namespace, OVERVIEW))

    @cached_property
    def actor_ids(self) -> list[str]:
        """The briefed actors, in table order."""
        return briefing_actors(self.dataset)["actor_id"].tolist()

    @cached_property
    def actor_briefings(self) -> list[ActorBriefing]:
        """One briefing per actor, sharing this overview's data and period."""
        return [
            ActorBriefing(dataset=self.dataset, period=self.period, actor_id=a)
            for a in self.actor_ids
        ]

    @cached_property
    def russia_claims(self) -> pd.DataFrame:
        """Moscow's statements about Russia itself: its aims and constraints."""
        return queries.claims_about(self.dataset, "russia", self.period, views=[MOSCOW])

    @cached_property
    def us_wants(self) -> pd.DataFrame:
        """What Moscow wants the United States to do."""
        claims = queries.claims_about(self.dataset, "united-states", self.period, views=[MOSCOW])
        return claims[claims["claim_kind"] == "prescription"]

    @cached_property
    def reviewer_claims(self) -> pd.DataFrame:
        """Every reviewer judgment in the period."""
        return queries.select_claims(self.dataset, self.period, views=[REVIEWER])

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every event in the period."""
        return queries.events_involving(self.dataset, None, self.period)

    @cached_property
    def expectations(self) -> pd.DataFrame:
        """Moscow's expectations about Russia's own role."""
        return queries.expectations_about(self.dataset, "russia", self.period)

    @cached_property
    def signposts(self) -> pd.DataFrame:
        """Signposts of those expectations."""
        return queries.signposts_for(self.dataset, self.expectations["expectation_id"])

    def title_block(self) -> m.Html:
        """Title, standfirst, provenance and the record box."""
        dek = (
            f"How Moscow sees North Korea, South Korea, the United States and China, "
            f"{self.period}, as Russian authors' views are reported in {self.sources_phrase()} "
            "— and what Moscow wants the Biden administration to do."
        )
        return self.meta_block(self.title, dek)

    def key_judgments(self) -> list[tuple[pd.Series, pd.DataFrame]]:
        """The overview's written key judgments that this period's records still support."""
        return self.judgments(
            "overview",
            self.russia_claims,
            self.us_wants,
            self.reviewer_claims,
            self.events,
            self.expectations,
            *(b.claims for b in self.actor_briefings),
        )

    def bottom_line(self) -> m.Html:
        """The overview's key judgments, then each actor's coded record, counted."""
        judgments = self.key_judgments()
        counts = m.bullets(
            [b.stance_count(b.claims, b.name(b.actor_id)) for b in self.actor_briefings],
            class_="counts",
        )
        lead = (
            self.judgment_list(judgments)
            if judgments
            else m.empty(f"No key judgment of the overview rests on the records of {self.period}.")
        )
        return m.join([lead, m.note("Our count, by actor."), counts])

    def stance_heatmap(self) -> charts.Figure | m.Html:
        """Mean stance by actor and theme."""
        matrix = queries.stance_matrix(self.dataset, self.actor_ids, self.period)
        if matrix.empty:
            return m.empty("No coded statement in this period carries a stance.")
        names = {a: self.name(a) for a in self.actor_ids}
        chart = charts.stance_heatmap(matrix, names, self.labels("theme"))
        coldest = matrix.nsmallest(1, "mean_stance").iloc[0]
        warmest = matrix.nlargest(1, "mean_stance").iloc[0]
        alt_text = (
            f"Heat map of Moscow's mean stance toward {', '.join(names.values())} on each theme. "
            f"Warmest: {names[warmest['actor_id']]} on "
            f"{self.label('theme', warmest['theme'])} ({warmest['mean_stance']:+.1f}); coolest: "
            f"{names[coldest['actor_id']]} on {self.label('theme', coldest['theme'])} "
            f"({coldest['mean_stance']:+.1f}). Numbers in cells count statements."
        )
        caption = (
            f"Moscow's mean stance by actor and theme, {self.period} (−2 hostile to +2 "
            "supportive; numbers count the statements behind each cell; blank: none)."
        )
        return self.figure(chart, caption, alt_text)

    def timeline_chart(self) -> charts.Figure | m.Html:
        """All events on one timeline."""
        return self.events_figure(
            self.events,
            "on and around the peninsula",
            "No dated events fall in the period.",
            "the briefing of each actor involved tells each one, with how Moscow framed it",
        )

    def aims_section(self) -> m.Html:
        """Moscow's own aims and constraints, grouped by kind of statement."""
        if self.russia_claims.empty:
            return m.empty("The data hold no statements about Russia's own position.")
        return group_claims(self, self.russia_claims, "claim_kind", self.labels("claim_kind"))

    def outlook_section(self) -> m.Html:
        """Moscow's expectations for its own role."""
        if self.expectations.empty:
            return m.empty("The data hold no expectations about Russia's own role.")
        return expectations_table(self, self.expectations, self.signposts)

    def us_wants_section(self) -> m.Html:
        """What Moscow wants the United States to do."""
        return self.claim_list(
            self.us_wants,
            "The record holds no Moscow prescription for the United States in this cut.",
            badge=False,
        )

    def reviewer_section(self) -> m.Html:
        """The source author's own judgments: first where they differ from the book."""
        return reviewer_groups(self, self.reviewer_claims)

    def passages(self) -> m.Html:
        """Every passage this overview cites, in full."""
        frames = [
            *(evidence for _, evidence in self.key_judgments()),
            self.russia_claims,
            self.us_wants,
            self.reviewer_claims,
            self.expectations,
            self.signposts,
        ]
        return self.passages_for(*frames)
