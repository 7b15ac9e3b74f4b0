"""On a machine shared with other users: nothing the package writes follows a link they
planted, no socket of theirs is trusted, settings are refused at once, and a service killed
outright takes its workers and kernels along.

Another user is simulated as root does it: a folder or a listening socket handed to uid
65534 (nobody). Tests that need root to do so skip when not run as root, saying why.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from russian_views.errors import ParameterError, RenderError
from russian_views.private import UnsafeFolder
from russian_views.rendering import cache, folder_lock, service

from .test_service import BIN, cli, descendants, env_on, gone, runtime, service_pids  # noqa: F401

NOBODY = 65534
as_root = pytest.mark.skipif(os.getuid() != 0, reason="simulating another user needs root")


def test_a_lock_planted_as_a_link_is_refused_and_its_target_untouched(tmp_path: Path):
    target = tmp_path / "victim.txt"
    target.write_text("precious\n", encoding="utf-8")
    out = tmp_path / "reports"
    out.mkdir()
    (out / folder_lock.LOCK).symlink_to(target)
    with (
        pytest.raises(OSError, match="is a symbolic link, which is never followed"),
        folder_lock.folder_lock(out),
    ):
        pass
    assert target.read_text("utf-8") == "precious\n"


@as_root
def test_a_lock_file_of_another_user_is_refused_not_waited_on(tmp_path: Path):
    """Another user's lock file in a shared folder: they could hold its lock for ever."""
    out = tmp_path / "reports"
    out.mkdir()
    (out / folder_lock.LOCK).touch()
    os.chown(out / folder_lock.LOCK, NOBODY, NOBODY)
    with (
        pytest.raises(OSError, match=f"belongs to another user \\(uid {NOBODY}\\)"),
        folder_lock.folder_lock(out),
    ):
        pass


def test_a_manifest_linked_to_a_device_or_a_huge_file_is_read_no_further(tmp_path: Path, capsys):
    (tmp_path / cache.MANIFEST).symlink_to("/dev/zero")
    assert cache.Manifest(tmp_path).entries == {}
    assert "symbolic link" in capsys.readouterr().err
    (tmp_path / cache.MANIFEST).unlink()
    with (tmp_path / cache.MANIFEST).open("wb") as f:
        f.truncate(cache.MAX_MANIFEST + 1)  # sparse: costs no disk
    assert cache.Manifest(tmp_path).entries == {}
    assert f"is larger than {cache.MAX_MANIFEST} bytes" in capsys.readouterr().err


def test_a_report_replaced_by_a_link_is_not_fresh(tmp_path: Path):
    (tmp_path / "china.html").write_text("<html></html>", encoding="utf-8")
    manifest = cache.Manifest(tmp_path)
    manifest.record("china", "k", [tmp_path / "china.html"])
    assert manifest.is_fresh("china", "k")
    (tmp_path / "china.html").unlink()
    (tmp_path / "china.html").symlink_to("/dev/zero")
    assert not manifest.is_fresh("china", "k")


def test_the_runtime_folder_is_never_in_tmp_and_a_link_in_its_place_is_refused(
    tmp_path: Path, monkeypatch
):
    monkeypatch.delenv(service.RUNTIME_ENV, raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = service.runtime_dir()
    assert folder == tmp_path / "home" / ".cache" / "russian-views" / "run"
    assert folder.stat().st_mode & 0o777 == 0o700
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    folder.rmdir()
    folder.symlink_to(elsewhere)
    with pytest.raises(UnsafeFolder, match="is a link or not a folder"):
        service.runtime_dir()


@as_root
def test_a_runtime_folder_of_another_user_is_refused(tmp_path: Path, monkeypatch):
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    os.chown(folder, NOBODY, NOBODY)
    monkeypatch.setenv(service.RUNTIME_ENV, str(folder))
    with pytest.raises(UnsafeFolder, match="belongs to another user"):
        service.runtime_dir()


@as_root
def test_a_socket_answered_by_another_user_gets_nothing(runtime: Path):  # noqa: F811
    """A fake service of uid 65534 listens where the command looks: the command refuses
    it from its peer credentials before sending a byte."""
    path = runtime / "fake.sock"
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the other user's process
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        server.listen()
        os.write(write, b"1")
        connection, _ = server.accept()
        connection.settimeout(2)
        try:
            got = connection.recv(10)
        except TimeoutError:
            got = b""
        os._exit(1 if got else 0)
    os.read(read, 1)
    with pytest.raises(RenderError, match=r"answered by another user's process \(uid 65534\)"):
        service._connect(path)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the fake service received bytes"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        (service.IDLE_ENV, "-1", "must be a number of seconds from 1 to 604800, not '-1'"),
        (service.IDLE_ENV, "nan", "not 'nan'"),
        (service.IDLE_ENV, "0.001", "from 1 to 604800, not '0.001'"),
        (service.IDLE_ENV, "604801", "from 1 to 604800, not '604801'"),
        (service.IDLE_ENV, "inf", "not 'inf'"),
        (service.IDLE_ENV, "1e309", "not '1e309'"),
        (service.WORKERS_ENV, "99999999999999999999", "must be from 1 to 64"),
        (service.SERVICE_ENV, "maybe", "must be one of on, 1, yes, true, off, 0, no, false"),
    ],
)
def test_service_settings_are_refused_at_once_in_one_line(
    runtime: Path,  # noqa: F811
    tmp_path: Path,
    name: str,
    value: str,
    says: str,
):
    env = env_on(runtime, **{name: value})
    started = time.monotonic()
    result = cli("render", "--actor", "china", "--out", str(tmp_path / "o"), env=env)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert says in result.stderr
    assert time.monotonic() - started < 20 and not service_pids(runtime)


