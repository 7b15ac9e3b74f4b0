"""The ``russian-views`` command line (also ``python -m russian_views``).

Exit codes: 0 success; 2 bad input (unknown actor, bad year, broken data) with the
problem named and nothing written; 1 when a briefing fails to render; 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from russian_views import agreement, coding, config, explorer
from russian_views.errors import DataError, ParameterError, RussianViewsError
from russian_views.render import PAPERS

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

DESCRIPTION = """\
Sourced briefings on how Moscow sees the Korean Peninsula (2008-2021), coded from a
review in The Asan Forum of an authoritative Russian book. Every statement cites the
source paragraph and sentence it comes from.

examples:
  russian-views actors                          who can be briefed, and the names accepted
  russian-views validate                        check the data files against the schema
  russian-views render --all                    every briefing + overview + index into reports/
  russian-views render --actor DPRK --since 2014 --format html
"""


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our bad-input code and a one-line message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with a sub-command per job."""
    parser = _Parser(
        prog="russian-views",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    sub.add_parser("actors", help="list the actors that can be briefed, with accepted names")
    validate = sub.add_parser("validate", help="check every data file against the schema")
    validate.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data folder to check (default: the project's data/)",
    )
    dp = sub.add_parser(
        "datapackage", help="write data/datapackage.json from schema.yml and the codebook"
    )
    dp.add_argument(
        "--check",
        action="store_true",
        help="only report whether the committed file is current (exit 1 if not)",
    )
    _add_render(sub)
    coding.add_parsers(sub)
    agreement.add_parser(sub)
    explorer.add_parser(sub)
    params = sub.add_parser(
        "params",
        help="list a notebook's parameters with types, defaults and allowed values",
        description="Read the parameters from the notebook's cell tagged 'parameters' "
        "(papermill's inspect_notebook) and say what each accepts.",
    )
    params.add_argument(
        "notebook",
        nargs="?",
        default="actor_briefing",
        help="a notebook name in notebooks/ (actor_briefing, overview, …) or a path",
    )
    return parser


def _add_render(sub: argparse._SubParsersAction) -> None:
    render = sub.add_parser(
        "render",
        help="render briefings to HTML and PDF",
        description="Execute the briefing notebooks with papermill and export them with "
        "nbconvert. Files are written atomically: a failure keeps the previous "
        "report.",
    )
    which = render.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--actor",
        metavar="NAME",
        help="actor id, name or alias (case-insensitive), e.g. china, DPRK, Seoul",
    )
    which.add_argument(
        "--all", action="store_true", help="every actor briefing, the overview and the index"
    )
    which.add_argument("--overview", action="store_true", help="the overview only")
    which.add_argument(
        "--compare",
        nargs=2,
        metavar=("A", "B"),
        help="compare Moscow's views of two actors (notebooks/compare.ipynb)",
    )
    which.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="a batch file of named parameter sets (see briefings.yml)",
    )
    render.add_argument("--since", metavar="YEAR", help="first year (default: first in the data)")
    render.add_argument("--until", metavar="YEAR", help="last year (default: last in the data)")
    render.add_argument(
        "--themes",
        metavar="LIST",
        help="comma-separated codebook themes, e.g. sanctions,nuclear (default: all)",
    )
    render.add_argument(
        "--views", choices=["both", "moscow", "reviewer"], help="whose statements (default: both)"
    )
    render.add_argument(
        "--detail", choices=["full", "summary"], help="full briefing or two-page summary"
    )
    render.add_argument(
        "--edition",
        choices=["reader", "student", "instructor"],
        help="student adds discussion questions; instructor adds suggested answers",
    )
    render.add_argument(
        "--format",
        default="html,pdf",
        metavar="LIST",
        help="comma-separated formats: html, pdf (default: html,pdf)",
    )
    render.add_argument(
        "--paper", default="A4", choices=PAPERS, help="PDF paper size (default: A4)"
    )
    render.add_argument(
        "--out",
        type=Path,
        default=config.REPORTS_DIR,
        metavar="DIR",
        help="output folder (default: reports/)",
    )
    render.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes, each with a warm kernel (default: one per core)",
    )
    render.add_argument(
        "--force",
        action="store_true",
        help="render even briefings whose inputs are unchanged since the last render into "
        "this folder (otherwise those are taken from the cache)",
    )


