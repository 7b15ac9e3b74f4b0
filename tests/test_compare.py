"""The comparison of two actors: theme by theme, over time, with cited passages."""

from __future__ import annotations

import re
from html import unescape

import pytest

from russian_views.briefings import queries
from russian_views.briefings.compare import CompareBriefing
from russian_views.errors import ParameterError
from russian_views.rendering import render


def test_comparison_sections_cite_resolvable_passages(dataset):
    brief = CompareBriefing.from_parameters("DPRK", "Seoul", dataset=dataset)
    assert brief.title == "Russian views of North Korea and South Korea compared"
    html = "".join(
        str(x)
        for x in (brief.bottom_line(), brief.theme_table(), brief.over_time(), brief.by_theme())
    )
    n = len(brief.sides[0].claims)
    assert f"Of the {n} coded statements of Moscow's view about North Korea" in unescape(html)
    assert "the widest gap in mean stance is on" in html
    cited = set(re.findall(r'href="#(src-[^"]+)"', html))
    assert cited and cited <= set(re.findall(r'id="(src-[^"]+)"', str(brief.passages())))


def test_theme_table_matches_each_side(dataset):
    brief = CompareBriefing.from_parameters("china", "united-states", dataset=dataset)
    table = brief.theme_table_data()
    china = brief.sides[0].claims.dropna(subset=["stance_score"])
    for row in table.dropna(subset=["mean_a"]).itertuples():
        expected = china.loc[china["theme"] == row.theme, "stance_score"].mean()
        assert row.mean_a == pytest.approx(float(expected))


def test_the_same_actor_twice_is_refused(dataset):
    with pytest.raises(ParameterError, match="both 'china'; choose two different actors"):
        CompareBriefing.from_parameters("PRC", "Beijing", dataset=dataset)


def test_compare_job_names_both_actors(dataset):
    job = render.compare_job(dataset, "Seoul", "DPRK", 2014, 2017)
    assert job.stem == "compare_south-korea_north-korea_2014-2017"
    assert job.parameters == {
        "actor_a": "south-korea",
        "actor_b": "north-korea",
        "since": 2014,
        "until": 2017,
    }


def test_over_time_shows_only_years_with_enough_dated_statements(dataset):
    brief = CompareBriefing.from_parameters("north-korea", "south-korea", dataset=dataset)
    figure = brief.over_time_chart()
    spec = figure.chart.to_dict()
    assert spec["mark"]["type"] == "point", "no line joins years"
    points = max(spec["datasets"].values(), key=len)
    assert points and all(p["claims"] >= queries.MIN_YEARLY for p in points)
    assert "<svg" in figure._repr_html_()
    table = str(brief.over_time())
    assert "Toward North Korea" in table and "(n = " in table
