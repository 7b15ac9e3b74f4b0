"""Questions asked of the dataset: by actor, period, theme and view.

Every function takes the validated :class:`~russian_views.dataset.load.Dataset` and returns a
new DataFrame (never a view the caller could mutate by accident). An actor stands
for its *family*: itself plus the leaders, administrations and groups whose
``parent_id`` it is, so Kim Jong-un's claims count for North Korea.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from russian_views.dataset.load import Dataset

# actor_years (an actor's own span) is defined with the other spans, in params.
from russian_views.params import Period
from russian_views.params import actor_years as actor_years

CITATION_COLUMNS = ["source_id", "paragraph", "sentence"]


def family(dataset: Dataset, actor_id: str) -> list[str]:
    """The actor and every actor whose parent it is."""
    actors = dataset.actors
    return [actor_id, *actors.loc[actors["parent_id"] == actor_id, "actor_id"]]


def homes(dataset: Dataset) -> dict[str, str]:
    """Each actor's state: its parent, or itself for states and organisations."""
    actors = dataset.actors
    return {a: p or a for a, p in zip(actors["actor_id"], actors["parent_id"], strict=True)}


def actor_name(dataset: Dataset, actor_id: str) -> str:
    """Display name of an actor."""
    actors = dataset.actors
    return str(actors.loc[actors["actor_id"] == actor_id, "name"].iloc[0])


OVERVIEW_TITLE = "Russian views of the Korean Peninsula: overview"


def briefing_title(dataset: Dataset, actor_id: str) -> str:
    """The title of an actor's briefing."""
    return f"Russian views of {actor_name(dataset, actor_id)}"


def _overlaps(start: pd.Series, end: pd.Series, period: Period) -> pd.Series:
    return (start <= period.until) & (end >= period.since)


