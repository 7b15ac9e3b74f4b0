"""Addresses as numbered endnotes: the body names a public record by outlet and date and a
note number; the Notes at the end of the briefing give each record in full (outlet, date,
title, address), so no address interrupts the text.

The notes a briefing needs are known before any cell prints (its sources, the records they
stand on, the developments it cites), so they are numbered once, in reading order (the
sources' addresses, then the outside record by date), and every cell agrees on the numbers.
A record is one note however many developments cite it (an event and a statement reported
in one article): its note number serves them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from russian_views.briefings import markup as m
from russian_views.briefings.record import month_words, short_title


@dataclass(frozen=True)
class Note:
    """One public record a briefing cites: what it is, in words, and its address."""

    key: str
    text: str
    url: str
    also: tuple[str, ...] = ()  # the keys of other citers of the same record


def source_key(source_id: str) -> str:
    """The note key of a source's own address."""
    return f"source-{source_id}"


def standing_key(source_id: str) -> str:
    """The note key of the record a source's standing rests on."""
    return f"standing-{source_id}"


def development_key(development_id: str) -> str:
    """The note key of a development's record."""
    return f"dev-{development_id}"


def record_text(d: Mapping[str, Any]) -> str:
    """A development's record in words: outlet, date, “title” (no title where the copy we
    found showed no headline: none is made up)."""
    words = f"{d['outlet']}, {month_words(d['record_date'])}"
    return f"{words}, “{d['title']}”" if d["title"] else words


def briefing_notes(sources: pd.DataFrame, developments: pd.DataFrame) -> list[Note]:
    """Every note of a briefing that prints ``sources`` and cites ``developments``, in
    reading order, one per address (a second citer of a record shares its note)."""
    by_url: dict[str, Note] = {}

    def add(key: str, text: str, url: str) -> None:
        first = by_url.get(url)
        by_url[url] = replace(first, also=(*first.also, key)) if first else Note(key, text, url)

    for s in sources.to_dict("records"):
        if s["url"]:
            add(source_key(s["source_id"]), f"{short_title(s)}: “{s['title']}”", s["url"])
        if s.get("standing_url"):
            date = month_words(s["standing_date"])
            text = f"{s['standing_outlet']}, {date}, “{s['standing_title']}”"
            add(standing_key(s["source_id"]), text, s["standing_url"])
    for d in developments.sort_values(["date", "development_id"]).to_dict("records"):
        add(development_key(d["development_id"]), record_text(d), d["url"])
    return list(by_url.values())


def numbers(notes: Iterable[Note]) -> dict[str, int]:
    """Each note's number (1 first), by the key of every citer of its record."""
    return {key: i for i, n in enumerate(notes, start=1) for key in (n.key, *n.also)}


def ref(numbered: Mapping[str, int], key: str) -> m.Html:
    """The superscript link to a note (nothing when the briefing holds no such note)."""
    number = numbered.get(key)
    if number is None:
        return m.Html()
    return m.tag("sup", m.tag("a", f"[{number}]", href=f"#note-{number}"), class_="note-ref")


def notes_list(notes: list[Note]) -> m.Html:
    """The Notes: each record in full with its address, numbered as the body cites it."""
    if not notes:
        return m.empty("This briefing cites no record outside the source.")
    items = [
        m.tag(
            "li",
            m.join([n.text, m.tag("a", n.url, href=n.url, class_="url")], " "),
            id=f"note-{i}",
        )
        for i, n in enumerate(notes, start=1)
    ]
    return m.tag("ol", m.join(items), class_="notes")
