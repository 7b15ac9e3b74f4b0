"""The real data: fidelity, completeness, and clear errors for every way a file can break."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from russian_views import config
from russian_views.briefings.queries import family
from russian_views.dataset.load import load_dataset, uncovered_sentences
from russian_views.dataset.sources import read_source
from russian_views.errors import DataError

from .conftest import edit_csv

CITING = ("claims", "events", "expectations", "signposts")


# ---------------------------------------------------------------- fidelity and completeness


def test_every_quote_is_verbatim_in_the_cited_sentence(dataset):
    """Checked here independently of the loader, straight against the text file."""
    texts = {
        s.source_id: read_source(config.SOURCES_DIR / s.path) for s in dataset.sources.itertuples()
    }
    checked = 0
    for name in CITING:
        for row in dataset.tables[name].itertuples():
            sentence = texts[row.source_id].sentence(int(row.paragraph), int(row.sentence)).text
            assert row.quote in sentence, f"{name} row {row._1}: {row.quote!r} not in {sentence!r}"
            checked += 1
    assert checked > 100


def test_every_sentence_is_cited_or_deliberately_uncoded(dataset):
    assert uncovered_sentences(dataset) == []


def test_every_sentence_is_coded_as_a_claim_or_listed_as_uncoded(dataset):
    """An expectation, event or signpost alone does not code a sentence: what the sentence
    says is also a claim (so it is counted and shown), unless uncoded.csv says why not."""
    coded = set(zip(dataset.claims["paragraph"], dataset.claims["sentence"], strict=True))
    coded |= set(zip(dataset.uncoded["paragraph"], dataset.uncoded["sentence"], strict=True))
    missing = [
        (s.paragraph, s.number)
        for text in dataset.texts.values()
        for s in text.all_sentences()
        if (s.paragraph, s.number) not in coded
    ]
    assert missing == []


def test_uncoded_sentences_are_not_also_cited(dataset):
    uncoded = set(zip(dataset.uncoded["paragraph"], dataset.uncoded["sentence"], strict=True))
    for name in CITING:
        frame = dataset.tables[name]
        cited = set(zip(frame["paragraph"], frame["sentence"], strict=True))
        assert not uncoded & cited, f"{name} cites sentences listed as uncoded"


@pytest.mark.parametrize("actor", ["north-korea", "south-korea", "united-states", "china"])
def test_each_briefed_actor_has_at_least_fifteen_claims(dataset, actor):
    claims = dataset.claims[dataset.claims["subject_id"].isin(family(dataset, actor))]
    assert len(claims) >= 15


def test_both_voices_are_coded_and_reviewer_rows_carry_no_stance(dataset):
    views = dataset.claims.groupby("view").size()
    assert views["moscow"] > 50 and views["reviewer"] >= 3
    assert (dataset.claims.loc[dataset.claims["view"] == "reviewer", "stance"] == "").all()


def test_events_include_non_events_and_precise_dates(dataset):
    events = dataset.events
    assert (~events["occurred"]).sum() >= 2
    assert events["date"].str.len().max() >= 7
    assert (events.loc[events["date_basis"] == "external", "note"].str.len() > 0).all()


def test_paraphrases_are_our_words_not_copies_of_the_quote(dataset):
    claims = dataset.claims
    assert (claims["paraphrase"] != claims["quote"]).all()


def test_deficit_of_sovereignty_is_quoted_and_attributed_never_asserted(dataset):
    for row in dataset.claims.itertuples():
        if "deficit of sovereignty" in row.paraphrase:
            assert (
                "“deficit of sovereignty”" in row.paraphrase
                or "'deficit of sovereignty'" in (row.paraphrase)
                or '"deficit of sovereignty"' in row.paraphrase
            )
            assert "Putin" in row.paraphrase or "Moscow" in row.paraphrase


def test_data_version_changes_with_any_data_file(data_copy):
    before = load_dataset(data_copy).version
    edit_csv(data_copy / "actors.csv", "China,state", "China ,state")
    assert load_dataset(data_copy).version != before


# ---------------------------------------------------------------- one validation per process


def test_unchanged_data_is_validated_once_per_process(data_copy):
    first = load_dataset(data_copy)
    assert load_dataset(data_copy) is first


def test_a_changed_byte_is_seen_even_with_the_size_and_time_kept(data_copy):
    first = load_dataset(data_copy)
    path = data_copy / "actors.csv"
    kept = path.stat()
    edit_csv(path, "China,state", "Chine,state")
    os.utime(path, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert path.stat().st_size == kept.st_size
    again = load_dataset(data_copy)
    assert again is not first and "Chine" in set(again.actors["name"])


def test_a_source_text_edited_after_a_load_fails_the_next_one(data_copy):
    load_dataset(data_copy)
    text = next((data_copy / "sources").glob("*.txt"))
    text.write_bytes(text.read_bytes() + b" ")
    with pytest.raises(DataError, match="sha256"):
        load_dataset(data_copy)


def _run_notebook_cells(notebook: Path, parameters: dict) -> int:
    """Every code cell of ``notebook`` in one namespace, as a kernel runs it (every edition's
    cells included; each figure's spec built); the number of cells run."""
    cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    for cell in cells:
        tree = ast.parse("".join(cell["source"]))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, notebook.name, "exec"), namespace)
        if "parameters" in cell["metadata"].get("tags", []):
            namespace.update(parameters)
        if last is not None:
            shown = eval(compile(ast.Expression(last.value), notebook.name, "eval"), namespace)
            if hasattr(shown, "spec"):
                shown.spec()
    return len(cells)


