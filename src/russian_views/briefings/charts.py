"""Altair chart builders: what each figure of a briefing draws.

The house style (font, width, colours, year axes) is :mod:`.chart_style`; the event timeline,
whose title layout is a job of its own, is :mod:`.event_timeline`; :mod:`.figure` wraps a
chart as the numbered figure a page prints and shows.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from russian_views.briefings.chart_style import (
    ACTOR_COLOURS,
    NO_STANCE,
    STANCE_COLOURS,
    base,
    configured,
    stance_domain,
    year_axis,
)
from russian_views.briefings.event_timeline import event_timeline

__all__ = [
    "ACTOR_COLOURS",
    "FORECASTS",
    "NO_STANCE",
    "RETROSPECTIVE",
    "STANCE_COLOURS",
    "event_timeline",
    "stance_by_source",
    "stance_heatmap",
    "stance_lines",
    "statement_spans",
    "theme_bars",
]

RETROSPECTIVE = "Statements about the past and present"
FORECASTS = "Forecasts and statements about the future"


def _stance_labels(claims: pd.DataFrame, labels: dict[str, str]) -> pd.Series:
    """Each claim's stance as the legend names it; "No stance" where it carries none."""
    return claims["stance"].map(labels).fillna(NO_STANCE).replace("", NO_STANCE)


def _years(starts: pd.Series, ends: pd.Series) -> list[str]:
    return [f"{a}" if a == b else f"{a}–{b}" for a, b in zip(starts, ends, strict=True)]


def _stance_filter() -> alt.Parameter:
    """Clicking a stance in the legend fades the other stances (shift-click adds more)."""
    return alt.selection_point(name="stance_pick", fields=["stance_label"], bind="legend")


def statement_spans(
    claims: pd.DataFrame, labels: dict[str, str], ahead: pd.Series
) -> alt.TopLevelMixin:
    """Each statement once, as a bar over the years the source dates it to, coloured by its
    stance (grey when it carries none): those that look ahead (``ahead``: forecasts, and
    statements dated past their source's year) in one panel, those about the past and
    present in the other. No averages and no trend marks: one source's dating of its
    statements is not a series of Moscow's opinion over time.
    """
    data = claims.assign(
        start=claims["period_start"].astype(int),
        end=claims["period_end"].astype(int) + 1,
        stance_label=_stance_labels(claims, labels),
        statement=claims["paraphrase"],
        years=_years(claims["period_start"], claims["period_end"]),
        panel=ahead.map({True: FORECASTS, False: RETROSPECTIVE}),
    ).sort_values(["start", "end", "claim_id"])
    data["row"] = data.groupby("panel").cumcount()
    domain, colours = stance_domain(labels)
    # The axis spans the statements drawn, and nothing else in the record.
    x = year_axis(
        "start",
        int(data["start"].min()),
        int(data["end"].max()) - 1,
        title="Years the statement is about",
    )
    panels = []
    for panel in (RETROSPECTIVE, FORECASTS):
        rows = data[data["panel"] == panel]
        if rows.empty:
            continue
        chart = (
            base(
                rows[
                    [
                        "claim_id",
                        "start",
                        "end",
                        "stance_label",
                        "statement",
                        "years",
                        "reference",
                        "row",
                    ]
                ]
            )
            .mark_bar(height=4)
            .encode(
                x=x,
                x2="end:Q",
                y=alt.Y("row:O", title=None, axis=None),
                color=alt.Color(
                    "stance_label:N",
                    title="Stance of a statement",
                    scale=alt.Scale(domain=domain, range=colours),
                ),
                tooltip=[
                    alt.Tooltip("statement:N", title="Statement"),
                    alt.Tooltip("stance_label:N", title="Stance"),
                    alt.Tooltip("years:N", title="About"),
                    alt.Tooltip("reference:N", title="Source"),
                ],
            )
            .properties(title=f"{panel} ({len(rows)})", height=max(40, 7 * len(rows)))
        )
        panels.append(chart)
    return configured(alt.vconcat(*panels, spacing=14).resolve_scale(x="shared"))


def _stance_label_expr(labels: dict[str, str]) -> str:
    order = list(STANCE_COLOURS)
    cases = " : ".join(f"datum.value == {i - 2} ? '{labels[k]}'" for i, k in enumerate(order))
    return cases + " : ''"


def stance_lines(
    yearly: pd.DataFrame, names: dict[str, str], labels: dict[str, str], since: int, until: int
) -> alt.TopLevelMixin:
    """Yearly mean stance of several actors as points in each actor's colour, only for the
    years with a mean (enough dated statements); no line joins years, because the years
    between have too few statements to say anything.

    ``yearly`` has columns actor_id, year, mean_stance, claims (as from
    :func:`russian_views.briefings.queries.stance_by_year`, one block per actor).
    """
    shown = yearly.dropna(subset=["mean_stance"])
    data = shown.assign(
        actor=shown["actor_id"].map(names),
        mid=shown["year"] + 0.5,
        mean=shown["mean_stance"].round(2),
    )
    colours = alt.Scale(
        domain=[names[a] for a in names], range=[ACTOR_COLOURS.get(a, "#555555") for a in names]
    )
    chart = (
        base(data)
        .mark_point(filled=True, size=80)
        .encode(
            x=year_axis("mid", since, until),
            y=alt.Y(
                "mean:Q",
                title="Moscow's mean stance",
                scale=alt.Scale(domain=[-2.2, 2.2]),
                axis=alt.Axis(values=[-2, -1, 0, 1, 2], labelExpr=_stance_label_expr(labels)),
            ),
            color=alt.Color("actor:N", title=None, scale=colours),
            shape=alt.Shape("actor:N", title=None),
            tooltip=[
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("mean:Q", title="Mean stance"),
                alt.Tooltip("claims:Q", title="Statements"),
            ],
        )
    )
    return configured(chart.properties(height=220))


