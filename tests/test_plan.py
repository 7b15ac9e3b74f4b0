"""Batch files of named parameter sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from russian_views import config
from russian_views.errors import ParameterError
from russian_views.rendering.batch_file import load_plan, read_entries


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


def test_entries_can_add_a_comparison_and_set_every_parameter(tmp_path: Path, dataset):
    path = _write(
        tmp_path,
        "briefings:\n  - name: x\n    actors: [china]\n    compare: [DPRK, Seoul]\n"
        "    since: 2014\n    views: MOSCOW\n    detail: summary\n",
    )
    assert [j.stem for j in load_plan(path, dataset)] == [
        "china_2014-2021_moscow_summary",
        "compare_north-korea_south-korea_2014-2021",
    ]


BOMB = "".join(
    f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9 if p else ["x"] * 9) + "]\n"
    for p, c in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


@pytest.mark.parametrize("key", ["actors", "themes"])
def test_a_yaml_alias_bomb_is_refused_at_once_and_not_echoed(tmp_path: Path, dataset, key):
    path = _write(tmp_path, BOMB + f"briefings:\n  - {key}: *i\n")
    with pytest.raises(ParameterError, match="expands to more than 10,000 values") as info:
        load_plan(path, dataset)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "is not UTF-8 text"),
        (b"briefings:\n  - name: \xe9t\xe9\n", "is not UTF-8 text (byte 0xe9 at offset 21)"),
        (b"briefings:\n  - name: a\x00b\n", "is not valid YAML"),
        (b"x" * 1_000_001, "is larger than 1,000,000 bytes"),
    ],
)
def test_binary_or_huge_batch_files_are_refused_in_one_line(tmp_path: Path, dataset, data, message):
    path = tmp_path / "b.yml"
    path.write_bytes(data)
    with pytest.raises(ParameterError) as info:
        load_plan(path, dataset)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "paper: Letter\nbriefings:\n  - name: x\n",
            "unknown top-level key 'paper'; valid keys: briefings",
        ),
        ("briefings:\n  - name: x\n    overview: true\n    themes: nuclear\n", None),
        ("briefings:\n  - name: x\n    compare: [china]\n", "compare must be a pair"),
        (
            "briefings:\n  - name: x\n    actors: [[china]]\n",
            "actors must be all, an actor or a list",
        ),
        ("briefings:\n  - name: x\n    themes: ''\n", "themes is empty"),
        ("briefings:\n  - name: x\n    overview: 'yes'\n", "overview must be true or false"),
    ],
)
def test_batch_keys_are_checked(tmp_path: Path, dataset, text, message):
    path = _write(tmp_path, text)
    if message is None:  # themes apply to the entry's actor briefings, not its overview
        stems = [j.stem for j in load_plan(path, dataset)]
        assert stems[-1] == "overview" and stems[0] == "north-korea_nuclear"
        return
    with pytest.raises(ParameterError, match=message.replace("[", r"\[")):
        load_plan(path, dataset)


def test_entries_set_the_paper_and_formats_and_names_record_the_paper(tmp_path: Path, dataset):
    from russian_views.rendering.batch_file import load_batches

    path = _write(
        tmp_path,
        "briefings:\n  - name: a\n    actors: china\n    paper: letter\n    format: HTML\n"
        "  - name: b\n    actors: china\n  - name: c\n    compare: [china, DPRK]\n",
    )
    batches = load_batches(path, dataset, paper="A4")
    assert [(b.formats, b.paper, [j.stem for j in b.jobs]) for b in batches] == [
        (("html",), "Letter", ["china_Letter"]),
        (("html", "pdf"), "A4", ["china", "compare_china_north-korea"]),
    ]


def test_a_batch_file_nested_thousands_deep_is_refused_in_one_line(tmp_path: Path):
    path = tmp_path / "deep.yml"
    path.write_text("briefings: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="is nested too deep: a batch file is a list"):
        read_entries(path)