def cmd_actors(_args: argparse.Namespace) -> int:
    """Print the briefing actors and the names each accepts."""
    from russian_views.data import load_dataset
    from russian_views.params import briefing_actors

    for _, row in briefing_actors(load_dataset()).iterrows():
        names = ", ".join(a for a in row["aliases"].split("|") if a)
        print(f"{row['actor_id']:<15} {row['name']:<20} also: {names}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Load and validate the data; print a summary and any uncovered sentence."""
    from russian_views.data import load_dataset, uncovered_sentences

    dataset = load_dataset(args.data)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in dataset.tables.items())
    print(f"data valid (version {dataset.version}): {counts}")
    gaps = uncovered_sentences(dataset)
    for source_id, paragraph, sentence in gaps:
        print(f"not yet coded: {source_id} ¶{paragraph} s{sentence}")
    return EXIT_OK


def cmd_datapackage(args: argparse.Namespace) -> int:
    """Write or check ``data/datapackage.json``."""
    from russian_views.data import codes_by_list, load_dataset
    from russian_views.schema import datapackage_json, load_schema

    text = datapackage_json(load_schema(), codes_by_list(load_dataset()))
    current = config.DATAPACKAGE_PATH.exists() and config.DATAPACKAGE_PATH.read_text("utf-8")
    if args.check:
        print(
            "datapackage.json is current"
            if current == text
            else "datapackage.json is out of date: run `russian-views datapackage`"
        )
        return EXIT_OK if current == text else EXIT_FAILED
    config.DATAPACKAGE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {config.DATAPACKAGE_PATH}")
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    """Validate everything first, then render what is out of date; exit 1 if any failed."""
    from russian_views import batch, render
    from russian_views.data import load_dataset

    dataset = load_dataset()
    formats = render.parse_formats(args.format)
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs must be 1 or more, not {args.jobs}")
    options = {k: getattr(args, k) for k in ("themes", "views", "detail", "edition")}
    if args.config:
        from russian_views.plan import load_plan

        jobs = load_plan(args.config, dataset)
    elif args.all:
        jobs = render.all_jobs(dataset, args.since, args.until)
    elif args.overview:
        jobs = [render.overview_job(dataset, args.since, args.until)]
    elif args.compare:
        jobs = [render.compare_job(dataset, *args.compare, args.since, args.until)]
    else:
        jobs = [render.actor_job(dataset, args.actor, args.since, args.until, **options)]
    tick, close = batch.progress_reporter(len(jobs))
    try:
        results = batch.render_batch(
            jobs,
            dataset,
            args.out,
            formats,
            args.paper,
            workers=args.jobs,
            force=args.force,
            report=tick,
        )
    finally:
        close()
    if args.all or ("html" in formats and (args.out / "index.html").exists()):
        batch.update_index(dataset, args.out, force=args.force)
    print(f"{batch.summary(results)} -> {args.out}", file=sys.stderr)
    return EXIT_FAILED if any(r.error for r in results) else EXIT_OK


def cmd_params(args: argparse.Namespace) -> int:
    """Print each parameter of a notebook: name, type, default, allowed values, help."""
    import papermill

    from russian_views.data import load_dataset
    from russian_views.params import allowed_values

    path = Path(args.notebook)
    if not path.exists():
        path = config.NOTEBOOKS_DIR / f"{args.notebook.removesuffix('.ipynb')}.ipynb"
    if not path.exists():
        names = ", ".join(sorted(p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb")))
        raise ParameterError(f"no notebook {args.notebook!r}; choose one of: {names}")
    allowed = allowed_values(load_dataset())
    print(f"{path.name} parameters (papermill -p NAME VALUE, or russian-views render --NAME):")
    for name, info in papermill.inspect_notebook(str(path)).items():
        kind, values = allowed.get(name, (info["inferred_type_name"], "any"))
        print(f"\n  {name} ({kind}, default {info['default']})\n    {info['help']}")
        print(f"    allowed: {values}")
    return EXIT_OK


COMMANDS = {
    "actors": cmd_actors,
    "validate": cmd_validate,
    "datapackage": cmd_datapackage,
    "render": cmd_render,
    "params": cmd_params,
    "add-source": coding.cmd_add_source,
    "import-coding": coding.cmd_import_coding,
    "agreement": agreement.cmd_agreement,
    "explore": explorer.cmd_explore,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; our errors become messages and exit codes, not tracebacks."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ParameterError as exc:
        print(f"russian-views: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DataError as exc:
        print(f"russian-views: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RussianViewsError as exc:
        print(f"russian-views: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(
            "russian-views: interrupted; reports already finished were kept, none is half-written",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
