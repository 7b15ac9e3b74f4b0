"""Exit codes, and the one line an error is shown as.

The command line and the render service answer a ``render`` alike (same lines, same exit
code, the traceback only with ``--debug``), so both run their work through
:func:`reported`. It lives here, below both, so that the service need not import the CLI.
"""

from __future__ import annotations

import select
import signal
import sys
import traceback
from collections.abc import Callable

from russian_views import spec
from russian_views.errors import DataError, ParameterError, RussianViewsError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
# Output into a pipe whose reader has gone (``| head -1``): the shell's code for SIGPIPE.
EXIT_CLOSED_PIPE = 128 + signal.SIGPIPE
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
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
    except BrokenPipeError:
        if not stdout_closed():
            raise
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt as exc:
        return interrupted(exc)
    except Exception as exc:
        if debug:  # the traceback, then the same line and exit code as without --debug
            traceback.print_exc()
        code, line = message(exc)
        print(f"{PROG}: {line}", file=sys.stderr)
        return code


def interrupted(exc: KeyboardInterrupt) -> int:
    """Say that a stop signal ended the command, in one line; its exit code."""
    print(
        f"{PROG}: interrupted; reports already finished were kept, none is half-written",
        file=sys.stderr,
    )
    return getattr(exc, "exit_code", EXIT_INTERRUPTED)


def stdout_closed() -> bool:
    """Whether standard output is a pipe whose reader has gone (``| head -1`` read its
    line): then nothing more can be shown, and the command ends quietly."""
    try:
        poller = select.poll()
        poller.register(sys.__stdout__.fileno(), select.POLLOUT)
        events = poller.poll(0)
    except (OSError, ValueError, AttributeError):
        return False
    return any(flags & select.POLLERR for _fd, flags in events)


def _interrupted(signum: int, _frame: object) -> None:
    from russian_views.errors import Interrupted

    raise Interrupted(signum)


def run_command(command: Callable[[], int], debug: bool) -> int:
    """Run a command of the command line as :func:`reported` does, with SIGTERM and SIGHUP
    handled like Ctrl-C (one line, exit 143 or 129, never a traceback) and output into a
    closed pipe ending quietly with :data:`EXIT_CLOSED_PIPE`; the previous signal handlers
    come back afterwards (the command may run inside another program, such as a test)."""
    previous = {signum: signal.signal(signum, _interrupted) for signum in _STOP_SIGNALS}
    try:
        code = reported(command, debug)
        try:  # what is still buffered, now: at exit a failure would print "Exception ignored"
            sys.stdout.flush()
        except BrokenPipeError:
            code = EXIT_CLOSED_PIPE
        return code
    except KeyboardInterrupt as exc:  # a signal after the command's own handling ended
        return interrupted(exc)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