def test_briefings_leave_the_dataset_they_share_as_loaded(data_copy, monkeypatch):
    """A warm kernel hands one dataset to every briefing it renders: none may change it."""
    monkeypatch.setattr(config, "DATA_DIR", data_copy)
    shared = load_dataset()
    runs = [(config.ACTOR_NOTEBOOK, {"actor": a}) for a in ("north-korea", "south-korea")]
    runs += [(config.ACTOR_NOTEBOOK, {"actor": "united-states", "edition": "instructor"})]
    runs += [(config.OVERVIEW_NOTEBOOK, {}), (config.COMPARE_NOTEBOOK, {})]
    assert all(_run_notebook_cells(notebook, given) > 5 for notebook, given in runs)
    assert load_dataset() is shared
    fresh = load_dataset(shutil.copytree(data_copy, data_copy.parent / "again"))
    assert fresh is not shared
    for name, table in fresh.tables.items():
        pd.testing.assert_frame_equal(shared.tables[name], table, obj=name)


# ---------------------------------------------------------------- key judgments

EVIDENCE = {"claim_ids": "claims", "event_ids": "events", "expectation_ids": "expectations"}
# Topics issue 9 requires each bottom line to carry: briefing → ids one judgment must cite together.
REQUIRED_TOPICS = {
    "the three requests to the Biden administration": ("united-states", {"c014", "c016", "c018"}),
    "de facto acceptance of the North's nuclear status": ("north-korea", {"c078"}),
    "North Korea as the key to Russia's standing": ("north-korea", {"c081"}),
    "South Korea's conservatives to blame": ("south-korea", {"c083", "c084"}),
    "the American factor, the only source of discord": ("south-korea", {"c119"}),
    "the worry about a conservative from 2022": ("south-korea", {"x029"}),
    "Russians relieved when the Moon and Trump diplomacy failed": ("north-korea", {"c133", "c134"}),
    "the 2016-17 sanctions arc": ("north-korea", {"c030", "c039"}),
    "confrontational stability for 10-15 years": ("north-korea", {"c057"}),
    "the three asks as the overview's headline": ("overview", {"c014", "c016", "c018"}),
    "no Russian cooperation on maximum pressure": ("overview", {"c074", "c077"}),
    "de facto acceptance of a nuclear North Korea, overview": ("overview", {"c078"}),
    "coordination with China only to a degree": ("china", {"c076"}),
    "no repeat of deferring to China on sanctions": ("china", {"c077"}),
    "no Sinocentrism": ("china", {"c155"}),
    "the peninsula as a testing ground of respect": ("overview", {"c004"}),
    "the reviewer's verdict, a very long shot": ("overview", {"c150"}),
}


def cited(row) -> set[str]:
    return {i for f in EVIDENCE for i in getattr(row, f).split("|") if i}


def test_each_briefing_has_three_to_five_ranked_key_judgments(dataset):
    judgments = dataset.key_judgments
    briefed = dataset.actors.loc[dataset.actors["briefing"], "actor_id"].tolist()
    assert set(judgments["briefing"]) == {*briefed, "overview"}
    for briefing, group in judgments.groupby("briefing"):
        assert 3 <= len(group) <= 5, briefing
        assert sorted(group["rank"]) == list(range(1, len(group) + 1)), briefing


