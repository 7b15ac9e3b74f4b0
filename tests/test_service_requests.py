"""The render service's side of a request (issue 27, B1, B7, S4): a stop signal at any
moment of a request is answered with its code and never ends the service; one silent
client never blocks another; a render runs with the command's umask.

These drive the service's functions in this process, on socket pairs: no service starts.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import threading
from pathlib import Path

import pytest

from russian_views import atomic
from russian_views.rendering import service_server as server


def _request(**extra: object) -> dict:
    return {"args": {"debug": False}, "cwd": os.getcwd(), **extra}


def _answers(end: socket.socket) -> list[dict]:
    end.settimeout(5)
    with end.makefile("rb") as lines:
        found = []
        for line in lines:
            found.append(json.loads(line))
            if "exit" in found[-1]:
                return found
    return found


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    yield ours, theirs
    ours.close()
    theirs.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_as_a_render_ends_is_answered_and_the_service_lives_on(
    pair, monkeypatch, signum: int
):
    """B1: the signal lands after the render's answer is known (or before it starts): the
    request gets the signal's code and one line, and nothing is raised into the server."""
    service_end, command_end = pair

    def render_then_signal(_command, _debug) -> int:
        os.kill(os.getpid(), signum)
        return 0

    monkeypatch.setattr(server, "reported", render_then_signal)
    previous = {s: signal.getsignal(s) for s in server.STOP_SIGNALS}
    try:
        assert server._serve_one(service_end, _request()) is True
        answers = _answers(command_end)
        # After the request, the service ignores stop signals (only its own SIGTERM ends it).
        assert all(signal.getsignal(s) == signal.SIG_IGN for s in server.STOP_SIGNALS)
        os.kill(os.getpid(), signum)  # ignored: raises nothing here
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    assert answers[-1] == {"exit": 128 + signum}
    said = "".join(a["text"] for a in answers[:-1])
    assert said == (
        "russian-views: interrupted; reports already finished were kept, none is half-written\n"
    )


def test_a_render_runs_with_the_commands_umask(pair, monkeypatch):
    """S4: the service's own umask (0022) never decides who may read the command's reports."""
    service_end, command_end = pair
    seen = []

    def render(_command, _debug) -> int:
        seen.append(atomic.current_umask())
        return 0

    monkeypatch.setattr(server, "reported", render)
    before = os.umask(0o022)
    try:
        server._serve_one(service_end, _request(umask=0o077))
        assert atomic.current_umask() == 0o022  # the service's own, back after the request
    finally:
        os.umask(before)
    assert seen == [0o077]
    assert _answers(command_end)[-1] == {"exit": 0}


@pytest.mark.parametrize("umask", [-1, 0o1000, "077", 7.0, True])
def test_a_bad_umask_makes_a_request_junk(umask: object):
    assert not server._well_formed(_request(umask=umask))


@pytest.mark.parametrize("umask", [0, 0o027, 0o777])
def test_any_umask_from_0_to_0777_or_none_is_taken(umask: int):
    """(An older command sends no umask: the service's own is used.)"""
    assert server._well_formed(_request(umask=umask))
    assert server._well_formed(_request())


def _received(
    command_end: socket.socket, service_end: socket.socket, sent: bytes, *, then_end: bool = False
) -> list:
    """What the service queues after reading ``sent`` from a command (which then ends its
    side if ``then_end``): [(connection, request)], or [] when it refused it (its answer
    then waits at ``command_end``)."""
    command_end.sendall(sent)
    if then_end:
        command_end.shutdown(socket.SHUT_WR)
    requests: queue.Queue = queue.Queue()
    server._receive(service_end, requests)
    return list(requests.queue)


def test_a_request_as_long_as_the_limit_is_served_and_a_longer_one_refused(pair, monkeypatch):
    service_end, command_end = pair
    line = json.dumps(_request()).encode()
    monkeypatch.setattr(server, "MAX_REQUEST", len(line))
    assert _received(command_end, service_end, line + b"\n") == [(service_end, _request())]
    monkeypatch.setattr(server, "MAX_REQUEST", len(line) - 1)
    assert _received(command_end, service_end, line + b"\n") == []
    assert _answers(command_end) == [
        {"stream": "err", "text": "russian-views: error: bad request\n"},
        {"exit": 2},
    ]


def test_a_signal_sent_right_after_the_request_is_left_for_the_render_to_see(pair):
    """The command may send Ctrl-C's line at once: reading the request must not take it."""
    service_end, command_end = pair
    signal_line = json.dumps({"signal": signal.SIGINT}).encode() + b"\n"
    sent = json.dumps(_request()).encode() + b"\n" + signal_line
    # (The command ends its side, so a reader taking more than its line meets the end.)
    assert _received(command_end, service_end, sent, then_end=True) == [(service_end, _request())]
    service_end.settimeout(5)
    assert service_end.recv(1024) == signal_line


def test_files_written_follow_the_umask(tmp_path: Path):
    for umask, mode in ((0o077, 0o600), (0o022, 0o644)):
        before = os.umask(umask)
        try:
            atomic.write_atomic(tmp_path / "report.html", b"x")
        finally:
            os.umask(before)
        assert (tmp_path / "report.html").stat().st_mode & 0o777 == mode, oct(umask)


@pytest.fixture
def listening(tmp_path: Path, monkeypatch):
    """A server socket with the service's accepting thread on it, and its request queue."""
    monkeypatch.setattr(server, "REQUEST_TIMEOUT", 5.0)
    path = Path(os.path.relpath(tmp_path / "s.sock"))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()
    requests: queue.Queue = queue.Queue()
    threading.Thread(target=server._accept, args=(listener, requests), daemon=True).start()
    yield path, requests
    listener.close()


def test_a_silent_client_blocks_no_other_and_is_dropped(listening):
    """B7: a client that connects and sends nothing delays no later command (the later
    request is queued while the silent one is still waited on), and is cut off after the
    request timeout with a refusal."""
    path, requests = listening
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(str(path))
    talker = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    talker.connect(str(path))
    talker.sendall(json.dumps({"stop": True}).encode() + b"\n")
    connection, request = requests.get(timeout=60)
    assert request == {"stop": True}
    connection.close()
    silent.setblocking(False)
    with pytest.raises(BlockingIOError):  # still waited on: the talker did not queue behind it
        silent.recv(1, socket.MSG_PEEK)
    silent.setblocking(True)
    silent.settimeout(60)
    with silent.makefile("rb") as answer:  # the refusal, then the end of the connection
        said = answer.read()
    assert b'"exit": 2' in said
    assert requests.empty()
    silent.close()
    talker.close()
