"""What the data commands do: ``actors``, ``validate``, ``stamp-judgments``,
``datapackage`` and ``params`` (the command line only parses their arguments and calls
these)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from russian_views import config, spec
from russian_views.errors import ParameterError
from russian_views.exits import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, PROG

if TYPE_CHECKING:
    pass


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
    from russian_views.classroom.add_source import unfinished
    from russian_views.classroom.commands import record_warnings
    from russian_views.classroom.remove_source import unrecorded_texts

    for path in unrecorded_texts(dataset, args.data):
        print(f"no sources.csv record: {path} (record it with add-source, or delete it)")
    record_warnings(dataset)
    incomplete = unfinished(dataset, args.data)
    for line in incomplete:
        print(f"{PROG}: incomplete: {line}", file=sys.stderr)
    return EXIT_BAD_INPUT if incomplete else EXIT_OK


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
