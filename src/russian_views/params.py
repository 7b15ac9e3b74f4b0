"""Briefing parameters: resolving what a user typed into validated values.

What each parameter is (type, choices, default, which notebooks take it) is defined once
in :mod:`russian_views.spec`; this module checks values against it and the data. The
same functions run in the CLI and batch files (before anything is written) and in each
notebook's first cell (so plain ``papermill -p actor …`` fails just as clearly). Every
error is a one-line :class:`ParameterError` naming the value and the choices.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from russian_views.errors import ParameterError
from russian_views.spec import ACTOR, COMPARE, Parameter, echo, parameter, parameters_of

if TYPE_CHECKING:  # only for annotations: the CLI checks options without importing pandas
    import pandas as pd

    from russian_views.dataset.load import Dataset


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


def _names_of(row: Mapping) -> list[str]:
    aliases = [a.strip() for a in (row["aliases"] or "").split("|") if a.strip()]
    name = row["name"]
    bare = name.removeprefix("the ")
    return [row["actor_id"], name, bare, *aliases]


def resolve_actor(value: object, dataset: Dataset, name: str = "actor") -> str:
    """The briefing actor id that ``value`` names (id, name or alias, any case)."""
    return _resolve_actor(value, _briefed(dataset.actors.to_dict("records")), name)


def resolve_actor_among(value: object, actors: pd.DataFrame, name: str = "actor") -> str:
    """The id of the actor among ``actors`` (any of them, not only the briefed) that
    ``value`` names, with the same rules and messages as :func:`resolve_actor`."""
    return _resolve_actor(value, actors.to_dict("records"), name)


def check_actors_early(values: Iterable[object], data_dir: Path) -> None:
    """Refuse an unknown actor from ``actors.csv`` alone, read and typed as the dataset
    reads it, before pandas and the rest of the data load, so the CLI answers at once.
    Skipped when those columns have problems: loading the dataset reports them."""
    from russian_views.dataset.schema import load_schema
    from russian_views.dataset.validate import parse_table, read_rows

    table = load_schema(data_dir / "schema.yml").tables["actors"]
    header, rows, problems = read_rows(data_dir / table.path)
    if problems or header != table.field_names:
        return
    records, problems = parse_table(table, header, rows, {})  # codes are checked later
    if any(p.field in (None, *_ACTOR_FIELDS) for p in problems):
        return
    for value in values:
        _resolve_actor(value, _briefed(records), "actor")


_ACTOR_FIELDS = ("actor_id", "name", "aliases", "briefing")


def _briefed(rows: list[Mapping]) -> list[Mapping]:
    return [r for r in rows if r["briefing"]]


def _resolve_actor(value: object, choices: list[Mapping], name: str) -> str:
    """The id of the actor among ``choices`` that ``value`` names (id, name or alias, any
    case); else a one-line :class:`ParameterError` with a likely match and the ids."""
    valid = ", ".join(r["actor_id"] for r in choices)
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
        raise ParameterError(f"{name} must be an actor's id, name or alias, not {echo(value)}")
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ParameterError(f"{name} is empty; choose one of: {valid}")
    lookup = {n.casefold(): row["actor_id"] for row in choices for n in _names_of(row)}
    if text.casefold() in lookup:
        return lookup[text.casefold()]
    hint = difflib.get_close_matches(text.casefold(), list(lookup), n=1, cutoff=0.6)
    suggestion = f" (did you mean {lookup[hint[0]]!r}?)" if hint else ""
    raise ParameterError(f"unknown actor {echo(text)}{suggestion}; choose one of: {valid}")


def data_years(dataset: Dataset) -> Period:
    """The span of the record: from the first year a claim or event covers to the year of
    the latest source. Forecasts reaching beyond (a "10-15 year" horizon) do not stretch it."""
    first = [int(dataset.claims["period_start"].min())]
    if len(dataset.events):
        first.append(int(dataset.events["date"].str[:4].astype(int).min()))
    last = int(dataset.sources["published"].str[:4].astype(int).max())
    return Period(min(first), last)


def actor_years(dataset: Dataset, actor_id: str) -> Period:
    """The span of what is coded about the actor's family (the actor and the leaders,
    administrations and groups whose parent it is): claims about or relating to it and events
    involving it, to the latest of the sources those records come from. An actor briefing's
    default period, so a source or a claim about another actor never stretches this one."""
    actors = dataset.actors
    members = {actor_id, *actors.loc[actors["parent_id"] == actor_id, "actor_id"]}
    claims = dataset.claims
    about = claims[claims["subject_id"].isin(members) | claims["counterpart_id"].isin(members)]
    events = dataset.events
    involved = events[[bool(members & set(ids.split("|"))) for ids in events["actor_ids"]]]
    starts = [int(y) for y in about["period_start"]] + [int(d[:4]) for d in involved["date"]]
    if not starts:
        return data_years(dataset)
    cited = set(about["source_id"]) | set(involved["source_id"])
    sources = dataset.sources
    until = sources.loc[sources["source_id"].isin(cited), "published"].str[:4].astype(int).max()
    return Period(min(starts), int(until))


# A claim that ends this many years or more before every other claim starts lies far
# outside the record: it is reported, since it stretches the span of any page that shows it.
FAR_YEARS = 5


def far_outside(dataset: Dataset, claim_ids: Collection[str] | None = None) -> list[str]:
    """One line for each claim (of ``claim_ids``, if given: those just imported) that ends
    at least :data:`FAR_YEARS` years before every other claim begins, naming its row and
    span."""
    claims = dataset.claims.sort_values("period_start")
    if len(claims) < 2:
        return []
    lines = []
    for _, c in claims.iterrows():
        if claim_ids is not None and c["claim_id"] not in claim_ids:
            continue
        rest = int(claims.loc[claims.index != c.name, "period_start"].min())
        if int(c["period_end"]) <= rest - FAR_YEARS:
            lines.append(
                f"claims.csv, row {c['_row']} ({c['claim_id']}): {c['period_start']}–"
                f"{c['period_end']} lies far before the rest of the record (from {rest}); "
                "only the briefings of its actors show it"
            )
    return lines


def _year(name: str, value: object, span: Period, default: int) -> int:
    """A year within the data's span; None means ``default``."""
    if value is None:
        return default
    wanted = f"{name} must be a year from {span.since} to {span.until}"
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ParameterError(f"{wanted}, not {echo(value)}")
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ParameterError(f"{wanted}, not {echo(value)}") from None
    if not span.since <= year <= span.until:
        raise ParameterError(f"{wanted} (the span of the data), not {year}")
    return year


