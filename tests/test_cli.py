"""The command line: help, exit codes, one-line errors, nothing written on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from russian_views.cli import EXIT_BAD_INPUT, main

from .conftest import edit_csv


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "russian_views", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_help_explains_commands_and_examples():
    result = run("--help")
    assert result.returncode == 0
    for word in ["actors", "validate", "render", "examples:"]:
        assert word in result.stdout


def test_render_help_lists_options():
    result = run("render", "--help")
    for option in ["--actor", "--all", "--since", "--until", "--format", "--out", "--paper"]:
        assert option in result.stdout


def test_actors_lists_the_briefed_actors_and_aliases(capsys):
    assert main(["actors"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("north-korea")
    assert "DPRK" in out and "Beijing" in out


def test_unknown_actor_exits_2_with_one_line_and_writes_nothing(tmp_path: Path):
    out = tmp_path / "reports"
    result = run("render", "--actor", "narnia", "--out", str(out))
    assert result.returncode == EXIT_BAD_INPUT
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown actor 'narnia'" in lines[0]
    assert "north-korea, south-korea, united-states, china" in lines[0]
    assert not out.exists()


def exit_code(argv: list[str]) -> int:
    """main()'s exit code, whether argparse exits or main returns."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actor", "china", "--since", "2019", "--until", "2010"], "is after until"),
        (["--actor", "china", "--since", "abc"], "since must be a year"),
        (["--actor", "china", "--format", "docx"], "unknown format 'docx'; choose from: html, pdf"),
        (["--actor", "china", "--paper", "A3"], "unknown paper 'A3'; choose from: A4, Letter"),
        (["--actor", "china", "--all"], "not allowed with argument"),
    ],
)
def test_bad_render_arguments_exit_2_and_touch_nothing(tmp_path: Path, capsys, args, message):
    out = tmp_path / "reports"
    assert exit_code(["render", *args, "--out", str(out)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_validate_reports_broken_data_with_file_row_field_value(data_copy: Path):
    edit_csv(data_copy / "claims.csv", "\nc002,moscow,", "\nc002,moskow,")
    env = {**os.environ, "RUSSIAN_VIEWS_DATA": str(data_copy)}
    result = run("validate", env=env)
    assert result.returncode == EXIT_BAD_INPUT
    assert "claims.csv, row 3, field 'view'" in result.stderr and "'moskow'" in result.stderr


def test_validate_passes_on_the_real_data(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("data valid") and "not yet coded" not in out


def test_datapackage_check_reports_current(capsys):
    assert main(["datapackage", "--check"]) == 0
    assert "current" in capsys.readouterr().out


def test_params_lists_each_parameter_with_allowed_values(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    for name in ["actor", "since", "until", "themes", "views", "detail", "edition"]:
        assert f"\n  {name} (" in out
    assert "allowed: reader, student, instructor" in out
    assert main(["params", "overview"]) == 0


def test_params_of_an_unknown_notebook_exits_2(capsys):
    assert main(["params", "nope"]) == EXIT_BAD_INPUT
    assert "no notebook 'nope'; choose one of: actor_briefing" in capsys.readouterr().err


def test_bad_batch_file_exits_2_and_writes_nothing(tmp_path: Path, capsys):
    plan = tmp_path / "b.yml"
    plan.write_text("briefings:\n  - name: x\n    actors: narnia\n", "utf-8")
    out = tmp_path / "reports"
    assert exit_code(["render", "--config", str(plan), "--out", str(out)]) == EXIT_BAD_INPUT
    assert "entry 1 (x): unknown actor 'narnia'" in capsys.readouterr().err
    assert not out.exists()
