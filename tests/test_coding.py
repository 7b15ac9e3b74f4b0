"""Adding a source and importing a coding worksheet: end to end, and every refusal."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest

from russian_views import cli as command
from russian_views import config
from russian_views.classroom import add_source, coding, data_changes, import_coding, remove_source
from russian_views.dataset.load import load_dataset, uncovered_sentences
from russian_views.dataset.schema import load_schema
from russian_views.errors import DataError, ParameterError

TEXT = """\
Moscow and Seoul

Russian diplomats praised Seoul for its restraint in 2019. They called the Moon government \
a partner for trilateral projects. Officials in Moscow’s foreign ministry said little else.

Outlook

Moscow expects little from Washington. The reviewer doubts that this will change.
"""
TITLE = "Moscow and Seoul: a test note"
SOURCE_ID = "tester-2023"  # the default id: the author's surname and the year


def next_ids(data_dir: Path, n: int) -> list[str]:
    """The ids the next ``n`` imported claims take: after the highest in claims.csv."""
    ids = [r["claim_id"] for r in csv.DictReader((data_dir / "claims.csv").open(encoding="utf-8"))]
    top = max(int(i[1:]) for i in ids)
    return [f"c{top + k:03d}" for k in range(1, n + 1)]


def run(*argv: str) -> int:
    """Run a command as ``russian-views`` parses it, letting our errors through (the CLI
    turns them into one line and exit 2; here the tests inspect them)."""
    args = command.build_parser().parse_args(argv)
    handler = next(c.handler for c in command.COMMANDS if c.name == args.command)
    return command._load(handler)(args)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path: equal snapshots = nothing written."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def read_sheet(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_sheet(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def claim(**cells: str) -> dict[str, str]:
    """A valid claim about Seoul from ¶1 s1 of the test text, with ``cells`` changed."""
    return {
        "view": "moscow",
        "subject_id": "south-korea",
        "counterpart_id": "russia",
        "theme": "diplomacy",
        "stance": "favourable",
        "claim_kind": "assessment",
        "period_start": "2019",
        "period_end": "2019",
        "paraphrase": "Russian diplomats commend Seoul's restraint.",
        "quote": "praised Seoul for its restraint",
    } | cells


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def added(data_copy: Path, text_file: Path, capsys) -> Path:
    """The test text added to a copy of the data through the command; its worksheet."""
    assert run(
        "add-source", str(text_file), "--kind", "review", "--title", TITLE,
        "--outlet", "Test Review",
        "--date", "2023-05", "--author", "A. Tester", "--data", str(data_copy),
    ) == 0  # fmt: skip
    assert f"added source '{SOURCE_ID}': 2 paragraphs" in capsys.readouterr().out
    return data_copy / data_changes.WORKSHEETS / f"{SOURCE_ID}.csv"


def test_worksheet_columns_are_the_schema_fields():
    tables = load_schema().tables
    claims = [f for f in tables["claims"].field_names if f not in ("claim_id", *coding.LOCATION)]
    assert list(coding.CLAIM_FIELDS) == claims
    uncoded = [f for f in tables["uncoded"].field_names if f not in coding.LOCATION]
    assert list(coding.UNCODED_FIELDS) == uncoded


def test_add_source_stores_the_text_records_it_and_writes_a_worksheet(
    added: Path, data_copy: Path, text_file: Path
):
    stored = data_copy / "sources" / f"{SOURCE_ID}.txt"
    assert stored.read_bytes() == text_file.read_bytes()
    row = load_dataset(data_copy).sources.set_index("source_id").loc[SOURCE_ID]
    assert row["sha256"] == hashlib.sha256(text_file.read_bytes()).hexdigest()
    assert (row["published"], row["author"], row["path"]) == ("2023-05", "A. Tester", stored.name)
    assert added.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets then read UTF-8
    rows = read_sheet(added)
    assert list(rows[0]) == list(coding.COLUMNS)
    assert [(r["paragraph"], r["sentence"]) for r in rows] == [
        ("1", "1"), ("1", "2"), ("1", "3"), ("2", "1"), ("2", "2"),
    ]  # fmt: skip
    assert [r["section"] for r in rows] == ["Moscow and Seoul"] * 3 + ["Outlook"] * 2
    assert rows[1]["sentence_text"].startswith("They called the Moon government")
    codes = read_sheet(coding.codes_path(added))
    assert {"moscow", "reviewer", "hostile", "framing", "south-korea"} <= {c["code"] for c in codes}


def test_end_to_end_fill_import_and_load(added: Path, data_copy: Path, capsys):
    rows = read_sheet(added)
    before = load_dataset(data_copy)
    rows[0] |= claim()
    second = rows[0] | claim(subject_id="moon-jae-in", quote="restraint in 2019")
    rows[1] |= claim(
        theme="economic", stance="supportive", quote="a partner for trilateral projects"
    )
    rows[2] |= {"reason": "framing", "note": "Rounds off the paragraph."}
    rows[4] |= claim(view="reviewer", subject_id="russia", stance="", counterpart_id="",
                     quote="The reviewer doubts")  # fmt: skip
    worksheet = write_sheet(added, [*rows[:1], second, *rows[1:]])

    assert run("import-coding", str(worksheet), "--data", str(data_copy)) == 0

    out = capsys.readouterr().out
    first, second_id, third, fourth = next_ids(config.DATA_DIR, 4)
    assert f"imported 4 claims ({first}–{fourth}) and 1 uncoded sentence from" in out
    assert f"still blank (1): {SOURCE_ID} ¶2 s1" in out
    after = load_dataset(data_copy)
    new = after.claims[after.claims["source_id"] == SOURCE_ID]
    assert len(after.claims) == len(before.claims) + 4
    assert new["claim_id"].tolist() == [first, second_id, third, fourth]
    assert new["subject_id"].tolist() == ["south-korea", "moon-jae-in", "south-korea", "russia"]
    assert after.sentence_text(SOURCE_ID, 1, 2).endswith("trilateral projects.")
    assert after.uncoded.iloc[-1][["source_id", "paragraph", "sentence", "reason"]].tolist() == [
        SOURCE_ID, 1, 3, "framing",
    ]  # fmt: skip
    assert uncovered_sentences(after) == [(SOURCE_ID, 2, 1)]
    # The rows already in the data are untouched, byte for byte.
    old = (config.DATA_DIR / "claims.csv").read_bytes()
    assert (data_copy / "claims.csv").read_bytes().startswith(old)


# ---------------------------------------------------------------- refusals: import


def refused(worksheet: Path, data_dir: Path) -> list[tuple[int | None, str | None, str]]:
    """Import a worksheet that must be refused; (row, field, message) of each problem,
    after checking that no file of the data folder changed."""
    before = snapshot(data_dir)
    with pytest.raises(DataError) as info:
        import_coding.import_worksheet(worksheet, data_dir)
    assert snapshot(data_dir) == before
    return [(p.row, p.field, p.message) for p in info.value.problems]


def test_unknown_codes_and_bad_references_are_all_named_with_worksheet_rows(
    added: Path, data_copy: Path
):
    rows = read_sheet(added)
    rows[0] |= claim(theme="diplomcy")
    rows[1] |= claim(subject_id="narnia", quote="the Moon government")
    rows[3] |= claim(quote="not in the sentence")
    rows[4] |= claim(view="reviewer", stance="hostile", quote="The reviewer doubts")
    problems = refused(write_sheet(added, rows), data_copy)
    assert [(row, field) for row, field, _ in problems] == [
        (2, "theme"), (3, "subject_id"), (5, "quote"), (6, "stance"),
    ]  # fmt: skip
    assert "is not a theme code of the codebook" in problems[0][2]
    assert problems[1][2].startswith("unknown actor 'narnia'")
    assert "; choose one of: north-korea, south-korea," in problems[1][2]
    assert "is not verbatim in ¶2 s1" in problems[2][2]


def test_a_sentence_that_does_not_exist_is_a_bad_reference(added: Path, data_copy: Path):
    rows = read_sheet(added)
    rows[0] |= claim() | {"paragraph": "7"}
    rows[1] |= claim() | {"source_id": "no-such-source"}
    problems = refused(write_sheet(added, rows), data_copy)
    assert (2, "paragraph/sentence") in [(row, field) for row, field, _ in problems]
    assert (3, "source_id", "refers to no sources.source_id") in problems


def test_rows_duplicating_existing_claims_are_refused_with_their_rows(data_copy: Path):
    """The shipped reference coding repeats the project's own claims of ¶8, row for row."""
    reference = config.DATA_DIR / "exercises" / "reference.csv"
    problems = refused(reference, data_copy)
    assert [row for row, _, _ in problems] == list(range(2, 11))
    assert problems[0][2].startswith("duplicates claim c083 (claims.csv row 82)")


