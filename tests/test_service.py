"""The render service: same bytes and exit codes as a lone render, never stale, never left
behind (stopped on request, when idle, or when a newer key replaces it)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from russian_views import config, exits
from russian_views.errors import ParameterError
from russian_views.private import UnsafeFolder
from russian_views.rendering import cache, folder_lock, service

BIN = Path(sys.executable).parent / "russian-views"


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private runtime folder for this test's services; every service in it is stopped
    at the end, whatever the test did."""
    # Short: a socket's path must fit in 108 bytes, which pytest's folders may not.
    folder = Path(tempfile.mkdtemp(prefix="rv-", dir="/tmp"))
    monkeypatch.setenv(service.RUNTIME_ENV, str(folder))
    yield folder
    service.stop_all()
    shutil.rmtree(folder)


def env_on(runtime: Path, **extra: str) -> dict[str, str]:
    """The service on, in ``runtime``, keeping one warm worker (each costs a kernel start)."""
    return {
        **os.environ,
        service.SERVICE_ENV: "on",
        service.RUNTIME_ENV: str(runtime),
        service.WORKERS_ENV: "1",
        **extra,
    }


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=env, check=False, timeout=600
    )


def service_pids(runtime: Path) -> list[int]:
    """The service processes listening in ``runtime`` (not their workers)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            command = _command_line(int(proc.name)).split(b"\0")
            if service.SERVER_MODULE.encode() in command and any(
                str(runtime).encode() in part for part in command
            ):
                pids.append(int(proc.name))
    return [p for p in pids if _parent(p) not in pids]  # its workers are forks of it


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def descendants(pid: int) -> set[int]:
    """Every process started by ``pid`` (its workers, their kernels), recursively."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            parents[int(proc.name)] = _parent(int(proc.name))
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def kernels(pid: int) -> set[int]:
    """The kernel processes among ``pid``'s descendants."""
    return {p for p in descendants(pid) if b"ipykernel" in _command_line(p)}


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def gone(pids: set[int], within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{p}").exists() and not _zombie(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


def batch_running(out: Path) -> bool:
    """Whether a batch holds the folder lock of ``out``: its render is under way."""
    import fcntl

    with (out / folder_lock.LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


# ---------------------------------------------------------------- the key and the folder


def test_the_key_changes_with_code_libraries_data_and_environment(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(config, "DATA_DIR", data_copy)
    base = service.service_key()
    assert service.service_key() == base
    (data_copy / "claims.csv").write_bytes((data_copy / "claims.csv").read_bytes() + b"\n")
    changed_data = service.service_key()
    assert changed_data != base
    monkeypatch.setattr(cache, "code_version", lambda: "other code")
    changed_code = service.service_key()
    assert changed_code != changed_data
    monkeypatch.setattr(cache, "library_versions", lambda: {"pandas": "0"})
    changed_libraries = service.service_key()
    assert changed_libraries != changed_code
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "12345")
    changed_environment = service.service_key()
    assert changed_environment != changed_libraries
    monkeypatch.setenv(service.WORKERS_ENV, "3")
    assert service.service_key() != changed_environment


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o710, 0o705, 0o701])
def test_a_runtime_folder_others_can_enter_is_refused(tmp_path: Path, monkeypatch, mode: int):
    """Open to the group alone is as refused as open to everyone."""
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    monkeypatch.setenv(service.RUNTIME_ENV, str(folder))
    with pytest.raises(UnsafeFolder, match=f"mode {mode:04o}.*yours alone"):
        service.runtime_dir()


def test_a_new_runtime_folder_is_private(tmp_path: Path, monkeypatch):
    monkeypatch.setenv(service.RUNTIME_ENV, str(tmp_path / "new"))
    assert service.runtime_dir().stat().st_mode & 0o777 == 0o700


def test_the_service_is_off_when_asked(monkeypatch):
    monkeypatch.setenv(service.SERVICE_ENV, "off")
    assert not service.wanted()
    monkeypatch.setenv(service.SERVICE_ENV, "on")
    assert service.wanted()


