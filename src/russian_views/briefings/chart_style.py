"""The charts' house style, shared by every chart builder: font, width, colours, axes.

Colours are colour-blind safe (Okabe–Ito for actors, ColorBrewer's purple–orange diverging
scale for stance) and the same in every chart and briefing. The two greys (a statement of
mixed stance, one with no stance) differ by about 30 points of lightness, so they stay apart
in print and in greyscale, and neither is close to a stance colour.
"""

from __future__ import annotations

import altair as alt

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
# ColorBrewer PuOr: purple (supportive) to orange (hostile), a mid grey at the neutral point.
STANCE_COLOURS = {
    "hostile": "#B35806",
    "critical": "#F1A340",
    "mixed": "#8C8C8C",
    "favourable": "#998EC3",
    "supportive": "#542788",
}
# A statement that carries no stance: a pale grey, far lighter than "mixed".
NO_STANCE = "No stance"
NO_STANCE_COLOUR = "#DCDCDC"


def base(data) -> alt.Chart:
    """A chart of the house width over ``data``."""
    return alt.Chart(data).properties(width=WIDTH)


def configured(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
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


def year_axis(field: str, since: int, until: int, title: str = "Year") -> alt.X:
    """Years as a continuous axis from ``since`` to the end of ``until``; the tick closing
    the last year is left unlabelled, so the axis never names a year nothing is in."""
    return alt.X(
        f"{field}:Q",
        scale=alt.Scale(domain=[since, until + 1]),
        title=title,
        axis=alt.Axis(
            format="d", tickMinStep=1, labelExpr=f"datum.value > {until} ? '' : datum.label"
        ),
    )


def stance_domain(labels: dict[str, str]) -> tuple[list[str], list[str]]:
    """The stance legend's entries, hostile to supportive then "No stance", and their
    colours: one scale for every chart that colours statements by stance."""
    domain = [labels[k] for k in STANCE_COLOURS] + [NO_STANCE]
    return domain, [*STANCE_COLOURS.values(), NO_STANCE_COLOUR]
