"""The command line: help, exit codes, one-line errors, nothing written on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from russian_views.cli import main
from russian_views.exits import EXIT_BAD_INPUT, EXIT_FAILED

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


def test_an_out_that_is_a_file_is_bad_input(tmp_path: Path, capsys):
    target = tmp_path / "report.html"
    target.write_text("keep me", "utf-8")
    assert exit_code(["render", "--actor", "china", "--out", str(target)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and len(err.strip().splitlines()) == 1
    assert target.read_text("utf-8") == "keep me"


@pytest.mark.parametrize("where", ["/proc/russian-views-test", "FILE/reports"])
def test_an_out_that_cannot_be_written_names_the_path_and_the_reason(tmp_path: Path, where):
    (tmp_path / "FILE").write_text("", "utf-8")
    out = where.replace("FILE", str(tmp_path / "FILE"))
    result = run("render", "--actor", "china", "--format", "html", "--out", out)
    assert result.returncode == EXIT_FAILED
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert out in result.stderr
    assert any(r in result.stderr for r in ("No such file", "Not a directory", "Permission"))


def test_an_os_error_anywhere_is_one_line_and_debug_shows_the_traceback(monkeypatch, capsys):
    from russian_views.rendering import render

    def read_only(*_args, **_kwargs):
        raise OSError(30, "Read-only file system", "/mnt/ro/reports")

    monkeypatch.setattr(render, "actor_job", read_only)
    assert main(["render", "--actor", "china"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err == "russian-views: error: /mnt/ro/reports: Read-only file system\n"
    # --debug: the same line and exit code, after the traceback (the service answers alike)
    assert main(["--debug", "render", "--actor", "china"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "OSError" in err
    assert err.endswith("russian-views: error: /mnt/ro/reports: Read-only file system\n")


def test_a_bug_is_one_line_too(monkeypatch, capsys):
    from russian_views.rendering import render

    monkeypatch.setattr(render, "actor_job", lambda *a, **k: {}["boom"])
    assert main(["render", "--actor", "china"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("russian-views: internal error: KeyError") and "--debug" in err


def test_missing_or_broken_schema_is_a_data_error_not_a_traceback(data_copy: Path):
    env = {**os.environ, "RUSSIAN_VIEWS_DATA": str(data_copy)}
    (data_copy / "schema.yml").unlink()
    result = run("render", "--actor", "china", env=env)
    assert result.returncode == EXIT_BAD_INPUT and "Traceback" not in result.stderr
    assert "schema.yml: cannot read" in result.stderr and "No such file" in result.stderr
    (data_copy / "schema.yml").write_text("fields: {}\ntables: {}\nextra: 1\n", "utf-8")
    result = run("validate", env=env)
    assert result.returncode == EXIT_BAD_INPUT and "found ['extra', 'fields', 'tables']" in (
        result.stderr
    )


def test_debug_shows_the_traceback():
    result = run("--debug", "render", "--actor", "narnia")
    assert "Traceback" in result.stderr and "ParameterError" in result.stderr


@pytest.mark.parametrize("data", [b"\x00\x01\xff" * 100, b"briefings: *nowhere\n"])
def test_a_binary_or_broken_config_is_one_line_exit_2(tmp_path: Path, capsys, data):
    plan = tmp_path / "b.yml"
    plan.write_bytes(data)
    assert exit_code(["render", "--config", str(plan)]) == EXIT_BAD_INPUT
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_yaml_alias_bomb_is_refused_in_bounded_memory(tmp_path: Path):
    import resource

    from .test_plan import BOMB

    plan = tmp_path / "bomb.yml"
    plan.write_text(BOMB + "briefings:\n  - name: x\n    actors: *i\n", "utf-8")

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "-m", "russian_views", "render", "--config", str(plan)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
        check=False,
    )
    assert result.returncode == EXIT_BAD_INPUT
    assert "expands to more than 10,000 values" in result.stderr
    assert len(result.stderr) < 300


@pytest.mark.parametrize(
    "argv",
    [
        ["remove-source", "s" * 300],
        [
            "add-source",
            "/" + "deep/" * 1000 + "text.txt",
            "--kind",
            "expert",
            "--title",
            "T",
            "--outlet",
            "O",
            "--date",
            "2020",
        ],
        ["agreement", "/" + "deep/" * 1000 + "anna.csv"],
        ["class-agreement", "/" + "deep/" * 1000],
    ],
    ids=["300-character id", "5 KB text path", "5 KB coding path", "5 KB folder"],
)
def test_a_long_value_or_path_is_echoed_cut(argv: list[str], capsys):
    assert main(argv) in (EXIT_BAD_INPUT, EXIT_FAILED)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and max(len(word) for word in err.split()) <= 130, err[:300]


def test_an_unwritable_folder_is_named_never_a_temporary_file(tmp_path: Path, monkeypatch, capsys):
    """The folder or file the user gave is named, not the probe or staging file inside it
    (simulated: this suite may run as root, whom a read-only folder does not stop)."""
    import tempfile

    from russian_views.atomic import write_atomic

    def refused(*args, dir: str, **kwargs):  # dir: mkstemp's own keyword
        raise PermissionError(13, "Permission denied", f"{dir}/.probe.x1y2z3.tmp")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    out = tmp_path / "reports"
    assert main(["render", "--actor", "china", "--out", str(out)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err == f"russian-views: error: {out}: Permission denied\n"
    with pytest.raises(PermissionError) as error:
        write_atomic(out / "x.csv", b"x")
    assert error.value.filename == str(out / "x.csv")