def theme_bars(
    claims: pd.DataFrame, theme_labels: dict[str, str], stance_labels: dict[str, str]
) -> alt.TopLevelMixin:
    """Number of Moscow claims per theme, stacked by stance (no-stance claims in grey)."""
    data = claims.assign(
        theme_label=claims["theme"].map(theme_labels),
        stance_label=_stance_labels(claims, stance_labels),
    )
    counts = data.groupby(["theme_label", "stance_label"]).size().reset_index(name="claims")
    domain, colours = stance_domain(stance_labels)
    order = {label: i for i, label in enumerate(domain)}
    counts["stack"] = counts["stance_label"].map(order)
    pick = _stance_filter()
    chart = (
        base(counts)
        .mark_bar()
        .encode(
            y=alt.Y("theme_label:N", title=None, sort="-x"),
            x=alt.X("sum(claims):Q", title="Statements", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "stance_label:N", title="Stance", scale=alt.Scale(domain=domain, range=colours)
            ),
            order=alt.Order("stack:Q"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=[
                alt.Tooltip("theme_label:N", title="Theme"),
                alt.Tooltip("stance_label:N", title="Stance"),
                alt.Tooltip("sum(claims):Q", title="Statements"),
            ],
        )
        .add_params(pick)
    )
    return configured(chart.properties(height=max(80, 24 * counts["theme_label"].nunique())))


# The fewest statements a heat-map cell's mean is shown for: a mean of one or two ordinal
# codes is no measure, so such a cell gives its count only.
MIN_MEAN = 3


def stance_heatmap(
    matrix: pd.DataFrame, actor_labels: dict[str, str], theme_labels: dict[str, str]
) -> alt.TopLevelMixin:
    """Mean Moscow stance by actor and theme, with the number of claims in each cell; a
    cell of fewer than :data:`MIN_MEAN` statements is left uncoloured (its mean is no
    measure), its count still printed."""
    data = matrix.assign(
        actor=matrix["actor_id"].map(actor_labels),
        theme_label=matrix["theme"].map(theme_labels),
        mean=matrix["mean_stance"].round(2).where(matrix["claims"] >= MIN_MEAN),
        n=[f"n = {int(c)}" for c in matrix["claims"]],
    )
    shared = base(data).encode(
        x=alt.X(
            "actor:N", title=None, sort=list(actor_labels.values()), axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y("theme_label:N", title=None, sort=list(theme_labels.values())),
        tooltip=[
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("theme_label:N", title="Theme"),
            alt.Tooltip("mean:Q", title="Mean stance", format="+.2f"),
            alt.Tooltip("claims:Q", title="Statements"),
        ],
    )
    # Five colour steps (a legend of swatches prints where a gradient does not), and a cell
    # resting on few statements is paler, so one statement never looks like ten.
    cells = shared.mark_rect().encode(
        color=alt.Color(
            "mean:Q",
            title="Mean stance (−2 hostile … +2 supportive)",
            scale=alt.Scale(type="quantize", domain=[-2, 2], range=list(STANCE_COLOURS.values())),
            legend=alt.Legend(format="+.1f", direction="horizontal"),
        ),
        opacity=alt.Opacity(
            "claims:Q",
            title="Statements behind a cell",
            scale=alt.Scale(domain=[1, max(5, int(data["claims"].max()))], range=[0.3, 1]),
            legend=alt.Legend(format="d", tickMinStep=1),
        ),
    )
    text = shared.mark_text(fontSize=11).encode(text=alt.Text("n:N"), color=alt.value("black"))
    return configured(alt.layer(cells, text).properties(height=28 * data["theme"].nunique()))


def stance_by_source(
    rows: pd.DataFrame, actor_labels: dict[str, str], source_labels: dict[str, str]
) -> alt.TopLevelMixin:
    """One mark per source and actor: where it sits, the source's date; its colour, the
    mean stance of that source's statements about the actor; its size and label, their n."""
    data = rows.assign(
        actor=rows["actor_id"].map(actor_labels),
        source=rows["source_id"].map(source_labels),
        mean=rows["mean_stance"].round(2),
        n=[f"n = {int(c)}" for c in rows["claims"]],
    )
    shared = base(data).encode(
        x=alt.X(
            "source:N",
            title="Source, by date",
            sort=list(source_labels.values()),
            axis=alt.Axis(labelAngle=0, labelLimit=0),
        ),
        y=alt.Y("actor:N", title=None, sort=list(actor_labels.values())),
        tooltip=[
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("source:N", title="Source"),
            alt.Tooltip("mean:Q", title="Mean stance", format="+.2f"),
            alt.Tooltip("claims:Q", title="Statements"),
        ],
    )
    marks = shared.mark_circle(opacity=0.9).encode(
        color=alt.Color(
            "mean:Q",
            title="Mean stance (−2 hostile … +2 supportive)",
            scale=alt.Scale(type="quantize", domain=[-2, 2], range=list(STANCE_COLOURS.values())),
            legend=alt.Legend(format="+.1f", direction="horizontal"),
        ),
        size=alt.Size(
            "claims:Q", title="Statements", scale=alt.Scale(range=[60, 900]), legend=None
        ),
    )
    text = shared.mark_text(dy=-16, fontSize=10).encode(text="n:N")
    return configured(alt.layer(marks, text).properties(height=40 * data["actor"].nunique()))
