"""A class's codings measured together (``russian-views class-agreement``).

The class is generated: thirty codings of ¶12 made from its reference by a seeded random
hand that changes a few subjects and stances, as students' slips would (fixtures, not
anyone's real answers).
"""

from __future__ import annotations

import csv
import itertools
import random
from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from russian_views import cli
from russian_views.classroom.class_agreement import measure_class
from russian_views.config import DATA_DIR
from russian_views.errors import DataError

REFERENCE = DATA_DIR / "exercises" / "asan-forum-2021-p12-reference.csv"
CLASS_SIZE = 30


def reference_rows() -> tuple[list[str], list[dict[str, str]]]:
    with REFERENCE.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """Thirty handed-in codings: the reference with a seeded scatter of slips."""
    header, rows = reference_rows()
    coded = [r for r in rows if r["subject_id"]]
    subjects = sorted({r["subject_id"] for r in coded})
    stances = sorted({r["stance"] for r in coded if r["stance"]})
    folder = tmp_path / "inbox"
    folder.mkdir()
    chance = random.Random(20261203)
    for i in range(CLASS_SIZE):
        answers = [dict(r) for r in rows]
        for row in answers:
            if row["subject_id"] and chance.random() < 0.25:
                row["subject_id"] = chance.choice(subjects)
            if row["stance"] and chance.random() < 0.25:
                row["stance"] = chance.choice(stances)
        write(folder / f"student-{i + 1:02}.csv", header, answers)
    return folder


def answers_of(folder: Path, field: str) -> list[list[str]]:
    """Each coding's answers on a field, read straight from the files."""
    out = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            out.append([row[field] for row in csv.DictReader(handle)])
    return out


