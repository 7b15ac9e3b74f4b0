"""The event timeline: each event a dot at its date, its title beside it, in lanes that
cannot overprint.

Where a title goes is computed here, not left to the renderer: each title's width is
measured from DejaVu Sans's advance widths (the font the charts are drawn in), and events
are packed into lanes so that no two boxes in a lane (a dot and its title) touch; lanes
are stacked, each as tall as its tallest title. Two titles therefore never share a line of
print, however close their events sit in time.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import altair as alt
import pandas as pd

from russian_views.briefings.chart_style import WIDTH, base, configured, year_axis

# Event titles wrap at this many characters, so none is cut off in print.
TITLE_WRAP = 44
# Up to this many events each gets its title; beyond, a strip of unlabelled lanes.
LABELLED_EVENTS = 60
EVENT_LANES = 12
LANE_STRIP_HEIGHT = 18
OCCURRED_COLOURS = {"Happened": "#0072B2", "Did not happen": "#D55E00"}
FONT_SIZE = 10
LINE_HEIGHT = 12
# Room between a dot's centre and its title, a dot's radius (size 90: about 5.4 px), the
# least room between two boxes in one lane, and between two lanes.
LABEL_GAP = 8
DOT_RADIUS = 6
BOX_GAP = 6
LANE_GAP = 4
# DejaVu Sans advance widths in font units (2048 to the em), read from DejaVuSans.ttf
# (fonts-dejavu-core); a character not listed counts as a full em, so a title is never
# measured short. tests/test_timeline_labels.py checks the table against the font file.
UNITS_PER_EM = 2048
_ADVANCES = {
    563: "'",
    569: "ijl",
    604: "IJ",
    651: " ,.‘’·",
    690: "/:;\\|",
    721: "f",
    739: "-",
    799: "()[]",
    803: "t",
    821: "!",
    842: "r",
    942: '"',
    1024: "*_`–§",
    1061: "“”",
    1067: "s",
    1075: "z",
    1087: "?",
    1126: "cç",
    1141: "L",
    1178: "F",
    1186: "k",
    1212: "vxy",
    1235: "P",
    1251: "TY",
    1253: "oö",
    1255: "aä",
    1260: "eéè",
    1294: "E",
    1298: "hnuüñ",
    1300: "Sbdgpq",
    1303: "$0123456789{}¶",
    1343: "K",
    1401: "AV",
    1403: "XZ",
    1405: "B",
    1423: "R",
    1430: "C",
    1499: "U",
    1532: "N",
    1540: "H",
    1577: "D",
    1587: "G",
    1597: "&",
    1612: "OQ",
    1675: "w",
    1716: "#+<=>^~×−",
    1767: "M",
    1946: "%",
    1995: "m",
    2025: "W",
}
ADVANCE = {char: width for width, chars in _ADVANCES.items() for char in chars}
# What the timeline carries per event: position, title, and its tooltip's fields.
_EVENT_FIELDS = ["event_id", "when", "status", "event_title", "date", "what_happened"]


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Width of ``text`` in pixels at ``size`` in DejaVu Sans (no kerning: never short)."""
    return sum(ADVANCE.get(char, UNITS_PER_EM) for char in text) * size / UNITS_PER_EM


@dataclass(frozen=True)
class _Box:
    left: float
    right: float
    height: float


