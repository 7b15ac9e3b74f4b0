"""The render service: warm render workers kept between ``render`` commands.

A lone ``render`` pays a kernel start, the imports of pandas, Altair, vl-convert, nbconvert
and WeasyPrint, and vl-convert's first chart before any work: most of a single briefing's
time. ``render`` therefore hands its parsed, checked arguments to a service process that
keeps :mod:`russian_views.rendering.batch`'s warm workers (each a warm kernel plus the loaded
exporters) between commands, and runs them exactly as the command would
(:mod:`russian_views.rendering.request`, through :func:`russian_views.exits.reported`), with
its output, errors and exit code passed back through a Unix socket. This module is the
command's side and the settings both sides share; the service's own process is
:mod:`russian_views.rendering.service_server`.

- Started on demand by ``render``, in a session of its own; it stops itself after
  :data:`IDLE_SECONDS` without a command (``RUSSIAN_VIEWS_SERVICE_IDLE``), and on
  ``russian-views service stop``.
- Never stale: the socket's name is a hash of everything the cache key depends on
  (package code and templates, installed library versions, the chart bundle, every data
  file) plus the Python and the environment the package reads. Any change gives a new
  name, so a new service; the old ones of the same checkout are told to stop when it
  starts. Workers die with the service (``PR_SET_PDEATHSIG``), even a service killed
  outright.
- The socket lives in a per-user folder (``$XDG_RUNTIME_DIR/russian-views``, else
  ``~/.cache/russian-views/run``; ``RUSSIAN_VIEWS_RUNTIME`` moves it) that only the user
  can enter, checked without following links; the command checks that the process
  answering is the user's own (``SO_PEERCRED``) before it sends anything. Each checkout
  has its own services and never stops another's.
- Ctrl-C, SIGTERM and SIGHUP on the command are passed to the service, which stops the
  render the way a lone render stops (workers and kernels killed, nothing half-written)
  before the command exits with the same code; a command that vanishes is treated as
  SIGTERM.
- ``RUSSIAN_VIEWS_SERVICE=off`` renders in the command's own process (so does the test
  suite unless a test turns the service on).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from russian_views import config
from russian_views.atomic import current_umask, open_lock
from russian_views.errors import ParameterError, RenderError
from russian_views.private import private_folder
from russian_views.rendering.request import to_json
from russian_views.rendering.signals import on_first_stop_signal

SERVICE_ENV = "RUSSIAN_VIEWS_SERVICE"
IDLE_ENV = "RUSSIAN_VIEWS_SERVICE_IDLE"
WORKERS_ENV = "RUSSIAN_VIEWS_SERVICE_WORKERS"
RUNTIME_ENV = "RUSSIAN_VIEWS_RUNTIME"
IDLE_SECONDS = 600.0
MAX_IDLE = 7 * 24 * 3600  # a week
START_TIMEOUT = 60.0
# Environment variables the package reads at import: a service started with other values
# would render other data or cache elsewhere, so they are part of its key.
# (So is the number of warm workers: a service keeping another number is another service.)
# (PATH is not: a venv-activated shell and a plain one run the same Python, which is keyed.)
KEYED_ENV = ("RUSSIAN_VIEWS_DATA", "RUSSIAN_VIEWS_CACHE", "SOURCE_DATE_EPOCH", WORKERS_ENV)
LOG = "service.log"
# The service's own process runs this module (service_server.py).
SERVER_MODULE = "russian_views.rendering.service_server"


# The words RUSSIAN_VIEWS_SERVICE takes.
_ON, _OFF = ("on", "1", "yes", "true"), ("off", "0", "no", "false")
# The most warm workers a service keeps, and the seconds a connect or a stop may take.
MAX_WORKERS = 64
CONNECT_TIMEOUT = 5.0
STOP_TIMEOUT = 30.0


def wanted() -> bool:
    """Whether ``render`` should go through the service (a word it does not know is
    refused, never taken for "on")."""
    word = os.environ.get(SERVICE_ENV, "on").strip().lower()
    if word not in _ON + _OFF:
        from russian_views import spec

        raise ParameterError(
            f"{SERVICE_ENV} must be one of {', '.join(_ON + _OFF)}, not {spec.echo(word)}"
        )
    return word in _ON


def runtime_dir() -> Path:
    """The per-user folder of sockets, made private (0700) if it does not exist.

    ``$XDG_RUNTIME_DIR/russian-views`` where the session has one (a folder only this user
    can enter), else a folder under the user's own cache folder, never in /tmp, where
    anyone may create a name first. The folder itself is checked without following a
    symbolic link: a link, a folder of someone else's or one others may enter is refused,
    and so is one under a folder another user could change (:mod:`russian_views.private`),
    so no socket or lock is ever made where another user could reach it.
    """
    given = os.environ.get(RUNTIME_ENV)
    if given:
        folder = Path(given)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "russian-views"
    else:
        folder = Path.home() / ".cache" / "russian-views" / "run"
    return private_folder(folder, RUNTIME_ENV if given else "XDG_RUNTIME_DIR or HOME")


def service_key() -> str:
    """A hash of everything a warm worker could hold stale: what every cache key hashes
    (code, templates, library versions, chart bundle, data files), the Python running it and
    the environment the package reads."""
    from russian_views.dataset.files import folder_digest
    from russian_views.rendering.cache import code_version, library_versions
    from russian_views.rendering.chart_bundle import chart_bundle

    data = folder_digest(config.DATA_DIR)  # first: a file refused costs nothing else
    payload = {
        "code": code_version(),
        "libraries": library_versions(),
        "bundle": chart_bundle().sha256,
        "data": data,
        "python": sys.executable,
        "root": str(config.PROJECT_ROOT),
        "env": {name: os.environ.get(name) for name in KEYED_ENV},
        "limits": resource_limits(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def resource_limits() -> dict[str, list[int]]:
    """The resource limits a service's workers would inherit (``ulimit -v``, open files,
    processes, CPU time): a command run under other limits gets a service of its own, so a
    limit set for one command never cripples the service another command uses."""
    import resource

    names = ("RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_CPU")
    return {n: list(resource.getrlimit(getattr(resource, n))) for n in names}


def checkout_prefix() -> str:
    """The start of the socket names of this checkout's services: a command stops and
    lists only these, never another checkout's services."""
    root = hashlib.sha256(str(config.PROJECT_ROOT).encode()).hexdigest()[:8]
    return f"render-{root}-"


