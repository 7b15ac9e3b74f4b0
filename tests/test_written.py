"""stamp-judgments: the written rows record the record they were written against."""

from __future__ import annotations

import re
from pathlib import Path

from russian_views.cli import main
from russian_views.dataset.load import load_dataset
from russian_views.dataset.written import to_review

# A source mark as another sha256 prefix: the row reads as written against another text.
STALE = re.compile(r"@[0-9a-f]{8}")


def test_stamp_judgments_keeps_a_blank_row_and_stamps_the_rows_around_it(data_copy: Path, capsys):
    """A judgments file with a blank line (a spreadsheet leaves one; validate accepts it)
    is stamped row by row: the blank line stays, every other row is stamped, no crash."""
    path = data_copy / "key_judgments.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    # a blank line after the first record, and every row's marks made stale
    text = STALE.sub("@00000000", "".join([lines[0], lines[1], "\n", *lines[2:]]))
    path.write_text(text, "utf-8")
    assert main(["validate", "--data", str(data_copy)]) == 0
    assert len(to_review(load_dataset(data_copy))) >= len(lines) - 1
    capsys.readouterr()

    assert main(["stamp-judgments", "--data", str(data_copy)]) == 0
    assert "stamped" in capsys.readouterr().out
    after = path.read_text("utf-8").splitlines(keepends=True)
    assert after[2] == "\n", "the blank line is kept where it was"
    assert [line for line in after if line != "\n"] == lines
    assert to_review(load_dataset(data_copy)) == []


def test_stamp_judgments_changes_only_the_two_stamp_columns(data_copy: Path):
    """Every cell but written_against and evidence_digest is kept byte for byte."""
    path = data_copy / "key_judgments.csv"
    before = path.read_text("utf-8")
    path.write_text(STALE.sub("@00000000", before), "utf-8")
    assert main(["stamp-judgments", "--data", str(data_copy)]) == 0
    assert path.read_text("utf-8") == before


def test_a_development_a_judgment_rests_on_changing_marks_it_to_review(data_copy: Path):
    """The evidence digest covers every evidence column the schema defines, the developments
    since the source included: kj28 (China) rests on d061."""
    edit = data_copy / "developments.csv"
    text = edit.read_text("utf-8")
    start = text.index("\nd061,") + 1
    line = text[start : text.index("\n", start)]
    edit.write_text(text.replace(line, line.replace("China", "the PRC", 1)), "utf-8")
    pending = {(r.table, r.row_id): r.reason for r in to_review(load_dataset(data_copy))}
    assert pending == {("key_judgments", "kj28"): "a record it cites has changed"}
