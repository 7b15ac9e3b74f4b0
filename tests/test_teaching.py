"""Student and instructor editions: questions per section, answers drawn from the data."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from russian_views.briefings import briefing
from russian_views.briefings.briefing import ActorBriefing
from russian_views.classroom import teaching
from russian_views.classroom.teaching import ANSWERS, QUESTIONS


def test_every_section_with_questions_has_answers():
    assert set(QUESTIONS) == set(ANSWERS)


def test_briefings_do_not_call_teaching():
    """Teaching reads a briefing's frames; the briefing knows nothing of teaching."""
    source = Path(briefing.__file__).read_text("utf-8")
    assert "teaching" not in source
    assert not hasattr(ActorBriefing, "questions") and not hasattr(ActorBriefing, "answers")


@pytest.mark.parametrize("section", sorted(QUESTIONS))
def test_questions_name_the_actor_and_answers_cite_the_data(dataset, section):
    brief = ActorBriefing.from_parameters("south-korea", edition="instructor", dataset=dataset)
    questions = str(teaching.questions(brief, section))
    assert "Discussion questions" in questions and "<ol" in questions
    if "{name}" in " ".join(QUESTIONS[section]):
        assert "South Korea" in questions
    answers = str(teaching.answers(brief, section))
    body = str(teaching.ANSWERS[section](brief))
    assert "Suggested answers" in answers and body.strip() and body in answers


def test_answers_follow_the_parameters(dataset):
    brief = ActorBriefing.from_parameters(
        "china", views="moscow", edition="instructor", dataset=dataset
    )
    assert "The reviewer voices no reservation about the book in this cut." in str(
        teaching.answers(brief, "reviewer")
    )


def answer(brief: ActorBriefing, section: str) -> str:
    return str(teaching.answers(brief, section))


def test_the_reviewer_answer_lists_only_reservations(dataset):
    """Reviewer rows coded as a reservation about the book answer "where does the reviewer
    distance himself"; those that agree with or summarise it do not."""
    brief = ActorBriefing.from_parameters("united-states", edition="instructor", dataset=dataset)
    text = unescape(answer(brief, "reviewer"))
    rows = brief.reviewer_claims
    assert set(rows["claim_kind"]) >= {"reservation", "assessment"}
    for paraphrase in rows[rows["claim_kind"] == "reservation"]["paraphrase"]:
        assert paraphrase in text
    for paraphrase in rows[rows["claim_kind"] != "reservation"]["paraphrase"]:
        assert paraphrase not in text


def test_the_dating_answer_counts_forecasts_and_looks_back_apart(dataset):
    brief = ActorBriefing.from_parameters("south-korea", edition="instructor", dataset=dataset)
    text = unescape(answer(brief, "stance"))
    # The one source was written in 2021: a statement dated past it looks ahead, whatever
    # its kind (the book's assessment of 2021-2036 is not a look back).
    claims = brief.claims
    ahead = (claims["claim_kind"] == "expectation") | (claims["period_end"] > 2021)
    forecast, past = claims[ahead], claims[~ahead]
    assert f"{len(past)} statements look back or describe the present" in text
    assert f"{len(forecast)} statements are forecasts or look ahead" in text
    start, end = int(past["period_start"].min()), int(past["period_end"].max())
    assert end <= 2021
    whole = int(((past["period_start"] == start) & (past["period_end"] == end)).sum())
    assert f"dated between {start} and {end}; {whole} of them span the whole of it" in text
    assert "not opinion measured at the time" in text


def test_the_voices_answer_counts_the_judgments_labels(dataset):
    brief = ActorBriefing.from_parameters("south-korea", edition="instructor", dataset=dataset)
    text = unescape(answer(brief, "bottom-line"))
    filed = dataset.key_judgments[dataset.key_judgments["briefing"] == "south-korea"]
    assert f"Of the {len(filed)} key judgments here:" in text
    for voice, n in filed["voice"].value_counts().items():
        label = {"moscow": "Russian views as a review reports them"}.get(
            voice,
            dataset.label("voice", voice) if voice == "analyst" else dataset.label("view", voice),
        )
        assert f"{n} “{label}”" in text
    assert "computed" not in text


def test_through_which_other_actor_never_answers_russia(dataset):
    russia_led = []
    for actor in ("north-korea", "south-korea", "united-states", "china"):
        brief = ActorBriefing.from_parameters(actor, edition="instructor", dataset=dataset)
        counts = brief.relations["other_id"].value_counts()
        russia_led.append(not counts.empty and counts.index[0] == "russia")
        text = answer(brief, "relations")
        assert "Most often through" in text and "Most often through Russia" not in text
    assert any(russia_led)  # without the rule, Russia would be the answer somewhere


def test_print_shows_where_each_outside_date_comes_from(dataset):
    brief = ActorBriefing.from_parameters("north-korea", edition="instructor", dataset=dataset)
    external = brief.events[brief.events["date_basis"] == "external"]
    text = unescape(answer(brief, "timeline"))
    assert len(external) > 0
    assert all(note in text for note in external["note"])


def test_two_part_questions_get_both_parts(dataset):
    brief = ActorBriefing.from_parameters("china", edition="instructor", dataset=dataset)
    assert "Most critical" in answer(brief, "themes") and "Most favourable" in answer(
        brief, "themes"
    )
    assert "Watch first" in answer(brief, "expectations")
    assert "if it appeared, it would" in answer(brief, "expectations")
    wants = answer(brief, "wants")
    assert re.search(r"asks? China itself to act", wants) and "the source cannot say" in wants
