"""Chart builders: real data in the spec, offline SVG out, consistent colours."""

from __future__ import annotations

from russian_views import charts, queries
from russian_views.briefing import ActorBriefing
from russian_views.params import Period

ALL = Period(2008, 2021)


def _labels(dataset, code_list):
    return {c: dataset.label(code_list, c) for c in dataset.codes(code_list)}


def test_stance_timeline_draws_one_bar_per_scored_claim(dataset):
    claims = queries.claims_about(dataset, "north-korea", ALL, views=["moscow"])
    yearly = queries.stance_by_year(claims, ALL)
    spec = charts.stance_timeline(claims, yearly, _labels(dataset, "stance"), 2008, 2021).to_dict()
    datasets = list(spec["datasets"].values())
    bars = max(datasets, key=len)
    assert len(bars) == claims["stance_score"].notna().sum()
    assert {b["start"] for b in bars} >= {2014}
    assert all(2008 <= b["start"] < b["end"] <= 2022 for b in bars)


def test_stance_colours_are_the_same_scale_everywhere(dataset):
    claims = queries.claims_about(dataset, "china", ALL, views=["moscow"])
    spec = charts.theme_bars(
        claims, _labels(dataset, "theme"), _labels(dataset, "stance")
    ).to_dict()
    colours = spec["encoding"]["color"]["scale"]["range"]
    assert colours[:5] == list(charts.STANCE_COLOURS.values())


def test_figure_is_inline_svg_with_a_text_alternative(dataset):
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="south-korea")
    figure = brief.stance_chart()
    html = figure._repr_html_()
    assert html.startswith('<figure class="chart"><svg role="img" aria-label="Chart of ')
    assert "Figure 1." in html and "<figcaption>" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_svg_rendering_is_deterministic(dataset):
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="china")
    first = brief.themes_chart().svg()
    assert first == brief.themes_chart().svg()


def test_figures_are_numbered_in_order(dataset):
    brief = ActorBriefing(dataset=dataset, period=ALL, actor_id="china")
    assert [brief.stance_chart().number, brief.timeline_chart().number] == [1, 2]
