"""A briefing shows its own record: a source that says nothing about an actor changes nothing
in that actor's briefing, and the record line, voices and notes derive from what it prints."""

from __future__ import annotations

import csv
import hashlib
import html
import re
import shutil
from pathlib import Path

import pytest

from russian_views.briefings.briefing import ActorBriefing
from russian_views.briefings.overview import OverviewBriefing
from russian_views.dataset.load import load_dataset
from russian_views.errors import DataError
from russian_views.params import resolve
from russian_views.spec import ACTOR

from .conftest import all_sections
from .test_hostile_data import replace_cell

FIXTURE = Path(__file__).parent / "fixtures" / "north-korea-fixture.txt"
SOURCE = "north-korea-fixture"


def add_north_korea_source(data: Path) -> None:
    """Store the fixture text as a source (an expert's own analysis, of 2023) coded with one
    statement about North Korea alone."""
    shutil.copyfile(FIXTURE, data / "sources" / f"{SOURCE}.txt")
    sha = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    with (data / "sources.csv").open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            [SOURCE, "expert", "[Invented fixture about North Korea]", "Fixture Author",
             "Test fixtures", "2023-05", "", f"{SOURCE}.txt", sha, "", "", "", "", "", "",
             "Invented for the test suite; not a real Russian statement."]
        )  # fmt: skip
    with (data / "claims.csv").open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            ["c990", "moscow", "north-korea", "", "economic", "supportive", "assessment",
             1955, 2023, "The invented author calls Pyongyang a dependable neighbour of Moscow.",
             "Pyongyang is a dependable neighbour of Moscow", SOURCE, 1, 2]
        )  # fmt: skip


def printed(brief: ActorBriefing) -> str:
    """Everything the briefing prints but its charts, the data version blanked."""
    text = all_sections(brief) + str(brief.passages()) + str(brief.notes_section())
    return text.replace(brief.dataset.version, "<version>")


@pytest.mark.parametrize("actor", ["china", "united-states"])
def test_a_source_about_north_korea_alone_changes_nothing_in_another_briefing(
    data_copy: Path, dataset, actor: str
):
    before = ActorBriefing.from_parameters(actor, dataset=load_dataset(data_copy))
    add_north_korea_source(data_copy)
    added = load_dataset(data_copy)
    after = ActorBriefing.from_parameters(actor, dataset=added)
    assert after.period == before.period and after.record == before.record
    assert printed(after) == printed(before)
    # What a render passes the notebook is the same period too.
    assert resolve(ACTOR, {"actor": actor}, added) == resolve(ACTOR, {"actor": actor}, dataset)
    # The source does change the briefing it speaks about, and the overview.
    north = ActorBriefing.from_parameters("north-korea", dataset=added)
    assert "Fixture Author" in str(north.title_block())
    assert north.record.since == 1955
    overview = OverviewBriefing.from_parameters(dataset=added)
    assert "Test fixtures" in str(overview.title_block())


def test_running_text_names_a_source_by_its_short_title(dataset):
    brief = ActorBriefing.from_parameters("north-korea", dataset=dataset)
    prose = re.sub(r"<[^>]+>", " ", html.unescape(printed(brief)))
    prose = re.sub(r"\[[^\]]*\]", " ", prose)  # citation labels name sources by id
    assert "asan-forum-2021" not in prose


def test_no_address_in_the_body_every_one_a_numbered_note(dataset):
    for actor in ("north-korea", "united-states"):
        brief = ActorBriefing.from_parameters(actor, dataset=dataset)
        body = str(brief.title_block()) + str(brief.expectations_section())
        assert not re.search(r"https?://", re.sub(r'href="[^"]*"', "", body))
        notes = str(brief.notes_section())
        for d in brief.cited_developments.itertuples():
            assert html.escape(d.url) in notes
        assert "“”" not in html.unescape(notes)  # no empty title quoted where none was found
        said = brief.said_in_body()
        assert body.count('class="note-ref"') >= len(said)  # Moscow's words, in the body
        annex = str(brief.events_since()).count('class="note-ref"')
        assert annex == len(brief.developments) - len(said)  # the rest, in the annex
        # One mark that the material is from outside the record, in the section's lead.
        assert str(brief.expectations_section()).count("from outside the record") == 1