def test_duplicates_within_the_worksheet_and_of_claim_ids(added: Path, data_copy: Path):
    rows = [r | {"claim_id": ""} for r in read_sheet(added)]
    rows[0] |= claim()
    rows[1] |= claim(quote="a partner") | {"claim_id": "c001"}
    repeat = dict(rows[0])
    problems = refused(write_sheet(added, [*rows, repeat]), data_copy)
    assert (7, None, "repeats row 2: same sentence, subject, theme and quote") in problems
    assert any(row == 3 and field == "claim_id" and "claim c001" in m for row, field, m in problems)


def test_a_sentence_is_either_coded_or_given_a_reason(added: Path, data_copy: Path):
    rows = read_sheet(added)
    rows[0] |= claim() | {"reason": "framing"}
    rows[1] |= claim(quote="a partner")
    extra = dict(rows[1]) | dict.fromkeys(coding.CLAIM_FIELDS, "") | {"reason": "covered"}
    problems = refused(write_sheet(added, [*rows, extra]), data_copy)
    assert [(row, field) for row, field, _ in problems] == [(2, "reason"), (7, "reason")]


def test_an_unknown_column_or_a_worksheet_with_nothing_coded_is_refused(
    added: Path, data_copy: Path
):
    rows = read_sheet(added)
    problems = refused(added, data_copy)
    assert problems == [(None, None, problems[0][2])]
    assert "has no coded row" in problems[0][2]
    write_sheet(added, [r | {"stnace": ""} for r in rows])
    assert refused(added, data_copy)[0][:2] == (1, "stnace")


