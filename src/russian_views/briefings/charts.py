"""Altair chart builders: what each figure of a briefing draws, and in which house style.

Colours are colour-blind safe (Okabe–Ito for actors, ColorBrewer's purple–orange diverging
scale for stance) and the same in every chart and briefing; :mod:`.figure` wraps a chart
as the numbered figure a page prints and shows.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

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
# Up to this many events the timeline gives each its own labelled line; beyond, a lane strip.
NO_STANCE = "No stance"
RETROSPECTIVE = "Statements about the past and present"
FORECASTS = "Forecasts and statements about the future"
# Event titles wrap at this many characters, so none is cut off in print.
TITLE_WRAP = 44
LABELLED_EVENTS = 60
EVENT_LANES = 12
OCCURRED_COLOURS = {"Happened": "#0072B2", "Did not happen": "#D55E00"}
# What the event timeline carries per event: position, label side, and its tooltip's fields.
_EVENT_FIELDS = [
    "event_id",
    "when",
    "side",
    "status",
    "event_title",
    "date",
    "what_happened",
    "involving",
    "reference",
]


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


def _years(starts: pd.Series, ends: pd.Series) -> list[str]:
    return [f"{a}" if a == b else f"{a}–{b}" for a, b in zip(starts, ends, strict=True)]


def _year_axis(field: str, since: int, until: int) -> alt.X:
    """Years as a continuous axis; the tick closing the last year is left unlabelled."""
    return alt.X(
        f"{field}:Q",
        scale=alt.Scale(domain=[since, until + 1]),
        title="Year",
        axis=alt.Axis(
            format="d", tickMinStep=1, labelExpr=f"datum.value > {until} ? '' : datum.label"
        ),
    )


def _stance_scale(labels: dict[str, str]) -> alt.Scale:
    return alt.Scale(
        domain=[labels[k] for k in STANCE_COLOURS], range=list(STANCE_COLOURS.values())
    )


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
        stance_label=claims["stance"].map(labels).fillna(NO_STANCE).replace("", NO_STANCE),
        statement=claims["paraphrase"],
        years=_years(claims["period_start"], claims["period_end"]),
        panel=ahead.map({True: FORECASTS, False: RETROSPECTIVE}),
    ).sort_values(["start", "end", "claim_id"])
    data["row"] = data.groupby("panel").cumcount()
    domain = [labels[k] for k in STANCE_COLOURS] + [NO_STANCE]
    colours = [*STANCE_COLOURS.values(), "#B0B0B0"]
    x = alt.X(
        "start:Q",
        title="Years the statement is about",
        scale=alt.Scale(domain=[int(data["start"].min()), int(data["end"].max())]),
        axis=alt.Axis(format="d", tickMinStep=1),
    )
    panels = []
    for panel in (RETROSPECTIVE, FORECASTS):
        rows = data[data["panel"] == panel]
        if rows.empty:
            continue
        chart = (
            _base(
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
    return _configured(alt.vconcat(*panels, spacing=14).resolve_scale(x="shared"))


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
        _base(data)
        .mark_point(filled=True, size=80)
        .encode(
            x=_year_axis("mid", since, until),
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
    return _configured(chart.properties(height=220))


def event_timeline(
    events: pd.DataFrame, since: int, until: int, name_of: dict[str, str]
) -> alt.TopLevelMixin:
    """Events placed at their date (mid-year or mid-month when only that is known).

    Drag or scroll to zoom and pan along the years. Titles sit toward the middle of the
    chart (right of early events, left of late ones), so none runs off it; marks are
    clipped to the plot so zooming in never spills them over the axis.
    """
    data = _event_rows(events, since, until, name_of)
    zoom = alt.selection_interval(name="zoom", bind="scales", encodings=["x"])
    labelled = len(data) <= LABELLED_EVENTS
    if not labelled:
        # Too many rows to read one per line: stack the events in a few lanes instead and
        # leave their titles to the tooltips (and to the table that follows the chart).
        data["row"] = data["row"] % EVENT_LANES
    y = alt.Y("row:O", title=None, axis=None, sort="ascending")
    points = (
        _base(data)
        .mark_point(filled=True, size=90, clip=True)
        .encode(
            x=_year_axis("when", since, until),
            y=y,
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
            tooltip=[
                alt.Tooltip("event_title:N", title="Event"),
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("what_happened:N", title="What happened"),
                alt.Tooltip("involving:N", title="Involving"),
                alt.Tooltip("reference:N", title="Source"),
            ],
        )
        .add_params(zoom)
    )
    layers = [points]
    for side, align, dx in [("right", "left", 8), ("left", "right", -8)] if labelled else []:
        layers.append(
            _base(data)
            .transform_filter(alt.datum.side == side)
            .mark_text(align=align, dx=dx, fontSize=10, lineHeight=10, clip=True)
            .encode(x="when:Q", y=y, text="label:N")
        )
    # A labelled row holds a title of up to two lines; a lane strip holds marks only.
    height = max(60, (22 if labelled else 18) * data["row"].nunique())
    return _configured(alt.layer(*layers).properties(height=height))


def _event_rows(
    events: pd.DataFrame, since: int, until: int, name_of: dict[str, str]
) -> pd.DataFrame:
    """One row per event: where it sits, which side its title goes, what its tooltip says."""
    when = [_decimal_year(d) for d in events["date"]]
    middle = (since + until + 1) / 2
    rows = events.assign(
        when=when,
        side=["right" if w < middle else "left" for w in when],
        status=events["occurred"].map({True: "Happened", False: "Did not happen"}),
        involving=[
            ", ".join(name_of.get(a, a) for a in ids.split("|")) for ids in events["actor_ids"]
        ],
        reference=events["reference"],
    )[_EVENT_FIELDS].reset_index(drop=True)
    rows["row"] = range(len(rows))
    rows["label"] = [textwrap.wrap(t, TITLE_WRAP) for t in rows["event_title"]]
    return rows


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
    pick = _stance_filter()
    chart = (
        _base(counts)
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
    return _configured(chart.properties(height=max(80, 24 * counts["theme_label"].nunique())))


def stance_heatmap(
    matrix: pd.DataFrame, actor_labels: dict[str, str], theme_labels: dict[str, str]
) -> alt.TopLevelMixin:
    """Mean Moscow stance by actor and theme, with the number of claims in each cell."""
    data = matrix.assign(
        actor=matrix["actor_id"].map(actor_labels),
        theme_label=matrix["theme"].map(theme_labels),
        mean=matrix["mean_stance"].round(2),
        n=[f"n = {int(c)}" for c in matrix["claims"]],
    )
    base = _base(data).encode(
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
    cells = base.mark_rect().encode(
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
    text = base.mark_text(fontSize=11).encode(text=alt.Text("n:N"), color=alt.value("black"))
    return _configured(alt.layer(cells, text).properties(height=28 * data["theme"].nunique()))


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
    base = _base(data).encode(
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
    marks = base.mark_circle(opacity=0.9).encode(
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
    text = base.mark_text(dy=-16, fontSize=10).encode(text="n:N")
    return _configured(alt.layer(marks, text).properties(height=40 * data["actor"].nunique()))
