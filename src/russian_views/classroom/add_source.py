"""Adding a source: its text stored, its sources.csv row, and its blank worksheets, all
or nothing.

Everything is built and validated in a scratch copy of the data first; the files are
then moved in together with stop signals held, the sources.csv row last: until that row
is written no source exists, so a run killed outright leaves at most files identical to
what a second run writes (which it takes over), never a half-added source. What such a
run leaves is listed by :func:`unfinished` (``validate`` reports it).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from russian_views import config
from russian_views.atomic import remove_stale_staged, write_all
from russian_views.classroom.coding import (
    RECORDS,
    SOURCES,
    codes_path,
    record_worksheet_files,
    record_worksheet_path,
    refuse_existing,
    slugify,
    worksheet_files,
)
from russian_views.classroom.data_changes import (
    WORKSHEETS,
    appended,
    scratch_load,
)
from russian_views.dataset.files import read_file
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.schema import Schema, load_schema
from russian_views.dataset.sources import HEADING_MAX_CHARS, parse_text, title_like
from russian_views.dataset.validate import check_value
from russian_views.errors import DataError, ParameterError, Problem
from russian_views.private import scratch_folder
from russian_views.spec import echo, shorten_path

_DATE_FORMATS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}


# The sources.csv fields add-source takes from its options, and the option of each.
_OPTIONS = {
    "source_id": "--id",
    "title": "--title",
    "author": "--author",
    "outlet": "--outlet",
    "published": "--date",
    "url": "--url",
    "reviewed_work": "--reviewed-work",
    "note": "--note",
}


@dataclass(frozen=True)
class AddedSource:
    """A source just added, and the worksheet written for it."""

    source_id: str
    paragraphs: int
    sentences: int
    sha256: str
    worksheet: Path
    codes: Path
    records: tuple[Path, ...] = ()  # the events, expectations and signposts worksheets
    warnings: tuple[str, ...] = ()


def default_id(author: str, outlet: str, published: str, taken: set[str]) -> str:
    """A short id that reads well in every citation (``[lukin-2017 ¶2 s1]``): the first
    author's surname and the year, else the outlet and the year; ``-2``, ``-3`` … when
    taken. A title slug would be long and repeat in every reference."""
    first = re.split(r",|;| and | & ", author)[0].split()
    name = slugify(first[-1]) if first else ""
    base = slugify(f"{name or outlet} {published[:4]}")
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _decode_text(raw: bytes, name: str) -> str:
    """The text of a source file; it is stored byte for byte, so it must be plain UTF-8
    text (a NUL byte means it is not text at all)."""
    nul = raw.find(b"\0")
    if nul >= 0:
        message = f"has a NUL byte at offset {nul}: it is not a text file"
        raise DataError([Problem(name, None, None, None, message)])
    if raw.startswith(codecs.BOM_UTF8):
        message = "starts with a byte-order mark: save it as UTF-8 without BOM"
        raise DataError([Problem(name, None, None, None, message)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = (
            f"is not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be "
            "decoded (save the text as UTF-8)"
        )
        raise DataError([Problem(name, None, None, None, message)]) from None


def _date_problem(value: str) -> str | None:
    """The schema's pattern admits 2021-13; a publication date must also be a real one."""
    try:
        datetime.strptime(value, _DATE_FORMATS[len(value)])
    except (KeyError, ValueError):
        return f"--date {echo(value)} is not a date as YYYY, YYYY-MM or YYYY-MM-DD"
    return None


def _new_source_problems(
    row: dict[str, str], dataset: Dataset, schema: Schema, data_dir: Path
) -> list[str]:
    """Why the sources.csv row cannot be added (empty list: it can)."""
    if not row["source_id"]:
        return ["no id can be made from the title; pass --id"]
    problems = []
    for f in schema.tables["sources"].fields:
        if f.name not in _OPTIONS:
            continue
        _, error = check_value(f, row[f.name], {})
        if error:
            problems.append(f"{_OPTIONS[f.name]} {row[f.name]!r} {error}")
    if not problems:
        problems += filter(None, [_date_problem(row["published"])])
    sources = dataset.tables["sources"]
    if row["source_id"] in set(sources["source_id"]):
        problems.append(f"source id {row['source_id']!r} is taken in sources.csv; pass --id")
    same = sources.loc[sources["sha256"] == row["sha256"], "source_id"].tolist()
    if same:
        problems.append(f"this text is already source {same[0]!r} (same sha256)")
    text = data_dir / SOURCES / row["path"]
    if (text.exists() or text.is_symlink()) and not _left_over(text, row["sha256"]):
        problems.append(f"{text} already exists")
    return problems


def _left_over(path: Path, sha256: str) -> bool:
    """Whether ``path`` holds exactly what this addition would write there (left by a run
    killed before it recorded the source): then it is taken over, not refused."""
    try:
        return hashlib.sha256(read_file(path)).hexdigest() == sha256
    except OSError:
        return False


def kind_code(kind: str, dataset: Dataset) -> str:
    """The source kind a user typed, in any case, as its code (one line naming the choices
    when it is none of them): it decides how the views coded from the source are labelled."""
    codes = dataset.codes("source_kind")
    code = kind.strip().lower()
    if code not in codes:
        choices = "; ".join(f"{c} ({dataset.label('source_kind', c)})" for c in codes)
        raise ParameterError(f"unknown --kind {echo(kind)}; choose one of: {choices}")
    return code