def test_the_merged_tables_are_validated_before_anything_is_replaced(data_copy: Path):
    before = snapshot(data_copy)
    good = (data_copy / "uncoded.csv").read_bytes() + b"asan-forum-2021,8,1,framing,\n"
    broken = b"claim_id,view\n"
    with pytest.raises(DataError):
        data_changes.commit_validated(data_copy, {"uncoded.csv": good, "claims.csv": broken})
    assert snapshot(data_copy) == before


# ---------------------------------------------------------------- refusals: add-source


def add(data_dir: Path, text_file: Path, *options: str) -> None:
    argv = ["--kind", "review", "--title", TITLE, "--outlet", "Test Review", "--date", "2023",
            *options]  # fmt: skip
    run("add-source", str(text_file), *argv, "--data", str(data_dir))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (TEXT.encode("cp1252") + "Café".encode("cp1252"), "is not UTF-8: byte 0x92 at offset"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "starts with a byte-order mark"),
        (b"Only a heading\n", "has no body paragraphs"),
    ],
    ids=["cp1252", "bom", "no-paragraphs"],
)
def test_a_text_that_cannot_be_stored_as_is_is_refused(data_copy, tmp_path, content, message):
    text_file = tmp_path / "note.txt"
    text_file.write_bytes(content)
    before = snapshot(data_copy)
    with pytest.raises(DataError, match=message):
        add(data_copy, text_file)
    assert snapshot(data_copy) == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--id", "asan-forum-2021"], "source id 'asan-forum-2021' is taken"),
        (["--id", "Not A Slug"], "--id 'Not A Slug' does not match the pattern"),
        (["--date", "2021-13"], "--date '2021-13' is not a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        (["--date", "May 2021"], "--date 'May 2021' does not match the pattern"),
        (["--url", "example.org"], "--url 'example.org' does not match the pattern"),
    ],
)
def test_bad_options_are_refused_in_one_line(data_copy, text_file, options, message):
    before = snapshot(data_copy)
    with pytest.raises(ParameterError, match=message):
        add(data_copy, text_file, *options)
    assert snapshot(data_copy) == before


