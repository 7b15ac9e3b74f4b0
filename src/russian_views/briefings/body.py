"""The body of a briefing, the part a reader can stop after: key judgments, Moscow's view in
brief, and the written pieces every briefing shares.

Key judgments and the in-brief summary are written data (``key_judgments.csv``,
``in_brief.csv``), each resting on records it names. A judgment whose every record this
briefing's cut leaves out is dropped (the reader could not check it); one that survives is
printed with *all* its evidence, never just the part the cut shows, and every sentence it
rests on is printed among the cited passages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from russian_views.briefings import forecasts, queries
from russian_views.briefings import markup as m
from russian_views.briefings.record import MOSCOW, voice_label
from russian_views.dataset.forecast_rules import basis_ids
from russian_views.dataset.judgment_rules import evidence_columns

if TYPE_CHECKING:
    from russian_views.briefings.base import Briefing


def _cited_passages(briefing: Briefing) -> dict[str, tuple[str, str]]:
    """The evidence columns of written rows whose records cite a passage of a source (the
    coded record; developments since the source are printed as notes instead)."""
    return {
        column: (table, key)
        for column, (table, key) in evidence_columns(briefing.dataset.schema).items()
        if set(queries.CITATION_COLUMNS) <= set(briefing.dataset.tables[table].columns)
    }


def _evidence(
    briefing: Briefing, columns: dict[str, tuple[str, str]], named: dict[str, list[str]]
) -> pd.DataFrame:
    """The records a written row names (``named``: ids by key column), as citation rows."""
    frames = []
    for name, key in columns.values():
        table = briefing.dataset.tables[name]
        frames.append(table[table[key].isin(named[key])][queries.CITATION_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def supported(
    briefing: Briefing, table: pd.DataFrame, scope: str, shown: list[pd.DataFrame]
) -> list[tuple[pd.Series, pd.DataFrame]]:
    """The rows of ``table`` filed in ``scope`` that at least one record of this cut
    (``shown``) supports, in order, each with all of its evidence."""
    columns = _cited_passages(briefing)
    ids = {
        key: set().union(*(set(f[key]) for f in shown if key in f)) for _, key in columns.values()
    }
    order = "rank" if "rank" in table else "position"
    out = []
    for _, row in table[table["briefing"] == scope].sort_values(order).iterrows():
        named = {key: [i for i in row[c].split("|") if i] for c, (_, key) in columns.items()}
        if any(set(named[key]) & ids[key] for key in named):
            out.append((row, _evidence(briefing, columns, named)))
    return out


def judgment_item(briefing: Briefing, kj: pd.Series, evidence: pd.DataFrame) -> m.Html:
    """One key judgment: whose it is, the judgment, its likelihood (ours only) and confidence
    with the basis, the evidence it cites, and what would weaken it."""
    voice = kj["voice"]
    level = []
    if kj["probability"]:
        level.append(briefing.label("probability", kj["probability"]))
    level.append(briefing.label("confidence", kj["confidence"]).lower())
    head = m.join(
        [
            m.view_badge(voice, judgment_voice(briefing, voice, evidence)),
            m.tag("strong", kj["judgment"]),
        ],
        " ",
    )
    basis = [
        m.tag("span", m.sentence_case("; ".join(level)) + ".", class_="kj-level"),
        kj["basis"],
        briefing.cite_rows(evidence),
        forecasts.basis(briefing, basis_ids(kj["development_ids"]), "Since the source: "),
    ]
    if kj["watch"]:
        basis.append(m.tag("span", f"Would weaken it: {kj['watch']}", class_="kj-watch"))
    basis.append(review_mark(briefing, kj["judgment_id"]))
    return m.tag("p", head, class_="kj") + m.tag("p", m.join(basis, " "), class_="kj-basis")


def judgment_voice(briefing: Briefing, voice: str, evidence: pd.DataFrame) -> str:
    """A judgment's badge. A Russian view whose evidence all comes from sources of one kind
    wears that kind's label, as each statement and the voices legend do ("Russian views as
    a review reports them"), so a one-source record never reads "as the sources give it";
    across kinds, the codebook's label for a Russian view across sources."""
    if voice == MOSCOW and "source_id" in evidence:
        rows = ({"view": MOSCOW, "source_id": s} for s in evidence["source_id"].dropna())
        labels = {voice_label(briefing.dataset, row) for row in rows}
        if len(labels) == 1:
            return labels.pop()
    return briefing.label("voice", voice)


def judgment_list(briefing: Briefing, judgments: list[tuple[pd.Series, pd.DataFrame]]) -> m.Html:
    """The key judgments as a numbered list (empty when none survives the cut)."""
    if not judgments:
        return m.Html()
    entries = (judgment_item(briefing, kj, ev) for kj, ev in judgments)
    return m.list_tag("ol", entries, class_="key-judgments")


def in_brief(briefing: Briefing, sentences: list[tuple[pd.Series, pd.DataFrame]]) -> m.Html:
    """The written summary of the source's argument: one paragraph, every sentence cited."""
    if not sentences:
        return m.empty("No sentence of the written summary rests on the records of this cut.")
    parts = [
        m.join([row["text"], briefing.cite_rows(ev), review_mark(briefing, row["brief_id"])], " ")
        for row, ev in sentences
    ]
    return m.paragraph(m.join(parts, " "), class_="in-brief")


def review_mark(briefing: Briefing, row_id: str) -> m.Html:
    """The mark a written row to review carries (a key judgment or a sentence in brief), in
    the editions that show such marks; nothing otherwise."""
    reason = briefing.to_review.get(row_id)
    if not reason or not briefing.shows_review_marks:
        return m.Html()
    return m.tag("span", f"To review: {reason}.", class_="to-review")


def narrowed(briefing: Briefing, what: str) -> m.Html:
    """What a bottom line says when no key judgment survives the cut."""
    return m.empty(
        f"No key judgment on {what} rests on the records of this cut; the annex holds the "
        "statements it does include."
    )
