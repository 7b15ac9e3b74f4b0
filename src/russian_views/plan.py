"""Batch files: named parameter sets rendered in one go (``render --config briefings.yml``).

A batch file lists briefings under ``briefings:``; each entry has a ``name`` and the
parameters of the actor notebook, with ``actors`` (one, a list, or ``all``) in place of
``actor`` and ``overview: true`` to add the overview for the same period. Every entry is
validated before anything renders; an error names the file, the entry and the problem.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from russian_views.data import Dataset
from russian_views.errors import ParameterError
from russian_views.params import briefing_actors
from russian_views.render import Job, actor_job, overview_job

KEYS = {"name", "actors", "overview", "since", "until", "themes", "views", "detail", "edition"}


def _entries(path: Path) -> list[dict]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(f"cannot read batch file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    entries = raw.get("briefings") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ParameterError(f"{path}: expected a non-empty list under 'briefings:'")
    return entries


def _actors(value: object, dataset: Dataset) -> list[object]:
    if value in (None, "all"):
        return list(briefing_actors(dataset)["actor_id"])
    return value if isinstance(value, list) else [value]


def _jobs_of(entry: dict, dataset: Dataset) -> list[Job]:
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        raise ParameterError(f"unknown key {unknown[0]!r}; allowed: {', '.join(sorted(KEYS))}")
    period = {"since": entry.get("since"), "until": entry.get("until")}
    options = {k: entry.get(k) for k in ("themes", "views", "detail", "edition")}
    jobs = [
        actor_job(dataset, a, **period, **options) for a in _actors(entry.get("actors"), dataset)
    ]
    if entry.get("overview"):
        jobs.append(overview_job(dataset, **period))
    return jobs


def load_plan(path: Path, dataset: Dataset) -> list[Job]:
    """Every job of a batch file, in order and without repeats; ParameterError on any problem."""
    jobs: dict[str, Job] = {}
    for number, entry in enumerate(_entries(path), start=1):
        if not isinstance(entry, dict):
            raise ParameterError(f"{path}, entry {number}: expected a mapping of parameters")
        label = f"{path}, entry {number} ({entry.get('name', 'unnamed')})"
        try:
            for job in _jobs_of(entry, dataset):
                jobs.setdefault(job.stem, job)
        except ParameterError as exc:
            raise ParameterError(f"{label}: {exc}") from None
    return list(jobs.values())