def test_the_same_text_cannot_be_added_twice(data_copy: Path, tmp_path: Path):
    asan = config.SOURCES_DIR / "asan-forum-2021.txt"
    copy = tmp_path / "copy.txt"
    copy.write_bytes(asan.read_bytes())
    with pytest.raises(ParameterError, match="this text is already source 'asan-forum-2021'"):
        add(data_copy, copy, "--id", "another-id")


def test_an_existing_worksheet_is_never_overwritten(added: Path, data_copy: Path, tmp_path: Path):
    other = tmp_path / "other.txt"
    other.write_text("Moscow said nothing at all.\n", encoding="utf-8")
    before = snapshot(data_copy)
    with pytest.raises(ParameterError, match="already exists \\(it may hold coding work\\)"):
        add(data_copy, other, "--id", "a-new-id", "--out", str(added))
    assert snapshot(data_copy) == before


def test_slugs_are_ascii_words_cut_at_a_word():
    assert coding.slugify("[Review of Seoul’s “Eurasia” policy — 2014]") == (
        "review-of-seouls-eurasia-policy-2014"
    )
    assert coding.slugify("Čeština a Korea") == "cestina-a-korea"
    assert coding.slugify("word " * 20, max_length=12) == "word-word"


def test_add_source_takes_the_kind_in_any_case_and_names_the_choices(data_copy, text_file):
    add(data_copy, text_file)  # --kind review
    sources = load_dataset(data_copy).sources
    assert sources["source_kind"].tolist() == ["review", "review"]
    with pytest.raises(ParameterError) as caught:
        add_source.add_source(text_file, kind="blog", title=TITLE, outlet="X", published="2023",
                          data_dir=data_copy, source_id="other")  # fmt: skip
    assert str(caught.value) == (
        "unknown --kind 'blog'; choose one of: official (Russian official statement); "
        "expert (Russian expert’s own analysis); review (Report or review of Russian views)"
    )


def test_help_explains_each_command(capsys):
    for name, words in [
        ("add-source", ["--kind", "--title", "--outlet", "--date", "--url", "--id", "--out",
                        "sha256", "--note", "--reviewed-work", "lukin-2017"]),
        ("import-coding", ["WORKSHEET", "row numbers", "claim_id", "reason", "--replace"]),
        ("remove-source", ["ID", "--with-claims", "byte for byte"]),
    ]:  # fmt: skip
        with pytest.raises(SystemExit):
            run(name, "--help")
        out = capsys.readouterr().out
        assert all(w in out for w in words), (name, out)


def test_briefings_cite_both_sources_each_reference_naming_its_source(added: Path, data_copy: Path):
    from russian_views.briefings.briefing import ActorBriefing

    rows = read_sheet(added)
    rows[0] |= claim()
    import_coding.import_worksheet(write_sheet(added, rows), data_copy)
    brief = ActorBriefing.from_parameters("south-korea", dataset=load_dataset(data_copy))
    html = str(brief.views_by_theme()) + str(brief.passages())
    assert f">{SOURCE_ID} ¶1 s1</a>" in html
    assert ">asan-forum-2021 ¶8 s1</a>" in html
    assert f'id="src-{SOURCE_ID}-p1-s1"' in html and 'id="src-asan-forum-2021-p8-s1"' in html


