"""The papermill engine ``russian-views``: one ready client per warm kernel, found by name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from jupyter_client.asynchronous import AsyncKernelClient
from nbformat.v4 import new_code_cell, new_notebook
from papermill.engines import papermill_engines

from russian_views import config
from russian_views.rendering import kernel as kernels
from russian_views.rendering import render
from russian_views.rendering.engine import KeptClientEngine

pytestmark = pytest.mark.slow  # starts kernels


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    """A notebook with a stream output and a result."""
    path = tmp_path / "small.ipynb"
    cells = [new_code_cell("print('hello')"), new_code_cell("6 * 7")]
    nb = new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": config.KERNEL_NAME, "display_name": config.KERNEL_NAME}},
    )
    nbformat.write(nb, path)
    return path


def _outputs(nb: nbformat.NotebookNode) -> list:
    return [cell.outputs for cell in nb.cells]


def test_papermill_finds_the_engine_by_its_entry_point():
    assert papermill_engines.get_engine(config.PAPERMILL_ENGINE) is KeptClientEngine


def test_notebooks_on_a_warm_kernel_share_one_client_and_miss_no_output(
    notebook: Path, monkeypatch: pytest.MonkeyPatch
):
    """Two notebooks on one warm kernel: one client, readied once (the wait for the kernel,
    up to 0.2 s on IOPub, is what the engine saves), and every output of each."""
    waits = []
    wait_for_ready = AsyncKernelClient.wait_for_ready

    async def counted(self, timeout=None):
        waits.append(self)
        return await wait_for_ready(self, timeout=timeout)

    monkeypatch.setattr(AsyncKernelClient, "wait_for_ready", counted)
    kernel = kernels.start_warm_kernel()
    waits.clear()  # the warm-up's own client
    try:
        runs = []
        for _ in range(2):
            runs.append(
                papermill.execute_notebook(
                    str(notebook),
                    None,
                    kernel_name=config.KERNEL_NAME,
                    engine_name=config.PAPERMILL_ENGINE,
                    warm=kernel,
                    progress_bar=False,
                )
            )
            client = kernel.client
            # The batch's reset opens a client of its own meanwhile: the kept one must still
            # receive every output of the next notebook (a shared session would lose them).
            kernels.run_code(kernel.manager, kernels.RESET)
        assert client is not None and kernel.client is client
        assert [w for w in waits if w is client] == [client], "readied once, not per notebook"
        first, second = (_outputs(render.normalise(nb)) for nb in runs)
        assert first == second
        assert first[0][0]["text"] == "hello\n"
        assert first[1][0]["data"]["text/plain"] == "42"
    finally:
        kernels.kill_kernel(kernel)
    assert kernel.client is None


def test_papermill_command_line_runs_a_notebook_on_the_engine(notebook: Path, tmp_path: Path):
    out = tmp_path / "out.ipynb"
    bin_dir = Path(sys.executable).parent
    command = [str(bin_dir / "papermill"), str(notebook), str(out), "--engine", "russian-views"]
    subprocess.run([*command, "--no-progress-bar"], check=True, capture_output=True)
    assert nbformat.read(out, as_version=4).cells[1].outputs[0]["data"]["text/plain"] == "42"
