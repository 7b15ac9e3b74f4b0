"""Hostile parameters through the CLI and plain papermill: exit 2, one line, nothing touched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from russian_views import config, spec
from russian_views.cli import EXIT_BAD_INPUT, main
from russian_views.errors import ParameterError

from .test_cli import exit_code


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder that already holds a report, to prove it is left alone."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "china.html").write_text("previous good report", "utf-8")
    return folder


CASES = [
    (["--actor", "Narnia"], "unknown actor 'Narnia'"),
    (["--actor", "nort korea"], "did you mean 'north-korea'?"),
    (["--actor", ""], "actor is empty"),
    (["--actor", "../../x"], "unknown actor '../../x'"),
    (["--actor", "china", "--since", "2019", "--until", "2010"], "since (2019) is after until"),
    (["--actor", "china", "--since", "1950", "--until", "1960"], "from 2008 to 2021"),
    (["--actor", "china", "--since", "abc"], "since must be a year from 2008 to 2021, not 'abc'"),
    (["--actor", "china", "--themes", "sanctoins"], "did you mean 'sanctions'?"),
    (["--actor", "china", "--views", "kremlin"], "unknown view 'kremlin'"),
    (["--actor", "china", "--jobs", "0"], "--jobs must be 1 or more"),
    (["--actor", "china", "--jobs", "two"], "--jobs must be 1 or more, not 'two'"),
    (["--actor", "china", "--jobs", "²"], "--jobs must be 1 or more, not '²'"),
    (["--all", "--format", "docx"], "unknown format 'docx'"),
    (["--actor", "china", "--since", "-5"], "since must be a year from 2008 to 2021"),
    (["--actor", "china", "--until", "99999"], "until must be a year from 2008 to 2021"),
    (["--actor", "china", "--themes", ""], "themes is empty; choose from: all, nuclear"),
    (["--actor", "china", "--themes", ","], "themes is empty"),
    (["--actor", "china", "--format", ""], "format is empty; choose from: html, pdf"),
    (["--actor", "x" * 10_000], "unknown actor 'xxxxxxxxxx"),
    (["--actor", "china", "--themes", "y" * 10_000], "…'"),
    (["--overview", "--themes", "nuclear"], "--overview does not take --themes"),
    (["--compare", "DPRK", "Seoul", "--edition", "student"], "it applies to: actor_briefing"),
    (["--compare", "DPRK", "Pyongyang"], "choose two different actors"),
]


@pytest.mark.parametrize(("args", "message"), CASES)
def test_cli_refuses_in_one_line_and_touches_nothing(out: Path, capsys, args, message):
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert exit_code(["render", *args, "--out", str(out)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and len(err) < 400
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_valid_choices_are_named(capsys):
    assert main(["render", "--actor", "Japan"]) == EXIT_BAD_INPUT
    assert "choose one of: north-korea, south-korea, united-states, china" in (
        capsys.readouterr().err
    )


GUARDED = [
    ({"acter": "china"}, "unknown parameter 'acter' (did you mean 'actor'?)"),
    ({"actor": "china", "since": "abc"}, "since must be a year"),
    ({"actor": "china", "themes": "sanctoins"}, "unknown theme 'sanctoins'"),
    ({"actor": "china", "edition": "teacher"}, "unknown edition 'teacher'"),
    ({"actor": ""}, "actor is empty"),
    ({"actor": "china", "themes": ""}, "themes is empty"),
]


@pytest.mark.parametrize(("parameters", "message"), GUARDED)
def test_the_notebook_guard_refuses_with_the_clis_message(dataset, parameters, message):
    """What the guard cell runs, on the namespace papermill leaves (defaults, then the
    injected values): the same one-line refusals as the CLI."""
    from russian_views.briefings.briefing import ActorBriefing

    defaults = {p.name: p.default for p in spec.parameters_of(spec.ACTOR)}
    with pytest.raises(ParameterError, match=re.escape(message)):
        ActorBriefing.from_namespace({**defaults, **parameters})


@pytest.mark.slow
@pytest.mark.parametrize(("parameters", "message"), [GUARDED[0], GUARDED[2]])
def test_plain_papermill_fails_in_the_first_cell_with_the_same_message(parameters, message):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(config.ACTOR_NOTEBOOK),
            None,
            parameters=parameters,
            progress_bar=False,
            kernel_name=config.KERNEL_NAME,
        )
    assert info.value.ename == "ParameterError"
    assert message in info.value.evalue
    assert info.value.cell_index == 2, "the first cell after the parameters and the injection"
