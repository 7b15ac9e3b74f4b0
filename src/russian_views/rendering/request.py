"""A ``render`` command as parsed: checked, sent to the render service, run in a process.

The command line parses the arguments and checks them here (bad input is refused before
any service starts); then either the service or the command's own process runs them here.
The service gets the parsed arguments as JSON (:func:`to_json`, :func:`from_json`), never
the command line to parse again, so it needs nothing of :mod:`russian_views.cli`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from russian_views import config, spec
from russian_views.errors import ParameterError
from russian_views.exits import EXIT_FAILED, EXIT_OK
from russian_views.private import temp_base

# Which notebooks each way of choosing renders.
_TARGETS = {
    "actor": (spec.ACTOR,),
    "all": (spec.ACTOR, spec.OVERVIEW),
    "overview": (spec.OVERVIEW,),
    "compare": (spec.COMPARE,),
}


@dataclass(frozen=True)
class Checked:
    """A render request whose every argument has been checked, with their values resolved
    (what a user may type several ways, here in one)."""

    args: argparse.Namespace
    given: dict[str, object]  # the notebook parameters given as options
    formats: tuple[str, ...]
    paper: str
    workers: int | None
    out: Path
    config: Path | None  # a batch file
    entries: list[dict] | None  # its entries, read (and checked) before pandas loads


def check(args: argparse.Namespace) -> Checked:
    """Check a parsed ``render`` (a :class:`ParameterError` names what is wrong), before
    any data is loaded or any service started. Paths may come as strings (from JSON)."""
    from russian_views.params import resolve_codes, resolve_word

    given = _notebook_options(args)
    format_option, paper_option = spec.parameter(None, "format"), spec.parameter(None, "paper")
    formats = resolve_codes(format_option, args.format, format_option.choices)
    paper = resolve_word(paper_option, args.paper)
    workers = None if args.jobs is None else spec.count("--jobs", args.jobs)
    out = Path(args.out) if args.out else config.REPORTS_DIR
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {spec.shorten(str(out))} is a file, not a folder")
    temp_base()  # kernels keep their connection files there: refused if others can change it

    from russian_views.rendering.batch_file import read_entries

    batch_file = Path(args.config) if args.config else None
    entries = read_entries(batch_file) if batch_file else None  # refused before pandas loads
    if args.actor is not None or args.compare:
        from russian_views.params import check_actors_early

        check_actors_early(
            [args.actor] if args.actor is not None else args.compare, config.DATA_DIR
        )
    return Checked(args, given, formats, paper, workers, out, batch_file, entries)


def run(checked: Checked) -> int:
    """Render what is out of date in this process (its workers); exit 1 if any failed."""
    from russian_views.dataset.load import load_dataset
    from russian_views.dataset.written import to_review
    from russian_views.rendering import batch, render
    from russian_views.rendering.batch_file import Batch, load_batches
    from russian_views.rendering.progress import progress_reporter, summary

    args, given, formats, paper = checked.args, dict(checked.given), checked.formats, checked.paper
    out = checked.out
    dataset = load_dataset()
    for item in to_review(dataset):
        print(f"warning: {item.line()}", file=sys.stderr)
    period = {"since": given.pop("since", None), "until": given.pop("until", None)}
    if checked.config:
        batches = load_batches(checked.config, dataset, formats, paper, checked.entries)
    else:
        if args.all:
            jobs = render.all_jobs(dataset, **period, paper=paper, **given)
        elif args.overview:
            jobs = [render.overview_job(dataset, **period, paper=paper)]
        elif args.compare:
            jobs = [render.compare_job(dataset, *args.compare, **period, paper=paper)]
        else:
            jobs = [render.actor_job(dataset, args.actor, **period, paper=paper, **given)]
        batches = [Batch(formats, paper, tuple(jobs))]
    _output_folder(out)
    tick, close = progress_reporter(sum(len(b.jobs) for b in batches))
    results = []
    try:
        for b in batches:
            results += batch.render_batch(
                list(b.jobs),
                dataset,
                out,
                b.formats,
                b.paper,
                workers=checked.workers,
                force=args.force,
                report=tick,
            )
    finally:
        close()
    html = any("html" in b.formats for b in batches)
    if args.all or (html and (out / "index.html").exists()):
        batch.update_index(dataset, out, force=args.force)
    print(f"{summary(results)} -> {out}", file=sys.stderr)
    return EXIT_FAILED if any(r.error for r in results) else EXIT_OK


def to_json(args: argparse.Namespace) -> dict[str, object]:
    """The parsed arguments as a JSON object: paths as strings, which :func:`check` takes."""
    return {
        name: str(value) if isinstance(value, Path) else value for name, value in vars(args).items()
    }


def _notebook_options(args: argparse.Namespace) -> dict[str, object]:
    """The notebook parameters given as options, refused where no chosen notebook takes one
    (``--overview --themes nuclear``) rather than ignored."""
    chosen = next((k for k in ("config", *_TARGETS) if getattr(args, k)), "actor")
    given = {}
    for p in spec.flagged():
        value = getattr(args, p.dest)
        if not p.notebooks or p.name == "actor" or value is None:
            continue
        if chosen == "config":
            raise ParameterError(
                f"{p.flag} cannot be combined with --config; set {p.name!r} in the batch "
                "file's entries"
            )
        if not set(p.notebooks) & set(_TARGETS[chosen]):
            raise ParameterError(
                f"--{chosen} does not take {p.flag}; it applies to: {', '.join(p.notebooks)}"
            )
        given[p.name] = value
    return given


def _output_folder(out: Path) -> None:
    """Create the output folder and prove it can be written, before any work (an OSError
    names the folder and the reason; the CLI exits 1)."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=out)
    except OSError as exc:  # name the folder the user gave, not the probe
        raise OSError(exc.errno, exc.strerror or str(exc), str(out)) from exc
    os.close(fd)
    os.unlink(probe)
