"""The rule every forecast's and signpost's status obeys, and the outside record's dates.

The outside record is kept once, in ``developments.csv``; a status names the developments
it rests on (``status_basis``), and its date ("as of") is derived, never written: the
newest basis development's date for a status that says what happened, the check date
(``record_check.csv``) otherwise. The rule, checked mechanically here for every row at once:

- occurred, not-occurred, overtaken, unsettled rest on at least one development;
- too-early: the window starts after the check date's year; open: it has not ended before
  it (a forecast whose window has passed is never open); unsettled: it has ended;
- every status but unchecked gives its reason;
- no development is dated after the check date or before the sources, and the check date
  is no later than three months after the newest development;
- the day the record was last searched is not before the check month (a record is not
  assessed further than it was searched).

A signpost's window is its expectation's.
"""

from __future__ import annotations

from collections.abc import Iterable

from russian_views.errors import Problem

Record = dict[str, object]

# Statuses that say what happened: dated by the newest development they rest on.
SETTLED = ("occurred", "not-occurred", "overtaken")
# Statuses that must rest on developments (unsettled: those searched that bear on it).
NEEDS_BASIS = (*SETTLED, "unsettled")
# The one status that needs no reason: nobody has scored the forecast yet.
UNCHECKED = "unchecked"
# How far the check date may run past the newest development, in months.
CHECK_SLACK_MONTHS = 3


def basis_ids(value: object) -> list[str]:
    """The development ids of a ``status_basis`` cell (none for an empty cell)."""
    return [i.strip() for i in str(value or "").split("|") if i.strip()]


def as_of(status: str, basis_dates: Iterable[str], checked_to: str) -> str:
    """The date a status holds at: the newest basis development's for a status that says
    what happened, the check date for every other (open, too early, unsettled, unchecked)."""
    dates = [d for d in basis_dates if d]
    return max(dates) if status in SETTLED and dates else checked_to


def _months(date: str, latest: bool) -> int:
    """A YYYY, YYYY-MM or YYYY-MM-DD date as a month count (a bare year counts as its last
    month when ``latest``, its first otherwise)."""
    month = int(date[5:7]) if len(date) >= 7 else (12 if latest else 1)
    return int(date[:4]) * 12 + month - 1


def not_before(date: str, start: str) -> bool:
    """Whether ``date`` is not before ``start``, compared at the coarser of their precisions
    (a development of 2021-04-30 is not before a source published in 2021)."""
    n = min(len(date), len(start))
    return date[:n] >= start[:n]


def _status_problems(
    file: str, r: Record, window: tuple[int, int] | None, check_year: int | None
) -> list[Problem]:
    """Problems of one row's status against its basis, its window and the check date."""
    status = str(r.get("status") or "")
    if not status:
        return []

    def problem(field: str, value: object, message: str) -> Problem:
        return Problem(
            file, int(str(r["_row"])), field, None if value is None else str(value), message
        )

    problems = []
    if status in NEEDS_BASIS and not basis_ids(r.get("status_basis")):
        problems.append(
            problem(
                "status_basis",
                None,
                f"is required when status is {status}: name the "
                "developments (developments.csv) it rests on",
            )
        )
    if status != UNCHECKED and not r.get("status_reason"):
        problems.append(problem("status_reason", None, f"is required when status is {status}"))
    if window is None or check_year is None:
        return problems
    start, end = window
    if status == "too-early" and not start > check_year:
        problems.append(
            problem(
                "status",
                status,
                f"the window starts in {start}, not after the check "
                f"date's year {check_year}: score it (open, occurred, ...)",
            )
        )
    if status == "open" and end < check_year:
        problems.append(
            problem(
                "status",
                status,
                f"the window ended in {end}, before the check date's "
                f"year {check_year}: a forecast whose window has passed is never open",
            )
        )
    if status == "unsettled" and not end < check_year:
        problems.append(
            problem(
                "status",
                status,
                f"the window runs to {end}, not before the check "
                f"date's year {check_year}: it is open or too early, not unsettled",
            )
        )
    return problems


def _windows(records: dict[str, list[Record]]) -> dict[str, tuple[int, int]]:
    """Each expectation's window (horizon_start, horizon_end), where both are known."""
    return {
        str(x["expectation_id"]): (int(str(x["horizon_start"])), int(str(x["horizon_end"])))
        for x in records.get("expectations", [])
        if x.get("horizon_start") is not None and x.get("horizon_end") is not None
    }


def _check_date(records: dict[str, list[Record]]) -> str | None:
    rows = records.get("record_check", [])
    return str(rows[0]["checked_to"]) if rows and rows[0].get("checked_to") else None


