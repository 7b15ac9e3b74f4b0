"""The forecasts section: what the source's voices expect and ask, each scored by the
codebook's rule against the outside record, and what Moscow has said and done since.

Each group of forecasts is headed by whose it is (:mod:`.voices`): the book's authors' as a
review reports them, the reviewer's own in a place of its own, an ask apart from an
expectation. The source's odds are shown in its own scale's words (``likelihood`` labels),
never in the ICD 203 words that mark our judgments. Statuses and developments come from
outside the coded record: the section says so once, in its lead, and each record is a
numbered note (:mod:`.notes`); none is counted with the record's statements.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from russian_views.briefings import markup as m
from russian_views.briefings import notes, voices
from russian_views.briefings.record import checked_to, month_words, voice_label
from russian_views.dataset.forecast_rules import UNCHECKED, basis_ids
from russian_views.dataset.forecast_rules import as_of as rule_as_of

if TYPE_CHECKING:
    from russian_views.briefings.base import Briefing

OUTSIDE = "from outside the record"
# How an unscored forecast reads: it carries no date, since nobody has checked it yet.
UNCHECKED_TEXT = "Not yet checked against the public record."
STATEMENT, EVENT = "statement", "event"


def as_of(briefing: Briefing, row: Mapping[str, Any]) -> str:
    """The date a status holds at, derived by the rule (never written in the data)."""
    dates = briefing.development_dates
    found = [dates.get(i, "") for i in basis_ids(row["status_basis"])]
    return rule_as_of(
        row["status"], found, str(briefing.dataset.record_check["checked_to"].iloc[0])
    )


def dev_anchor(development: Mapping[str, Any]) -> str:
    """The id of a development's entry in the Since the source lists."""
    return f"dev-{development['development_id']}"


def basis(briefing: Briefing, ids: list[str], lead: str = "Rests on: ") -> m.Html:
    """The developments a status or a judgment of ours rests on: a link to each one's entry
    in the Since the source lists when the briefing lists it, else its outlet and date; each
    with its note."""
    dev = briefing.dataset.developments
    listed = set(briefing.developments["development_id"])
    items = []
    for d in dev[dev["development_id"].isin(ids)].sort_values("date").to_dict("records"):
        note = briefing.note_ref(notes.development_key(d["development_id"]))
        if d["development_id"] in listed:
            link = m.tag("a", month_words(d["date"]), href=f"#{dev_anchor(d)}")
        else:
            link = m.escape(f"{d['outlet']}, {month_words(d['date'])}")
        items.append(m.join([link, note]))
    return m.join([lead, m.join(items, "; "), "."]) if items else m.Html()


def status(briefing: Briefing, row: Mapping[str, Any]) -> m.Html:
    """A forecast's or signpost's status as of its date, with the reason a reader needs and
    the developments it rests on; an unscored one says it is not yet checked."""
    code = row["status"]
    if code == UNCHECKED:
        return m.tag("span", UNCHECKED_TEXT, class_=f"status status-{code}")
    label = briefing.label("forecast_status", code)
    text = f"{label}, as of {month_words(as_of(briefing, row))}"
    if "expectation_ref" not in row:
        text = f"Status: {text}"
    reason = f": {row['status_reason']}" if row["status_reason"] else "."
    rests_on = basis(briefing, basis_ids(row["status_basis"]))
    return m.tag("span", m.join([f"{text}{reason}", rests_on], " "), class_=f"status status-{code}")


def _odds(briefing: Briefing, x: Mapping[str, Any]) -> str:
    """The source's odds in its own scale's words, said to be whose (an ask has none)."""
    if not x["likelihood"]:
        return ""
    if x["view"] == "reviewer":
        holder = "the reviewer"
    else:
        holder = briefing.source_title(x["source_id"]) if briefing.multi_source else "the source"
    return f"; {briefing.label('likelihood', x['likelihood'])} ({holder})"


def forecast_item(briefing: Briefing, x: Mapping[str, Any], posts: list[dict]) -> m.Html:
    """One forecast: the statement and its quote and citation, horizon and odds, status,
    and its signposts with theirs."""
    outlook = m.join(
        [
            m.view_badge(x["view"], voice_label(briefing.dataset, x)),
            m.with_quote(x["statement"], x["quote"]),
            briefing.cite(x),
            m.tag("span", f"Horizon: {x['horizon']}{_odds(briefing, x)}.", class_="meta"),
        ],
        " ",
    )
    parts = [m.paragraph(outlook, class_="forecast"), m.paragraph(status(briefing, x))]
    watch = [
        m.join(
            [
                f"{briefing.label('effect', s['effect'])}: {s['signpost']}",
                briefing.cite(s),
                status(briefing, s),
            ],
            " ",
        )
        for s in posts
    ]
    if watch:
        parts.append(m.bullets(watch, class_="signposts"))
    return m.join(parts)


