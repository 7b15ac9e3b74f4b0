"""Written rows (key judgments, the view in brief) know the record they were written against.

Each row records the sources it was written against (``written_against``: id and sha256
prefix of each) and a digest of the records it cites (``evidence_digest``). When a source is
added, amended or removed, or a cited record changes, the row is *to review*: ``validate``
and ``render`` say so in one line per row, and the briefing marks it. ``stamp-judgments``
records the current state once the analyst has reviewed them.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from russian_views.atomic import write_atomic
from russian_views.dataset.judgment_rules import WRITTEN, evidence_columns
from russian_views.dataset.load import Dataset

SHA_PREFIX = 8


@dataclass(frozen=True)
class ToReview:
    """Why a written row no longer matches the record it was written against: each reason
    a wording with ``{}`` where a source is named, and that source's id ('' for none)."""

    table: str
    row_id: str
    reasons: tuple[tuple[str, str], ...]

    @property
    def reason(self) -> str:
        """Every reason, each source named by its id (for the command line)."""
        return self.worded({})

    def worded(self, names: Mapping[str, str], shown: Collection[str] | None = None) -> str:
        """The reasons with each source called by ``names`` (its id when absent); given the
        sources a briefing prints (``shown``), a source added that it does not print is no
        reason for that briefing's reader ('' when none is left)."""
        kept = [
            wording.format(names.get(source, source))
            for wording, source in self.reasons
            if shown is None or wording != ADDED or source in shown
        ]
        return "; ".join(kept)

    def line(self) -> str:
        """The one-line warning ``validate`` and ``render`` print."""
        return f"{self.table}.csv: {self.row_id} is to review: {self.reason}"


# How each reason reads; a source added is the one reason a briefing that does not print
# the source leaves out.
ADDED = "written before {} was added"


def source_marks(dataset: Dataset) -> list[str]:
    """Each current source as ``id@sha-prefix``, in table order."""
    return [f"{s.source_id}@{s.sha256[:SHA_PREFIX]}" for s in dataset.sources.itertuples()]


def evidence_digest(dataset: Dataset, row: pd.Series) -> str:
    """A sha256 prefix over the cited records as they stand, field by field (the loader's
    bookkeeping column aside), in id order."""
    digest = hashlib.sha256()
    for column, (table, key) in evidence_columns(dataset.schema).items():
        frame = dataset.tables[table]
        ids = sorted(i for i in str(row.get(column, "")).split("|") if i)
        for _, record in frame[frame[key].isin(ids)].sort_values(key).iterrows():
            fields = [str(v) for k, v in record.items() if k != "_row"]
            digest.update("\x1f".join(fields).encode("utf-8") + b"\x1e")
    return digest.hexdigest()[:12]


def to_review(dataset: Dataset) -> list[ToReview]:
    """Every written row whose sources or cited records changed since it was written.

    Computed once per data version (the hash of every data file), since every briefing and
    every explorer redraw asks and the answer depends on nothing else.
    """
    return list(_to_review(dataset.version, dataset))


_REVIEWED: dict[str, tuple[ToReview, ...]] = {}


def _to_review(version: str, dataset: Dataset) -> tuple[ToReview, ...]:
    if version not in _REVIEWED:
        _REVIEWED.clear()  # one data version at a time: a kernel outlives many
        _REVIEWED[version] = tuple(_check(dataset))
    return _REVIEWED[version]


def _check(dataset: Dataset) -> list[ToReview]:
    current = dict(mark.split("@") for mark in source_marks(dataset))
    out = []
    for table in WRITTEN:
        key = dataset.schema.tables[table].primary_key[0]
        for _, row in dataset.tables[table].iterrows():
            if not row["written_against"]:
                unstamped = (("not yet stamped against the record", ""),)
                out.append(ToReview(table, str(row[key]), unstamped))
                continue
            written = dict(m.split("@") for m in str(row["written_against"]).split("|") if m)
            reasons = [(ADDED, s) for s in current if s not in written]
            reasons += [
                ("written against {}, since removed", s) for s in written if s not in current
            ]
            reasons += [
                ("written before {} was amended", s)
                for s in current
                if s in written and written[s] != current[s]
            ]
            if evidence_digest(dataset, row) != row["evidence_digest"]:
                reasons.append(("a record it cites has changed", ""))
            if reasons:
                out.append(ToReview(table, str(row[key]), tuple(reasons)))
    return out


def stamp(dataset: Dataset, data_dir: Path) -> int:
    """Record the current sources and evidence in every written row (after review); returns
    how many rows changed. Each file is rewritten whole, byte for byte but those cells."""
    changed = 0
    marks = "|".join(source_marks(dataset))
    for table in WRITTEN:
        path = data_dir / f"{table}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
        header = rows[0]
        # The loader skips blank rows, so a record is matched to its line by the spreadsheet
        # row it was read from (``_row``), never by position: a blank line stays as it was.
        records = {int(r["_row"]): r for _, r in dataset.tables[table].iterrows()}
        for number, row in enumerate(rows[1:], start=2):
            if number not in records:
                continue
            record = records[number]
            new = {"written_against": marks, "evidence_digest": evidence_digest(dataset, record)}
            for column, value in new.items():
                if row[header.index(column)] != value:
                    row[header.index(column)] = value
                    changed += 1
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        write_atomic(path, out.getvalue().encode("utf-8"))
    return changed
