"""Batch files: named parameter sets rendered in one go (``render --config briefings.yml``).

A batch file lists briefings under ``briefings:`` (its only top-level key). Each entry has
a ``name`` and the parameters of the notebooks it renders: ``actors`` (one, a list, or
``all``, the default) in place of the actor briefing's ``actor``, ``overview: true`` to add
the overview and ``compare: [A, B]`` to add a comparison (alone, unless ``actors`` is
given), for the same period. The other keys are the notebooks' parameters
(:mod:`russian_views.spec`) and the render options ``format`` and ``paper`` (the command
line's are the default); a key none of the entry's notebooks takes is refused. Every
entry is validated before anything renders; an error names the file, the entry and the
problem.

A batch file is read whole only up to :data:`MAX_BYTES`, and what its YAML aliases expand
to is counted up to :data:`MAX_VALUES`, so a hostile file (an alias bomb) is refused at
once instead of filling the memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from russian_views.errors import ParameterError
from russian_views.spec import ACTOR, COMPARE, OVERVIEW, echo, parameter, parameters_of, shorten

if TYPE_CHECKING:
    from russian_views.dataset.load import Dataset
    from russian_views.rendering.render import Job

TOP_KEYS = ("briefings",)
# What selects the notebooks of an entry, and each notebook's parameters that those replace.
SELECTORS = {
    "actors": (ACTOR, ("actor",)),
    "overview": (OVERVIEW, ()),
    "compare": (COMPARE, ("actor_a", "actor_b")),
}
# Render options an entry may set; how and where to run (out, jobs, force) is the command's.
ENTRY_OPTIONS = ("format", "paper")
MAX_BYTES = 1_000_000
MAX_VALUES = 10_000


def _taken() -> dict[str, tuple[str, ...]]:
    """Each parameter key an entry accepts, and the notebooks that take it."""
    replaced = {name for _, names in SELECTORS.values() for name in names}
    keys: dict[str, tuple[str, ...]] = {}
    for notebook, _ in SELECTORS.values():
        for p in parameters_of(notebook):
            if p.name not in replaced:
                keys[p.name] = (*keys.get(p.name, ()), notebook)
    return keys


def entry_keys() -> tuple[str, ...]:
    """Every key an entry may have: its name, what it renders, the notebooks' parameters
    and the render options that shape the files (the command line's are the default)."""
    return ("name", *SELECTORS, *_taken(), *ENTRY_OPTIONS)


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ParameterError(f"cannot read batch file {path}: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise ParameterError(f"{path} is larger than {MAX_BYTES:,} bytes; is it a batch file?")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None


def _check_size(path: Path, value: object) -> None:
    """Refuse a file whose values, aliases expanded, number more than MAX_VALUES: walking
    the shared structure counts each use of an alias, so the walk itself stays bounded."""
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise ParameterError(
                f"{path} expands to more than {MAX_VALUES:,} values (YAML aliases?); "
                "a batch file lists parameter sets, not data"
            )
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def read_entries(path: Path) -> list[dict]:
    """The entries of a batch file, read with bounded size and memory (no data needed, so
    the command line checks the file before loading anything heavy)."""
    try:
        raw = yaml.safe_load(_read(path))
    except yaml.YAMLError as exc:
        first = shorten(str(exc).splitlines()[0], 120)
        raise ParameterError(f"{shorten(str(path))} is not valid YAML: {first}") from None
    except RecursionError:  # lists or maps nested thousands deep
        raise ParameterError(
            f"{shorten(str(path))} is nested too deep: a batch file is a list of entries"
        ) from None
    _check_size(path, raw)
    if isinstance(raw, dict):
        unknown = sorted(str(k) for k in raw if k not in TOP_KEYS)
        if unknown:
            raise ParameterError(
                f"{path}: unknown top-level key {echo(unknown[0])}; valid keys: "
                f"{', '.join(TOP_KEYS)}"
            )
    entries = raw.get("briefings") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ParameterError(f"{path}: expected a non-empty list under 'briefings:'")
    return entries


def _actors(value: object) -> list[object]:
    if value is None or (isinstance(value, str) and value.strip().casefold() == "all"):
        return [None]  # placeholder: every briefing actor, filled in by _jobs_of
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise ParameterError(f"actors must be all, an actor or a list of actors, not {echo(value)}")


def _render_options(entry: dict, formats: object, paper: object) -> tuple[tuple[str, ...], str]:
    """The entry's formats and paper; else those given (the command line's), else the defaults."""
    from russian_views.params import resolve_codes, resolve_word

    format_option, paper_option = parameter(None, "format"), parameter(None, "paper")
    chosen = resolve_codes(format_option, entry.get("format", formats), format_option.choices)
    return chosen, resolve_word(paper_option, entry.get("paper", paper))


def _jobs_of(entry: dict, dataset: Dataset, paper: str) -> list[Job]:
    from russian_views.params import briefing_actors
    from russian_views.rendering.render import make_job

    overview = entry.get("overview", False)
    if not isinstance(overview, bool):
        raise ParameterError(f"overview must be true or false, not {echo(overview)}")
    pair = entry.get("compare")
    if pair is not None and not (isinstance(pair, list) and len(pair) == 2):
        raise ParameterError(f"compare must be a pair of actors [A, B], not {echo(pair)}")
    with_actors = "actors" in entry or not pair  # a comparison alone renders only itself
    notebooks = {
        *([ACTOR] if with_actors else []),
        *([OVERVIEW] if overview else []),
        *([COMPARE] if pair else []),
    }
    for key, takers in _taken().items():
        if key in entry and not notebooks & set(takers):
            raise ParameterError(f"{key!r} applies only to: {', '.join(takers)}")
    values = {k: v for k, v in entry.items() if k in _taken()}

    def given(notebook: str) -> dict:
        return {k: v for k, v in values.items() if notebook in _taken()[k]}

    jobs = []
    if with_actors:
        named = _actors(entry.get("actors"))
        actors = list(briefing_actors(dataset)["actor_id"]) if named == [None] else named
        jobs += [make_job(ACTOR, {**given(ACTOR), "actor": a}, dataset, paper) for a in actors]
    if overview:
        jobs.append(make_job(OVERVIEW, given(OVERVIEW), dataset, paper))
    if pair:
        actors = {"actor_a": pair[0], "actor_b": pair[1]}
        jobs.append(make_job(COMPARE, {**given(COMPARE), **actors}, dataset, paper))
    return jobs


@dataclass(frozen=True)
class Batch:
    """Jobs written in the same formats on the same paper (one batch render)."""

    formats: tuple[str, ...]
    paper: str
    jobs: tuple[Job, ...]


def load_batches(
    path: Path,
    dataset: Dataset,
    formats: object = None,
    paper: object = None,
    entries: list[dict] | None = None,
) -> list[Batch]:
    """Every job of a batch file, in order and without repeats, grouped by the formats and
    paper its entry asks for (``formats`` and ``paper`` where it does not); ParameterError
    on any problem, before anything renders. ``entries``: already read from ``path``."""
    groups: dict[tuple, dict[str, Job]] = {}
    stems: set[str] = set()
    for number, entry in enumerate(entries if entries is not None else read_entries(path), start=1):
        if not isinstance(entry, dict):
            raise ParameterError(f"{path}, entry {number}: expected a mapping of parameters")
        name = entry.get("name", "unnamed")
        label = f"{path}, entry {number} ({shorten(name) if isinstance(name, str) else echo(name)})"
        try:
            unknown = sorted(str(k) for k in entry if k not in entry_keys())
            if unknown:
                raise ParameterError(
                    f"unknown key {echo(unknown[0])}; allowed: {', '.join(sorted(entry_keys()))}"
                )
            options = _render_options(entry, formats, paper)
            for job in _jobs_of(entry, dataset, options[1]):
                if job.stem not in stems:
                    stems.add(job.stem)
                    groups.setdefault(options, {})[job.stem] = job
        except ParameterError as exc:
            raise ParameterError(f"{label}: {exc}") from None
    return [Batch(f, p, tuple(jobs.values())) for (f, p), jobs in groups.items()]


def load_plan(path: Path, dataset: Dataset) -> list[Job]:
    """Every job of a batch file, in order of its groups, without repeats."""
    return [job for batch in load_batches(path, dataset) for job in batch.jobs]
