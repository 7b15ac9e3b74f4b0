"""Chart builders: real data in the spec, offline SVG and a safe interactive spec out,
consistent colours."""

from __future__ import annotations

import itertools
import json
import math
import re

import altair as alt
import pandas as pd

from russian_views.briefings import captions, charts, queries
from russian_views.briefings import event_timeline as timeline
from russian_views.briefings import markup as m
from russian_views.briefings.briefing import ActorBriefing
from russian_views.briefings.figure import Figure
from russian_views.params import Period, briefing_actors

ALL = Period(2008, 2021)


def _labels(dataset, code_list):
    return {c: dataset.label(code_list, c) for c in dataset.codes(code_list)}


def test_statement_spans_draw_each_statement_once_forecasts_apart(dataset):
    """One bar per statement over the years it is about: a 2008-2021 statement is one bar,
    not one mark per year; forecasts sit in their own panel; no averages, no trend."""
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="south-korea")
    spec = brief.stance_chart().spec()
    panels = spec["vconcat"]
    rows = [r for p in panels for r in spec["datasets"][p["data"]["name"]]]
    assert sorted(r["claim_id"] for r in rows) == sorted(brief.claims["claim_id"])
    claims = brief.claims.set_index("claim_id")
    for r in rows:
        assert (r["start"], r["end"]) == (
            claims.loc[r["claim_id"], "period_start"],
            claims.loc[r["claim_id"], "period_end"] + 1,
        )
    # Forecasts, and statements dated past the source's year (2021): they look ahead.
    ahead = (brief.claims["claim_kind"] == "expectation") | (brief.claims["period_end"] > 2021)
    forecast = set(brief.claims.loc[ahead, "claim_id"])
    assert forecast > set(brief.claims.loc[brief.claims["claim_kind"] == "expectation", "claim_id"])
    titles = [p["title"] for p in panels]
    assert titles == [
        f"{charts.RETROSPECTIVE} ({len(claims) - len(forecast)})",
        f"{charts.FORECASTS} ({len(forecast)})",
    ]
    last = spec["datasets"][panels[1]["data"]["name"]]
    assert {r["claim_id"] for r in last} == forecast
    assert all(p["mark"]["type"] == "bar" for p in panels), "no points, lines or means"
    assert "not a series of Moscow's opinion over time" in brief.stance_chart().caption


def test_the_heatmap_gives_n_in_every_cell_and_pales_thin_cells(dataset):
    from russian_views.briefings.overview import OverviewBriefing

    brief = OverviewBriefing.from_parameters(dataset=dataset)
    spec = brief.stance_heatmap().spec()
    cells, text = spec["layer"]
    rows = spec["datasets"][spec["data"]["name"]]
    assert all(r["n"] == f"n = {r['claims']}" for r in rows)
    # a mean of one or two statements is no measure: such a cell is counted, not coloured
    thin = [r for r in rows if r["claims"] < charts.MIN_MEAN]
    assert thin and all(r["mean"] is None for r in thin)
    assert all(r["mean"] is not None for r in rows if r["claims"] >= charts.MIN_MEAN)
    assert cells["encoding"]["color"]["field"] == "mean"
    assert text["encoding"]["text"]["field"] == "n"
    assert cells["encoding"]["opacity"]["field"] == "claims"
    low, high = cells["encoding"]["opacity"]["scale"]["range"]
    assert low < high
    assert cells["encoding"]["color"]["scale"]["type"] == "quantize", "a legend that prints"


def test_event_titles_wrap_instead_of_being_cut_off(dataset):
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="south-korea")
    spec = brief.timeline_chart().spec()
    rows = spec["datasets"][spec["data"]["name"]]
    for r in rows:
        assert " ".join(r["label"]) == " ".join(r["event_title"].split())
        assert all(len(line) <= timeline.TITLE_WRAP for line in r["label"])
    assert all("limit" not in layer["mark"] for layer in spec["layer"])


def test_stance_colours_are_the_same_scale_everywhere(dataset):
    claims = queries.claims_about(dataset, "china", ALL, views=["moscow"])
    spec = charts.theme_bars(
        claims, _labels(dataset, "theme"), _labels(dataset, "stance")
    ).to_dict()
    colours = spec["encoding"]["color"]["scale"]["range"]
    assert colours[:5] == list(charts.STANCE_COLOURS.values())


