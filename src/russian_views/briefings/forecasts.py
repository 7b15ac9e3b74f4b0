"""What the source expects, and what has happened since: the book's forecasts scored against
the public record as of one stated date, and the developments since the source.

The source's own odds are shown in its own scale's words (``likelihood`` labels: "expected",
"ruled out"), never in the ICD 203 words that mark our judgments. Every status other than
open, and every development, cites a public record from outside the coded record and says
so; none is counted with the record's statements.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from russian_views.briefings import markup as m
from russian_views.briefings.record import checked_to, voice_label
from russian_views.dataset.forecast_rules import as_of as rule_as_of
from russian_views.dataset.forecast_rules import basis_ids

if TYPE_CHECKING:
    from russian_views.briefings.briefing import Briefing

OUTSIDE = "from outside the record"


def record_citation(d: Mapping[str, Any]) -> m.Html:
    """The public record a development rests on: outlet, date, “title”, linked to its address."""
    text = f"{d['outlet']}, {_month(d['record_date'])}, “{d['title']}”"
    return m.join([m.tag("a", text, href=d["url"]), m.tag("span", d["url"], class_="url")], " ")


def as_of(briefing: Briefing, row: Mapping[str, Any]) -> str:
    """The date a status holds at, derived by the rule (never written in the data)."""
    dates = dict(
        zip(
            briefing.dataset.developments["development_id"],
            briefing.dataset.developments["date"],
            strict=True,
        )
    )
    basis = [dates.get(i, "") for i in basis_ids(row["status_basis"])]
    return rule_as_of(row["status"], basis, checked_to(briefing.dataset))


def status(briefing: Briefing, row: Mapping[str, Any]) -> m.Html:
    """A forecast's or signpost's status as of its date, with its reason; a status resting on
    developments points at each in the Since the source box (or cites its record in full when
    the box does not list it), marked as from outside the coded record."""
    label = briefing.label("forecast_status", row["status"])
    text = f"{label}, as of {_month(as_of(briefing, row))}"
    if "expectation_ref" not in row:
        text = f"Status: {text}"
    code = row["status"]
    reason = f": {row['status_reason']}" if row["status_reason"] else "."
    ids = basis_ids(row["status_basis"])
    if not ids:
        return m.tag("span", f"{text}{reason}", class_=f"status status-{code}")
    dev = briefing.dataset.developments
    listed = set(briefing.developments["development_id"])
    records = []
    for d in dev[dev["development_id"].isin(ids)].sort_values("date").to_dict("records"):
        if d["development_id"] in listed:
            link = f"see Since the source, {_month(d['date'])}"
            records.append(m.join(["(", m.tag("a", link, href=f"#{dev_anchor(d)}"), ")"]))
        else:
            records.append(record_citation(d))
    return m.tag(
        "span",
        m.join([f"{text} ({OUTSIDE}){reason} ", m.join(records, " ")]),
        class_=f"status status-{code} status-external",
    )


def dev_anchor(development: Mapping[str, Any]) -> str:
    """The id of a development's entry in the Since the source box."""
    return f"dev-{development['development_id']}"


def _month(value: str) -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD date as a reader writes it ("May 2022", "2021")."""
    value = str(value)
    if len(value) == 4:
        return value
    stamp = pd.Timestamp(value if len(value) == 10 else f"{value}-01")
    return stamp.strftime("%-d %B %Y") if len(value) == 10 else stamp.strftime("%B %Y")


def _odds(briefing: Briefing, x: Mapping[str, Any]) -> str:
    """The source's odds in its own scale's words, said to be the source's."""
    if x["view"] == "reviewer":
        holder = "the reviewer"
    else:
        holder = x["source_id"] if briefing.multi_source else "the source"
    return f"{briefing.label('likelihood', x['likelihood'])} ({holder})"


def forecasts_table(
    briefing: Briefing, expectations: pd.DataFrame, signposts: pd.DataFrame
) -> m.Html:
    """Each expectation with its horizon and the source's odds, what has become of it as of
    the check date, and its signposts with theirs (a list, so a long status never squeezes
    into a narrow column)."""
    posts: dict[str, list[dict]] = {}
    for s in signposts.to_dict("records"):
        posts.setdefault(s["expectation_ref"], []).append(s)
    items = []
    for x in expectations.to_dict("records"):
        outlook = m.join(
            [
                m.view_badge(x["view"], voice_label(briefing.dataset, x)),
                m.with_quote(x["statement"], x["quote"]),
                briefing.cite(x),
                m.tag("span", f"Horizon: {x['horizon']}; {_odds(briefing, x)}.", class_="meta"),
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
            for s in posts.get(x["expectation_id"], [])
        ]
        if watch:
            parts.append(m.bullets(watch, class_="signposts"))
        items.append(m.join(parts))
    return m.list_tag("ol", items, class_="forecasts")


def tally(briefing: Briefing, expectations: pd.DataFrame) -> str:
    """One sentence that counts the statuses of the forecasts shown, and says it is a count."""
    counts = expectations["status"].value_counts()
    parts = [
        f"{int(counts[code])} {briefing.label('forecast_status', code).lower()}"
        for code in briefing.dataset.codes("forecast_status")
        if code in counts
    ]
    n = len(expectations)
    noun = "forecast" if n == 1 else "forecasts"
    return (
        f"Of the {n} {noun} filed here, as of {checked_to(briefing.dataset)}: "
        + ", ".join(parts)
        + "."
    )


def developments_box(briefing: Briefing, developments: pd.DataFrame) -> m.Html:
    """Since the source: dated facts from the public record that bear on the source's
    forecasts, each with its citation, marked as outside the coded record."""
    if developments.empty:
        return m.Html()
    items = []
    for d in developments.sort_values(["date", "development_id"]).to_dict("records"):
        entry = m.join([m.tag("strong", _month(d["date"])), d["fact"], record_citation(d)], " ")
        items.append(m.tag("li", entry, id=dev_anchor(d)))
    since = f"Since {briefing.the_sources}"
    title = m.tag("h3", f"{since} ({OUTSIDE}, to {checked_to(briefing.dataset)})")
    lead = m.paragraph(
        "Dated facts from the public record that bear on the forecasts above; they are not "
        "Moscow's view and are not counted with the coded record.",
        class_="note",
    )
    return m.tag(
        "aside",
        m.join([title, lead, m.tag("ul", m.join(items), class_="developments")]),
        class_="since-box",
        aria_label=since,  # each landmark named apart (axe: landmark-unique)
    )