def test_bad_input_is_refused_without_starting_a_service(runtime: Path, tmp_path: Path):
    result = cli("render", "--actor", "Japan", "--out", str(tmp_path / "o"), env=env_on(runtime))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown actor 'Japan'" in result.stderr
    assert not service_pids(runtime)


# ---------------------------------------------------------------- the settings, in-process
# (A bad setting is refused in one line naming it and what it takes, never read as a
# default; the line is what exits.message makes of the error, after "russian-views: ".)

_SETTING_READERS = {
    service.SERVICE_ENV: service.wanted,
    service.WORKERS_ENV: service.worker_count,
    service.IDLE_ENV: service.idle_seconds,
}
_WORDS = "must be one of on, 1, yes, true, off, 0, no, false"
_IDLE = "must be a number of seconds from 1 to 604800"


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (service.SERVICE_ENV, " Maybe ", f"{service.SERVICE_ENV} {_WORDS}, not 'maybe'"),
        (service.SERVICE_ENV, "", f"{service.SERVICE_ENV} {_WORDS}, not ''"),
        (service.WORKERS_ENV, "two", f"{service.WORKERS_ENV} must be 1 or more, not 'two'"),
        (service.WORKERS_ENV, "65", f"{service.WORKERS_ENV} must be from 1 to 64, not 65"),
        (service.IDLE_ENV, " soon ", f"{service.IDLE_ENV} {_IDLE}, not 'soon'"),
        (service.IDLE_ENV, "0.999", f"{service.IDLE_ENV} {_IDLE}, not '0.999'"),
        (service.IDLE_ENV, "604800.5", f"{service.IDLE_ENV} {_IDLE}, not '604800.5'"),
        (service.IDLE_ENV, "nan", f"{service.IDLE_ENV} {_IDLE}, not 'nan'"),
        (service.IDLE_ENV, "-inf", f"{service.IDLE_ENV} {_IDLE}, not '-inf'"),
    ],
)
def test_a_bad_setting_is_refused_in_one_line_naming_it_and_what_it_takes(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, line: str
):
    monkeypatch.setenv(name, value)
    with pytest.raises(ParameterError) as caught:
        _SETTING_READERS[name]()
    assert exits.message(caught.value) == (exits.EXIT_BAD_INPUT, f"error: {line}")


def _set_or_unset(monkeypatch: pytest.MonkeyPatch, name: str, value: str | None) -> None:
    """The environment as a user leaves it: the variable set to ``value``, or not set."""
    if value is None:
        monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("word", "on"),
    [
        *[(None, True), (" ON ", True), ("Yes", True), ("1", True), ("TRUE", True)],
        *[(" Off", False), ("NO", False), ("0", False), ("false", False)],
    ],
)
def test_the_service_is_on_unless_turned_off_in_any_case(
    monkeypatch: pytest.MonkeyPatch, word: str | None, on: bool
):
    _set_or_unset(monkeypatch, service.SERVICE_ENV, word)
    assert service.wanted() is on


@pytest.mark.parametrize(
    ("given", "cores", "count"),
    [(None, 3, 3), ("", 3, 3), ("  ", 3, 3), (None, None, 1), (" 2 ", 3, 2), ("64", 3, 64)],
)
def test_the_workers_are_one_per_core_unless_a_number_up_to_64_is_given(
    monkeypatch: pytest.MonkeyPatch, given: str | None, cores: int | None, count: int
):
    """(os.cpu_count() is None where the number of cores is unknown: one worker then.)"""
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    _set_or_unset(monkeypatch, service.WORKERS_ENV, given)
    assert service.worker_count() == count