def resolve_period(
    since: object, until: object, dataset: Dataset, default: Period | None = None
) -> Period:
    """Validated years within the data's span; None means ``default`` (an actor's own span),
    else the whole span."""
    span = data_years(dataset)
    default = default or span
    period = Period(
        _year("since", since, span, default.since), _year("until", until, span, default.until)
    )
    if period.since > period.until:
        raise ParameterError(
            f"since ({period.since}) is after until ({period.until})", ("since", "until")
        )
    return period


def _items(name: str, value: object) -> list[str]:
    """A list parameter given as a list, or as a comma-separated string (papermill ``-p``)."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, list | tuple) and all(isinstance(v, str | int) for v in value):
        items = [str(v).strip() for v in value]
    else:
        raise ParameterError(
            f"{name} must be a word, a comma-separated list or a list of words, not {echo(value)}"
        )
    return [i for i in items if i]


def _suggest(word: str, valid: list[str]) -> str:
    hint = difflib.get_close_matches(word.casefold(), [v.casefold() for v in valid], n=1)
    return f" (did you mean {next(v for v in valid if v.casefold() == hint[0])!r}?)" if hint else ""


def resolve_codes(p: Parameter, value: object, valid: tuple[str, ...]) -> tuple[str, ...]:
    """Words from a code list, in any case, returned as spelt in the list and in its order;
    ``p.all_word`` (or None, when that is the default) means every one. Empty is refused."""
    if value is None:
        value = p.default
    everything = [p.all_word] if p.all_word else []
    listing = ", ".join([*everything, *valid])
    items = _items(p.name, value)
    if not items:
        raise ParameterError(f"{p.name} is empty; choose from: {listing}")
    if p.all_word and [i.casefold() for i in items] == [p.all_word]:
        return valid
    canonical = {v.casefold(): v for v in valid}
    for item in items:
        if item.casefold() not in canonical:
            raise ParameterError(
                f"unknown {p.name.removesuffix('s')} {echo(item)}{_suggest(item, list(valid))}; "
                f"choose from: {listing}"
            )
    wanted = {canonical[i.casefold()] for i in items}
    return tuple(v for v in valid if v in wanted)


def resolve_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words, in any case, spelt as in ``choices`` (None: the first)."""
    if value is None:
        return choices[0]
    text = str(value).strip() if isinstance(value, str) else ""
    canonical = {c.casefold(): c for c in choices}
    if text.casefold() in canonical:
        return canonical[text.casefold()]
    problem = (
        f"{name} is empty"
        if isinstance(value, str) and not text
        else (f"unknown {name} {echo(value)}{_suggest(text, list(choices))}")
    )
    raise ParameterError(f"{problem}; choose from: {', '.join(choices)}")