def socket_path(key: str) -> Path:
    """Where the service for ``key`` listens (short: a socket path has 108 bytes)."""
    return runtime_dir() / f"{checkout_prefix()}{key[:12]}.sock"


# ---------------------------------------------------------------- the command's side


def render(args: argparse.Namespace) -> int:
    """Run ``russian-views render`` (its parsed ``args``) in the service, starting it if
    needed.

    The service's output is printed as it comes; the return value is the command's exit
    code. A stop signal received meanwhile is passed on, and this waits for the service to
    have stopped the render before returning its code.
    """
    worker_count(), idle_seconds()  # a bad setting is refused here, before a service starts
    path = socket_path(service_key())
    connection = _connect(path) or _start(path)
    request = {
        "args": to_json(args),
        "cwd": os.getcwd(),
        "tty": sys.stderr.isatty(),
        "umask": current_umask(),
    }
    with connection:
        # The request goes first: a signal line the service read as the request would be junk.
        connection.sendall(json.dumps(request).encode() + b"\n")
        with _forward_signals(connection):
            for message in messages(connection):
                if "exit" in message:
                    return int(message["exit"])
                stream = sys.stdout if message.get("stream") == "out" else sys.stderr
                stream.write(message.get("text", ""))
                stream.flush()
    raise RenderError(f"the render service stopped during the render (see {path.parent / LOG})")


def _connect(path: Path) -> socket.socket | None:
    """A connection to a listening service of this user's, or None if none listens there.

    A socket nothing answers within :data:`CONNECT_TIMEOUT` is removed (a service killed
    outright leaves its file), and one answered by another user's process is refused
    before anything is sent to it (``SO_PEERCRED``).
    """
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(CONNECT_TIMEOUT)
    try:
        connection.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError, TimeoutError):
        connection.close()
        with contextlib.suppress(OSError):
            if path.is_socket():
                path.unlink()
        return None
    creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    if uid != os.getuid():
        connection.close()
        raise RenderError(f"{path}: answered by another user's process (uid {uid}); refused")
    connection.settimeout(None)
    return connection


