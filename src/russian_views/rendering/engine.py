"""The papermill engine ``russian-views``: notebooks run on a warm kernel's kept client.

papermill's own engine (nbclient) opens a new client on the kernel for every notebook and
waits until it is ready: a ``kernel_info`` round trip, then up to 0.2 s on the IOPub channel
so that no output is missed (again while IOPub is still joining). On a warm kernel that is a
fifth of a short briefing's time. Given ``warm`` (the batch renderer's
:class:`~russian_views.rendering.kernel.WarmKernel`: its kernel ``manager`` and ``client``),
this engine runs the notebook on that kernel through the warm kernel's client, readying one
the first time and keeping it there, so the wait is paid once per kernel. Everything else is
papermill's nbclient engine: same cells, same outputs, same errors.

papermill loads this module through its ``papermill.engine`` entry point (pyproject.toml)
while it is itself being imported, so this module imports papermill and nothing of ours;
``papermill --engine russian-views`` finds it, and run so (no ``warm`` given) it starts a
kernel of its own as a render does (over Unix sockets in a private folder, quiet) and kills
it at the end.
"""

from __future__ import annotations

import uuid
from typing import Any

from jupyter_client.client import KernelClient
from jupyter_client.session import Session
from jupyter_core.utils import ensure_async, run_sync
from nbclient.util import run_hook
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args


class KeptClientNotebookClient(PapermillNotebookClient):
    """papermill's notebook client, on a warm kernel's kept client when there is one."""

    def __init__(self, nb_man: Any, warm: Any = None, **kw: Any) -> None:
        km = warm.manager if warm else kw.pop("km", None)
        super().__init__(nb_man, km=km, **kw)
        self.warm = warm

    async def async_start_new_kernel_client(self) -> KernelClient:
        """The warm kernel's client (readied on first use), set up as nbclient sets up a
        new one; without a warm kernel, nbclient's new client."""
        if self.warm is None:
            return await super().async_start_new_kernel_client()
        if self.warm.client is None:
            client = self.km.client(session=_own_session(self.km.session))
            client.start_channels()
            try:
                await ensure_async(client.wait_for_ready(timeout=self.startup_timeout))
            except BaseException:
                client.stop_channels()
                raise
            self.warm.client = client
        self.kc = self.warm.client
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    # nbclient binds the synchronous form to its own method: bind it to ours.
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


def _own_session(session: Session) -> Session:
    """A copy of the kernel manager's session under a new id.

    Clients made by ``km.client()`` share the manager's session: its id (which the kernel
    routes shell replies by) and its record of messages already seen, which drops an IOPub
    message as a replay when another client of the session read it first. A kept client
    lives alongside the short-lived ones the batch opens to warm and reset the kernel, so it
    gets a session of its own.
    """
    own = session.clone()
    own.session = str(uuid.uuid4())
    own.digest_history = set()
    return own


class KeptClientEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`KeptClientNotebookClient`.

    The body is papermill's ``NBClientEngine.execute_managed_notebook``, which names its
    client class inline, so it is repeated here with ours.
    """

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """Execute the managed notebook as papermill's engine does."""
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        if "warm" in final_kwargs:  # a caller of ours (a render), with its kernel or none
            return KeptClientNotebookClient(nb_man, **final_kwargs).execute()
        # Run from the command line (``papermill --engine russian-views``, as the teaching
        # guide makes the handouts): a kernel of its own started as a render starts one, over
        # Unix sockets in a private folder (never TCP, which every local user can reach and
        # which makes the kernel print a warning) and quiet, killed at the end.
        from russian_views.rendering.kernel import kill_kernel, start_warm_kernel

        warm = start_warm_kernel()
        try:
            return KeptClientNotebookClient(nb_man, warm=warm, **final_kwargs).execute()
        finally:
            kill_kernel(warm)
