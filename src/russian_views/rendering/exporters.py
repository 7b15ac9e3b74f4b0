"""nbconvert exporters for briefings: offline HTML, and PDF through WeasyPrint.

Registered as the nbconvert entry points ``briefing_html`` and ``briefing_pdf``, so
``jupyter nbconvert --to briefing_pdf executed.ipynb`` works outside our CLI too.

The HTML exporter uses the ``briefing`` template (``templates/briefing``): code cells
hidden, no prompts, no require.js, MathJax or widget scripts, CSS inline. A page with
charts gets one inline script: vl-convert's Vega/Vega-Lite/vega-embed bundle and a small
loader that turns each figure's static SVG into the interactive chart, loading nothing
from the network. The PDF exporter prints that same HTML with WeasyPrint, which runs no
scripts and so prints the static SVG (pure pip install: no LaTeX, no browser download).
"""

from __future__ import annotations

import gc
import html as html_lib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters import DataTypeFilter, Highlight2HTML, add_anchor
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Unicode, default

from russian_views import config
from russian_views.briefings.figure import SPEC_CLASS
from russian_views.rendering.cells import CutPreprocessor
from russian_views.rendering.chart_bundle import chart_bundle

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_ID = re.compile(r'\bid="([^"]*)"')
_TAGS = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.M)
_SPEC_BLOCK = f'class="{SPEC_CLASS}"'
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


class BriefingMetadataPreprocessor(Preprocessor):
    """Finds the briefing's title (its first ``<h1>``) and its ``##`` sections for the contents."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Record ``briefing_title``, ``briefing_toc`` and ``chart_bundle`` in the resources.

        ``chart_bundle`` is the JavaScript the page's charts need, or "" on a page without
        charts, which then carries no script at all.
        """
        resources["briefing_title"] = _first_h1(nb) or resources.get("metadata", {}).get("name", "")
        toc = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                toc += [(heading_id(t), t) for t in _HEADING.findall(cell.source)]
        resources["briefing_toc"] = toc if resources.get("briefing_detail") != "summary" else []
        has_charts = any(_SPEC_BLOCK in html for html in _html_outputs(nb))
        resources["chart_bundle"] = chart_bundle().text if has_charts else ""
        return nb, resources


def heading_id(title: str) -> str:
    """The id nbconvert gives a Markdown heading, through its public ``add_anchor`` filter
    (the one its Markdown renderer applies), so a contents link always finds its section."""
    anchored = add_anchor(f"<h2>{html_lib.escape(title)}</h2>")
    return html_lib.unescape(_ID.search(anchored).group(1))


def _html_outputs(nb: NotebookNode) -> list[str]:
    return [
        output.get("data", {}).get("text/html", "")
        for cell in nb.cells
        for output in cell.get("outputs", [])
    ]


def _first_h1(nb: NotebookNode) -> str | None:
    for html in _html_outputs(nb):
        match = _H1.search(html)
        if match:
            return html_lib.unescape(_TAGS.sub("", match.group(1)))
    return None


class BriefingHTMLExporter(HTMLExporter):
    """Self-contained, offline HTML of an executed briefing notebook."""

    export_from_notebook = "Briefing (HTML)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register_preprocessor(CutPreprocessor, enabled=True)
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
        # Not "": nbconvert writes an empty anchor as <a …/>, which HTML does not close, so
        # it would swallow (and, hidden by the stylesheet, hide) the rest of the section.
        return "¶"

    def from_notebook_node(
        self, nb: NotebookNode, resources: dict | None = None, **kw: Any
    ) -> tuple[str, dict]:
        """HTMLExporter's conversion without its closing BeautifulSoup pass.

        That pass only adds alt text to ``<img>`` and tab stops to JupyterLab cells, and a
        briefing has neither (charts are inline SVG with a text alternative); but it parses
        and re-serialises the whole page, the chart bundle's megabyte of script included
        (0.1 s of a briefing's 0.12 s export). HTMLExporter has no switch for it, so its
        first lines are repeated here with nbconvert's public filters (a briefing holds no
        widgets, so the plain ``DataTypeFilter`` picks the same outputs), and
        tests/test_exporters.py fails when nbconvert changes the method this repeats.
        """
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        self.register_filter("filter_data_type", DataTypeFilter(parent=self))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


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
    """Print briefing HTML to PDF bytes with WeasyPrint (imported here: it is slow to load).

    The page's scripts (the chart bundle, the specs) are dropped first: a printer runs no
    script, and parsing a megabyte of JavaScript it ignores would cost it a quarter second.
    Our scripts cannot contain ``</script>`` (the bundle is checked, specs are escaped).
    """
    import weasyprint

    size = {"a4": "A4", "letter": "letter"}[paper.lower()]
    page = weasyprint.CSS(string=f"@page {{ size: {size}; }}")
    printable = _SCRIPT.sub("", html)
    document = weasyprint.HTML(string=printable, base_url=str(config.PROJECT_ROOT))
    with _fixed_font_dates(), _no_cycle_collection():
        return document.write_pdf(stylesheets=[page])


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while WeasyPrint lays out and draws.

    Layout allocates hundreds of thousands of short-lived objects, so the collector runs
    again and again over everything the process holds (pandas, nbconvert, WeasyPrint
    itself) and finds nothing to free: a tenth of the PDF's time. Reference counting still
    frees what the PDF no longer needs; the collector resumes, as it was, afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _fixed_font_dates() -> Iterator[None]:
    """Pin the date fontTools writes into each embedded font while a PDF is written.

    Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps each
    font's ``head.modified`` with the clock unless ``SOURCE_DATE_EPOCH`` is set (the
    reproducible-builds convention fontTools documents); the PDF's bytes would then differ
    on every run. A value the user set is kept; otherwise the epoch is used. The PDF itself
    carries no date (WeasyPrint writes one from the page's metadata, which has none, or
    for PDF/X variants and attachments, which briefings do not use).
    """
    previous = os.environ.get(SOURCE_DATE_EPOCH)
    os.environ[SOURCE_DATE_EPOCH] = previous or "0"
    try:
        yield
    finally:
        if previous is None:
            del os.environ[SOURCE_DATE_EPOCH]