# ---------------------------------------------------------------- friendlier coding


def test_actors_by_name_or_alias_in_any_case_and_codes_in_any_case(added: Path, data_copy: Path):
    rows = read_sheet(added)
    rows[0] |= claim(subject_id="Seoul", counterpart_id="MOSCOW", view="Moscow", theme="Diplomacy")
    import_coding.import_worksheet(write_sheet(added, rows), data_copy)
    new = load_dataset(data_copy).claims.iloc[-1]
    assert [new[f] for f in ("subject_id", "counterpart_id", "view", "theme")] == [
        "south-korea", "russia", "moscow", "diplomacy",
    ]  # fmt: skip


def test_an_unknown_actor_gets_a_likely_match_and_the_choices(added: Path, data_copy: Path):
    rows = read_sheet(added)
    rows[0] |= claim(subject_id="Seul")
    [(row, field, message)] = refused(write_sheet(added, rows), data_copy)
    assert (row, field) == (2, "subject_id")
    assert message.startswith("unknown actor 'Seul' (did you mean 'south-korea'?); choose one of:")
    assert "kim-jong-un" in message


def test_a_quote_refused_for_its_quote_marks_says_so_and_shows_the_sentence(
    added: Path, data_copy: Path
):
    rows = read_sheet(added)
    rows[2] |= claim(quote="Moscow's foreign ministry")
    rows[0] |= claim(quote="praised Seoul for restraint")
    problems = refused(write_sheet(added, rows), data_copy)
    curly, other = problems[1][2], problems[0][2]
    assert "which reads: Officials in Moscow’s foreign ministry said little else." in curly
    assert "only the quote marks differ: the text has ’ where the quote has '" in curly
    assert "which reads: Russian diplomats praised Seoul" in other
    assert "quote marks" not in other


def test_add_source_takes_a_note_and_the_reviewed_work(data_copy: Path, text_file: Path):
    add(data_copy, text_file, "--note", "Our copy lacks the notes.", "--reviewed-work", "A book")
    row = load_dataset(data_copy).sources.set_index("source_id").loc["test-review-2023"]
    assert (row["note"], row["reviewed_work"]) == ("Our copy lacks the notes.", "A book")


def test_default_ids_are_short_author_year_else_outlet_year():
    taken = {"lukin-2017"}
    assert add_source.default_id("A. Lukin", "Russia in Global Affairs", "2017-05", set()) == (
        "lukin-2017"
    )
    assert add_source.default_id("Alexander Lukin and Someone Else", "X", "2017", taken) == (
        "lukin-2017-2"
    )
    assert add_source.default_id("", "The Asan Forum", "2021", set()) == "the-asan-forum-2021"


# ---------------------------------------------------------------- amending and removing


def test_add_import_remove_leaves_the_data_byte_identical(data_copy: Path, text_file: Path, capsys):
    before = snapshot(data_copy)
    add(data_copy, text_file, "--author", "A. Tester")
    sheet = data_copy / data_changes.WORKSHEETS / f"{SOURCE_ID}.csv"
    rows = read_sheet(sheet)
    rows[0] |= claim()
    rows[2] |= {"reason": "framing"}
    import_coding.import_worksheet(write_sheet(sheet, rows), data_copy)
    with pytest.raises(ParameterError, match="pass --with-claims to remove them too"):
        run("remove-source", SOURCE_ID, "--data", str(data_copy))
    assert run("remove-source", SOURCE_ID, "--with-claims", "--data", str(data_copy)) == 0
    out = capsys.readouterr().out
    assert f"removed source '{SOURCE_ID}' and 1 row of claims.csv, 1 row of uncoded.csv" in out
    assert snapshot(data_copy) == before


