"""Resolving what users type into validated parameters, with one-line errors."""

from __future__ import annotations

import pytest

from russian_views.errors import ParameterError
from russian_views.params import Period, data_years, resolve_actor, resolve_period


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("north-korea", "north-korea"),
        ("DPRK", "north-korea"),
        ("pyongyang", "north-korea"),
        ("North Korea", "north-korea"),
        ("  Seoul ", "south-korea"),
        ("the United States", "united-states"),
        ("united states", "united-states"),
        ("USA", "united-states"),
        ("beijing", "china"),
        ("PRC", "china"),
    ],
)
def test_actor_resolves_ids_names_and_aliases_in_any_case(dataset, typed, expected):
    assert resolve_actor(typed, dataset) == expected


def test_unknown_actor_names_it_and_the_valid_choices(dataset):
    with pytest.raises(ParameterError) as info:
        resolve_actor("Japan", dataset)
    message = str(info.value)
    assert "\n" not in message
    assert "'Japan'" in message
    assert "north-korea, south-korea, united-states, china" in message


def test_typo_suggests_the_closest_actor(dataset):
    with pytest.raises(ParameterError, match="did you mean 'north-korea'"):
        resolve_actor("nort-korea", dataset)


def test_non_briefed_actor_is_refused(dataset):
    with pytest.raises(ParameterError, match="unknown actor 'russia'"):
        resolve_actor("russia", dataset)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_actor_is_refused(dataset, empty):
    with pytest.raises(ParameterError, match="actor is empty"):
        resolve_actor(empty, dataset)


def test_default_period_is_the_span_of_the_record(dataset):
    assert resolve_period(None, None, dataset) == data_years(dataset) == Period(2008, 2021)


def test_years_as_strings_are_accepted(dataset):
    assert resolve_period("2014", " 2017", dataset) == Period(2014, 2017)


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        (2018, 2014, r"since \(2018\) is after until \(2014\)"),
        (1990, 1999, "since must be a year from 2008 to 2021 .*not 1990"),
        (-5, None, "since must be a year from 2008 to 2021 .*not -5"),
        (None, 99999, "until must be a year from 2008 to 2021 .*not 99999"),
        (2010, 2030, "until must be a year from 2008 to 2021"),
        ("abc", None, "since must be a year from 2008 to 2021, not 'abc'"),
        ("", None, "since must be a year from 2008 to 2021, not ''"),
        (None, 20.5, "until must be a year"),
        (True, None, "since must be a year"),
    ],
)
def test_bad_periods_are_refused_in_one_line(dataset, since, until, message):
    """Years outside the data's span are refused, as ``params`` says (issue 10)."""
    with pytest.raises(ParameterError, match=message):
        resolve_period(since, until, dataset)


def _options(dataset, **given):
    from russian_views.params import resolve_options

    return resolve_options(dataset, **given)


def test_themes_accept_a_list_or_a_comma_string_in_any_case_and_keep_codebook_order(dataset):
    assert _options(dataset, themes="sanctions, NUCLEAR").themes == ("nuclear", "sanctions")
    assert _options(dataset, themes=["Nuclear"]).themes == ("nuclear",)
    assert _options(dataset, themes="ALL").themes == tuple(dataset.codes("theme"))
    assert _options(dataset).themes == tuple(dataset.codes("theme"))


def test_unknown_theme_suggests_and_lists_the_codebook(dataset):
    with pytest.raises(
        ParameterError, match="unknown theme 'sanction' \\(did you mean 'sanctions'"
    ):
        _options(dataset, themes="sanction")


@pytest.mark.parametrize("empty", ["", " , ", []])
def test_an_empty_list_of_themes_is_refused_not_taken_as_all(dataset, empty):
    with pytest.raises(ParameterError, match="themes is empty; choose from: all, nuclear"):
        _options(dataset, themes=empty)


def test_a_nested_list_of_themes_is_refused(dataset):
    with pytest.raises(ParameterError, match="themes must be a word"):
        _options(dataset, themes=[["nuclear"]])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("moscow", "reviewer")),
        ("both", ("moscow", "reviewer")),
        ("Both", ("moscow", "reviewer")),
        ("REVIEWER", ("reviewer",)),
        ("reviewer,moscow", ("moscow", "reviewer")),
    ],
)
def test_views(dataset, value, expected):
    assert _options(dataset, views=value).views == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"detail": "SUMMARY"}, ("summary", "reader")),
        ({"edition": "Instructor"}, ("full", "instructor")),
        ({}, ("full", "reader")),
    ],
)
def test_choices_accept_any_case_and_keep_the_canonical_form(dataset, given, expected):
    options = _options(dataset, **given)
    assert (options.detail, options.edition) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"views": "kremlin"}, "unknown view 'kremlin'; choose from: both, moscow, reviewer"),
        ({"detail": "short"}, "unknown detail 'short'; choose from: full, summary"),
        ({"edition": "teacher"}, "unknown edition 'teacher'.*; choose from: reader, student, inst"),
        ({"detail": " "}, "detail is empty; choose from: full, summary"),
        ({"edition": ["student"]}, "unknown edition \\['student'\\]"),
    ],
)
def test_bad_view_detail_edition_are_refused(dataset, given, message):
    with pytest.raises(ParameterError, match=message):
        _options(dataset, **given)


def test_file_names_record_every_non_default_choice_in_canonical_form(dataset):
    from russian_views.rendering import render

    assert render.actor_job(dataset, "china").stem == "china"
    job = render.actor_job(
        dataset,
        "PRC",
        2014,
        None,
        themes="Sanctions,NUCLEAR",
        views="Moscow",
        detail="Summary",
        edition="STUDENT",
        paper="letter",
    )
    assert job.stem == "china_2014-2021_nuclear+sanctions_moscow_summary_student_Letter"
    assert render.overview_job(dataset, paper="LETTER").stem == "overview_Letter"
    assert render.overview_job(dataset, paper="A4").stem == "overview"


def test_papermill_gets_canonical_values(dataset):
    from russian_views.rendering import render

    job = render.actor_job(dataset, "Beijing", "2014", themes="SANCTIONS", views="moscow,reviewer")
    assert job.parameters == {
        "actor": "china",
        "since": 2014,
        "until": 2021,
        "themes": "sanctions",
        "views": "both",
        "detail": "full",
        "edition": "reader",
    }


def test_echoed_values_are_truncated(dataset):
    with pytest.raises(ParameterError) as info:
        resolve_actor("x" * 10_000, dataset)
    assert len(str(info.value)) < 200 and "…" in str(info.value)


@pytest.mark.parametrize("value", [["china"], True, {"a": 1}])
def test_an_actor_that_is_not_text_is_refused_as_such(dataset, value):
    with pytest.raises(ParameterError, match="actor must be an actor's id, name or alias, not"):
        resolve_actor(value, dataset)
