"""What a briefing's record is and as of when: the one-line record of the body, and the full
record box (sources, voices, how to read) that the annex and the index print once.

Every sentence here is derived from the data: how many sources, of which outlets and dates,
the span the coded record covers and the date its forecasts were checked to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def searched_to(dataset: Dataset) -> str:
    """The day the public record was last searched, as words ("6 December 2026")."""
    return month_words(str(dataset.record_check["searched_to"].iloc[0]))


def kind_phrase(dataset: Dataset, kind: str) -> str:
    """A source kind as words inside a sentence: "a report or review of Russian views",
    "a Russian official statement"."""
    label = dataset.label("source_kind", kind)
    if not label.startswith("Russian"):
        label = label[0].lower() + label[1:]
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


# What a source of each kind is called in a short title ("the Asan Forum review (2021)").
KIND_NOUNS = {"official": "statement", "expert": "analysis", "review": "review"}


def short_title(source: Mapping[str, Any]) -> str:
    """How running text names a source, derived once from its outlet, kind and year: "the
    Asan Forum review (2021)"; never its raw id."""
    outlet = str(source["outlet"])
    outlet = outlet[4:] if outlet.startswith("The ") else outlet
    noun = KIND_NOUNS.get(str(source["source_kind"]), "text")
    return f"the {outlet} {noun} ({str(source['published'])[:4]})"


def short_titles(dataset: Dataset) -> dict[str, str]:
    """Every source's :func:`short_title`, by source id."""
    return {str(s["source_id"]): short_title(s) for s in dataset.sources.to_dict("records")}


def sources_phrase(dataset: Dataset, sources: pd.DataFrame | None = None) -> str:
    """What the record is, each source with its kind, outlet and date: "1 source: a report
    or review of Russian views (The Asan Forum, 2021)"; ``sources`` are the ones a briefing
    prints (every source, by default)."""
    sources = dataset.sources if sources is None else sources
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


def voices_present(
    dataset: Dataset, sources: pd.DataFrame | None = None, views: Sequence[str] | None = None
) -> list[tuple[str, str, str]]:
    """The voices a record holds, as (badge class, label, definition): one Russian voice
    per kind of source present, the reviewer's where a review is present, and ours; of the
    source's voices only those in ``views`` when a briefing shows only some."""
    sources = dataset.sources if sources is None else sources
    views = (MOSCOW, REVIEWER) if views is None else views
    kinds = [k for k in dataset.codes("source_kind") if k in set(sources["source_kind"])]
    out = [
        (MOSCOW, dataset.label("moscow_voice", k), dataset.definition("source_kind", k))
        for k in kinds
        if MOSCOW in views
    ]
    if REVIEW in kinds and REVIEWER in views:
        out.append(
            (REVIEWER, dataset.label("view", REVIEWER), dataset.definition("view", REVIEWER))
        )
    out.append((ANALYST, dataset.label("voice", ANALYST), dataset.definition("voice", ANALYST)))
    return out


def source_named(dataset: Dataset, source: Mapping[str, Any], ref: object = "") -> m.Html:
    """A source as the record line names it: its kind, outlet and date, then its author and
    title where we have them, and the note that gives its address."""
    head = (
        f"{kind_phrase(dataset, source['source_kind'])} ({source['outlet']}, {source['published']})"
    )
    author = f", by {source['author']}" if source["author"] else ""
    return m.join([f"{head}{author}, “{source['title']}”", ref])


def newest_development(dataset: Dataset) -> str:
    """The date of the newest development in the outside record ('' when it holds none)."""
    dates = dataset.developments["date"]
    return str(dates.max()) if len(dates) else ""


def record_line(
    dataset: Dataset,
    span: str,
    period: str | None = None,
    sources: pd.DataFrame | None = None,
    refs: Mapping[str, object] | None = None,
) -> m.Html:
    """The body's one line on the record: the period shown, what the record is (each source
    named, its address a note in ``refs`` by source id) and spans, and how far the outside
    record runs: the check date and the newest development's date."""
    sources = dataset.sources if sources is None else sources
    refs = refs or {}
    if period == span:  # said once: the period shown is the record's whole span
        shown, span = f"Coded years {period}, the whole record · ", ""
    else:
        shown, span = (f"Coded years {period} · " if period else ""), f", {span}"
    named = m.join(
        [
            source_named(dataset, s, refs.get(s["source_id"], ""))
            for s in sources.to_dict("records")
        ],
        "; ",
    )
    count = f"{len(sources)} source{'' if len(sources) == 1 else 's'}: "
    newest = newest_development(dataset)
    searched = (
        f"searched to {searched_to(dataset)}, nothing later than {checked_to(dataset)} assessed"
    )
    newest_text = (
        f" ({searched}; newest development: {month_words(newest)})" if newest else f" ({searched})"
    )
    return m.join(
        [
            f"{shown}Record: {count}",
            named,
            f", coded sentence by sentence{span}; public record checked to "
            f"{checked_to(dataset)}{newest_text} · data version {dataset.version}",
        ]
    )


