"""The render service: warm render workers kept between ``render`` commands.

A lone ``render`` pays a kernel start, the imports of pandas, Altair, vl-convert, nbconvert
and WeasyPrint, and vl-convert's first chart before any work: most of a single briefing's
time. ``render`` therefore hands its parsed, checked arguments to a service process that
keeps :mod:`russian_views.rendering.batch`'s warm workers (each a warm kernel plus the loaded
exporters) between commands, and runs them exactly as the command would
(:mod:`russian_views.rendering.request`, through :func:`russian_views.exits.reported`), with
its output, errors and exit code passed back through a Unix socket.

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
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from russian_views import config
from russian_views.atomic import current_umask, open_lock
from russian_views.errors import ParameterError, RenderError
from russian_views.exits import EXIT_FAILED, interrupted, reported
from russian_views.private import private_folder
from russian_views.rendering.request import check, run, to_json
from russian_views.rendering.signals import STOP_SIGNALS, on_first_stop_signal

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


# The words RUSSIAN_VIEWS_SERVICE takes.
_ON, _OFF = ("on", "1", "yes", "true"), ("off", "0", "no", "false")
# The most warm workers a service keeps, and the seconds a connect or a stop may take.
MAX_WORKERS = 64
CONNECT_TIMEOUT = 5.0
STOP_TIMEOUT = 30.0
# The longest request line a service reads (the parsed arguments of a command, as JSON),
# how long a client may take to send it, and how many clients may be sending at once.
MAX_REQUEST = 1024 * 1024
REQUEST_TIMEOUT = 10.0
MAX_WAITING = 32


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
            for message in _messages(connection):
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
                [sys.executable, "-m", "russian_views.rendering.service", str(path)],
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


def _messages(connection: socket.socket) -> Iterator[dict]:
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
                for _ in _messages(connection):  # it closes the connection once stopped
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


def cmd_service(args: argparse.Namespace) -> int:
    """``russian-views service stop|status``."""
    if args.action == "stop":
        count = stop_all()
        print(f"stopped {count} render service{'s' if count != 1 else ''}")
    else:
        alive = running()
        print("\n".join(str(p) for p in alive) or "no render service is running")
    return 0


# ---------------------------------------------------------------- the service's side


class _Forward:
    """A text stream whose writes go to the command as JSON lines (``out`` or ``err``).

    Only this process writes there: a worker process forked meanwhile writes to the
    service's own log instead of into the command's connection.
    """

    def __init__(self, connection: socket.socket, name: str, tty: bool, fallback) -> None:
        self.connection, self.name, self.tty, self.fallback = connection, name, tty, fallback
        self.pid = os.getpid()

    def write(self, text: str) -> int:
        if os.getpid() != self.pid:
            return self.fallback.write(text)
        with contextlib.suppress(OSError):  # the command is gone: nothing to show it to
            message = {"stream": self.name, "text": text}
            self.connection.sendall(json.dumps(message).encode() + b"\n")
        return len(text)

    def flush(self) -> None:
        """Every write is sent at once."""

    def isatty(self) -> bool:
        return self.tty


class _Request:
    """One command being served: passes its stop signal (or its vanishing) to this
    process's main thread while the command runs, and never after."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.active = True
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        signum = signal.SIGTERM  # the command vanished (killed): stop its render
        with contextlib.suppress(OSError, ValueError):
            for message in _messages(self.connection):
                if "signal" in message:
                    signum = int(message["signal"])
                    break
        with self.lock:
            if self.active:
                os.kill(os.getpid(), signum)

    def finish(self) -> None:
        with self.lock:
            self.active = False


# Whether a stop signal should stop the render being served: only between the moment the
# request's handlers are set and the moment its answer is known (never outside a request,
# where raising would end the service itself).
_armed = False


def _interrupt(signum: int, _frame: object) -> None:
    from russian_views.errors import Interrupted

    if _armed:
        raise Interrupted(signum)


