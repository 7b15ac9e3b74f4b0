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
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from russian_views import config, spec
from russian_views.errors import ParameterError
from russian_views.exits import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, PROG, reported

if TYPE_CHECKING:
    from russian_views.dataset.load import Dataset

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


# ---------------------------------------------------------------- the classroom commands

ADD_SOURCE_HELP = """\
Store a source text under data/sources/, record it (with its sha256) in sources.csv,
and write a coding worksheet: one row per sentence, with the claim fields blank, plus
a companion WORKSHEET-codes.csv listing every column and the codes it accepts.

The text must be UTF-8 (no byte-order mark); it is stored byte for byte. Headings are
short lines without final punctuation; every other non-empty line is a paragraph.
The id, which every citation of the source shows, defaults to the first author's
surname and the year (lukin-2017), else the outlet and the year.
Nothing is written if any check fails.

example:
  russian-views add-source notes.txt --title "Moscow and the Korean War" \\
      --author "A. Lukin" --outlet "Example Review" --date 2017-05 \\
      --reviewed-work "A. Author, The Book (2016)" --note "Our copy lacks the notes."
"""

IMPORT_HELP = """\
Check a filled worksheet and merge its rows into claims.csv (and uncoded.csv).

A row with any claim field filled is a claim: its claim_id is assigned on import (the
next c### numbers). A row with the claim fields empty but a reason (framing, covered)
marks the sentence as deliberately uncoded. A row with neither is skipped and listed
as still blank. For a second claim from one sentence, copy the sentence's row. Actors
may be given by id, name or alias in any case (Seoul, moscow); codes in any case.

Unknown codes, bad references, quotes not verbatim in their sentence, and rows that
duplicate existing claims are all reported at once, with the worksheet's row numbers
(header = row 1); then nothing is merged. To amend a source already imported, fix
the worksheet and import it again with --replace.

examples:
  russian-views import-coding data/worksheets/lukin-2017.csv
  russian-views import-coding data/worksheets/lukin-2017.csv --replace
"""

REMOVE_HELP = """\
Remove a source: its sources.csv row, its text under data/sources/ and its worksheet
in data/worksheets/. Refused while claims (or other rows) cite it or its worksheet
holds coding, unless --with-claims removes those too (a filled worksheet is copied to
~/.cache/russian-views/removed-worksheets/ first). Rows are cut byte for byte, so
add-source, import-coding and remove-source leave data/ exactly as it was.

examples:
  russian-views remove-source lukin-2017
  russian-views remove-source lukin-2017 --with-claims
"""

AGREEMENT_HELP = """\
Compare a student's coding of a passage with a reference coding, field by field
(view, subject_id, counterpart_id, theme, stance, claim_kind): percent agreement,
Krippendorff's alpha (nominal; stance also ordinal, on the codebook's scores) with
what each value means, and every disagreement with the sentence's text. Both files
are worksheets (one row per sentence). A row left blank is an uncoded sentence; the
fields after subject_id are compared only where both chose the same subject. Under
20 sentences no reliability label is given.

Only the reference's sentences in the paragraphs the student coded are compared; a
sentence missing from the student's file, one the reference does not code, a repeated
sentence or an unknown code is an error (exit 2).

examples:
  russian-views agreement anna.csv                  against the exercise's reference (¶8)
  russian-views agreement anna.csv mine.csv --csv anna-disagreements.csv
  russian-views agreement anna.csv ben.csv --names Anna Ben      two students
"""

CLASS_AGREEMENT_HELP = """\
Measure a class's codings of one passage together: every CSV in FOLDER is one
student's worksheet (named for the student: anna-petrova.csv). Prints, per field, the
share of coder pairs that agree and Krippendorff's alpha over all coders at once; each
coding's mean agreement with the others (and with the reference, if given); and the
sentences the class disputes most, with the answers given. --csv writes the pairwise
table: one row per pair of codings, agreement and alpha per field.

Every file must code the same sentences; every problem in every file is reported at
once (exit 2).

examples:
  russian-views class-agreement ~/class/inbox
  russian-views class-agreement ~/class/inbox data/exercises/reference.csv --csv pairs.csv
"""

REFERENCE_HELP = """\
Turn a filled worksheet into a reference coding for the exercise: one row per
sentence, the first claim coded on it as the main claim (its note names the rows
left out), checked as a student's coding is. Use it with `agreement STUDENT OUT` or
the exercise notebook's reference_file. An existing file is never overwritten.

example:
  russian-views make-reference data/worksheets/lukin-2017.csv --out lukin-reference.csv
"""


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, default=None, help="data folder (default: the project's data/)"
    )


