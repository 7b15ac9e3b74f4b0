"""The nbconvert exporters, as registered entry points and from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbconvert.exporters import get_exporter

from russian_views.exporters import BriefingHTMLExporter, BriefingPDFExporter


def test_exporters_are_registered_with_nbconvert():
    assert get_exporter("briefing_html") is BriefingHTMLExporter
    assert get_exporter("briefing_pdf") is BriefingPDFExporter


def test_html_export_hides_code_and_builds_the_contents(rendered: Path):
    nb = nbformat.read(rendered / "north-korea.ipynb", as_version=4)
    html, resources = BriefingHTMLExporter().from_notebook_node(nb)
    assert resources["briefing_title"] == "Russian views of North Korea"
    assert ("Bottom-line-up-front", "Bottom line up front") in resources["briefing_toc"]
    assert 'class="toc"' in html and 'href="#Bottom-line-up-front"' in html
    assert 'id="Bottom-line-up-front"' in html
    assert "from russian_views" not in html and "In&nbsp;[" not in html


def test_pdf_exporter_paper_size(rendered: Path):
    from pypdf import PdfReader

    nb = nbformat.read(rendered / "north-korea.ipynb", as_version=4)
    letter, _ = BriefingPDFExporter(paper="Letter").from_notebook_node(nb)
    path = rendered.parent / "letter.pdf"
    path.write_bytes(letter)
    width, height = (float(v) for v in PdfReader(path).pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (612, 792)


def test_jupyter_nbconvert_to_briefing_pdf(rendered: Path, tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "briefing_pdf",
            str(rendered / "north-korea.ipynb"),
            "--output-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "north-korea.pdf").read_bytes().startswith(b"%PDF-")
