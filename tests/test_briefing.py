"""The briefing sections: cited judgments, voices kept apart, every citation resolvable."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from markupsafe import escape

from russian_views.briefings import annex, record
from russian_views.briefings import markup as m
from russian_views.briefings.briefing import SUMMARY_EXPECTATIONS, ActorBriefing
from russian_views.briefings.overview import OverviewBriefing
from russian_views.briefings.record import checked_to
from russian_views.dataset.load import load_dataset
from russian_views.errors import ParameterError
from russian_views.params import Period

from .conftest import all_sections, edit_csv

ACTORS = ["north-korea", "south-korea", "united-states", "china"]
CITE = re.compile(r'href="#(src-[^"]+)"')


@pytest.mark.parametrize("actor", ACTORS)
def test_bottom_line_states_the_written_key_judgments_with_confidence(dataset, actor):
    brief = ActorBriefing.from_parameters(actor, dataset=dataset)
    table = dataset.key_judgments[dataset.key_judgments["briefing"] == actor]
    bottom = str(brief.bottom_line())
    items = re.findall(r"<li>(.*?)</li>", bottom.split('<p class="note">')[0], flags=re.S)
    assert 3 <= len(items) == len(table) <= 5
    for item, kj in zip(items, table.sort_values("rank").itertuples(), strict=True):
        assert str(escape(kj.judgment)) in item
        assert f"view-{kj.voice}" in item
        confidence = dataset.label("confidence", kj.confidence).lower()
        assert confidence in item.lower()
        if kj.probability:
            assert dataset.label("probability", kj.probability) in item.lower()
        assert CITE.search(item), "every judgment cites its evidence"


def test_a_russian_view_on_one_review_is_labelled_as_the_legend_labels_it(dataset):
    """One source, a review: the judgments wear the review's label, never "the sources"."""
    for actor in ACTORS:
        bottom = str(ActorBriefing.from_parameters(actor, dataset=dataset).bottom_line())
        if "view-moscow" in bottom:
            assert "Russian views as a review reports them" in bottom
        assert "as the sources give it" not in bottom.lower()
    assert (
        "as the sources give it"
        not in str(OverviewBriefing.from_parameters(dataset=dataset).bottom_line()).lower()
    )


def test_a_judgment_whose_evidence_is_cut_away_is_dropped(dataset):
    whole = ActorBriefing.from_parameters("south-korea", dataset=dataset)
    narrowed = ActorBriefing.from_parameters("south-korea", themes="economic", dataset=dataset)
    assert len(narrowed.key_judgments) < len(whole.key_judgments)
    kept = {kj["judgment_id"] for kj, _ in narrowed.key_judgments}
    shown = {
        i for frame in narrowed.shown() for column in ("claim_id", "event_id", "expectation_id")
        if column in frame for i in frame[column]
    }  # fmt: skip
    filed = dataset.key_judgments[dataset.key_judgments["briefing"] == "south-korea"]
    for kj in filed.itertuples():
        cited = {
            i for ids in (kj.claim_ids, kj.event_ids, kj.expectation_ids) for i in ids.split("|")
        }
        assert (kj.judgment_id in kept) == bool(cited & shown), kj.judgment_id
    # kj08 and kj25 cite x029, which is filed here; the others cite no economic claim.
    assert kept == {"kj08", "kj25"}


def test_with_no_judgment_left_the_bottom_line_says_so_and_points_to_the_annex(dataset):
    brief = ActorBriefing.from_parameters("china", views="reviewer", dataset=dataset)
    assert brief.key_judgments == []
    bottom = str(brief.bottom_line())
    assert "No key judgment on China rests on the records of this cut" in bottom
    assert "annex" in bottom


@pytest.mark.parametrize("actor", [*ACTORS, "overview"])
def test_the_bottom_line_holds_judgments_only_never_a_count(dataset, actor):
    """Counts of coded sentences invite a reader to take them as a measure of Moscow's
    attitude: the bottom line holds the written judgments alone."""
    bottom = html.unescape(str(briefing(dataset, actor).bottom_line()))
    assert "coded statements" not in bottom and "Our count" not in bottom
    for label in ["Trend.", "Chief grievance.", "Outlook.", "on balance", "evenly divided"]:
        assert label not in bottom


def briefing(dataset, scope: str, **kwargs) -> ActorBriefing | OverviewBriefing:
    """The briefing of an actor, or the overview."""
    if scope == "overview":
        return OverviewBriefing.from_parameters(dataset=dataset, **kwargs)
    return ActorBriefing.from_parameters(scope, dataset=dataset, **kwargs)


