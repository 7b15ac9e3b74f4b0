"""The forecasts section: each group headed by whose voice it holds (one function, from the
source's kind and the row's view), the reviewer's own apart, asks apart from expectations,
an unscored forecast said to be unchecked, and a scorecard that counts every forecast."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from russian_views.briefings import markup as m
from russian_views.briefings import voices
from russian_views.briefings.briefing import ActorBriefing
from russian_views.briefings.overview import OverviewBriefing
from russian_views.dataset.load import load_dataset

from .test_hostile_data import replace_cell

REVIEW = {"source_kind": "review", "reviewed_work": "A book (Moscow, 2021)"}


def test_a_heading_names_the_holder_by_the_sources_kind_and_the_view():
    assert voices.forecast_heading(REVIEW, "moscow", "expectation") == (
        "What the book's authors expect (as the review reports)"
    )
    assert voices.forecast_heading(REVIEW, "reviewer", "expectation") == "What the reviewer expects"
    assert voices.forecast_heading(REVIEW, "moscow", "ask", "the Biden administration") == (
        "What the book's authors ask of the Biden administration (as the review reports)"
    )
    official = {"source_kind": "official", "reviewed_work": ""}
    assert voices.forecast_heading(official, "moscow", "expectation") == "What Moscow expects"
    expert = {"source_kind": "expert", "reviewed_work": ""}
    assert voices.wants_heading(expert) == "What the Russian author wants"
    assert voices.wants_heading(REVIEW) == "What the book's authors want (as the review reports)"


def _text(fragment: object) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", str(fragment)))


@pytest.mark.parametrize("actor", ["north-korea", "south-korea", "united-states", "china"])
def test_no_section_claims_moscow_for_a_book_read_through_a_review(dataset, actor):
    brief = ActorBriefing.from_parameters(actor, dataset=dataset)
    text = _text(brief.expectations_section()) + _text(brief.wants_section())
    assert "What Moscow" not in text
    heads = re.findall(r"<h3[^>]*>(.*?)</h3>", html.unescape(str(brief.expectations_section())))
    for x in brief.expectations.itertuples():
        wanted = "What the reviewer expects" if x.view == "reviewer" else "What the book's authors"
        assert any(h.startswith(wanted) for h in heads), (x.expectation_id, heads)


def test_the_reviewers_forecasts_have_a_place_of_their_own(dataset):
    brief = OverviewBriefing.from_parameters(dataset=dataset)
    section = html.unescape(str(brief.forecasts_section()))
    own = section.split('<h3 class="forecast-group">What the reviewer expects</h3>')
    assert len(own) == 2, "one group for the reviewer's own forecasts"
    reviewer = dataset.expectations[
        (dataset.expectations["view"] == "reviewer")
        & (dataset.expectations["briefing"] == "overview")
    ]
    for statement in reviewer["statement"]:
        assert html.unescape(statement) in own[1].split("<h3")[0]


def test_an_ask_is_headed_as_an_ask_and_carries_no_odds(data_copy: Path):
    path = data_copy / "expectations.csv"
    replace_cell(path, "x009", "forecast_kind", "ask")
    replace_cell(path, "x009", "likelihood", "")
    data = load_dataset(data_copy)
    brief = ActorBriefing.from_parameters("united-states", dataset=data)
    section = html.unescape(str(brief.expectations_section()))
    subject = brief.name(data.expectations.set_index("expectation_id").at["x009", "subject_id"])
    head = f"What the book's authors ask of {subject} (as the review reports)"
    assert f'<h3 class="forecast-group">{head}</h3>' in section
    item = section.split(f"{head}</h3>")[1].split("</li>")[0]
    assert "(the source)" not in item, "an ask carries no odds"
    assert head in section.split("<table")[1].split("</table>")[0], "the scorecard counts it"


def test_an_unchecked_forecast_says_so_and_carries_no_date(data_copy: Path):
    path = data_copy / "expectations.csv"
    for field, value in (("status", "unchecked"), ("status_basis", ""), ("status_reason", "")):
        replace_cell(path, "x001", field, value)
    brief = ActorBriefing.from_parameters("north-korea", dataset=load_dataset(data_copy))
    section = html.unescape(str(brief.expectations_section()))
    statement = brief.dataset.expectations.set_index("expectation_id").loc["x001", "statement"]
    item = section.split(statement)[1].split("</p><p>")[1]
    assert item.startswith('<span class="status status-unchecked">Not yet checked against the '
                           "public record.</span>")  # fmt: skip


def test_the_overview_scorecard_counts_every_forecast_by_briefing_and_status(dataset):
    """The book's expectations by briefing with their total; the asks and the reviewer's own
    forecasts in rows of their own, never added to that total; every forecast counted once."""
    brief = OverviewBriefing.from_parameters(dataset=dataset)
    table = str(brief.forecasts_section()).split("<table")[1].split("</table>")[0]
    header = re.findall(r"<th[^>]*>(.*?)</th>", table)
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", table)]
    rows = [r for r in rows if r]
    ex = dataset.expectations
    book = ex[(ex["view"] == "moscow") & (ex["forecast_kind"] == "expectation")]
    asks, reviewer = ex[ex["forecast_kind"] == "ask"], ex[ex["view"] == "reviewer"]
    labels = {dataset.label("forecast_status", c): c for c in dataset.codes("forecast_status")}
    names = {m.sentence_case(brief.name(a)): a for a in brief.actor_ids} | {"Overview": "overview"}
    expected = {label: book[book["briefing"] == scope] for label, scope in names.items()}
    expected["<strong>All</strong>"] = book
    ask_rows = [r[0] for r in rows if "ask" in r[0]]
    reviewer_rows = [r[0] for r in rows if "reviewer" in r[0]]
    assert len(ask_rows) == len(reviewer_rows) == 1
    expected[ask_rows[0]], expected[reviewer_rows[0]] = asks, reviewer
    assert [r[0] for r in rows] == list(expected)
    assert sum(len(expected[k]) for k in (*names, *ask_rows, *reviewer_rows)) == len(ex)
    for r in rows:
        filed = expected[r[0]]
        assert int(r[-1]) == len(filed)
        for label, cell in zip(header[1:-1], r[1:-1], strict=True):
            assert int(cell) == int((filed["status"] == labels[label]).sum()), (r[0], label)


def test_statements_by_russian_officials_are_listed_apart_with_their_speaker(dataset):
    """The body prints, with its speaker, each statement concerning the briefing that its
    statuses and judgments rest on; the annex prints every other statement concerning it;
    no statement is printed twice or in a briefing it does not concern."""
    statements = dataset.developments[dataset.developments["kind"] == "statement"]
    assert len(statements), "the outside record holds Moscow's own words"
    in_a_body = set()
    for actor in ("north-korea", "south-korea", "united-states", "china"):
        brief = ActorBriefing.from_parameters(actor, dataset=dataset)
        in_a_body |= set(brief.said_in_body()["development_id"])
        section = html.unescape(str(brief.expectations_section()))
        words = section.split("Moscow's own words since the source")[1].split("</aside>")[0]
        annex = html.unescape(str(brief.events_since()))
        for d in statements.itertuples():
            line = f"{d.speaker}: {d.fact}"
            concerns = bool(set(d.actor_ids.split("|")) & set(brief.members))
            in_body = concerns and d.development_id in brief.rested_on
            assert (line in words) == in_body, (d.development_id, actor)
            assert (line in annex) == (concerns and not in_body), (d.development_id, actor)
        if "Other statements by Russian officials" in annex:  # the split is said, once
            assert annex.count("the body prints those that one does") == 1, actor
    assert in_a_body, "no briefing's body prints Moscow's own words"


def test_an_actor_scorecard_counts_each_voice_apart_and_never_adds_them(dataset):
    """The United States files the book's expectations, its asks and the reviewer's own:
    one row each, and no "All" row adding an ask to a forecast."""
    brief = ActorBriefing.from_parameters("united-states", dataset=dataset)
    table = str(brief.scorecard()).split("<table")[1].split("</table>")[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", table)]
    labels = [r[0] for r in rows if r]
    assert len(labels) == 3 and not any("All" in label for label in labels)
    # a count, never read as a hit rate: both outcomes hold forecasts expected and dismissed
    assert "A count, not a hit rate" in html.unescape(str(brief.scorecard()))
    filed = dataset.expectations[dataset.expectations["briefing"] == "united-states"]
    assert sum(int(r[-1]) for r in rows if r) == len(filed)
