"""The one parameter spec and what is derived from it: cells, guard, options, listing."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

from russian_views import config, spec
from russian_views.cli import EXIT_BAD_INPUT, main
from russian_views.errors import ParameterError
from russian_views.params import from_namespace
from russian_views.rendering.batch_file import entry_keys

from .test_cli import exit_code


@pytest.mark.parametrize("notebook", spec.NOTEBOOKS)
def test_each_parameters_cell_is_the_one_the_spec_writes(notebook):
    nb = nbformat.read(config.NOTEBOOKS_DIR / f"{notebook}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert cell.source == spec.parameters_cell(notebook)


@pytest.mark.parametrize("notebook", spec.NOTEBOOKS)
def test_papermill_reads_the_spec_defaults_from_each_notebook(notebook):
    import papermill

    found = papermill.inspect_notebook(str(config.NOTEBOOKS_DIR / f"{notebook}.ipynb"))
    wanted = {p.name: spec.literal(p.default) for p in spec.parameters_of(notebook)}
    assert {name: info["default"] for name, info in found.items()} == wanted


def test_every_render_option_of_a_notebook_parameter_is_a_batch_key():
    for p in spec.flagged():
        if p.notebooks and p.name != "actor":
            assert p.name in entry_keys()


def test_the_guard_refuses_names_the_notebook_does_not_take():
    with pytest.raises(ParameterError, match=r"unknown parameter 'themes'.*takes: since, until"):
        from_namespace({"since": None, "until": None, "themes": "nuclear"}, spec.OVERVIEW)


def test_long_values_are_echoed_short():
    assert spec.echo("x" * 10_000) == repr("x" * 59 + "…")
    assert len(spec.echo(list(range(10_000)))) == spec.ECHO_LIMIT


@pytest.mark.parametrize("name", ["code_a_passage", "exercises/code_a_passage", "compare.ipynb"])
def test_params_accepts_short_names_and_paths(capsys, name):
    assert main(["params", name]) == 0
    out = capsys.readouterr().out
    assert "parameters" in out.splitlines()[0]
    assert not re.search(r"\n  \w+ \(None", out), "a type is never shown as None"


def test_params_lists_types_and_allowed_values_from_the_spec(capsys):
    assert main(["params", "code_a_passage"]) == 0
    out = capsys.readouterr().out
    assert "\n  paragraph (int, default 8)" in out
    assert '\n  edition (str, default "student")' in out
    assert "allowed: student, instructor (any case)" in out, "help and choices agree"
    assert "reader" not in out
    assert "command line: papermill only" in out
    assert main(["params", "compare"]) == 0
    assert "command line: render --compare A B" in capsys.readouterr().out


def test_params_offers_only_flags_that_exist(capsys):
    from russian_views.cli import build_parser

    render = build_parser()._subparsers._group_actions[0].choices["render"]
    flags = {s for a in render._actions for s in a.option_strings}
    assert main(["params"]) == 0
    offered = {
        word.rstrip(",")
        for line in capsys.readouterr().out.splitlines()
        if "command line: render" in line
        for word in line.split()
        if word.startswith("--")
    }
    assert offered and offered <= flags


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--overview", "--themes", "nuclear"], "--overview does not take --themes"),
        (["--compare", "DPRK", "Seoul", "--edition", "student"], "--compare does not take"),
        (["--overview", "--detail", "summary"], "it applies to: actor_briefing"),
        (["--config", "briefings.yml", "--since", "2014"], "cannot be combined with --config"),
        (["--actor", "china", "--themes", ""], "themes is empty"),
        (["--actor", "china", "--since", "-5"], "since must be a year from 2008 to 2021"),
        (["--actor", "china", "--until", "99999"], "until must be a year from 2008 to 2021"),
        (["--actor", "x" * 10_000], "unknown actor 'xxxxx"),
    ],
)
def test_options_a_notebook_does_not_take_are_refused(tmp_path, capsys, args, message):
    out = tmp_path / "reports"
    assert exit_code(["render", *args, "--out", str(out)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and len(err) < 300
    assert not out.exists()


def test_all_with_an_edition_applies_it_to_every_actor_briefing(dataset):
    from russian_views.rendering import render

    jobs = render.all_jobs(dataset, edition="Student", paper="letter")
    actors = [j for j in jobs if j.notebook == config.ACTOR_NOTEBOOK]
    assert len(actors) == 4 and all(j.parameters["edition"] == "student" for j in actors)
    assert [j.stem for j in jobs][-1] == "overview_Letter"
    assert all(j.stem.endswith("_student_Letter") for j in actors)


def test_importing_the_cli_imports_nothing_heavy():
    code = (
        "import sys, russian_views.cli\n"
        "heavy = {'pandas', 'altair', 'nbconvert', 'papermill', 'weasyprint'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_exercise_guard_refuses_a_typo(tmp_path):
    from russian_views.classroom.exercise import Exercise

    namespace = {p.name: p.default for p in spec.parameters_of(spec.EXERCISE)}
    exercise = Exercise.from_namespace({**namespace, "worksheet_dir": str(tmp_path)})
    assert (exercise.paragraph, exercise.edition) == (8, "student")
    with pytest.raises(ParameterError, match=r"unknown parameter 'paragraf' \(did you mean"):
        Exercise.from_namespace({**namespace, "paragraf": 9})


def test_an_unknown_actor_is_refused_before_pandas_loads():
    code = (
        "import sys\nfrom russian_views.cli import main\n"
        "code = main(['render', '--actor', 'narnia'])\n"
        "print(code, 'pandas' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["2", "False"]
    assert "unknown actor 'narnia'" in result.stderr


def test_the_early_actor_check_steps_aside_when_actors_csv_is_broken(data_copy):
    from russian_views.params import check_actors_early

    (data_copy / "actors.csv").write_text("actor_id\nx\n", "utf-8")
    check_actors_early(["narnia"], data_copy)  # the full load reports the broken file
    with pytest.raises(ParameterError, match="unknown actor 'narnia'"):
        check_actors_early(["narnia"], config.DATA_DIR)


@pytest.fixture
def rendered_stems(monkeypatch, tmp_path):
    """Run ``render`` with the batch renderer replaced: which stems, formats and paper."""
    from russian_views.rendering import batch

    calls: list[tuple] = []

    def record(jobs, _dataset, _out, formats, paper, **_kwargs):
        calls.append(([j.stem for j in jobs], formats, paper))
        return []

    monkeypatch.setattr(batch, "render_batch", record)
    monkeypatch.setattr(batch, "update_index", lambda *a, **k: None)

    def run(*args: str) -> list[tuple]:
        assert main(["render", *args, "--out", str(tmp_path / "out")]) == 0
        return calls

    return run


def test_render_all_with_options_renders_those_editions(rendered_stems):
    [(stems, formats, paper)] = rendered_stems("--all", "--edition", "student", "--paper", "letter")
    assert stems == [
        "north-korea_student_Letter",
        "south-korea_student_Letter",
        "united-states_student_Letter",
        "china_student_Letter",
        "overview_Letter",
    ]
    assert (formats, paper) == (("html", "pdf"), "Letter")


def test_the_overview_on_letter_paper_gets_its_own_name(rendered_stems):
    assert rendered_stems("--overview", "--paper", "Letter", "--format", "PDF") == [
        (["overview_Letter"], ("pdf",), "Letter")
    ]


def test_batch_entries_set_paper_and_format_over_the_command_line(rendered_stems, tmp_path):
    plan = tmp_path / "b.yml"
    plan.write_text(
        "briefings:\n  - actors: china\n    paper: Letter\n  - compare: [china, Seoul]\n", "utf-8"
    )
    assert rendered_stems("--config", str(plan), "--format", "html") == [
        (["china_Letter"], ("html",), "Letter"),
        (["compare_china_south-korea"], ("html",), "A4"),
    ]
