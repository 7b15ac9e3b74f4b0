"""Student and instructor editions: discussion questions per section, answers from the data.

The student edition adds the questions after each section; the instructor edition adds
suggested answers too. Answers are computed from the same coded rows the section shows,
each with its citations, so they stay true when the data or the parameters change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from russian_views.briefings import body, queries
from russian_views.briefings import markup as m
from russian_views.briefings.annex import RESERVATION
from russian_views.params import SHOWN_WHEN

if TYPE_CHECKING:
    from russian_views.briefings.briefing import ActorBriefing

VIEWER = "russia"  # whose views the briefings report (actors.csv): never an answer itself

QUESTIONS: dict[str, list[str]] = {
    "bottom-line": [
        "Whose is each key judgment: a Russian view as the source gives it, the reviewer's own, "
        "or ours? How can you tell from the labels and the citations?",
        "Pick one judgment and open its cited passages: does the summary say more than they do?",
    ],
    "stance": [
        "Which statements about {name} are forecasts, and which look back? What span do the "
        "backward-looking ones cover?",
        "Why does the figure draw a statement about a whole span once, as one bar, instead of "
        "counting it in every year, and why is it not a poll of Moscow's opinion over time?",
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
        return m.Html()
    name = brief.name(brief.actor_id)
    return m.join(
        [
            m.tag("p", "Discussion questions", class_="teaching-title"),
            m.list_tag("ol", (q.format(name=name) for q in QUESTIONS[section]), class_="questions"),
        ]
    )


def answers(brief: ActorBriefing, section: str) -> m.Html:
    """Suggested answers for one section, drawn from the data the section shows (computed
    only for the instructor edition: the others' export leaves these cells out)."""
    if not SHOWN_WHEN["edition-instructor"]({"edition": brief.options.edition}):
        return m.Html()
    body = ANSWERS[section](brief)
    return m.join(
        [
            m.tag("p", "Suggested answers (instructor edition)", class_="teaching-title"),
            m.tag("div", body, class_="answers"),
        ]
    )


def _voices(brief: ActorBriefing) -> m.Html:
    """Whose each key judgment is, as its label says, and where its words can be checked.
    The judgments are written by analysts, not computed: the answer counts their labels."""
    judgments = brief.key_judgments
    if not judgments:
        return m.escape("No key judgment rests on the records of this cut.")
    voices = pd.Series([body.judgment_voice(brief, kj["voice"], ev) for kj, ev in judgments])
    counts = "; ".join(f"{n} “{label}”" for label, n in voices.value_counts(sort=False).items())
    cited = len(queries.cited_sentences(*(ev for _, ev in judgments)))
    reviewer = (voices == brief.label("view", "reviewer")).sum()
    own = _count(len(brief.reviewer_claims), "judgment")
    aside = "" if reviewer else f" None is the reviewer's own: the reviewer's {own} in this cut"
    return m.escape(
        f"Of the {_count(len(judgments), 'key judgment')} here: {counts}. The label before "
        "each says whose it is; a judgment labelled as ours goes beyond any one statement and "
        f"says so in its basis. Together they cite {_count(cited, 'passage')}, printed in full "
        "under Cited passages, where every quoted word can be checked."
        + (f"{aside} are listed in their own sections." if aside else "")
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _stance(brief: ActorBriefing) -> m.Html:
    """How many statements are forecasts and how many look back, the span each kind covers,
    and why a span is drawn once."""
    claims = brief.claims
    ahead = queries.looks_ahead(claims, brief.dataset)
    forecast, past = claims[ahead], claims[~ahead]
    parts = []
    what_ahead = "are forecasts or look ahead past their source's year"
    for rows, what in ((past, "look back or describe the present"), (forecast, what_ahead)):
        if rows.empty:
            parts.append(f"No statement here {what}. ")
            continue
        start, end = int(rows["period_start"].min()), int(rows["period_end"].max())
        whole = int(((rows["period_start"] == start) & (rows["period_end"] == end)).sum())
        parts.append(
            f"{_count(len(rows), 'statement')} {what}, dated between {start} and {end}; "
            f"{whole} of them span the whole of it. "
        )
    parts.append(
        "A statement about a span is one statement: counted in every year it covers, it would "
        "be counted many times over and would make the record look like a series it is not. "
        f"All of it is one record's dating, written by {brief.as_of}, not opinion measured at "
        "the time."
    )
    return m.join(parts)


def _timeline(brief: ActorBriefing) -> m.Html:
    """The non-events with Moscow's framing (why an absence counts), and each date from
    outside the text with the note giving its source, printed here in full."""
    missed = brief.events[~brief.events["occurred"]]
    items = [
        m.join([f"{e['event_title']}: {e['framing']}", brief.cite(e)], " ")
        for _, e in missed.iterrows()
    ]
    if items:
        parts = [
            "Planned but did not happen (Moscow's framing says why the absence counts):",
            m.bullets(items),
        ]
    else:
        parts = ["No non-events in this period. "]
    external = brief.events[brief.events["date_basis"] == "external"]
    label = brief.label("date_basis", "external")
    if external.empty:
        parts.append(f"No date in this cut is marked “{label.lower()}”.")
        return m.join(parts)
    parts += [
        f"{_count(len(external), 'date')} from outside the text; the table marks "
        f"each “{label.lower()}” under the date. Where each comes from:",
        m.bullets(f"{e['date']} {e['event_title']}: {e['note']}" for _, e in external.iterrows()),
    ]
    return m.join(parts)


def _themes(brief: ActorBriefing) -> m.Html:
    scored = brief.claims.dropna(subset=["stance_score"])
    if scored.empty:
        return m.escape("No statement in this cut carries a stance.")
    means = scored.groupby("theme")["stance_score"].agg(["mean", "count"])
    low, high = means["mean"].idxmin(), means["mean"].idxmax()
    return m.escape(
        f"Most critical: {brief.label('theme', low)} (mean {means.at[low, 'mean']:+.1f} over "
        f"{_count(int(means.at[low, 'count']), 'statement')}). Most favourable: "
        f"{brief.label('theme', high)} (mean {means.at[high, 'mean']:+.1f} over "
        f"{_count(int(means.at[high, 'count']), 'statement')}). Small counts make these fragile."
    )


def _relations(brief: ActorBriefing) -> m.Html:
    """The other actor Moscow most often sees the actor through (Russia, the viewer, left
    aside: Moscow seeing an actor through itself answers nothing), and on which themes."""
    others = brief.relations[brief.relations["other_id"] != VIEWER]
    counts = others["other_id"].value_counts()
    if counts.empty:
        return m.escape("The data relate this actor to no third actor in this cut.")
    top = counts.index[0]
    themes = others[others["other_id"] == top]["theme"].value_counts()
    on = ", ".join(f"{brief.label('theme', t).lower()} ({n})" for t, n in themes.items())
    rest = ", ".join(f"{brief.name(a)} ({n})" for a, n in counts.iloc[1:].items()) or "none"
    return m.escape(
        f"Most often through {brief.name(top)}: {counts.iloc[0]} of the {len(others)} "
        f"statements relating {brief.name(brief.actor_id)} to a third actor, on {on}. "
        f"The others: {rest}. Statements on Russia's own ties are left aside: Russia is the "
        "viewer. What Moscow sees through the leading actor is what it treats as the "
        "peninsula's frame: discuss whether that is the actor's own agenda or Moscow's."
    )


def _expectations(brief: ActorBriefing) -> m.Html:
    """The signpost to watch first (of the likeliest expectation with the nearest horizon)
    and what its appearance would say, then the rest."""
    posts = brief.signposts
    if posts.empty:
        return m.escape("No signposts are coded for these expectations.")
    expectations = brief.expectations.set_index("expectation_id")
    order = expectations.sort_values(["likelihood_score", "horizon_start"], ascending=[False, True])
    ranked = posts.assign(
        rank=posts["expectation_ref"].map({e: i for i, e in enumerate(order.index)})
    )
    ranked = ranked.sort_values(["rank", "signpost_id"])
    first = ranked.iloc[0]
    expected = expectations.loc[first["expectation_ref"]]
    parts = [
        f"Watch first: {first['signpost']} It bears on the likeliest expectation with the "
        f"nearest horizon, “{expected['statement']}” "
        f"({brief.label('likelihood', expected['likelihood']).lower()}, {expected['horizon']}); "
        f"if it appeared, it {brief.label('effect', first['effect']).lower()} that "
        "expectation. ",
        brief.cite(first),
    ]
    items = [
        m.join([f"{brief.label('effect', s['effect'])}: {s['signpost']}", brief.cite(s)], " ")
        for _, s in ranked.iloc[1:].iterrows()
    ]
    if items:
        parts += [" The others:", m.bullets(items)]
    return m.join(parts)


def _claims(brief: ActorBriefing, rows: pd.DataFrame, empty: str) -> m.Html:
    if rows.empty:
        return m.escape(empty)
    return m.bullets(
        m.join([r["paraphrase"], m.quoted(r["quote"]), brief.cite(r)], " ")
        for _, r in rows.iterrows()
    )


def _wants(brief: ActorBriefing) -> m.Html:
    """What Moscow wants from the actor and for it; the second part (does the actor want it
    too) the source cannot settle, and the answer says so."""
    if brief.wants.empty:
        return m.escape("No prescriptions in this cut.")
    members = queries.family(brief.dataset, brief.actor_id)
    from_it = brief.wants[brief.wants["subject_id"].isin(members)]
    name = brief.name(brief.actor_id)
    verb = "asks" if len(from_it) == 1 else "ask"
    return _claims(brief, brief.wants, "") + m.escape(
        f"{len(from_it)} of these {len(brief.wants)} {verb} {name} itself to act; the rest "
        f"ask someone else to act on it or for it. Whether {name} wants the same, the source "
        f"cannot say: it codes Moscow's views and the reviewer's, not {name}'s own, so the "
        f"second question needs {name}'s statements from another source."
    )


def _reviewer(brief: ActorBriefing) -> m.Html:
    """Only the reviewer's reservations about the book (claim kind ``reservation``), not
    the reviewer rows that agree with or summarise it."""
    rows = brief.reviewer_claims
    return _claims(
        brief,
        rows[rows["claim_kind"] == RESERVATION],
        "The reviewer voices no reservation about the book in this cut.",
    )


ANSWERS: dict[str, Callable[[ActorBriefing], m.Html]] = {
    "bottom-line": _voices,
    "stance": _stance,
    "timeline": _timeline,
    "themes": _themes,
    "relations": _relations,
    "expectations": _expectations,
    "wants": _wants,
    "reviewer": _reviewer,
}