def _searched_problems(records: dict[str, list[Record]], checked: str | None) -> list[Problem]:
    """The record was searched at least to the month it is assessed to."""
    if checked is None:  # no check month was read (its table's row holds it)
        return []
    searched = records["record_check"][0].get("searched_to")
    if not searched or not_before(str(searched), checked):
        return []
    return [
        Problem(
            "record_check.csv",
            2,
            "searched_to",
            searched,
            f"is before the check month {checked}: the record is assessed further than it "
            "was searched",
        )
    ]


def _development_problems(records: dict[str, list[Record]], checked: str | None) -> list[Problem]:
    """Each development falls between the sources and the check date; the check date is no
    later than three months after the newest development."""
    developments = [d for d in records.get("developments", []) if d.get("date")]
    published = [str(s["published"]) for s in records.get("sources", []) if s.get("published")]
    first = min(published, default=None)
    problems = []
    for d in developments:
        date = str(d["date"])
        wrong = []
        if checked is not None and not not_before(checked, date):
            wrong.append(f"is after the check date {checked} (record_check.csv)")
        if first is not None and not not_before(date, first):
            wrong.append(
                f"is before the first source's publication ({first}): the outside record "
                "holds what happened after the sources"
            )
        problems += [
            Problem("developments.csv", int(str(d["_row"])), "date", date, w) for w in wrong
        ]
    if checked is not None and developments:
        newest = max(str(d["date"]) for d in developments)
        if _months(checked, latest=False) - _months(newest, latest=True) > CHECK_SLACK_MONTHS:
            problems.append(
                Problem(
                    "record_check.csv",
                    2,
                    "checked_to",
                    checked,
                    f"is more than {CHECK_SLACK_MONTHS} months after the newest development "
                    f"({newest}): the record is not searched to that date",
                )
            )
    elif checked is not None and not developments:
        problems.append(
            Problem(
                "record_check.csv",
                2,
                "checked_to",
                checked,
                "names a check date, but developments.csv lists no development",
            )
        )
    return problems


# What a development says of the public record it cites: one record, described one way.
RECORD_FIELDS = ("outlet", "record_date", "title")


def _record_problems(records: dict[str, list[Record]]) -> list[Problem]:
    """Developments citing one address describe its record alike (a briefing gives it one
    note, whichever development cites it): each differing field is named against the
    first development that cites the address."""
    first: dict[str, Record] = {}
    problems = []
    for d in records.get("developments", []):
        url = d.get("url")
        if not url:  # no address is no shared record (a missing one is refused on its own)
            continue
        earlier = first.setdefault(str(url), d)
        problems += [
            Problem(
                "developments.csv",
                int(str(d["_row"])),
                field,
                d.get(field),
                f"cites the record {earlier['development_id']} cites, which gives "
                f"{earlier.get(field)!r}: one record is described one way",
            )
            for field in RECORD_FIELDS
            if d.get(field) != earlier.get(field)
        ]
    return problems


def _basis_date_problems(
    file: str, r: Record, dates: dict[str, str], published: dict[str, str]
) -> list[Problem]:
    """A development a status rests on is not dated before the forecast's own source."""
    pub = published.get(str(r.get("source_id")))
    if pub is None:
        return []
    return [
        Problem(
            file,
            int(str(r["_row"])),
            "status_basis",
            item,
            f"is dated {dates[item]}, before its source was published ({pub})",
        )
        for item in basis_ids(r.get("status_basis"))
        if item in dates and not not_before(dates[item], pub)
    ]


def forecast_problems(records: dict[str, list[Record]], unreadable: set[str]) -> list[Problem]:
    """Every status against the rule, every development against the dates (see the module's
    docstring). Checks that need a table that could not be read are skipped: its own
    problem is already reported."""
    checked = None if "record_check" in unreadable else _check_date(records)
    check_year = int(checked[:4]) if checked else None
    windows = {} if "expectations" in unreadable else _windows(records)
    dates = {str(d["development_id"]): str(d["date"]) for d in records.get("developments", [])}
    published = {str(s["source_id"]): str(s["published"]) for s in records.get("sources", [])}
    problems: list[Problem] = []
    for table, window_of in (("expectations", "expectation_id"), ("signposts", "expectation_ref")):
        for r in records.get(table, []):
            window = windows.get(str(r.get(window_of)))
            problems += _status_problems(f"{table}.csv", r, window, check_year)
            problems += _basis_date_problems(f"{table}.csv", r, dates, published)
    if "developments" not in unreadable:
        problems += _development_problems(records, checked) + _record_problems(records)
    return problems + _searched_problems(records, checked)