def test_every_judgment_rests_on_records_that_exist_and_concern_its_actor(dataset):
    """Checked here with the briefings' own notion of an actor's family, not the loader's."""
    concerns = {
        "claims": lambda r: {r["subject_id"], r["counterpart_id"]},
        "events": lambda r: set(r["actor_ids"].split("|")),
        "expectations": lambda r: {r["subject_id"], r["briefing"]},
    }
    for row in [*dataset.key_judgments.itertuples(), *dataset.in_brief.itertuples()]:
        name = getattr(row, "judgment_id", None) or row.brief_id
        assert cited(row), name
        members = None if row.briefing == "overview" else set(family(dataset, row.briefing))
        for field, table in EVIDENCE.items():
            frame = dataset.tables[table].set_index(table[:-1] + "_id")
            for item in filter(None, getattr(row, field).split("|")):
                assert item in frame.index, f"{name}: no {table} {item}"
                if members is not None:
                    assert concerns[table](frame.loc[item]) & members, (name, item)


@pytest.mark.parametrize("topic", REQUIRED_TOPICS)
def test_each_required_topic_is_a_key_judgment_or_in_the_view_in_brief(dataset, topic):
    """The source's headline points are in each briefing's body: as a key judgment, or as
    a sentence of its written summary."""
    briefing, ids = REQUIRED_TOPICS[topic]
    written = [
        table[table["briefing"] == briefing] for table in (dataset.key_judgments, dataset.in_brief)
    ]
    assert any(ids <= cited(row) for rows in written for row in rows.itertuples()), topic


def test_voices_are_kept_apart_and_our_assessments_carry_a_likelihood(dataset):
    judgments = dataset.key_judgments
    assert set(judgments["voice"]) == {"moscow", "reviewer", "analyst"}
    reported = judgments[judgments["voice"] == "moscow"]
    # Each names who holds the view, as the source does; never "Moscow" doing a forecast.
    holder = r"\b(?:book|authors?|review|reviewer|Russians?|Russian)\b"
    assert reported["judgment"].str.contains(holder).all()
    assert not reported["judgment"].str.match(r"Moscow\b").any()
    # Attribution varied: no opening of three words shared by more than two judgments.
    openings = reported["judgment"].str.split().str[:3].str.join(" ")
    assert openings.value_counts().max() <= 2, openings.value_counts().head(3)
    assert (reported["probability"] == "").all()
    ours = judgments[judgments["voice"] == "analyst"]
    # One of our judgments about what lies ahead ("will", "holds", "stays") carries a
    # likelihood word (ICD 203) and names its time frame; one about what happened or what a
    # text means carries a confidence only (a likelihood on the past is no forecast).
    ahead = ours["judgment"].str.contains(r"\b(?:will (?!to\b)\w+|holds|stays|remains?)\b")
    assert ahead.sum() >= 3
    assert (ours.loc[ahead, "probability"] != "").all()
    assert ours.loc[ahead, "judgment"].str.contains(r"\b(?:through|before|by) 20\d\d\b").all()
    assert (ours.loc[~ahead, "probability"] == "").all(), ours.loc[~ahead, "judgment_id"]
    # One review of one book rarely supports more than moderate confidence.
    assert (judgments["confidence"] == "high").sum() <= len(judgments) // 3


def test_words_quoted_in_judgments_are_verbatim_in_the_source(dataset):
    text = " ".join(s.text for t in dataset.texts.values() for s in t.all_sentences()).lower()
    quoted = [q for j in dataset.key_judgments["judgment"] for q in re.findall(r"“([^”]+)”", j)]
    assert len(quoted) > 10
    assert [q for q in quoted if q.lower() not in text] == []


# ---------------------------------------------------------------- coding corrections (issue 9)


