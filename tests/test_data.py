"""The real data: fidelity, completeness, and clear errors for every way a file can break."""

from __future__ import annotations

import pytest

from russian_views import config
from russian_views.data import load_dataset, uncovered_sentences
from russian_views.queries import family
from russian_views.sources import read_source

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