def _add_source_arguments(add: argparse.ArgumentParser) -> None:
    add.add_argument("file", type=Path, metavar="FILE", help="the source text (UTF-8 .txt)")
    add.add_argument(
        "--kind",
        required=True,
        help="what the source is: official (a Russian official statement), expert (a Russian "
        "expert's or author's own analysis) or review (a report or review of Russian views "
        "by someone else); it decides how the views coded from it are labelled",
    )
    add.add_argument("--title", required=True, help="title of the source")
    add.add_argument("--outlet", required=True, help="publication that carried it")
    add.add_argument("--date", required=True, help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    add.add_argument("--author", default="", help="author (default: none named)")
    add.add_argument("--url", default="", help="address of the original (default: none)")
    add.add_argument(
        "--reviewed-work", default="", help="the work the source reviews (default: none)"
    )
    add.add_argument("--note", default="", help="a remark on the source (default: none)")
    add.add_argument(
        "--id", default=None, help="source id (default: author-year, else outlet-year)"
    )
    add.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="WORKSHEET",
        help="where to write the worksheet (default: data/worksheets/ID.csv)",
    )
    _data_option(add)


def _import_arguments(imp: argparse.ArgumentParser) -> None:
    imp.add_argument("worksheet", type=Path, metavar="WORKSHEET", help="the filled worksheet")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="amend: replace the claims and uncoded rows of the worksheet's source(s)",
    )
    _data_option(imp)


def _remove_arguments(rem: argparse.ArgumentParser) -> None:
    rem.add_argument("source_id", metavar="ID", help="the source id (see sources.csv)")
    rem.add_argument(
        "--with-claims", action="store_true", help="also remove every row that cites it"
    )
    _data_option(rem)


def _reference_and_csv(agr: argparse.ArgumentParser, reference: str, csv: str) -> None:
    """The optional reference coding and the --csv output both agreement commands take."""
    agr.add_argument(
        "reference", type=Path, nargs="?", default=None, metavar="REFERENCE", help=reference
    )
    agr.add_argument("--csv", type=Path, default=None, metavar="OUT", help=csv)


def _class_agreement_arguments(agr: argparse.ArgumentParser) -> None:
    agr.add_argument(
        "folder", type=Path, metavar="FOLDER", help="the handed-in codings, one CSV per student"
    )
    _reference_and_csv(
        agr,
        "also compare each coding with this reference coding",
        "also write the pairwise table here",
    )


def _agreement_arguments(agr: argparse.ArgumentParser) -> None:
    agr.add_argument("student", type=Path, metavar="STUDENT", help="the student's worksheet")
    _reference_and_csv(
        agr,
        "the reference coding (default: data/exercises/reference.csv)",
        "also write the disagreements here",
    )
    agr.add_argument(
        "--names",
        nargs=2,
        default=None,
        metavar=("FIRST", "SECOND"),
        help="what to call the two codings in the report (default: their file names)",
    )


