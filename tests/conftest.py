"""Shared fixtures: the real dataset, a writable copy of the data, and one end-to-end render."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Build products the package caches (the charts' bundle) go to pytest's own cache folder,
# never the user's; set before the package is imported, and inherited by the CLI's tests.
# One folder per xdist worker (gw0, gw1...), so two workers never build it into one place.
os.environ["RUSSIAN_VIEWS_CACHE"] = str(
    Path(__file__).parent.parent
    / ".pytest_cache"
    / "rv"
    / os.environ.get("PYTEST_XDIST_WORKER", "main")
)
# Python's default, bytecode caching, even where the environment turns it off: the suite
# starts hundreds of Python processes (commands, kernels, workers), each of which would
# otherwise compile the package and the tests again. (__pycache__ is not part of any key.)
# (An empty value is unset for Python; this process was started with it set.)
os.environ["PYTHONDONTWRITEBYTECODE"] = ""
# Renders run in the test's own process; tests/test_service.py turns the service on itself
# (with its own runtime folder, and stops it), so no test leaves a service behind.
os.environ["RUSSIAN_VIEWS_SERVICE"] = "off"

from russian_views import config  # after the variable above: config reads it
from russian_views.dataset.load import Dataset, load_dataset

if TYPE_CHECKING:
    from russian_views.briefings.briefing import ActorBriefing

sys.dont_write_bytecode = False


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The project's real, validated dataset."""
    return load_dataset()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of ``data/`` for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, target)
    return target


@pytest.fixture
def stub_execution(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notebook execution replaced by an empty notebook, for tests of what follows it
    (exporting, writing the files): they need no kernel, whose start costs seconds."""
    import nbformat

    from russian_views.rendering import render

    monkeypatch.setattr(render, "execute", lambda job, km=None: nbformat.v4.new_notebook())


def edit_csv(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a data file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def all_sections(brief: ActorBriefing) -> str:
    """Every section an actor briefing prints (charts aside), as one HTML string."""
    parts = [
        brief.title_block(),
        brief.bottom_line(),
        brief.in_brief(),
        brief.expectations_section(),
        brief.wants_section(),
        brief.reviewer_section(),
        brief.record_box(),
        brief.views_by_theme(),
        brief.relations_section(),
        brief.timeline_table(),
        brief.observations_section(),
        brief.events_since(),
    ]
    return "".join(str(p) for p in parts)


def made_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]
) -> Path:
    """A folder ``make`` fills once per run, however many xdist workers ask for it.

    Each xdist worker runs session fixtures itself: without this, every worker would render
    the same briefings again. The first worker to ask makes the folder under a lock in the
    run's shared temporary folder while the others wait, then all read it. It is made under
    another name and renamed when whole, so a failed ``make`` is never taken for a result
    (the next worker to ask makes it again, and fails the same way).
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:  # one process: session scope suffices
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    root = tmp_path_factory.getbasetemp().parent
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not folder.is_dir():
            scratch = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))
            make(scratch)
            scratch.rename(folder)
    return folder


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """North Korea and the overview rendered to HTML and PDF by one batch worker (so the
    overview runs on the kernel North Korea used), plus the index, once per run."""
    from russian_views.rendering import batch, render
    from russian_views.rendering.index import write_index

    def make(out: Path) -> None:
        data = load_dataset()
        jobs = [render.actor_job(data, "north-korea"), render.overview_job(data)]
        results = batch.render_batch(jobs, data, out, ("html", "pdf"), workers=1)
        assert [r.error for r in results] == [None, None]
        write_index(data, out)

    return made_once(tmp_path_factory, "reports", make)


@pytest.fixture(scope="session")
def alone(tmp_path_factory: pytest.TempPathFactory, rendered: Path) -> Path:
    """The same two briefings each rendered alone, later, on a fresh kernel of its own."""
    from russian_views.rendering import render

    def make(out: Path) -> None:
        data = load_dataset()
        for job in (render.actor_job(data, "north-korea"), render.overview_job(data)):
            assert render.render_job(job, out, ("html", "pdf"), "A4").error is None

    return made_once(tmp_path_factory, "alone", make)


# Fixtures that render briefings end to end: a test using one is slow (`make test-fast`
# leaves it out).
END_TO_END = {"rendered", "alone", "hostile_render"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses an end-to-end fixture as slow, and run the slow tests first.

    Under xdist's worksteal the long tests then start at once, and a run ends on short
    tests that spread over the workers, not on one long test while the other workers wait.
    """
    for item in items:
        if END_TO_END & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: file order


def pytest_unconfigure(config: pytest.Config) -> None:
    """Say plainly, as the run's last line, when the browser tests did not run and why."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = [
        report
        for report in reporter.stats.get("skipped", [])
        if report.nodeid.startswith("tests/test_browser.py")
    ]
    if skipped:
        reason = skipped[0].longrepr[2] if isinstance(skipped[0].longrepr, tuple) else ""
        reporter.write_line(
            f"BROWSER TESTS NOT RUN: {len(skipped)} skipped ({reason.removeprefix('Skipped: ')})",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def _copies_of_removed_worksheets_stay_in_the_test(tmp_path: Path, monkeypatch) -> None:
    """remove-source keeps a copy of a filled worksheet in the user's cache: not a test's."""
    monkeypatch.setattr(config, "REMOVED_WORKSHEETS_DIR", tmp_path / "removed-worksheets")
