"""How many pages the explorer serves at once.

Each open page has a kernel of its own (about 270 MB), so a room of browsers, or one
student reloading, could exhaust the machine; past the instructor's cap a new page gets a
plain refusal instead of a kernel. Voilà calls :func:`refuse_when_full` before it starts a
page's kernel (its ``prelaunch_hook``, set in ``jupyter/voila.py``); the cap reaches the
server through the environment, as the save folder does.
"""

from __future__ import annotations

import os

from tornado.web import HTTPError, RequestHandler

from russian_views.explorer import DEFAULT_PAGES, PAGES_ENV


def page_cap() -> int:
    """The most pages open at once, as the command passed it."""
    return int(os.environ.get(PAGES_ENV, DEFAULT_PAGES))


def refuse_when_full(handler: RequestHandler, notebook: object, cwd: str) -> None:
    """Refuse a new page (HTTP 503, with a sentence the page shows) when the open pages'
    kernels already number the cap; a closed page's kernel is shut down and frees its place."""
    cap, open_pages = page_cap(), len(handler.kernel_manager.list_kernel_ids())
    if open_pages >= cap:
        raise HTTPError(
            503,
            "The explorer already has as many pages open as whoever started it allowed (%d). "
            "Close a page you no longer use and reload this one, or ask them to allow more "
            "(russian-views explore --max-pages).",
            cap,
            reason="The explorer is full",
        )
    # Voilà's page shuts its kernel down when the tab closes with a POST that carries the
    # _xsrf cookie; reading the token sets that cookie, which Voilà's own page never does
    # once a token guards it (the POST was refused and the kernel lived on).
    handler.xsrf_token  # noqa: B018 (read for its side effect)
