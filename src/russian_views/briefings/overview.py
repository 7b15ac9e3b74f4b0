"""The overview briefing: all actors side by side, Moscow's own aims, what it wants of the US.

The sections of ``notebooks/overview.ipynb``; it reuses the actor briefings' pieces
so a judgment reads the same in the overview as in the actor's own briefing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from russian_views.briefings import annex, body, charts, forecasts, queries, scorecard
from russian_views.briefings import markup as m
from russian_views.briefings.briefing import MOSCOW, REVIEWER, ActorBriefing, Briefing
from russian_views.briefings.figure import Figure
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
    scope = "overview"
    since_scope = (
        "that the overview's statuses and judgments rest on (each actor briefing lists the rest)"
    )

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
    def developments(self) -> pd.DataFrame:
        """The developments the overview's own statuses and judgments rest on: the whole
        record since the source is listed in full across the actor briefings, each with
        its own, not again here."""
        dev = self.dataset.developments
        return dev[dev["development_id"].isin(self.rested_on)]

    def shown(self) -> list[pd.DataFrame]:
        """The records this period shows."""
        return [
            self.russia_claims,
            self.us_wants,
            self.reviewer_claims,
            self.events,
            self.expectations,
            *(b.claims for b in self.actor_briefings),
        ]

    def scorecard(self) -> m.Html:
        """Every forecast in the record by status: the book's expectations by the briefing
        each is filed in, with their total; the asks and the reviewer's own forecasts in rows
        of their own, never added to that total."""
        groups = forecasts.groups(self, self.dataset.expectations)
        if not groups:
            return m.Html()
        (_, first), *others = groups
        rows = [
            (m.sentence_case(self.name(a)), first[first["briefing"] == a]) for a in self.actor_ids
        ]
        rows.append(("Overview", first[first["briefing"] == self.scope]))
        n = len(self.dataset.expectations)
        book_voice = groups[0][0][:1].lower() + groups[0][0][1:]
        return scorecard.scorecard(
            self,
            rows,
            f"all {n} forecasts and asks of the record: {book_voice}, by briefing, then the "
            "other voices and the asks apart",
            apart=others,
        )

    def title_block(self) -> m.Html:
        """Title, the record line and the voices."""
        return self.meta_block(self.title)

    def bottom_line(self) -> m.Html:
        """The overview's key judgments, up front."""
        judgments = self.key_judgments
        if not judgments:
            return body.narrowed(self, "the peninsula as a whole")
        return body.judgment_list(self, judgments)

    def stance_heatmap(self) -> Figure | m.Html:
        """Mean stance by actor and theme."""
        matrix = queries.stance_matrix(self.dataset, self.actor_ids, self.period)
        if matrix.empty:
            return m.empty("No coded statement in this period carries a stance.")
        names = {a: self.name(a) for a in self.actor_ids}
        chart = charts.stance_heatmap(matrix, names, self.labels("theme"))
        measured = matrix[matrix["claims"] >= charts.MIN_MEAN]
        alt_text = (
            f"Heat map of Moscow's mean stance toward {', '.join(names.values())} on each theme. "
            "Numbers in cells count statements."
        )
        if not measured.empty:
            coldest = measured.nsmallest(1, "mean_stance").iloc[0]
            warmest = measured.nlargest(1, "mean_stance").iloc[0]
            alt_text += (
                f" Of the cells with {charts.MIN_MEAN} or more, warmest: "
                f"{names[warmest['actor_id']]} on {self.label('theme', warmest['theme'])} "
                f"({warmest['mean_stance']:+.1f}); coolest: {names[coldest['actor_id']]} on "
                f"{self.label('theme', coldest['theme'])} ({coldest['mean_stance']:+.1f})."
            )
        caption = (
            f"Moscow's mean stance by actor and theme, {self.period}, over "
            f"{int(matrix['claims'].sum())} statements that carry a stance (−2 hostile to +2 "
            "supportive). Each cell gives its n and is paler the fewer statements it rests on; "
            f"one of fewer than {charts.MIN_MEAN} is left uncoloured (its mean is no measure), "
            "and a blank cell has none. A mean of few coded sentences, not a measure of opinion."
        )
        return self.figure(chart, caption, alt_text)

    def timeline_chart(self) -> Figure | m.Html:
        """All events on one timeline."""
        return self.events_figure(
            self.events, "on and around the peninsula", "No dated events fall in the period."
        )

    def aims_section(self) -> m.Html:
        """Moscow's own aims and constraints, grouped by kind of statement (its prescriptions
        for the United States are in the body)."""
        if self.russia_claims.empty:
            return m.empty("The record holds no statements about Russia's own position.")
        return annex.group_claims(self, self.russia_claims, "claim_kind", self.labels("claim_kind"))

    def us_wants_section(self) -> m.Html:
        """What the Russian voices want the United States to do, under heads naming whose."""
        return self.wants_list(
            self.us_wants,
            "The record holds no Russian prescription for the United States in this cut.",
        )

    def reviewer_section(self) -> m.Html:
        """Where the source's author differs from the work it reports."""
        return annex.reservations(self, self.reviewer_claims)

    def observations_section(self) -> m.Html:
        """The source author's other judgments and observations."""
        return annex.observations(self, self.reviewer_claims)

    def stance_over_sources(self) -> Figure | m.Html:
        """Moscow's stance toward each actor in each source, by the source's date: a real
        time axis once the sources differ in date (one source's retrospective dating is not
        one)."""
        dates = self.dataset.sources["published"]
        if dates.nunique() < 2:
            return m.empty(
                f"Every source in this record is of {dates.iloc[0]}: there is no time axis "
                "until sources of other dates are added."
            )
        rows = queries.stance_by_source(self.dataset, self.actor_ids, self.period)
        names = {a: self.name(a) for a in self.actor_ids}
        sources = {
            s.source_id: f"{s.source_id} ({s.published})"
            for s in self.dataset.sources.sort_values("published").itertuples()
        }
        chart = charts.stance_by_source(rows, names, sources)
        alt_text = (
            f"Chart of Moscow's mean stance toward {', '.join(names.values())} in each of "
            f"{len(sources)} sources, by the source's date; each mark gives its n."
        )
        caption = (
            f"Moscow's mean stance toward each actor in each source, placed by the source's "
            f"date ({len(rows)} marks over {int(rows['claims'].sum())} statements with a "
            "stance; n on each). Sources differ in kind and in what they cover, so a change "
            "between them is a lead to read, not a measured trend."
        )
        return self.figure(chart, caption, alt_text)

    @cached_property
    def opposed(self) -> pd.DataFrame:
        """Statements about one actor and theme with opposing stances in different sources."""
        return queries.opposed_across_sources(self.dataset, self.actor_ids, self.period)

    def sources_differ(self) -> m.Html:
        """Where the sources differ: statements about the same actor and theme with
        opposing stances, each pair with both references."""
        pairs = self.opposed
        if pairs.empty:
            n = len(self.dataset.sources)
            return m.empty(
                "No two sources hold opposing stances on the same actor and theme."
                if n > 1
                else "A record of one source cannot differ from itself."
            )
        items = []
        for p in pairs.itertuples():
            warm = {"source_id": p.source_id_warm, "paragraph": p.paragraph_warm,
                    "sentence": p.sentence_warm}  # fmt: skip
            cool = {"source_id": p.source_id_cool, "paragraph": p.paragraph_cool,
                    "sentence": p.sentence_cool}  # fmt: skip
            items.append(
                m.join(
                    [
                        m.tag(
                            "strong",
                            f"{self.name(p.actor_id)}, {self.label('theme', p.theme).lower()}:",
                        ),
                        p.paraphrase_warm,
                        self.cite(warm),
                        "— against —",
                        p.paraphrase_cool,
                        self.cite(cool),
                    ],
                    " ",
                )
            )
        return m.bullets(items, class_="differ")

    def passages(self) -> m.Html:
        """Every passage this overview cites, in full."""
        frames = [
            *self.evidence(),
            self.russia_claims,
            self.us_wants,
            self.reviewer_claims,
            self.expectations,
            self.signposts,
            *(
                self.opposed.rename(columns=lambda c, e=end: c.removesuffix(e))
                for end in ("_warm", "_cool")
            ),
        ]
        return annex.passages(self, *frames)