def test_figure_has_static_svg_interactive_spec_and_text_alternative(dataset):
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="south-korea")
    figure = brief.stance_chart()
    html = figure._repr_html_()
    assert html.startswith(
        '<figure class="chart"><div class="chart-view"></div>'
        '<div class="chart-static"><svg role="img" aria-label="Chart of '
    )
    assert "Figure 1." in html and "<figcaption>" in html
    assert re.findall(r"<script[^>]*>", html) == [
        '<script type="application/json" class="chart-spec">'
    ]
    spec = json.loads(html.split('class="chart-spec">')[1].split("</script>")[0])
    assert spec == json.loads(json.dumps(figure.spec()))
    assert spec["description"] == figure.alt_text


def test_data_cannot_close_the_spec_script():
    hostile = "</script><script>alert(1)</script><!-- & </SCRIPT"
    chart = alt.Chart(pd.DataFrame({"x": [1], "t": [hostile]})).mark_point().encode(x="x:Q")
    figure = Figure(chart, 1, "caption", "alt")
    text = figure.spec_json()
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["datasets"].popitem()[1] == [{"x": 1, "t": hostile}]
    html = figure._repr_html_()
    assert "alert(1)</script>" not in html and "<!--" not in html


def test_tooltips_carry_the_statement_and_its_reference(dataset):
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="north-korea")
    spec = brief.stance_chart().spec()
    bars = spec["vconcat"][0]
    assert [t["field"] for t in bars["encoding"]["tooltip"]] == [
        "statement",
        "stance_label",
        "years",
        "reference",
    ]
    rows = spec["datasets"][bars["data"]["name"]]
    assert all(re.fullmatch(r"¶\d+ s\d+", r["reference"]) for r in rows)


def test_event_timeline_zooms_along_the_years_and_keeps_titles_inside(dataset):
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="north-korea")
    spec = brief.timeline_chart().spec()
    (zoom,) = spec["params"]
    assert zoom["bind"] == "scales" and zoom["select"] == {"type": "interval", "encodings": ["x"]}
    tooltip = [t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]]
    assert {"event_title", "date", "what_happened", "reference"} <= set(tooltip)
    assert all(layer["mark"]["clip"] for layer in spec["layer"])
    rows = spec["datasets"][spec["data"]["name"]]
    middle = (2008 + 2022) / 2
    assert all((r["side"] == "right") == (r["when"] < middle) for r in rows), "toward the middle"


def test_figure_html_is_the_same_on_every_call(dataset):
    """Vega numbers clip paths with a counter that runs on; ids are renumbered per figure."""
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="north-korea")
    first = brief.timeline_chart()
    assert first.svg() == first.svg() and first._repr_html_() == first._repr_html_()
    ids = re.findall(r'\sid="([^"]+)"', first.svg())
    assert ids and all(i.startswith(f"figure-{first.number}-") for i in ids)


def test_figures_are_numbered_in_order(dataset):
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="china")
    assert [brief.stance_chart().number, brief.timeline_chart().number] == [1, 2]


def test_a_long_timeline_becomes_a_lane_strip_without_labels(dataset):
    import pandas as pd

    events = pd.concat([dataset.events] * 4, ignore_index=True)
    events["reference"] = m.ref_labels(events)
    names = dict(zip(dataset.actors["actor_id"], dataset.actors["name"], strict=True))
    spec = charts.event_timeline(events, 2008, 2021, names).to_dict()
    assert len(events) > timeline.LABELLED_EVENTS
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["point"]
    assert spec["height"] == timeline.LANE_STRIP_HEIGHT * timeline.EVENT_LANES
    few = charts.event_timeline(events.head(len(dataset.events)), 2008, 2021, names).to_dict()
    assert [layer["mark"]["type"] for layer in few["layer"]] == ["point", "text", "text"]


