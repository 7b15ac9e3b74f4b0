"""The batch renderer: warm, reused kernels give the same bytes as a briefing rendered alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from russian_views.rendering import batch, progress, render
from russian_views.rendering import kernel as kernels
from russian_views.rendering.render import Result


def test_batch_on_a_reused_kernel_is_byte_identical_to_a_lone_render(rendered: Path, alone: Path):
    # The session's batch ran the overview on the kernel North Korea had used.
    for ext in ("ipynb", "html", "pdf"):
        assert (rendered / f"overview.{ext}").read_bytes() == (
            alone / f"overview.{ext}"
        ).read_bytes(), ext


def test_two_renders_give_the_same_bytes(rendered: Path, alone: Path):
    for ext in ("ipynb", "html", "pdf"):
        assert (rendered / f"north-korea.{ext}").read_bytes() == (
            alone / f"north-korea.{ext}"
        ).read_bytes(), ext


@pytest.mark.slow
def test_a_failed_briefing_does_not_stop_the_others(dataset, tmp_path: Path):
    bad = render.Job("bad", render.config.ACTOR_NOTEBOOK, {"actor": "narnia"}, "bad")
    good = render.actor_job(dataset, "china")
    results = batch.render_batch([bad, good], dataset, tmp_path, ("html",), workers=2)
    assert "ParameterError: unknown actor 'narnia'" in results[0].error
    assert results[1].error is None and (tmp_path / "china.html").exists()
    assert not (tmp_path / "bad.html").exists()
    assert "1 rendered, 0 cached, 1 failed" in progress.summary(results)
    assert "failed: bad: bad: cell 3 raised ParameterError" in progress.summary(results)


def test_progress_lines_when_not_a_terminal(capsys):
    tick, close = progress.progress_reporter(2)
    job = render.Job("china", Path("x.ipynb"), {}, "t")
    tick(Result(job, 1.25))
    tick(Result(job, 0.0, cached=True))
    close()
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "china                      1.2s  rendered",
        "china                      0.0s  cached",
    ]


def _worker_with_stop_handler() -> None:
    import signal

    signal.signal(signal.SIGTERM, batch._exit_worker)


def test_a_worker_stopped_mid_job_runs_no_further_job(tmp_path: Path, monkeypatch):
    """SIGTERM ends a worker for good: the process pool's worker loop would otherwise take
    the SystemExit for that job's error and go on to render the next queued job.

    Nothing here is timed against the machine's load: the worker is stopped only once it
    is inside the first job, and the test then waits for its end however long that takes
    (a busy machine once made a 10 s wait fail). The worker is forked from a process whose
    earlier tests may have left a start failure or a reset thread in batch's globals: they
    are cleared, so the worker runs the job it is given.
    """
    import multiprocessing
    import os
    import signal
    import time
    from concurrent.futures import ProcessPoolExecutor

    def fake_render(job, out_dir, *_args, **_kwargs):
        (out_dir / f"{job}.started").touch()
        if job == "first":
            time.sleep(600)
        return Result(job, 0.0)

    monkeypatch.setattr(batch, "render_job", fake_render)  # the forked worker inherits it
    monkeypatch.setattr(batch, "_start_failure", None)
    monkeypatch.setattr(batch, "_resetting", [])
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=_worker_with_stop_handler)
    try:
        futures = [
            pool.submit(batch._work, job, tmp_path, ("html",), "A4", 0o022)
            for job in ("first", "second")
        ]
        while not (tmp_path / "first.started").exists():
            assert not futures[0].done(), futures[0].exception()
            time.sleep(0.05)
        (worker,) = pool._processes.values()
        os.kill(worker.pid, signal.SIGTERM)
        worker.join(300)  # returns at once when it ends; the bound only stops a hang
        assert worker.exitcode == 128 + signal.SIGTERM
        assert not (tmp_path / "second.started").exists()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@pytest.mark.slow
@pytest.mark.parametrize("deaths", [1, 2])
def test_a_kernel_that_dies_at_start_is_started_again_on_new_ports(monkeypatch, deaths):
    """Jupyter picks a kernel's ports before the kernel binds them, so of two kernels started
    at once one can die at start on a port the other took. Such a kernel is started again;
    one that keeps dying is given up, with no kernel left running. (Two starts allowed here:
    noticing each death takes jupyter_client about 2 s.)"""
    monkeypatch.setattr(kernels, "KERNEL_STARTS", 2)
    started: list[kernels.WarmKernel] = []
    start = kernels._started_kernel

    def dying_first(deaths: int = deaths) -> kernels.WarmKernel:
        kernel = start()
        started.append(kernel)
        if len(started) <= deaths:
            kernel.manager.provisioner.process.kill()
            kernel.manager.provisioner.process.wait()
        return kernel

    monkeypatch.setattr(kernels, "_started_kernel", dying_first)
    monkeypatch.setattr(kernels, "WARM_UP", "pass")
    if deaths == 2:
        with pytest.raises(RuntimeError, match="died"):
            kernels.start_warm_kernel()
        assert len(started) == 2
    else:
        kernel = kernels.start_warm_kernel()
        try:
            assert len(started) == 2 and kernel is started[1] and not kernels.has_exited(kernel)
        finally:
            kernels.kill_kernel(kernel)
    assert all(kernels.has_exited(k) for k in started[:deaths])


def test_a_kernel_that_fails_its_set_up_is_not_started_again(monkeypatch):
    started: list[kernels.WarmKernel] = []
    start = kernels._started_kernel
    monkeypatch.setattr(kernels, "_started_kernel", lambda: started.append(start()) or started[-1])
    monkeypatch.setattr(kernels, "WARM_UP", "raise RuntimeError('warm-up refused')")
    with pytest.raises(RuntimeError, match="warm-up refused"):
        kernels.start_warm_kernel()
    assert len(started) == 1 and kernels.has_exited(started[0])


class _SlowToCollect:
    """An object whose finalizer takes a while: a stop signal then lands inside it."""

    def __del__(self) -> None:
        import time

        time.sleep(2)


def _collect_slowly_for_ever(started: Path) -> None:
    _worker_with_stop_handler()
    started.touch()
    while True:
        _SlowToCollect()


def test_a_worker_stopped_inside_a_finalizer_still_ends(tmp_path: Path):
    """An exception raised by a signal handler inside ``__del__`` is printed and dropped,
    and the process carries on: the stop must not depend on one."""
    import multiprocessing
    import os
    import signal
    import time

    started = tmp_path / "started"
    worker = multiprocessing.get_context("fork").Process(
        target=_collect_slowly_for_ever, args=(started,)
    )
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while not started.exists():
            assert time.monotonic() < deadline, "the worker never started"
            time.sleep(0.05)
        time.sleep(0.5)  # inside a finalizer by now
        os.kill(worker.pid, signal.SIGTERM)
        worker.join(10)
        assert worker.exitcode == 128 + signal.SIGTERM
    finally:
        if worker.is_alive():
            worker.kill()


def test_a_process_ending_at_once_leaves_no_temporary_file(tmp_path: Path):
    from russian_views import atomic

    staged = atomic._stage(tmp_path / "china.html", b"<html>")
    atomic.write_atomic(tmp_path / "china.pdf", b"%PDF")
    assert staged.exists()
    atomic.discard_staged()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["china.pdf"]


def test_a_forked_worker_kills_only_its_own_kernels(monkeypatch):
    """A worker stopping kills the kernels it started, never those of the process it was
    forked from."""
    import multiprocessing

    monkeypatch.setattr(kernels, "WARM_UP", "pass")
    kernel = kernels.start_warm_kernel()
    try:
        child = multiprocessing.get_context("fork").Process(target=kernels.kill_all)
        child.start()
        child.join(20)
        assert child.exitcode == 0 and not kernels.has_exited(kernel)
    finally:
        kernels.kill_kernel(kernel)


def _stop_while_killing(pid_file: Path) -> None:
    kernel = kernels.start_warm_kernel()
    process = kernel.manager.provisioner.process
    pid_file.write_text(str(process.pid))
    with process._waitpid_lock:  # as when SIGTERM comes while kill_kernel waits for it
        batch._exit_worker(15, None)


def test_a_worker_told_to_stop_while_killing_its_kernel_still_ends(tmp_path: Path, monkeypatch):
    """A worker ending on its own kills its kernel; the pool's SIGTERM can come meanwhile.
    The handler must not wait on what the interrupted code holds: it would wait for ever."""
    import multiprocessing
    import time

    monkeypatch.setattr(kernels, "WARM_UP", "pass")
    pid_file = tmp_path / "kernel.pid"
    worker = multiprocessing.get_context("fork").Process(
        target=_stop_while_killing, args=(pid_file,)
    )
    worker.start()
    worker.join(30)
    try:
        assert worker.exitcode == 143
        kernel = Path(f"/proc/{pid_file.read_text()}/stat")
        deadline = time.monotonic() + 10
        while kernel.exists() and " Z " not in kernel.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not kernel.exists() or " Z " in kernel.read_text(), "the kernel outlived it"
    finally:
        if worker.is_alive():
            worker.kill()
