"""Whose voice a section holds, said once: section heads and leads name the holder of the
views they print from the source's kind and the row's view, so a book read through a review
never becomes "Moscow" and the reviewer's own forecasts never sit under the book's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from russian_views.briefings.record import MOSCOW, REVIEW


def holder(source: Mapping[str, Any], view: str) -> tuple[str, str, bool]:
    """Who holds a view coded from ``source``, how it reaches us, and whether the holder
    is one (for the verb): Moscow in an official statement, the Russian author in an
    expert's own analysis, the book's authors as a review reports them; the reviewer for a
    reviewer's row."""
    if view != MOSCOW:
        return "the reviewer", "", True
    kind = source["source_kind"]
    if kind == REVIEW:
        who = "the book's authors" if source.get("reviewed_work") else "the Russians it reviews"
        return who, "as the review reports", False
    if kind == "expert":
        return "the Russian author", "", True
    return "Moscow", "", True


def heading(source: Mapping[str, Any], view: str, verb: str, plural_verb: str) -> str:
    """ "What <holder> <verb>" with how the view reaches us: "What the book's authors expect
    (as the review reports)", "What the reviewer expects", "What Moscow wants"."""
    who, how, one = holder(source, view)
    text = f"What {who} {verb if one else plural_verb}"
    return f"{text} ({how})" if how else text


def forecast_heading(
    source: Mapping[str, Any], view: str, forecast_kind: str, addressee: str = ""
) -> str:
    """The head of a group of forecasts: what the holder expects, or asks of an actor."""
    if forecast_kind == "ask":
        return heading(source, view, f"asks of {addressee}", f"ask of {addressee}")
    return heading(source, view, "expects", "expect")


def wants_heading(source: Mapping[str, Any]) -> str:
    """The head of the prescriptions a source gives as Russian."""
    return heading(source, MOSCOW, "wants", "want")
