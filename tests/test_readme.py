"""What the README says that can be checked: the commands and options it names exist, the
make targets it names are in the Makefile, the environment variables it documents are the
ones the code reads, and its architecture table names every module."""

from __future__ import annotations

import contextlib
import io
import re
from functools import cache
from pathlib import Path

import pytest

from russian_views import config
from russian_views.cli import main

ROOT = config.PROJECT_ROOT
README = (ROOT / "README.md").read_text("utf-8")
# What the README says about developing the project (pytest's, ipykernel's options) is not
# about the command.
USER_PART = README.split("\n## Development\n")[0]


def help_text(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_info:
        main([*args, "--help"])
    assert exit_info.value.code == 0
    return out.getvalue()


@cache
def commands() -> set[str]:
    """The subcommands ``russian-views --help`` lists under COMMAND."""
    listed = help_text().split("\n  COMMAND\n")[1].split("\n\n")[0]
    return set(re.findall(r"^    ([a-z][a-z-]*)", listed, re.M))


def named_commands() -> dict[str, set[str]]:
    """Each ``russian-views COMMAND …`` the README shows, and the options shown with it."""
    named: dict[str, set[str]] = {}
    for match in re.finditer(r"russian-views ([a-z][a-z-]*)([^`\n]*)", README):
        options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", match.group(2)))
        named.setdefault(match.group(1), set()).update(options)
    return named


def test_every_command_the_readme_names_exists():
    named = set(named_commands())
    assert len(named) >= 10
    assert named - commands() == set()


@pytest.mark.parametrize("command", sorted(named_commands()))
def test_every_option_the_readme_shows_with_a_command_is_in_its_help(command: str):
    shown = named_commands()[command]
    text = help_text(command)
    assert {option for option in shown if option not in text} == set()


def test_every_option_the_readme_names_alone_is_an_option_of_the_command():
    """``--force``, ``--jobs N`` … named in the running text are options of some command."""
    alone = set(re.findall(r"`(--[a-z][a-z-]*)", USER_PART))
    assert alone
    every_help = help_text() + "".join(help_text(c) for c in sorted(commands()))
    assert {option for option in alone if option not in every_help} == set()


def test_every_make_target_the_readme_names_is_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    # as a command: at the start of a line of a code block, or at the start of a code span
    named = set(re.findall(r"(?:^|`)make ([a-z][a-z-]*)", README, re.M))
    assert named and named - targets == set()


def _code_files() -> list[Path]:
    return sorted(config.PACKAGE_DIR.rglob("*.py"))


def test_the_environment_variables_documented_are_the_ones_the_code_reads():
    variables = re.compile(r"\bRUSSIAN_VIEWS_[A-Z_]*[A-Z]\b")
    documented = set(variables.findall(README))
    read = {v for path in _code_files() for v in variables.findall(path.read_text("utf-8"))}
    assert documented, "the README documents the variables"
    assert documented - read == set(), "documented but never read"
    assert read - documented == set(), "read but not documented"


def test_the_architecture_table_names_every_module():
    """A newcomer finds each module in the table, in the row of its folder."""
    (table,) = re.findall(r"\| folder \| what it holds \|\n((?:\|.*\n)+)", README)
    rows = {}
    for line in table.splitlines()[1:]:
        folder, held = (cell.strip() for cell in line.strip("|").split("|", 1))
        rows[folder.strip("`").removeprefix("src/russian_views/")] = held
    missing = []
    for path in _code_files():
        relative = path.relative_to(config.PACKAGE_DIR)
        if path.name == "__init__.py" and relative.parent != Path("explorer"):
            continue  # a package's __init__ is the folder itself
        folder = f"{relative.parts[0]}/" if len(relative.parts) > 1 else ""
        if f"`{path.name}`" not in rows.get(folder, ""):
            missing.append(relative.as_posix())
    assert missing == []
