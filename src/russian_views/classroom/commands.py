"""What the classroom commands do: ``add-source``, ``import-coding``, ``remove-source``,
``agreement``, ``class-agreement`` and ``make-reference`` (the command line only parses
their arguments and calls these)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from russian_views import config
from russian_views.exits import EXIT_OK, PROG

if TYPE_CHECKING:
    from russian_views.dataset.load import Dataset


def record_warnings(dataset: Dataset, claims: Sequence[str] | None = None) -> None:
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


def cmd_add_source(args: argparse.Namespace) -> int:
    """Store the text, record it, write its worksheet; say what to do next."""
    from russian_views.classroom.add_source import add_source

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
    from russian_views.classroom.coding import plural
    from russian_views.classroom.import_coding import import_worksheet
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

    record_warnings(load_dataset(args.data), ids)
    return EXIT_OK


def _id_span(ids: Sequence[str]) -> str:
    """`` (c152–c154)``, `` (c152)`` or nothing: the ids an import gave, as a range."""
    if not ids:
        return ""
    return f" ({ids[0]}–{ids[-1]})" if len(ids) > 1 else f" ({ids[0]})"


def cmd_remove_source(args: argparse.Namespace) -> int:
    """Remove a source (and, when told, what cites it); list what went."""
    from russian_views.classroom.coding import plural
    from russian_views.classroom.remove_source import remove_source

    removed = remove_source(args.source_id, with_claims=args.with_claims, data_dir=args.data)
    rows = ", ".join(f"{plural(n, 'row')} of {name}" for name, n in removed.rows.items())
    print(f"removed source {removed.source_id!r}" + (f" and {rows}" if rows else ""))
    for path in removed.files:
        print(f"deleted {path}")
    for copy in removed.kept:
        print(f"a filled worksheet was copied first to {copy}")
    return EXIT_OK


def _report(result: Any, csv: Path | None, what: str) -> int:
    """Print an agreement report and, when asked, write its table (``what``) to ``csv``."""
    print(result.text())
    if csv:
        from russian_views.atomic import write_atomic

        write_atomic(csv, result.csv_bytes())
        print(f"\n{what} written to {csv}")
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    """Print the agreement report (and write the disagreements when asked)."""
    from russian_views.classroom.agreement import compare

    result = compare(args.student, args.reference, names=args.names)
    return _report(result, args.csv, "disagreements")


def cmd_class_agreement(args: argparse.Namespace) -> int:
    """Print the class's agreement (and write the pairwise table when asked)."""
    from russian_views.classroom.class_agreement import measure_class
    from russian_views.classroom.coding import plural

    result = measure_class(args.folder, args.reference)
    return _report(result, args.csv, f"pairwise table ({plural(len(result.pairs), 'pair')})")


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
