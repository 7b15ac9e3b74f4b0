"""The ``russian-views`` command line (also ``python -m russian_views``).

Exit codes: 0 success; 2 bad input (unknown actor, bad year, broken data) with the
problem named in one line and nothing written; 1 when a briefing fails to render or the
environment fails (a folder that cannot be written: the path and the reason are named);
130 on Ctrl-C. ``--debug`` shows the traceback instead.

Sub-commands are listed once in :data:`COMMANDS`. Their handlers (and anything heavy:
pandas, papermill, nbconvert) are imported only when that command runs, so ``--help``
and argument errors answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from russian_views import config, spec
from russian_views.errors import DataError, ParameterError, RussianViewsError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
PROG = "russian-views"

DESCRIPTION = """\
Sourced briefings on how Moscow sees the Korean Peninsula (2008-2021), coded from a
review in The Asan Forum of an authoritative Russian book. Every statement cites the
source paragraph and sentence it comes from.

examples:
  russian-views actors                          who can be briefed, and the names accepted
  russian-views validate                        check the data files against the schema
  russian-views render --all                    every briefing + overview + index into reports/
  russian-views render --actor DPRK --since 2014 --format html
  russian-views params compare                  a notebook's parameters and allowed values
"""


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our bad-input code and a one-line, shortened message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {spec.shorten(message, 200)}\n")


Arguments = Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class Command:
    """One sub-command: its name and one-line help, the ``module:function`` that runs it
    (imported only then), and how its arguments are added.

    ``arguments`` adds them to the command's own parser and must import nothing heavy.
    A module that registers its parsers itself (``register``, ``module:function`` taking
    the sub-parsers) is imported only when one of its commands is chosen.
    """

    name: str
    help: str
    handler: str
    arguments: Arguments | None = None
    register: str | None = None
    description: str | None = None


def _load(target: str) -> Callable:
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)


# ---------------------------------------------------------------- arguments of each command


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data folder to check (default: the project's data/)",
    )


def _datapackage_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report whether the committed file is current (exit 1 if not)",
    )


def _params_arguments(parser: argparse.ArgumentParser) -> None:
    names = ", ".join(n.rsplit("/", 1)[-1] for n in spec.NOTEBOOKS)
    parser.add_argument(
        "notebook",
        nargs="?",
        default=spec.ACTOR,
        help=f"a notebook ({names}) or its path (default: {spec.ACTOR})",
    )


def _option_help(p: spec.Parameter) -> str:
    """An option's help from the spec: what it is, its default, which notebooks take it."""
    shown = p.kind == "flag" or p.default is None  # None's meaning is in the help itself
    default = "" if shown else f"; default: {spec.literal(p.default).strip(chr(34))}"
    words = f" ({', '.join(p.choices)})" if p.kind == "choice" else ""
    takers = f" [{', '.join(p.notebooks)}]" if p.notebooks else ""
    return f"{p.help}{words}{default}{takers}"


def _render_arguments(render: argparse.ArgumentParser) -> None:
    which = render.add_mutually_exclusive_group(required=True)
    actor = spec.parameter(spec.ACTOR, "actor")
    which.add_argument(actor.flag, metavar=actor.metavar, help=actor.help)
    which.add_argument(
        "--all",
        action="store_true",
        help="every actor briefing (the options below apply to those that take them), "
        "the overview and the index",
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
        help="a batch file of named parameter sets (see briefings.yml); its entries set "
        "the notebooks' parameters",
    )
    for p in spec.flagged():
        if p is actor:
            continue
        if p.kind == "flag":
            render.add_argument(p.flag, action="store_true", help=_option_help(p))
        else:
            render.add_argument(p.flag, metavar=p.metavar, default=None, help=_option_help(p))


