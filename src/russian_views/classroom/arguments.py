"""The classroom commands' arguments and help: what ``add-source``, ``import-coding``,
``remove-source``, ``agreement``, ``class-agreement`` and ``make-reference`` take (light:
imports nothing heavy, so ``--help`` answers at once). What they do is in
:mod:`russian_views.classroom.commands`."""

from __future__ import annotations

import argparse
from pathlib import Path

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


def data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, default=None, help="data folder (default: the project's data/)"
    )


def add_source_arguments(add: argparse.ArgumentParser) -> None:
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
    data_option(add)


def import_arguments(imp: argparse.ArgumentParser) -> None:
    imp.add_argument("worksheet", type=Path, metavar="WORKSHEET", help="the filled worksheet")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="amend: replace the claims and uncoded rows of the worksheet's source(s)",
    )
    data_option(imp)


def remove_arguments(rem: argparse.ArgumentParser) -> None:
    rem.add_argument("source_id", metavar="ID", help="the source id (see sources.csv)")
    rem.add_argument(
        "--with-claims", action="store_true", help="also remove every row that cites it"
    )
    data_option(rem)


def reference_and_csv(agr: argparse.ArgumentParser, reference: str, csv: str) -> None:
    """The optional reference coding and the --csv output both agreement commands take."""
    agr.add_argument(
        "reference", type=Path, nargs="?", default=None, metavar="REFERENCE", help=reference
    )
    agr.add_argument("--csv", type=Path, default=None, metavar="OUT", help=csv)


def class_agreement_arguments(agr: argparse.ArgumentParser) -> None:
    agr.add_argument(
        "folder", type=Path, metavar="FOLDER", help="the handed-in codings, one CSV per student"
    )
    reference_and_csv(
        agr,
        "also compare each coding with this reference coding",
        "also write the pairwise table here",
    )


def agreement_arguments(agr: argparse.ArgumentParser) -> None:
    agr.add_argument("student", type=Path, metavar="STUDENT", help="the student's worksheet")
    reference_and_csv(
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


def reference_arguments(ref: argparse.ArgumentParser) -> None:
    ref.add_argument("worksheet", type=Path, metavar="WORKSHEET", help="the filled worksheet")
    ref.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write it (default: data/exercises/WORKSHEET-reference.csv)",
    )
