"""Batch files of named parameter sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from russian_views import config
from russian_views.errors import ParameterError
from russian_views.plan import load_plan


def test_the_shipped_batch_file_gives_one_briefing_per_actor_and_period(dataset):
    jobs = load_plan(config.PROJECT_ROOT / "briefings.yml", dataset)
    stems = [j.stem for j in jobs]
    assert len(stems) == len(set(stems)) == 15
    assert "china_2008-2013" in stems and "overview_2018-2021" in stems


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "b.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_take_every_notebook_parameter(tmp_path: Path, dataset):
    path = _write(
        tmp_path,
        "briefings:\n  - name: x\n    actors: [DPRK, Seoul]\n"
        "    themes: [nuclear]\n    edition: student\n",
    )
    assert [j.stem for j in load_plan(path, dataset)] == [
        "north-korea_nuclear_student",
        "south-korea_nuclear_student",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("briefings:\n  - name: x\n    actors: narnia\n", "entry 1 (x): unknown actor 'narnia'"),
        ("briefings:\n  - name: x\n    actor: china\n", "entry 1 (x): unknown key 'actor'"),
        (
            "briefings:\n  - name: y\n    since: 2020\n    until: 2010\n",
            "entry 1 (y): since (2020)",
        ),
        ("briefings: []\n", "expected a non-empty list under 'briefings:'"),
        ("briefings: [\n", "is not valid YAML"),
    ],
)
def test_bad_batch_files_name_the_entry_and_the_problem(tmp_path: Path, dataset, text, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_plan(_write(tmp_path, text), dataset)


def test_missing_batch_file(tmp_path: Path, dataset):
    with pytest.raises(ParameterError, match="cannot read batch file"):
        load_plan(tmp_path / "none.yml", dataset)