def _serve_one(connection: socket.socket, request: dict) -> bool:
    """Answer one well-formed request; False when it asked the service to stop.

    The render runs with the command's umask, so its folders and files get the modes the
    command's user would have got without the service. A stop signal at any moment of the
    request (before the render starts, as it ends) answers that request with its code and
    never ends the service.
    """
    global _armed
    from russian_views.errors import Interrupted

    if "args" not in request:
        return not request.get("stop")
    args = argparse.Namespace(**request["args"])
    watch = _Request(connection)
    out, err = sys.stdout, sys.stderr
    umask = os.umask(request.get("umask", 0o022))
    code = EXIT_FAILED
    try:
        for signum in STOP_SIGNALS:
            signal.signal(signum, _interrupt)
        _armed = True
        os.chdir(request["cwd"])
        sys.stdout = _Forward(connection, "out", False, out)
        sys.stderr = _Forward(connection, "err", bool(request.get("tty")), err)
        watch.thread.start()
        code = reported(lambda: run(check(args)), args.debug)
    except Interrupted as exc:  # came before the render began, or as its answer was known
        code = interrupted(exc)
    except OSError as exc:  # a working folder gone: the command's fault, not the service's
        code = EXIT_FAILED
        with contextlib.suppress(OSError):
            line = f"russian-views: error: {exc.filename}: {exc.strerror or exc}\n"
            connection.sendall(json.dumps({"stream": "err", "text": line}).encode() + b"\n")
    finally:
        _armed = False
        watch.finish()
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        sys.stdout, sys.stderr = out, err
        os.umask(umask)
        os.chdir(config.PROJECT_ROOT)
    with contextlib.suppress(OSError):
        connection.sendall(json.dumps({"exit": code}).encode() + b"\n")
    return True


def _read_line(connection: socket.socket) -> bytes:
    """The request line, read a byte at a time: a buffered reader would also swallow the
    stop-signal line that can follow it at once, and that signal would be lost."""
    line = bytearray()
    while len(line) <= MAX_REQUEST:
        byte = connection.recv(1)
        if not byte or byte == b"\n":
            return bytes(line)
        line += byte
    raise ValueError("request too long")


def _well_formed(request: object) -> bool:
    """A render request (args: the parsed arguments, with ``debug`` true or false; cwd: a
    string; umask: the command's, if given) or a stop request. Arguments of the wrong kind
    fail the render, not the service."""
    if not isinstance(request, dict):
        return False
    if "args" not in request:
        return set(request) <= {"stop"}
    args, cwd, umask = request.get("args"), request.get("cwd"), request.get("umask", 0)
    return (
        isinstance(args, dict)
        and isinstance(args.get("debug"), bool)
        and isinstance(cwd, str)
        and type(umask) is int
        and 0 <= umask <= 0o777
    )


def _receive(connection: socket.socket, requests: queue.Queue) -> None:
    """Read one connection's request (in a thread of its own, within
    :data:`REQUEST_TIMEOUT`) and queue it for the main thread; a silent, slow or junk
    client is answered or dropped here and delays no other command."""
    try:
        creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        if struct.unpack("3i", creds)[1] != os.getuid():
            raise PermissionError("another user's process")
        connection.settimeout(REQUEST_TIMEOUT)
        request = json.loads(_read_line(connection) or b"{}")
        connection.settimeout(None)
    except (OSError, ValueError):
        request = None
    if _well_formed(request):
        requests.put((connection, request))
        return
    with contextlib.suppress(OSError):  # a junk line: refused, and the service lives on
        message = {"stream": "err", "text": "russian-views: error: bad request\n"}
        connection.sendall(json.dumps(message).encode() + b"\n")
        connection.sendall(json.dumps({"exit": 2}).encode() + b"\n")
    connection.close()


def _accept(server: socket.socket, requests: queue.Queue) -> None:
    """Accept connections until the server closes, each read in a thread of its own (at
    most :data:`MAX_WAITING` at once: more are closed unanswered)."""
    readers: list[threading.Thread] = []
    while True:
        try:
            connection, _ = server.accept()
        except OSError:
            return  # the service is stopping
        readers = [t for t in readers if t.is_alive()]
        if len(readers) >= MAX_WAITING:
            connection.close()
            continue
        reader = threading.Thread(target=_receive, args=(connection, requests), daemon=True)
        reader.start()
        readers.append(reader)


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


def serve(path: Path) -> None:
    """Listen on ``path`` until idle for :func:`idle_seconds` or told to stop.

    The warm workers start before the first command is accepted (a command that connects
    meanwhile waits), and are stopped, with their kernels, when the service ends.
    """
    from russian_views.rendering import batch

    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, _f: sys.exit(128 + signum))
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stopper: socket.socket | None = None
    try:
        server.bind(str(path))
    except OSError:
        return  # another service took this name first: the command connects to it
    try:
        server.listen()
        requests: queue.Queue = queue.Queue()
        threading.Thread(target=_accept, args=(server, requests), daemon=True).start()
        with batch.kept_workers(worker_count()):
            while True:
                try:
                    connection, request = requests.get(timeout=idle_seconds())
                except queue.Empty:
                    return
                if not _serve_one(connection, request):
                    stopper = connection  # answered (closed) once the workers are gone
                    return
                connection.close()
                batch.keep_warm()  # after an interrupted render, before the next command
                signal.signal(signal.SIGTERM, lambda signum, _f: sys.exit(128 + signum))
    finally:
        if stopper:
            stopper.close()
        with contextlib.suppress(FileNotFoundError):
            if path.exists() and path.is_socket():
                path.unlink()
        server.close()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
