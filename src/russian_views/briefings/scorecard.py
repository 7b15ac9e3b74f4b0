"""The scorecard: forecasts counted by status, one row per group (a briefing's voices, or
the overview's briefings), with each row's n and the columns the codebook's status order
gives. A count of scored forecasts, said to be one; the judgment on the book's record is
a key judgment of ours, written apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from russian_views.briefings import markup as m
from russian_views.briefings.record import checked_to

if TYPE_CHECKING:
    from russian_views.briefings.base import Briefing


def counts(
    briefing: Briefing,
    rows: list[tuple[str, pd.DataFrame]],
    apart: list[tuple[str, pd.DataFrame]] | None = None,
) -> tuple[list[str], list[list[object]]]:
    """The table's header and rows: each group's count per status present anywhere, its n,
    and a total row when there is more than one group; then the ``apart`` rows, counted
    alone and never added to that total (another voice's forecasts, or asks)."""
    apart = apart or []
    statuses = [
        c
        for c in briefing.dataset.codes("forecast_status")
        if any((frame["status"] == c).any() for _, frame in [*rows, *apart])
    ]
    header = ["", *(briefing.label("forecast_status", c) for c in statuses), "n"]
    body: list[list[object]] = []
    for label, frame in rows:
        tallied = frame["status"].value_counts()
        body.append([label, *(int(tallied.get(c, 0)) for c in statuses), len(frame)])
    if len(rows) > 1:
        every = pd.concat([frame for _, frame in rows])
        tallied = every["status"].value_counts()
        body.append(["All", *(int(tallied.get(c, 0)) for c in statuses), len(every)])
    for label, frame in apart:
        tallied = frame["status"].value_counts()
        body.append([label, *(int(tallied.get(c, 0)) for c in statuses), len(frame)])
    return header, body


def scorecard(
    briefing: Briefing,
    rows: list[tuple[str, pd.DataFrame]],
    what: str,
    apart: list[tuple[str, pd.DataFrame]] | None = None,
) -> m.Html:
    """The scorecard table of ``rows`` (label, forecasts) and of the ``apart`` rows counted
    outside their total, captioned with what it counts and as of when; nothing when there
    is no forecast."""
    apart = [(label, f) for label, f in apart or [] if len(f)]
    if not any(len(frame) for _, frame in rows) and not apart:
        return m.Html()
    header, body = counts(briefing, [(label, f) for label, f in rows if len(f)], apart)
    cells = [[m.tag("strong", r[0]) if r[0] == "All" else r[0], *map(str, r[1:])] for r in body]
    caption = (
        f"Scorecard: {what}, by status as of {checked_to(briefing.dataset)} (each status by the "
        "codebook's rule). A count, not a hit rate: “Occurred” and “Did not occur” each hold "
        "forecasts the source expected and forecasts it dismissed or ruled out; read each with "
        "the source's odds, listed below."
    )
    return m.table(header, cells, caption=caption, class_="data scorecard")
