"""``russian-views explore``: the briefing explorer, served by Voilà on this machine only.

The CLI loads :func:`add_arguments` to build its parser, so this module imports nothing
heavy; the explorer itself (:mod:`.app`, :mod:`.view`) runs in the kernel Voilà starts.

Voilà serves ``explorer.ipynb`` with the ``russian-views`` template found under
``jupyter/`` (put on Voilà's template path through ``JUPYTER_PATH``), which loads nothing
from the network, so the explorer works offline.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from russian_views import config
from russian_views.errors import ParameterError, RussianViewsError

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "explorer.ipynb"
TEMPLATE = "russian-views"
TEMPLATE_ROOT = HERE / "jupyter"
DEFAULT_PORT = 8866
# Where "Save" writes, passed to the explorer's kernel (Voilà's kernels inherit its environment).
OUT_ENV = "RUSSIAN_VIEWS_EXPLORER_OUT"


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
        "--no-browser", action="store_true", help="do not open a browser; just print the address"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=config.REPORTS_DIR,
        metavar="DIR",
        help="where Save HTML / Save PDF write (default: reports/)",
    )


def voila_command(port: int, open_browser: bool) -> list[str]:
    """The Voilà command line that serves the explorer on ``port`` (localhost only)."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOK),
        f"--port={port}",
        "--Voila.port_retries=0",
        "--Voila.ip=127.0.0.1",
        f"--Voila.open_browser={open_browser}",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--Voila.log_level=WARN",
    ]


def voila_environment(out_dir: Path) -> dict[str, str]:
    """This environment, with our template on Voilà's path and the save folder named."""
    env = dict(os.environ)
    paths = [str(TEMPLATE_ROOT), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env[OUT_ENV] = str(out_dir.resolve())
    return env


def cmd_explore(args: argparse.Namespace) -> NoReturn:
    """Check the kernel is installed, then hand this process over to Voilà."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    if not 0 < args.port < 65536:
        raise ParameterError(f"--port must be from 1 to 65535, not {args.port}")
    try:
        KernelSpecManager().get_kernel_spec(config.KERNEL_NAME)
    except NoSuchKernel:
        raise RussianViewsError(
            f"the {config.KERNEL_NAME!r} Jupyter kernel is not installed: run `make install`"
        ) from None
    print(
        f"russian-views: the explorer is at http://127.0.0.1:{args.port}/ (Ctrl-C stops it)",
        file=sys.stderr,
    )
    command = voila_command(args.port, not args.no_browser)
    os.execve(command[0], command, voila_environment(args.out))
