"""The render pipeline: papermill executes a notebook, nbconvert exports it, files land atomically.

Each briefing is a :class:`Job` (notebook + validated parameters + output stem).
Every output is written to a temporary file in the output folder and renamed into
place, so a failure never leaves a half-written report or clobbers a good one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from russian_views import config
from russian_views.briefing import ActorBriefing
from russian_views.data import Dataset
from russian_views.errors import ParameterError, RenderError
from russian_views.exporters import BriefingHTMLExporter, html_to_pdf
from russian_views.overview import TITLE as OVERVIEW_TITLE
from russian_views.overview import OverviewBriefing
from russian_views.params import Period, briefing_actors, data_years, resolve_actor, resolve_period

FORMATS = ("html", "pdf")
# The kernel's own log would print a transport notice on every start; errors still show.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
PAPERS = ("A4", "Letter")


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


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,pdf"`` → ``("html", "pdf")``; unknown formats are a ParameterError."""
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ParameterError(
            f"unknown format {','.join(bad) or repr(text)}; choose from: {', '.join(FORMATS)}"
        )
    return wanted


def _period_suffix(period: Period, dataset: Dataset) -> str:
    return "" if period == data_years(dataset) else f"_{period.since}-{period.until}"


def actor_job(dataset: Dataset, actor: object, since: object = None, until: object = None) -> Job:
    """A validated job for one actor briefing (raises ParameterError before any file is touched)."""
    actor_id = resolve_actor(actor, dataset)
    period = resolve_period(since, until, dataset)
    title = ActorBriefing(dataset=dataset, period=period, actor_id=actor_id).title
    return Job(
        stem=actor_id + _period_suffix(period, dataset),
        notebook=config.ACTOR_NOTEBOOK,
        parameters={"actor": actor_id, "since": period.since, "until": period.until},
        title=title,
    )


def overview_job(dataset: Dataset, since: object = None, until: object = None) -> Job:
    """A validated job for the overview."""
    period = resolve_period(since, until, dataset)
    return Job(
        stem="overview" + _period_suffix(period, dataset),
        notebook=config.OVERVIEW_NOTEBOOK,
        parameters={"since": period.since, "until": period.until},
        title=OVERVIEW_TITLE,
    )


def all_jobs(dataset: Dataset, since: object = None, until: object = None) -> list[Job]:
    """Every actor briefing, then the overview."""
    jobs = [actor_job(dataset, a, since, until) for a in briefing_actors(dataset)["actor_id"]]
    return [*jobs, overview_job(dataset, since, until)]


# ---------------------------------------------------------------- executing and exporting


def execute(job: Job) -> nbformat.NotebookNode:
    """Run the notebook with papermill (in memory; nothing is written to ``notebooks/``)."""
    try:
        return papermill.execute_notebook(
            str(job.notebook),
            None,
            parameters=job.parameters,
            kernel_name=config.KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            cwd=str(config.PROJECT_ROOT),
            extra_arguments=KERNEL_ARGUMENTS,
        )
    except papermill.PapermillExecutionError as exc:
        raise RenderError(
            f"{job.stem}: cell {exc.cell_index + 1} raised {exc.ename}: {exc.evalue}"
        ) from exc


def export(nb: nbformat.NotebookNode, formats: Iterable[str], paper: str) -> dict[str, bytes]:
    """The exported files' bytes by extension (the PDF prints the same HTML)."""
    html, _ = BriefingHTMLExporter().from_notebook_node(nb)
    out = {"ipynb": nbformat.writes(nb).encode("utf-8")}
    if "html" in formats:
        out["html"] = html.encode("utf-8")
    if "pdf" in formats:
        out["pdf"] = html_to_pdf(html, paper=paper)
    return out


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_job(job: Job, out_dir: Path, formats: Iterable[str], paper: str) -> Result:
    """Execute and export one job; failures are recorded, earlier good files kept."""
    start = time.perf_counter()
    try:
        files = export(execute(job), formats, paper)
        written = []
        for ext, data in files.items():
            target = out_dir / f"{job.stem}.{ext}"
            write_atomic(target, data)
            written.append(target)
        return Result(job, time.perf_counter() - start, written)
    except (RenderError, OSError) as exc:
        return Result(job, time.perf_counter() - start, error=str(exc))


def render(
    jobs: list[Job],
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    paper: str = "A4",
    report: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Render every job into ``out_dir`` in turn, reporting each result as it finishes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for job in jobs:
        result = render_job(job, out_dir, tuple(formats), paper)
        if report:
            report(result)
        results.append(result)
    return results


# ---------------------------------------------------------------- the index


def index_html(dataset: Dataset, out_dir: Path) -> str:
    """The index page: every standard briefing present in ``out_dir`` with its bottom line."""
    env = Environment(
        loader=FileSystemLoader(
            [config.TEMPLATES_DIR / "index", config.TEMPLATES_DIR / "briefing"]
        ),
        autoescape=select_autoescape(["html", "j2"]),
    )
    period = data_years(dataset)
    entries = []
    for job in all_jobs(dataset):
        if not (out_dir / f"{job.stem}.html").exists():
            continue
        brief = (
            OverviewBriefing(dataset=dataset, period=period)
            if job.stem == "overview"
            else ActorBriefing(dataset=dataset, period=period, actor_id=job.stem)
        )
        bottom = str(brief.bottom_line()).replace('href="#', f'href="{job.stem}.html#')
        entries.append(
            {
                "title": job.title,
                "stem": job.stem,
                "bottom_line": Markup(bottom),
                "pdf": (out_dir / f"{job.stem}.pdf").exists(),
            }
        )
    sources = dataset.sources.to_dict("records")
    return env.get_template("index.html.j2").render(
        entries=entries,
        period=str(period),
        version=dataset.version,
        sources=sources,
    )


def write_index(dataset: Dataset, out_dir: Path) -> Path:
    """Write ``index.html`` atomically."""
    target = out_dir / "index.html"
    write_atomic(target, index_html(dataset, out_dir).encode("utf-8"))
    return target


def print_result(result: Result) -> None:
    """One line per finished briefing (used when stderr is not a terminal)."""
    status = "FAILED " + (result.error or "") if result.error else "ok"
    print(f"{result.job.stem:<16} {result.seconds:6.1f}s  {status}", file=sys.stderr)
