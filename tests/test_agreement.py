"""Inter-coder agreement and the coding exercise (its helpers and its notebook)."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections import Counter
from pathlib import Path

import krippendorff
import papermill
import pytest

from russian_views import cli as command
from russian_views import config
from russian_views.classroom import agreement
from russian_views.classroom.agreement import REFERENCE_PATH, compare
from russian_views.classroom.alpha import krippendorff_alpha, verdict
from russian_views.classroom.coding import write_worksheet
from russian_views.classroom.codings import COMPARED
from russian_views.classroom.exercise import Exercise
from russian_views.dataset.schema import load_schema
from russian_views.errors import DataError, ParameterError

EXERCISE = config.NOTEBOOKS_DIR / "exercises" / "code_a_passage.ipynb"


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def student(tmp_path: Path, rows: list[dict[str, str]], name: str = "anna.csv") -> Path:
    """A student's worksheet with these rows."""
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def nominal_alpha(first: list[str], second: list[str]) -> float:
    """Krippendorff's nominal alpha for two coders and no missing values, by hand:
    1 - (n - 1) * (pairs that disagree) / (pairs of values that could disagree)."""
    n = 2 * len(first)
    disagreeing = 2 * sum(a != b for a, b in zip(first, second, strict=True))
    counts = Counter(first + second)
    return 1 - (n - 1) * disagreeing / (n * n - sum(c * c for c in counts.values()))


def test_perfect_agreement_gives_alpha_one_and_no_disagreements(dataset):
    result = compare(REFERENCE_PATH, REFERENCE_PATH, dataset)
    assert len(result.units) == 9
    by_field = {f.field: f for f in result.fields}
    assert all(f.agreed == f.units for f in result.fields)
    # A blank is missing data: ¶8 s6 has no stance, so stance is compared on 8 sentences.
    assert (by_field["subject_id"].units, by_field["stance"].units) == (9, 8)
    assert [by_field[f].alpha for f in ("subject_id", "theme", "stance", "claim_kind")] == [1.0] * 4
    assert by_field["stance"].ordinal_alpha == 1.0
    # Every reference sentence is Moscow's view: no variation, so alpha is undefined.
    assert by_field["view"].alpha is None
    assert result.disagreements == []


def test_known_disagreements_give_the_expected_agreement(tmp_path, dataset):
    rows = rows_of(REFERENCE_PATH)
    rows[0]["theme"] = "diplomacy"  # ¶8 s1, reference inter-korean
    rows[8]["theme"] = "sanctions"  # ¶8 s9, reference economic
    result = compare(student(tmp_path, rows), REFERENCE_PATH, dataset)
    theme = next(f for f in result.fields if f.field == "theme")
    assert (theme.agreed, theme.units, round(theme.percent, 1)) == (7, 9, 77.8)
    ours = [r["theme"] for r in rows]
    reference = [r["theme"] for r in rows_of(REFERENCE_PATH)]
    assert theme.alpha == pytest.approx(nominal_alpha(ours, reference))
    assert [(d.key[2], d.field, d.student, d.reference) for d in result.disagreements] == [
        (1, "theme", "diplomacy", "inter-korean"),
        (9, "theme", "sanctions", "economic"),
    ]
    assert result.disagreements[0].text.startswith("Russians blame South Korean conservatives")


def stance_of(tmp_path: Path, changes: dict[int, str]):
    rows = rows_of(REFERENCE_PATH)
    for row, value in changes.items():
        rows[row]["stance"] = value
    return next(f for f in compare(student(tmp_path, rows)).fields if f.field == "stance")


def test_stance_on_the_ordinal_scale_forgives_near_misses(tmp_path, dataset):
    near = stance_of(tmp_path, {0: "mixed"})  # ¶8 s1, reference critical: one step away
    far = stance_of(tmp_path, {1: "supportive"})  # ¶8 s2, reference hostile: the far end
    # ¶8 s6 has no stance in the reference: a blank is missing, so s6 is not paired.
    assert (near.agreed, near.units) == (far.agreed, far.units) == (7, 8)
    assert near.ordinal_alpha > near.alpha
    assert far.ordinal_alpha < far.alpha
    scale = dataset.scores("stance")
    reference = ["critical", "hostile", "critical", "critical", "critical", "critical"]
    ours = ["mixed", *reference[1:]]
    expected = krippendorff.alpha(
        reliability_data=[
            [scale[v] for v in ours + ["critical"] * 2],
            [scale[v] for v in reference + ["critical"] * 2],
        ],
        level_of_measurement="ordinal",
        value_domain=sorted(scale.values()),
    )
    assert near.ordinal_alpha == pytest.approx(expected)


