"""The words of a figure's caption and text alternative, derived from the rows the figure
draws and from nothing else in the record.

A caption that read the whole record would say "a record written in 2021" under an axis
stretched by a 2023 source it does not draw, or "the sources" in a briefing all of whose
statements come from one: here every phrase is counted on the rows shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from russian_views.briefings.record import short_title


@dataclass(frozen=True)
class Shown:
    """The sources of the rows a figure draws: how to name them and when they were written."""

    the_sources: str
    written: str


def sources_shown(rows: pd.DataFrame, sources: pd.DataFrame) -> Shown:
    """How a caption names the sources of ``rows`` (which carry ``source_id``) among the
    ``sources`` the briefing prints: "the source" when it prints one, the source's short
    title when the figure draws one of several ("the Asan Forum review (2021)"), "the
    sources" when it draws several; and "a record written in 2021" or "records written in
    2021 and 2023" from the years those sources were published."""
    shown = sources[sources["source_id"].isin(set(rows["source_id"]))]
    years = sorted({str(p)[:4] for p in shown["published"]})
    if len(shown) > 1:
        return Shown("the sources", f"records written in {_and(years)}")
    name = short_title(shown.iloc[0]) if len(sources) > 1 and len(shown) else "the source"
    return Shown(name, f"a record written in {_and(years)}")


def spans_words(
    claims: pd.DataFrame, ahead: pd.Series, name: str, sources: pd.DataFrame
) -> tuple[str, str]:
    """Caption and text alternative of the chart of statements over the years they are
    about (:func:`russian_views.briefings.charts.statement_spans`), for the same rows."""
    shown = sources_shown(claims, sources)
    forecast, n = int(ahead.sum()), len(claims)
    years = f"{int(claims['period_start'].min())}–{int(claims['period_end'].max())}"
    alt_text = (
        f"Chart of {n} coded statements of Moscow's view about {name}, each a bar over the "
        f"years it is about ({years}) as dated in {shown.the_sources}, coloured by stance; "
        f"{forecast} look ahead, drawn apart from the others."
    )
    caption = (
        f"The {n} statements of Moscow's view about {name} in this cut, each drawn once over "
        f"the years it is about as dated in {shown.the_sources}; the {forecast} that look "
        "ahead (forecasts, and statements dated past their source's year) are drawn below. "
        "They are statements about the actor; the forecasts section lists the expectations "
        "filed in this briefing, which it counts apart. "
        f"This is the dating of {shown.written}, not a series of Moscow's opinion over time: "
        "a statement about a whole span is one statement, not one per year."
    )
    return caption, alt_text


def timeline_words(
    events: pd.DataFrame, subject: str, period: str, sources: pd.DataFrame
) -> tuple[str, str]:
    """Caption and text alternative of the event timeline, for the events it draws
    (``period`` as the briefing prints it, e.g. "2008–2021")."""
    shown = sources_shown(events, sources)
    missed = int((~events["occurred"].astype(bool)).sum())
    noun = "event" if len(events) == 1 else "events"
    verb = "date" if shown.the_sources == "the sources" else "dates"
    alt_text = (
        f"Timeline of {len(events)} dated {noun} {subject}, {period}, {missed} of which did "
        "not happen as planned."
    )
    caption = (
        f"{len(events)} {noun} {subject}, {period}, as {shown.the_sources} {verb} them. "
        "Crosses mark planned events that did not happen; an event dated only to a year or "
        "month sits in its middle."
    )
    return caption, alt_text


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
