"""The briefing sections: cited judgments, voices kept apart, every citation resolvable."""

from __future__ import annotations

import re

import pytest

from russian_views.briefing import ActorBriefing
from russian_views.data import load_dataset
from russian_views.errors import ParameterError
from russian_views.overview import OverviewBriefing
from russian_views.params import Period

from .conftest import edit_csv

ACTORS = ["north-korea", "south-korea", "united-states", "china"]
CITE = re.compile(r'href="#(src-[^"]+)"')


def _all_sections(brief: ActorBriefing) -> str:
    parts = [
        brief.title_block(),
        brief.bottom_line(),
        brief.timeline_table(),
        brief.views_by_theme(),
        brief.relations_section(),
        brief.expectations_section(),
        brief.wants_section(),
        brief.reviewer_section(),
    ]
    return "".join(str(p) for p in parts)


@pytest.mark.parametrize("actor", ACTORS)
def test_bottom_line_has_three_to_five_cited_judgments(dataset, actor):
    brief = ActorBriefing.from_parameters(actor, dataset=dataset)
    judgments = [j for j in brief.key_judgments() if j]
    assert 3 <= len(judgments) <= 5
    assert all(CITE.search(j) for j in judgments)


@pytest.mark.parametrize("actor", ACTORS)
def test_every_citation_resolves_to_a_passage_in_the_appendix(dataset, actor):
    brief = ActorBriefing.from_parameters(actor, dataset=dataset)
    cited = set(CITE.findall(_all_sections(brief)))
    anchors = set(re.findall(r'id="(src-[^"]+)"', str(brief.passages())))
    assert cited and cited <= anchors


def test_passages_quote_the_source_sentence_in_full(dataset):
    brief = ActorBriefing.from_parameters("south-korea", dataset=dataset)
    passages = str(brief.passages())
    assert "Seoul was blamed for reducing political ties." in passages


def test_moscow_and_reviewer_voices_are_labelled_apart(dataset):
    brief = ActorBriefing.from_parameters("north-korea", dataset=dataset)
    assert set(brief.claims["view"]) == {"moscow"}
    reviewer = str(brief.reviewer_section())
    assert "Reviewer’s judgment" in reviewer
    assert "view-moscow" not in reviewer


def test_title_names_the_actor_and_period(dataset):
    brief = ActorBriefing.from_parameters("Seoul", since=2014, until=2018, dataset=dataset)
    assert brief.title == "Russian views of South Korea"
    assert "2014–2018" in str(brief.title_block())
    assert brief.period == Period(2014, 2018)


def test_bad_parameter_fails_with_the_valid_choices(dataset):
    with pytest.raises(ParameterError, match="choose one of: north-korea"):
        ActorBriefing.from_parameters("Narnia", dataset=dataset)


def test_a_period_without_claims_says_so_rather_than_failing(dataset):
    brief = ActorBriefing.from_parameters("china", since=2008, until=2008, dataset=dataset)
    html = _all_sections(brief) + str(brief.stance_chart())
    assert "<svg" in html or "No coded" in html


def test_markup_in_data_is_shown_as_text(data_copy, dataset):
    first = dataset.claims[dataset.claims["subject_id"] == "china"].iloc[0]
    hostile = "<script>alert(1)</script> {{ 7*7 }} $x$ **bold** <img src=x onerror=alert(2)>"
    edit_csv(data_copy / "claims.csv", first["paraphrase"], hostile.replace(",", ";"))
    brief = ActorBriefing.from_parameters("china", dataset=load_dataset(data_copy))
    html = str(brief.views_by_theme())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
    assert "<script" not in html and "<img" not in html


def test_overview_covers_every_actor_and_what_moscow_wants_of_the_us(dataset):
    brief = OverviewBriefing.from_parameters(dataset=dataset)
    bottom = str(brief.bottom_line())
    for name in ["North Korea", "South Korea", "The United States", "China"]:
        assert f"<strong>{name}.</strong>" in bottom
    assert "What Moscow wants of Washington" in bottom
    assert "Prescription" in str(brief.us_wants_section())
    cited = set(CITE.findall(bottom + str(brief.aims_section()) + str(brief.us_wants_section())))
    assert cited <= set(re.findall(r'id="(src-[^"]+)"', str(brief.passages())))
