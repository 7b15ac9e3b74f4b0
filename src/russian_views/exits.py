"""Exit codes, and the one line an error is shown as.

The command line and the render service answer a ``render`` alike (same lines, same exit
code, the traceback only with ``--debug``), so both run their work through
:func:`reported`. It lives here, below both, so that the service need not import the CLI.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from russian_views import spec
from russian_views.errors import DataError, ParameterError, RussianViewsError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
PROG = "russian-views"


def message(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line (a data error lists every problem) for an error."""
    if isinstance(exc, ParameterError):
        return EXIT_BAD_INPUT, f"error: {exc}"
    if isinstance(exc, DataError):
        return EXIT_BAD_INPUT, str(exc)
    if isinstance(exc, RussianViewsError):
        return EXIT_FAILED, f"error: {exc}"
    if isinstance(exc, OSError):
        where = f"{spec.shorten_path(str(exc.filename))}: " if exc.filename else ""
        return EXIT_FAILED, f"error: {where}{exc.strerror or exc}"
    detail = spec.shorten(f"{type(exc).__name__}: {exc}", 200)
    return EXIT_FAILED, f"internal error: {detail} (run with --debug for the traceback)"


def reported(command: Callable[[], int], debug: bool) -> int:
    """Run ``command`` and return its exit code; an error becomes its one line on stderr
    and its code, not a traceback (unless ``debug`` asks for it), and a stop signal the
    shell's code for it."""
    try:
        return command()
    except KeyboardInterrupt as exc:
        print(
            f"{PROG}: interrupted; reports already finished were kept, none is half-written",
            file=sys.stderr,
        )
        return getattr(exc, "exit_code", EXIT_INTERRUPTED)
    except Exception as exc:
        if debug:  # the traceback, then the same line and exit code as without --debug
            traceback.print_exc()
        code, line = message(exc)
        print(f"{PROG}: {line}", file=sys.stderr)
        return code