def group_heading(briefing: Briefing, x: Mapping[str, Any]) -> str:
    """Whose forecast a row is, as its group's head says it."""
    source = briefing.source_row(x["source_id"])
    addressee = briefing.name(x["subject_id"]) if x["forecast_kind"] == "ask" else ""
    return voices.forecast_heading(source, x["view"], x["forecast_kind"], addressee)


def groups(briefing: Briefing, expectations: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The forecasts by whose they are, in reading order: the Russian voices' expectations,
    then their asks, then the reviewer's own; within a group, as given."""
    if expectations.empty:
        return []
    heads = expectations.apply(lambda x: group_heading(briefing, x), axis=1)
    rank = expectations["view"].ne("moscow") * 2 + expectations["forecast_kind"].eq("ask")
    order = sorted(set(heads), key=lambda h: (int(rank[heads == h].min()), list(heads).index(h)))
    return [(h, expectations[heads == h]) for h in order]


def forecast_groups(
    briefing: Briefing, expectations: pd.DataFrame, signposts: pd.DataFrame
) -> m.Html:
    """Each group under the head naming its voice, with its forecasts (the scorecard above
    counts them)."""
    posts: dict[str, list[dict]] = {}
    for s in signposts.to_dict("records"):
        posts.setdefault(s["expectation_ref"], []).append(s)
    parts = []
    for head, rows in groups(briefing, expectations):
        items = [
            forecast_item(briefing, x, posts.get(x["expectation_id"], []))
            for x in rows.to_dict("records")
        ]
        parts += [
            m.tag("h3", head, class_="forecast-group"),
            m.list_tag("ol", items, class_="forecasts"),
        ]
    return m.join(parts)


def lead(briefing: Briefing) -> m.Html:
    """The section's one mark that what follows the forecasts is from outside the record."""
    return m.paragraph(
        f"What a status says happened, and what is listed since {briefing.the_sources}, is "
        f"{OUTSIDE}: public records we found, numbered in the Notes. Each status follows the "
        f"codebook's rule as of {checked_to(briefing.dataset)}; none is counted with the coded "
        "record.",
        class_="note outside-lead",
    )


def _entry(briefing: Briefing, d: Mapping[str, Any]) -> m.Html:
    """One development: its date, who spoke (for a statement), the fact in our words, its note."""
    who = f"{d['speaker']}: " if d["kind"] == STATEMENT else ""
    note = briefing.note_ref(notes.development_key(d["development_id"]))
    body = m.join([m.tag("strong", month_words(d["date"])), f" {who}{d['fact']}", note])
    return m.tag("li", body, id=dev_anchor(d))


def since_list(briefing: Briefing, developments: pd.DataFrame, kind: str, empty: str) -> m.Html:
    """The developments of one kind (statements or events), dated, in order."""
    rows = developments[developments["kind"] == kind].sort_values(["date", "development_id"])
    entries = [_entry(briefing, d) for d in rows.to_dict("records")]
    return m.tag("ul", m.join(entries), class_="developments") if entries else m.empty(empty)


def statements_box(briefing: Briefing, statements: pd.DataFrame) -> m.Html:
    """Moscow's own words since the source that this briefing's statuses and judgments rest
    on (statements by Russian officials), in the body beside the forecasts and apart from
    the coded record; the annex lists the others."""
    since = briefing.the_sources
    head = f"Moscow's own words since {since}, to {checked_to(briefing.dataset)}"
    body = since_list(
        briefing,
        statements,
        STATEMENT,
        "None of the statuses or judgments here rests on a statement by a Russian official; "
        "the annex lists those we found.",
    )
    return m.tag(
        "aside",
        m.join([m.tag("h3", head), body]),
        class_="since-box",
        aria_label=f"Since {since}",  # each landmark named apart (axe: landmark-unique)
    )


def events_since(briefing: Briefing, developments: pd.DataFrame) -> m.Html:
    """What has happened since the source (events), and the statements by Russian officials
    the body does not print, for the annex: the public record in full."""
    lead = m.paragraph(
        f"What has happened since {briefing.the_sources} {briefing.since_scope}, to "
        f"{checked_to(briefing.dataset)}; {OUTSIDE}, numbered in the Notes, and never counted "
        "with the coded record.",
        class_="note outside-lead",
    )
    events = since_list(briefing, developments, EVENT, "No development involving this actor found.")
    parts = [lead, events]
    if (developments["kind"] == STATEMENT).any():
        parts += [
            m.tag("h3", "Other statements by Russian officials"),
            m.paragraph(
                "The statements no status or judgment of this briefing rests on (the body "
                "prints those that one does).",
                class_="note",
            ),
            since_list(briefing, developments, STATEMENT, ""),
        ]
    return m.join(parts)
