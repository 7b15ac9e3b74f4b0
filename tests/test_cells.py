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


def _section(heading: str, html: str, tag: str = "detail-full"):
    head = nbformat.v4.new_markdown_cell(heading)
    head.metadata["tags"] = [tag]
    body = nbformat.v4.new_code_cell("brief.x()")
    body.metadata["tags"] = [tag]
    body.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    return [head, body]


def test_an_annex_section_with_nothing_to_show_is_left_out_heading_and_all():
    """A one-source record prints no "Where the sources differ" over "a record of one source
    cannot differ from itself"; a section with content, or outside the annex, stays."""
    empty = '<p class="empty">A record of one source cannot differ from itself.</p>'
    cells = [
        *_section("## A.6 Stance by source date", empty),
        *_section("## A.7 Where the sources differ", "<table><tr><td>1</td></tr></table>"),
        *_section("## Key judgments", empty, tag="edition-student"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["papermill"] = {"parameters": {"edition": "student"}}
    out, _ = CutPreprocessor().preprocess(nb, {})
    assert [c.source for c in out.cells] == [
        "## A.7 Where the sources differ", "brief.x()", "## Key judgments", "brief.x()",
    ]  # fmt: skip