def test_missing_extra_repeated_and_badly_coded_sentences_are_named(tmp_path, dataset):
    rows = rows_of(REFERENCE_PATH)

    def problems(student_rows: list[dict[str, str]], reference: Path = REFERENCE_PATH) -> list:
        with pytest.raises(DataError) as info:
            compare(student(tmp_path, student_rows), reference, dataset)
        return [(p.file, p.row, p.field, p.message) for p in info.value.problems]

    assert problems(rows[:8]) == [
        (
            "anna.csv",
            None,
            None,
            "lacks asan-forum-2021 ¶8 s9, which reference.csv codes (keep one row per "
            "sentence of the passage, even one left uncoded)",
        )
    ]
    # A sentence of a paragraph the reference codes, but not that sentence.
    key = student(tmp_path, rows[:8], "key.csv")
    assert problems(rows, key) == [
        (
            "anna.csv",
            10,
            None,
            "codes asan-forum-2021 ¶8 s9, but key.csv does not code that sentence",
        )
    ]
    extra = rows[0] | {"paragraph": "7", "sentence_text": ""}
    assert problems([*rows, extra]) == [
        (
            "anna.csv",
            11,
            None,
            "codes asan-forum-2021 ¶7 s1, but reference.csv codes no sentence of that paragraph",
        )
    ]
    assert problems([*rows, rows[0]]) == [
        (
            "anna.csv",
            11,
            None,
            "repeats ¶8 s1 of row 2: the exercise codes one main claim per sentence",
        )
    ]
    # Every problem of every row at once, a row that cannot be placed included.
    rows[1]["paragraph"] = "eight"
    rows[2] |= {"stance": "angry", "subject_id": "narnia"}
    rows[5]["theme"] = "weather"
    assert [(file, row, field) for file, row, field, _ in problems(rows)] == [
        ("anna.csv", 3, "paragraph"),
        ("anna.csv", 4, "subject_id"),
        ("anna.csv", 4, "stance"),
        ("anna.csv", 7, "theme"),
    ]


def test_a_missing_student_file_is_a_clear_error(tmp_path, dataset):
    with pytest.raises(DataError, match=r"nobody\.csv: file is missing"):
        compare(tmp_path / "nobody.csv", REFERENCE_PATH, dataset)


def test_the_reference_coding_is_the_projects_own_main_claims(dataset):
    """Each reference row repeats a claim of claims.csv for that sentence, so the answer key
    and the coded data cannot drift apart unnoticed."""
    claims = dataset.claims
    for row in rows_of(REFERENCE_PATH):
        here = claims[
            (claims["source_id"] == row["source_id"])
            & (claims["paragraph"] == int(row["paragraph"]))
            & (claims["sentence"] == int(row["sentence"]))
        ]
        coded = {tuple(c) for c in here[list(COMPARED)].itertuples(index=False)}
        assert tuple(row[f] for f in COMPARED) in coded, row["sentence"]


def test_command_prints_the_report_and_writes_the_disagreements(tmp_path, capsys):
    rows = rows_of(REFERENCE_PATH)
    rows[1]["subject_id"] = "kim-jong-il"
    out = tmp_path / "disagreements.csv"
    argv = ["agreement", str(student(tmp_path, rows)), "--csv", str(out)]
    assert command.main(argv) == 0
    printed = capsys.readouterr().out
    assert "Agreement of anna.csv with reference.csv: 9 sentences (asan-forum-2021 ¶8)" in printed
    assert "\nsubject_id         8/9 89%       0.8" in printed
    assert "\n1 disagreement\n" in printed
    assert "Lee Myung-bak, not Kim Jong-il, was the villain in 2008-10." in printed
    assert rows_of(out) == [
        {
            "source_id": "asan-forum-2021",
            "paragraph": "8",
            "sentence": "2",
            "field": "subject_id",
            "first_coding": "kim-jong-il",
            "second_coding": "lee-myung-bak",
            "sentence_text": "Lee Myung-bak, not Kim Jong-il, was the villain in 2008-10.",
        }
    ]


