"""Stop signals (Ctrl-C, SIGTERM, SIGHUP) during a render, handled alike everywhere.

A light module: the command's own process uses it to forward a signal to the render
service before anything heavy is imported, and the batch runner to stop its workers.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextmanager
def on_first_stop_signal(act: Callable[[int], None]) -> Iterator[None]:
    """While this block runs, call ``act(signum)`` on the first SIGINT, SIGTERM or SIGHUP
    and ignore the later ones, which would otherwise cut the clean-up short; the previous
    handlers come back afterwards. Only the main thread receives signals: elsewhere this
    does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}

    def first(signum: int, _frame: object) -> None:
        for other in STOP_SIGNALS:
            signal.signal(other, signal.SIG_IGN)
        act(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, first)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# prctl(2) option: the signal this process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Have the kernel send ``signum`` to this process when its parent dies, so a render
    worker never outlives a service killed outright (kill -9, the out-of-memory killer): its
    SIGTERM handler then kills its kernels and ends it. Where prctl is missing (not Linux)
    this does nothing; a parent already gone ends this process at once."""
    import ctypes
    import os

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signum)
