"""Rendering many briefings fast: cache first, then worker processes with warm kernels.

Papermill starts a fresh kernel for every notebook, and on a small machine most of a
briefing's time is that start-up (kernel, pandas and Altair imports, vl-convert's first
chart), not the work. Here each worker process starts one kernel, warms it once, and
runs one briefing after another on it, resetting the kernel's namespace between them
(``%reset``: every variable goes; imported modules, which hold no briefing state, stay).
Exports run in the same worker, so the PDFs of two briefings print in parallel.
A test renders a briefing in a batch and alone and compares the bytes.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from russian_views import config
from russian_views.atomic import current_umask, discard_staged
from russian_views.dataset.load import Dataset
from russian_views.errors import Interrupted
from russian_views.rendering.cache import Manifest, job_key
from russian_views.rendering.folder_lock import folder_lock
from russian_views.rendering.kernel import (
    RESET,
    WarmKernel,
    kill_all,
    kill_all_now,
    kill_kernel,
    remove_files,
    run_code,
    start_warm_kernel,
)
from russian_views.rendering.render import Job, Result, render_job
from russian_views.rendering.signals import die_with_parent, on_first_stop_signal

INDEX = "index"
WORKER_DIED = "the render worker running it died (killed, or out of memory)"

_kernel: WarmKernel | None = None  # this worker process's warm kernel
# The render service's warm workers, kept between batches (see kept_workers); None elsewhere.
_kept: _KeptPool | None = None
_keep_size: int | None = None  # how many to keep, inside kept_workers
_start_failure: str | None = None  # why this worker has no kernel, if it could not start one
_resetting: list[threading.Thread] = []  # this worker's kernel reset still running, if any


def _start_worker() -> None:
    """Worker initializer: warm this worker's kernel and do the slow imports once.

    Workers ignore Ctrl-C and SIGHUP (a terminal sends them to the whole process group):
    the parent handles them and terminates the workers. Terminated, a worker removes the
    files it was writing and kills its kernel before it ends (:func:`_exit_worker`).
    A worker that cannot start keeps the reason and fails each job it is given with it,
    once (raising here would only break the pool, with the reason lost).
    """
    from multiprocessing.util import Finalize

    global _kernel, _start_failure
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_worker)
    die_with_parent(signal.SIGTERM)  # a service killed outright takes its workers along
    Finalize(None, kill_all, exitpriority=10)
    try:
        _kernel = start_warm_kernel(while_starting=_load_exporters)
    except Exception as exc:  # any start-up fault (kernel, imports, bundle) ends its jobs
        _start_failure = start_failure(exc)


def start_failure(exc: BaseException) -> str:
    """The one-line reason a render worker could not start."""
    if isinstance(exc, OSError) and exc.filename:  # an environment fault: its path and why
        return f"the render worker could not start: {exc.filename}: {exc.strerror}"
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"the render worker could not start: {type(exc).__name__}: {reason}".rstrip(": ")


def _exit_worker(signum: int, _frame: object) -> None:
    """SIGTERM in a worker: kill its kernels, remove the files being written, and end here.

    Not by raising SystemExit to unwind the job: raised from a signal handler, it can land
    in a finalizer (``__del__``), where Python prints it and carries on with the job; and
    the process pool's worker loop takes it for the job's error and runs the next job.
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    discard_staged()
    kill_all_now()  # it may have come while a kernel was being killed: waits for nothing
    os._exit(128 + signum)


def _load_exporters() -> None:
    """Import nbconvert and WeasyPrint and read the chart bundle: the export's fixed costs."""
    import russian_views.rendering.exporters  # noqa: F401  (the import is the point)
    from russian_views.rendering.chart_bundle import chart_bundle

    chart_bundle()


def _work(job: Job, out_dir: Path, formats: tuple[str, ...], paper: str, umask: int) -> Result:
    """Render one job on this worker's kernel, then leave the kernel clean (or replace it).

    The reset runs in a thread while the job's files are exported, since both wait on
    different processes, and may still run when the result is returned (a lone briefing
    need not wait for it); it is joined when this worker's next job starts, before the
    kernel is used again.
    """
    global _kernel
    os.umask(umask)  # the files get the modes the command's user asked for, not the service's
    while _resetting:
        _resetting.pop().join()
    if _start_failure:
        return Result(job, 0.0, error=_start_failure)

    def reset_kernel() -> None:
        # A daemon: a worker told to stop must not wait for a reset to finish.
        thread = threading.Thread(target=_reset_or_replace, daemon=True)
        thread.start()
        _resetting.append(thread)

    return render_job(job, out_dir, formats, paper, kernel=_kernel, executed=reset_kernel)


