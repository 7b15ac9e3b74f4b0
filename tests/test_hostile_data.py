"""Hostile and broken data files: every problem named by file, row, field and value, at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from russian_views.data import load_dataset
from russian_views.errors import DataError

from .conftest import edit_csv

# ---------------------------------------------------------------- broken files


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(data_dir)
    return [str(p) for p in info.value.problems]


def test_value_outside_the_codebook_names_file_row_field_value(data_copy):
    edit_csv(data_copy / "claims.csv", "\nc002,moscow,", "\nc002,moskow,")
    (line,) = problems(data_copy)
    assert line.startswith("claims.csv, row 3, field 'view': is not a view code")
    assert "'moskow'" in line and "moscow, reviewer" in line


def test_all_problems_in_a_file_are_reported_at_once(data_copy):
    path = data_copy / "claims.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    for index in (1, 5, 9):
        lines[index] = lines[index].replace(",asan-forum-2021,", ",no-such-source,")
    path.write_text("".join(lines), "utf-8")
    found = problems(data_copy)
    assert [p.split(",")[1] for p in found] == [" row 2", " row 6", " row 10"]


def test_missing_and_extra_columns(data_copy):
    edit_csv(data_copy / "events.csv", "date_basis,", "basis,")
    found = problems(data_copy)
    assert "events.csv, row 1, field 'date_basis': column is missing" in found
    assert "events.csv, row 1, field 'basis': column is not in the schema" in found


def test_missing_file(data_copy):
    (data_copy / "signposts.csv").unlink()
    assert "signposts.csv: file is missing" in problems(data_copy)


def test_wrong_type(data_copy):
    path = data_copy / "claims.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    lines[1] = lines[1].replace(f",{cells[8]},", ",twenty,", 1)
    path.write_text("".join(lines), "utf-8")
    assert any(
        "field 'period_end': is not a whole number (value 'twenty')" in p
        for p in problems(data_copy)
    )


def test_duplicate_id(data_copy):
    edit_csv(data_copy / "claims.csv", "\nc002,", "\nc001,")
    assert any(
        "claims.csv, row 3, field 'claim_id'" in p and "duplicate" in p for p in problems(data_copy)
    )


def test_dangling_reference(data_copy):
    edit_csv(
        data_copy / "actors.csv",
        "kim-jong-un,Kim Jong-un,leader,north-korea",
        "kim-jong-un,Kim Jong-un,leader,north-corea",
    )
    assert any(
        "actors.csv" in p and "'parent_id'" in p and "refers to no actors.actor_id" in p
        for p in problems(data_copy)
    )


def test_quote_not_in_cited_sentence(data_copy, dataset):
    first = dataset.claims.iloc[0]
    edit_csv(data_copy / "claims.csv", first["quote"], first["quote"] + " and more")
    found = problems(data_copy)
    assert any("claims.csv, row 2, field 'quote'" in p and "not verbatim" in p for p in found)


def test_changed_source_text_fails_the_sha256_check(data_copy):
    path = data_copy / "sources" / "asan-forum-2021.txt"
    path.write_bytes(path.read_bytes().replace(b"Moscow", b"Moskva", 1))
    (line,) = problems(data_copy)
    assert "sources.csv, row 2, field 'sha256'" in line and "does not match" in line


def test_bom_and_crlf_from_a_spreadsheet_are_accepted(data_copy):
    path = data_copy / "claims.csv"
    text = path.read_text("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert len(load_dataset(data_copy).claims) == text.count("\nc")


def test_latin1_file_is_refused_with_the_byte_offset(data_copy):
    path = data_copy / "actors.csv"
    path.write_bytes(path.read_text("utf-8").replace("Moon Jae In", "Mün").encode("latin-1"))
    (line,) = problems(data_copy)
    assert line.startswith("actors.csv: is not UTF-8: byte 0xfc at offset")


def test_empty_claims_table(data_copy):
    path = data_copy / "claims.csv"
    path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    assert "claims.csv: has no records" in problems(data_copy)


def test_overlong_field_is_refused(data_copy, dataset):
    first = dataset.claims.iloc[0]
    edit_csv(data_copy / "claims.csv", first["paraphrase"], "x" * 1_000_000)
    assert any(
        "field 'paraphrase': is 1000000 characters long (at most 600)" in p
        for p in problems(data_copy)
    )


def test_reviewer_row_with_a_stance_is_refused(data_copy, dataset):
    row = dataset.claims[dataset.claims["view"] == "reviewer"].iloc[0]
    path = data_copy / "claims.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    index = int(row["_row"]) - 1
    lines[index] = lines[index].replace(f",{row['theme']},,", f",{row['theme']},hostile,", 1)
    path.write_text("".join(lines), "utf-8")
    assert any("must be empty on a reviewer row" in p for p in problems(data_copy))
