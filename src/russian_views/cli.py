"""The ``russian-views`` command line (also ``python -m russian_views``).

Exit codes: 0 success; 2 bad input (unknown actor, bad year, broken data) with the
problem named and nothing written; 1 when a briefing fails to render; 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from russian_views import config, explorer
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
    _add_classroom(sub)
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
    from russian_views.coding import unrecorded_texts

    for path in unrecorded_texts(dataset, args.data):
        print(f"no sources.csv record: {path} (record it with add-source, or delete it)")
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


# ---------------------------------------------------------------- the classroom: sources,
# coding and agreement (logic in coding.py and agreement.py; here only arguments and output)

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
holds coding, unless --with-claims removes those too. Rows are cut byte for byte, so
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


def _add_classroom(sub: argparse._SubParsersAction) -> None:
    """Register add-source, import-coding, remove-source, agreement and make-reference."""
    raw = argparse.RawDescriptionHelpFormatter
    add = sub.add_parser(
        "add-source",
        help="store a new source text and write its coding worksheet",
        description=ADD_SOURCE_HELP,
        formatter_class=raw,
    )
    add.add_argument("file", type=Path, metavar="FILE", help="the source text (UTF-8 .txt)")
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
    imp = sub.add_parser(
        "import-coding",
        help="check a filled worksheet and merge it into the claims",
        description=IMPORT_HELP,
        formatter_class=raw,
    )
    imp.add_argument("worksheet", type=Path, metavar="WORKSHEET", help="the filled worksheet")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="amend: replace the claims and uncoded rows of the worksheet's source(s)",
    )
    _data_option(imp)
    rem = sub.add_parser(
        "remove-source",
        help="remove a source, its text and worksheet",
        description=REMOVE_HELP,
        formatter_class=raw,
    )
    rem.add_argument("source_id", metavar="ID", help="the source id (see sources.csv)")
    rem.add_argument(
        "--with-claims", action="store_true", help="also remove every row that cites it"
    )
    _data_option(rem)
    agr = sub.add_parser(
        "agreement",
        help="compare a student's coding with the reference coding",
        description=AGREEMENT_HELP,
        formatter_class=raw,
    )
    agr.add_argument("student", type=Path, metavar="STUDENT", help="the student's worksheet")
    agr.add_argument(
        "reference",
        type=Path,
        nargs="?",
        default=None,
        metavar="REFERENCE",
        help="the reference coding (default: data/exercises/reference.csv)",
    )
    agr.add_argument(
        "--csv", type=Path, default=None, metavar="OUT", help="also write the disagreements here"
    )
    ref = sub.add_parser(
        "make-reference",
        help="turn a filled worksheet into an exercise reference coding",
        description=REFERENCE_HELP,
        formatter_class=raw,
    )
    ref.add_argument("worksheet", type=Path, metavar="WORKSHEET", help="the filled worksheet")
    ref.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write it (default: data/exercises/WORKSHEET-reference.csv)",
    )


def cmd_add_source(args: argparse.Namespace) -> int:
    """Store the text, record it, write its worksheet; say what to do next."""
    from russian_views.coding import add_source

    added = add_source(
        args.file,
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
        f"next: fill the worksheet, then `russian-views import-coding {added.worksheet}`"
    )
    return EXIT_OK


def cmd_import_coding(args: argparse.Namespace) -> int:
    """Merge a filled worksheet; say what was added (or replaced) and what is still blank."""
    from russian_views.coding import import_worksheet, plural

    result = import_worksheet(args.worksheet, args.data, replace=args.replace)
    ids = result.claim_ids
    span = f" ({ids[0]}–{ids[-1]})" if len(ids) > 1 else f" ({ids[0]})" if ids else ""
    added = plural(len(ids), "claim") + span
    verb = f"replaced {plural(result.replaced, 'claim')} with" if args.replace else "imported"
    uncoded = plural(len(result.uncoded), "uncoded sentence")
    print(f"{verb} {added} and {uncoded} from {args.worksheet}")
    if result.blank:
        where = ", ".join(f"{sid} ¶{p} s{s}" for sid, p, s in result.blank)
        print(f"still blank ({len(result.blank)}): {where}")
    return EXIT_OK


def cmd_remove_source(args: argparse.Namespace) -> int:
    """Remove a source (and, when told, what cites it); list what went."""
    from russian_views.coding import plural, remove_source

    removed = remove_source(args.source_id, with_claims=args.with_claims, data_dir=args.data)
    rows = ", ".join(f"{plural(n, 'row')} of {name}" for name, n in removed.rows.items())
    print(f"removed source {removed.source_id!r}" + (f" and {rows}" if rows else ""))
    for path in removed.files:
        print(f"deleted {path}")
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    """Print the agreement report (and write the disagreements when asked)."""
    from russian_views.agreement import compare

    result = compare(args.student, args.reference)
    print(result.text())
    if args.csv:
        from russian_views.atomic import write_atomic

        write_atomic(args.csv, result.csv_bytes())
        print(f"\ndisagreements written to {args.csv}")
    return EXIT_OK


def cmd_make_reference(args: argparse.Namespace) -> int:
    """Write a reference coding from a filled worksheet."""
    from russian_views.agreement import make_reference
    from russian_views.coding import plural

    out = args.out or config.DATA_DIR / "exercises" / f"{args.worksheet.stem}-reference.csv"
    made = make_reference(args.worksheet, out)
    left = f"; {plural(made.extra, 'further claim')} left out" if made.extra else ""
    print(
        f"wrote {made.path}: {plural(made.sentences, 'sentence')}, "
        f"{made.coded} with a main claim{left}\n"
        f"use it: russian-views agreement STUDENT.csv {made.path}"
    )
    return EXIT_OK


COMMANDS = {
    "actors": cmd_actors,
    "validate": cmd_validate,
    "datapackage": cmd_datapackage,
    "render": cmd_render,
    "params": cmd_params,
    "add-source": cmd_add_source,
    "import-coding": cmd_import_coding,
    "remove-source": cmd_remove_source,
    "agreement": cmd_agreement,
    "make-reference": cmd_make_reference,
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
