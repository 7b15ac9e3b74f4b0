"""Which cells a briefing shows, from the tags the notebook declares and its parameters.

Cells tagged ``detail-full`` belong to the full briefing only (``detail = "summary"``
drops them); ``edition-student`` cells show in the student and instructor editions,
``edition-instructor`` cells in the instructor edition only. The parameters are read from
what papermill recorded in the executed notebook, so plain ``jupyter nbconvert --to
briefing_html`` cuts the same briefing as the CLI does.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

from russian_views.params import SHOWN_WHEN
from russian_views.spec import ACTOR, parameter


def shown(cell: NotebookNode, parameters: dict) -> bool:
    """Whether every tag of the cell that has a rule allows it."""
    tags = cell.get("metadata", {}).get("tags", [])
    return all(SHOWN_WHEN[t](parameters) for t in tags if t in SHOWN_WHEN)


# What a briefing helper shows when its data hold nothing (markup.empty): one paragraph.
_EMPTY = re.compile(r'\s*<p class="empty">[^<]*</p>\s*')
ANNEX_TAG = "detail-full"


def says_nothing(cell: NotebookNode) -> bool:
    """Whether a code cell's only output is the "nothing here" paragraph."""
    outputs = cell.get("outputs", [])
    html = [o.get("data", {}).get("text/html", "") for o in outputs]
    return bool(outputs) and all(isinstance(h, str) and _EMPTY.fullmatch(h) for h in html)


def without_empty_sections(cells: list[NotebookNode]) -> list[NotebookNode]:
    """The cells less every annex section with nothing to show: a heading cell followed
    by a code cell that says nothing, both tagged for the annex. A reader of a one-source
    record is not shown "Where the sources differ" over "a record of one source cannot
    differ from itself"."""
    keep: list[NotebookNode] = []
    for cell in cells:
        previous = keep[-1] if keep else None
        annex = ANNEX_TAG in cell.get("metadata", {}).get("tags", [])
        if (
            annex
            and cell.get("cell_type") == "code"
            and says_nothing(cell)
            and previous is not None
            and previous.get("cell_type") == "markdown"
            and ANNEX_TAG in previous.get("metadata", {}).get("tags", [])
            and previous.get("source", "").lstrip().startswith("## ")
        ):
            keep.pop()
            continue
        keep.append(cell)
    return keep


class CutPreprocessor(Preprocessor):
    """Drops the cells that the briefing's detail and edition leave out, and the annex
    sections that have nothing to show."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Keep only the cells :func:`shown` allows; record the cut for the template
        (``briefing_detail``: a summary is set tighter and has no contents list)."""
        parameters = {
            k: str(v).lower()
            for k, v in nb.metadata.get("papermill", {}).get("parameters", {}).items()
        }
        nb.cells = without_empty_sections([c for c in nb.cells if shown(c, parameters)])
        resources["briefing_detail"] = parameters.get(
            "detail", str(parameter(ACTOR, "detail").default)
        )
        return nb, resources