def test_a_class_of_thirty_is_measured_together_and_pair_by_pair(inbox: Path, tmp_path: Path):
    result = measure_class(inbox, REFERENCE)
    assert len(result.names) == CLASS_SIZE and len(result.pairs) == CLASS_SIZE * 29 // 2
    # The class alpha on the subject is the package's, on the answers as the files hold
    # them (the sentence nobody codes is missing data, not a value).
    answers = answers_of(inbox, "subject_id")
    codes = sorted({a for coder in answers for a in coder if a})
    matrix = np.array([[codes.index(a) if a else np.nan for a in coder] for coder in answers])
    subject = {f.field: f for f in result.fields}["subject_id"]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert subject.alpha == pytest.approx(expected)
    # Pairs agreeing, counted by hand over every two coders on every coded sentence.
    columns = [c for c in zip(*answers, strict=True) if all(c)]
    pairs = [(a, b) for column in columns for a, b in itertools.combinations(column, 2)]
    assert (subject.agreeing_pairs, subject.pairs) == (sum(a == b for a, b in pairs), len(pairs))
    assert set(result.against_reference) == set(result.names)
    # A stance is a stance toward the subject: compared among the coders who chose the
    # sentence's most common subject, the others' answers missing.
    stances = answers_of(inbox, "stance")
    modal = [Counter(c).most_common(1)[0][0] if any(c) else "" for c in zip(*answers, strict=True)]
    # A blank stance is missing data too.
    gated = [
        [
            s if a and a == modal[i] and s else None
            for i, (a, s) in enumerate(zip(mine, theirs, strict=True))
        ]
        for mine, theirs in zip(answers, stances, strict=True)
    ]
    shown = sorted({v for coder in gated for v in coder if v is not None})
    matrix = np.array([[np.nan if v is None else shown.index(v) for v in coder] for coder in gated])
    stance = {f.field: f for f in result.fields}["stance"]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert stance.alpha == pytest.approx(expected)
    # Every disputed sentence is listed with who chose what on each field disputed.
    assert result.disputed
    for d in result.disputed:
        for field, chosen in d.fields.items():
            assert len(set(chosen.values())) > 1
            row = d.key[2] - 1
            assert all(
                answers_of(inbox, field)[int(n[-2:]) - 1][row] == v for n, v in chosen.items()
            )

    out = tmp_path / "pairs.csv"
    assert cli.main(["class-agreement", str(inbox), str(REFERENCE), "--csv", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 435 and {"coding_a", "coding_b", "subject_id_alpha"} <= set(table[0])


def test_the_report_names_each_coding_and_the_disputed_sentences(inbox: Path, capsys):
    assert cli.main(["class-agreement", str(inbox)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Class agreement: 30 codings of asan-forum-2021 ¶12")
    assert all(f"student-{i:02}" in out for i in range(1, 31))
    assert "Most disputed sentences" in out and "reference:" not in out


def test_every_bad_file_in_the_class_is_named_at_once(inbox: Path, capsys):
    header, rows = reference_rows()
    write(inbox / "student-07.csv", header, rows[:-1])  # a sentence missing
    bad = [dict(r) for r in rows]
    bad[1]["stance"] = "furious"  # not a code
    write(inbox / "student-21.csv", header, bad)
    with pytest.raises(DataError) as error:
        measure_class(inbox)
    files = {problem.file for problem in error.value.problems}
    assert {"student-07.csv", "student-21.csv"} <= files
    assert cli.main(["class-agreement", str(inbox)]) == cli.EXIT_BAD_INPUT


def test_a_header_alone_is_refused_not_measured(tmp_path: Path, capsys):
    header, _ = reference_rows()
    write(tmp_path / "empty.csv", header, [])
    assert cli.main(["agreement", str(tmp_path / "empty.csv")]) == cli.EXIT_BAD_INPUT
    assert (
        "  - empty.csv: holds no sentence, only a header: one row per sentence of the passage\n"
    ) in capsys.readouterr().err


@pytest.mark.parametrize("files", [0, 1])
def test_a_class_needs_two_codings(tmp_path: Path, files: int, capsys):
    header, rows = reference_rows()
    for i in range(files):
        write(tmp_path / f"only-{i}.csv", header, rows)
    assert cli.main(["class-agreement", str(tmp_path)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs at least 2" in err


# ---------------------------------------------------------------- three students, one blank
# Fixtures written for these tests: the ¶8 reference (anna), a second student who differs
# from it on view, theme, stance and kind (boris), and a third who coded two sentences and
# left the rest blank (vera, whose blanks are missing data and never a dispute).
P8 = DATA_DIR / "exercises" / "reference.csv"
BORIS = {
    0: {"theme": "diplomacy", "stance": "hostile"},
    1: {"stance": "critical"},  # with s1, stances swapped: worse than chance
    2: {"claim_kind": "assessment"},
    3: {"view": "reviewer"},
    4: {"theme": "nuclear", "claim_kind": "fact"},
    6: {"stance": "mixed", "theme": "sanctions"},
}
COMPARED_FIELDS = ("view", "subject_id", "counterpart_id", "theme", "stance", "claim_kind")


@pytest.fixture
def three(tmp_path: Path) -> Path:
    with P8.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    folder = tmp_path / "three"
    folder.mkdir(mode=0o700)
    write(folder / "anna.csv", header, rows)
    write(folder / "boris.csv", header, [r | BORIS.get(i, {}) for i, r in enumerate(rows)])
    vera = [
        r if i in (0, 1) else r | dict.fromkeys(COMPARED_FIELDS, "") for i, r in enumerate(rows)
    ]
    vera[1] = vera[1] | {"theme": "", "stance": ""}  # blanks inside a coded row
    write(folder / "vera.csv", header, vera)
    return folder


def class_matrix(folder: Path, field: str, scale: dict[str, int] | None = None) -> np.ndarray:
    """The coders × sentences matrix as the files hold it, blanks missing (NaN); the
    subject is the same for every coder here, so no claim field is left out for it."""
    answers = answers_of(folder, field)
    codes = sorted({a for coder in answers for a in coder if a})
    value = (lambda a: scale[a]) if scale else codes.index
    return np.array([[value(a) if a else np.nan for a in coder] for coder in answers], float)


def test_three_students_every_field_measured_and_blanks_never_disputed(three: Path, dataset):
    result = measure_class(three, dataset=dataset)
    fields = {f.field: f for f in result.fields}
    for field in COMPARED_FIELDS:
        matrix = class_matrix(three, field)
        pairable = matrix[:, (~np.isnan(matrix)).sum(axis=0) >= 2]
        if len(np.unique(pairable[~np.isnan(pairable)])) < 2:
            assert fields[field].alpha is None, field
            continue
        expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        assert fields[field].alpha == pytest.approx(expected), field
    scale = dataset.scores("stance")
    expected = krippendorff.alpha(
        reliability_data=class_matrix(three, "stance", scale),
        level_of_measurement="ordinal",
        value_domain=sorted(scale.values()),
    )
    assert fields["stance"].ordinal_alpha == pytest.approx(expected)
    # The disputes are boris's, field by field, with who chose what; vera's blanks none.
    disputed = {(d.key[2], f): chosen for d in result.disputed for f, chosen in d.fields.items()}
    expected_disputes = {(i + 1, f) for i, change in BORIS.items() for f in change}
    assert set(disputed) == expected_disputes
    assert disputed[(1, "theme")] == {
        "anna": "inter-korean",
        "boris": "diplomacy",
        "vera": "inter-korean",
    }
    assert "vera" not in disputed[(5, "theme")]
    assert result.uncoded == {"anna": 0, "boris": 0, "vera": 7}


def test_the_report_lists_disputes_of_every_field_with_who_chose_what(three: Path, capsys):
    assert cli.main(["class-agreement", str(three)]) == 0
    out = capsys.readouterr().out
    assert "Most disputed sentences (5 of 6 disputed)" in out
    assert "theme: inter-korean (anna, vera) · diplomacy (boris)" in out
    assert "claim_kind: fact (boris) · grievance (anna)" in out
    assert "view: moscow (anna) · reviewer (boris)" in out
    assert "vera" in out and "(7 sentences left blank)" in out
    assert "(blank)" not in out


def test_the_pairwise_csv_writes_numbers_as_numbers(three: Path, tmp_path: Path, capsys):
    out = tmp_path / "pairs.csv"
    assert cli.main(["class-agreement", str(three), "--csv", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    numbers = [
        v for row in table for k, v in row.items() if k not in ("coding_a", "coding_b") and v
    ]
    assert numbers and all(not v.startswith("'") for v in numbers)
    assert [float(v) for v in numbers]  # every one reads as a number
    negative = [float(v) for row in table for k, v in row.items() if k.endswith("alpha") and v]
    anna_boris = dict(zip(table[0], table[0].values(), strict=True))
    assert float(anna_boris["stance_alpha"]) < 0  # s1 and s2 swapped: worse than chance
    assert any(v < 0 for v in negative)
    # Rounded as the report prints them: alpha to 3 decimals, per cent to 1.
    anna_and_boris = class_matrix(three, "theme")[:2]
    theme = krippendorff.alpha(reliability_data=anna_and_boris, level_of_measurement="nominal")
    assert (anna_boris["theme_agreement_percent"], anna_boris["theme_alpha"]) == (
        "66.7",  # 6 of 9
        str(round(theme, 3)),
    )


def test_a_hand_in_is_called_by_the_name_its_coder_typed(three: Path, dataset):
    """A hand-in from the coding page carries the name the student typed, of which its
    file name is only a slug."""
    with (three / "boris.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [*(reader.fieldnames or []), "coder"]
        rows = [row | {"coder": "Борис Петров"} for row in reader]
    write(three / "boris.csv", header, rows)
    assert measure_class(three, dataset=dataset).names == ["anna", "vera", "Борис Петров"]