def _start(path: Path) -> socket.socket:
    """Start the service for ``path`` (stopping services for other keys) and connect.

    A lock makes two commands starting at once share one service.
    """
    import fcntl

    lock = open_lock(path.parent / "start.lock")
    with contextlib.closing(os.fdopen(lock, "rb")):
        fcntl.flock(lock, fcntl.LOCK_EX)
        connection = _connect(path)
        if connection:
            return connection
        stop_all(except_path=path)
        path.unlink(missing_ok=True)
        log_fd = os.open(
            path.parent / LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600
        )
        with os.fdopen(log_fd, "ab") as log:
            subprocess.Popen(
                [sys.executable, "-m", SERVER_MODULE, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # a terminal's Ctrl-C or hang-up does not reach it
                cwd=str(config.PROJECT_ROOT),
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            connection = _connect(path)
            if connection:
                return connection
            time.sleep(0.02)
    raise RenderError(f"the render service did not start (see {path.parent / LOG})")


def messages(connection: socket.socket) -> Iterator[dict]:
    """The JSON lines read from a connection until it closes."""
    with connection.makefile("rb") as lines:
        for line in lines:
            yield json.loads(line)


def _forward_signals(connection: socket.socket) -> contextlib.AbstractContextManager[None]:
    """Pass the first stop signal to the service (which answers with the exit code); later
    ones are ignored while it stops the render."""

    def forward(signum: int) -> None:
        with contextlib.suppress(OSError):
            connection.sendall(json.dumps({"signal": signum}).encode() + b"\n")

    return on_first_stop_signal(forward)


def stop_all(except_path: Path | None = None) -> int:
    """Tell every service of this checkout (but ``except_path``) to stop; how many."""
    stopped = 0
    for path in sorted(runtime_dir().glob(f"{checkout_prefix()}*.sock")):
        if path == except_path:
            continue
        connection = _connect(path)
        if connection is None:
            path.unlink(missing_ok=True)  # left by a service that was killed
            continue
        with connection:
            connection.settimeout(STOP_TIMEOUT)
            try:
                connection.sendall(b'{"stop": true}\n')
                for _ in messages(connection):  # it closes the connection once stopped
                    pass
            except (TimeoutError, OSError, ValueError):
                path.unlink(missing_ok=True)  # it does not answer: a new one replaces it
        stopped += 1
    return stopped


def running() -> list[Path]:
    """The sockets of this checkout's services that answer."""
    alive = []
    for path in sorted(runtime_dir().glob(f"{checkout_prefix()}*.sock")):
        connection = _connect(path)
        if connection:
            connection.close()
            alive.append(path)
    return alive


def cmd_render(args: argparse.Namespace) -> int:
    """Check everything first, then render what is out of date (in the render service when
    it is wanted: warm workers kept between commands, same output, same codes)."""
    from russian_views.rendering import request

    checked = request.check(args)  # bad input is refused before any service starts
    if wanted():
        return render(args)
    return request.run(checked)


def cmd_service(args: argparse.Namespace) -> int:
    """``russian-views service stop|status``."""
    if args.action == "stop":
        count = stop_all()
        print(f"stopped {count} render service{'s' if count != 1 else ''}")
    else:
        alive = running()
        print("\n".join(str(p) for p in alive) or "no render service is running")
    return 0


def worker_count() -> int:
    """How many warm workers the service keeps: ``RUSSIAN_VIEWS_SERVICE_WORKERS``, else one
    per core (each holds a kernel, a few hundred MB: a shared machine may want fewer)."""
    from russian_views import spec

    given = os.environ.get(WORKERS_ENV, "")
    count = spec.count(WORKERS_ENV, given) if given.strip() else os.cpu_count() or 1
    if count > MAX_WORKERS:
        raise ParameterError(f"{WORKERS_ENV} must be from 1 to {MAX_WORKERS}, not {count}")
    return count


def idle_seconds() -> float:
    """How long the service waits for a command before it stops itself: a number of
    seconds from 1 to a week (a bad value is refused in one line, never read as some default)."""
    from russian_views import spec

    given = os.environ.get(IDLE_ENV, "").strip()
    if not given:
        return IDLE_SECONDS
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 1 or seconds > MAX_IDLE:
        raise ParameterError(
            f"{IDLE_ENV} must be a number of seconds from 1 to {MAX_IDLE}, not {spec.echo(given)}"
        )
    return seconds