def test_html_report_escapes_the_data(dataset):
    result = compare(REFERENCE_PATH, REFERENCE_PATH, dataset)
    bad = agreement.Disagreement(("x", 1, 1), "theme", "<b>", "a&b", "<script>alert(1)</script>")
    html = dataclasses.replace(result, student="s<1>.csv", disagreements=[bad]).html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "s&lt;1&gt;.csv" in html


def test_alpha_zero_with_high_agreement_is_explained_by_a_dominant_code(tmp_path, dataset):
    rows = rows_of(REFERENCE_PATH)
    rows[3]["view"] = "reviewer"  # one of nine: 8/9 agree, yet no better than chance
    view = compare(student(tmp_path, rows), REFERENCE_PATH, dataset).fields[0]
    assert (view.field, view.agreed, view.units) == ("view", 8, 9)
    assert view.alpha == pytest.approx(nominal_alpha([r["view"] for r in rows], ["moscow"] * 9))
    assert abs(view.alpha) < 0.05
    assert view.meaning() == (
        "no better than chance although 89% agree: moscow is 17 of the 18 answers, "
        "so chance alone agrees 89% of the time"
    )
    same = compare(REFERENCE_PATH, REFERENCE_PATH, dataset).fields[0]
    assert same.meaning().startswith("undefined: every answer is moscow")


def test_labels_are_withheld_below_twenty_units(dataset):
    result = compare(REFERENCE_PATH, REFERENCE_PATH, dataset)
    assert verdict(1.0, 19) == "no label: under 20 units"
    assert "reliable" not in result.text().replace("reliability", "")
    assert "Only 9 sentences: too few to judge reliability" in result.text()
    # Krippendorff's thresholds, each value included in the label it opens.
    assert [verdict(v, 20) for v in (0.8, 0.7999, 0.667, 0.6669, -0.2)] == [
        "reliable",
        "tentative",
        "tentative",
        "unreliable",
        "unreliable",
    ]
    assert verdict(None, 20) == "undefined"
    # From 20 sentences compared up, the report gives the label and no warning.
    sentences = dataset.texts["asan-forum-2021"].all_sentences()
    for count, label in ((19, "no label: under 20 units"), (20, "reliable")):
        coding = {
            ("asan-forum-2021", s.paragraph, s.number): dict.fromkeys(COMPARED)
            | {"view": "moscow", "subject_id": ("russia", "china")[i % 2]}
            for i, s in enumerate(sentences[:count])
        }
        text = agreement.measure(coding, coding, ("anna", "boris"), dataset).text()
        assert f"subject_id         {count}/{count} 100%    1.000  {label}\n" in text
        assert ("too few to judge reliability" in text) == (count < 20)


def test_alpha_is_undefined_unless_the_values_that_pair_vary():
    """Only values two coders gave on the same sentence can agree or differ: one a single
    coder gave (the others left it blank) adds no variation to measure."""
    nan = float("nan")
    assert krippendorff_alpha([[0.0, 0.0, 1.0], [0.0, 0.0, nan]]) is None
    assert krippendorff_alpha([[], []]) is None  # nothing compared
    matrix = [[0.0, 1.0, 1.0, 0.0], [0.0, 1.0, nan, 1.0], [nan, 1.0, 0.0, 0.0]]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert krippendorff_alpha(matrix) == pytest.approx(expected)


def test_a_blank_row_is_an_uncoded_sentence_not_a_value(tmp_path, dataset):
    rows = rows_of(REFERENCE_PATH)
    rows[4] |= dict.fromkeys(COMPARED, "")
    rows[2]["theme"] = ""  # a blank field of a coded row: missing there, never a dispute
    result = compare(student(tmp_path, rows), REFERENCE_PATH, dataset)
    by_field = {f.field: f.units for f in result.fields}
    assert (by_field["subject_id"], by_field["theme"], by_field["stance"]) == (8, 7, 7)
    assert result.disagreements == []
    assert "(blank)" not in result.text()
    assert "Left uncoded in anna.csv (¶8 s5)" in " ".join(result.notes())