def test_every_figure_of_every_briefing_is_a_valid_vega_lite_spec(dataset, monkeypatch):
    """Figures skip Altair's validation for speed; here each one is validated instead."""
    from russian_views.briefings.briefing import Briefing
    from russian_views.briefings.compare import CompareBriefing
    from russian_views.briefings.overview import OverviewBriefing

    made: list[Figure] = []
    figure = Briefing.figure
    monkeypatch.setattr(
        Briefing, "figure", lambda self, *a: made.append(figure(self, *a)) or made[-1]
    )
    period = Period(2008, 2021)
    briefings = [ActorBriefing(dataset, period, a) for a in briefing_actors(dataset)["actor_id"]]
    briefings += [
        OverviewBriefing(dataset, period),
        CompareBriefing(dataset, period, "russia", "china"),
    ]
    for brief in briefings:
        for name in (
            "stance_chart",
            "timeline_chart",
            "themes_chart",
            "stance_heatmap",
            "heatmap",
            "over_time_chart",
        ):
            if hasattr(brief, name):
                getattr(brief, name)()
    assert len(made) >= 3 * 4 + 2
    for fig in made:
        validated = fig.chart.to_dict()  # raises on a spec that breaks the schema
        assert fig.spec() == {**validated, "description": fig.alt_text}


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB hex colour."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_every_stance_colour_in_a_figure_can_be_told_apart(dataset):
    """The reader could not tell Figure 3's two greys (mixed, no stance) apart: every pair
    of colours a stance legend uses differs by at least 20 in CIE L*a*b*, and the two greys
    by at least 20 in lightness alone, so they stay apart printed in black and white."""
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="north-korea")
    spans = brief.stance_chart().spec()["vconcat"][0]["encoding"]["color"]["scale"]
    bars = brief.themes_chart().spec()["encoding"]["color"]["scale"]
    assert spans == bars, "one stance scale in every chart"
    colours = dict(zip(spans["domain"], spans["range"], strict=True))
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        delta = math.dist(_lab(ca), _lab(cb))
        assert delta >= 20, f"{a} {ca} and {b} {cb} differ by only {delta:.1f}"
    mixed = _lab(colours[dataset.label("stance", "mixed")])[0]
    none = _lab(colours[charts.NO_STANCE])[0]
    assert abs(mixed - none) >= 20, "the two greys differ in lightness"


def _two_sources(tmp_path):
    """The record with a second, invented fixture source (tests/fixtures/expert-fixture.txt,
    published 2023) whose one claim about the United States is dated 1945-1999."""
    import shutil

    from russian_views import config
    from russian_views.dataset.load import load_dataset

    from .test_sources_of_every_kind import add_expert_source

    data = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, data)
    add_expert_source(data)
    return load_dataset(data)


def test_a_caption_and_axis_follow_the_statements_drawn_not_the_record(tmp_path):
    """With a 2023 source in the record, a briefing that draws none of its statements names
    the one it draws and "a record written in 2021"; one that draws them names both years,
    and the axis spans the statements drawn, not the record."""
    two = _two_sources(tmp_path)
    for actor, the_sources, written in [
        # North Korea's briefing prints the fixture (as China's counterpart) but its chart
        # draws none of the fixture's statements: the source drawn is named.
        ("north-korea", "the Asan Forum review (2021)", "a record written in 2021"),
        ("united-states", "the sources", "records written in 2021 and 2023"),
    ]:
        brief = ActorBriefing(dataset=two, period=Period(1945, 2037), actor_id=actor)
        claims = brief.with_references(brief.claims)
        ahead = queries.looks_ahead(claims, two)
        caption, alt_text = captions.spans_words(claims, ahead, actor, brief.sources)
        assert f"as dated in {the_sources};" in caption and f"dating of {written}," in caption
        assert f"as dated in {the_sources}," in alt_text
        spec = charts.statement_spans(claims, _labels(two, "stance"), ahead).to_dict()
        domain = spec["vconcat"][0]["encoding"]["x"]["scale"]["domain"]
        assert domain == [claims["period_start"].min(), claims["period_end"].max() + 1]
    drawn = ActorBriefing(dataset=two, period=Period(1945, 2037), actor_id="north-korea").claims
    assert drawn["period_start"].min() > 1945, "the fixture's 1945 claim stretches no other axis"


def test_a_timeline_caption_names_only_the_sources_of_its_events(tmp_path, dataset):
    """ "the source" when the briefing prints one; the events' own source by its short title
    when it prints several; "the sources" when the events come from several."""
    two = _two_sources(tmp_path)
    events = dataset.events.head(3)
    caption, alt_text = captions.timeline_words(events, "involving X", "2008–2021", dataset.sources)
    assert "as the source dates them." in caption
    # Among two printed sources, the one the events come from is named.
    caption, _ = captions.timeline_words(events, "involving X", "2008–2021", two.sources)
    assert "as the Asan Forum review (2021) dates them." in caption
    later = events.assign(source_id=["asan-forum-2021", "expert-fixture", "asan-forum-2021"])
    caption, _ = captions.timeline_words(later, "involving X", "2008–2021", two.sources)
    assert "as the sources date them." in caption
    assert alt_text.startswith("Timeline of 3 dated events involving X, 2008–2021, ")
