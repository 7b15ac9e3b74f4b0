"""Warm kernels: started (again on new ports if one dies at start), warmed, killed.

A briefing's notebook runs on a kernel that has already imported what every briefing needs
(:data:`WARM_UP`). The batch renderer keeps one per worker and resets it between
briefings; :mod:`russian_views.rendering.render` runs a notebook on one and
:mod:`russian_views.rendering.engine` keeps its client ready. Both need the kernel, neither
needs the other's machinery, so the kernel lives here, below both.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from russian_views import config
from russian_views.private import private_tempdir

if TYPE_CHECKING:
    import subprocess

# The kernel's own log would print a transport notice on every start (errors still show),
# and its history database would record every cell of every briefing in ~/.ipython.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
WARM_UP = (
    "import russian_views.briefings.briefing, russian_views.briefings.overview, vl_convert\n"
    "vl_convert.vegalite_to_svg({'mark': 'point', 'data': {'values': [{'x': 1}]},"
    " 'encoding': {'x': {'field': 'x', 'type': 'quantitative'}}})"
)
RESET = "get_ipython().reset(new_session=True, aggressive=False)"

_alive: list[WarmKernel] = []  # every kernel this process started and has not killed
# A forked process (a render worker) owns none of its parent's kernels: killing it must
# never kill them.
os.register_at_fork(after_in_child=_alive.clear)


def run_code(km: Any, code: str) -> None:
    """Run code in a kernel and wait for it (used for warm-up and reset, not briefings)."""
    from jupyter_core.utils import run_sync

    client = km.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=60)
        reply = run_sync(client.execute_interactive)(code, timeout=120, output_hook=_ignore)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue')}")
    finally:
        client.stop_channels()


def _ignore(_message: dict) -> None:
    """Output of warm-up and reset code is not wanted."""


@dataclass
class WarmKernel:
    """A started kernel that has imported what every briefing needs, and the client our
    papermill engine (:mod:`russian_views.rendering.engine`) keeps ready on it: readied by
    the first notebook run on it, used only by the thread that runs notebooks."""

    manager: Any
    client: Any = None

    def close_client(self) -> None:
        """Close the kept client's channels (before its kernel stops)."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None


# Jupyter picks a kernel's ports before the kernel binds them, so a kernel started at the
# same moment as another (two commands at once, or one command's workers) can lose a port
# to it and die at start ("Address already in use", papermill#511). A kernel that dies
# before it is ready is started again, on new ports; one that fails its set-up is not.
KERNEL_STARTS = 3


def _started_kernel() -> WarmKernel:
    """A kernel process, booting (not yet ready)."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    # Over Unix sockets in a folder of its own (0700), never TCP ports on 127.0.0.1, which
    # every local user can reach (the IOPub channel, unencrypted, would show them each
    # briefing as it is made); and no port for two kernels started at once to race for.
    km = AsyncKernelManager(
        kernel_name=config.KERNEL_NAME,
        transport="ipc",
        connection_file=str(_kernel_folder() / "kernel.json"),
    )
    run_sync(km.start_kernel)(extra_arguments=KERNEL_ARGUMENTS, cwd=str(config.PROJECT_ROOT))
    kernel = WarmKernel(km)
    _alive.append(kernel)
    return kernel


# A Unix socket's path has at most 107 bytes; the kernel's are its folder + "/kernel-ipc-N".
_SOCKET_PATH_MAX = 107 - len("/kernel-ipc-5")


def _kernel_folder() -> Path:
    """A new private folder (0700, made atomically by mkdtemp, checked by descriptor) for a
    kernel's connection file and sockets: in the temporary folder, or in /tmp when that path
    is too long for a socket. A temporary folder another user could change is refused
    (they could swap in a connection file of theirs and run code as this user)."""
    base = tempfile.gettempdir()
    if len(base) + len("/russian-views-kernel-12345678") > _SOCKET_PATH_MAX:
        base = "/tmp"
    return private_tempdir("russian-views-kernel-", Path(base))


def remove_files(kernel: WarmKernel) -> None:
    """The kernel's connection file, its sockets and their folder: nothing stays behind."""
    kernel.manager.cleanup_connection_file()
    kernel.manager.cleanup_ipc_files()
    with suppress(OSError):
        Path(kernel.manager.connection_file).parent.rmdir()


def _process(kernel: WarmKernel) -> subprocess.Popen | None:
    """The kernel's process (None if it was never started)."""
    provisioner = kernel.manager.provisioner
    return None if provisioner is None else provisioner.process


def has_exited(kernel: WarmKernel) -> bool:
    """Whether the kernel's process has ended."""
    process = _process(kernel)
    return process is None or process.poll() is not None


def start_warm_kernel(while_starting: Callable[[], None] | None = None) -> WarmKernel:
    """A started kernel that has already imported what every briefing needs.

    ``while_starting`` runs (once) in this process while the first kernel process boots.
    """
    attempts = 1
    while True:
        kernel = _started_kernel()
        try:
            if while_starting is not None:
                while_starting()
                while_starting = None
            run_code(kernel.manager, WARM_UP)
            return kernel
        except BaseException as exc:
            died_at_start = isinstance(exc, Exception) and has_exited(kernel)
            kill_kernel(kernel)
            if not died_at_start or attempts == KERNEL_STARTS:
                raise
        attempts += 1


def kill_kernel(kernel: WarmKernel) -> None:
    """Stop a kernel at once and remove its connection files.

    Needs no event loop, so it is safe while a signal unwinds the stack. Kernels run in a
    session of their own, so nothing else stops them: a kernel left behind would outlive
    the command.
    """
    kernel.close_client()
    process = _send_kill(kernel)
    if process is not None:
        process.wait()
    remove_files(kernel)
    with suppress(ValueError):
        _alive.remove(kernel)


def _send_kill(kernel: WarmKernel) -> subprocess.Popen | None:
    """SIGKILL to the kernel and anything it started (its process group); its process, to
    wait for (None if it was never started). Takes no lock, so a signal handler may call it
    while the interrupted code is inside :func:`kill_kernel`."""
    process = _process(kernel)
    if process is None:
        return None
    group = kernel.manager.provisioner.pgid
    with suppress(ProcessLookupError):
        if group and group != os.getpgrp():
            os.killpg(group, signal.SIGKILL)
        else:
            os.kill(process.pid, signal.SIGKILL)
    return process


def kill_all() -> None:
    """Kill every kernel this process started and has not killed yet (the warm one, one
    starting, one replacing a kernel that died)."""
    for kernel in list(_alive):
        kill_kernel(kernel)


def kill_all_now() -> None:
    """Kill every kernel this process started, from a signal handler that ends the process.

    Not :func:`kill_kernel`: the signal may have come while this process was inside it, and
    its locks are not reentrant. Nothing here waits: the process ends, and the killed
    kernels are reaped without it.
    """
    for kernel in list(_alive):
        _send_kill(kernel)
        remove_files(kernel)
