"""Rendering one briefing: papermill executes the notebook, nbconvert exports it, files land
atomically.

Each briefing is a :class:`Job` (notebook + validated parameters + output stem). Heavy
libraries (papermill, nbconvert, WeasyPrint) are imported only when a job really runs,
so that checking the cache stays fast. Running many jobs is :mod:`russian_views.rendering.batch`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from russian_views import config
from russian_views.atomic import write_all
from russian_views.briefings import queries
from russian_views.dataset.load import Dataset
from russian_views.errors import RenderError
from russian_views.params import (
    Period,
    briefing_actors,
    name_suffix,
    papermill_parameters,
    resolve,
)
from russian_views.rendering.kernel import KERNEL_ARGUMENTS, WarmKernel
from russian_views.spec import ACTOR, COMPARE, OVERVIEW

if TYPE_CHECKING:
    from nbformat import NotebookNode

# Metadata that records when a notebook ran; dropped so the same inputs give the same bytes.
_VOLATILE_CELL_KEYS = ("execution", "papermill")
_VOLATILE_NB_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")


@dataclass(frozen=True)
class Job:
    """One briefing to render: which notebook, with which parameters, to which file stem."""

    stem: str
    notebook: Path
    parameters: dict
    title: str


@dataclass
class Result:
    """What happened to one job."""

    job: Job
    seconds: float
    files: list[Path] = field(default_factory=list)
    error: str | None = None
    cached: bool = False
    # The data version the notebook's kernel loaded (None if it shows none).
    data_version: str | None = None


def make_job(notebook: str, given: dict, dataset: Dataset, paper: str | None = None) -> Job:
    """A validated job for ``notebook`` (raises ParameterError before any file is touched).

    ``given`` holds the notebook's parameters as typed (missing: the default). The file
    stem records every non-default choice, ``paper`` included, so renders never overwrite
    each other.
    """
    values = resolve(notebook, given, dataset)
    if notebook == ACTOR:
        base, title = str(values["actor"]), queries.briefing_title(dataset, str(values["actor"]))
    elif notebook == OVERVIEW:
        base, title = "overview", queries.OVERVIEW_TITLE
    else:
        from russian_views.briefings.compare import CompareBriefing

        period = Period(int(values["since"]), int(values["until"]))
        brief = CompareBriefing(dataset, period, str(values["actor_a"]), str(values["actor_b"]))
        base, title = f"compare_{brief.actor_a}_{brief.actor_b}", brief.title
    return Job(
        stem=base + name_suffix(notebook, values, dataset, paper),
        notebook=config.NOTEBOOKS_DIR / f"{notebook}.ipynb",
        parameters=papermill_parameters(notebook, values, dataset),
        title=title,
    )


def actor_job(
    dataset: Dataset,
    actor: object,
    since: object = None,
    until: object = None,
    *,
    paper: str | None = None,
    **options: object,
) -> Job:
    """A validated job for one actor briefing; ``options`` are its other parameters
    (themes, views, detail, edition)."""
    given = {"actor": actor, "since": since, "until": until, **options}
    return make_job(ACTOR, given, dataset, paper)


def overview_job(
    dataset: Dataset, since: object = None, until: object = None, *, paper: str | None = None
) -> Job:
    """A validated job for the overview."""
    return make_job(OVERVIEW, {"since": since, "until": until}, dataset, paper)


def compare_job(
    dataset: Dataset,
    actor_a: object,
    actor_b: object,
    since: object = None,
    until: object = None,
    *,
    paper: str | None = None,
) -> Job:
    """A validated job for the comparison of two actors."""
    given = {"actor_a": actor_a, "actor_b": actor_b, "since": since, "until": until}
    return make_job(COMPARE, given, dataset, paper)


def all_jobs(
    dataset: Dataset,
    since: object = None,
    until: object = None,
    *,
    paper: str | None = None,
    **options: object,
) -> list[Job]:
    """Every actor briefing (with ``options``: themes, views, detail, edition), then the
    overview, which takes only the period."""
    jobs = [
        actor_job(dataset, a, since, until, paper=paper, **options)
        for a in briefing_actors(dataset)["actor_id"]
    ]
    return [*jobs, overview_job(dataset, since, until, paper=paper)]


# ---------------------------------------------------------------- executing and exporting


def execute(job: Job, kernel: WarmKernel | None = None) -> NotebookNode:
    """Run the notebook with papermill, in memory (nothing is written to ``notebooks/``).

    ``kernel`` is a warm kernel to run on (the batch renderer's), through our papermill
    engine, which keeps a ready client on it; without it papermill starts and stops a
    kernel of its own.
    """
    import papermill

    try:
        nb = papermill.execute_notebook(
            str(job.notebook),
            None,
            parameters=job.parameters,
            kernel_name=config.KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            cwd=str(config.PROJECT_ROOT),
            extra_arguments=KERNEL_ARGUMENTS,
            engine_name=config.PAPERMILL_ENGINE,
            warm=kernel,
        )
    except papermill.PapermillExecutionError as exc:
        raise RenderError(
            f"{job.stem}: cell {exc.cell_index + 1} raised {exc.ename}: {exc.evalue}"
        ) from exc
    except RuntimeError as exc:  # nbclient's DeadKernelError, kernel start failures
        raise RenderError(f"{job.stem}: the kernel failed: {exc}") from exc
    return normalise(nb)


def normalise(nb: NotebookNode) -> NotebookNode:
    """Drop run times and random ids, renumber executions: same inputs, same notebook bytes."""
    for key in _VOLATILE_NB_KEYS:
        nb.metadata.get("papermill", {}).pop(key, None)
    count = 0
    for index, cell in enumerate(nb.cells):
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not cell.get("id"):
            cell.id = f"cell-{index}"
        if cell.cell_type == "code" and cell.execution_count is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
    return nb


def export(nb: NotebookNode, formats: tuple[str, ...], paper: str) -> dict[str, bytes]:
    """The exported files' bytes by extension (the PDF prints the same HTML).

    Any failure of an exporter (a missing or broken PDF engine included) becomes a
    RenderError naming the format, so a batch reports it and carries on.
    """
    import nbformat

    from russian_views.rendering.exporters import BriefingHTMLExporter, html_to_pdf

    out = {"ipynb": nbformat.writes(nb).encode("utf-8")}
    step = "html"
    try:
        html, _ = BriefingHTMLExporter().from_notebook_node(nb)
        if "html" in formats:
            out["html"] = html.encode("utf-8")
        if "pdf" in formats:
            step = "pdf"
            out["pdf"] = html_to_pdf(html, paper=paper)
    except Exception as exc:  # exporters and WeasyPrint raise many types; all end the job
        raise RenderError(f"{step} export failed: {type(exc).__name__}: {exc}") from exc
    return out


_DATA_VERSION = re.compile(r'data-version="([0-9a-f]+)"')


def loaded(nb: NotebookNode) -> str | None:
    """The data version the executed notebook's kernel loaded, from the title block."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found = _DATA_VERSION.search(str(output.get("data", {}).get("text/html", "")))
            if found:
                return found.group(1)
    return None


def render_job(
    job: Job,
    out_dir: Path,
    formats: tuple[str, ...],
    paper: str,
    kernel: WarmKernel | None = None,
    executed: Callable[[], None] | None = None,
) -> Result:
    """Execute and export one job; a failure is recorded and the earlier good files kept.

    ``executed`` is called once the kernel is no longer needed (before exporting), so a
    batch can get the kernel ready for its next job meanwhile.
    """
    start = time.perf_counter()
    try:
        try:
            nb = execute(job, kernel)
        finally:
            if executed:
                executed()
        files = {
            out_dir / f"{job.stem}.{ext}": data for ext, data in export(nb, formats, paper).items()
        }
        write_all(files)  # the whole set or none of it
        return Result(job, time.perf_counter() - start, list(files), data_version=loaded(nb))
    except (RenderError, OSError) as exc:
        return Result(job, time.perf_counter() - start, error=str(exc))