def test_a_source_whose_worksheet_holds_coding_is_kept_unless_told(added: Path, data_copy: Path):
    rows = read_sheet(added)
    rows[0] |= claim()
    write_sheet(added, rows)
    with pytest.raises(ParameterError, match=f"the coding in {added}"):
        remove_source.remove_source(SOURCE_ID, data_dir=data_copy)
    assert added.exists()


def test_remove_source_refuses_an_unknown_or_the_only_source(data_copy: Path):
    before = snapshot(data_copy)
    with pytest.raises(ParameterError, match="unknown source 'asan-forum' \\(did you mean"):
        remove_source.remove_source("asan-forum", data_dir=data_copy)
    with pytest.raises(ParameterError, match="is the only source"):
        remove_source.remove_source("asan-forum-2021", with_claims=True, data_dir=data_copy)
    assert snapshot(data_copy) == before


def test_reimport_with_replace_amends_a_coded_source(added: Path, data_copy: Path, capsys):
    rows = read_sheet(added)
    rows[0] |= claim()
    rows[1] |= claim(quote="a partner for trilateral projects")
    c1, _, c3 = next_ids(data_copy, 3)
    import_coding.import_worksheet(write_sheet(added, rows), data_copy)
    assert refused(added, data_copy)[0][2].startswith(f"duplicates claim {c1}")
    rows[1] |= claim(theme="economic", quote="a partner for trilateral projects")
    rows[0] |= dict.fromkeys(coding.CLAIM_FIELDS, "") | {"reason": "covered"}
    write_sheet(added, rows)
    assert run("import-coding", str(added), "--replace", "--data", str(data_copy)) == 0
    # The amended claim is another claim (another theme): a new number, never the number of
    # a replaced claim, which a key judgment may still cite.
    assert (
        f"replaced 2 claims with 1 claim ({c3}) and 1 uncoded sentence" in capsys.readouterr().out
    )
    data = load_dataset(data_copy)
    new = data.claims[data.claims["source_id"] == SOURCE_ID]
    assert new[["claim_id", "sentence", "theme"]].values.tolist() == [[c3, 2, "economic"]]
    assert data.uncoded.iloc[-1][["source_id", "sentence", "reason"]].tolist() == [
        SOURCE_ID, 1, "covered",
    ]  # fmt: skip
    old = (config.DATA_DIR / "claims.csv").read_bytes()
    assert (data_copy / "claims.csv").read_bytes().startswith(old)


def test_an_amendment_keeps_the_ids_of_the_claims_it_keeps(added: Path, data_copy: Path):
    rows = read_sheet(added)
    rows[0] |= claim()
    rows[1] |= claim(quote="a partner for trilateral projects")
    c1, c2, c3 = next_ids(data_copy, 3)
    import_coding.import_worksheet(write_sheet(added, rows), data_copy)
    rows.insert(1, rows[0] | claim(theme="economic"))  # a second claim on the first sentence
    result = import_coding.import_worksheet(write_sheet(added, rows), data_copy, replace=True)
    assert result.claim_ids == (c1, c3, c2)
    data = load_dataset(data_copy)
    ids = data.claims.set_index("claim_id")
    assert ids.at[c2, "quote"] == "a partner for trilateral projects"
    assert ids.at[c3, "theme"] == "economic"


def test_a_plain_reimport_points_to_replace(added: Path, data_copy: Path):
    rows = read_sheet(added)
    rows[0] |= claim()
    import_coding.import_worksheet(write_sheet(added, rows), data_copy)
    (problem,) = refused(added, data_copy)
    assert problem[2].endswith("(to amend a source already imported: import-coding --replace)")