def _reference_arguments(ref: argparse.ArgumentParser) -> None:
    ref.add_argument("worksheet", type=Path, metavar="WORKSHEET", help="the filled worksheet")
    ref.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write it (default: data/exercises/WORKSHEET-reference.csv)",
    )


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
        "stamp-judgments",
        "mark every key judgment and summary sentence as reviewed against the current record",
        "russian_views.cli:cmd_stamp_judgments",
        _validate_arguments,
        description="Run after revising data/key_judgments.csv and data/in_brief.csv: each "
        "row records the sources and the cited records it was written against, so adding, "
        "amending or removing a source, or changing a cited record, flags it again.",
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
        "service",
        "stop the render service that keeps warm kernels between renders, or list it",
        "russian_views.rendering.service:cmd_service",
        _service_arguments,
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
        "russian_views.cli:cmd_add_source",
        _add_source_arguments,
        description=ADD_SOURCE_HELP,
    ),
    Command(
        "import-coding",
        "check a filled worksheet and merge it into the claims",
        "russian_views.cli:cmd_import_coding",
        _import_arguments,
        description=IMPORT_HELP,
    ),
    Command(
        "remove-source",
        "remove a source, its text and worksheet",
        "russian_views.cli:cmd_remove_source",
        _remove_arguments,
        description=REMOVE_HELP,
    ),
    Command(
        "agreement",
        "compare a student's coding with the reference coding",
        "russian_views.cli:cmd_agreement",
        _agreement_arguments,
        description=AGREEMENT_HELP,
    ),
    Command(
        "class-agreement",
        "measure a class's codings of a passage together, and pair by pair",
        "russian_views.cli:cmd_class_agreement",
        _class_agreement_arguments,
        description=CLASS_AGREEMENT_HELP,
    ),
    Command(
        "make-reference",
        "turn a filled worksheet into an exercise reference coding",
        "russian_views.cli:cmd_make_reference",
        _reference_arguments,
        description=REFERENCE_HELP,
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


# ---------------------------------------------------------------- the commands


def cmd_actors(_args: argparse.Namespace) -> int:
    """Print the briefing actors and the names each accepts."""
    from russian_views.dataset.load import load_dataset
    from russian_views.params import briefing_actors

    for _, row in briefing_actors(load_dataset()).iterrows():
        names = ", ".join(a for a in row["aliases"].split("|") if a)
        print(f"{row['actor_id']:<15} {row['name']:<20} also: {names}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Load and validate the data; print a summary and any uncovered sentence."""
    from russian_views.dataset.load import load_dataset, uncovered_sentences
    from russian_views.dataset.sources import ref_label

    dataset = load_dataset(args.data)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in dataset.tables.items())
    print(f"data valid (version {dataset.version}): {counts}")
    gaps = uncovered_sentences(dataset)
    for source_id, paragraph, sentence in gaps:
        print(f"not yet coded: {ref_label(source_id, paragraph, sentence, True)}")
    from russian_views.classroom.coding import unrecorded_texts

    for path in unrecorded_texts(dataset, args.data):
        print(f"no sources.csv record: {path} (record it with add-source, or delete it)")
    _record_warnings(dataset)
    return EXIT_OK


def _record_warnings(dataset: Dataset, claims: Sequence[str] | None = None) -> None:
    """Warn of what a change to the record leaves to the user: key judgments written
    before it, each named (or, after an import of ``claims``, counted in one line that
    points to validate), and claims dated far before the rest."""
    from collections import Counter

    from russian_views.dataset.written import to_review
    from russian_views.params import far_outside

    stale = to_review(dataset)
    if claims is None:
        for item in stale:
            print(f"warning: {item.line()} (revise it, then run stamp-judgments)")
    elif stale:
        counts = Counter(item.table for item in stale)
        rows = ", ".join(f"{n} in {table}.csv" for table, n in sorted(counts.items()))
        print(f"warning: written rows to review ({rows}): `russian-views validate` names them")
    for line in far_outside(dataset, claims):
        print(f"warning: {line}")


def cmd_stamp_judgments(args: argparse.Namespace) -> int:
    """Record the current sources and evidence in every key judgment and summary sentence."""
    from russian_views.dataset.load import load_dataset
    from russian_views.dataset.written import stamp, to_review

    data_dir = args.data or config.DATA_DIR
    dataset = load_dataset(data_dir)
    pending = to_review(dataset)
    changed = stamp(dataset, data_dir)
    print(f"stamped {len(pending)} written rows to review ({changed} cells changed)")
    return EXIT_OK


def cmd_datapackage(args: argparse.Namespace) -> int:
    """Write (atomically) or check ``data/datapackage.json``."""
    from russian_views.atomic import write_atomic
    from russian_views.dataset.load import codes_by_list, load_dataset
    from russian_views.dataset.schema import datapackage_json, load_schema

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


def cmd_render(args: argparse.Namespace) -> int:
    """Check everything first, then render what is out of date (in the render service when
    it is wanted: warm workers kept between commands, same output, same codes)."""
    from russian_views.rendering import request, service

    checked = request.check(args)  # bad input is refused before any service starts
    if service.wanted():
        return service.render(args)
    return request.run(checked)


def _how_to_set(p: spec.Parameter) -> str:
    if p.flag:
        return f"render {p.flag}"
    if spec.COMPARE in p.notebooks and p.kind == "actor":
        return "render --compare A B"
    return "papermill only"


def cmd_params(args: argparse.Namespace) -> int:
    """Print each parameter of a notebook: name, type, default, allowed values, help."""
    from russian_views.dataset.load import load_dataset
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


def cmd_add_source(args: argparse.Namespace) -> int:
    """Store the text, record it, write its worksheet; say what to do next."""
    from russian_views.classroom.coding import add_source

    added = add_source(
        args.file,
        kind=args.kind,
        title=args.title,
        outlet=args.outlet,
        published=args.date,
        author=args.author,
        url=args.url,
        reviewed_work=args.reviewed_work,
        note=args.note,
        source_id=args.id,
        data_dir=args.data,
        worksheet=args.out,
    )
    print(
        f"added source {added.source_id!r}: {added.paragraphs} paragraphs, "
        f"{added.sentences} sentences, sha256 {added.sha256[:12]}…\n"
        f"worksheet: {added.worksheet}\ncodes:     {added.codes}\n"
        + "".join(f"records:   {path}\n" for path in added.records)
        + f"next: fill the worksheet, then `russian-views import-coding {added.worksheet}`; "
        "events, expectations and signposts go in their own worksheets, imported the same way"
    )
    for warning in added.warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def cmd_import_coding(args: argparse.Namespace) -> int:
    """Merge a filled worksheet; say what was added (or replaced) and what is still blank."""
    from russian_views.classroom.coding import import_worksheet, plural
    from russian_views.classroom.records import import_records, record_table
    from russian_views.dataset.schema import load_schema
    from russian_views.dataset.sources import ref_label

    table = record_table(args.worksheet, load_schema((args.data or config.DATA_DIR) / "schema.yml"))
    if table:
        imported = import_records(args.worksheet, table, args.data, replace=args.replace)
        added = plural(len(imported.ids), table[:-1]) + _id_span(imported.ids)
        verb = f"replaced {imported.replaced} with" if args.replace else "imported"
        print(f"{verb} {added} from {args.worksheet}")
        return EXIT_OK
    result = import_worksheet(args.worksheet, args.data, replace=args.replace)
    ids = result.claim_ids
    added = plural(len(ids), "claim") + _id_span(ids)
    verb = f"replaced {plural(result.replaced, 'claim')} with" if args.replace else "imported"
    uncoded = plural(len(result.uncoded), "uncoded sentence")
    print(f"{verb} {added} and {uncoded} from {args.worksheet}")
    if result.blank:
        where = ", ".join(ref_label(sid, p, s, True) for sid, p, s in result.blank)
        print(f"still blank ({len(result.blank)}): {where}")
    from russian_views.dataset.load import load_dataset

    _record_warnings(load_dataset(args.data), ids)
    return EXIT_OK


def _id_span(ids: Sequence[str]) -> str:
    """`` (c152–c154)``, `` (c152)`` or nothing: the ids an import gave, as a range."""
    if not ids:
        return ""
    return f" ({ids[0]}–{ids[-1]})" if len(ids) > 1 else f" ({ids[0]})"


def cmd_remove_source(args: argparse.Namespace) -> int:
    """Remove a source (and, when told, what cites it); list what went."""
    from russian_views.classroom.coding import plural, remove_source

    removed = remove_source(args.source_id, with_claims=args.with_claims, data_dir=args.data)
    rows = ", ".join(f"{plural(n, 'row')} of {name}" for name, n in removed.rows.items())
    print(f"removed source {removed.source_id!r}" + (f" and {rows}" if rows else ""))
    for path in removed.files:
        print(f"deleted {path}")
    for copy in removed.kept:
        print(f"a filled worksheet was copied first to {copy}")
    return EXIT_OK


def cmd_class_agreement(args: argparse.Namespace) -> int:
    """Print the class's agreement (and write the pairwise table when asked)."""
    from russian_views.classroom.class_agreement import measure_class
    from russian_views.classroom.coding import plural

    result = measure_class(args.folder, args.reference)
    print(result.text())
    if args.csv:
        from russian_views.atomic import write_atomic

        write_atomic(args.csv, result.csv_bytes())
        print(f"\npairwise table ({plural(len(result.pairs), 'pair')}) written to {args.csv}")
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    """Print the agreement report (and write the disagreements when asked)."""
    from russian_views.classroom.agreement import compare

    result = compare(args.student, args.reference, names=args.names)
    print(result.text())
    if args.csv:
        from russian_views.atomic import write_atomic

        write_atomic(args.csv, result.csv_bytes())
        print(f"\ndisagreements written to {args.csv}")
    return EXIT_OK


def cmd_make_reference(args: argparse.Namespace) -> int:
    """Write a reference coding from a filled worksheet."""
    from russian_views.classroom.coding import plural
    from russian_views.classroom.exercise import make_reference

    out = args.out or config.DATA_DIR / "exercises" / f"{args.worksheet.stem}-reference.csv"
    made = make_reference(args.worksheet, out)
    left = f"; {plural(made.extra, 'further claim')} left out" if made.extra else ""
    print(
        f"wrote {made.path}: {plural(made.sentences, 'sentence')}, "
        f"{made.coded} with a main claim{left}\n"
        f"use it: russian-views agreement STUDENT.csv {made.path}"
    )
    return EXIT_OK


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

    return reported(run, debug)