def choices(p: Parameter, dataset: Dataset) -> tuple[str, ...]:
    """The words ``p`` accepts: its fixed choices, or the data's actors or codes."""
    if p.codes_from == "actors":
        return tuple(briefing_actors(dataset)["actor_id"])
    if p.codes_from:
        return tuple(dataset.codes(p.codes_from))
    return p.choices


def resolve_word(p: Parameter, value: object) -> str:
    """A fixed-choice parameter or option (None: its default)."""
    ordered = (p.default, *(c for c in p.choices if c != p.default))
    return resolve_choice(p.name, value, ordered)


# Which notebook cells show, by tag, for given parameters: the exporter cuts by these rules
# and the teaching helpers skip work whose cells will be cut.
SHOWN_WHEN = {
    "detail-full": lambda p: p.get("detail", parameter(ACTOR, "detail").default) == "full",
    "edition-student": lambda p: (
        p.get("edition", parameter(ACTOR, "edition").default) in ("student", "instructor")
    ),
    "edition-instructor": lambda p: (
        p.get("edition", parameter(ACTOR, "edition").default) == "instructor"
    ),
}


@dataclass(frozen=True)
class Options:
    """How an actor briefing is cut: themes, voices, length and edition."""

    themes: tuple[str, ...]
    views: tuple[str, ...]
    detail: str
    edition: str


def resolve_options(
    dataset: Dataset,
    themes: object = None,
    views: object = None,
    detail: object = None,
    edition: object = None,
) -> Options:
    """Validated briefing options (one-line ParameterError otherwise)."""
    given = {"themes": themes, "views": views, "detail": detail, "edition": edition}
    values = resolve(ACTOR, given, dataset, only=tuple(given))
    return Options(**values)


