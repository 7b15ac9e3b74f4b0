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
    gated = [
        [
            s if a and a == modal[i] else None
            for i, (a, s) in enumerate(zip(mine, theirs, strict=True))
        ]
        for mine, theirs in zip(answers, stances, strict=True)
    ]
    shown = sorted({v or "(empty)" for coder in gated for v in coder if v is not None})
    matrix = np.array(
        [[np.nan if v is None else shown.index(v or "(empty)") for v in coder] for coder in gated]
    )
    stance = {f.field: f for f in result.fields}["stance"]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert stance.alpha == pytest.approx(expected)
    # The most disputed sentence is the one whose subjects are most spread.
    spread = {
        i: sum(c * (c - 1) for c in Counter(column).values()) for i, column in enumerate(columns)
    }
    assert result.disputed and result.disputed[0].answers == Counter(
        columns[min(spread, key=spread.get)]
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
    assert "Most disputed subjects" in out and "reference:" not in out


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
    assert "holds no sentence, only a header" in capsys.readouterr().err


@pytest.mark.parametrize("files", [0, 1])
def test_a_class_needs_two_codings(tmp_path: Path, files: int, capsys):
    header, rows = reference_rows()
    for i in range(files):
        write(tmp_path / f"only-{i}.csv", header, rows)
    assert cli.main(["class-agreement", str(tmp_path)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs at least 2" in err
