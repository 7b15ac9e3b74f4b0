"""nbconvert exporters for briefings: offline HTML, and PDF through WeasyPrint.

Registered as the nbconvert entry points ``briefing_html`` and ``briefing_pdf``, so
``jupyter nbconvert --to briefing_pdf executed.ipynb`` works outside our CLI too.

The HTML exporter uses the ``briefing`` template (``templates/briefing``): code cells
hidden, no prompts, no require.js, MathJax or widget scripts, CSS inline. The PDF
exporter prints that same HTML with WeasyPrint (pure pip install: no LaTeX, no
browser download).
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.filters.strings import _convert_header_id
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Unicode, default

from russian_views import config

_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.M)


class BriefingMetadataPreprocessor(Preprocessor):
    """Finds the briefing's title (its first ``<h1>``) and its ``##`` sections for the contents."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Record ``briefing_title`` and ``briefing_toc`` in the resources."""
        resources["briefing_title"] = _first_h1(nb) or resources.get("metadata", {}).get("name", "")
        toc = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                toc += [(_convert_header_id(t), t) for t in _HEADING.findall(cell.source)]
        resources["briefing_toc"] = toc
        return nb, resources


def _first_h1(nb: NotebookNode) -> str | None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            match = _H1.search(output.get("data", {}).get("text/html", ""))
            if match:
                return html_lib.unescape(_TAGS.sub("", match.group(1)))
    return None


class BriefingHTMLExporter(HTMLExporter):
    """Self-contained, offline HTML of an executed briefing notebook."""

    export_from_notebook = "Briefing (HTML)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register_preprocessor(BriefingMetadataPreprocessor, enabled=True)

    @default("template_name")
    def _template_name_default(self) -> str:
        return "briefing"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(config.TEMPLATES_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    @default("anchor_link_text")
    def _anchor_link_text_default(self) -> str:
        return ""


class BriefingPDFExporter(BriefingHTMLExporter):
    """The briefing HTML printed to PDF by WeasyPrint, with the print stylesheet."""

    export_from_notebook = "Briefing (PDF)"
    output_mimetype = "application/pdf"
    paper = Unicode("A4", help="Paper size: A4 or Letter.").tag(config=True)

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.html.j2"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(
        self, nb: NotebookNode, resources: dict | None = None, **kw: Any
    ) -> tuple[bytes, dict]:
        """Export to HTML, then print it; returns the PDF bytes."""
        html, resources = super().from_notebook_node(nb, resources=resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(html, paper=self.paper), resources


def html_to_pdf(html: str, paper: str = "A4") -> bytes:
    """Print briefing HTML to PDF bytes with WeasyPrint (imported here: it is slow to load)."""
    import weasyprint

    size = {"a4": "A4", "letter": "letter"}[paper.lower()]
    page = weasyprint.CSS(string=f"@page {{ size: {size}; }}")
    document = weasyprint.HTML(string=html, base_url=str(config.PROJECT_ROOT))
    return document.write_pdf(stylesheets=[page])
