"""Briefing parameters: resolving what a user typed into validated values.

The same functions run in the CLI (before anything is written) and in each
notebook's first cell (so plain ``papermill -p actor …`` fails just as clearly).
Every error is a one-line :class:`ParameterError` naming the value and the choices.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from russian_views.data import Dataset
from russian_views.errors import ParameterError


@dataclass(frozen=True)
class Period:
    """An inclusive range of years."""

    since: int
    until: int

    def __str__(self) -> str:
        return f"{self.since}–{self.until}"


def briefing_actors(dataset: Dataset) -> pd.DataFrame:
    """The actors that get their own briefing, in table order."""
    actors = dataset.actors
    return actors[actors["briefing"]]


def _names_of(row: pd.Series) -> list[str]:
    aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
    name = row["name"]
    bare = name.removeprefix("the ")
    return [row["actor_id"], name, bare, *aliases]


def resolve_actor(value: object, dataset: Dataset) -> str:
    """The briefing actor id that ``value`` names (id, name or alias, any case)."""
    choices = briefing_actors(dataset)
    valid = ", ".join(choices["actor_id"])
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ParameterError(f"actor is empty; choose one of: {valid}")
    lookup = {
        n.casefold(): row["actor_id"] for _, row in choices.iterrows() for n in _names_of(row)
    }
    if text.casefold() in lookup:
        return lookup[text.casefold()]
    hint = difflib.get_close_matches(text.casefold(), list(lookup), n=1, cutoff=0.6)
    suggestion = f" (did you mean {lookup[hint[0]]!r}?)" if hint else ""
    raise ParameterError(f"unknown actor {text!r}{suggestion}; choose one of: {valid}")


def data_years(dataset: Dataset) -> Period:
    """The span of the record: from the first year a claim or event covers to the year of
    the latest source. Forecasts reaching beyond (a "10-15 year" horizon) do not stretch it."""
    first = [int(dataset.claims["period_start"].min())]
    if len(dataset.events):
        first.append(int(dataset.events["date"].str[:4].astype(int).min()))
    last = int(dataset.sources["published"].str[:4].astype(int).max())
    return Period(min(first), last)


def _year(name: str, value: object, default: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise ParameterError(f"{name} must be a year such as {default}, not {value!r}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ParameterError(f"{name} must be a year such as {default}, not {value!r}") from None


def resolve_period(since: object, until: object, dataset: Dataset) -> Period:
    """Validated years; empty values mean the whole span of the data."""
    span = data_years(dataset)
    period = Period(_year("since", since, span.since), _year("until", until, span.until))
    if period.since > period.until:
        raise ParameterError(f"since ({period.since}) is after until ({period.until})")
    if period.until < span.since or period.since > span.until:
        raise ParameterError(f"the period {period} lies outside the data, which covers {span}")
    return period