def footer_line(dataset: Dataset, sources: pd.DataFrame | None = None) -> str:
    """The printed page's running foot, one line: the sources by short title, how far the
    public record was checked and the data version (the record line on page 1 says it in
    full; every page need not)."""
    sources = dataset.sources if sources is None else sources
    named = "; ".join(short_title(s) for s in sources.to_dict("records"))
    return (
        f"Record: {named}; public record checked to {checked_to(dataset)} · "
        f"data version {dataset.version}"
    )


def standing_line(sources: pd.DataFrame, refs: Mapping[str, object]) -> m.Html:
    """How much weight a source's Russian views bear (how close to official thinking we
    take them, and how far not), in our words, with the note citing the record it rests on;
    for a review, the standing is the reviewed book's (nothing when the data claim none)."""
    lines = []
    for s in sources.to_dict("records"):
        if not s.get("standing"):
            continue
        book = s["source_kind"] == REVIEW and s["reviewed_work"]
        whose = f"the book reviewed in {short_title(s)}" if book else short_title(s)
        text = f"How much weight we give {whose}: {s['standing']}"
        lines.append(m.join([text, refs.get(s["source_id"], "")]))
    return m.paragraph(m.join(lines, " "), class_="standing-line") if lines else m.Html()


def month_words(value: str) -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD date as a reader writes it ("2 September 2025",
    "May 2022", "2021")."""
    value = str(value)
    if len(value) == 4:
        return value
    stamp = pd.Timestamp(value if len(value) == 10 else f"{value}-01")
    return stamp.strftime("%-d %B %Y") if len(value) == 10 else stamp.strftime("%B %Y")


def the_sources(dataset: Dataset, sources: pd.DataFrame | None = None) -> str:
    """ "the source" or "the sources", as many as the record (or a briefing's) holds."""
    sources = dataset.sources if sources is None else sources
    return "the sources" if len(sources) > 1 else "the source"


def voice_line(
    dataset: Dataset, sources: pd.DataFrame | None = None, views: Sequence[str] | None = None
) -> m.Html:
    """The voices in one line, for the body (the annex defines them in full): only those a
    briefing showing some of the source's voices prints."""
    sources = dataset.sources if sources is None else sources
    present = voices_present(dataset, sources, views)
    labels = [m.view_badge(code, label) for code, label, _ in present]
    first = str(sources["source_id"].iloc[0])
    multi = len(sources) > 1
    example = m.ref_label(first, 4, 3, multi)
    whose = f"of {short_title(sources.iloc[0])}" if multi else "of the source"
    return m.paragraph(
        m.join(
            [
                "Voices:",
                m.join(labels, " "),
                f"— kept apart. [{example}] is body paragraph 4, sentence 3 {whose}, printed "
                "in full under Cited passages.",
            ],
            " ",
        ),
        class_="voice-line",
    )


def _source_item(dataset: Dataset, s: pd.Series, multi: bool, ref: object = "") -> m.Html:
    """One source: author, title, outlet, date, its address (a note) and note."""
    kind = dataset.label("source_kind", s["source_kind"])
    parts = [m.tag("strong", f"{kind}:"), f"{s['author']}," if s["author"] else ""]
    parts.append(m.tag("cite", s["title"]) + ",")
    parts.append(m.join([f"{s['outlet']}, {s['published']}.", ref]))
    if s["reviewed_work"]:
        parts.append(f"Reviewed work: {s['reviewed_work']}")
    if s["note"]:
        parts.append(m.tag("span", f"Note: {s['note']}", class_="meta"))
    if multi:
        parts.append(m.tag("span", f"Cited as {s['source_id']}.", class_="meta"))
    return m.join((p for p in parts if p), " ")


def record_box(
    dataset: Dataset,
    heading: str = "The record behind this briefing",
    sources: pd.DataFrame | None = None,
    refs: Mapping[str, object] | None = None,
) -> m.Html:
    """What the record is and as of when, each source, and what each voice means."""
    sources = dataset.sources if sources is None else sources
    refs = refs or {}
    multi = len(sources) > 1
    items = [
        _source_item(dataset, s, multi, refs.get(s["source_id"], "")) for _, s in sources.iterrows()
    ]
    latest = str(sources["published"].max())
    n = len(sources)
    published = (
        f"it was published in {latest}" if n == 1 else f"the latest was published in {latest}"
    )
    newest = newest_development(dataset)
    record = (
        f"The record is {'one source' if n == 1 else f'{n} sources'}, coded by us sentence by "
        f"sentence; {published}, and nothing that happened later is in the coded record. We "
        f"searched the public record to {searched_to(dataset)} and assess it to "
        f"{checked_to(dataset)}"
        + (f" (the newest development found is dated {month_words(newest)})" if newest else "")
        + ", scoring every forecast by the codebook's rule against it; what a status says "
        f"happened, and each development listed since {the_sources(dataset, sources)}, rests on a "
        "record we found, numbered in the Notes; none is counted as a statement of the coded "
        "record."
    )
    how = str(dataset.record_check["note"].iloc[0])
    record = f"{record} {how}" if how else record
    voices = voices_present(dataset, sources)
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