def add_source(
    text_file: Path,
    *,
    kind: str,
    title: str,
    outlet: str,
    published: str,
    author: str = "",
    url: str = "",
    reviewed_work: str = "",
    note: str = "",
    source_id: str | None = None,
    data_dir: Path | None = None,
    worksheet: Path | None = None,
) -> AddedSource:
    """Store a new source text, record it in sources.csv and write its blank worksheet.

    Everything is built and checked (in a scratch copy of the data) before anything is
    written; the worksheets, the text and the sources row are then written as one set,
    the row last (see the module's docstring).
    """
    data_dir = Path(data_dir or config.DATA_DIR)
    dataset = load_dataset(data_dir)
    schema = load_schema(data_dir / "schema.yml")
    raw = _read_text(text_file)
    text = parse_text(_decode_text(raw, text_file.name))
    if not text.paragraphs:
        raise DataError([Problem(text_file.name, None, None, None, "has no body paragraphs")])
    taken = set(dataset.sources["source_id"])
    sid = source_id if source_id is not None else default_id(author, outlet, published, taken)
    row = dict.fromkeys(schema.tables["sources"].field_names, "")
    row |= {"source_id": sid, "title": title, "author": author, "outlet": outlet}
    row["source_kind"] = kind_code(kind, dataset)
    row |= {"published": published, "url": url, "path": f"{sid}.txt"}
    row |= {"reviewed_work": reviewed_work, "note": note}
    row["sha256"] = hashlib.sha256(raw).hexdigest()
    problems = _new_source_problems(row, dataset, schema, data_dir)
    if problems:
        raise ParameterError("; ".join(problems))
    target = worksheet or data_dir / WORKSHEETS / f"{sid}.csv"
    sources = schema.tables["sources"]
    changes = {
        f"{SOURCES}/{row['path']}": raw,
        sources.path: appended(read_file(data_dir / sources.path), sources, [row]),
    }
    with scratch_folder() as tmp:
        merged = scratch_load(data_dir, changes, (), tmp / "data")
    sheets = worksheet_files(merged, schema, sid, target) | record_worksheet_files(schema, target)
    refuse_existing(*(p for p, data in sheets.items() if not _same_bytes(p, data)))
    target.parent.mkdir(parents=True, exist_ok=True)
    for folder in {data_dir, data_dir / SOURCES, target.parent}:
        remove_stale_staged(folder)  # a killed run's debris
    # One set, the sources.csv row renamed in last: until then no source exists.
    write_all(sheets | {data_dir / name: data for name, data in changes.items()})
    codes, *records = list(sheets)[1:]
    count = sum(len(p.sentences) for p in text.paragraphs)
    warnings = tuple(
        f"¶{p.number} ({len(p.text)} characters) does not end like a sentence: if it is a title "
        f"or heading, it is numbered as body text (headings are lines of at most "
        f"{HEADING_MAX_CHARS} characters without final punctuation) and shifts every reference "
        f"after it; remove it from the text (the title is --title), then "
        f"`russian-views remove-source {sid}` and add the text again"
        for p in title_like(text)
    )
    return AddedSource(
        sid, len(text.paragraphs), count, row["sha256"], target, codes, tuple(records), warnings
    )


def _same_bytes(path: Path, data: bytes) -> bool:
    """Whether ``path`` already holds exactly ``data`` (a blank worksheet left by a run
    killed before it recorded its source); a link is never read."""
    try:
        return read_file(path) == data
    except OSError:
        return False


def _read_text(text_file: Path) -> bytes:
    """The bytes of the text to add, or one line saying what it is instead of a text file
    (a FIFO or /dev/zero is named as such, never read)."""
    real = Path(os.path.realpath(text_file))  # the user's own link is followed, once
    if not (real.exists() or text_file.is_symlink()):
        raise ParameterError(f"no such file: {shorten_path(str(text_file))}")
    try:
        return read_file(real)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if real != Path(text_file).absolute():
            reason += f" ({shorten_path(str(real))})"
        raise DataError([Problem(text_file.name, None, None, None, reason)]) from None


def unfinished(dataset: Dataset, data_dir: Path | None = None) -> list[str]:
    """What additions left incomplete in ``data/worksheets/``, one line each: a worksheet of
    a source sources.csv does not record (left by an add-source stopped before it recorded
    the source: running it again takes the files over), and a recorded source whose
    worksheet lacks a companion file (its codes or a records worksheet)."""
    folder = Path(data_dir or config.DATA_DIR) / WORKSHEETS
    if not folder.is_dir():
        return []
    recorded = set(dataset.sources["source_id"])
    suffixes = ("-codes", *(f"-{table}" for table in RECORDS))
    lines = []
    for sheet in sorted(folder.glob("*.csv")):
        owner = sheet.stem
        if owner not in recorded:
            owner = next((owner[: -len(s)] for s in suffixes if owner.endswith(s)), owner)
        if owner not in recorded:
            lines.append(
                f"{sheet}: a worksheet of no recorded source (left by an add-source that was "
                "stopped: run it again, or delete the file)"
            )
    for source_id in sorted(recorded):
        sheet = folder / f"{source_id}.csv"
        if sheet.exists():
            companions = [codes_path(sheet), *(record_worksheet_path(sheet, t) for t in RECORDS)]
            missing = [p.name for p in companions if not p.exists()]
            if missing:
                lines.append(f"source {source_id!r}: its worksheets lack {', '.join(missing)}")
    return lines
