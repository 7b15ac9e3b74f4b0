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
import errno
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from russian_views import config
from russian_views.atomic import read_capped
from russian_views.classroom.coding import (
    RECORDS,
    SOURCES,
    codes_path,
    record_worksheet_path,
    refuse_existing,
    slugify,
    write_record_worksheets,
    write_worksheet,
)
from russian_views.classroom.data_changes import (
    WORKSHEETS,
    appended,
    commit_validated,
)
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.dataset.schema import Schema, load_schema
from russian_views.dataset.sources import HEADING_MAX_CHARS, parse_text, title_like
from russian_views.dataset.validate import MAX_CSV_BYTES, check_value
from russian_views.errors import DataError, ParameterError, Problem
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


def _too_big(exc: OSError) -> str:
    """Why a source text could not be read, in the data files' own words."""
    if exc.errno == errno.EFBIG:
        return f"is larger than {MAX_CSV_BYTES // 2**20} MiB"
    return exc.strerror or str(exc)


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
    if (data_dir / SOURCES / row["path"]).exists():
        problems.append(f"{data_dir / SOURCES / row['path']} already exists")
    return problems


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

    Everything is checked before anything is written; the text and the sources row are
    then committed together through :func:`commit_validated`.
    """
    data_dir = Path(data_dir or config.DATA_DIR)
    dataset = load_dataset(data_dir)
    schema = load_schema(data_dir / "schema.yml")
    if not text_file.is_file():
        raise ParameterError(f"no such file: {shorten_path(str(text_file))}")
    try:
        raw = read_capped(text_file, MAX_CSV_BYTES)
    except OSError as exc:
        raise DataError([Problem(text_file.name, None, None, None, _too_big(exc))]) from None
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
    refuse_existing(
        target, codes_path(target), *(record_worksheet_path(target, t) for t in RECORDS)
    )
    sources = schema.tables["sources"]
    changes = {
        f"{SOURCES}/{row['path']}": raw,
        sources.path: appended((data_dir / sources.path).read_bytes(), sources, [row]),
    }
    merged = commit_validated(data_dir, changes)
    codes = write_worksheet(merged, schema, sid, target)
    records = tuple(write_record_worksheets(schema, target))
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
        sid, len(text.paragraphs), count, row["sha256"], target, codes, records, warnings
    )
