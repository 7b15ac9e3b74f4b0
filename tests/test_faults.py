"""Faults while rendering: the others still render, the failed one keeps its last good report."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from russian_views import config
from russian_views.rendering import batch, progress, render
from russian_views.rendering import kernel as kernels


def _notebook(tmp_path: Path, source: str) -> Path:
    """A small notebook whose second cell does ``source``."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("actor = None", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(source),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "fault.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def bare_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels warmed with nothing: the small notebooks here import nothing, and the
    briefings' imports would cost each kernel about a second. (Workers are forked, so they
    see the change.)"""
    monkeypatch.setattr(kernels, "WARM_UP", "pass")


@pytest.mark.slow
def test_a_kernel_that_dies_mid_notebook_fails_that_briefing_only(
    dataset, tmp_path: Path, bare_warm_up
):
    dying = render.Job("dying", _notebook(tmp_path, "import os\nos._exit(1)"), {}, "dying")
    good = render.actor_job(dataset, "china")
    out = tmp_path / "out"
    # One worker: china runs after the kernel died, on the replacement kernel.
    results = batch.render_batch([dying, good], dataset, out, ("html",), workers=1)
    assert results[0].error and "kernel" in results[0].error.lower()
    assert results[1].error is None and (out / "china.html").exists()


@pytest.mark.slow
def test_a_worker_killed_mid_job_fails_that_briefing_only(dataset, tmp_path: Path, bare_warm_up):
    """A worker killed outright (as by the out-of-memory killer) cannot report which job it
    held; the jobs left are run again one by one, so only that one fails, and none hangs."""
    killer = render.Job(
        "killer",
        _notebook(tmp_path, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"),
        {},
        "killer",
    )
    (tmp_path / "fine").mkdir()
    fine = render.Job("fine", _notebook(tmp_path / "fine", "1 + 1"), {}, "fine")
    out = tmp_path / "out"
    results = batch.render_batch([killer, fine], dataset, out, ("html",), workers=1)
    assert results[0].error == batch.WORKER_DIED
    assert results[1].error is None and (out / "fine.html").exists()


@pytest.mark.slow
def test_a_cell_that_raises_is_named_in_the_summary(dataset, tmp_path: Path, bare_warm_up):
    raising = render.Job("raising", _notebook(tmp_path, "1 / 0"), {}, "raising")
    (result,) = batch.render_batch([raising], dataset, tmp_path, ("html",))
    assert result.error == "raising: cell 2 raised ZeroDivisionError: division by zero"
    assert "failed: raising: raising: cell 2 raised ZeroDivisionError" in progress.summary([result])


def test_a_failing_pdf_engine_keeps_the_previous_report(
    dataset, tmp_path: Path, monkeypatch, stub_execution
):
    import russian_views.rendering.exporters as exporters

    job = render.actor_job(dataset, "china")
    (tmp_path / "china.pdf").write_bytes(b"previous good pdf")

    def broken(*_args, **_kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(exporters, "html_to_pdf", broken)
    result = render.render_job(job, tmp_path, ("html", "pdf"), "A4")
    assert result.error == "pdf export failed: OSError: cannot load library 'libpango-1.0-0'"
    assert (tmp_path / "china.pdf").read_bytes() == b"previous good pdf"
    assert not (tmp_path / "china.html").exists(), "nothing of a failed job is written"


def test_disk_write_failure_keeps_the_previous_report(
    dataset, tmp_path: Path, monkeypatch, stub_execution
):
    import russian_views.atomic as atomic

    (tmp_path / "china.html").write_bytes(b"previous")

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full_disk)
    result = render.render_job(render.actor_job(dataset, "china"), tmp_path, ("html",), "A4")
    assert "No space left on device" in result.error
    assert (tmp_path / "china.html").read_bytes() == b"previous"
    assert not list(tmp_path.glob("*.tmp"))


def _cli(out: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "russian_views",
            "render",
            *args,
            "--format",
            "html",
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )


def _processes_mentioning(text: str) -> list[str]:
    """Command lines of running processes that contain ``text`` (a kernel's command line
    names its connection file, a temporary file: in the temporary folder a test chose)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in line:
            found.append(line)
    return found


