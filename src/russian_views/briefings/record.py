"""What a briefing's record is and as of when: the one-line record of the body, and the full
record box (sources, voices, how to read) that the annex and the index print once.

Every sentence here is derived from the data: how many sources, of which outlets and dates,
the span the coded record covers and the date its forecasts were checked to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from russian_views.briefings import markup as m
from russian_views.dataset.load import Dataset

MOSCOW, REVIEWER, ANALYST = "moscow", "reviewer", "analyst"
REVIEW = "review"  # the source kind whose author's own judgments are coded apart


def checked_to(dataset: Dataset) -> str:
    """The month the record's forecasts were checked against the public record, as words
    ("November 2026")."""
    value = str(dataset.record_check["checked_to"].iloc[0])
    return pd.Timestamp(f"{value}-01").strftime("%B %Y")


def kind_phrase(dataset: Dataset, kind: str) -> str:
    """A source kind as words inside a sentence: "a report or review of Russian views",
    "a Russian official statement"."""
    label = dataset.label("source_kind", kind)
    if not label.startswith("Russian"):
        label = label[0].lower() + label[1:]
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def sources_phrase(dataset: Dataset) -> str:
    """What the record is, each source with its kind, outlet and date: "1 source: a report
    or review of Russian views (The Asan Forum, 2021)"."""
    sources = dataset.sources
    items = "; ".join(
        f"{kind_phrase(dataset, s.source_kind)} ({s.outlet}, {s.published})"
        for s in sources.itertuples()
    )
    return f"{len(sources)} source{'' if len(sources) == 1 else 's'}: {items}"


def voice_label(dataset: Dataset, row: Mapping[str, Any]) -> str:
    """Whose view a record states, as its source's kind makes it: a Russian view from an
    official statement is an official position, from a review a report of Russian views."""
    if row["view"] != MOSCOW:
        return dataset.label("view", row["view"])
    kinds = dict(zip(dataset.sources["source_id"], dataset.sources["source_kind"], strict=True))
    return dataset.label("moscow_voice", kinds[row["source_id"]])


def voices_present(dataset: Dataset) -> list[tuple[str, str, str]]:
    """The voices this record holds, as (badge class, label, definition): one Russian voice
    per kind of source present, the reviewer's where a review is present, and ours."""
    kinds = [k for k in dataset.codes("source_kind") if k in set(dataset.sources["source_kind"])]
    out = [
        (MOSCOW, dataset.label("moscow_voice", k), dataset.definition("source_kind", k))
        for k in kinds
    ]
    if REVIEW in kinds:
        out.append(
            (REVIEWER, dataset.label("view", REVIEWER), dataset.definition("view", REVIEWER))
        )
    out.append((ANALYST, dataset.label("voice", ANALYST), dataset.definition("voice", ANALYST)))
    return out


def record_line(dataset: Dataset, span: str, period: str | None = None) -> str:
    """The body's one line on the record: the period shown, what the record is and spans,
    and when it was checked against the public record."""
    if period == span:  # said once: the period shown is the record's whole span
        shown, span = f"Period {period}, the whole record · ", ""
    else:
        shown, span = (f"Period {period} · " if period else ""), f", {span}"
    return (
        f"{shown}Record: {sources_phrase(dataset)}, coded sentence by sentence{span}; "
        f"checked against the public record to {checked_to(dataset)} · "
        f"data version {dataset.version}"
    )


def the_sources(dataset: Dataset) -> str:
    """ "the source" or "the sources", as many as the record holds."""
    return "the sources" if len(dataset.sources) > 1 else "the source"


def voice_line(dataset: Dataset) -> m.Html:
    """The three voices in one line, for the body (the annex defines them in full)."""
    labels = [m.view_badge(code, label) for code, label, _ in voices_present(dataset)]
    first = str(dataset.sources["source_id"].iloc[0])
    multi = len(dataset.sources) > 1
    example = m.ref_label(first, 4, 3, multi)
    whose = f"of source {first}" if multi else "of the source"
    after = the_sources(dataset)
    return m.paragraph(
        m.join(
            [
                "Voices:",
                m.join(labels, " "),
                f"— never mixed. [{example}] is body paragraph 4, sentence 3 {whose}, printed "
                f"in full under Cited passages. What happened after {after} is marked “from "
                "outside the record” and cites a public record.",
            ],
            " ",
        ),
        class_="voice-line",
    )


def _source_item(dataset: Dataset, s: pd.Series, multi: bool) -> m.Html:
    """One source: author, title, outlet, date, address (printed, so a PDF keeps it) and note."""
    kind = dataset.label("source_kind", s["source_kind"])
    parts = [m.tag("strong", f"{kind}:"), f"{s['author']}," if s["author"] else ""]
    title = m.tag("cite", s["title"])
    parts.append((m.tag("a", title, href=s["url"]) if s["url"] else title) + ",")
    parts.append(f"{s['outlet']}, {s['published']}.")
    if s["url"]:
        parts.append(m.tag("span", s["url"], class_="url"))
    if s["reviewed_work"]:
        parts.append(f"Reviewed work: {s['reviewed_work']}")
    if s["note"]:
        parts.append(m.tag("span", f"Note: {s['note']}", class_="meta"))
    if multi:
        parts.append(m.tag("span", f"Cited as {s['source_id']}.", class_="meta"))
    return m.join((p for p in parts if p), " ")


def record_box(dataset: Dataset, heading: str = "The record behind this briefing") -> m.Html:
    """What the record is and as of when, each source, and what each voice means."""
    multi = len(dataset.sources) > 1
    items = [_source_item(dataset, s, multi) for _, s in dataset.sources.iterrows()]
    latest = str(dataset.sources["published"].max())
    n = len(dataset.sources)
    published = (
        f"it was published in {latest}" if n == 1 else f"the latest was published in {latest}"
    )
    record = (
        f"The record is {'one source' if n == 1 else f'{n} sources'}, coded by us sentence by "
        f"sentence; {published}, and nothing that happened later is in the coded record. We "
        f"checked every expectation and signpost it holds against the public record to "
        f"{checked_to(dataset)}: each status other than open, and each development listed "
        f"under Since {the_sources(dataset)}, cites that record and is marked as from outside "
        "the record; none is counted as a statement of Moscow's view."
    )
    voices = voices_present(dataset)
    voice_items = [m.join([m.view_badge(c, label), text], " ") for c, label, text in voices]
    how_to_read = (
        "Text in quotation marks is verbatim from the source; ¶ and s give the body paragraph "
        "and sentence, each linked to the full passage under Cited passages. The source's odds "
        "are given in words kept apart from ours (“expected”, “held possible”, “ruled out” for "
        "its “excluded”), each marked “(the source)”; likelihood words such as “likely” and "
        "“very unlikely” are ours, on the fixed ICD 203 scale, always with a confidence level."
    )
    body = m.join(
        [
            m.tag("h3", heading, class_="box-title"),
            m.list_tag("ul", items, class_="sources"),
            m.paragraph(record),
            m.list_tag("ul", voice_items, class_="voices"),
            m.paragraph(how_to_read),
        ]
    )
    return m.tag("aside", body, class_="record-box", aria_label=heading)