def test_removing_a_coded_source_keeps_a_copy_of_its_worksheet(
    added: Path, data_copy: Path, tmp_path: Path, monkeypatch, capsys
):
    monkeypatch.setattr(config, "REMOVED_WORKSHEETS_DIR", tmp_path / "removed")
    rows = read_sheet(added)
    rows[0] |= claim()
    coded = write_sheet(added, rows).read_bytes()
    assert run("remove-source", SOURCE_ID, "--with-claims", "--data", str(data_copy)) == 0
    (copy,) = (tmp_path / "removed").glob(f"{SOURCE_ID}-*.csv")
    assert copy.read_bytes() == coded and not added.exists()
    assert f"a filled worksheet was copied first to {copy}" in capsys.readouterr().out


def test_a_long_title_at_the_top_of_a_text_is_named_before_coding_starts(
    data_copy: Path, tmp_path: Path, capsys
):
    """A 77-character title is too long to be a heading: it becomes ¶1, and add-source says
    so (naming the rule and the way out) instead of shifting every reference silently."""
    title = "Moscow and Seoul in the Moon Years: Restraint, Partnership and Its Limits Now"
    titled = tmp_path / "titled.txt"
    titled.write_text(f"{title}\n\n{TEXT}", encoding="utf-8")
    add(data_copy, titled)
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "¶1 (77 characters) does not end like a sentence" in err
    assert "at most 60 characters" in err and "remove-source test-review-2023" in err
    add(data_copy, text_file_of(tmp_path), "--id", "plain-2023")
    assert "warning" not in capsys.readouterr().err


def test_import_warns_of_a_claim_dated_far_before_the_record(added: Path, data_copy: Path, capsys):
    rows = read_sheet(added)
    rows[0] |= claim(period_start="1945", period_end="1950")
    (first,) = next_ids(data_copy, 1)
    assert run("import-coding", str(write_sheet(added, rows)), "--data", str(data_copy)) == 0
    out = capsys.readouterr().out
    assert "warning: claims.csv, row" in out and f"({first}): 1945–1950 lies far before" in out
    # The key judgments written before this source: one line, pointing to validate.
    (stale,) = [line for line in out.splitlines() if "to review" in line]
    wanted = r"warning: written rows to review \(\d+ in in_brief\.csv, \d+ in key_judgments\.csv\)"
    assert re.fullmatch(wanted + ": `russian-views validate` names them", stale)


def test_two_reviewers_own_judgments_are_listed_per_author(added: Path, data_copy: Path):
    """The shipped review and a second review each question a claim about Russia: the
    reservations are listed under each author's name, not as one author's."""
    from russian_views.briefings.annex import reservations
    from russian_views.briefings.overview import OverviewBriefing

    rows = read_sheet(added)
    rows[0] |= claim(view="reviewer", subject_id="russia", counterpart_id="south-korea",
                     claim_kind="reservation", stance="")  # fmt: skip
    import_coding.import_worksheet(write_sheet(added, rows), data_copy)
    data = load_dataset(data_copy)
    brief = OverviewBriefing.from_parameters(dataset=data)
    mine = data.claims[
        (data.claims["view"] == "reviewer") & (data.claims["subject_id"] == "russia")
    ]
    listed = str(reservations(brief, mine))
    assert "A. Tester, in the Test Review review (2023)" in listed
    assert "The Asan Forum review (2021)" in listed
    assert listed.index("The Asan Forum review") < listed.index("A. Tester, in")
    single = str(reservations(brief, mine[mine["source_id"] == SOURCE_ID]))
    assert "A. Tester, in" not in single and 'class="side"' not in single


def text_file_of(folder: Path) -> Path:
    path = folder / "plain.txt"
    path.write_text(TEXT.replace("Moscow", "Russia"), encoding="utf-8")
    return path


def test_validate_flags_a_text_with_no_record(data_copy: Path, capsys):
    (data_copy / "sources" / "stray.txt").write_text("Left behind.\n", encoding="utf-8")
    assert run("validate", "--data", str(data_copy)) == 0
    out = capsys.readouterr().out
    assert f"no sources.csv record: {data_copy / 'sources' / 'stray.txt'}" in out