def _reset_or_replace() -> None:
    """Clear the kernel's namespace; start a new warm kernel if the old one died (if that
    fails too, this worker's later jobs fail with the reason)."""
    global _kernel, _start_failure
    from jupyter_core.utils import run_sync

    try:
        if run_sync(_kernel.manager.is_alive)():
            run_code(_kernel.manager, RESET)
            return
        kill_kernel(_kernel)  # the dead kernel's connection files
        _kernel = None
        _kernel = start_warm_kernel()
    except Exception as exc:  # printed by no one in a thread: kept for the next job
        _start_failure = start_failure(exc)


def default_jobs() -> int:
    """Workers to use by default: the kept workers inside :func:`kept_workers` (the render
    service's), else one per core."""
    return _keep_size or os.cpu_count() or 1


def render_batch(
    jobs: list[Job],
    dataset: Dataset,
    out_dir: Path,
    formats: tuple[str, ...],
    paper: str = "A4",
    *,
    workers: int | None = None,
    force: bool = False,
    report: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Render what is out of date (everything with ``force``) and return every job's result."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with stop_on_signals(), folder_lock(out_dir):
        return _render_locked(jobs, dataset, out_dir, formats, paper, workers, force, report)


def _interrupt(signum: int) -> None:
    raise Interrupted(signum)


def stop_on_signals() -> AbstractContextManager[None]:
    """Turn the first stop signal into :class:`Interrupted` while the block runs: unwinding
    then stops the workers (and so their kernels) before the command exits, so nothing is
    written after it."""
    return on_first_stop_signal(_interrupt)


def _render_locked(
    jobs: list[Job],
    dataset: Dataset,
    out_dir: Path,
    formats: tuple[str, ...],
    paper: str,
    workers: int | None,
    force: bool,
    report: Callable[[Result], None] | None,
) -> list[Result]:
    from russian_views.rendering.chart_bundle import chart_bundle

    manifest = Manifest(out_dir)
    # The bundle inlined in every page with charts: pages made with another are stale.
    options = {"formats": sorted(formats), "paper": paper, "chart_bundle": chart_bundle().sha256}
    keys = {j.stem: job_key(j.notebook, j.parameters, dataset.version, options) for j in jobs}
    todo = [j for j in jobs if force or not manifest.is_fresh(j.stem, keys[j.stem])]
    # Longest first (by the last render's time; unknown ones first), so that two workers
    # do not end with one long briefing left for one of them.
    todo.sort(key=lambda j: -manifest.seconds(j.stem, default=float("inf")))
    results = [Result(j, 0.0, cached=True) for j in jobs if j not in todo]
    for result in results:
        _report(report, result)
    try:
        for result in _execute_all(todo, out_dir, formats, paper, workers or default_jobs()):
            _report(report, result)
            if result.error or result.data_version not in (None, dataset.version):
                # Failed, or rendered from data that changed after the key was computed:
                # the files stand, but the next run renders them again.
                manifest.forget(result.job.stem)
            else:
                manifest.record(
                    result.job.stem, keys[result.job.stem], result.files, result.seconds
                )
            results.append(result)
    finally:
        manifest.save()  # also when interrupted: what finished is recorded
    order = {j.stem: i for i, j in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.job.stem])


def _report(report: Callable[[Result], None] | None, result: Result) -> None:
    if report:
        report(result)