def test_paraphrases_read_alone_with_balanced_quotes(dataset):
    """A paraphrase or key judgment is shown alone in a briefing: no "also"/"likewise"
    pointing at a neighbouring row, and every quote mark it opens it closes."""
    orphan = re.compile(r"\b(also|likewise|similarly|equally)\b", re.IGNORECASE)
    opening, closing = re.compile(r"(?:^|[\s(])'"), re.compile(r"\S'(?=$|[\s.,;:)?!])")
    for row in dataset.claims.itertuples():
        text = row.paraphrase
        assert not orphan.search(text), (row.claim_id, text)
        assert text.count("“") == text.count("”"), row.claim_id
        assert len(opening.findall(text)) == len(closing.findall(text)), (row.claim_id, text)
    for row in dataset.key_judgments.itertuples():
        assert not orphan.search(row.judgment), (row.judgment_id, row.judgment)
    for name in CITING:
        quotes = dataset.tables[name]["quote"]
        assert (quotes.str.count("“") == quotes.str.count("”")).all(), name


def test_reviewer_reservations_are_set_apart_from_agreement(dataset):
    claims = dataset.claims.set_index("claim_id")
    for claim_id in ("c091", "c124", "c150", "c151"):
        assert claims.loc[claim_id, ["view", "claim_kind"]].tolist() == ["reviewer", "reservation"]
    for claim_id in ("c001", "c020"):
        assert claims.loc[claim_id, "claim_kind"] == "assessment"
    assert "readers are told" in claims.loc["c151", "quote"]


def test_blame_is_coded_alike_wherever_it_appears(dataset):
    """The codebook's rule: blame for damage, however sharp, is critical, not hostile."""
    claims = dataset.claims.set_index("claim_id")
    assert set(claims.loc[["c002", "c083", "c084", "c100"], "stance"]) == {"critical"}
    assert (
        "blame"
        in dataset.codebook.set_index(["list", "code"]).loc[("stance", "critical")]["definition"]
    )


def test_audited_rows_carry_their_corrections(dataset):
    claims = dataset.claims.set_index("claim_id")
    assert not {"c017", "c019", "c086", "c118", "c149"} & set(claims.index)
    assert claims.loc["c117", "theme"] == "alliances"
    assert claims.loc["c099", ["view", "claim_kind", "stance"]].tolist() == [
        "moscow", "grievance", "critical",
    ]  # fmt: skip
    assert (claims.loc[["c064", "c065", "c074"], "stance"] == "").all()
    assert claims.loc["c074", "subject_id"] == "russia"
    assert claims.loc["c042", ["subject_id", "counterpart_id"]].tolist() == ["russia", "china"]
    for claim_id in ("c047", "c085", "c104"):
        assert "in the review's words" in claims.loc[claim_id, "paraphrase"]
    x = dataset.expectations.set_index("expectation_id")
    assert x.loc["x002", ["horizon_start", "likelihood"]].tolist() == [2031, "possible"]
    assert "readers are told" in x.loc["x013", "quote"] and "DPRK" in x.loc["x013", "quote"]
    events = dataset.events.set_index("event_id")
    assert events.loc["e016", "date"] == "2019-04-26"
    assert "even-handed" not in events.loc["e027", "framing"]


def test_a_forecast_or_a_wish_of_the_book_is_never_something_moscow_does(dataset):
    """The paraphrase says who holds the view, as the source does: a book's forecast or
    prescription never becomes "Moscow expects" or "Russia wants"."""
    claims = dataset.claims
    held = claims[
        (claims["view"] == "moscow") & claims["claim_kind"].isin(["expectation", "prescription"])
    ]
    doer = held[held["paraphrase"].str.match(r"(Moscow|Russia)\b")]
    assert doer.empty, doer[["claim_id", "paraphrase"]].to_string()
    assessments = claims[(claims["view"] == "moscow") & (claims["claim_kind"] == "assessment")]
    judges = assessments["paraphrase"].str.match(
        r"Moscow (sees|regards|values|judges|dismisses|holds|treats|does not)\b"
    )
    assert not judges.any(), assessments.loc[judges, "claim_id"].tolist()


def test_words_in_single_quotes_are_the_sources_own(dataset):
    """A paraphrase marks the source's own words with single quotes: each such phrase is
    verbatim (apostrophes aside) in the sentence the claim cites."""
    quoted = re.compile(r"(?:^|[\s(])'([^']+?)'(?=$|[\s.,;:)?!])")
    for row in dataset.claims.itertuples():
        sentence = dataset.sentence_text(row.source_id, row.paragraph, row.sentence)
        plain = sentence.replace("’", "'").replace("“", "").replace("”", "")
        for phrase in quoted.findall(row.paraphrase):
            assert phrase in plain, (row.claim_id, phrase)
