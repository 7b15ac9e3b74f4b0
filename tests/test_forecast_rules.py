"""The status rule (data/codebook.csv, forecast_status) checked mechanically: on the real data
by a reading of the CSV files of its own, and on broken copies through the loader, every
problem at once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from russian_views import config
from russian_views.dataset import forecast_rules as fr
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


# ---------------------------------------------------------------- the rule, unit by unit
# Records built here, not read from data/: each case names the one thing it breaks, and the
# messages are checked whole (they are what a user reads).


def _records(**tables):
    base = {
        "record_check": [{"checked_to": "2026-06"}],
        "sources": [{"source_id": "s", "published": "2021"}],
        "developments": [{"development_id": "d1", "date": "2026-04-02", "_row": 2}],
        "expectations": [],
        "signposts": [],
    }
    return base | tables


def _x(status, start, end, basis="d1", reason="Because.", row=2, **more):
    return {"expectation_id": "x1", "source_id": "s", "horizon_start": start,
            "horizon_end": end, "status": status, "status_basis": basis,
            "status_reason": reason, "_row": row} | more  # fmt: skip


def _lines(records, unreadable=()):
    return [str(p) for p in fr.forecast_problems(records, set(unreadable))]


def test_each_status_at_the_edges_of_its_window():
    """Check year 2026: too early only from 2027, open only to 2026 or later, unsettled only
    to 2025 or earlier; each refusal says why, in full."""
    ok = [
        _x("too-early", 2027, 2030, basis=""),
        _x("open", 2020, 2026, basis=""),
        _x("unsettled", 2020, 2025),
        _x("occurred", 2020, 2022),
        _x("unchecked", 2020, 2022, basis="", reason=""),
    ]
    for row in ok:
        assert _lines(_records(expectations=[row])) == [], row["status"]
    assert _lines(_records(expectations=[_x("too-early", 2026, 2030, basis="")])) == [
        "expectations.csv, row 2, field 'status': the window starts in 2026, not after the "
        "check date's year 2026: score it (open, occurred, ...) (value 'too-early')"
    ]
    assert _lines(_records(expectations=[_x("open", 2020, 2025, basis="")])) == [
        "expectations.csv, row 2, field 'status': the window ended in 2025, before the check "
        "date's year 2026: a forecast whose window has passed is never open (value 'open')"
    ]
    assert _lines(_records(expectations=[_x("unsettled", 2020, 2026)])) == [
        "expectations.csv, row 2, field 'status': the window runs to 2026, not before the "
        "check date's year 2026: it is open or too early, not unsettled (value 'unsettled')"
    ]


@pytest.mark.parametrize("status", ["occurred", "not-occurred", "overtaken", "unsettled"])
def test_a_status_that_says_what_happened_names_its_developments_and_its_reason(status):
    lines = _lines(_records(expectations=[_x(status, 2020, 2022, basis=" | ", reason="")]))
    assert lines == [
        f"expectations.csv, row 2, field 'status_basis': is required when status is {status}: "
        "name the developments (developments.csv) it rests on",
        f"expectations.csv, row 2, field 'status_reason': is required when status is {status}",
    ]


def test_open_and_too_early_need_no_development_but_a_reason():
    assert _lines(_records(expectations=[_x("open", 2020, 2030, basis="", reason="")])) == [
        "expectations.csv, row 2, field 'status_reason': is required when status is open"
    ]
    assert _lines(_records(expectations=[_x("", 2020, 2022, basis="", reason="")])) == []


def test_a_signpost_is_held_to_its_expectations_window_and_an_unknown_window_to_nothing():
    x = _x("open", 2020, 2030, basis="")
    post = {"signpost_id": "s1", "expectation_ref": "x1", "source_id": "s", "status": "open",
            "status_basis": "", "status_reason": "Open.", "_row": 3}  # fmt: skip
    assert _lines(_records(expectations=[x], signposts=[post])) == []
    x_closed = _x("occurred", 2020, 2022)
    assert _lines(_records(expectations=[x_closed], signposts=[post])) == [
        "signposts.csv, row 3, field 'status': the window ended in 2022, before the check "
        "date's year 2026: a forecast whose window has passed is never open (value 'open')"
    ]
    orphan = post | {"expectation_ref": "x9"}
    assert _lines(_records(expectations=[x_closed], signposts=[orphan])) == []
    # an unreadable expectations file: no window is guessed, no window problem reported
    assert _lines(_records(expectations=[x_closed], signposts=[post]), ["expectations"]) == []


def test_a_basis_dated_before_its_source_is_refused():
    early = {"development_id": "d0", "date": "2020-12-31", "_row": 3}
    records = _records(
        developments=[{"development_id": "d1", "date": "2026-04-02", "_row": 2}, early],
        expectations=[_x("occurred", 2020, 2022, basis="d0|d1")],
    )
    assert _lines(records) == [
        "expectations.csv, row 2, field 'status_basis': is dated 2020-12-31, before its "
        "source was published (2021) (value 'd0')",
        "developments.csv, row 3, field 'date': is before the first source's publication "
        "(2021): the outside record holds what happened after the sources (value "
        "'2020-12-31')",
    ]
    # a source not in sources.csv: its basis dates are not checked
    other = _x("occurred", 2020, 2022, basis="d0", source_id="elsewhere")
    assert not any("expectations.csv" in line for line in _lines(_records(
        developments=[{"development_id": "d1", "date": "2026-04-02", "_row": 2}, early],
        expectations=[other])))  # fmt: skip


def test_the_check_date_against_the_newest_development():
    """Three months' slack: a June check date is fine for a development of March, refused
    for one of February; a development after the check date is refused; a check date with
    no development at all is refused."""
    march = _records(developments=[{"development_id": "d1", "date": "2026-03-01", "_row": 2}])
    assert _lines(march) == []
    feb = _records(developments=[{"development_id": "d1", "date": "2026-02-28", "_row": 2}])
    assert _lines(feb) == [
        "record_check.csv, row 2, field 'checked_to': is more than 3 months after the newest "
        "development (2026-02-28): the record is not searched to that date (value '2026-06')"
    ]
    july = _records(developments=[{"development_id": "d1", "date": "2026-07-01", "_row": 2}])
    assert _lines(july) == [
        "developments.csv, row 2, field 'date': is after the check date 2026-06 "
        "(record_check.csv) (value '2026-07-01')"
    ]
    assert _lines(_records(developments=[])) == [
        "record_check.csv, row 2, field 'checked_to': names a check date, but "
        "developments.csv lists no development (value '2026-06')"
    ]
    # an unreadable record_check: nothing is checked against a date it could not read
    assert _lines(july, ["record_check"]) == []
    assert _lines(_records(developments=[]) | {"record_check": []}) == []


def test_dates_compare_at_their_coarser_precision_and_as_of_follows_the_status():
    assert fr.not_before("2021-04-30", "2021") and fr.not_before("2021", "2021-12")
    assert not fr.not_before("2020-12", "2021")
    assert fr._months("2026", latest=True) == 2026 * 12 + 11
    assert fr._months("2026", latest=False) == 2026 * 12
    assert fr._months("2026-03-09", latest=False) == 2026 * 12 + 2
    assert fr.basis_ids(" d1 | d2 ||") == ["d1", "d2"] and fr.basis_ids(None) == []
    for status in fr.SETTLED:
        assert fr.as_of(status, ["2024-06-19", "", "2025-04-28"], "2026-06") == "2025-04-28"
        assert fr.as_of(status, [""], "2026-06") == "2026-06"
    for status in ("open", "too-early", "unsettled", "unchecked"):
        assert fr.as_of(status, ["2024-06-19"], "2026-06") == "2026-06"


def test_missing_or_unreadable_tables_are_skipped_not_guessed():
    """A table the loader could not read is reported on its own; the rule checks nothing
    against it and never fails on its absence."""
    assert fr.forecast_problems({}, set()) == []
    july = _records(developments=[{"development_id": "d1", "date": "2026-07-01", "_row": 2}])
    assert _lines(july, ["developments"]) == []
    # no source with a date: nothing is "before the first source"
    assert _lines(_records(sources=[])) == []
    # a window with an unknown start is no window: no status is held to it
    half = _x("open", None, 2020, basis="")
    assert _lines(_records(expectations=[half])) == []


def test_a_development_dated_to_a_year_counts_as_that_years_last_month():
    """The slack runs from the newest development's latest possible month: a development
    dated only "2026" is within three months of a June 2026 check date."""
    year_only = _records(developments=[{"development_id": "d1", "date": "2026", "_row": 2}])
    assert _lines(year_only) == []
    assert fr._months("2026-11", latest=False) == 2026 * 12 + 10


def test_a_check_date_given_as_a_year_counts_from_its_first_month():
    """The slack runs to the check date's earliest month: a check date of "2026" is within
    three months of a development of November 2025, never stretched to December 2026."""
    records = _records(
        record_check=[{"checked_to": "2026"}],
        developments=[{"development_id": "d1", "date": "2025-11-20", "_row": 2}],
    )
    assert _lines(records) == []


def test_developments_citing_one_record_describe_it_one_way():
    """Two developments from one article (an event and a statement) share its note, so they
    must agree on its outlet, date and title; each field that differs is named against the
    first citer."""
    first = {"development_id": "d1", "date": "2026-04-02", "_row": 2, "url": "https://a"}
    first |= {"outlet": "Fixture Daily", "record_date": "2026-04-02", "title": "Headline"}
    same = first | {"development_id": "d2", "_row": 3}
    other = {**first, "development_id": "d3", "_row": 4, "url": "https://b", "title": ""}
    assert _lines(_records(developments=[first, same, other])) == []
    unlike = same | {"outlet": "Other Daily", "title": "Another headline"}
    assert _lines(_records(developments=[first, unlike, other])) == [
        "developments.csv, row 3, field 'outlet': cites the record d1 cites, which gives "
        "'Fixture Daily': one record is described one way (value 'Other Daily')",
        "developments.csv, row 3, field 'title': cites the record d1 cites, which gives "
        "'Headline': one record is described one way (value 'Another headline')",
    ]
    late = same | {"record_date": "2026-04-03"}
    assert _lines(_records(developments=[first, late])) == [
        "developments.csv, row 3, field 'record_date': cites the record d1 cites, which gives "
        "'2026-04-02': one record is described one way (value '2026-04-03')"
    ]
    assert _lines(_records(developments=[first, unlike]), ["developments"]) == []
    # every mismatch is reported at once, whichever record; no address is no shared record
    twin = other | {"development_id": "d4", "_row": 5, "outlet": "Other Daily"}
    assert len(_lines(_records(developments=[first, unlike, other, twin]))) == 3
    bare = {"development_id": "d5", "date": "2026-04-02", "_row": 6, "url": ""}
    assert _lines(_records(developments=[bare, bare | {"outlet": "Fixture Daily"}])) == []
    assert len(_lines(_records(developments=[bare, first, unlike]))) == 2


def test_the_record_is_not_assessed_further_than_it_was_searched():
    """searched_to may fall in the check month or after it, never before it; a record_check
    the loader could not read, or one without the day, is not held to it."""
    for day in ("2026-06-01", "2026-06-30", "2026-12-06"):
        assert _lines(_records(record_check=[{"checked_to": "2026-06", "searched_to": day}])) == []
    early = _records(record_check=[{"checked_to": "2026-06", "searched_to": "2026-05-31"}])
    assert _lines(early) == [
        "record_check.csv, row 2, field 'searched_to': is before the check month 2026-06: the "
        "record is assessed further than it was searched (value '2026-05-31')"
    ]
    assert _lines(early, ["record_check"]) == []
    assert _lines(_records(record_check=[{"checked_to": "2026-06", "searched_to": ""}])) == []
