"""Timeline titles never overprint: their boxes, measured on the chart as vl-convert draws
it (the SVG the PDF prints) with the widths of the font file itself, never overlap one
another, another event's dot, or the chart's edges."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
import vl_convert
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from russian_views.briefings import event_timeline as timeline
from russian_views.briefings.briefing import ActorBriefing
from russian_views.briefings.chart_style import WIDTH
from russian_views.briefings.figure import VL_VERSION
from russian_views.params import Period

Box = tuple[float, float, float, float]  # left, top, right, bottom, in pixels


@pytest.fixture(scope="module")
def font_advance():
    """Advance width in pixels per em of each character, read from DejaVu Sans itself
    (fonts-dejavu-core, a system package the README names)."""
    path = next(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"))
    font = TTFont(path)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    em = font["head"].unitsPerEm
    return lambda char: hmtx[cmap[ord(char)]][0] / em


def _marks(node, kind: str):
    """Every item of ``kind`` marks (text, symbol) drawn for the events, anywhere in the
    scenegraph; axis and legend labels are not the chart's marks."""
    if isinstance(node, dict):
        if node.get("marktype") == kind and node.get("role") == "mark":
            yield from node.get("items", [])
        for value in node.values():
            yield from _marks(value, kind)
    elif isinstance(node, list):
        for value in node:
            yield from _marks(value, kind)


def _label_boxes(spec: dict, advance) -> tuple[list[Box], list[Box]]:
    """The title boxes and the dot boxes of a timeline as vl-convert lays it out."""
    scene = vl_convert.vegalite_to_scenegraph(spec, vl_version=VL_VERSION)
    labels = []
    for item in _marks(scene, "text"):
        lines = item["text"] if isinstance(item["text"], list) else [item["text"]]
        size, height = item["fontSize"], item.get("lineHeight", item["fontSize"])
        width = max(sum(advance(c) for c in line) for line in lines) * size
        x = item["x"] + item.get("dx", 0)
        left = {"left": x, "right": x - width, "center": x - width / 2}[item["align"]]
        tall = height * len(lines)
        top = {"top": item["y"], "middle": item["y"] - tall / 2, "bottom": item["y"] - tall}[
            item["baseline"]
        ]
        labels.append((left, top, left + width, top + tall))
    dots = []
    for item in _marks(scene, "symbol"):
        r = (item["size"] / 3.14159) ** 0.5
        dots.append((item["x"] - r, item["y"] - r, item["x"] + r, item["y"] + r))
    return labels, dots


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _assert_no_overprint(spec: dict, advance) -> None:
    labels, dots = _label_boxes(spec, advance)
    assert labels, "the timeline draws its titles"
    for a, b in combinations(labels, 2):
        assert not _overlap(a, b), f"titles overprint: {a} {b}"
    for label in labels:
        assert label[0] >= 0 and label[2] <= WIDTH, f"a title runs off the chart: {label}"
        hit = [dot for dot in dots if _overlap(label, dot)]
        assert len(hit) <= 1, f"a title covers another event's dot: {label} {hit}"


def _events(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """Fixture events (invented titles, marked as such): date and title per row."""
    return pd.DataFrame(
        {
            "event_id": [f"e{i:03d}" for i in range(len(rows))],
            "date": [d for d, _ in rows],
            "event_title": [t for _, t in rows],
            "what_happened": "Fixture event.",
            "actor_ids": "north-korea",
            "occurred": [i % 4 != 3 for i in range(len(rows))],
            "reference": "¶1 s1",
        }
    )


def test_the_width_table_is_the_fonts(font_advance):
    """The layout measures titles with a table of DejaVu Sans's advance widths: it is the
    font's own, character by character."""
    for char, units in timeline.ADVANCE.items():
        assert units / timeline.UNITS_PER_EM == font_advance(char), char
    # A character outside the table counts as a full em: never measured short.
    assert timeline.text_width("Ж", 10) == 10


def test_north_korea_timeline_titles_never_overprint(dataset, font_advance):
    """The reader saw "…after Trump's overtures" printed over "Sanctions exemption…";
    with the exemption dated March 2016 (as the corrected record has it) even more events
    crowd 2016-2017."""
    events = dataset.events.copy()
    events.loc[events["event_id"] == "e010", "date"] = "2016-03"
    brief = ActorBriefing(dataset=dataset, period=Period(2008, 2021), actor_id="north-korea")
    brief.events = events[events["actor_ids"].str.contains("north-korea")]
    spec = brief.timeline_chart().spec()
    _assert_no_overprint(spec, font_advance)


def test_a_crowded_year_of_long_titles_never_overprints(font_advance):
    long = "Fixture: a long invented event title that wraps over three lines of print here"
    rows = [(f"2016-{m:02d}", f"{long} {m}") for m in range(1, 13)]
    rows += [("2016", "Fixture: a year-only event"), ("2008-01", "Fixture: first")]
    rows += [("2021-12", "Fixture: a last event whose title must stay inside the chart")]
    # Wide letters near the middle: the usual wrap would run past the chart's edge.
    rows += [("2014-12", "Fixture WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW MMMMMMMMMMMM")]
    spec = timeline.event_timeline(_events(rows), 2008, 2021, {}).to_dict()
    _assert_no_overprint(spec, font_advance)
    lanes, _ = _label_boxes(spec, font_advance)
    assert len(lanes) == len(rows), "every event keeps its title"


def test_events_far_apart_share_a_lane(font_advance):
    """Lanes are packed: the chart is no taller than the titles need."""
    rows = [("2008-06", "Fixture: early"), ("2021-06", "Fixture: late")]
    spec = timeline.event_timeline(_events(rows), 2008, 2021, {}).to_dict()
    labels, _ = _label_boxes(spec, font_advance)
    assert labels[0][1] == labels[1][1], "two short titles far apart sit on one line"
    _assert_no_overprint(spec, font_advance)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.integers(2008, 2021),
            st.integers(1, 12),
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz WMIl'-", min_size=1, max_size=90),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_any_events_lay_out_without_overprinting(font_advance, rows):
    """Whatever the dates and titles (invented here), no title touches another."""
    events = _events([(f"{y}-{m:02d}", f"Fixture {t.strip() or 'x'}") for y, m, t in rows])
    spec = timeline.event_timeline(events, 2008, 2021, {}).to_dict()
    _assert_no_overprint(spec, font_advance)
