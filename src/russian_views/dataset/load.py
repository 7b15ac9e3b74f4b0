"""Loading and validating the dataset: CSV files checked against ``data/schema.yml``.

Why hand-written rather than the ``frictionless`` library: the briefings load the
data on every render, and we want (a) every problem in a file reported at once with
file, row, field and value named in one readable line, (b) checks the generic
standard has no word for — quotes verbatim in the cited sentence, the source text's
sha256, a list field whose items are foreign keys — and (c) a load that takes
milliseconds, not seconds. ``data/datapackage.json`` keeps the data usable by
Frictionless tools all the same.

Row numbers are spreadsheet rows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from russian_views import config
from russian_views.dataset.files import digest_of
from russian_views.dataset.forecast_rules import forecast_problems
from russian_views.dataset.judgment_rules import judgment_problems
from russian_views.dataset.schema import Schema, Table, load_schema
from russian_views.dataset.sources import SourceText
from russian_views.dataset.validate import (
    Record,
    citation_problems,
    header_problems,
    key_problems,
    parse_table,
    read_rows,
    reference_problems,
    row_rules,
    source_problems,
)
from russian_views.errors import DataError, Problem

if TYPE_CHECKING:  # pandas is imported when frames are built, so reading rows stays light
    import pandas as pd

_NON_EMPTY = ("sources", "codebook", "actors", "claims")


@dataclass(frozen=True)
class Dataset:
    """The validated tables (pandas DataFrames), the parsed source texts and the schema they
    were checked against (what a column means is read from it, never restated)."""

    tables: dict[str, pd.DataFrame]
    texts: dict[str, SourceText]
    version: str
    schema: Schema

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @cached_property
    def _labels(self) -> dict[tuple[str, str], str]:
        cb = self.tables["codebook"]
        return dict(zip(zip(cb["list"], cb["code"], strict=True), cb["label"], strict=True))

    def label(self, code_list: str, code: str) -> str:
        """Reader-facing label of a code (``label('stance', 'hostile')`` → ``'Hostile'``)."""
        return self._labels.get((code_list, code), code)

    def definition(self, code_list: str, code: str) -> str:
        """The codebook's definition of a code (what a reader needs to know to read it)."""
        cb = self.tables["codebook"]
        return str(cb.loc[(cb["list"] == code_list) & (cb["code"] == code), "definition"].iloc[0])

    def codes(self, code_list: str) -> list[str]:
        """The codes of one list, in codebook order."""
        cb = self.tables["codebook"]
        return cb.loc[cb["list"] == code_list, "code"].tolist()

    def scores(self, code_list: str) -> dict[str, int]:
        """Ordinal score of each code of a scaled list (stance, likelihood)."""
        cb = self.tables["codebook"]
        rows = cb[(cb["list"] == code_list) & cb["score"].notna()]
        return {code: int(score) for code, score in zip(rows["code"], rows["score"], strict=True)}

    def sentence_text(self, source_id: str, paragraph: int, sentence: int) -> str:
        """The full text of a cited sentence."""
        return self.texts[source_id].sentence(int(paragraph), int(sentence)).text


# ---------------------------------------------------------------- the loader