def test_later_fields_are_compared_only_where_the_subject_agrees(tmp_path, dataset):
    rows = rows_of(REFERENCE_PATH)
    rows[6] |= {"subject_id": "russia", "stance": "supportive", "theme": "economic"}
    result = compare(student(tmp_path, rows), REFERENCE_PATH, dataset)
    by_field = {f.field: f for f in result.fields}
    assert by_field["subject_id"].units == 9
    assert by_field["theme"].units == 8
    assert by_field["stance"].units == 7  # ¶8 s6 has no stance: missing
    assert [(d.key[2], d.field) for d in result.disagreements] == [(7, "subject_id")]
    assert "compared only on the 8 sentences (of 9 coded by both)" in " ".join(result.notes())


def test_actors_by_alias_and_codes_in_any_case_agree(tmp_path, dataset):
    rows = rows_of(REFERENCE_PATH)
    rows[5] |= {"subject_id": "Seoul", "view": "Moscow", "counterpart_id": "THE WEST"}
    rows[6] |= {"subject_id": "south korea", "counterpart_id": "Moscow"}
    assert compare(student(tmp_path, rows), REFERENCE_PATH, dataset).disagreements == []
    rows[6]["subject_id"] = "Seul"
    with pytest.raises(DataError, match="unknown actor 'Seul' \\(did you mean 'south-korea'\\?\\)"):
        compare(student(tmp_path, rows), REFERENCE_PATH, dataset)


def filled_worksheet(tmp_path: Path, dataset, paragraphs: list[int]) -> Path:
    """A worksheet of these paragraphs coded with every claim the project codes there
    (sentences it leaves uncoded stay blank), as an instructor would fill one."""
    path = tmp_path / "filled.csv"
    write_worksheet(dataset, load_schema(), "asan-forum-2021", path, paragraphs)
    claims = dataset.claims
    out = []
    for row in rows_of(path):
        here = claims[
            (claims["paragraph"] == int(row["paragraph"]))
            & (claims["sentence"] == int(row["sentence"]))
        ]
        out += [row | {f: c[f] or "" for f in COMPARED} for _, c in here.iterrows()] or [row]
    return student(tmp_path, out, "filled.csv")