class _KeptPool:
    """A pool of warm workers that outlives one batch, and the processes it started."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pool = ProcessPoolExecutor(size, initializer=_start_worker)
        self.pool.submit(int).result()  # starts (and warms) every worker now
        self.workers = list(self.pool._processes.values())

    def close(self) -> None:
        """Stop the workers, and so their kernels, before returning."""
        _stop_workers(self.pool, self.workers)


@contextmanager
def kept_workers(size: int) -> Iterator[None]:
    """Keep ``size`` warm workers between the batches rendered in this block (the render
    service): a batch that uses them pays no kernel start. A batch that ends abnormally
    (interrupted, a worker died) stops them; :func:`keep_warm` then starts fresh ones."""
    global _keep_size
    _keep_size = size
    keep_warm()
    try:
        yield
    finally:
        _keep_size = None
        _drop_kept()


def keep_warm() -> None:
    """Start the kept workers if they were stopped (inside :func:`kept_workers` only)."""
    global _kept
    if _keep_size and _kept is None:
        _kept = _KeptPool(_keep_size)


def _drop_kept() -> None:
    global _kept
    kept, _kept = _kept, None
    if kept:
        kept.close()


def _execute_all(
    todo: list[Job], out_dir: Path, formats: tuple[str, ...], paper: str, workers: int
) -> Iterator[Result]:
    """Yield results as jobs finish: in this process for one job, else in worker processes.

    A worker that dies (killed, out of memory) breaks its pool, and which job it was running
    is not known: each job left unfinished then runs again alone, so only the one that kills
    its worker again fails, and nothing waits for a result that will never come.
    """
    if not todo:
        return
    if _kept and _kept.size == workers:  # the service's warm workers, however few jobs
        size = workers
    elif len(todo) == 1:
        yield _render_one(todo[0], out_dir, formats, paper)
        return
    else:
        size = min(workers, len(todo))
    lost = yield from _run_pool(todo, out_dir, formats, paper, size)
    for job in lost:
        if (yield from _run_pool([job], out_dir, formats, paper, 1)):
            yield Result(job, 0.0, error=WORKER_DIED)


def _run_pool(
    jobs: list[Job], out_dir: Path, formats: tuple[str, ...], paper: str, size: int
) -> Generator[Result, None, list[Job]]:
    """Run jobs on ``size`` warm workers, yielding results; return the jobs a dead worker lost.

    The workers are the kept ones when there are (and they are as many), else new ones;
    either way, a batch that ends abnormally stops them.
    """
    global _kept
    kept = _kept if _kept and _kept.size == size else None
    pool = kept.pool if kept else ProcessPoolExecutor(size, initializer=_start_worker)
    mask = current_umask()
    futures = {pool.submit(_work, job, out_dir, formats, paper, mask): job for job in jobs}
    workers = kept.workers if kept else list(pool._processes.values())  # stopped below
    lost: list[Job] = []
    finished = False
    try:
        pending = set(futures)
        while pending:
            # A short timeout keeps the main thread responsive to signals.
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: jobs.index(futures[f])):
                try:
                    yield future.result()
                except BrokenProcessPool:
                    lost.append(futures[future])
                except Exception as exc:  # a fault of ours in the worker: the job fails
                    yield Result(futures[future], 0.0, error=f"{type(exc).__name__}: {exc}")
        if kept is None:
            pool.shutdown()
        finished = not lost
    finally:
        if kept is None or not finished:
            if kept is not None:
                _kept = None  # the service starts fresh ones: see keep_warm
            _stop_workers(pool, workers)
    return lost


def _stop_workers(pool: ProcessPoolExecutor, workers: list) -> None:
    """Stop a pool's workers (SIGTERM: each kills its kernel and ends) and wait for them: no
    worker outlives this call.

    The pool's manager thread is waited for too. Left running, it closes its wake-up pipe
    while the interpreter exits, and the executor's exit hook can write to the pipe just
    closed: a traceback ("Bad file descriptor") after the command's last line.
    """
    manager = pool._executor_manager_thread  # shutdown() forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join()
    if manager is not None:
        manager.join(timeout=10)  # its workers are gone: it ends at once


def _render_one(job: Job, out_dir: Path, formats: tuple[str, ...], paper: str) -> Result:
    """A single briefing: this process loads the exporters while its kernel boots, so the
    two start-ups overlap on a multi-core machine."""
    from jupyter_core.utils import run_sync

    start = time.perf_counter()
    try:
        kernel = start_warm_kernel(while_starting=_load_exporters)
    except Exception as exc:  # as in a worker: the job fails, with the reason
        return Result(job, time.perf_counter() - start, error=start_failure(exc))
    try:
        result = render_job(job, out_dir, formats, paper, kernel=kernel)
    except BaseException:
        kill_kernel(kernel)  # an interrupt: no event loop to shut down with
        raise
    kernel.close_client()
    run_sync(kernel.manager.shutdown_kernel)(now=True)
    remove_files(kernel)
    return result


def index_is_fresh(manifest: Manifest, dataset: Dataset, out_dir: Path) -> tuple[bool, str]:
    """Whether the index reflects the current data, code and set of rendered files."""
    present = sorted(p.name for p in out_dir.glob("*.html") if p.name != "index.html")
    present += sorted(p.name for p in out_dir.glob("*.pdf"))
    key = job_key(config.ACTOR_NOTEBOOK, {"files": present}, dataset.version, {})
    return manifest.is_fresh(INDEX, key), key


def update_index(dataset: Dataset, out_dir: Path, force: bool = False) -> bool:
    """Rewrite ``index.html`` when anything it shows changed; True when it was written."""
    from russian_views.rendering.index import write_index

    with stop_on_signals(), folder_lock(out_dir):
        manifest = Manifest(out_dir)
        fresh, key = index_is_fresh(manifest, dataset, out_dir)
        if fresh and not force:
            return False
        manifest.record(INDEX, key, [write_index(dataset, out_dir)])
        manifest.save()
        return True
