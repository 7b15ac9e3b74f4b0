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
    return resolve_actor_among(value, briefing_actors(dataset))


def resolve_actor_among(value: object, actors: pd.DataFrame) -> str:
    """The id of the actor among ``actors`` that ``value`` names (id, name or alias, any
    case); else a one-line :class:`ParameterError` with a likely match and the ids."""
    valid = ", ".join(actors["actor_id"])
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ParameterError(f"actor is empty; choose one of: {valid}")
    lookup = {n.casefold(): row["actor_id"] for _, row in actors.iterrows() for n in _names_of(row)}
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


VIEWS = ("moscow", "reviewer")
DETAILS = ("full", "summary")
EDITIONS = ("reader", "student", "instructor")


def _items(value: object) -> list[str]:
    """A list parameter given as a list, or as a comma-separated string (papermill ``-p``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ParameterError(f"expected a list or a comma-separated string, not {value!r}")


def resolve_themes(value: object, dataset: Dataset) -> tuple[str, ...]:
    """Codebook themes to include; empty or ``all`` means every theme."""
    valid = dataset.codes("theme")
    wanted = _items(value)
    if not wanted or wanted == ["all"]:
        return tuple(valid)
    unknown = [t for t in wanted if t not in valid]
    if unknown:
        hint = difflib.get_close_matches(unknown[0], valid, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ParameterError(
            f"unknown theme {unknown[0]!r}{suggestion}; choose from: all, {', '.join(valid)}"
        )
    return tuple(t for t in valid if t in wanted)


def resolve_views(value: object) -> tuple[str, ...]:
    """Whose statements to show: ``moscow``, ``reviewer`` or both (the default)."""
    wanted = _items(value)
    if not wanted or wanted == ["both"]:
        return VIEWS
    unknown = [v for v in wanted if v not in VIEWS]
    if unknown:
        raise ParameterError(f"unknown view {unknown[0]!r}; choose from: moscow, reviewer, both")
    return tuple(v for v in VIEWS if v in wanted)


def resolve_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words (the first is the default)."""
    text = str(value).strip().lower() if value is not None else ""
    if not text:
        return choices[0]
    if text not in choices:
        raise ParameterError(f"unknown {name} {value!r}; choose from: {', '.join(choices)}")
    return text


# Which notebook cells show, by tag, for given parameters: the exporter cuts by these rules
# and the teaching helpers skip work whose cells will be cut.
SHOWN_WHEN = {
    "detail-full": lambda p: p.get("detail", DETAILS[0]) == "full",
    "edition-student": lambda p: p.get("edition", EDITIONS[0]) in ("student", "instructor"),
    "edition-instructor": lambda p: p.get("edition", EDITIONS[0]) == "instructor",
}


@dataclass(frozen=True)
class Options:
    """How an actor briefing is cut: themes, voices, length and edition."""

    themes: tuple[str, ...]
    views: tuple[str, ...] = VIEWS
    detail: str = DETAILS[0]
    edition: str = EDITIONS[0]

    def suffix(self, all_themes: tuple[str, ...]) -> str:
        """The part of a file name that records every non-default choice."""
        parts = []
        if self.themes != all_themes:
            parts.append("+".join(self.themes))
        if self.views != VIEWS:
            parts.append("+".join(self.views))
        parts += [
            v
            for v, default in ((self.detail, DETAILS[0]), (self.edition, EDITIONS[0]))
            if v != default
        ]
        return "".join(f"_{p}" for p in parts)


def resolve_options(
    dataset: Dataset,
    themes: object = None,
    views: object = None,
    detail: object = None,
    edition: object = None,
) -> Options:
    """Validated briefing options (one-line ParameterError otherwise)."""
    return Options(
        themes=resolve_themes(themes, dataset),
        views=resolve_views(views),
        detail=resolve_choice("detail", detail, DETAILS),
        edition=resolve_choice("edition", edition, EDITIONS),
    )


def allowed_values(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """Type and allowed values of every notebook parameter, for ``russian-views params``."""
    span = data_years(dataset)
    actors = ", ".join(briefing_actors(dataset)["actor_id"]) + " (or a name or alias)"
    years = ("int", f"a year from {span.since} to {span.until}; None: the whole record")
    return {
        "actor": ("str", actors),
        "actor_a": ("str", actors),
        "actor_b": ("str", actors),
        "since": years,
        "until": years,
        "themes": ("str or list", "all, or any of: " + ", ".join(dataset.codes("theme"))),
        "views": ("str", "both, moscow, reviewer"),
        "detail": ("str", ", ".join(DETAILS)),
        "edition": ("str", ", ".join(EDITIONS)),
    }


_DATA_TYPES = (str, int, float, bool, list, tuple, dict, type(None))


def from_namespace(namespace: dict, names: tuple[str, ...]) -> dict[str, object]:
    """The notebook's parameters, taken from its namespace after papermill's injection.

    Papermill injects any ``-p NAME VALUE`` it is given and only warns about a name the
    parameters cell does not define, so a typo (``-p acter china``) would silently render
    the default actor. Any plain-data variable that is not a parameter is refused here.
    """
    unknown = sorted(
        name
        for name, value in namespace.items()
        if not name.startswith("_")
        and name not in names
        and name not in {"In", "Out"}
        and isinstance(value, _DATA_TYPES)
    )
    if unknown:
        hint = difflib.get_close_matches(unknown[0], names, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ParameterError(
            f"unknown parameter {unknown[0]!r}{suggestion}; this notebook takes: {', '.join(names)}"
        )
    return {name: namespace.get(name) for name in names}