@pytest.mark.parametrize(
    ("given", "seconds"),
    [(None, 600.0), ("", 600.0), (" ", 600.0), ("1", 1.0), (" 1.5 ", 1.5), ("604800", 604800.0)],
)
def test_the_idle_time_is_ten_minutes_unless_1_second_to_a_week_is_given(
    monkeypatch: pytest.MonkeyPatch, given: str | None, seconds: float
):
    _set_or_unset(monkeypatch, service.IDLE_ENV, given)
    assert service.idle_seconds() == seconds


@pytest.fixture
def no_runtime_setting(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Neither RUSSIAN_VIEWS_RUNTIME nor XDG_RUNTIME_DIR set (the test sets what it needs)."""
    monkeypatch.delenv(service.RUNTIME_ENV, raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    return monkeypatch


def test_the_runtime_folder_is_in_the_sessions_runtime_folder_when_there_is_one(
    tmp_path: Path, no_runtime_setting: pytest.MonkeyPatch
):
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)
    no_runtime_setting.setenv("XDG_RUNTIME_DIR", str(xdg))
    no_runtime_setting.setenv(service.RUNTIME_ENV, "")  # empty: as if unset
    assert service.runtime_dir() == xdg / "russian-views"
    assert (xdg / "russian-views").stat().st_mode & 0o777 == 0o700


def test_the_runtime_folder_is_in_the_users_cache_folder_otherwise(
    tmp_path: Path, no_runtime_setting: pytest.MonkeyPatch
):
    """Never in /tmp, where anyone may make the name first."""
    no_runtime_setting.setenv("HOME", str(tmp_path / "home"))
    assert service.runtime_dir() == tmp_path / "home" / ".cache" / "russian-views" / "run"


@pytest.mark.parametrize(
    ("variable", "folder", "setting"),
    [
        (service.RUNTIME_ENV, "run", service.RUNTIME_ENV),
        ("XDG_RUNTIME_DIR", "", "XDG_RUNTIME_DIR or HOME"),
        ("HOME", "", "XDG_RUNTIME_DIR or HOME"),
    ],
)
def test_a_runtime_folder_under_one_others_can_write_names_the_setting_that_chose_it(
    tmp_path: Path, no_runtime_setting: pytest.MonkeyPatch, variable: str, folder: str, setting: str
):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    no_runtime_setting.setenv(variable, str(shared / folder))
    with pytest.raises(UnsafeFolder) as caught:
        service.runtime_dir()
    assert caught.value.filename == str(shared)
    assert caught.value.strerror.endswith(
        f"kept under it (from {setting}: set it to a folder of your own)"
    )


@pytest.mark.parametrize("workers", ["0", "two", "-1"])
def test_a_bad_worker_count_is_refused_without_starting_a_service(
    runtime: Path, tmp_path: Path, workers: str
):
    env = env_on(runtime, **{service.WORKERS_ENV: workers})
    result = cli("render", "--actor", "china", "--out", str(tmp_path / "o"), env=env)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"{service.WORKERS_ENV} must be 1 or more, not '{workers}'" in result.stderr
    assert not service_pids(runtime) and not (tmp_path / "o").exists()


# ---------------------------------------------------------------- end to end


@pytest.mark.slow
def test_the_service_renders_the_same_bytes_keeps_codes_and_stops(
    runtime: Path, rendered: Path, tmp_path: Path
):
    env = env_on(runtime)
    out = tmp_path / "out"
    first = cli("render", "--actor", "north-korea", "--out", str(out), env=env)
    assert first.returncode == 0, first.stderr
    assert "1 rendered, 0 cached, 0 failed" in first.stderr
    for ext in ("ipynb", "html", "pdf"):
        assert (out / f"north-korea.{ext}").read_bytes() == (
            rendered / f"north-korea.{ext}"
        ).read_bytes(), ext
    [pid] = service_pids(runtime)
    assert len(kernels(pid)) == 1, f"{service.WORKERS_ENV}=1 keeps one warm worker"

    # The next command is served by the same, warm service.
    again = cli("render", "--actor", "china", "--format", "html", "--out", str(out), env=env)
    assert again.returncode == 0, again.stderr
    assert service_pids(runtime) == [pid]
    status = cli("service", "status", env=env)
    assert status.stdout.count(".sock") == 1

    # A stop signal on the command stops the render in the service, with the same code
    # (HTML only: what the workers print is not the point).
    command = subprocess.Popen(
        [str(BIN), "render", "--all", "--force", "--format", "html", "--out", str(out)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not batch_running(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    command.send_signal(signal.SIGTERM)
    _, err = command.communicate(timeout=120)
    assert command.returncode == 143, err
    assert "Traceback" not in err and "interrupted" in err
    finished = [line for line in err.splitlines() if line.endswith("  rendered")]
    assert len(finished) < 5, "the signal came after the batch had finished"
    assert not list(out.glob(".*.tmp"))  # nothing half-written

    # Stopped on request: the service, its workers and their kernels are all gone.
    family = descendants(pid) | {pid}
    stop = cli("service", "stop", env=env)
    assert stop.returncode == 0 and "stopped 1 render service" in stop.stdout
    assert gone(family)
    assert not list(runtime.glob("*.sock"))


@pytest.mark.slow
def test_changed_data_gets_a_new_service_and_an_idle_one_stops(
    runtime: Path, data_copy: Path, tmp_path: Path
):
    env = env_on(runtime, RUSSIAN_VIEWS_DATA=str(data_copy), RUSSIAN_VIEWS_SERVICE_IDLE="5")
    args = ("render", "--actor", "china", "--format", "html", "--out", str(tmp_path / "o"))
    assert cli(*args, env=env).returncode == 0
    [old] = service_pids(runtime)
    old_family = descendants(old) | {old}
    old_socket = next(runtime.glob("*.sock"))

    (data_copy / "README.txt").write_text("a note\n", encoding="utf-8")
    assert service_pids(runtime) == [old], "the old service must still be up to be told to stop"
    # The new service may stop after 1 s idle: there is no command after this one.
    result = cli(*args, "--force", env={**env, service.IDLE_ENV: "1"})
    assert result.returncode == 0, result.stderr
    assert gone(old_family)  # the stale service was told to stop
    [new] = service_pids(runtime)
    assert new != old and old_socket.name not in {p.name for p in runtime.glob("*.sock")}

    new_family = descendants(new) | {new}
    assert gone(new_family, within=60)  # idle for 1 s: it stops itself
    assert not list(runtime.glob("*.sock"))


def test_cli_lists_the_service_command(tmp_path: Path, runtime: Path):
    result = cli("service", "status", env=env_on(runtime))
    assert result.returncode == 0
    assert result.stdout.strip() == "no render service is running"


@pytest.mark.parametrize("mode", [0o740, 0o720, 0o710, 0o704, 0o702, 0o701])
def test_a_runtime_folder_open_to_the_group_or_others_in_any_way_is_refused(
    tmp_path: Path, monkeypatch, mode: int
):
    """Any one permission bit for the group or others (a class's shared group included)
    is one too many: the folder holds the sockets that run code as you."""
    folder = tmp_path / "run"
    folder.mkdir()
    folder.chmod(mode)
    monkeypatch.setenv(service.RUNTIME_ENV, str(folder))
    with pytest.raises(UnsafeFolder, match=re.escape(str(folder))):
        service.runtime_dir()


def test_a_runtime_folder_that_is_a_link_or_another_users_is_refused(tmp_path: Path, monkeypatch):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(private)
    monkeypatch.setenv(service.RUNTIME_ENV, str(link))
    with pytest.raises(UnsafeFolder, match=re.escape(str(link))):
        service.runtime_dir()
    if os.getuid() == 0:  # only root can give a folder to another user
        os.chown(private, 65534, 65534)
        monkeypatch.setenv(service.RUNTIME_ENV, str(private))
        with pytest.raises(UnsafeFolder, match=re.escape(str(private))):
            service.runtime_dir()
