"""The status rule (data/codebook.csv, forecast_status) checked mechanically: on the real data
by a reading of the CSV files of its own, and on broken copies through the loader, every
problem at once."""

from __future__ import annotations

import csv
from pathlib import Path

from russian_views import config
from russian_views.dataset.forecast_rules import as_of

from .test_hostile_data import problems, replace_cell

NEEDS_BASIS = {"occurred", "not-occurred", "overtaken", "unsettled"}


def _rows(data: Path, table: str) -> list[dict[str, str]]:
    with open(data / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _months(date: str) -> int:
    return int(date[:4]) * 12 + (int(date[5:7]) if len(date) >= 7 else 12) - 1


def test_every_status_obeys_the_rule_against_its_window_and_the_check_date():
    """Read straight from the CSV files: statuses against horizons and the check date, basis
    ids that exist, a check date within three months of the newest development."""
    data = config.DATA_DIR
    checked = _rows(data, "record_check")[0]["checked_to"]
    year = int(checked[:4])
    developments = {d["development_id"]: d for d in _rows(data, "developments")}
    assert developments, "the outside record is empty"
    newest = max(d["date"] for d in developments.values())
    assert _months(checked) - _months(newest) <= 3, (checked, newest)
    assert all(d["date"][:7] <= checked for d in developments.values())
    for d in developments.values():
        assert (d["kind"] == "statement") == bool(d["speaker"]), d["development_id"]
        # The address as found (a few archives serve only http); a title only where the copy
        # we found showed a headline: none is made up.
        assert d["url"].startswith(("https://", "http://")) and d["outlet"] and d["record_date"]
    expectations = {x["expectation_id"]: x for x in _rows(data, "expectations")}
    rows = [(x, x) for x in expectations.values()]
    rows += [(s, expectations[s["expectation_ref"]]) for s in _rows(data, "signposts")]
    for row, forecast in rows:
        status, basis = row["status"], [i for i in row["status_basis"].split("|") if i]
        start, end = int(forecast["horizon_start"]), int(forecast["horizon_end"])
        where = row.get("signpost_id") or row["expectation_id"]
        assert all(i in developments for i in basis), where
        if status in NEEDS_BASIS:
            assert basis, where
        if status == "too-early":
            assert start > year, where
        if status == "open":
            assert end >= year, where
        if status == "unsettled":
            assert end < year, where
        if status != "unchecked":
            assert row["status_reason"].strip(), where


def test_as_of_is_the_newest_basis_date_for_what_happened_and_the_check_date_otherwise():
    dates = ["2022-05-26", "2024-03-28"]
    assert as_of("occurred", dates, "2026-01") == "2024-03-28"
    assert as_of("not-occurred", dates, "2026-01") == "2024-03-28"
    assert as_of("overtaken", ["2023-09-13"], "2026-01") == "2023-09-13"
    for status in ("open", "too-early", "unsettled", "unchecked"):
        assert as_of(status, dates, "2026-01") == "2026-01"


def _check_year(data: Path) -> int:
    return int(_rows(data, "record_check")[0]["checked_to"][:4])


def _set(data: Path, table: str, key: str, **cells: str) -> None:
    for field, value in cells.items():
        replace_cell(data / f"{table}.csv", key, field, value)


def _row_of(data: Path, table: str, key: str) -> int:
    """The spreadsheet row (header = 1) of the record whose first cell is ``key``."""
    ids = [next(iter(r.values())) for r in _rows(data, table)]
    return ids.index(key) + 2


def test_every_break_of_the_status_rule_is_reported_at_once(data_copy):
    year = _check_year(data_copy)
    x = "expectations"
    _set(data_copy, x, "x001", status="occurred", status_basis="", status_reason="It came.")
    _set(data_copy, x, "x002", status="open", horizon_start=str(year - 5),
         horizon_end=str(year - 1), status_basis="", status_reason="Open.")  # fmt: skip
    _set(data_copy, x, "x003", status="too-early", horizon_start=str(year),
         horizon_end=str(year + 5), status_basis="", status_reason="Not begun.")  # fmt: skip
    _set(data_copy, x, "x004", status="unsettled", horizon_start=str(year - 3),
         horizon_end=str(year), status_basis="d001", status_reason="We searched.")  # fmt: skip
    _set(data_copy, x, "x005", status="open", horizon_end=str(year + 5), status_basis="",
         status_reason="")  # fmt: skip
    _set(data_copy, x, "x009", status="unchecked", horizon_end=str(year + 5), status_basis="",
         status_reason="")  # fmt: skip
    _set(data_copy, x, "x007", status="occurred", status_basis="d999", status_reason="Done.")
    _set(data_copy, x, "x008", status="unsettled", horizon_start=str(year - 4),
         horizon_end=str(year - 2), status_basis="", status_reason="We searched.")  # fmt: skip
    found = problems(data_copy)
    keys = ("x001", "x002", "x003", "x004", "x005", "x007", "x008")
    row = {k: _row_of(data_copy, x, k) for k in keys}
    expected = [
        f"expectations.csv, row {row['x001']}, field 'status_basis': is required when status "
        "is occurred",
        f"expectations.csv, row {row['x002']}, field 'status': the window ended in {year - 1}",
        f"expectations.csv, row {row['x003']}, field 'status': the window starts in {year}",
        f"expectations.csv, row {row['x004']}, field 'status': the window runs to {year}",
        f"expectations.csv, row {row['x005']}, field 'status_reason': is required when status "
        "is open",
        f"expectations.csv, row {row['x007']}, field 'status_basis': refers to no "
        "developments.development_id",
        f"expectations.csv, row {row['x008']}, field 'status_basis': is required when status "
        "is unsettled",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in found), (line, found)
    assert not any("x009" in p or f"row {_row_of(data_copy, x, 'x009')}," in p for p in found)


def test_a_signpost_is_held_to_its_expectations_window(data_copy):
    year = _check_year(data_copy)
    (post,) = [s for s in _rows(data_copy, "signposts")][:1]
    _set(data_copy, "expectations", post["expectation_ref"], horizon_start=str(year - 4),
         horizon_end=str(year - 1))  # fmt: skip
    _set(data_copy, "signposts", post["signpost_id"], status="open", status_basis="",
         status_reason="Nothing yet.")  # fmt: skip
    line = f"signposts.csv, row {_row_of(data_copy, 'signposts', post['signpost_id'])}, "
    assert any(p.startswith(line + "field 'status': the window ended") for p in problems(data_copy))


def test_the_outside_record_is_dated_between_the_sources_and_the_check_date(data_copy):
    checked = _rows(data_copy, "record_check")[0]["checked_to"]
    year = int(checked[:4])
    devs = _rows(data_copy, "developments")
    first, second = devs[0]["development_id"], devs[1]["development_id"]
    _set(data_copy, "developments", first, date=f"{year + 1}-01-15")
    _set(data_copy, "developments", second, date="1999-01-01", kind="statement", speaker="")
    found = problems(data_copy)
    r1, r2 = (_row_of(data_copy, "developments", k) for k in (first, second))
    assert any(p.startswith(f"developments.csv, row {r1}, field 'date': is after the check date")
               for p in found)  # fmt: skip
    assert any(p.startswith(f"developments.csv, row {r2}, field 'date': is before the first "
                            "source's publication") for p in found)  # fmt: skip
    assert f"developments.csv, row {r2}, field 'speaker': is required for a statement: who " \
        "spoke for Russia, with role" in found  # fmt: skip


def test_a_check_date_past_the_newest_development_by_more_than_three_months_is_refused(
    data_copy,
):
    newest = max(d["date"] for d in _rows(data_copy, "developments"))
    months = _months(newest) + 4  # four months after the newest development's month
    late = f"{months // 12}-{months % 12 + 1:02d}"
    path = data_copy / "record_check.csv"
    old = _rows(data_copy, "record_check")[0]["checked_to"]
    path.write_text(path.read_text("utf-8").replace(f"\n{old},", f"\n{late},"), "utf-8")
    found = problems(data_copy)
    assert any(
        p.startswith("record_check.csv, row 2, field 'checked_to': is more than 3 months after")
        for p in found
    ), found


def test_an_ask_carries_no_odds_and_an_event_no_speaker(data_copy):
    _set(data_copy, "expectations", "x009", forecast_kind="ask")
    dev = _rows(data_copy, "developments")[0]["development_id"]
    _set(data_copy, "developments", dev, kind="event", speaker="Foreign Minister Sergei Lavrov")
    found = problems(data_copy)
    x_row = _row_of(data_copy, "expectations", "x009")
    assert any(p.startswith(f"expectations.csv, row {x_row}, field 'likelihood': must be empty "
                            "for an ask") for p in found)  # fmt: skip
    d_row = _row_of(data_copy, "developments", dev)
    assert any(p.startswith(f"developments.csv, row {d_row}, field 'speaker': must be empty "
                            "for an event") for p in found)  # fmt: skip
