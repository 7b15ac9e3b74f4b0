"""The briefing sections: cited judgments, voices kept apart, every citation resolvable."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from markupsafe import escape

from russian_views.briefings import markup as m
from russian_views.briefings.briefing import SUMMARY_EXPECTATIONS, ActorBriefing
from russian_views.briefings.overview import OverviewBriefing
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


def test_a_judgment_whose_evidence_is_cut_away_is_dropped(dataset):
    whole = ActorBriefing.from_parameters("south-korea", dataset=dataset)
    narrowed = ActorBriefing.from_parameters("south-korea", themes="economic", dataset=dataset)
    assert len(narrowed.key_judgments()) < len(whole.key_judgments())
    kept = {kj["judgment_id"] for kj, _ in narrowed.key_judgments()}
    for judgment_id in kept:
        assert judgment_id in set(whole.dataset.key_judgments["judgment_id"])


def test_with_no_judgment_left_the_bottom_line_counts_the_narrowed_record(dataset):
    brief = ActorBriefing.from_parameters("china", views="reviewer", dataset=dataset)
    assert brief.key_judgments() == []
    bottom = str(brief.bottom_line())
    assert "No key judgment on China rests on the records of this cut" in bottom
    assert f"It holds {len(brief.claims)} statements" in bottom


def test_computed_sentences_give_their_n_and_no_heuristic_labels(dataset):
    brief = ActorBriefing.from_parameters("united-states", dataset=dataset)
    scored = brief.claims.dropna(subset=["stance_score"])
    cool = int((scored["stance_score"] < 0).sum())
    bottom = html.unescape(str(brief.bottom_line()))
    assert (
        f"Of the {len(brief.claims)} coded statements of Moscow's view about the United States"
        in bottom
    )
    assert f"{cool} critical or hostile" in bottom
    for label in ["Trend.", "Chief grievance.", "Outlook.", "on balance", "evenly divided"]:
        assert label not in bottom


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
    item = brief.claim_item(row)
    assert not m.adds_words(row["quote"], row["paraphrase"])
    assert "<q" not in item and brief.cite(row) in item


def test_the_record_box_names_each_source_its_date_and_the_voices(dataset):
    brief = ActorBriefing.from_parameters("china", dataset=dataset)
    box = str(brief.source_box())
    assert "The Asan Forum, 2021" in box
    assert "current as of 2021" in box
    for code in ("moscow", "reviewer", "analyst"):
        assert f"view-{code}" in box
    assert "Record as of 2021" in str(brief.title_block())


def test_a_second_source_changes_the_wording_everywhere(data_copy):
    with (data_copy / "sources.csv").open("a", encoding="utf-8") as f:
        f.write(
            "lukin-2017,Notes on Korea,A. Lukin,Russia in Global Affairs,2017-05,"
            "https://example.org/lukin,asan-forum-2021.txt,"
            "53bda1327c93b0d819f076a2ffba63e9a5d9007799e8156631a8ebb06972a1e9,,\n"
        )
    brief = ActorBriefing.from_parameters("china", dataset=load_dataset(data_copy))
    title = str(brief.title_block())
    assert "2 sources: The Asan Forum (2021); Russia in Global Affairs (2017-05)" in title
    assert "2 secondary sources" in title
    assert '<a href="https://example.org/lukin"><cite>Notes on Korea</cite></a>' in title
    assert "A. Lukin," in title
    assert title.count("Reviewed work:") == 1, "an empty field is left out"
    spec = brief.stance_chart().spec_json()
    assert "asan-forum-2021 ¶" in spec, "tooltips name the source when there are several"


def test_the_source_authors_reservations_are_set_apart(dataset):
    brief = ActorBriefing.from_parameters("south-korea", dataset=dataset)
    section = str(brief.reviewer_section())
    differs, _, _ = section.partition("The source author&#39;s other observations")
    reservations = brief.reviewer_claims[brief.reviewer_claims["claim_kind"] == "reservation"]
    assert len(reservations)
    for paraphrase in reservations["paraphrase"]:
        assert str(escape(paraphrase)) in differs
    for paraphrase in brief.reviewer_claims.query("claim_kind != 'reservation'")["paraphrase"]:
        assert str(escape(paraphrase)) not in differs


def test_signposts_carry_their_status_and_external_records(dataset):
    brief = ActorBriefing.from_parameters("south-korea", dataset=dataset)
    section = str(brief.expectations_section())
    external = brief.signposts[brief.signposts["status"] != "open"]
    assert len(external)
    for s in external.itertuples():
        assert f'href="{escape(s.status_url)}"' in section
    assert "(from outside the record)" in section
    assert "Open as of 2021" in section


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
    reviewer = str(brief.reviewer_section())
    assert "Where the source author differs from the book" in reviewer
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
    assert "No coded statement in this cut carries a stance." in shown
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
    for name in ["North Korea", "South Korea", "the United States", "China"]:
        assert f"Moscow's view about {name} in this record" in bottom
    assert "Prescription" in str(brief.us_wants_section())
    cited = set(CITE.findall(str(brief.bottom_line()) + str(brief.aims_section())))
    cited |= set(CITE.findall(str(brief.us_wants_section())))
    assert cited and cited <= set(re.findall(r'id="(src-[^"]+)"', str(brief.passages())))


def test_a_summary_shows_the_expectations_held_most_likely_only(dataset):
    """The two-page summary keeps the two expectations Moscow holds most likely."""
    brief = ActorBriefing.from_parameters("north-korea", detail="summary", dataset=dataset)
    rows = str(brief.expectations_section()).count("<tr>") - 1  # less the header row
    assert len(brief.expectations) > SUMMARY_EXPECTATIONS
    assert rows == SUMMARY_EXPECTATIONS
