"""Which cells a briefing shows, from the tags the notebook declares and its parameters.

Cells tagged ``detail-full`` belong to the full briefing only (``detail = "summary"``
drops them); ``edition-student`` cells show in the student and instructor editions,
``edition-instructor`` cells in the instructor edition only. The parameters are read from
what papermill recorded in the executed notebook, so plain ``jupyter nbconvert --to
briefing_html`` cuts the same briefing as the CLI does.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

from russian_views.params import SHOWN_WHEN
from russian_views.spec import ACTOR, parameter


def shown(cell: NotebookNode, parameters: dict) -> bool:
    """Whether every tag of the cell that has a rule allows it."""
    tags = cell.get("metadata", {}).get("tags", [])
    return all(SHOWN_WHEN[t](parameters) for t in tags if t in SHOWN_WHEN)


class CutPreprocessor(Preprocessor):
    """Drops the cells that the briefing's detail and edition leave out."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Keep only the cells :func:`shown` allows; record the cut for the template
        (``briefing_detail``: a summary is set tighter and has no contents list)."""
        parameters = {
            k: str(v).lower()
            for k, v in nb.metadata.get("papermill", {}).get("parameters", {}).items()
        }
        nb.cells = [c for c in nb.cells if shown(c, parameters)]
        resources["briefing_detail"] = parameters.get(
            "detail", str(parameter(ACTOR, "detail").default)
        )
        return nb, resources