def event_timeline(
    events: pd.DataFrame, since: int, until: int, name_of: dict[str, str]
) -> alt.TopLevelMixin:
    """Events placed at their date (mid-year or mid-month when only that is known).

    Drag or scroll to zoom and pan along the years. Each title sits beside its dot on the
    side where it fits, in a lane no other title in reach shares; marks are clipped to the
    plot so zooming in never spills them over the axis.
    """
    data = _event_rows(events, since, until, name_of)
    labelled = len(data) <= LABELLED_EVENTS
    height = _lay_out(data, since, until) if labelled else _lane_strip(data)
    zoom = alt.selection_interval(name="zoom", bind="scales", encodings=["x"])
    # One pixel per unit, counted down from the top: the layout's positions are pixels.
    pixels = alt.Scale(domain=[height, 0], nice=False, zero=False)
    points = (
        base(data)
        .mark_point(filled=True, size=90, clip=True)
        .encode(
            x=year_axis("when", since, until),
            y=alt.Y("dot_y:Q", title=None, axis=None, scale=pixels),
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
    for side, align, dx in [("right", "left", LABEL_GAP), ("left", "right", -LABEL_GAP)]:
        if labelled:
            layers.append(
                base(data)
                .transform_filter(alt.datum.side == side)
                .mark_text(
                    align=align,
                    baseline="top",
                    dx=dx,
                    fontSize=FONT_SIZE,
                    lineHeight=LINE_HEIGHT,
                    clip=True,
                )
                .encode(x="when:Q", y=alt.Y("label_y:Q", scale=pixels, axis=None), text="label:N")
            )
    return configured(alt.layer(*layers).properties(height=height))


def _event_rows(
    events: pd.DataFrame, since: int, until: int, name_of: dict[str, str]
) -> pd.DataFrame:
    """One row per event in date order: where it sits, what its title and tooltip say."""
    rows = events.assign(
        when=[_decimal_year(d) for d in events["date"]],
        status=events["occurred"].map({True: "Happened", False: "Did not happen"}),
    )[_EVENT_FIELDS]
    rows["involving"] = [
        ", ".join(name_of.get(a, a) for a in ids.split("|")) for ids in events["actor_ids"]
    ]
    rows["reference"] = list(events["reference"])
    return rows.sort_values(["when", "event_id"], kind="stable").reset_index(drop=True)


def _lay_out(rows: pd.DataFrame, since: int, until: int) -> int:
    """Give each event a side, its title's lines and a lane (columns side, label, lane,
    dot_y, label_y); return the chart's height. A lane takes an event when its box (dot
    and title) keeps ``BOX_GAP`` from every box already there; otherwise the next lane
    does, or a new one below."""
    per_year = WIDTH / (until + 1 - since)
    lanes: list[list[_Box]] = []
    sides, labels, lane_of = [], [], []
    for when, title in zip(rows["when"], rows["event_title"], strict=True):
        side, lines, box = _placed((when - since) * per_year, title)
        number = next((n for n, lane in enumerate(lanes) if _free(lane, box)), len(lanes))
        if number == len(lanes):
            lanes.append([])
        lanes[number].append(box)
        sides.append(side)
        labels.append(lines)
        lane_of.append(number)
    tops, top = [], 0.0
    for lane in lanes:
        tops.append(top)
        top += max(b.height for b in lane) + LANE_GAP
    rows["side"] = sides
    rows["label"] = labels
    rows["lane"] = lane_of
    rows["label_y"] = [tops[n] for n in lane_of]
    rows["dot_y"] = [tops[n] + LINE_HEIGHT / 2 for n in lane_of]
    return max(60, round(top))


def _free(lane: list[_Box], box: _Box) -> bool:
    """Whether ``box`` keeps ``BOX_GAP`` from every box already in ``lane``."""
    return all(box.right + BOX_GAP <= b.left or b.right + BOX_GAP <= box.left for b in lane)


def _placed(x: float, title: str) -> tuple[str, list[str], _Box]:
    """Which side of its dot a title goes (toward the middle of the chart, the roomier
    side), its lines (wrapped narrower where the usual wrap would run off the chart), and
    the box the dot and the title take."""
    side = "right" if x < WIDTH / 2 else "left"
    room = (WIDTH - x if side == "right" else x) - LABEL_GAP
    wrap = TITLE_WRAP
    lines = textwrap.wrap(title, wrap)
    while wrap > 1 and max(text_width(line) for line in lines) > room:
        wrap -= 1
        lines = textwrap.wrap(title, wrap)
    width = max(text_width(line) for line in lines) + LABEL_GAP
    height = max(len(lines) * LINE_HEIGHT, 2 * DOT_RADIUS)
    if side == "right":
        return side, lines, _Box(x - DOT_RADIUS, x + width, height)
    return side, lines, _Box(x - width, x + DOT_RADIUS, height)


def _lane_strip(rows: pd.DataFrame) -> int:
    """Too many events to title one by one: a few lanes of dots, titles left to the
    tooltips and to the table that follows the chart."""
    rows["lane"] = rows.index % EVENT_LANES
    rows["dot_y"] = rows["lane"] * LANE_STRIP_HEIGHT + LANE_STRIP_HEIGHT / 2
    return LANE_STRIP_HEIGHT * min(EVENT_LANES, len(rows))


def _decimal_year(date: str) -> float:
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    if len(parts) == 2:
        return parts[0] + (parts[1] - 0.5) / 12
    return parts[0] + (parts[1] - 1) / 12 + (parts[2] - 0.5) / 365