def _session_members(sid: int) -> list[int]:
    """Processes still in session ``sid`` (the command and its workers)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _whole_reports_and_manifest(out: Path, old: dict[str, bytes]) -> None:
    """Every report is the old one or a whole new one; the manifest matches the files."""
    from russian_views.rendering.cache import Manifest

    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))
    for html in out.glob("*.html"):
        data = html.read_bytes()
        assert data == old.get(html.name) or data.rstrip().endswith(b"</html>"), html.name
    for stem, entry in Manifest(out).entries.items():
        for name, sha in entry["files"].items():
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha, (stem, name)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "whole_group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
    ids=["ctrl-c", "sigterm"],
)
def test_a_signal_during_a_batch_stops_everything_and_leaves_whole_reports(
    tmp_path: Path, signum: int, whole_group: bool, code: int
):
    """Ctrl-C reaches the whole process group; ``kill`` only the command. Either way the
    workers and kernels stop before it exits, and nothing is written afterwards."""
    out, kernel_files = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    kernel_files.mkdir()
    old = {f"{stem}.html": b"old report\n" for stem in ("china", "overview")}
    for name, data in old.items():
        (out / name).write_bytes(data)
    # Two workers whatever the machine's cores, so every run stops the same two.
    env = {**os.environ, "TMPDIR": str(kernel_files)}
    process = _cli(out, "--all", "--force", "--jobs", "2", env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(
        p.read_bytes() != old.get(p.name) for p in out.glob("*.html")
    ):
        time.sleep(0.1)
    (os.killpg if whole_group else os.kill)(process.pid, signum)
    try:
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # it hangs: the test fails, and leaves no render running
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == code, err
    assert "interrupted" in err and "Traceback" not in err and "BrokenPipe" not in err
    finished = [line for line in err.splitlines() if line.endswith("  rendered")]
    assert len(finished) < 5, "the signal came after the batch had finished"
    assert _session_members(process.pid) == [], "a worker outlived the command"
    assert _processes_mentioning(str(kernel_files)) == [], "a kernel outlived the command"
    assert list(kernel_files.glob("*.json")) == [], "a connection file was left"
    _whole_reports_and_manifest(out, old)
    written = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    time.sleep(0.5)  # no process of the command is left (checked above) to write anything
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == written, "written after exit"


def test_sighup_and_sigterm_interrupt_a_render_like_ctrl_c():
    for signum, code in [(signal.SIGHUP, 129), (signal.SIGTERM, 143)]:
        with pytest.raises(KeyboardInterrupt) as info, batch.stop_on_signals():
            os.kill(os.getpid(), signum)
            time.sleep(5)
        assert info.value.exit_code == code
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "handlers are restored"


def test_a_signal_while_a_report_set_is_renamed_waits_for_the_whole_set(
    tmp_path: Path, monkeypatch
):
    import russian_views.atomic as atomic

    files = {tmp_path / f"china.{ext}": b"new" for ext in ("ipynb", "html", "pdf")}
    for path in files:
        path.write_bytes(b"old")
    replace = atomic.os.replace

    def replace_then_signal(source, target) -> None:
        replace(source, target)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(atomic.os, "replace", replace_then_signal)
    with pytest.raises(KeyboardInterrupt), batch.stop_on_signals():
        atomic.write_all(files)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {p.name: b"new" for p in files}


@pytest.mark.slow
def test_a_worker_that_cannot_start_fails_its_jobs_once(tmp_path: Path, monkeypatch, capsys):
    """Warm-up fails in every worker: each job fails once with the reason, no worker is
    started again and again, and no kernel or connection file is left."""
    import tempfile

    from russian_views.cli import main

    kernel_files = tmp_path / "tmp"
    kernel_files.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(kernel_files))  # connection files go here
    monkeypatch.setattr(kernels, "WARM_UP", "raise RuntimeError('warm-up refused')")
    start = time.monotonic()
    code = main(["render", "--all", "--force", "--format", "html", "--out", str(tmp_path / "o")])
    assert code == 1 and time.monotonic() - start < 90
    err = capsys.readouterr().err
    reason = (
        "the render worker could not start: RuntimeError: kernel set-up failed: warm-up refused"
    )
    assert err.count(reason) == 2 * 5, "each of the five jobs: its progress line and summary"
    assert "Traceback" not in err and "0 rendered, 0 cached, 5 failed" in err
    assert [p.name for p in (tmp_path / "o").glob("*.html") if p.name != "index.html"] == []
    assert list(kernel_files.glob("*.json")) == []
    assert _processes_mentioning(str(kernel_files)) == []


def _stub_export(monkeypatch, files: dict[str, bytes]) -> None:
    """Export replaced by fixed bytes (execution by the stub_execution fixture): for tests
    of writing only."""
    monkeypatch.setattr(render, "export", lambda nb, formats, paper: dict(files))


REPORT_SET = {"ipynb": b"{}", "html": b"<html></html>", "pdf": b"%PDF-1.7"}


def test_disk_full_while_writing_a_new_report_set_leaves_none_of_it(
    dataset, tmp_path: Path, monkeypatch, stub_execution
):
    import russian_views.atomic as atomic

    _stub_export(monkeypatch, REPORT_SET)
    stage = atomic._stage

    def full_on_pdf(path: Path, data: bytes) -> Path:
        if path.suffix == ".pdf":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return stage(path, data)

    monkeypatch.setattr(atomic, "_stage", full_on_pdf)
    result = render.render_job(render.actor_job(dataset, "china"), tmp_path, ("html", "pdf"), "A4")
    assert result.error == f"[Errno 28] No space left on device: '{tmp_path / 'china.pdf'}'"
    assert list(tmp_path.iterdir()) == [], "no stray .ipynb or .html, no temporary file"


def test_a_failed_rename_removes_the_files_of_a_new_set(
    dataset, tmp_path: Path, monkeypatch, stub_execution
):
    import russian_views.atomic as atomic

    _stub_export(monkeypatch, REPORT_SET)
    replace = atomic.os.replace

    def fail_on_pdf(source, target) -> None:
        if str(target).endswith(".pdf"):
            raise OSError(errno.EIO, "Input/output error")
        replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", fail_on_pdf)
    result = render.render_job(render.actor_job(dataset, "china"), tmp_path, ("html", "pdf"), "A4")
    assert "Input/output error" in result.error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_two_renders_into_one_folder_at_once(tmp_path: Path):
    out = tmp_path / "out"
    first, second = _cli(out, "--actor", "china"), _cli(out, "--actor", "north-korea")
    for process in (first, second):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    from russian_views.rendering.cache import Manifest

    entries = Manifest(out).entries
    assert {"china", "north-korea"} <= set(entries)
    for stem in ("china", "north-korea"):
        assert (out / f"{stem}.html").read_text("utf-8").rstrip().endswith("</html>")


@pytest.mark.slow
@pytest.mark.skipif(not config.ACTOR_NOTEBOOK.exists(), reason="notebooks missing")
def test_nothing_is_written_into_notebooks(tmp_path: Path, dataset):
    before = sorted(p.name for p in config.NOTEBOOKS_DIR.rglob("*"))
    render.render_job(render.actor_job(dataset, "china"), tmp_path, ("html",), "A4")
    assert sorted(p.name for p in config.NOTEBOOKS_DIR.rglob("*")) == before