@pytest.mark.parametrize("scope", [*ACTORS, "overview"])
def test_the_evidence_of_every_judgment_and_summary_sentence_is_printed_whole(dataset, scope):
    """A written judgment prints every record it rests on, whatever the page shows
    otherwise, and each of those sentences is among the cited passages."""
    brief = briefing(dataset, scope)
    anchors = set(re.findall(r'id="(src-[^"]+)"', str(brief.passages())))
    written = brief.key_judgments + brief.brief_sentences
    assert written
    page = str(brief.bottom_line()) + str(brief.in_brief())
    tables = {"claim_ids": "claims", "event_ids": "events", "expectation_ids": "expectations"}
    for row, _ in written:
        for column, table in tables.items():
            frame = dataset.tables[table]
            named = frame[frame[frame.columns[1]].isin(row[column].split("|"))]
            for e in named.itertuples():
                anchor = m.anchor_id(e.source_id, e.paragraph, e.sentence)
                assert f'href="#{anchor}"' in page, (scope, anchor)
                assert anchor in anchors, (scope, anchor)


def test_a_narrowed_cut_keeps_a_judgments_whole_evidence(dataset):
    """Cutting to one theme keeps kj01 (one of its claims is on that theme); it still
    cites its other claim, which the cut itself leaves out (the old code dropped it)."""
    brief = ActorBriefing.from_parameters("north-korea", themes="status-respect", dataset=dataset)
    judgments = {kj["judgment_id"]: (kj, ev) for kj, ev in brief.key_judgments}
    kj, evidence = judgments["kj01"]
    named = set(kj["claim_ids"].split("|"))
    assert named - set(brief.claims["claim_id"]), "the cut leaves out one of its claims"
    claims = dataset.claims[dataset.claims["claim_id"].isin(named)]
    cited = set(zip(evidence["paragraph"], evidence["sentence"], strict=True))
    assert cited == set(zip(claims["paragraph"], claims["sentence"], strict=True))


@pytest.mark.parametrize("actor", ACTORS)
def test_each_claim_is_printed_in_full_once(dataset, actor):
    brief = ActorBriefing.from_parameters(actor, dataset=dataset)
    sections = all_sections(brief)
    shown = pd.concat([brief.claims, brief.relations, brief.wants, brief.reviewer_claims])
    items = re.findall(r'<ul class="claims">(.*?)</ul>', sections, flags=re.S)
    printed = re.findall(
        r"<li>(?:<span[^>]*>[^<]*</span> )?([^<]*?)(?: <q|<a| <span)", "".join(items)
    )
    assert sorted(printed) == sorted(str(escape(p)) for p in set(shown["paraphrase"]))


def test_a_quote_that_repeats_the_paraphrase_is_left_to_the_passage(dataset):
    claims = dataset.claims
    row = claims[claims["claim_id"] == "c007"].iloc[0]
    brief = ActorBriefing.from_parameters("south-korea", dataset=dataset)
    item = annex.claim_item(brief, row)
    assert not m.adds_words(row["quote"], row["paraphrase"])
    assert "<q" not in item and brief.cite(row) in item


def test_the_record_box_names_each_source_its_date_and_the_voices(dataset):
    brief = ActorBriefing.from_parameters("china", dataset=dataset)
    box = str(brief.record_box())
    assert "The Asan Forum, 2021" in box
    assert "it was published in 2021" in box and "since the source" in box
    searched = record.searched_to(dataset)
    assert f"public record to {searched} and assess it to {checked_to(dataset)}" in box
    assert html.unescape(str(dataset.record_check["note"].iloc[0])) in html.unescape(box)
    for code in ("moscow", "reviewer", "analyst"):
        assert f"view-{code}" in box
    line = str(brief.title_block())
    # The period is said once when it is the record's whole span, twice when it is not.
    assert "Coded years 2008–2021, the whole record · Record: 1 source" in line
    assert f"coded sentence by sentence; public record checked to {checked_to(dataset)}" in line
    up_front = f"(searched to {searched}, nothing later than {checked_to(dataset)} assessed; newest"
    assert up_front in line, "how far the record was searched, and assessed, up front"
    narrowed = ActorBriefing.from_parameters("china", since=2014, until=2018, dataset=dataset)
    assert "Coded years 2014–2018 · Record:" in str(narrowed.title_block())
    assert "coded sentence by sentence, 2008–2021; public record checked" in str(
        narrowed.title_block()
    )
    assert "record-box" not in line, "the body carries one record line, the annex the box"