def resolve(
    notebook: str, given: dict, dataset: Dataset, only: tuple[str, ...] | None = None
) -> dict[str, object]:
    """The parameters of ``notebook`` resolved from ``given`` (missing or None: the default),
    as ids, years, tuples of codes and words; ``only`` restricts to some names. Paths and
    numbers of the exercise are checked by the exercise itself."""
    values: dict[str, object] = {}
    for p in parameters_of(notebook):
        if only is not None and p.name not in only:
            continue
        value = given.get(p.name)
        if p.kind == "actor":
            values[p.name] = resolve_actor(value, dataset, p.name)
        elif p.kind == "codes":
            values[p.name] = resolve_codes(p, value, choices(p, dataset))
        elif p.kind == "choice":
            values[p.name] = resolve_word(p, value)
    if only is None and any(p.kind == "year" for p in parameters_of(notebook)):
        default = default_period(notebook, values, dataset)
        period = resolve_period(given.get("since"), given.get("until"), dataset, default)
        values["since"], values["until"] = period.since, period.until
    if notebook == COMPARE and values["actor_a"] == values["actor_b"]:
        raise ParameterError(
            f"actor_a and actor_b are both {values['actor_a']!r}; choose two different actors"
        )
    return values


def default_period(notebook: str, values: dict[str, object], dataset: Dataset) -> Period:
    """The period a notebook shows when none is given: an actor briefing's own record's
    span (what is coded about the actor), every other notebook's the whole record's."""
    if notebook == ACTOR and values.get("actor"):
        return actor_years(dataset, str(values["actor"]))
    return data_years(dataset)


def papermill_parameters(notebook: str, values: dict[str, object], dataset: Dataset) -> dict:
    """What papermill injects: each resolved value in its canonical written form (a list
    of codes as a comma-separated string, or the word for all of them)."""
    out: dict[str, object] = {}
    for p in parameters_of(notebook):
        if p.name not in values:
            continue
        value = values[p.name]
        if p.kind == "codes":
            value = p.all_word if value == choices(p, dataset) else ",".join(value)
        out[p.name] = value
    return out


def name_suffix(
    notebook: str, values: dict[str, object], dataset: Dataset, paper: str | None = None
) -> str:
    """The part of a file name after the actor(s): the period when not the whole span, then
    every other non-default choice in canonical form (``_2014-2021_nuclear+sanctions_student``),
    so renders with different choices never overwrite each other."""
    parts = []
    span = default_period(notebook, values, dataset)
    if (values.get("since"), values.get("until")) not in ((span.since, span.until), (None, None)):
        parts.append(f"{values['since']}-{values['until']}")
    for p in parameters_of(notebook):
        if p.in_name and p.name in values:
            value = values[p.name]
            if p.kind == "codes":
                if value != choices(p, dataset):
                    parts.append("+".join(value))
            elif value != p.default:
                parts.append(str(value))
    paper_option = parameter(None, "paper")
    if paper is not None and resolve_word(paper_option, paper) != paper_option.default:
        parts.append(resolve_word(paper_option, paper))
    return "".join(f"_{p}" for p in parts)


def allowed(p: Parameter, dataset: Dataset) -> str:
    """What ``p`` accepts, in words, for ``russian-views params``."""
    if p.kind == "actor":
        return ", ".join(choices(p, dataset)) + " (or a name or alias, any case)"
    if p.kind == "year":
        span = data_years(dataset)
        return f"a year from {span.since} to {span.until}; None: the whole record"
    if p.kind in ("codes", "choice"):
        words = ([p.all_word] if p.all_word else []) + list(choices(p, dataset))
        several = " (several: comma-separated)" if p.kind == "codes" else ""
        return ", ".join(words) + several + " (any case)"
    return "any " + p.type_name


_DATA_TYPES = (str, int, float, bool, list, tuple, dict, type(None))


def from_namespace(namespace: dict, notebook: str) -> dict[str, object]:
    """The notebook's parameters, taken from its namespace after papermill's injection.

    Papermill injects any ``-p NAME VALUE`` it is given and only warns about a name the
    parameters cell does not define, so a typo (``-p acter china``) would silently render
    the default actor. Any plain-data variable that is not a parameter is refused here.
    """
    names = tuple(p.name for p in parameters_of(notebook))
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
            f"unknown parameter {echo(unknown[0])}{suggestion}; this notebook takes: "
            f"{', '.join(names)}"
        )
    return {name: namespace.get(name) for name in names}
