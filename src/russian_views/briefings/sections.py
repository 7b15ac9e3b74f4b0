"""Every section title of the briefings, once: the notebooks' markdown headings must be these
(a test checks), and cross-references link to them by the anchor nbconvert gives a heading.

The body is what a reader can stop after (an In Focus product); the annex holds the coded
record, each statement in full once.
"""

from __future__ import annotations

from nbconvert.filters.strings import _convert_header_id

from russian_views.briefings import markup as m

BODY = {
    "judgments": "Key judgments",
    "in-brief": "The source's argument in brief",
    "forecasts": "Forecasts, and what Moscow has said since",
    "wants": "Russian prescriptions",
    "differs": "Where the source's author differs",
}
ANNEX = {
    "annex": "Annex",
    "record": "A.1 The record",
    "themes": "A.2 Statements by theme",
    "relations": "A.3 Relations with the other actors, as Moscow sees them",
    "timeline": "A.4 Timeline of events",
    "observations": "A.5 The source author's other observations",
    "dating": "A.6 What the statements are about in time",
    "since": "A.7 What has happened since, on the public record",
    "aims": "A.2 Moscow's own aims and constraints",
    "by-actor": "A.3 Moscow's stance by actor and theme",
    "one-timeline": "A.4 One timeline",
    "over-sources": "A.6 Stance by source date",
    "sources-differ": "A.7 Where the sources differ",
    "since-overview": "A.8 What has happened since, on the public record",
    "passages": "Cited passages",
    "notes": "Notes",
}
TITLES = {**BODY, **ANNEX}


def anchor(key: str) -> str:
    """The id nbconvert gives the heading of section ``key``."""
    return _convert_header_id(TITLES[key])


def link(key: str) -> m.Html:
    """A link to section ``key`` under its title."""
    return m.tag("a", TITLES[key], href=f"#{anchor(key)}", class_="xref")
