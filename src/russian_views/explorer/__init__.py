"""``russian-views explore``: the briefing explorer, served by Voilà behind a token.

It serves this machine only unless ``--host`` names another address (a class on the local
network); every page needs the token the command prints in its address, and reaches the
explorer app only (Voilà exposes no Jupyter file, contents, terminal or kernel API). Each
open page has its own kernel, at most ``--max-pages`` of them (``capacity.py``).

The CLI loads :func:`add_arguments` to build its parser, so this module imports nothing
heavy; the explorer itself (:mod:`.app`, :mod:`.view`) runs in the kernel Voilà starts.

Voilà (with the few changes in :mod:`.server`) serves ``explorer.ipynb`` with the
``russian-views`` template found under ``jupyter/`` (put on Voilà's template path through
``JUPYTER_PATH``), which loads nothing from the network, so the explorer works offline.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from typing import NoReturn

from russian_views import config
from russian_views.errors import ParameterError, RussianViewsError

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "explorer.ipynb"
CODING_NOTEBOOK = HERE / "coding.ipynb"  # the coding exercise's page (coding_page.py)
TEMPLATE = "russian-views"
TEMPLATE_ROOT = HERE / "jupyter"
DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"
# A page's kernel left idle this long (a closed page's kernel too) is shut down.
CULL_SECONDS = 600
# Where "Save" writes, passed to the explorer's kernel (Voilà's kernels inherit its environment).
OUT_ENV = "RUSSIAN_VIEWS_EXPLORER_OUT"
# The most pages (one kernel each, about 270 MB) open at once, passed to capacity.py.
PAGES_ENV = "RUSSIAN_VIEWS_EXPLORER_PAGES"
DEFAULT_PAGES = 30
# Kernels kept started, the explorer drawn, for the next pages to open (server.py):
# one on this machine; for a class, enough that a room opening together waits for none.
WARM_ENV = "RUSSIAN_VIEWS_EXPLORER_WARM"
WARM_ALONE, WARM_CLASS = 1, 10
# The line that gives the address, printed by the server once it answers (server.py).
ANNOUNCE_ENV = "RUSSIAN_VIEWS_EXPLORER_ANNOUNCE"
# The passage the coding page shows and where Hand in writes, passed to coding_page.py.
EXERCISE_ENV = "RUSSIAN_VIEWS_EXERCISE_PARAGRAPH"
SOURCE_ENV = "RUSSIAN_VIEWS_EXERCISE_SOURCE"
INBOX_ENV = "RUSSIAN_VIEWS_EXERCISE_INBOX"
MAX_PAGES = 500


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``explore`` sub-command's description and options (imports nothing heavy)."""
    parser.description = (
        "Serve the briefing explorer (a Voilà app) on this machine only. Change the actor, "
        "years, themes, voices, length or edition and the briefing redraws; Save HTML / Save "
        "PDF write what `render` would. Ctrl-C stops it."
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to serve on (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        metavar="ADDRESS",
        help=f"address to serve on (default {DEFAULT_HOST}, this machine only; 0.0.0.0 serves "
        "a class on the local network: give the students the printed address with its token)",
    )
    parser.add_argument(
        "--max-pages",
        type=int,
        default=DEFAULT_PAGES,
        metavar="N",
        help=f"most pages open at once, one kernel (about 270 MB) each (default {DEFAULT_PAGES}); "
        "a page past it is told the explorer is full",
    )
    parser.add_argument(
        "--warm",
        type=int,
        default=None,
        metavar="N",
        help=f"pages kept ready (a started kernel each, within --max-pages) so that a page "
        f"opens at once (default {WARM_ALONE} on this machine, {WARM_CLASS} with --host)",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not open a browser; just print the address"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=config.REPORTS_DIR,
        metavar="DIR",
        help="where Save HTML / Save PDF write (default: reports/)",
    )
    exercise = parser.add_argument_group(
        "the coding exercise", "serve a page where students code a passage and hand it in"
    )
    exercise.add_argument(
        "--exercise", type=int, default=None, metavar="PARAGRAPH", help="the paragraph to code"
    )
    exercise.add_argument(
        "--source", default=None, metavar="ID", help="its source (default: the first source)"
    )
    exercise.add_argument(
        "--inbox",
        type=Path,
        default=None,
        metavar="DIR",
        help="where handed-in codings go, one CSV per student (then: class-agreement DIR)",
    )


def voila_command(
    port: int,
    open_browser: bool,
    host: str = DEFAULT_HOST,
    notebook: Path = NOTEBOOK,
    warm: int = WARM_ALONE,
) -> list[str]:
    """The command line that serves ``notebook`` (the explorer, or the coding page) on
    ``host``:``port``: Voilà's, run by :mod:`.server`, behind the token Voilà's identity
    provider takes from ``JUPYTER_TOKEN`` (never on the command line, where other users
    could read it), ``warm`` kernels kept ready, culling the kernels of pages left idle."""
    return [
        sys.executable,
        "-m",
        "russian_views.explorer.server",
        str(notebook),
        f"--port={port}",
        f"--Voila.ip={host}",
        # Voilà's config files are read from our folder only (it holds none), so no
        # voila.py in the user's working folder is run.
        f"--Voila.config_file_paths={TEMPLATE_ROOT}",
        "--token",  # on, with the value of JUPYTER_TOKEN
        f"--Voila.open_browser={open_browser}",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaConfiguration.default_pool_size={warm}",
        "--VoilaConfiguration.multi_kernel_manager_class="
        "russian_views.explorer.server.PageKernelManager",
        f"--MappingKernelManager.cull_idle_timeout={CULL_SECONDS}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
        # Kernels talk over Unix sockets in Voilà's private folder, not TCP ports on this
        # machine that any local user can reach (and without the TCP warning in the log).
        "--KernelManager.transport=ipc",
        "--Voila.log_level=WARN",
    ]


def voila_environment(
    out_dir: Path, token: str, pages: int = DEFAULT_PAGES, warm: int = WARM_ALONE
) -> dict[str, str]:
    """This environment, with our template on Voilà's path, the save folder named, the
    access token, the page cap and the kernels to keep ready."""
    env = dict(os.environ)
    env["JUPYTER_TOKEN"] = token
    env[PAGES_ENV] = str(pages)
    env[WARM_ENV] = str(warm)
    paths = [str(TEMPLATE_ROOT), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env[OUT_ENV] = str(out_dir.resolve())
    return env


def cmd_explore(args: argparse.Namespace) -> NoReturn:
    """Check the kernel is installed and the address free, then hand this process over to
    the server, which prints the address once it answers."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    if not 0 < args.port < 65536:
        raise ParameterError(f"--port must be from 1 to 65535, not {args.port}")
    if not 0 < args.max_pages <= MAX_PAGES:
        raise ParameterError(f"--max-pages must be from 1 to {MAX_PAGES}, not {args.max_pages}")
    alone = args.host in ("127.0.0.1", "localhost", "::1")
    warm = min(WARM_ALONE if alone else WARM_CLASS, args.max_pages)
    if args.warm is not None:
        if not 0 <= args.warm <= args.max_pages:
            raise ParameterError(
                f"--warm must be from 0 to --max-pages ({args.max_pages}), not {args.warm}"
            )
        warm = args.warm
    try:
        KernelSpecManager().get_kernel_spec(config.KERNEL_NAME)
    except NoSuchKernel:
        raise RussianViewsError(
            f"the {config.KERNEL_NAME!r} Jupyter kernel is not installed: run `make install`"
        ) from None
    exercise = _exercise(args)
    _port_free(args.host, args.port)
    token = secrets.token_urlsafe(24)
    shown = address_to_give(args.host)
    what = "the coding page" if exercise else "the explorer"
    announce = (
        f"russian-views: {what} is at http://{shown}:{args.port}/?token={token} "
        "(only with this token; Ctrl-C stops it)"
    )
    notebook = CODING_NOTEBOOK if exercise else NOTEBOOK
    command = voila_command(args.port, not args.no_browser, args.host, notebook, warm)
    env = voila_environment(args.out, token, args.max_pages, warm) | exercise
    env[ANNOUNCE_ENV] = announce
    os.execve(command[0], command, env)


def _exercise(args: argparse.Namespace) -> dict[str, str]:
    """The coding page's passage and inbox, checked against the data before anything is
    served (empty without ``--exercise``)."""
    if args.exercise is None:
        for option in ("source", "inbox"):
            if getattr(args, option) is not None:
                raise ParameterError(f"--{option} goes with --exercise PARAGRAPH")
        return {}
    if args.inbox is None:
        raise ParameterError("--exercise needs --inbox DIR, the folder handed-in codings go to")
    from russian_views.classroom.exercise import resolve_paragraph, resolve_source
    from russian_views.classroom.inbox import Inbox
    from russian_views.dataset.load import load_dataset

    dataset = load_dataset()
    source = resolve_source(args.source, dataset)
    count = len(dataset.texts[source].paragraphs)
    paragraph = resolve_paragraph(args.exercise, count)
    inbox = Inbox.open(args.inbox, create=True)  # private, or refused in one line
    return {EXERCISE_ENV: str(paragraph), SOURCE_ENV: source, INBOX_ENV: str(inbox.path)}


def address_to_give(host: str) -> str:
    """The address to print for ``host``: for a server on every interface (0.0.0.0), this
    computer's address on its network, which is what students type; 0.0.0.0 is not an
    address a browser can open. (A UDP socket's connect sends nothing; it only picks the
    interface a packet would leave by.)"""
    import socket

    if host not in ("0.0.0.0", "::", ""):
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, never reached
            return probe.getsockname()[0]
        except OSError:
            return socket.gethostbyname(socket.gethostname())


def _port_free(host: str, port: int) -> None:
    """Refuse, in one line and before the server starts, an address it cannot listen on.

    The probe allows reuse of the address as the server's own socket does, so a port left
    in TIME_WAIT by an explorer just stopped (Ctrl-C, then start again) is free at once,
    while a port another server listens on is not."""
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except (OSError, UnicodeError) as exc:
            problem = listen_problem(host, port, exc)
            if problem.startswith("--host"):
                raise ParameterError(problem) from None
            raise RussianViewsError(problem) from None


def listen_problem(host: str, port: int, exc: OSError | UnicodeError) -> str:
    """What keeps a server from listening on ``host``:``port``, in one line that names the
    option to change."""
    import errno
    import socket

    if isinstance(exc, socket.gaierror | UnicodeError):
        return f"--host {host} is not an address this computer can find"
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is in use on {host} (another explorer?); choose another --port"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"port {port} needs privileges on this system; choose one above 1023 (--port)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"--host {host} is not an address of this computer (try 127.0.0.1 or 0.0.0.0)"
    return f"cannot serve on {host}:{port}: {exc.strerror or exc}"
