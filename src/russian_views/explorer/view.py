"""A briefing drawn in this process, fast enough to follow a control as it changes.

A render starts a kernel, lets papermill run the notebook and exports what it recorded.
The explorer cannot wait for that on every click, so here the notebook's own cells run in
this (already warm) process instead: the parameters cell, the parameters injected as
papermill injects them, then every cell the exporter keeps (its cut rules,
:func:`russian_views.rendering.cells.shown`), each displayed as IPython displays a cell's
result.
The notebook is then exported by the same :class:`BriefingHTMLExporter` as a render, so the
page shows the briefing the saved file will hold, from the same code: nothing about a
briefing's sections is restated here.
"""

from __future__ import annotations

import ast
import copy
import html

import nbformat
from IPython.core.formatters import DisplayFormatter
from nbformat import NotebookNode

from russian_views import config
from russian_views.briefings.figure import drawn_in_the_browser
from russian_views.rendering.cells import shown
from russian_views.rendering.chart_bundle import chart_bundle
from russian_views.rendering.exporters import BriefingHTMLExporter
from russian_views.rendering.render import Job, normalise

# The explorer draws a briefing in a frame (``srcdoc``) whose own address is the explorer's:
# left alone, a link to "#…" would load the explorer again inside the frame (and start a
# kernel). This script, put into the frame, makes the links do what they do in the briefing
# as a file: a citation or a Contents entry goes to its place in this page (the address's
# fragment, so ``:target`` highlights it as in the file), any other address opens a new tab.
IN_FRAME_LINKS = """<script>
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[href]") : null;
  if (!link || event.defaultPrevented || event.button !== 0) return;
  var href = link.getAttribute("href");
  if (href.charAt(0) === "#") {
    event.preventDefault();
    var x = parent.scrollX, y = parent.scrollY;  // the explorer's page stays where it is
    location.hash = href;
    parent.scrollTo(x, y);
  } else {
    link.target = "_blank";
    link.rel = "noopener";
  }
});
</script>"""


def framed(page: str, title: str, stem: str) -> str:
    """The briefing's ``page`` as the explorer shows it: in a frame, its links kept inside
    (:data:`IN_FRAME_LINKS`), named by the file stem a Save gives it."""
    head, body_end, tail = page.rpartition("</body>")
    page = f"{head}{IN_FRAME_LINKS}{body_end}{tail}" if body_end else page + IN_FRAME_LINKS
    return (
        f'<iframe class="rv-page" title="{html.escape(title)}" '
        f'data-stem="{html.escape(stem)}" srcdoc="{html.escape(page)}"></iframe>'
    )


class BriefingView:
    """Runs a briefing notebook's cells in-process and exports them to the briefing's HTML.

    One instance keeps the notebook source, the display formatter and the exporter (with
    its compiled template) between redraws; each redraw starts from a fresh namespace, as a
    render starts from a fresh kernel, so no state leaks from one briefing to the next.
    """

    def __init__(self) -> None:
        self._formatter = DisplayFormatter()
        self._exporter = BriefingHTMLExporter()
        self._sources: dict[str, NotebookNode] = {}

    def warm(self) -> None:
        """Pay the one-off costs (the chart bundle, the template) before the first redraw."""
        chart_bundle()

    def notebook(self, job: Job) -> NotebookNode:
        """The job's notebook with the outputs a render would record for its shown cells.

        Papermill's own ``parameterize_notebook`` adds the injected-parameters cell, so the
        parameters reach the cells exactly as in a render.
        """
        from papermill.parameterize import parameterize_notebook

        nb = parameterize_notebook(
            copy.deepcopy(self._source(job)), dict(job.parameters), kernel_name=config.KERNEL_NAME
        )
        cut = {k: str(v).lower() for k, v in job.parameters.items()}
        namespace: dict = {}
        count = 0
        for cell in nb.cells:
            if cell.cell_type == "code" and shown(cell, cut):
                count += 1
                cell.execution_count = count
                cell.outputs = self._run(cell.source, namespace, count)
        return normalise(nb)

    def html(self, job: Job) -> str:
        """The briefing's page, as the HTML exporter writes it for a render, but for the
        figures' static SVG: on screen the browser draws each chart from its spec, so a
        redraw costs the notebook's data work only (Save runs the full render)."""
        with drawn_in_the_browser():
            page, _ = self._exporter.from_notebook_node(self.notebook(job))
        return page

    def _source(self, job: Job) -> NotebookNode:
        key = str(job.notebook)
        if key not in self._sources:
            from papermill.iorw import load_notebook_node  # papermill's reading (tags filled in)

            self._sources[key] = load_notebook_node(key)
        return self._sources[key]

    def _run(self, source: str, namespace: dict, count: int) -> list[NotebookNode]:
        """Run one cell; its last expression's value becomes the output, as in a kernel."""
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is None:
            return []
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
        if value is None:
            return []
        data, metadata = self._formatter.format(value)
        return [
            nbformat.v4.new_output(
                "execute_result", data=data, metadata=metadata, execution_count=count
            )
        ]
