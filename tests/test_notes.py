"""Notes: each public record a briefing cites is one numbered note (fixture records below are
made up for the test: outlets and addresses of no real article)."""

from __future__ import annotations

import pandas as pd

from russian_views.briefings import notes

SOURCES = pd.DataFrame(
    [
        {
            "source_id": "fixture-review",
            "title": "A fixture review",
            "outlet": "Fixture Forum",
            "source_kind": "review",
            "published": "2021-03-01",
            "url": "https://example.org/fixture-review",
            "standing_url": "",
        }
    ]
)


def development(dev_id: str, date: str, url: str, title: str = "Fixture headline") -> dict:
    return {
        "development_id": dev_id,
        "date": date,
        "outlet": "Fixture Daily",
        "record_date": date,
        "title": title,
        "url": url,
    }


def test_two_developments_reported_in_one_record_share_one_note():
    """An event and a statement from one article are one note, cited by one number."""
    shared = "https://example.org/one-article"
    devs = pd.DataFrame(
        [
            development("d002", "2024-10-21", shared),
            development("d001", "2024-10-21", shared),
            development("d003", "2024-11-02", "https://example.org/another", "Another"),
        ]
    )
    listed = notes.briefing_notes(SOURCES, devs)
    assert [n.url for n in listed] == [
        "https://example.org/fixture-review",
        shared,
        "https://example.org/another",
    ]
    numbered = notes.numbers(listed)
    assert numbered[notes.development_key("d001")] == numbered[notes.development_key("d002")] == 2
    assert numbered[notes.development_key("d003")] == 3
    html = str(notes.notes_list(listed))
    assert html.count(shared) == 2  # one note: its text link and its href, once each
    assert html.count("<li") == 3


def test_notes_are_numbered_in_reading_order():
    """The source's address first, then the outside record by date."""
    devs = pd.DataFrame(
        [
            development("d009", "2025-01-05", "https://example.org/later"),
            development("d004", "2023-03-01", "https://example.org/earlier"),
        ]
    )
    numbered = notes.numbers(notes.briefing_notes(SOURCES, devs))
    assert numbered == {
        notes.source_key("fixture-review"): 1,
        notes.development_key("d004"): 2,
        notes.development_key("d009"): 3,
    }
