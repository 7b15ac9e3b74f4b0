"""Plain endings (issue 27, B1 on the command's side, B11): a stop signal at any moment
of a command gives one line and the shell's code for it, never a traceback; output into a
closed pipe ends quietly with 141."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "russian-views"


def _handles(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler of its own for ``signum`` (/proc's SigCgt)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) >> (signum - 1) & 1)


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_stop_signal_mid_command_gives_one_line_and_its_code(signum: int, code: int):
    process = subprocess.Popen(
        [str(BIN), "validate"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while not _handles(process.pid, signal.SIGTERM) and process.poll() is None:
        assert time.monotonic() < deadline, "the command never handled SIGTERM"
        time.sleep(0.005)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and "interrupted" in err


def test_output_into_a_closed_pipe_ends_quietly():
    read, write = os.pipe()
    os.close(read)  # the reader has gone (`| head -1` after its line)
    try:
        result = subprocess.run(
            [str(BIN), "actors"], stdout=write, stderr=subprocess.PIPE, text=True, timeout=60
        )
    finally:
        os.close(write)
    assert result.returncode == 141
    assert result.stderr == ""
