"""Queries by actor, period, theme and view."""

from __future__ import annotations

from russian_views.briefings import queries
from russian_views.params import Period

ALL = Period(2008, 2021)


def test_family_includes_leaders_and_administrations(dataset):
    assert set(queries.family(dataset, "united-states")) >= {
        "united-states",
        "trump-administration",
        "biden-administration",
    }
    assert "kim-jong-un" in queries.family(dataset, "north-korea")
    assert "kim-jong-un" not in queries.family(dataset, "south-korea")


def test_claims_about_filters_by_period_overlap(dataset):
    early = queries.claims_about(dataset, "south-korea", Period(2008, 2010))
    assert len(early)
    assert (early["period_start"] <= 2010).all() and (early["period_end"] >= 2008).all()
    assert "lee-myung-bak" in set(early["subject_id"])


def test_claims_filter_by_theme_and_view(dataset):
    nuclear = queries.claims_about(dataset, "north-korea", ALL, themes=["nuclear"])
    assert len(nuclear) and set(nuclear["theme"]) == {"nuclear"}
    reviewer = queries.select_claims(dataset, ALL, views=["reviewer"])
    assert len(reviewer) and set(reviewer["view"]) == {"reviewer"}


def test_stance_scores_follow_the_codebook(dataset):
    claims = queries.claims_about(dataset, "north-korea", ALL, views=["moscow"])
    scored = claims.dropna(subset=["stance_score"])
    mapping = dataset.scores("stance")
    assert all(
        mapping[s] == v for s, v in zip(scored["stance"], scored["stance_score"], strict=True)
    )
    assert claims.loc[claims["stance"] == "", "stance_score"].isna().all()


def test_relations_go_both_ways_and_name_the_other_state(dataset):
    rel = queries.relations(dataset, "china", ALL)
    assert len(rel)
    assert "china" not in set(rel["other_id"])
    assert set(rel["other_id"]) <= set(dataset.actors["actor_id"])
    members = set(queries.family(dataset, "china"))
    assert (rel["subject_id"].isin(members) | rel["counterpart_id"].isin(members)).all()


def test_events_involving_an_actor_within_the_period(dataset):
    events = queries.events_involving(dataset, "north-korea", Period(2014, 2016))
    assert len(events)
    assert events["year"].between(2014, 2016).all()
    assert list(events["date"]) == sorted(events["date"])


def test_stance_by_year_counts_every_year_and_averages_only_three_or_more():
    import pandas as pd

    claims = pd.DataFrame(
        {
            "period_start": [2010, 2011, 2011, 2011, 2012, 2012],
            "period_end": [2011, 2011, 2011, 2012, 2013, 2013],
            "stance_score": pd.array([2, -2, -1, 0, 1, 1], dtype="Int64"),
        }
    )
    yearly = queries.stance_by_year(claims, Period(2009, 2014))
    records = yearly.to_dict("records")
    assert records[0]["year"] == 2010 and records[0]["claims"] == 1
    assert pd.isna(records[0]["mean_stance"]), "one statement is no average"
    assert records[1] == {"year": 2011, "mean_stance": -0.25, "claims": 4}
    # Exactly three statements (the minimum) give an average; two do not.
    assert records[2] == {"year": 2012, "mean_stance": 2 / 3, "claims": 3}
    assert records[3]["claims"] == 2 and pd.isna(records[3]["mean_stance"])
    assert len(records) == 4, "years no statement covers are left out"


def test_undated_means_the_whole_record(dataset):
    claims = queries.claims_about(dataset, "south-korea", ALL)
    loose = queries.undated(claims, ALL)
    assert loose.any() and (~loose).any()
    assert (claims[loose]["period_start"] <= 2008).all()
    assert (claims[loose]["period_end"] >= 2021).all()


def test_stance_matrix_has_a_row_per_actor_and_theme(dataset):
    matrix = queries.stance_matrix(dataset, ["north-korea", "china"], ALL)
    assert set(matrix["actor_id"]) == {"north-korea", "china"}
    assert matrix["mean_stance"].between(-2, 2).all()


def test_cited_sentences_are_distinct_and_in_reading_order(dataset):
    cited = queries.cited_sentences(dataset.claims, dataset.events)
    keys = list(zip(cited["paragraph"], cited["sentence"], strict=True))
    assert keys == sorted(set(keys))
