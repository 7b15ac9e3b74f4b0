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
        (1990, 1999, "lies outside the data, which covers 2008–2021"),
        ("abc", None, "since must be a year such as 2008, not 'abc'"),
        (None, 20.5, "until must be a year"),
        (True, None, "since must be a year"),
    ],
)
def test_bad_periods_are_refused_in_one_line(dataset, since, until, message):
    with pytest.raises(ParameterError, match=message):
        resolve_period(since, until, dataset)


def test_themes_accept_a_list_or_a_comma_string_and_keep_codebook_order(dataset):
    from russian_views.params import resolve_themes

    assert resolve_themes("sanctions, nuclear", dataset) == ("nuclear", "sanctions")
    assert resolve_themes(["nuclear"], dataset) == ("nuclear",)
    assert resolve_themes("all", dataset) == tuple(dataset.codes("theme"))


def test_unknown_theme_suggests_and_lists_the_codebook(dataset):
    from russian_views.params import resolve_themes

    with pytest.raises(
        ParameterError, match="unknown theme 'sanction' \\(did you mean 'sanctions'"
    ):
        resolve_themes("sanction", dataset)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("moscow", "reviewer")),
        ("both", ("moscow", "reviewer")),
        ("reviewer", ("reviewer",)),
    ],
)
def test_views(value, expected):
    from russian_views.params import resolve_views

    assert resolve_views(value) == expected


def test_bad_view_detail_edition_are_refused():
    from russian_views.params import DETAILS, resolve_choice, resolve_views

    with pytest.raises(ParameterError, match="unknown view 'kremlin'"):
        resolve_views("kremlin")
    with pytest.raises(ParameterError, match="unknown detail 'short'; choose from: full, summary"):
        resolve_choice("detail", "short", DETAILS)


def test_option_suffix_names_every_non_default_choice(dataset):
    from russian_views.params import resolve_options

    everything = tuple(dataset.codes("theme"))
    assert resolve_options(dataset).suffix(everything) == ""
    cut = resolve_options(dataset, "sanctions,nuclear", "moscow", "summary", "student")
    assert cut.suffix(everything) == "_nuclear+sanctions_moscow_summary_student"
