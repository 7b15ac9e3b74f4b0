"""One exception family, so callers (the CLI, notebooks) can tell our errors from bugs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


class RussianViewsError(Exception):
    """Base class of every error this package raises on purpose."""


class ParameterError(RussianViewsError, ValueError):
    """A briefing parameter (actor, years, format, …) is not acceptable.

    The message is one line that names the bad value and the valid choices.
    ``parameters`` are the parameters at fault, as the message spells them, so that a
    caller whose users know them by other names (the explorer's From and To for ``since``
    and ``until``) can say the same thing in those names: :meth:`worded`.
    """

    def __init__(self, message: str, parameters: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.parameters = parameters

    def worded(self, names: Mapping[str, str]) -> str:
        """The message with each parameter at fault called by its name in ``names``."""
        if not self.parameters:
            return str(self)
        named = re.compile(r"\b(" + "|".join(map(re.escape, self.parameters)) + r")\b")
        return named.sub(lambda m: names.get(m[1], m[1]), str(self))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value in a data file."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", field {self.field!r}"
        value = "" if self.value is None else f" (value {_shorten(self.value)!r})"
        return f"{where}: {self.message}{value}"


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


class DataError(RussianViewsError):
    """The data files break the schema; every problem found is listed, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in problems))


class RenderError(RussianViewsError):
    """A notebook failed to execute or a report failed to export."""


class Interrupted(KeyboardInterrupt):
    """A render was stopped by a signal (SIGINT, SIGTERM, SIGHUP): handled like Ctrl-C, and
    the command exits with the shell's code for that signal, 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP)."""
        return 128 + self.signum
