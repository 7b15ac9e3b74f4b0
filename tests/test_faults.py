"""Faults while rendering: the others still render, the failed one keeps its last good report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from russian_views import batch, config, render


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


def test_a_kernel_that_dies_mid_notebook_fails_that_briefing_only(dataset, tmp_path: Path):
    dying = render.Job("dying", _notebook(tmp_path, "import os\nos._exit(1)"), {}, "dying")
    good = render.actor_job(dataset, "china")
    out = tmp_path / "out"
    # One worker: china runs after the kernel died, on the replacement kernel.
    results = batch.render_batch([dying, good], dataset, out, ("html",), workers=1)
    assert results[0].error and "kernel" in results[0].error.lower()
    assert results[1].error is None and (out / "china.html").exists()


def test_a_cell_that_raises_is_named_in_the_summary(dataset, tmp_path: Path):
    raising = render.Job("raising", _notebook(tmp_path, "1 / 0"), {}, "raising")
    (result,) = batch.render_batch([raising], dataset, tmp_path, ("html",))
    assert result.error == "raising: cell 2 raised ZeroDivisionError: division by zero"
    assert "failed: raising: raising: cell 2 raised ZeroDivisionError" in batch.summary([result])


def test_a_failing_pdf_engine_keeps_the_previous_report(dataset, tmp_path: Path, monkeypatch):
    import russian_views.exporters as exporters

    job = render.actor_job(dataset, "china")
    (tmp_path / "china.pdf").write_bytes(b"previous good pdf")

    def broken(*_args, **_kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(exporters, "html_to_pdf", broken)
    result = render.render_job(job, tmp_path, ("html", "pdf"), "A4")
    assert result.error == "pdf export failed: OSError: cannot load library 'libpango-1.0-0'"
    assert (tmp_path / "china.pdf").read_bytes() == b"previous good pdf"
    assert not (tmp_path / "china.html").exists(), "nothing of a failed job is written"


def test_disk_write_failure_keeps_the_previous_report(dataset, tmp_path: Path, monkeypatch):
    import russian_views.atomic as atomic

    (tmp_path / "china.html").write_bytes(b"previous")

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full_disk)
    result = render.render_job(render.actor_job(dataset, "china"), tmp_path, ("html",), "A4")
    assert "No space left on device" in result.error
    assert (tmp_path / "china.html").read_bytes() == b"previous"
    assert not list(tmp_path.glob("*.tmp"))


def _cli(out: Path, *args: str) -> subprocess.Popen:
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
    )


def test_ctrl_c_during_a_batch_leaves_no_half_written_file(tmp_path: Path):
    out = tmp_path / "out"
    process = _cli(out, "--all", "--force")
    deadline = time.monotonic() + 60
    while not list(out.glob("*.html")) and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode in (130, 0), err
    if process.returncode == 130:
        assert "interrupted" in err
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))
    for html in out.glob("*.html"):
        assert html.read_text("utf-8").rstrip().endswith("</html>")


def test_two_renders_into_one_folder_at_once(tmp_path: Path):
    out = tmp_path / "out"
    first, second = _cli(out, "--actor", "china"), _cli(out, "--actor", "north-korea")
    for process in (first, second):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    from russian_views.cache import Manifest

    entries = Manifest(out).entries
    assert {"china", "north-korea"} <= set(entries)
    for stem in ("china", "north-korea"):
        assert (out / f"{stem}.html").read_text("utf-8").rstrip().endswith("</html>")


@pytest.mark.skipif(not config.ACTOR_NOTEBOOK.exists(), reason="notebooks missing")
def test_nothing_is_written_into_notebooks(tmp_path: Path, dataset):
    before = sorted(p.name for p in config.NOTEBOOKS_DIR.rglob("*"))
    render.render_job(render.actor_job(dataset, "china"), tmp_path, ("html",), "A4")
    assert sorted(p.name for p in config.NOTEBOOKS_DIR.rglob("*")) == before
