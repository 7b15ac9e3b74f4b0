"""A second source of another kind: voices follow each source's kind, every sentence says
how many sources of which kinds, written judgments know they are to review, and one old
claim about one actor stretches no other briefing.

The second source is ``tests/fixtures/expert-fixture.txt``, an invented text written for
these tests (never a real Russian statement), coded as a Russian expert's own analysis.
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
import shutil
from pathlib import Path

import pytest

from russian_views import config
from russian_views.briefings.briefing import ActorBriefing
from russian_views.briefings.overview import OverviewBriefing
from russian_views.dataset.load import load_dataset
from russian_views.dataset.written import to_review
from russian_views.errors import DataError
from russian_views.params import far_outside

from .conftest import made_once

FIXTURE = Path(__file__).parent / "fixtures" / "expert-fixture.txt"
SOURCE = "expert-fixture"
CLAIMS = [
    # claim_id, view, subject, counterpart, theme, stance, kind, start, end, paraphrase, quote,
    # paragraph, sentence
    ("c901", "moscow", "china", "russia", "great-power-relations", "supportive", "assessment",
     2023, 2023, "The invented author sees Beijing as a reliable partner of Moscow.",
     "Beijing is a reliable partner of Moscow", 1, 2),
    ("c902", "moscow", "china", "north-korea", "sanctions", "", "prescription", 2023, 2023,
     "The invented author wants China and Russia to oppose new sanctions together.",
     "jointly oppose new sanctions", 1, 3),
    ("c903", "moscow", "united-states", "russia", "great-power-relations", "critical",
     "assessment", 1945, 1999, "The invented author calls Russo-US relations cold before 2000.",
     "cold long before 2000", 2, 1),
]  # fmt: skip
# Wording that is true of one source only.
SINGLE = re.compile(
    r"\bone (secondary )?source\b|\b1 source\b|\bsecondary source\b|the source dates|"
    r"one \d{4} source|\bthe record is one\b",
    re.IGNORECASE,
)


def add_expert_source(data: Path) -> None:
    """Store the fixture text as a second source (an expert's own analysis) and code it."""
    shutil.copyfile(FIXTURE, data / "sources" / f"{SOURCE}.txt")
    sha = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    with (data / "sources.csv").open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            [SOURCE, "expert", "[Invented fixture analysis]", "Fixture Author", "Test fixtures",
             "2023-05", "", f"{SOURCE}.txt", sha, "", "", "", "", "", "",
             "Invented for the test suite; not a real Russian statement."]
        )  # fmt: skip
    with (data / "claims.csv").open("a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        for row in CLAIMS:
            *head, paragraph, sentence = row
            writer.writerow([*head, SOURCE, paragraph, sentence])


@pytest.fixture
def expert_data(data_copy: Path) -> Path:
    add_expert_source(data_copy)
    return data_copy


def test_each_russian_view_is_labelled_by_its_sources_kind(expert_data: Path):
    brief = ActorBriefing.from_parameters("china", dataset=load_dataset(expert_data))
    themes = html.unescape(str(brief.views_by_theme()) + str(brief.relations_section()))
    title = html.unescape(str(brief.title_block()))
    assert "A Russian expert’s view" in title and "Russian views as a review reports them" in title
    box = html.unescape(str(brief.record_box()))
    assert "Russian expert’s own analysis:" in box and "Report or review of Russian views:" in box
    assert "Invented fixture analysis" in themes or "invented author" in themes.lower()


def test_every_line_on_the_record_counts_the_sources_and_their_kinds(expert_data: Path):
    dataset = load_dataset(expert_data)
    for brief in (ActorBriefing.from_parameters("china", dataset=dataset),
                  OverviewBriefing.from_parameters(dataset=dataset)):  # fmt: skip
        line = html.unescape(str(brief.title_block()))
        assert "2 sources: a report or review of Russian views (The Asan Forum, 2021)" in line
        assert "a Russian expert’s own analysis (Test fixtures, 2023-05), by Fixture Author" in line
        box = html.unescape(str(brief.record_box()))
        assert "The record is 2 sources" in box
        assert not SINGLE.search(line + box)


def test_an_old_claim_about_one_actor_stretches_no_other_briefing(expert_data: Path):
    dataset = load_dataset(expert_data)
    china = ActorBriefing.from_parameters("china", dataset=dataset)
    us = ActorBriefing.from_parameters("united-states", dataset=dataset)
    assert str(china.period) == "2008–2023"
    assert us.period.since == 1945, "the claim is about the United States"


def test_validate_names_a_claim_far_outside_the_record(expert_data: Path, dataset):
    lines = far_outside(load_dataset(expert_data))
    assert lines == [
        "claims.csv, row 151 (c903): 1945–1999 lies far before the rest of the record "
        "(from 2008); only the briefings of its actors show it"
    ]
    assert far_outside(dataset) == []


def test_written_judgments_know_a_source_was_added(expert_data: Path):
    dataset = load_dataset(expert_data)
    pending = {item.row_id: item.reason for item in to_review(dataset)}
    assert pending["kj15"] == f"written before {SOURCE} was added"
    assert set(dataset.key_judgments["judgment_id"]) <= set(pending)
    reader = ActorBriefing.from_parameters("china", dataset=dataset)
    # The briefing names the source by its short title, never its id.
    assert "To review: written before the Test fixtures analysis (2023) was added." in str(
        reader.bottom_line()
    )
    student = ActorBriefing.from_parameters("china", edition="student", dataset=dataset)
    assert "To review" not in str(student.bottom_line())


def test_a_changed_record_flags_the_judgments_resting_on_it(data_copy: Path):
    claims = data_copy / "claims.csv"
    text = claims.read_text("utf-8")
    claims.write_text(
        text.replace("Russian authors, in the review's words, make", "Russian authors make"),
        "utf-8",
    )
    pending = {item.row_id: item.reason for item in to_review(load_dataset(data_copy))}
    assert pending == {"kj06": "a record it cites has changed"}


def test_the_untouched_record_has_nothing_to_review(dataset):
    assert to_review(dataset) == []


def test_a_reviewers_judgment_needs_a_review_to_be_in(expert_data: Path):
    claims = expert_data / "claims.csv"
    claims.write_text(claims.read_text("utf-8").replace("c902,moscow,", "c902,reviewer,"), "utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(expert_data)
    (problem,) = [p for p in str(caught.value).splitlines() if "field 'view'" in p]
    assert "is for reports and reviews; source expert-fixture is a expert source" in problem


@pytest.fixture(scope="module")
def rendered_two_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every briefing and the index rendered (HTML) from the record with both sources."""
    from russian_views.rendering import batch, render

    def make(root: Path) -> None:
        data = root / "data"
        shutil.copytree(config.DATA_DIR, data)
        add_expert_source(data)
        os.environ["RUSSIAN_VIEWS_DATA"] = str(data)
        try:
            dataset = load_dataset(data)
            out = root / "out"
            out.mkdir()
            results = batch.render_batch(
                render.all_jobs(dataset), dataset, out, ("html",), "A4", workers=1
            )
            assert not [r.error for r in results if r.error]
            batch.update_index(dataset, out)
        finally:
            del os.environ["RUSSIAN_VIEWS_DATA"]

    return made_once(tmp_path_factory, "two-sources", make) / "out"


@pytest.mark.slow
def test_no_output_speaks_of_one_source_when_it_prints_two(rendered_two_sources: Path):
    """Each page speaks of the sources it prints: the expert fixture speaks of China, the
    United States and (as China's counterpart) North Korea, never of South Korea, whose
    briefing keeps its one source."""
    pages = sorted(rendered_two_sources.glob("*.html"))
    assert len(pages) == 6, pages
    for page in pages:
        shown = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text("utf-8"), flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", shown))
        if page.name == "south-korea.html":
            assert "Record: 1 source: a report or review" in text and SOURCE not in text
            continue
        assert not SINGLE.search(text), (page.name, SINGLE.search(text))
        assert "2 sources: a report or review of Russian views" in text, page.name
    china = (rendered_two_sources / "china.html").read_text("utf-8")
    assert "A Russian expert’s view" in html.unescape(china)


def test_sources_of_different_dates_give_a_time_axis_and_show_where_they_differ(
    expert_data: Path, dataset
):
    brief = OverviewBriefing.from_parameters(dataset=load_dataset(expert_data))
    figure = brief.stance_over_sources()
    spec = figure.spec()
    rows = spec["datasets"][spec["data"]["name"]]
    assert {(r["source_id"], r["actor_id"]) for r in rows} >= {
        ("expert-fixture", "china"),
        ("asan-forum-2021", "china"),
    }
    assert all(r["n"] == f"n = {r['claims']}" for r in rows)
    differ = html.unescape(str(brief.sources_differ()))
    assert "China, great-power relations:" in differ
    assert "[expert-fixture ¶1 s2]" not in differ  # citations are links, labelled inside
    assert "expert-fixture ¶1 s2" in differ and "asan-forum-2021 ¶" in differ
    anchors = set(re.findall(r'id="(src-[^"]+)"', str(brief.passages())))
    assert set(re.findall(r'href="#(src-[^"]+)"', str(brief.sources_differ()))) <= anchors
    one = OverviewBriefing.from_parameters(dataset=dataset)
    assert "there is no time axis" in str(one.stance_over_sources())
    assert "cannot differ from itself" in str(one.sources_differ())