def test_a_refused_amendment_keeps_the_old_coding(added: Path, data_copy: Path):
    rows = read_sheet(added)
    rows[0] |= claim()
    import_coding.import_worksheet(write_sheet(added, rows), data_copy)
    rows[0] |= claim(theme="diplomcy")
    write_sheet(added, rows)
    before = snapshot(data_copy)
    with pytest.raises(DataError, match="is not a theme code"):
        import_coding.import_worksheet(added, data_copy, replace=True)
    assert snapshot(data_copy) == before


# ---------------------------------------------------------------- spreadsheets and limits


def test_a_sentence_that_would_run_as_a_formula_is_written_as_text_and_read_back(
    data_copy: Path, tmp_path: Path
):
    """A source sentence starting "=HYPERLINK(" reaches the worksheet with a leading
    apostrophe (a spreadsheet shows it as text) and reads back as the sentence itself."""
    text = tmp_path / "formula.txt"
    text.write_text(
        "Fixture paragraph written for this test.\n\n"
        '=HYPERLINK("https://example.org","click") is not a sentence a reader should run. '
        "Moscow is named here.\n",
        encoding="utf-8",
    )
    add(data_copy, text, "--id", "formula-fixture")
    sheet = data_copy / data_changes.WORKSHEETS / "formula-fixture.csv"
    raw = sheet.read_text("utf-8-sig")
    assert "\"'=HYPERLINK(" in raw and ',"=HYPERLINK(' not in raw
    rows = coding.read_worksheet(sheet, ["source_id"])
    assert rows[1].get("sentence_text").startswith('=HYPERLINK("https://example.org"')


def test_a_paraphrase_that_would_run_as_a_formula_is_refused(added: Path):
    rows = list(csv.reader(added.open(encoding="utf-8-sig")))
    header = rows[0]
    first = rows[1]
    values = {"view": "moscow", "subject_id": "south-korea", "theme": "diplomacy",
              "claim_kind": "assessment", "period_start": "2023", "period_end": "2023",
              "paraphrase": "=1+1", "quote": first[header.index("sentence_text")][:20]}  # fmt: skip
    for name, value in values.items():
        first[header.index(name)] = value
    with added.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    with pytest.raises(DataError) as caught:
        run("import-coding", str(added), "--data", str(added.parent.parent))
    assert "row 2, field 'paraphrase': begins with '='" in str(caught.value)


def test_add_source_refuses_a_text_with_nul_bytes_or_over_64_mib(data_copy: Path, tmp_path: Path):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"A title\n\nSome words.\0 More words.\n")
    with pytest.raises(DataError, match="has a NUL byte at offset 20: it is not a text file"):
        add(data_copy, binary)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(64 * 2**20 + 1)  # sparse: costs no disk
    before = snapshot(data_copy)
    with pytest.raises(DataError, match="is larger than 64 MiB"):
        add(data_copy, huge)
    assert snapshot(data_copy) == before


def _assign_ids():
    """assign_ids wherever the classroom modules keep it (its home moves with their split)."""
    try:
        from russian_views.classroom.import_coding import assign_ids
    except ImportError:
        from russian_views.classroom.coding import assign_ids
    return assign_ids


def test_ids_start_at_one_and_follow_every_id_already_given():
    """The first claims of an empty record are c001, c002; a new claim beside one that
    already carries an id is numbered after it as after every id ever taken."""
    from russian_views.dataset.schema import load_schema

    assign_ids = _assign_ids()
    claims = load_schema().tables["claims"]
    fresh = [{"claim_id": None, "paraphrase": "a"}, {"claim_id": None, "paraphrase": "b"}]
    assert assign_ids(fresh, claims, ("paraphrase",), [], {}) == ("c001", "c002")
    mixed = [{"claim_id": "c007", "paraphrase": "a"}, {"claim_id": None, "paraphrase": "b"}]
    assert assign_ids(mixed, claims, ("paraphrase",), ["c003"], {}) == ("c007", "c008")
