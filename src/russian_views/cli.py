"""The ``russian-views`` command line (also ``python -m russian_views``).

Exit codes: 0 success; 2 bad input (unknown actor, bad year, broken data) with the
problem named in one line and nothing written; 1 when a briefing fails to render or the
environment fails (a folder that cannot be written: the path and the reason are named);
130, 143 and 129 on Ctrl-C, SIGTERM and SIGHUP; 141 when standard output is a pipe whose
reader has gone. ``--debug`` shows the traceback instead.

This module only parses and dispatches. Sub-commands are listed once in
:data:`COMMANDS`, each with the ``module:function`` that does its work
(:mod:`russian_views.data_commands`, :mod:`russian_views.classroom.commands`,
:mod:`russian_views.rendering.service`, :mod:`russian_views.explorer`), imported only when
that command runs (with anything heavy: pandas, papermill, nbconvert), so ``--help`` and
argument errors answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from russian_views import spec
from russian_views.classroom import arguments
from russian_views.exits import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, PROG, run_command

# The command line's interface: its entry point, its parser and the exit codes it answers
# with (defined in exits.py, shared with the render service).
__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_OK", "PROG", "build_parser", "main"]

if TYPE_CHECKING:
    pass

DESCRIPTION = """\
Sourced briefings on how Moscow sees the Korean Peninsula, coded from secondary sources
(the first: a review in The Asan Forum, 2021, of an authoritative Russian book). Every
statement cites the source, paragraph and sentence it comes from.

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
    """

    name: str
    help: str
    handler: str
    arguments: Arguments | None = None
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


def _service_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", choices=("stop", "status"), help="stop every render service, or list them"
    )


COMMANDS: tuple[Command, ...] = (
    Command(
        "actors",
        "list the actors that can be briefed, with accepted names",
        "russian_views.data_commands:cmd_actors",
    ),
    Command(
        "validate",
        "check every data file against the schema",
        "russian_views.data_commands:cmd_validate",
        _validate_arguments,
    ),
    Command(
        "stamp-judgments",
        "mark every key judgment and summary sentence as reviewed against the current record",
        "russian_views.data_commands:cmd_stamp_judgments",
        _validate_arguments,
        description="Run after revising data/key_judgments.csv and data/in_brief.csv: each "
        "row records the sources and the cited records it was written against, so adding, "
        "amending or removing a source, or changing a cited record, flags it again.",
    ),
    Command(
        "datapackage",
        "write data/datapackage.json from schema.yml and the codebook",
        "russian_views.data_commands:cmd_datapackage",
        _datapackage_arguments,
    ),
    Command(
        "render",
        "render briefings to HTML and PDF",
        "russian_views.rendering.service:cmd_render",
        _render_arguments,
        description="Execute the briefing notebooks with papermill and export them with "
        "nbconvert. Files are written atomically: a failure keeps the previous report. "
        "An option the chosen notebook does not take is refused.",
    ),
    Command(
        "service",
        "stop the render service that keeps warm kernels between renders, or list it",
        "russian_views.rendering.service:cmd_service",
        _service_arguments,
    ),
    Command(
        "params",
        "list a notebook's parameters with types, defaults and allowed values",
        "russian_views.data_commands:cmd_params",
        _params_arguments,
    ),
    Command(
        "add-source",
        "store a new source text and write its coding worksheet",
        "russian_views.classroom.commands:cmd_add_source",
        arguments.add_source_arguments,
        description=arguments.ADD_SOURCE_HELP,
    ),
    Command(
        "import-coding",
        "check a filled worksheet and merge it into the claims",
        "russian_views.classroom.commands:cmd_import_coding",
        arguments.import_arguments,
        description=arguments.IMPORT_HELP,
    ),
    Command(
        "remove-source",
        "remove a source, its text and worksheet",
        "russian_views.classroom.commands:cmd_remove_source",
        arguments.remove_arguments,
        description=arguments.REMOVE_HELP,
    ),
    Command(
        "agreement",
        "compare a student's coding with the reference coding",
        "russian_views.classroom.commands:cmd_agreement",
        arguments.agreement_arguments,
        description=arguments.AGREEMENT_HELP,
    ),
    Command(
        "class-agreement",
        "measure a class's codings of a passage together, and pair by pair",
        "russian_views.classroom.commands:cmd_class_agreement",
        arguments.class_agreement_arguments,
        description=arguments.CLASS_AGREEMENT_HELP,
    ),
    Command(
        "make-reference",
        "turn a filled worksheet into an exercise reference coding",
        "russian_views.classroom.commands:cmd_make_reference",
        arguments.reference_arguments,
        description=arguments.REFERENCE_HELP,
    ),
    Command(
        "explore",
        "open the briefing explorer in a browser: a control for every parameter, no code",
        "russian_views.explorer:cmd_explore",
        lambda parser: _load("russian_views.explorer:add_arguments")(parser),
    ),
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: every command of :data:`COMMANDS` with its arguments (nothing
    heavy is imported to build it, so ``--help`` stays light)."""
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
        own = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if command.arguments:
            command.arguments(own)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; every error becomes a message and an exit code, not a traceback
    (unless ``--debug`` asks for it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]

    def run() -> int:
        args = build_parser().parse_args(argv)
        args.debug = debug  # wherever it stood in the line (the render service needs it too)
        command = next(c for c in COMMANDS if c.name == args.command)
        return _load(command.handler)(args)

    return run_command(run, debug)
