"""Events, expectations and signposts coded in worksheets of their own and imported.

The text and every row are fixtures written for these tests (tests/test_coding.py's note).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from russian_views.briefings.briefing import ActorBriefing
from russian_views.classroom import coding
from russian_views.classroom.records import import_records
from russian_views.dataset.load import load_dataset
from russian_views.errors import DataError

from .test_coding import SOURCE_ID, added, run, snapshot, text_file  # noqa: F401 (fixtures)

EVENT = {
    "date": "2019",
    "date_basis": "stated",
    "event_title": "Russian diplomats praise Seoul's restraint",
    "actor_ids": "Russia|Seoul",  # names and aliases, as in the claims worksheet
    "occurred": "true",
    "what_happened": "Russian diplomats praised Seoul for its restraint in 2019.",
    "framing": "Moscow presents Seoul's restraint as welcome.",
    "quote": "praised Seoul for its restraint in 2019",
    "source_id": SOURCE_ID,
    "paragraph": "1",
    "sentence": "1",
}
EXPECTATION = {
    "view": "moscow",
    "subject_id": "united-states",
    "briefing": "united-states",
    "statement": "Moscow expects little from Washington.",
    "horizon": "the coming years",
    "horizon_start": "2023",
    "horizon_end": "2025",
    "likelihood": "likely",
    "quote": "Moscow expects little from Washington",
    "source_id": SOURCE_ID,
    "paragraph": "2",
    "sentence": "1",
}


def sheet(worksheet: Path, table: str) -> Path:
    return coding.record_worksheet_path(worksheet, table)


def fill(path: Path, rows: list[dict[str, str]]) -> Path:
    """Rows written under the worksheet's own header (cells it lacks stay empty)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows({h: row.get(h, "") for h in header} for row in rows)
    return path


def test_add_source_writes_an_empty_worksheet_per_kind_of_record(added: Path):  # noqa: F811
    schema_fields = load_dataset(added.parents[1]).tables
    for table in coding.RECORDS:
        path = sheet(added, table)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows == [list(schema_fields[table].columns.drop("_row", errors="ignore"))]


def test_an_event_and_a_forecast_with_its_signpost_are_imported_and_shown(
    added: Path,  # noqa: F811
    data_copy: Path,
    capsys,
):
    assert run("import-coding", str(fill(sheet(added, "events"), [EVENT])), "--data",
               str(data_copy)) == 0  # fmt: skip
    assert "imported 1 event (e" in capsys.readouterr().out
    expectations = fill(sheet(added, "expectations"), [EXPECTATION])
    assert run("import-coding", str(expectations), "--data", str(data_copy)) == 0
    data = load_dataset(data_copy)
    new = data.expectations[data.expectations["source_id"] == SOURCE_ID].iloc[0]
    # A forecast just coded is an expectation not yet checked against the public record.
    assert (new["status"], new["forecast_kind"], new["status_basis"]) == (
        "unchecked", "expectation", "",
    )  # fmt: skip
    signpost = {
        "expectation_ref": new["expectation_id"],
        "signpost": "The reviewer's doubt is borne out.",
        "effect": "confirms",
        "quote": "The reviewer doubts that this will change",
        "source_id": SOURCE_ID,
        "paragraph": "2",
        "sentence": "2",
    }
    assert run("import-coding", str(fill(sheet(added, "signposts"), [signpost])), "--data",
               str(data_copy)) == 0  # fmt: skip
    data = load_dataset(data_copy)
    brief = ActorBriefing.from_parameters("united-states", dataset=data)
    assert new["expectation_id"] in set(brief.expectations["expectation_id"])
    assert "Moscow expects little from Washington." in str(brief.forecasts_section())


def test_every_bad_row_is_named_at_once_and_nothing_is_merged(added: Path, data_copy: Path):  # noqa: F811
    bad = [
        EVENT | {"date_basis": "guessed"},
        EVENT | {"quote": "praised Seoul warmly", "actor_ids": "russia|narnia"},
    ]
    events = fill(sheet(added, "events"), bad)
    before = snapshot(data_copy)
    with pytest.raises(DataError) as error:
        import_records(events, "events", data_copy)
    found = {(p.row, p.field) for p in error.value.problems}
    assert {(2, "date_basis"), (3, "quote"), (3, "actor_ids")} <= found
    assert snapshot(data_copy) == before


def test_an_amendment_keeps_the_ids_of_the_rows_it_keeps(added: Path, data_copy: Path):  # noqa: F811
    events = sheet(added, "events")
    first = import_records(fill(events, [EVENT]), "events", data_copy)
    with pytest.raises(DataError, match="import-coding --replace"):
        import_records(fill(events, [EVENT | {"event_id": first.ids[0]}]), "events", data_copy)
    other = EVENT | {
        "event_title": "Moscow calls the Moon government a partner",
        "quote": "a partner for trilateral projects",
        "sentence": "2",
        "what_happened": "Russian diplomats called the Moon government a partner.",
    }
    amended = import_records(fill(events, [other, EVENT]), "events", data_copy, replace=True)
    number = int(first.ids[0][1:])
    assert amended.replaced == 1 and amended.ids == (f"e{number + 1:03d}", first.ids[0])


def test_removing_the_source_removes_its_records_and_keeps_the_filled_worksheets(
    added: Path,  # noqa: F811
    data_copy: Path,
    tmp_path: Path,
    capsys,
):
    import_records(fill(sheet(added, "events"), [EVENT]), "events", data_copy)
    assert run("remove-source", SOURCE_ID, "--with-claims", "--data", str(data_copy)) == 0
    out = capsys.readouterr().out
    assert "1 row of events.csv" in out and f"{SOURCE_ID}-events-" in out
    assert not any(sheet(added, t).exists() for t in coding.RECORDS)
    data = load_dataset(data_copy)
    assert SOURCE_ID not in set(data.events["source_id"])
