"""The notebooks: thin, clean, parameterised the papermill way."""

from __future__ import annotations

import ast
import json

import papermill
import pytest

from russian_views import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("**/*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text("utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_are_thin_no_defs_no_paths_no_sys_path(path):
    nb = json.loads(path.read_text("utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = ast.parse(source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda), source
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert "/" not in node.value and not node.value.endswith(".csv"), source
        assert "sys.path" not in source
        if "parameters" in cell["metadata"].get("tags", []):
            assert all(isinstance(n, ast.Assign) for n in tree.body), "parameters only"
        else:
            assert len(source.splitlines()) <= 6, "a cell calls one helper and shows its result"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_is_the_tagged_parameters_cell(path):
    nb = json.loads(path.read_text("utf-8"))
    assert nb["cells"][0]["metadata"]["tags"] == ["parameters"]
    assert any("title" in c["metadata"].get("tags", []) for c in nb["cells"])


def test_papermill_reads_every_parameter_with_its_help():
    params = papermill.inspect_notebook(str(config.ACTOR_NOTEBOOK))
    assert list(params) == ["actor", "since", "until", "themes", "views", "detail", "edition"]
    assert params["actor"]["default"] == '"north-korea"'
    assert all(p["help"] for p in params.values())
    assert list(papermill.inspect_notebook(str(config.OVERVIEW_NOTEBOOK))) == ["since", "until"]