def test_a_sentence_in_brief_to_review_is_marked_like_a_key_judgment(data_copy: Path):
    from russian_views.dataset import written

    written.stamp(load_dataset(data_copy), data_copy)  # start from a reviewed record
    data = load_dataset(data_copy)
    row = data.in_brief[data.in_brief["briefing"] == "china"].iloc[0]
    claim = row["claim_ids"].split("|")[0]
    claims = data_copy / "claims.csv"
    paraphrase = data.claims.set_index("claim_id").at[claim, "paraphrase"]
    claims.write_text(
        claims.read_text("utf-8").replace(paraphrase, paraphrase + " (amended)", 1), "utf-8"
    )
    changed = load_dataset(data_copy)
    reader = str(ActorBriefing.from_parameters("china", dataset=changed).in_brief())
    mark = '<span class="to-review">To review: a record it cites has changed.</span>'
    assert reader.count(mark) >= 1
    student = ActorBriefing.from_parameters("china", edition="student", dataset=changed)
    assert "To review" not in str(student.in_brief())


def test_the_record_line_says_why_the_book_stands_for_official_thinking(data_copy: Path):
    path = data_copy / "sources.csv"
    cells = {
        "standing": "Its first author heads the Foreign Ministry's own university (fixture).",
        "standing_outlet": "Fixture Outlet",
        "standing_date": "2020-01-02",
        "standing_title": "A fixture record",
        "standing_url": "https://example.org/standing-fixture",
    }
    for field, value in cells.items():
        replace_cell(path, "asan-forum-2021", field, value)
    brief = ActorBriefing.from_parameters("china", dataset=load_dataset(data_copy))
    block = html.unescape(str(brief.title_block()))
    assert (
        "How much weight we give the book reviewed in the Asan Forum review (2021): "
        f"{cells['standing']}"
    ) in block
    number = brief.notes.index(next(n for n in brief.notes if n.url == cells["standing_url"]))
    assert f'href="#note-{number + 1}"' in block
    notes = html.unescape(str(brief.notes_section()))
    assert "Fixture Outlet, 2 January 2020, “A fixture record”" in notes
    replace_cell(path, "asan-forum-2021", "standing_url", "")
    with pytest.raises(DataError, match=r"standing_url'.*is required with standing"):
        load_dataset(data_copy)


@pytest.mark.parametrize("actor", ["north-korea", "south-korea", "united-states", "china"])
def test_every_note_number_in_the_body_leads_to_its_note(dataset, actor: str):
    brief = ActorBriefing.from_parameters(actor, dataset=dataset)
    body = all_sections(brief)
    notes = str(brief.notes_section())
    cited = set(re.findall(r'href="#note-(\d+)"', body))
    listed = set(re.findall(r'id="note-(\d+)"', notes))
    assert cited and cited == listed, "every note is cited, every citation has its note"
    assert listed == {str(i) for i in range(1, len(brief.notes) + 1)}


def test_the_voices_legend_shows_only_the_voices_a_cut_prints(dataset):
    """With only Moscow's views chosen the reviewer's badge is gone, and the reverse; our
    own assessment is always there (the key judgments)."""
    both = str(ActorBriefing.from_parameters("north-korea", dataset=dataset).title_block())
    moscow = ActorBriefing.from_parameters("north-korea", dataset=dataset, views="moscow")
    reviewer = ActorBriefing.from_parameters("north-korea", dataset=dataset, views="reviewer")
    badge = "THE REVIEWER’S OWN JUDGMENT".lower()
    assert badge in html.unescape(both).lower()
    assert badge not in html.unescape(str(moscow.title_block())).lower()
    shown = html.unescape(str(reviewer.title_block())).lower()
    assert badge in shown and "as a review reports them" not in shown.split("voices:")[1]