def test_a_second_source_changes_the_wording_of_the_briefings_that_print_it(data_copy):
    with (data_copy / "sources.csv").open("a", encoding="utf-8") as f:
        f.write(
            "lukin-2017,expert,Notes on Korea,A. Lukin,Russia in Global Affairs,2017-05,"
            "https://example.org/lukin,asan-forum-2021.txt,"
            "53bda1327c93b0d819f076a2ffba63e9a5d9007799e8156631a8ebb06972a1e9,,,,,,,\n"
        )
    data = load_dataset(data_copy)
    brief = OverviewBriefing.from_parameters(dataset=data)  # the overview prints every source
    title = html.unescape(str(brief.title_block()))
    assert "Record: 2 sources: a report or review of Russian views (The Asan Forum, 2021)" in title
    assert (
        "a Russian expert’s own analysis (Russia in Global Affairs, 2017-05), by A. Lukin" in title
    )
    assert (
        "[asan-forum-2021 ¶4 s3] is body paragraph 4, sentence 3 of the Asan Forum review" in title
    )
    box = str(brief.record_box())
    assert "The record is 2 sources" in box
    assert "<cite>Notes on Korea</cite>" in box and "https://" not in box.replace('href="', "")
    assert "https://example.org/lukin" in str(brief.notes_section()), "its address is a note"
    assert "A. Lukin," in box
    assert box.count("Reviewed work:") == 1, "an empty field is left out"
    # The China briefing prints no record of the new source: its record is unchanged.
    china = ActorBriefing.from_parameters("china", dataset=data)
    assert "Record: 1 source:" in str(china.title_block())


def test_the_source_authors_reservations_are_set_apart(dataset):
    brief = ActorBriefing.from_parameters("south-korea", dataset=dataset)
    differs = str(brief.reviewer_section())
    assert "Lee&#39;s role" in differs
    reservations = brief.reviewer_claims[brief.reviewer_claims["claim_kind"] == "reservation"]
    assert len(reservations)
    for paraphrase in reservations["paraphrase"]:
        assert str(escape(paraphrase)) in differs
    for paraphrase in brief.reviewer_claims.query("claim_kind != 'reservation'")["paraphrase"]:
        assert str(escape(paraphrase)) not in differs


def test_forecasts_and_signposts_carry_their_status_and_external_records(dataset):
    brief = ActorBriefing.from_parameters("north-korea", dataset=dataset)
    section = str(brief.expectations_section())
    listed = set(brief.developments["development_id"])
    for frame in (brief.expectations, brief.signposts):
        external = frame[frame["status_basis"] != ""]
        assert len(external)
        for s in external.itertuples():
            for d in s.status_basis.split("|"):
                assert d not in listed or f'href="#dev-{d}"' in section
    assert section.count("from outside the record") == 1  # once, in the section's lead
    # Each record is a numbered note: no address in the section, every one in the Notes.
    notes = str(brief.notes_section())
    for d in brief.cited_developments.itertuples():
        assert d.url not in section.replace(f'href="{escape(d.url)}"', "")
        assert escape(d.url) in notes


def test_the_sources_odds_are_never_in_the_words_of_our_estimates(dataset):
    """ICD 203 words mark our judgments; the book's odds are shown on its own scale."""
    ours = {dataset.label("probability", c).lower() for c in dataset.codes("probability")}
    ours |= {"likely", "unlikely", "probable", "improbable"}
    theirs = {dataset.label("likelihood", c).lower() for c in dataset.codes("likelihood")}
    assert not {w for label in theirs for w in label.split()} & ours
    brief = ActorBriefing.from_parameters("north-korea", dataset=dataset)
    section = html.unescape(str(brief.expectations_section()))
    assert "expected (the source)" in section


@pytest.mark.parametrize(
    "scope", ["north-korea", "south-korea", "united-states", "china", "overview"]
)
def test_each_expectation_is_filed_in_one_briefing(dataset, scope):
    """An expectation is filed where it belongs (Russia's expectations about North Korea in
    North Korea's briefing, cross-cutting ones in the overview), and only there."""
    brief = briefing(dataset, scope)
    filed = dataset.expectations[dataset.expectations["briefing"] == scope]
    assert set(brief.expectations["expectation_id"]) == set(filed["expectation_id"])
    if scope == "north-korea":
        assert {"x001", "x016", "x021"} <= set(filed["expectation_id"])


def test_since_the_source_lists_dated_facts_marked_as_outside_the_record(dataset):
    """The overview's annex lists, as from outside the record, the developments its own
    statuses and judgments rest on (each actor briefing lists its own); each has its note."""
    brief = OverviewBriefing.from_parameters(dataset=dataset)
    said = set(brief.said_in_body()["development_id"])
    box = html.unescape(str(brief.forecasts_section()) + str(brief.events_since()))
    assert f"to {checked_to(dataset)}; from outside the record" in box
    assert 5 <= len(brief.developments) < len(dataset.developments)
    assert set(brief.developments["development_id"]) == brief.rested_on
    notes = html.unescape(str(brief.notes_section()))
    for d in brief.developments.itertuples():
        assert d.fact in box and d.url in notes, d.development_id
    assert said <= brief.rested_on


