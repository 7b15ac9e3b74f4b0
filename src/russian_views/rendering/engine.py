"""The papermill engine ``russian-views``: notebooks run on a warm kernel's kept client.

papermill's own engine (nbclient) opens a new client on the kernel for every notebook and
waits until it is ready: a ``kernel_info`` round trip, then up to 0.2 s on the IOPub channel
so that no output is missed (again while IOPub is still joining). On a warm kernel that is a
fifth of a short briefing's time. Given ``warm`` (the batch renderer's
:class:`~russian_views.rendering.kernel.WarmKernel`: its kernel ``manager`` and ``client``),
this engine runs the notebook on that kernel through a client kept on the warm kernel,
readied the first time only, so the wait is paid once per kernel.

It is papermill's nbclient engine, extended through the hooks the libraries offer rather
than by copying them: papermill passes the engine's keyword arguments on to nbclient, whose
``km`` argument is the kernel manager to run on; nbclient asks that manager for a client
(``km.client()``), starts its channels and waits for it; here the manager hands out the
kept client, whose start and wait are done once. Same cells, same outputs, same errors.

papermill loads this module through its ``papermill.engine`` entry point (pyproject.toml)
while it is itself being imported, so this module imports papermill and nothing of ours;
``papermill --engine russian-views`` finds it, and run so (no ``warm`` given) it starts a
kernel of its own as a render does (over Unix sockets in a private folder, quiet) and kills
it at the end. A caller of ours passing ``warm=None`` gets papermill's default engine.
"""

from __future__ import annotations

import uuid
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.session import Session
from papermill.engines import NBClientEngine

# ``warm`` not given at all: the engine was chosen on papermill's command line.
_NOT_GIVEN: Any = object()


class KeptClientEngine(NBClientEngine):
    """papermill's nbclient engine; with ``warm``, on that kernel's kept client."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man: Any, kernel_name: str, warm: Any = _NOT_GIVEN, **kwargs: Any
    ) -> Any:
        """Execute the managed notebook as papermill's engine does; on a warm kernel, nbclient
        is handed that kernel's manager (``km``), which gives it the kept client."""
        if warm is _NOT_GIVEN:
            # Run from the command line (``papermill --engine russian-views``, as the teaching
            # guide makes the handouts): a kernel of its own started as a render starts one,
            # over Unix sockets in a private folder (never TCP, which every local user can
            # reach and which makes the kernel print a warning) and quiet, killed at the end.
            from russian_views.rendering.kernel import kill_kernel, start_warm_kernel

            warm = start_warm_kernel()
            try:
                return cls.execute_managed_notebook(nb_man, kernel_name, warm=warm, **kwargs)
            finally:
                kill_kernel(warm)
        if warm is not None:
            kwargs["km"] = KeptClientManager(warm)
        return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)


class KeptClientManager:
    """A warm kernel's manager as nbclient sees it: the manager itself in everything (its
    kernel, liveness, interrupts), except that ``client()`` gives the warm kernel's kept
    client, made on first use."""

    def __init__(self, warm: Any) -> None:
        self.warm = warm

    def __getattr__(self, name: str) -> Any:
        return getattr(self.warm.manager, name)

    def client(self, **kwargs: Any) -> KeptClient:
        """The kept client (nbclient starts it and waits for it; both happen once)."""
        if self.warm.client is None:
            manager = self.warm.manager
            self.warm.client = KeptClient(
                **{
                    **manager.get_connection_info(session=True),
                    "connection_file": manager.connection_file,
                    "parent": manager,
                    "session": _own_session(manager.session),
                    **kwargs,
                }
            )
        return self.warm.client


class KeptClient(AsyncKernelClient):
    """A kernel client that stays connected between notebooks: starting its channels and
    waiting for the kernel, which nbclient does for every notebook, are done the first time
    only (the wait costs up to 0.2 s on IOPub); stopping them is the warm kernel's job."""

    ready: bool = False

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        if not self.ready:
            await super().wait_for_ready(timeout=timeout)
            self.ready = True

    def stop_channels(self) -> None:
        self.ready = False
        super().stop_channels()


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
