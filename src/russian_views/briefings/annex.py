"""The annex of a briefing: the coded record, each statement in full once.

Statements by theme, relations, the timeline, the source author's other observations and
the cited passages. A statement the body already prints in full (what Moscow wants) is not
printed again: its group links to the body section instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from russian_views.briefings import markup as m
from russian_views.briefings import queries, sections
from russian_views.briefings.record import voice_label

if TYPE_CHECKING:
    from russian_views.briefings.base import Briefing

RESERVATION = "reservation"
# The column saying which side of a comparison a claim is on (see group_claims).
SIDE = "side"


def years(start: object, end: object) -> str:
    """A statement's dated span as a reader writes it ("2014", "2008–2021")."""
    return f"{int(start)}" if int(start) == int(end) else f"{int(start)}–{int(end)}"


def claim_item(briefing: Briefing, row: Mapping[str, Any], *, badge: bool = True) -> m.Html:
    """One claim: voice, our paraphrase, the verbatim quote when it says more than the
    paraphrase already repeats, kind, stance, span, and the citation (whose passage, printed
    in full among the cited passages, always holds the quote)."""
    parts = []
    if badge:
        parts.append(m.view_badge(row["view"], voice_label(briefing.dataset, row)))
    parts.append(m.with_quote(row["paraphrase"], row["quote"]))
    meta = [briefing.label("claim_kind", row["claim_kind"])]
    if row["stance"]:
        meta.append(f"stance: {briefing.label('stance', row['stance']).lower()}")
    meta.append(years(row["period_start"], row["period_end"]))
    parts.append(m.tag("span", " · ".join(meta), class_="meta"))
    parts.append(briefing.cite(row))
    return m.join(parts, " ")


def claim_list(briefing: Briefing, claims: pd.DataFrame, empty: str, **kwargs) -> m.Html:
    """Claims in chronological order, or a note saying there are none."""
    if claims.empty:
        return m.empty(empty)
    ordered = claims.sort_values(["period_start", "period_end", "claim_id"])
    return m.bullets(
        [claim_item(briefing, r, **kwargs) for r in ordered.to_dict("records")], class_="claims"
    )


def group_claims(
    briefing: Briefing,
    claims: pd.DataFrame,
    by: str,
    headings: Mapping[Any, str],
    elsewhere: pd.DataFrame | None = None,
    where: str = "",
    sides: dict[str, str] | None = None,
) -> m.Html:
    """Claims under a heading per value of ``by`` (in ``headings`` order), each in full once.

    ``elsewhere`` are claims of the same groups that section ``where`` prints in full: the
    group links there instead of printing them twice. ``sides`` (a value of the claims'
    :data:`SIDE` column → its sub-heading) prints each side's claims under its own
    sub-heading, and a group only when every side has claims in it (a comparison needs both).
    """
    parts = []
    for code, heading in headings.items():
        blocks = _sides(claims[claims[by] == code], sides)
        linked = elsewhere is not None and bool((elsewhere[by] == code).any())
        if not blocks and not linked:
            continue
        parts.append(m.tag("h3", heading))
        for subheading, rows in blocks:
            if subheading:
                parts.append(m.tag("p", subheading, class_="side"))
            parts.append(claim_list(briefing, rows, "", badge=False))
        if linked:
            parts.append(
                m.paragraph(
                    m.join(["See also", sections.link(where)], " ") + ".", class_="xref-line"
                )
            )
    return m.join(parts)


def _sides(rows: pd.DataFrame, sides: dict[str, str] | None) -> list[tuple[str, pd.DataFrame]]:
    """A group's claims as (sub-heading, rows) blocks: one unheaded block without ``sides``,
    else one per side, or none unless every side has claims."""
    if sides is None:
        return [("", rows)] if len(rows) else []
    blocks = [(subheading, rows[rows[SIDE] == side]) for side, subheading in sides.items()]
    return blocks if all(len(b) for _, b in blocks) else []


def reservations(briefing: Briefing, claims: pd.DataFrame) -> m.Html:
    """Where the source's author differs from the work it reports (the body's section)."""
    rows = claims[claims["claim_kind"] == RESERVATION]
    return by_author(
        briefing, rows, "The source's author voices no reservation on this in this cut."
    )


def observations(briefing: Briefing, claims: pd.DataFrame) -> m.Html:
    """The source author's other judgments and observations (the annex's section)."""
    rows = claims[claims["claim_kind"] != RESERVATION]
    return by_author(
        briefing, rows, "The source's author adds no other judgment of their own in this cut."
    )


def by_author(briefing: Briefing, rows: pd.DataFrame, empty: str) -> m.Html:
    """Authors' own judgments: one list, or, when they come from several sources (several
    reviewers), a list per author under their name, so no author's judgment reads as
    another's."""
    if rows["source_id"].nunique() <= 1:
        return claim_list(briefing, rows, empty, badge=False)
    parts = []
    for _, source in briefing.sources.iterrows():
        own = rows[rows["source_id"] == source["source_id"]]
        if len(own):
            title = briefing.source_title(source["source_id"])
            heading = (
                f"{source['author']}, in {title}" if source["author"] else m.sentence_case(title)
            )
            parts += [
                m.tag("p", heading, class_="side"),
                claim_list(briefing, own, "", badge=False),
            ]
    return m.join(parts)


def ordered_actors(actor_ids: pd.Series, briefing: Briefing) -> list[str]:
    """Distinct actor ids in the actors table's order."""
    present = set(actor_ids)
    return [a for a in briefing.dataset.actors["actor_id"] if a in present]


def events_table(briefing: Briefing, events: pd.DataFrame) -> m.Html:
    """Events as a table: date (with its basis), event and what happened, how Moscow framed
    it, and where a date the text does not state comes from."""
    rows = []
    for e in events.to_dict("records"):
        date = m.escape(e["date"])
        story = [m.tag("strong", f"{e['event_title']}.")]
        if not e["occurred"]:
            story.append(m.tag("span", "did not happen", class_="badge not-happened"))
        story.append(e["what_happened"])
        if e["date_basis"] != "stated":
            basis = briefing.label("date_basis", e["date_basis"])
            date += m.tag("span", basis.lower(), class_="meta")
            if e["note"]:
                story.append(m.tag("span", f"{basis}: {e['note']}", class_="meta"))
        rows.append(
            [
                date,
                m.join(story, " "),
                m.with_quote(e["framing"], e["quote"], e["what_happened"]),
                briefing.cite(e),
            ]
        )
    return m.table(
        ["Date", "Event and what happened", "How Moscow framed it", "Source"],
        rows,
        class_="data events",
    )


def passages(briefing: Briefing, *frames: pd.DataFrame) -> m.Html:
    """Every cited sentence in full, with the anchor citations link to."""
    cited = queries.cited_sentences(*frames)
    if cited.empty:
        return m.empty("No passages are cited.")
    items = []
    for row in cited.itertuples():
        para = briefing.dataset.texts[row.source_id].paragraph(row.paragraph)
        label = m.ref_label(row.source_id, row.paragraph, row.sentence, briefing.multi_source)
        content = m.join(
            [
                m.tag("span", label, class_="ref"),
                m.tag("span", para.section, class_="section"),
                para.sentences[row.sentence - 1].text,
            ],
            " ",
        )
        items.append(
            m.tag("li", content, id=m.anchor_id(row.source_id, row.paragraph, row.sentence))
        )
    return m.tag("ol", m.join(items), class_="passages")
