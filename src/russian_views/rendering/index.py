"""The index page: every standard briefing in an output folder, with its bottom line."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from russian_views import config
from russian_views.atomic import write_atomic
from russian_views.dataset.load import Dataset
from russian_views.params import data_years
from russian_views.rendering.render import all_jobs


def _bottom_line(dataset: Dataset, stem: str) -> str:
    """A briefing's bottom line, its citations pointing into that briefing's passages."""
    from russian_views.briefings.briefing import ActorBriefing
    from russian_views.briefings.overview import OverviewBriefing

    period = data_years(dataset)
    brief = (
        OverviewBriefing(dataset=dataset, period=period)
        if stem == "overview"
        else ActorBriefing(dataset=dataset, period=period, actor_id=stem)
    )
    return str(brief.bottom_line()).replace('href="#', f'href="{stem}.html#')


def index_html(dataset: Dataset, out_dir: Path) -> str:
    """The page, listing only the briefings whose HTML is present in ``out_dir``."""
    env = Environment(
        loader=FileSystemLoader(
            [config.TEMPLATES_DIR / "index", config.TEMPLATES_DIR / "briefing"]
        ),
        autoescape=select_autoescape(["html", "j2"]),
    )
    entries = [
        {
            "title": job.title,
            "stem": job.stem,
            "bottom_line": Markup(_bottom_line(dataset, job.stem)),
            "pdf": (out_dir / f"{job.stem}.pdf").exists(),
        }
        for job in all_jobs(dataset)
        if (out_dir / f"{job.stem}.html").exists()
    ]
    from russian_views.briefings import record

    return env.get_template("index.html.j2").render(
        entries=entries,
        record_line=record.record_line(dataset, str(data_years(dataset))),
        record_box=Markup(record.record_box(dataset, "The record behind these briefings")),
    )


def write_index(dataset: Dataset, out_dir: Path) -> Path:
    """Write ``index.html`` atomically."""
    target = out_dir / "index.html"
    write_atomic(target, index_html(dataset, out_dir).encode("utf-8"))
    return target