def select_claims(
    dataset: Dataset,
    period: Period,
    *,
    subjects: Iterable[str] | None = None,
    themes: Iterable[str] | None = None,
    views: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Claims overlapping ``period``, optionally limited by subject, theme and view.

    Adds ``stance_score`` (the codebook's ordinal score, NA when no stance) and
    ``home_id`` (the state of the subject).
    """
    claims = dataset.claims
    keep = _overlaps(claims["period_start"], claims["period_end"], period)
    if subjects is not None:
        keep &= claims["subject_id"].isin(list(subjects))
    if themes is not None:
        keep &= claims["theme"].isin(list(themes))
    if views is not None:
        keep &= claims["view"].isin(list(views))
    out = claims[keep].copy()
    scores = dataset.scores("stance")
    out["stance_score"] = out["stance"].map(scores).astype("Int64")
    out["home_id"] = out["subject_id"].map(homes(dataset))
    return out


def claims_about(dataset: Dataset, actor_id: str, period: Period, **filters) -> pd.DataFrame:
    """Claims whose subject is the actor or one of its family."""
    return select_claims(dataset, period, subjects=family(dataset, actor_id), **filters)


def relations(dataset: Dataset, actor_id: str, period: Period) -> pd.DataFrame:
    """Claims that relate the actor to another actor, with ``other_id`` (that actor's state).

    Both directions count: the actor as subject with a counterpart, and another actor
    as subject with the actor as counterpart.
    """
    members = set(family(dataset, actor_id))
    claims = select_claims(dataset, period, views=["moscow"])
    subject_in = claims["subject_id"].isin(members)
    counterpart_in = claims["counterpart_id"].isin(members)
    linked = claims[(subject_in & (claims["counterpart_id"] != "")) | counterpart_in].copy()
    linked = linked[~(linked["subject_id"].isin(members) & linked["counterpart_id"].isin(members))]
    other = linked["counterpart_id"].where(linked["subject_id"].isin(members), linked["subject_id"])
    linked["other_id"] = other.map(homes(dataset))
    return linked[linked["other_id"] != actor_id]


def events_involving(dataset: Dataset, actor_id: str | None, period: Period) -> pd.DataFrame:
    """Events in ``period`` involving the actor's family (all events when actor is None)."""
    events = dataset.events.copy()
    events["year"] = events["date"].str[:4].astype(int)
    keep = events["year"].between(period.since, period.until)
    if actor_id is not None:
        members = set(family(dataset, actor_id))
        keep &= events["actor_ids"].map(lambda ids: bool(members & set(ids.split("|"))))
    return events[keep].sort_values(["date", "event_id"]).reset_index(drop=True)


def filed_expectations(dataset: Dataset, scope: str, period: Period) -> pd.DataFrame:
    """Expectations filed in briefing ``scope`` whose horizon reaches into ``period`` or
    beyond, the ones the source holds most likely first."""
    ex = dataset.expectations
    out = ex[(ex["briefing"] == scope) & (ex["horizon_end"] >= period.since)].copy()
    out["likelihood_score"] = out["likelihood"].map(dataset.scores("likelihood"))
    return out.sort_values(["likelihood_score", "expectation_id"], ascending=[False, True])


def developments_for(dataset: Dataset, scope: str) -> pd.DataFrame:
    """Developments since the sources that involve the briefed actor's family (every one,
    for the overview), in date order."""
    dev = dataset.developments
    if scope != "overview":
        members = set(family(dataset, scope))
        involved = [bool(members & set(ids.split("|"))) for ids in dev["actor_ids"]]
        dev = dev.loc[pd.Series(involved, index=dev.index, dtype=bool)]
    return dev.sort_values(["date", "development_id"]).reset_index(drop=True)


def signposts_for(dataset: Dataset, expectation_ids: Iterable[str]) -> pd.DataFrame:
    """Signposts bearing on the given expectations."""
    sp = dataset.signposts
    return sp[sp["expectation_ref"].isin(list(expectation_ids))].copy()


# The fewest statements dated to a year for its average stance to be shown.
MIN_YEARLY = 3


def looks_ahead(claims: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """Which claims look ahead: forecasts, and any statement dated past the year its source
    was published (the book's assessment of 2021-2036 is not a look back)."""
    published = dict(zip(dataset.sources["source_id"], dataset.sources["published"], strict=True))
    written = claims["source_id"].map(published).str[:4].astype(int)
    return (claims["claim_kind"] == "expectation") | (claims["period_end"] > written)


def undated(claims: pd.DataFrame, record: Period) -> pd.Series:
    """Which claims the source does not date more closely than the whole record."""
    return (claims["period_start"] <= record.since) & (claims["period_end"] >= record.until)


def stance_by_year(claims: pd.DataFrame, period: Period) -> pd.DataFrame:
    """For each year of ``period``: how many of ``claims`` (with a stance) the source dates
    to it, and their mean stance where there are at least :data:`MIN_YEARLY` (else NA).

    Years no claim covers are left out. Pass claims that are dated (see :func:`undated`):
    a statement about the whole record says nothing about any one year.
    """
    rows = []
    scored = claims.dropna(subset=["stance_score"])
    for year in range(period.since, period.until + 1):
        covering = scored[(scored["period_start"] <= year) & (scored["period_end"] >= year)]
        if len(covering):
            mean = float(covering["stance_score"].mean()) if len(covering) >= MIN_YEARLY else None
            rows.append({"year": year, "mean_stance": mean, "claims": len(covering)})
    return pd.DataFrame(rows, columns=["year", "mean_stance", "claims"]).astype(
        {"mean_stance": float}
    )


def stance_matrix(dataset: Dataset, actor_ids: list[str], period: Period) -> pd.DataFrame:
    """Mean Moscow stance and claim count for each actor and theme."""
    frames = []
    for actor_id in actor_ids:
        claims = claims_about(dataset, actor_id, period, views=["moscow"])
        claims = claims.dropna(subset=["stance_score"])
        grouped = claims.groupby("theme")["stance_score"].agg(["mean", "count"]).reset_index()
        grouped["actor_id"] = actor_id
        frames.append(grouped)
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"mean": "mean_stance", "count": "claims"})


def cited_sentences(*frames: pd.DataFrame) -> pd.DataFrame:
    """The distinct sentences cited by the given records, in reading order."""
    cited = pd.concat([f[CITATION_COLUMNS] for f in frames if len(f)], ignore_index=True)
    if cited.empty:
        return pd.DataFrame(columns=CITATION_COLUMNS)
    cited = cited.astype({"paragraph": int, "sentence": int}).drop_duplicates()
    return cited.sort_values(CITATION_COLUMNS).reset_index(drop=True)


def stance_by_source(dataset: Dataset, actor_ids: list[str], period: Period) -> pd.DataFrame:
    """Mean Moscow stance and statement count for each briefed actor in each source, with
    the source's date: one row per source and actor that has statements with a stance."""
    dates = dict(zip(dataset.sources["source_id"], dataset.sources["published"], strict=True))
    frames = []
    for actor_id in actor_ids:
        claims = claims_about(dataset, actor_id, period, views=["moscow"])
        claims = claims.dropna(subset=["stance_score"])
        grouped = claims.groupby("source_id")["stance_score"].agg(["mean", "count"])
        frames.append(grouped.reset_index().assign(actor_id=actor_id))
    out = pd.concat(frames, ignore_index=True).rename(
        columns={"mean": "mean_stance", "count": "claims"}
    )
    out["published"] = out["source_id"].map(dates)
    return out.sort_values(["published", "source_id", "actor_id"]).reset_index(drop=True)


def opposed_across_sources(dataset: Dataset, actor_ids: list[str], period: Period) -> pd.DataFrame:
    """Pairs of statements about the same actor and theme, from different sources, one
    favourable or supportive and the other critical or hostile."""
    pairs = []
    for actor_id in actor_ids:
        claims = claims_about(dataset, actor_id, period, views=["moscow"])
        claims = claims.dropna(subset=["stance_score"]).assign(actor_id=actor_id)
        warm = claims[claims["stance_score"] > 0]
        cool = claims[claims["stance_score"] < 0]
        joined = warm.merge(cool, on=["actor_id", "theme"], suffixes=("_warm", "_cool"))
        pairs.append(joined[joined["source_id_warm"] != joined["source_id_cool"]])
    return pd.concat(pairs, ignore_index=True)
