"""Altair chart builders and the figure wrapper that renders them offline.

Charts are rendered to static SVG with vl-convert in the kernel, so the HTML needs
no JavaScript or network and WeasyPrint draws the same picture in the PDF. Colours
are colour-blind safe (Okabe–Ito for actors, ColorBrewer's purple–orange diverging
scale for stance) and the same in every chart and briefing.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert

from russian_views.markup import Html, esc, tag

FONT = "DejaVu Sans"
WIDTH = 620

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour vision.
ACTOR_COLOURS = {
    "north-korea": "#D55E00",
    "south-korea": "#0072B2",
    "united-states": "#009E73",
    "china": "#CC79A7",
    "russia": "#E69F00",
    "united-nations": "#56B4E9",
    "the-west": "#999999",
    "georgia": "#F0E442",
}
# ColorBrewer PuOr: purple (supportive) to orange (hostile), grey at the neutral point.
STANCE_COLOURS = {
    "hostile": "#B35806",
    "critical": "#F1A340",
    "mixed": "#BDBDBD",
    "favourable": "#998EC3",
    "supportive": "#542788",
}
OCCURRED_COLOURS = {"Happened": "#0072B2", "Did not happen": "#D55E00"}


@dataclass(frozen=True)
class Figure:
    """A numbered chart with caption and text alternative, shown as inline SVG."""

    chart: alt.TopLevelMixin
    number: int
    caption: str
    alt_text: str

    def svg(self) -> str:
        """The chart drawn as SVG, with the text alternative attached for screen readers."""
        svg = vl_convert.vegalite_to_svg(self.chart.to_dict())
        label = f'<svg role="img" aria-label="{esc(self.alt_text)}"'
        return svg.replace("<svg", label, 1)

    def _repr_html_(self) -> str:
        caption = tag(
            "figcaption", f'<span class="fignum">Figure {self.number}.</span> ' + esc(self.caption)
        )
        alt_text = tag("p", esc(self.alt_text), class_="alt-text")
        return tag("figure", self.svg() + caption + alt_text, class_="chart")

    def html(self) -> Html:
        """The figure as an HTML fragment."""
        return Html(self._repr_html_())


def _base(data: pd.DataFrame) -> alt.Chart:
    return alt.Chart(data).properties(width=WIDTH)


def _configured(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """House style; grid lines only on quantitative axes (on band axes they misplace cells)."""
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, grid=False)
        .configure_axisQuantitative(grid=True, gridColor="#eeeeee")
        .configure_legend(
            labelFontSize=11,
            titleFontSize=11,
            titleLimit=480,
            orient="bottom",
            direction="horizontal",
            symbolStrokeWidth=3,
        )
    )


def _stance_scale(labels: dict[str, str]) -> alt.Scale:
    return alt.Scale(
        domain=[labels[k] for k in STANCE_COLOURS], range=list(STANCE_COLOURS.values())
    )


def stance_timeline(
    claims: pd.DataFrame, yearly: pd.DataFrame, labels: dict[str, str], since: int, until: int
) -> alt.TopLevelMixin:
    """Each claim as a bar over the years it covers at its stance; the yearly mean as a line."""
    data = claims.dropna(subset=["stance_score"]).copy()
    data = data.assign(
        start=data["period_start"].clip(lower=since).astype(int),
        end=data["period_end"].clip(upper=until).astype(int) + 1,
        score=data["stance_score"].astype(int),
        stance_label=data["stance"].map(labels),
    )
    data = data[["claim_id", "start", "end", "score", "stance_label"]]
    # Spread the claims of each stance level across ±0.35 so overlapping spans stay visible.
    rank = data.sort_values(["start", "end", "claim_id"]).groupby("score").cumcount()
    size = data.groupby("score")["score"].transform("size")
    data["y"] = data["score"] + ((rank + 0.5) / size - 0.5) * 0.7
    x = alt.X(
        "start:Q",
        title="Year",
        scale=alt.Scale(domain=[since, until + 1]),
        axis=alt.Axis(format="d", tickMinStep=1),
    )
    y = alt.Y(
        "y:Q",
        title="Moscow's stance",
        scale=alt.Scale(domain=[-2.4, 2.4]),
        axis=alt.Axis(values=[-2, -1, 0, 1, 2], labelExpr=_stance_label_expr(labels)),
    )
    bars = (
        _base(data)
        .mark_rule(strokeWidth=2, opacity=0.75)
        .encode(
            x=x,
            x2="end:Q",
            y=y,
            color=alt.Color(
                "stance_label:N", title="Stance of a claim", scale=_stance_scale(labels)
            ),
        )
    )
    line_data = yearly.assign(mid=yearly["year"] + 0.5)
    line = (
        _base(line_data)
        .mark_line(color="#222222", strokeWidth=2, point=alt.OverlayMarkDef(color="#222222"))
        .encode(
            x=alt.X("mid:Q"),
            y=alt.Y("mean_stance:Q"),
        )
    )
    return _configured(alt.layer(bars, line).properties(height=230))


def _stance_label_expr(labels: dict[str, str]) -> str:
    order = list(STANCE_COLOURS)
    cases = " : ".join(f"datum.value == {i - 2} ? '{labels[k]}'" for i, k in enumerate(order))
    return cases + " : ''"


def event_timeline(
    events: pd.DataFrame, since: int, until: int, name_of: dict[str, str]
) -> alt.TopLevelMixin:
    """Events placed at their date (mid-year or mid-month when only that is known)."""
    data = events.assign(
        when=[_decimal_year(d) for d in events["date"]],
        status=events["occurred"].map({True: "Happened", False: "Did not happen"}),
        lane=[name_of.get(ids.split("|")[0], ids.split("|")[0]) for ids in events["actor_ids"]],
    )[["event_id", "when", "status", "lane", "event_title"]]
    data["row"] = range(len(data))
    chart = (
        _base(data)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X(
                "when:Q",
                title="Year",
                scale=alt.Scale(domain=[since, until + 1]),
                axis=alt.Axis(format="d", tickMinStep=1),
            ),
            y=alt.Y("row:O", title=None, axis=None, sort="ascending"),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=list(OCCURRED_COLOURS), range=list(OCCURRED_COLOURS.values())
                ),
            ),
            shape=alt.Shape(
                "status:N",
                title=None,
                scale=alt.Scale(domain=list(OCCURRED_COLOURS), range=["circle", "cross"]),
            ),
        )
    )
    text = (
        _base(data)
        .mark_text(align="left", dx=8, fontSize=10, limit=330)
        .encode(
            x="when:Q",
            y=alt.Y("row:O", sort="ascending"),
            text="event_title:N",
        )
    )
    height = max(60, 18 * len(data))
    return _configured(alt.layer(chart, text).properties(height=height))


def _decimal_year(date: str) -> float:
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    if len(parts) == 2:
        return parts[0] + (parts[1] - 0.5) / 12
    return parts[0] + (parts[1] - 1) / 12 + (parts[2] - 0.5) / 365


def theme_bars(
    claims: pd.DataFrame, theme_labels: dict[str, str], stance_labels: dict[str, str]
) -> alt.TopLevelMixin:
    """Number of Moscow claims per theme, stacked by stance (no-stance claims in grey)."""
    data = claims.assign(
        theme_label=claims["theme"].map(theme_labels),
        stance_label=claims["stance"]
        .map(stance_labels)
        .fillna("No stance")
        .replace("", "No stance"),
    )
    counts = data.groupby(["theme_label", "stance_label"]).size().reset_index(name="claims")
    domain = [stance_labels[k] for k in STANCE_COLOURS] + ["No stance"]
    colours = [*STANCE_COLOURS.values(), "#E8E8E8"]
    order = {label: i for i, label in enumerate(domain)}
    counts["stack"] = counts["stance_label"].map(order)
    chart = (
        _base(counts)
        .mark_bar()
        .encode(
            y=alt.Y("theme_label:N", title=None, sort="-x"),
            x=alt.X("sum(claims):Q", title="Claims", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "stance_label:N", title="Stance", scale=alt.Scale(domain=domain, range=colours)
            ),
            order=alt.Order("stack:Q"),
        )
    )
    return _configured(chart.properties(height=max(80, 24 * counts["theme_label"].nunique())))


def stance_heatmap(
    matrix: pd.DataFrame, actor_labels: dict[str, str], theme_labels: dict[str, str]
) -> alt.TopLevelMixin:
    """Mean Moscow stance by actor and theme, with the number of claims in each cell."""
    data = matrix.assign(
        actor=matrix["actor_id"].map(actor_labels),
        theme_label=matrix["theme"].map(theme_labels),
        mean=matrix["mean_stance"].round(2),
    )
    base = _base(data).encode(
        x=alt.X(
            "actor:N", title=None, sort=list(actor_labels.values()), axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y("theme_label:N", title=None, sort=list(theme_labels.values())),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "mean:Q",
            title="Mean stance (−2 hostile … +2 supportive)",
            scale=alt.Scale(domain=[-2, 2], scheme="purpleorange", reverse=True),
        ),
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("claims:Q"),
        color=alt.condition("abs(datum.mean) > 1.2", alt.value("white"), alt.value("black")),
    )
    return _configured(alt.layer(cells, text).properties(height=28 * data["theme"].nunique()))