def _frame(table: Table, records: list[Record]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame.from_records(records, columns=["_row", *table.field_names])
    for f in table.fields:
        if f.type == "integer":
            frame[f.name] = frame[f.name].astype("Int64")
        elif f.type == "boolean":
            frame[f.name] = frame[f.name].astype(bool)
        else:
            frame[f.name] = frame[f.name].fillna("").astype(str)
    return frame


def _data_files(data_dir: Path, schema: Schema, sources: list[Record]) -> tuple[Path, ...]:
    """Every file the briefings depend on: the schema, its tables and the source texts."""
    files = [data_dir / "schema.yml", *(data_dir / t.path for t in schema.tables.values())]
    return (*files, *(data_dir / "sources" / str(r["path"]) for r in sources))


def _content_digest(files: tuple[Path, ...]) -> str:
    """The sha256 of ``files``' names and bytes (a missing file adds nothing); empty when
    one can no longer be read (a link, a FIFO, over the cap), so that a fresh load, which
    never equals it, reports it."""
    try:
        return digest_of((p, p.name) for p in files if p.exists() or p.is_symlink())
    except OSError:
        return ""


@dataclass(frozen=True)
class _Loaded:
    """A dataset loaded in this process, with the files it was read from and their digest."""

    files: tuple[Path, ...]
    digest: str
    dataset: Dataset


# A warm kernel renders one briefing after another from the same data: validating the data
# once per process instead of once per briefing is most of a large dataset's load. The
# dataset is reused only while every file it was read from has the same bytes.
_LOADED: dict[Path, _Loaded] = {}  # at most one entry: the last folder loaded


def _each_record(tables: dict[str, list[Record]]) -> Iterator[tuple[str, Record]]:
    for name, records in tables.items():
        for r in records:
            yield f"{name}.csv", r


def load_dataset(data_dir: Path | None = None) -> Dataset:
    """Read and validate every table; raise :class:`DataError` listing all problems.

    The same process asking again for data whose files are unchanged gets the dataset it
    was given last time (the tables are never modified in place: every query copies).
    """
    data_dir = Path(data_dir or config.DATA_DIR)
    last = _LOADED.get(data_dir)
    if last is not None and _content_digest(last.files) == last.digest:
        return last.dataset
    return _validated(data_dir)


def _validated(data_dir: Path) -> Dataset:
    """Read and validate every table of ``data_dir`` (see :func:`load_dataset`)."""
    schema = load_schema(data_dir / "schema.yml")
    problems: list[Problem] = []
    codes: dict[str, set[str]] = {}
    records: dict[str, list[Record]] = {}
    unreadable: set[str] = set()
    for table in schema.tables.values():
        header, rows, read_problems = read_rows(data_dir / table.path)
        file_problems = read_problems or header_problems(table, header)
        problems += file_problems
        if file_problems:
            unreadable.add(table.name)
            records[table.name] = []
            continue
        parsed, cell_problems = parse_table(table, header, rows, codes)
        problems += cell_problems + key_problems(table, parsed)
        if not parsed and table.name in _NON_EMPTY:
            problems.append(Problem(table.path, None, None, None, "has no records"))
        records[table.name] = parsed
        if table.name == "codebook":
            for r in parsed:
                codes.setdefault(str(r["list"]), set()).add(str(r["code"]))
    for table in schema.tables.values():
        problems += reference_problems(table, records[table.name], records, unreadable)
    texts, text_problems = source_problems(records.get("sources", []), data_dir / "sources")
    problems += text_problems
    for file, r in _each_record(records):
        problems += row_rules(file, r) + citation_problems(file, r, texts)
    problems += judgment_problems(schema, records, unreadable)
    problems += forecast_problems(records, unreadable)
    if problems:
        raise DataError(problems)
    files = _data_files(data_dir, schema, records["sources"])
    digest = _content_digest(files)
    frames = {t.name: _frame(t, records[t.name]) for t in schema.tables.values()}
    dataset = Dataset(frames, texts, digest[:12], schema)
    _LOADED.clear()
    _LOADED[data_dir] = _Loaded(files, digest, dataset)
    return dataset


def codes_by_list(dataset: Dataset) -> dict[str, list[str]]:
    """Codebook codes grouped by list, in codebook order (for the data package)."""
    cb = dataset.tables["codebook"]
    return {name: group["code"].tolist() for name, group in cb.groupby("list", sort=False)}


def uncovered_sentences(dataset: Dataset) -> list[tuple[str, int, int]]:
    """Sentences no record cites and ``uncoded.csv`` does not list (should be none)."""
    cited: set[tuple[str, int, int]] = set()
    for name in ("claims", "events", "expectations", "signposts", "uncoded"):
        frame = dataset.tables[name]
        cited |= set(
            zip(
                frame["source_id"],
                frame["paragraph"].astype(int),
                frame["sentence"].astype(int),
                strict=True,
            )
        )
    return [
        (source_id, s.paragraph, s.number)
        for source_id, text in dataset.texts.items()
        for s in text.all_sentences()
        if (source_id, s.paragraph, s.number) not in cited
    ]
