"""The explorer's web server: Voilà's app with the handlers a class needs changed.

``russian-views explore`` runs this module (``python -m russian_views.explorer.server``)
with Voilà's own command line. It is Voilà, but:

- a page is counted in before its kernel starts and refused past ``--max-pages``
  (:mod:`.capacity`), and comes from Voilà's pool of pre-heated kernels, kept at ``--warm``
  without the pages and ready kernels together passing the cap;
- a page's kernel is shut down once its tab has gone (its last connection closed and not
  back within :data:`GONE_SECONDS`), whatever the kernel is doing, even saving a PDF;
- a crafted template address (``/voila/templates/…/..%2f…``) is a 404, not a traceback;
- the address is printed once the server answers, and a port or address it cannot listen
  on is one line, not a traceback.
"""

from __future__ import annotations

import logging
import os
import posixpath
import sys
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import IOLoop
from tornado.web import HTTPError, StaticFileHandler
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from russian_views.explorer import ANNOUNCE_ENV, listen_problem
from russian_views.explorer.capacity import Pages, page_cap, warm_wanted

# A page whose last connection closed and has not come back within this many seconds is
# gone (a closed tab, a crashed browser): its kernel is shut down and its place freed. The
# page's own "shut down my kernel" request on closing usually comes first.
GONE_SECONDS = 10.0


class _Recording:
    """The kernel manager as one page's request sees it: the same manager, which notes
    the kernel the page is given (from the pool, or started for it)."""

    def __init__(self, manager: AsyncMappingKernelManager) -> None:
        self._manager = manager
        self.kernel_id: str | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        task, cache, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self.kernel_id = kernel_id
        return task, cache, kernel_id

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        self.kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        return self.kernel_id


class PageHandler(TornadoVoilaHandler):
    """The explorer's page: counted in, or refused when the explorer is full."""

    def initialize(self, **kwargs: Any) -> None:
        super().initialize(**kwargs)
        self._recording = _Recording(self.settings["kernel_manager"])

    @property
    def kernel_manager(self) -> Any:  # the manager, noting the page's kernel
        return self._recording

    async def get(self, path: str | None = None) -> None:
        manager, pages = self.settings["kernel_manager"], self.settings["rv_pages"]
        pages.admit(manager)
        try:
            keep_warm(manager, pages)
            # Voilà's page shuts its kernel down when the tab closes with a POST that
            # carries the _xsrf cookie; reading the token sets that cookie, which Voilà's
            # own page never does once a token guards it (the POST was refused).
            self.xsrf_token  # noqa: B018 (read for its side effect)
            await super().get(path)
        finally:
            pages.served(self._recording.kernel_id)
            keep_warm(manager, pages)


def keep_warm(manager: Any, pages: Pages) -> None:
    """Size the pool of ready kernels for the pages now open and top it up (after Voilà's
    ``fill_delay``, so a page being served is not slowed by kernels starting beside it)."""
    if not hasattr(manager, "fill_if_needed"):  # no pool (``--warm 0``)
        return
    room = pages.warm_room(manager, warm_wanted())
    manager.kernel_pools_config = {"default": {"pool_size": room, "kernel_env_variables": {}}}
    manager.fill_if_needed(notebook_name=manager.notebook_path)


class PageKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager (it makes the pooling class from this one), which shuts a
    page's kernel down once the page has gone."""

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        if self._kernel_connections.get(kernel_id) == 0:
            IOLoop.current().call_later(GONE_SECONDS, self._shut_if_gone, kernel_id)

    async def _shut_if_gone(self, kernel_id: str) -> None:
        if kernel_id in self and self._kernel_connections.get(kernel_id) == 0:
            # now=True: killed, not asked; a kernel busy saving would not answer in time.
            await ensure_async(self.shutdown_kernel(kernel_id, now=True))
            pages = self.parent.app.settings["rv_pages"]
            keep_warm(self, pages)


class TemplateFiles(TemplateStaticFileHandler):
    """Voilà's template files (``<template>/static/<file>``), where any other shape of
    address, or one that climbs out with ``..``, is a plain 404 (Voilà's own handler
    answers some of them with an assertion's traceback and HTTP 500)."""

    def parse_url_path(self, path: str) -> str:
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "static" or posixpath.normpath(path) != path:
            raise HTTPError(404)
        if any(part in ("", ".", "..") or "\\" in part for part in parts):
            raise HTTPError(404)
        return super().parse_url_path(path)


class PlainErrors:
    """A refused file address answered with its status in a line: Jupyter's error page
    needs a setting Voilà's app lacks, and failing to draw it printed a traceback."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}: {self._reason}\n")

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if not isinstance(value, HTTPError):  # a refusal: the request's log line says it
            super().log_exception(typ, value, tb)


def plain(handler: type) -> type:
    """A file handler with :class:`PlainErrors` (other handlers as they are)."""
    if not issubclass(handler, StaticFileHandler):
        return handler
    return type(f"Plain{handler.__name__}", (PlainErrors, handler), {})


class Unactionable(logging.Filter):
    """Warnings an instructor can do nothing about, kept out of their terminal: the
    explorer's notebooks are ours and never signed ("is not trusted", which reads like an
    alarm), and Jupyter's websocket settings disagree with tornado's."""

    NOISE = ("is not trusted", "websocket_ping_timeout")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(noise in message for noise in self.NOISE)


class ExplorerServer(Voila):
    """Voilà, with the explorer's page, template and kernel handling (see the module)."""

    def start(self) -> None:
        for logger in (self.log, logging.getLogger("tornado.general")):
            logger.addFilter(Unactionable())
        super().start()

    def init_settings(self) -> dict:
        settings = super().init_settings()
        settings["rv_pages"] = Pages(page_cap())
        return settings

    def init_handlers(self) -> list:
        ours = {TornadoVoilaHandler: PageHandler, TemplateStaticFileHandler: TemplateFiles}
        return [
            (route[0], plain(ours.get(route[1], route[1])), *route[2:])
            for route in super().init_handlers()
        ]

    def listen(self) -> None:
        """Listen on the one port asked for, or say in one line why not; print the address
        once the server answers; serve until stopped."""
        try:
            self.app.listen(self.port, self.ip)
        except OSError as exc:
            print(f"russian-views: {listen_problem(self.ip, self.port, exc)}", file=sys.stderr)
            self.stop()
            sys.exit(1)
        self.ioloop = IOLoop.current()
        self.ioloop.add_callback(self._announce)
        try:
            self.ioloop.start()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _announce(self) -> None:
        """Runs once the loop serves: the address (with its token) is good from now on."""
        print(os.environ.get(ANNOUNCE_ENV, ""), file=sys.stderr, flush=True)
        if self.open_browser:
            self.launch_browser()

    def stop(self) -> None:
        """Shut every kernel down (pages and ready ones) before removing their folder."""
        if self.kernel_manager is not None:
            IOLoop.current().run_sync(self.kernel_manager.shutdown_all)
        super().stop()


main = ExplorerServer.launch_instance

if __name__ == "__main__":
    main()