def test_make_reference_keeps_the_main_claim_and_scores_with_labels(tmp_path, dataset, capsys):
    sheet = filled_worksheet(tmp_path, dataset, [8, 9, 10])
    out = tmp_path / "ref.csv"
    assert command.main(["make-reference", str(sheet), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    made = rows_of(out)
    assert [r["sentence"] for r in made if r["paragraph"] == "8"] == [str(n) for n in range(1, 10)]
    assert [tuple(r[f] for f in COMPARED) for r in made if r["paragraph"] == "8"] == [
        tuple(r[f] for f in COMPARED) for r in rows_of(REFERENCE_PATH)
    ]
    assert made[0]["note"] == "Main claim: filled.csv row 2; it also codes rows 3 here."
    assert f"wrote {out}: {len(made)} sentences" in printed
    result = compare(out, out, dataset)
    assert len(result.units) >= 20
    assert "reliable" in {verdict(f.alpha, f.units) for f in result.fields}
    assert command.main(["make-reference", str(sheet), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


# ---------------------------------------------------------------- the exercise


def test_exercise_parameters_are_checked(tmp_path):
    with pytest.raises(ParameterError, match="paragraph must be a whole number from 1 to 12"):
        Exercise.from_parameters(paragraph=13, worksheet_dir=tmp_path)
    with pytest.raises(ParameterError, match="unknown source 'nope'; choose one of"):
        Exercise.from_parameters(source_id="nope", worksheet_dir=tmp_path)
    with pytest.raises(ParameterError, match="unknown edition 'reader'; choose from: student"):
        Exercise.from_parameters(edition="reader", worksheet_dir=tmp_path)
    with pytest.raises(ParameterError, match="is inside notebooks/"):
        Exercise.from_parameters(worksheet_dir=config.NOTEBOOKS_DIR / "exercises")


def test_exercise_writes_the_blank_worksheet_once(tmp_path):
    exercise = Exercise.from_parameters(paragraph="5", worksheet_dir=tmp_path)
    assert "Your worksheet: asan-forum-2021-p5.csv, one row per sentence" in (
        exercise.blank_worksheet()
    )
    path = exercise.worksheet_path()
    assert [r["sentence"] for r in rows_of(path)] == ["1", "2", "3"]
    path.write_text("my coding", encoding="utf-8")
    assert "kept as is" in exercise.blank_worksheet()
    assert path.read_text(encoding="utf-8") == "my coding"
    instructor = Exercise.from_parameters(5, None, tmp_path, None, "instructor")
    assert "codes no sentence of ¶5" in instructor.reference_coding()
    # The instructor's reference coding shows a blank as one: ¶8 s6 has no stance.
    reference = Exercise.from_parameters(8, None, tmp_path, None, "instructor").reference_coding()
    assert reference.count('<td data-label="stance">(blank)</td>') == 1
    assert reference.count('<td data-label="stance">hostile</td>') == 1  # ¶8 s2
    assert exercise.reference_coding() == ""  # the student edition shows no placeholder


@pytest.mark.slow
def test_exercise_notebook_runs_under_papermill(tmp_path):
    rows = rows_of(REFERENCE_PATH)
    rows[1]["subject_id"] = "kim-jong-il"
    before = sorted(config.NOTEBOOKS_DIR.rglob("*"))
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(EXERCISE),
        str(out),
        parameters={
            "paragraph": 8,
            "worksheet_dir": str(tmp_path / "sheets"),
            "student_file": str(student(tmp_path, rows)),
            "edition": "instructor",
        },
        kernel_name=config.KERNEL_NAME,
        progress_bar=False,
    )
    html = json.dumps(json.loads(out.read_text("utf-8"))["cells"])
    assert "Coding exercise: paragraph 8 (South Korea)" in html
    assert "anna.csv against reference.csv: 9 sentences" in html
    assert "Reference: reference.csv" in html
    assert (tmp_path / "sheets" / "asan-forum-2021-p8.csv").exists()
    assert sorted(config.NOTEBOOKS_DIR.rglob("*")) == before


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_the_handout_shows_no_code_and_the_reference_only_to_instructors(tmp_path, edition):
    from russian_views.rendering.exporters import BriefingHTMLExporter

    out = tmp_path / "handout.ipynb"
    papermill.execute_notebook(
        str(EXERCISE),
        str(out),
        parameters={"worksheet_dir": str(tmp_path / "sheets"), "edition": edition},
        kernel_name=config.KERNEL_NAME,
        progress_bar=False,
    )
    html, _ = BriefingHTMLExporter().from_filename(str(out))
    text = re.sub(r"<[^>]+>", " ", html)
    assert "Coding exercise: paragraph 8 (South Korea)" in text
    for code in ("Exercise.from_parameters", "exercise.", "worksheet_dir", "student_file"):
        assert code not in text, code
    assert "Lee Myung-bak, not Kim Jong-il, was the villain" in text  # the passage
    assert "A complaint: the subject is blamed" in text  # the codebook's definitions
    assert ("Reference: reference.csv" in text) == (edition == "instructor")
    assert ("Reference coding" in text) == (edition == "instructor")
    assert "instructor edition." not in text.replace("(instructor edition)", "")


def test_two_students_are_called_by_their_names_never_reference(tmp_path: Path, capsys):
    rows = rows_of(REFERENCE_PATH)
    anna = student(tmp_path, rows, "anna.csv")
    rows[1] |= {"subject_id": "kim-jong-il"}
    ben = student(tmp_path, rows, "ben.csv")
    assert command.main(["agreement", str(anna), str(ben), "--names", "Anna", "Ben"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Agreement of Anna with Ben:")
    assert "Anna: lee-myung-bak" in out and "Ben: kim-jong-il" in out
    assert "reference" not in out.replace("preference", "")
    assert command.main(["agreement", str(anna), str(ben)]) == 0
    assert "anna.csv: lee-myung-bak" in capsys.readouterr().out