@pytest.mark.parametrize("actor", ACTORS)
def test_every_citation_resolves_to_a_passage_in_the_appendix(dataset, actor):
    brief = ActorBriefing.from_parameters(actor, dataset=dataset)
    cited = set(CITE.findall(all_sections(brief)))
    anchors = set(re.findall(r'id="(src-[^"]+)"', str(brief.passages())))
    assert cited and cited <= anchors


def test_passages_quote_the_source_sentence_in_full(dataset):
    brief = ActorBriefing.from_parameters("south-korea", dataset=dataset)
    passages = str(brief.passages())
    assert "Seoul was blamed for reducing political ties." in passages


def test_moscow_and_reviewer_voices_are_labelled_apart(dataset):
    brief = ActorBriefing.from_parameters("north-korea", dataset=dataset)
    assert set(brief.claims["view"]) == {"moscow"}
    reviewer = str(brief.reviewer_section()) + str(brief.observations_section())
    assert "reviewer" in reviewer
    assert "view-moscow" not in reviewer


def test_title_names_the_actor_and_period(dataset):
    brief = ActorBriefing.from_parameters("Seoul", since=2014, until=2018, dataset=dataset)
    assert brief.title == "Russian views of South Korea"
    assert "2014–2018" in str(brief.title_block())
    assert brief.period == Period(2014, 2018)


def test_bad_parameter_fails_with_the_valid_choices(dataset):
    with pytest.raises(ParameterError, match="choose one of: north-korea"):
        ActorBriefing.from_parameters("Narnia", dataset=dataset)


def test_a_period_without_claims_says_so_rather_than_failing(dataset):
    brief = ActorBriefing.from_parameters("china", since=2008, until=2008, dataset=dataset)
    assert brief.claims.empty
    shown = all_sections(brief) + str(brief.stance_chart())
    assert "No coded statement in this cut." in shown
    assert "No coded statements in this cut." in shown


def test_markup_in_data_is_shown_as_text(data_copy, dataset):
    first = dataset.claims[dataset.claims["subject_id"] == "china"].iloc[0]
    hostile = "<script>alert(1)</script> {{ 7*7 }} $x$ **bold** <img src=x onerror=alert(2)>"
    edit_csv(data_copy / "claims.csv", first["paraphrase"], hostile.replace(",", ";"))
    brief = ActorBriefing.from_parameters("china", dataset=load_dataset(data_copy))
    html = str(brief.views_by_theme())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
    assert "<script" not in html and "<img" not in html


def test_overview_states_its_thesis_and_counts_every_actor(dataset):
    brief = OverviewBriefing.from_parameters(dataset=dataset)
    bottom = html.unescape(str(brief.bottom_line()))
    thesis = dataset.key_judgments[dataset.key_judgments["briefing"] == "overview"]
    for judgment in thesis["judgment"]:
        assert judgment in bottom
    assert "a very long shot" in bottom
    assert "at the expense of US alliances" in bottom, "the three asks lead"
    assert "Prescription" in str(brief.us_wants_section())
    cited = set(CITE.findall(str(brief.bottom_line()) + str(brief.aims_section())))
    cited |= set(CITE.findall(str(brief.us_wants_section())))
    assert cited and cited <= set(re.findall(r'id="(src-[^"]+)"', str(brief.passages())))


def test_a_summary_shows_the_expectations_held_most_likely_only(dataset):
    """The two-page summary keeps the two expectations Moscow holds most likely."""
    brief = ActorBriefing.from_parameters("north-korea", detail="summary", dataset=dataset)
    section = str(brief.expectations_section())
    rows = section.split('<ol class="forecasts">')[1].count('<p class="forecast">')
    assert len(brief.expectations) > SUMMARY_EXPECTATIONS
    assert rows == SUMMARY_EXPECTATIONS
    scores = brief.expectations["likelihood_score"]
    shown = brief.shown_expectations()["likelihood_score"]
    left_out = scores.drop(shown.index)
    assert shown.min() >= left_out.max(), "the ones the source holds most likely"


@pytest.mark.parametrize("scope", [*ACTORS, "overview"])
def test_prose_a_reader_would_not_notice(dataset, scope):
    """No "N more statements are printed" lines, no "Date not in the text", no "1
    statements", balanced quote marks, no doubled closing quotes."""
    brief = briefing(dataset, scope)
    sections = [
        brief.bottom_line(),
        brief.in_brief(),
        brief.forecasts_section(),
        brief.reviewer_section(),
        brief.record_box(),
        brief.observations_section(),
    ]
    if scope != "overview":
        sections += [brief.views_by_theme(), brief.relations_section(), brief.timeline_table()]
    text = html.unescape(re.sub(r"<[^>]+>", " ", "".join(str(p) for p in sections)))
    assert "more statement" not in text and "are printed" not in text
    assert "Date not in the text" not in text
    assert not re.search(r"\b1 (statements|forecasts|events)\b", text)
    assert text.count("“") == text.count("”")
    assert "”,”" not in text and ",””" not in text
