"""Student and instructor editions: questions per section, answers drawn from the data."""

from __future__ import annotations

import pytest

from russian_views.briefing import ActorBriefing
from russian_views.teaching import ANSWERS, QUESTIONS


def test_every_section_with_questions_has_answers():
    assert set(QUESTIONS) == set(ANSWERS)


@pytest.mark.parametrize("section", sorted(QUESTIONS))
def test_questions_name_the_actor_and_answers_cite_the_data(dataset, section):
    brief = ActorBriefing.from_parameters("south-korea", edition="instructor", dataset=dataset)
    questions = str(brief.questions(section))
    assert "Discussion questions" in questions and "<ol" in questions
    if "{name}" in " ".join(QUESTIONS[section]):
        assert "South Korea" in questions
    answers = str(brief.answers(section))
    assert "Suggested answers" in answers and len(answers) > 120


def test_answers_follow_the_parameters(dataset):
    brief = ActorBriefing.from_parameters(
        "china", views="moscow", edition="instructor", dataset=dataset
    )
    assert "No reviewer judgments in this cut." in str(brief.answers("reviewer"))
