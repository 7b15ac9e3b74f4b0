"""Comparing Moscow's views of two actors: theme by theme, over time, with the passages.

The sections of ``notebooks/compare.ipynb``. Each side is an :class:`ActorBriefing`
on the same data and period, so a statement reads the same here as in its own briefing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from russian_views.briefings import annex, charts, queries
from russian_views.briefings import markup as m
from russian_views.briefings.annex import SIDE, group_claims
from russian_views.briefings.briefing import ActorBriefing, Briefing
from russian_views.briefings.figure import Figure
from russian_views.briefings.record import sources_phrase
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.params import Period, from_namespace, resolve
from russian_views.spec import COMPARE


@dataclass
class CompareBriefing(Briefing):
    """Two actor briefings side by side."""

    actor_a: str = ""
    actor_b: str = ""

    @classmethod
    def from_parameters(
        cls,
        actor_a: object,
        actor_b: object,
        since: object = None,
        until: object = None,
        dataset: Dataset | None = None,
    ) -> CompareBriefing:
        """Validate the parameters: two different briefed actors and a period."""
        dataset = dataset or load_dataset()
        given = {"actor_a": actor_a, "actor_b": actor_b, "since": since, "until": until}
        v = resolve(COMPARE, given, dataset)
        period = Period(int(v["since"]), int(v["until"]))
        return cls(dataset=dataset, period=period, actor_a=v["actor_a"], actor_b=v["actor_b"])

    @classmethod
    def from_namespace(cls, namespace: dict) -> CompareBriefing:
        """The comparison for the notebook's parameters (refusing names it does not take)."""
        return cls.from_parameters(**from_namespace(namespace, COMPARE))

    @cached_property
    def sides(self) -> tuple[ActorBriefing, ActorBriefing]:
        """The two actors' briefings on this comparison's data and period."""
        return tuple(
            ActorBriefing(dataset=self.dataset, period=self.period, actor_id=a)
            for a in (self.actor_a, self.actor_b)
        )

    def printed(self) -> list[pd.DataFrame]:
        """What the two sides print: their sources make this comparison's record."""
        return [frame for side in self.sides for frame in side.printed()]

    @property
    def names(self) -> tuple[str, str]:
        """Display names of the two actors."""
        return self.name(self.actor_a), self.name(self.actor_b)

    @property
    def title(self) -> str:
        """The comparison's title."""
        a, b = self.names
        return f"Russian views of {a} and {b} compared"

    def title_block(self) -> m.Html:
        """Title, standfirst, provenance and how to read."""
        a, b = self.names
        dek = (
            f"How Moscow's views of {a} and of {b} differ, theme by theme and over "
            f"{self.period}, as Russian authors' views are reported in "
            f"{sources_phrase(self.dataset, self.sources)}."
        )
        return m.join([self.meta_block(self.title), m.paragraph(dek, class_="dek")])

    def dated(self, claims: pd.DataFrame) -> pd.DataFrame:
        """The claims the source dates more closely than the whole record."""
        return claims[~queries.undated(claims, self.record)]

    def stance_count(self, side: ActorBriefing) -> str:
        """A computed sentence that says exactly what it counted, and its n."""
        about = side.name(side.actor_id)
        claims = side.claims
        if claims.empty:
            return f"The record holds no coded statement of Moscow's view about {about} here."
        scored = claims.dropna(subset=["stance_score"])
        warm = int((scored["stance_score"] > 0).sum())
        cool = int((scored["stance_score"] < 0).sum())
        unscored = len(claims) - len(scored)
        text = (
            f"Of the {len(claims)} coded statements of Moscow's view about {about} in this "
            f"record, {len(scored)} carry a stance: {warm} favourable or supportive, "
            f"{len(scored) - warm - cool} mixed or neutral, {cool} critical or hostile"
        )
        return text + (f"; {unscored} carry none." if unscored else ".")

    @cached_property
    def matrix(self) -> pd.DataFrame:
        """Mean stance and count per theme for both actors."""
        return queries.stance_matrix(self.dataset, [self.actor_a, self.actor_b], self.period)

    def bottom_line(self) -> m.Html:
        """Each side's coded record, counted, then the theme where their means differ most."""
        items: list[str | m.Html] = [self.stance_count(s) for s in self.sides]
        gap = self._gap_sentence()
        if gap:
            items.append(gap)
        return m.join([m.note("Our count of the coded record."), m.bullets(items, class_="counts")])

    def _gap_sentence(self) -> m.Html | None:
        table = self.theme_table_data()
        both = table.dropna(subset=["mean_a", "mean_b"])
        if both.empty:
            return None
        row = both.loc[(both["mean_a"] - both["mean_b"]).abs().idxmax()]
        a, b = self.names
        cited = pd.concat([s.claims[s.claims["theme"] == row["theme"]] for s in self.sides])
        gap = (
            f"Of the {len(both)} themes with statements carrying a stance about both, the widest "
            f"gap in mean stance is on {self.label('theme', row['theme']).lower()}: "
            f"{row['mean_a']:+.1f} toward {a} against {row['mean_b']:+.1f} toward "
            f"{b} (−2 hostile to +2 supportive; counts in the table below)."
        )
        return m.join([gap, self.cite_rows(cited.dropna(subset=["stance_score"]))], " ")

    def theme_table_data(self) -> pd.DataFrame:
        """One row per theme: each side's mean stance and number of statements."""
        wide = self.matrix.pivot(
            index="theme", columns="actor_id", values=["mean_stance", "claims"]
        )
        rows = []
        for theme in self.dataset.codes("theme"):
            if theme not in wide.index:
                continue
            rows.append(
                {
                    "theme": theme,
                    "mean_a": wide.at[theme, ("mean_stance", self.actor_a)]
                    if ("mean_stance", self.actor_a) in wide.columns
                    else None,
                    "mean_b": wide.at[theme, ("mean_stance", self.actor_b)]
                    if ("mean_stance", self.actor_b) in wide.columns
                    else None,
                }
            )
        return pd.DataFrame(rows, columns=["theme", "mean_a", "mean_b"]).astype(
            {"mean_a": float, "mean_b": float}
        )

    def heatmap(self) -> Figure | m.Html:
        """Mean stance by theme for the two actors."""
        if self.matrix.empty:
            return m.empty("No coded statement in this period carries a stance.")
        names = dict(zip((self.actor_a, self.actor_b), self.names, strict=True))
        chart = charts.stance_heatmap(self.matrix, names, self.labels("theme"))
        a, b = self.names
        alt_text = (
            f"Heat map of Moscow's mean stance toward {a} and {b} on each theme; the "
            "table below gives the same numbers."
        )
        return self.figure(
            chart,
            f"Moscow's mean stance toward {a} and {b} by theme, "
            f"{self.period}; numbers count statements.",
            alt_text,
        )

    def theme_table(self) -> m.Html:
        """The theme-by-theme numbers as a table."""
        a, b = self.names
        rows = []
        for r in self.theme_table_data().itertuples():
            gap = "" if pd.isna(r.mean_a) or pd.isna(r.mean_b) else f"{r.mean_a - r.mean_b:+.1f}"
            rows.append([self.label("theme", r.theme), _score(r.mean_a), _score(r.mean_b), gap])
        return m.table(
            ["Theme", f"Toward {a}", f"Toward {b}", "Difference"], rows, class_="data compare"
        )

    @cached_property
    def yearly(self) -> pd.DataFrame:
        """Each side's statements dated to each year and their mean stance (where there are
        enough), stacked with an actor_id column; undated statements are left out."""
        frames = [
            queries.stance_by_year(self.dated(s.claims), self.period).assign(actor_id=s.actor_id)
            for s in self.sides
        ]
        return pd.concat(frames, ignore_index=True)

    def over_time_chart(self) -> Figure | m.Html:
        """Each side's yearly average stance, as points where enough statements are dated."""
        if self.yearly["mean_stance"].isna().all():
            return m.empty(
                f"No year of {self.period} has the {queries.MIN_YEARLY} dated statements "
                "an average needs, for either actor; the table below counts them."
            )
        a, b = self.names
        names = dict(zip((self.actor_a, self.actor_b), self.names, strict=True))
        chart = charts.stance_lines(
            self.yearly, names, self.labels("stance"), self.period.since, self.period.until
        )
        alt_text = (
            f"Chart of Moscow's average stance toward {a} and toward {b} in the years of "
            f"{self.period} to which the source dates at least {queries.MIN_YEARLY} statements, "
            "on the scale from hostile (−2) to supportive (+2); the table below gives every "
            "year with its count."
        )
        caption = (
            f"Moscow's average stance toward {a} and {b} by year, {self.period}, as one "
            f"{self.as_of} source dates its statements: points only where at least "
            f"{queries.MIN_YEARLY} statements are dated to a year; statements about the whole "
            f"record ({self.record}) are left out. Not a poll of Moscow's opinion over time."
        )
        return self.figure(chart, caption, alt_text)

    def over_time(self) -> m.Html:
        """Each side's dated statements per year, with the mean where there are enough."""
        if self.yearly.empty:
            return m.empty("No coded statement in this period carries a stance.")
        a, b = self.names
        rows = []
        for year in sorted(set(self.yearly["year"])):
            cells = [str(int(year))]
            for actor in (self.actor_a, self.actor_b):
                hit = self.yearly[
                    (self.yearly["year"] == year) & (self.yearly["actor_id"] == actor)
                ]
                cells.append(
                    "—"
                    if hit.empty
                    else f"{_score(hit['mean_stance'].iloc[0])} (n = {int(hit['claims'].iloc[0])})"
                )
            rows.append(cells)
        return m.table(["Year", f"Toward {a}", f"Toward {b}"], rows, class_="data compare")

    def by_theme(self) -> m.Html:
        """For each theme both sides share, the statements on either side."""
        claims = pd.concat([s.claims.assign(**{SIDE: s.actor_id}) for s in self.sides])
        sides = {s.actor_id: f"On {s.name(s.actor_id)}" for s in self.sides}
        shared = group_claims(self, claims, "theme", self.labels("theme"), sides=sides)
        return shared or m.empty("The two actors share no theme in this period.")

    def passages(self) -> m.Html:
        """Every passage this comparison cites, in full."""
        return annex.passages(self, *(s.claims for s in self.sides))


def _score(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:+.1f}"