def test_false_turns_the_service_off(monkeypatch):
    monkeypatch.setenv(service.SERVICE_ENV, "false")
    assert not service.wanted()
    monkeypatch.setenv(service.SERVICE_ENV, "sometimes")
    with pytest.raises(ParameterError):
        service.wanted()


def test_services_of_another_checkout_are_left_alone(monkeypatch, runtime: Path):  # noqa: F811
    other = runtime / "render-0000beef-aaaaaaaaaaaa.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(other))
    listener.listen()
    try:
        assert service.stop_all() == 0
        assert other.exists(), "another checkout's service is not ours to stop"
        assert service.running() == []
    finally:
        listener.close()


@pytest.mark.slow
def test_a_junk_request_and_debug_leave_the_service_up_and_a_kill_leaves_nothing(
    runtime: Path,  # noqa: F811
    tmp_path: Path,
):
    env = env_on(runtime)
    out = tmp_path / "out"
    first = cli("render", "--actor", "china", "--format", "html", "--out", str(out), env=env)
    assert first.returncode == 0, first.stderr
    [pid] = service_pids(runtime)
    [sock] = runtime.glob("*.sock")

    # A junk line is refused with exit 2, and the service lives on.
    junk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    junk.connect(str(sock))
    junk.sendall(b"this is not json\n")
    reply = junk.makefile("rb").read()
    junk.close()
    assert b'"exit": 2' in reply
    assert service_pids(runtime) == [pid]

    # --debug gives the same exit code as without it, plus the traceback; the service lives.
    bad = ("render", "--actor", "china", "--since", "2020", "--until", "2010", "--out", str(out))
    plain = cli(*bad, env=env)
    debug = cli(*bad, "--debug", env=env)
    assert plain.returncode == debug.returncode == 2, (plain.stderr, debug.stderr)
    assert "Traceback" in debug.stderr and "Traceback" not in plain.stderr
    assert debug.stderr.splitlines()[-1] == plain.stderr.splitlines()[-1]
    assert service_pids(runtime) == [pid]

    # kill -9 of the service: its workers and their kernels end too, and no late write.
    family = descendants(pid)
    assert family, "the service keeps a warm worker"
    os.kill(pid, signal.SIGKILL)
    assert gone(family | {pid}, within=30), "a worker or kernel outlived the service"
    again = cli("render", "--actor", "china", "--format", "html", "--out", str(out), env=env)
    assert again.returncode == 0 and "1 cached" in again.stderr, again.stderr
    subprocess.run([str(BIN), "service", "stop"], env=env, check=False, timeout=120)


def test_a_render_kernel_talks_over_private_unix_sockets_and_leaves_nothing(monkeypatch):
    """No kernel channel on a TCP port another local user could reach (IOPub is not
    encrypted); the sockets sit in a folder only this user can enter, removed with the
    kernel. A long temporary folder falls back to /tmp (a socket path has 107 bytes)."""
    import tempfile

    from russian_views.rendering.kernel import kill_kernel, start_warm_kernel

    monkeypatch.setattr(tempfile, "tempdir", "/tmp/" + "t" * 90)
    kernel = start_warm_kernel()
    try:
        info = kernel.manager.get_connection_info()
        folder = Path(kernel.manager.connection_file).parent
        assert info["transport"] == "ipc" and Path(info["ip"]).parent == folder
        assert folder.parent == Path("/tmp")
        assert folder.stat().st_mode & 0o777 == 0o700  # (jupyter adds the sticky bit)
    finally:
        kill_kernel(kernel)
    assert not folder.exists()


def test_a_render_gives_up_on_a_folder_another_render_holds_too_long(tmp_path: Path):
    """Two renders take turns, but a stuck one never makes the other wait for ever."""
    import fcntl

    from russian_views.errors import RenderError

    held = os.open(tmp_path / folder_lock.LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        start = time.monotonic()
        with (
            pytest.raises(RenderError, match="another render has held this folder for over 1 s"),
            folder_lock.folder_lock(tmp_path, wait=1),
        ):
            pass
        assert 1 <= time.monotonic() - start < 5
    finally:
        os.close(held)
    with folder_lock.folder_lock(tmp_path, wait=1):  # free again: taken at once
        pass


def test_a_command_under_other_resource_limits_gets_a_service_of_its_own(monkeypatch):
    import resource

    from russian_views.rendering import service

    before = service.service_key()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    monkeypatch.setattr(
        resource, "getrlimit",
        lambda which, real=resource.getrlimit: (soft // 2, hard)
        if which == resource.RLIMIT_NOFILE else real(which),
    )  # fmt: skip
    assert service.service_key() != before
