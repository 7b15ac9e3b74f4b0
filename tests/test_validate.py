"""validate's checks users' trust rests on, through the loader: quotes verbatim in the very
sentence cited, and a forecast's status that says what happened resting on the public record.

Written against the rules, not the columns: they hold whichever columns carry the record.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from russian_views.dataset.load import load_dataset
from russian_views.dataset.sources import read_source
from russian_views.errors import DataError

# The statuses that assert what happened after the source (codebook: forecast_status).
SETTLED = ("occurred", "not-occurred", "overtaken")
# Columns that hold a forecast's public record, whatever the schema calls them.
RECORD_COLUMNS = ("status_record", "status_url", "status_basis")


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(data_dir)
    return [str(p) for p in info.value.problems]


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_table(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), "utf-8")


def test_a_quote_from_another_sentence_of_the_paragraph_is_refused(data_copy: Path):
    """A quote is checked against the sentence it cites, not the paragraph around it: cite
    the next sentence of the same paragraph and the quote is not verbatim there."""
    text = read_source(data_copy / "sources" / "asan-forum-2021.txt")
    header, rows = read_table(data_copy / "claims.csv")
    index, row = next(
        (i, r)
        for i, r in enumerate(rows)
        if r["quote"]
        and int(r["sentence"]) < len(text.paragraph(int(r["paragraph"])).sentences)
        and r["quote"] not in text.sentence(int(r["paragraph"]), int(r["sentence"]) + 1).text
    )
    paragraph, sentence = int(row["paragraph"]), int(row["sentence"]) + 1
    assert row["quote"] in text.paragraph(paragraph).text  # in the paragraph all the same
    row["sentence"] = str(sentence)
    write_table(data_copy / "claims.csv", header, rows)
    found = problems(data_copy)
    assert f"claims.csv, row {index + 2}, field 'quote'" in found[0]
    assert f"is not verbatim in ¶{paragraph} s{sentence} (" in found[0]
    assert len(found) == 1


@pytest.mark.parametrize("status", SETTLED)
def test_a_settled_status_without_its_public_record_is_refused(data_copy: Path, status: str):
    """occurred, did not occur and overtaken say what happened after the source, so each
    must rest on a public record: a forecast given one of them with its record cleared is
    refused, naming the field that must hold the record."""
    path = data_copy / "expectations.csv"
    header, rows = read_table(path)
    record = [c for c in RECORD_COLUMNS if c in header]
    assert record, f"expectations.csv has none of {RECORD_COLUMNS}: update this test"
    rows[0]["status"] = status
    for column in record:
        rows[0][column] = ""
    write_table(path, header, rows)
    found = problems(data_copy)
    mine = [p for p in found if p.startswith("expectations.csv, row 2, field")]
    assert any(f"field '{column}'" in p for p in mine for column in record), found


def _two_sources(data_copy: Path) -> list[str]:
    """The data with a second source, a copy of the first under another name: its paths."""
    header, rows = read_table(data_copy / "sources.csv")
    first = rows[0]["path"]
    (data_copy / "sources" / "copy.txt").write_bytes((data_copy / "sources" / first).read_bytes())
    rows.append(dict(rows[0], source_id="a-copy", path="copy.txt"))
    write_table(data_copy / "sources.csv", header, rows)
    return [first, "copy.txt"]


def _source_problems(data_copy: Path) -> list[str]:
    return [p for p in problems(data_copy) if p.startswith("sources.csv")]


def test_every_missing_source_text_is_named_with_its_folder(data_copy: Path):
    for path in _two_sources(data_copy):
        (data_copy / "sources" / path).unlink()
    first, second = _source_problems(data_copy)
    folder = data_copy / "sources"
    assert first.startswith(f"sources.csv, row 2, field 'path': no such file in {folder}")
    assert second.startswith(f"sources.csv, row 3, field 'path': no such file in {folder}")
    assert "(value 'copy.txt')" in second


def test_every_changed_source_text_fails_its_hash_naming_the_recorded_one(data_copy: Path):
    """A changed byte in each of two texts: each row is refused, with the sha256 recorded
    for it and why it matters (the numbers may point at other words)."""
    recorded = read_table(data_copy / "sources.csv")[1][0]["sha256"]
    for path in _two_sources(data_copy):
        with (data_copy / "sources" / path).open("ab") as text:
            text.write(b" ")
    found = _source_problems(data_copy)
    assert [line.split(":")[0] for line in found] == [
        "sources.csv, row 2, field 'sha256'",
        "sources.csv, row 3, field 'sha256'",
    ]
    for line in found:
        assert "the text changed, so paragraph and sentence numbers" in line
        assert "may no longer point at the same words" in line
        assert f"(value '{recorded[:20]}" in line


def test_a_citation_of_no_such_sentence_names_the_sentence_and_the_count(data_copy: Path):
    header, rows = read_table(data_copy / "claims.csv")
    rows[0]["sentence"] = "99"
    write_table(data_copy / "claims.csv", header, rows)
    (line,) = problems(data_copy)
    paragraph = rows[0]["paragraph"]
    assert line.startswith("claims.csv, row 2, field 'paragraph/sentence': cites no such ")
    assert f"sentence 99 of paragraph {paragraph} (it has " in line
    assert line.endswith(f"(value '{paragraph}.99')")


def test_a_quote_not_in_its_sentence_is_echoed_in_the_problem(data_copy: Path):
    header, rows = read_table(data_copy / "claims.csv")
    quoted = next(r for r in rows if r["quote"])
    quoted["quote"] = "words the source never wrote"
    write_table(data_copy / "claims.csv", header, rows)
    (line,) = problems(data_copy)
    assert line.endswith("(value 'words the source never wrote')")


@pytest.mark.parametrize("empty", ["paragraph", "sentence"])
def test_a_citation_missing_its_paragraph_or_sentence_is_reported_not_a_crash(
    data_copy: Path, empty: str
):
    header, rows = read_table(data_copy / "claims.csv")
    rows[0][empty] = ""
    write_table(data_copy / "claims.csv", header, rows)
    found = problems(data_copy)
    assert [p.split(":")[0] for p in found] == [f"claims.csv, row 2, field '{empty}'"]
