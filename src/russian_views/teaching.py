"""Student and instructor editions: discussion questions per section, answers from the data.

The student edition adds the questions after each section; the instructor edition adds
suggested answers too. Answers are computed from the same coded rows the section shows,
each with its citations, so they stay true when the data or the parameters change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from russian_views import markup as m
from russian_views import queries
from russian_views.params import SHOWN_WHEN

if TYPE_CHECKING:
    from russian_views.briefing import ActorBriefing

QUESTIONS: dict[str, list[str]] = {
    "bottom-line": [
        "Which of the key judgments rest on Moscow's statements, and which on the reviewer's? "
        "How can you tell from the labels and the citations?",
        "Pick one judgment and open its cited passages: does the summary say more than they do?",
    ],
    "stance": [
        "How did Moscow's stance toward {name} change over the period? Which years mark the turns?",
        "Why might statements that cover many years flatten the yearly average?",
    ],
    "timeline": [
        "Which planned events did not happen, and why does the text treat an absence as "
        "significant?",
        "Which dates come from outside the text, and how does the table tell you?",
    ],
    "themes": [
        "On which theme is Moscow most critical of {name}, and on which most favourable?",
    ],
    "relations": [
        "Through which other actor does Moscow most often see {name}? What does that suggest "
        "about how Moscow frames the peninsula?",
    ],
    "expectations": [
        "Which signpost would you watch first to test Moscow's expectations, and what would "
        "it tell you if it appeared?",
    ],
    "wants": [
        "What does Moscow want from or for {name}? Is any of it something {name} itself wants?",
    ],
    "reviewer": [
        "Where does the reviewer distance himself or herself from the book? Find the words "
        "that signal it.",
    ],
}


def questions(brief: ActorBriefing, section: str) -> m.Html:
    """The discussion questions for one section, with the actor's name filled in (nothing in
    the reader edition, whose export leaves these cells out)."""
    if not SHOWN_WHEN["edition-student"]({"edition": brief.options.edition}):
        return m.Html("")
    name = brief.name(brief.actor_id)
    items = [m.esc(q.format(name=name)) for q in QUESTIONS[section]]
    return m.join(
        [
            m.tag("p", "Discussion questions", class_="teaching-title"),
            m.Html(m.tag("ol", "".join(m.tag("li", i) for i in items), class_="questions")),
        ]
    )


def answers(brief: ActorBriefing, section: str) -> m.Html:
    """Suggested answers for one section, drawn from the data the section shows (computed
    only for the instructor edition: the others' export leaves these cells out)."""
    if not SHOWN_WHEN["edition-instructor"]({"edition": brief.options.edition}):
        return m.Html("")
    body = ANSWERS[section](brief)
    return m.join(
        [
            m.tag("p", "Suggested answers (instructor edition)", class_="teaching-title"),
            m.Html(m.tag("div", body, class_="answers")),
        ]
    )


def _voices(brief: ActorBriefing) -> str:
    cited = set(m.cited_in(str(brief.bottom_line())))
    return m.esc(
        f"Every key judgment is computed from Moscow's statements (rows coded “Moscow’s view”) "
        f"and together they cite {len(cited)} passages; none rests on the reviewer, whose "
        f"{len(brief.reviewer_claims)} judgments in this cut are listed in their own section. "
        "The stance counts can be checked against the stance chart, the quotes against the "
        "cited passages at the end."
    )


def _stance(brief: ActorBriefing) -> str:
    yearly = queries.stance_by_year(brief.claims, brief.period)
    if len(yearly) < 2:
        return m.esc("Too few statements carry a stance in this period to speak of change.")
    low = yearly.nsmallest(1, "mean_stance").iloc[0]
    high = yearly.nlargest(1, "mean_stance").iloc[0]
    events = queries.events_involving(brief.dataset, brief.actor_id, brief.period)
    turns = events[events["year"].isin([int(low["year"]), int(high["year"])])]
    listed = (
        "; ".join(
            f"{m.esc(e.date)} {m.esc(e.event_title)} {brief.cite(e._asdict())}"
            for e in turns.itertuples()
        )
        or "none in the events table"
    )
    return (
        m.esc(
            f"The yearly average is lowest in {int(low['year'])} "
            f"({low['mean_stance']:+.1f}) and highest in {int(high['year'])} "
            f"({high['mean_stance']:+.1f}). Events in those years: "
        )
        + listed
        + ". "
        + m.esc(
            "Statements spanning the whole period weigh on every year alike, which "
            "damps the line: compare the bars with the line."
        )
    )


def _timeline(brief: ActorBriefing) -> str:
    missed = brief.events[~brief.events["occurred"]]
    external = brief.events[brief.events["date_basis"] == "external"]
    items = [
        f"{m.esc(e['event_title'])}: {m.esc(e['framing'])} {brief.cite(e)}"
        for _, e in missed.iterrows()
    ]
    text = m.bullets(items) if items else m.esc("No non-events in this period.")
    return text + m.esc(
        f" Dates from outside the text: {len(external)}; the table marks each “from "
        "outside the text” and gives the source of the date in a note."
    )


def _themes(brief: ActorBriefing) -> str:
    scored = brief.claims.dropna(subset=["stance_score"])
    if scored.empty:
        return m.esc("No statement in this cut carries a stance.")
    means = scored.groupby("theme")["stance_score"].agg(["mean", "count"])
    low, high = means["mean"].idxmin(), means["mean"].idxmax()
    return m.esc(
        f"Most critical: {brief.label('theme', low)} (mean {means.at[low, 'mean']:+.1f} over "
        f"{int(means.at[low, 'count'])} statements). Most favourable: "
        f"{brief.label('theme', high)} (mean {means.at[high, 'mean']:+.1f} over "
        f"{int(means.at[high, 'count'])}). Small counts make these fragile."
    )


def _relations(brief: ActorBriefing) -> str:
    counts = brief.relations["other_id"].value_counts()
    if counts.empty:
        return m.esc("The data relate this actor to no other in this cut.")
    parts = [f"{brief.name(a)} ({n})" for a, n in counts.items()]
    return m.esc(
        "Statements relating the actor to others, by the other actor: " + ", ".join(parts) + "."
    )


def _expectations(brief: ActorBriefing) -> str:
    posts = brief.signposts
    if posts.empty:
        return m.esc("No signposts are coded for these expectations.")
    items = [
        f"{m.esc(brief.label('effect', s['effect']))}: {m.esc(s['signpost'])} {brief.cite(s)}"
        for _, s in posts.iterrows()
    ]
    return m.bullets(items)


def _claims(brief: ActorBriefing, rows: pd.DataFrame, empty: str) -> str:
    if rows.empty:
        return m.esc(empty)
    return m.bullets(
        [
            f"{m.esc(r['paraphrase'])} {m.quoted(r['quote'])} {brief.cite(r)}"
            for _, r in rows.iterrows()
        ]
    )


ANSWERS: dict[str, Callable[[ActorBriefing], str]] = {
    "bottom-line": _voices,
    "stance": _stance,
    "timeline": _timeline,
    "themes": _themes,
    "relations": _relations,
    "expectations": _expectations,
    "wants": lambda b: _claims(b, b.wants, "No prescriptions in this cut."),
    "reviewer": lambda b: _claims(b, b.reviewer_claims, "No reviewer judgments in this cut."),
}
