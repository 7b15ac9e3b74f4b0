"""Shared fixtures: the real dataset, a writable copy of the data, and one end-to-end render."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from russian_views import config
from russian_views.data import Dataset, load_dataset


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


def edit_csv(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a data file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """North Korea and the overview rendered to HTML and PDF, plus the index, once per run."""
    from russian_views import batch, render
    from russian_views.index import write_index

    out = tmp_path_factory.mktemp("reports")
    data = load_dataset()
    jobs = [render.actor_job(data, "north-korea"), render.overview_job(data)]
    results = batch.render_batch(jobs, data, out, ("html", "pdf"))
    assert [r.error for r in results] == [None, None]
    write_index(data, out)
    return out
