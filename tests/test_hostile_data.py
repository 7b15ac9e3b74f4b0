"""Hostile and broken data files: every problem named by file, row, field and value, at once."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from russian_views.dataset.load import load_dataset
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


def test_a_quote_that_differs_only_in_case_or_spacing_is_not_verbatim(data_copy, dataset):
    """Verbatim means the same characters: a quote in another case, or with its spaces
    doubled, is refused (a case-insensitive match would let a misquote through)."""
    first = dataset.claims.iloc[0]
    edit_csv(data_copy / "claims.csv", first["quote"], first["quote"].upper())
    found = problems(data_copy)
    assert any("claims.csv, row 2, field 'quote'" in p and "not verbatim" in p for p in found)
    edit_csv(data_copy / "claims.csv", first["quote"].upper(), first["quote"].replace(" ", "  "))
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


# ---------------------------------------------------------------- key judgments and signposts


def replace_cell(path: Path, key: str, field: str, value: str) -> None:
    """Set one cell of the row whose first cell is ``key``."""
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
    column = rows[0].index(field)
    (row,) = [r for r in rows[1:] if r[0] == key]
    row[column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8")


def _row_of(path: Path, key: str) -> int:
    """The row number a message gives a record (the header is row 1)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(f"{key},"))


def test_judgment_citing_another_actors_record_is_refused(data_copy):
    # c148 is about Russia and the US: it cannot carry a judgment of the China briefing.
    replace_cell(data_copy / "key_judgments.csv", "kj15", "claim_ids", "c076|c148")
    (line,) = problems(data_copy)
    row = _row_of(data_copy / "key_judgments.csv", "kj15")
    assert line.startswith(f"key_judgments.csv, row {row}, field 'claim_ids'")
    assert "'c148'" in line and "does not concern china" in line


@pytest.mark.parametrize(
    "column, foreign",
    [
        ("claim_ids", "c148"),
        ("event_ids", "e002"),
        ("expectation_ids", "x002"),
        ("development_ids", "d002"),
    ],
)
def test_every_evidence_column_the_schema_defines_is_checked(data_copy, column, foreign):
    """Each list column of key_judgments that references a table is evidence (read from
    schema.yml, not listed in code): a record about other actors cannot carry a judgment of
    the China briefing, whichever column cites it."""
    replace_cell(data_copy / "key_judgments.csv", "kj28", column, foreign)
    row = _row_of(data_copy / "key_judgments.csv", "kj28")
    expected = (
        f"key_judgments.csv, row {row}, field '{column}': does not concern china or an actor "
        f"of its family (value '{foreign}')"
    )
    assert expected in problems(data_copy)


def test_judgment_for_no_briefing_names_the_briefings(data_copy):
    replace_cell(data_copy / "key_judgments.csv", "kj01", "briefing", "russia")
    (line,) = problems(data_copy)
    assert "field 'briefing': is not a briefing" in line
    assert "china, north-korea, south-korea, united-states, overview" in line


def test_repeated_rank_within_a_briefing_is_refused(data_copy):
    replace_cell(data_copy / "key_judgments.csv", "kj02", "rank", "1")
    (line,) = problems(data_copy)
    assert "field 'rank': repeats the rank of row 2 in briefing north-korea" in line


def test_judgment_without_evidence_or_with_a_citation_marker_is_refused(data_copy):
    path = data_copy / "key_judgments.csv"
    for field in ("claim_ids", "event_ids", "expectation_ids"):
        replace_cell(path, "kj06", field, "")
    replace_cell(path, "kj08", "judgment", "Moscow worries about 2022 [¶12 s5].")
    found = problems(data_copy)
    row6, row8 = _row_of(path, "kj06"), _row_of(path, "kj08")
    assert any(f"row {row6}," in p and "no claim, event or expectation cited" in p for p in found)
    assert any(f"row {row8}," in p and "carries a citation marker" in p for p in found)


def test_judgment_outside_the_probability_scale_is_refused(data_copy):
    replace_cell(data_copy / "key_judgments.csv", "kj05", "probability", "probable")
    (line,) = problems(data_copy)
    assert "is not a probability code" in line and "almost-certain" in line


def test_a_development_needs_its_record_with_a_web_address(data_copy):
    """Its outlet and an address as found (http kept where an archive serves only that,
    anything else refused)."""
    path = data_copy / "developments.csv"
    replace_cell(path, "d002", "outlet", "")
    replace_cell(path, "d003", "url", "ftp://elsewhere.example/record")
    found = problems(data_copy)
    assert "developments.csv, row 3, field 'outlet': is required (value '')" in found
    assert any("row 4, field 'url'" in p and "does not match" in p for p in found)


def test_reservation_on_a_moscow_row_is_refused(data_copy):
    replace_cell(data_copy / "claims.csv", "c002", "claim_kind", "reservation")
    (line,) = problems(data_copy)
    assert "claims.csv, row 3, field 'claim_kind'" in line and "reviewer rows only" in line


def test_a_device_or_a_huge_file_is_refused_not_read_for_ever(data_copy, monkeypatch):
    """/dev/zero as a worksheet would be read until memory runs out; a file past the size
    limit is refused before it is read."""
    from russian_views.dataset import validate

    assert validate.read_rows(Path("/dev/zero"))[2][0].message == "is not a regular file"
    monkeypatch.setattr(validate, "MAX_CSV_BYTES", 100)
    with pytest.raises(DataError, match=r"claims\.csv: is larger than"):
        load_dataset(data_copy)


def test_a_data_file_linked_from_outside_the_folder_is_refused_unread(data_copy, tmp_path):
    """A data file that is a link to a file elsewhere (another user's, /etc/shadow) is
    refused without reading it, so no line of it is ever echoed."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-HASH:19000:0:99999:7:::\n", encoding="utf-8")
    (data_copy / "actors.csv").unlink()
    (data_copy / "actors.csv").symlink_to(secret)
    found = problems(data_copy)
    assert any(p.startswith("actors.csv: is a link to a file outside its folder") for p in found), (
        found
    )
    assert not any("SECRET" in p for p in found)
