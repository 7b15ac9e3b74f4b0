"""The notebooks: thin, clean, parameterised the papermill way."""

from __future__ import annotations

import ast
import json

import papermill
import pytest

from russian_views import config
from russian_views.classroom import teaching

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
def test_every_cell_after_the_title_is_one_helper_call(path):
    nb = json.loads(path.read_text("utf-8"))
    for cell in nb["cells"]:
        tags = cell["metadata"].get("tags", [])
        if cell["cell_type"] != "code" or {"parameters", "title"} & set(tags):
            continue
        tree = ast.parse("".join(cell["source"]))
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr), cell["source"]
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        assert calls == [tree.body[0].value], cell["source"]


def test_edition_cells_call_teaching_on_the_briefing():
    """Questions and answers come from the teaching module, given the briefing: a briefing
    does not call teaching."""
    nb = json.loads(config.ACTOR_NOTEBOOK.read_text("utf-8"))
    called = {}
    for cell in nb["cells"]:
        tags = set(cell["metadata"].get("tags", []))
        for edition, helper in (
            ("edition-student", "questions"),
            ("edition-instructor", "answers"),
        ):
            if edition in tags:
                call = ast.parse("".join(cell["source"])).body[0].value
                assert ast.unparse(call.func) == f"teaching.{helper}", cell["source"]
                assert ast.unparse(call.args[0]) == "brief", cell["source"]
                called.setdefault(helper, []).append(ast.literal_eval(call.args[1]))
    assert called["questions"] == called["answers"]
    assert sorted(called["questions"]) == sorted(teaching.QUESTIONS)


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
