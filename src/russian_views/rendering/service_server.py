"""The render service's own process: it keeps warm workers and serves ``render`` commands.

Started by :func:`russian_views.rendering.service.render` as
``python -m russian_views.rendering.service_server SOCKET``. Each connection's request is
read in a thread of its own, within :data:`REQUEST_TIMEOUT` (a silent or slow client
delays no other command); requests are then served one at a time by the main thread,
which alone may handle signals: the render runs as the command would run it, with the
command's working folder, terminal and umask, its output and exit code sent back.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import signal
import socket
import struct
import sys
import threading
from pathlib import Path

from russian_views import config
from russian_views.exits import EXIT_FAILED, interrupted, reported
from russian_views.rendering.request import check, run
from russian_views.rendering.service import idle_seconds, messages, worker_count
from russian_views.rendering.signals import STOP_SIGNALS

# The longest request line a service reads (the parsed arguments of a command, as JSON),
# how long a client may take to send it, and how many clients may be sending at once.
MAX_REQUEST = 1024 * 1024
REQUEST_TIMEOUT = 10.0
MAX_WAITING = 32


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
            for message in messages(self.connection):
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
