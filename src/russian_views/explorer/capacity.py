"""How many pages the explorer serves at once, and how many it keeps ready.

Each open page has a kernel of its own (about 270 MB), so a room of browsers, or one
student reloading, could exhaust the machine; past the instructor's cap a new page gets a
plain refusal instead of a kernel. The count is kept here, in the server's one thread:
a page is counted from the moment its request is accepted (before any kernel starts), so
ten pages asked for in the same instant can never all pass a check that only counts the
kernels already running.

Besides the open pages the server keeps up to ``--warm`` kernels started, each with the
explorer already drawn (Voilà's pre-heated kernels), so a class opening together waits no
longer than one student; open pages and ready kernels together never pass the cap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tornado.web import HTTPError

from russian_views.explorer import DEFAULT_PAGES, PAGES_ENV, WARM_ENV


def page_cap() -> int:
    """The most pages open at once, as the command passed it."""
    return int(os.environ.get(PAGES_ENV, DEFAULT_PAGES))


def warm_wanted() -> int:
    """How many kernels to keep ready for the next pages, as the command passed it."""
    return int(os.environ.get(WARM_ENV, 1))


def full_page_error(cap: int) -> HTTPError:
    """The refusal a page past the cap gets: HTTP 503, with a sentence the page shows."""
    return HTTPError(
        503,
        "The explorer already has as many pages open as whoever started it allowed (%d). "
        "Close a page you no longer use and reload this one, or ask them to allow more "
        "(russian-views explore --max-pages).",
        cap,
        reason="The explorer is full",
    )


@dataclass
class Pages:
    """The pages the server has accepted: those still being served (``arriving``) and the
    kernels handed to pages (``kernels``; a kernel shut down leaves the count by itself)."""

    cap: int
    arriving: int = 0
    kernels: set[str] = field(default_factory=set)

    def open(self, running: object) -> int:
        """Pages open now; ``running`` is the kernel manager (``id in running``)."""
        self.kernels = {k for k in self.kernels if k in running}
        return self.arriving + len(self.kernels)

    def admit(self, running: object) -> None:
        """Count a new page in, or refuse it (HTTP 503) when the pages open reach the cap.
        No await between the check and the count: nothing can slip in between."""
        if self.open(running) >= self.cap:
            raise full_page_error(self.cap)
        self.arriving += 1

    def served(self, kernel_id: str | None) -> None:
        """The page's request has ended, with its kernel (None: it never got one)."""
        self.arriving -= 1
        if kernel_id is not None:
            self.kernels.add(kernel_id)

    def warm_room(self, running: object, wanted: int) -> int:
        """How many ready kernels the pool may hold now: ``wanted``, but never so many
        that open pages and ready kernels together pass the cap."""
        return max(0, min(wanted, self.cap - self.open(running)))