COMMANDS: tuple[Command, ...] = (
    Command(
        "actors",
        "list the actors that can be briefed, with accepted names",
        "russian_views.cli:cmd_actors",
    ),
    Command(
        "validate",
        "check every data file against the schema",
        "russian_views.cli:cmd_validate",
        _validate_arguments,
    ),
    Command(
        "datapackage",
        "write data/datapackage.json from schema.yml and the codebook",
        "russian_views.cli:cmd_datapackage",
        _datapackage_arguments,
    ),
    Command(
        "render",
        "render briefings to HTML and PDF",
        "russian_views.cli:cmd_render",
        _render_arguments,
        description="Execute the briefing notebooks with papermill and export them with "
        "nbconvert. Files are written atomically: a failure keeps the previous report. "
        "An option the chosen notebook does not take is refused.",
    ),
    Command(
        "params",
        "list a notebook's parameters with types, defaults and allowed values",
        "russian_views.cli:cmd_params",
        _params_arguments,
    ),
    Command(
        "add-source",
        "store a new source text and write its coding worksheet",
        "russian_views.coding:cmd_add_source",
        register="russian_views.coding:add_parsers",
    ),
    Command(
        "import-coding",
        "check a filled worksheet and merge it into the claims",
        "russian_views.coding:cmd_import_coding",
        register="russian_views.coding:add_parsers",
    ),
    Command(
        "agreement",
        "compare a student's coding with the reference coding",
        "russian_views.agreement:cmd_agreement",
        register="russian_views.agreement:add_parser",
    ),
)


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The argument parser. Every command is listed; a command registered by its own
    module gets its real parser only when it is ``chosen`` (so ``--help`` stays light)."""
    parser = _Parser(
        prog=PROG, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error (anywhere in the line)"
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    for command in COMMANDS:
        if command.name in sub.choices:
            continue
        if command.register and command.name == chosen:
            _load(command.register)(sub)
            continue
        own = sub.add_parser(command.name, help=command.help, description=command.description)
        if command.arguments:
            command.arguments(own)
    return parser


# ---------------------------------------------------------------- the commands


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
    """Write (atomically) or check ``data/datapackage.json``."""
    from russian_views.atomic import write_atomic
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
    write_atomic(config.DATAPACKAGE_PATH, text.encode("utf-8"))
    print(f"wrote {config.DATAPACKAGE_PATH}")
    return EXIT_OK


# Which notebooks each way of choosing renders.
_TARGETS = {
    "actor": (spec.ACTOR,),
    "all": (spec.ACTOR, spec.OVERVIEW),
    "overview": (spec.OVERVIEW,),
    "compare": (spec.COMPARE,),
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
    fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=out)
    os.close(fd)
    os.unlink(probe)


def cmd_render(args: argparse.Namespace) -> int:
    """Validate everything first, then render what is out of date; exit 1 if any failed."""
    from russian_views.params import resolve_codes, resolve_word

    given = _notebook_options(args)
    format_option, paper_option = spec.parameter(None, "format"), spec.parameter(None, "paper")
    formats = resolve_codes(format_option, args.format, format_option.choices)
    paper = resolve_word(paper_option, args.paper)
    workers = None
    if args.jobs is not None:
        text = args.jobs.strip()
        if not text.isdigit() or int(text) < 1:
            raise ParameterError(f"--jobs must be 1 or more, not {spec.echo(args.jobs)}")
        workers = int(text)
    out = Path(args.out) if args.out else config.REPORTS_DIR
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {spec.shorten(str(out))} is a file, not a folder")

    from russian_views.plan import Batch, load_batches, read_entries

    entries = read_entries(args.config) if args.config else None  # refused before pandas loads
    if args.actor is not None or args.compare:
        from russian_views.params import check_actors_early

        check_actors_early(
            [args.actor] if args.actor is not None else args.compare, config.DATA_DIR
        )

    from russian_views import batch, render
    from russian_views.data import load_dataset

    dataset = load_dataset()
    period = {"since": given.pop("since", None), "until": given.pop("until", None)}
    if args.config:
        batches = load_batches(args.config, dataset, formats, paper, entries)
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
    tick, close = batch.progress_reporter(sum(len(b.jobs) for b in batches))
    results = []
    try:
        for b in batches:
            results += batch.render_batch(
                list(b.jobs),
                dataset,
                out,
                b.formats,
                b.paper,
                workers=workers,
                force=args.force,
                report=tick,
            )
    finally:
        close()
    html = any("html" in b.formats for b in batches)
    if args.all or (html and (out / "index.html").exists()):
        batch.update_index(dataset, out, force=args.force)
    print(f"{batch.summary(results)} -> {out}", file=sys.stderr)
    return EXIT_FAILED if any(r.error for r in results) else EXIT_OK


def _how_to_set(p: spec.Parameter) -> str:
    if p.flag:
        return f"render {p.flag}"
    if spec.COMPARE in p.notebooks and p.kind == "actor":
        return "render --compare A B"
    return "papermill only"


def cmd_params(args: argparse.Namespace) -> int:
    """Print each parameter of a notebook: name, type, default, allowed values, help."""
    from russian_views.data import load_dataset
    from russian_views.params import allowed

    notebook = spec.notebook_name(args.notebook)
    if notebook is None:
        names = ", ".join(n.rsplit("/", 1)[-1] for n in spec.NOTEBOOKS)
        raise ParameterError(f"no notebook {spec.echo(args.notebook)}; choose one of: {names}")
    dataset = load_dataset()
    print(f"notebooks/{notebook}.ipynb parameters (papermill -p NAME VALUE):")
    for p in spec.parameters_of(notebook):
        print(f"\n  {p.name} ({p.type_name}, default {spec.literal(p.default)})\n    {p.help}")
        print(f"    allowed: {allowed(p, dataset)}")
        print(f"    command line: {_how_to_set(p)}")
    return EXIT_OK


# ---------------------------------------------------------------- running a command


def _message(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line (a data error lists every problem) for an error."""
    if isinstance(exc, ParameterError):
        return EXIT_BAD_INPUT, f"error: {exc}"
    if isinstance(exc, DataError):
        return EXIT_BAD_INPUT, str(exc)
    if isinstance(exc, RussianViewsError):
        return EXIT_FAILED, f"error: {exc}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return EXIT_FAILED, f"error: {where}{exc.strerror or exc}"
    detail = spec.shorten(f"{type(exc).__name__}: {exc}", 200)
    return EXIT_FAILED, f"internal error: {detail} (run with --debug for the traceback)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; every error becomes a message and an exit code, not a traceback
    (unless ``--debug`` asks for it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    chosen = next((a for a in argv if not a.startswith("-")), None)
    try:
        args = build_parser(chosen).parse_args(argv)
        command = next(c for c in COMMANDS if c.name == args.command)
        return _load(command.handler)(args)
    except KeyboardInterrupt:
        print(
            f"{PROG}: interrupted; reports already finished were kept, none is half-written",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except Exception as exc:
        if debug:
            raise
        code, message = _message(exc)
        print(f"{PROG}: {message}", file=sys.stderr)
        return code
