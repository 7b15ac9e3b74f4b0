"""Which cells show, by the notebook's tags and the recorded parameters."""

from __future__ import annotations

import nbformat
import pytest

from russian_views.rendering.cells import CutPreprocessor, shown


def _cell(*tags):
    cell = nbformat.v4.new_code_cell("x")
    cell.metadata["tags"] = list(tags)
    return cell


@pytest.mark.parametrize(
    ("tags", "params", "expected"),
    [
        ((), {}, True),
        (("detail-full",), {}, True),
        (("detail-full",), {"detail": "summary"}, False),
        (("edition-student",), {}, False),
        (("edition-student",), {"edition": "student"}, True),
        (("edition-student",), {"edition": "instructor"}, True),
        (("edition-instructor",), {"edition": "student"}, False),
        (
            ("edition-instructor", "detail-full"),
            {"edition": "instructor", "detail": "summary"},
            False,
        ),
        (("parameters",), {"detail": "summary"}, True),
    ],
)
def test_shown(tags, params, expected):
    assert shown(_cell(*tags), params) is expected


def test_the_cut_reads_what_papermill_recorded():
    nb = nbformat.v4.new_notebook(cells=[_cell(), _cell("detail-full"), _cell("edition-student")])
    nb.metadata["papermill"] = {"parameters": {"detail": "summary", "edition": "Student"}}
    out, _ = CutPreprocessor().preprocess(nb, {})
    assert [c.metadata["tags"] for c in out.cells] == [[], ["edition-student"]]
