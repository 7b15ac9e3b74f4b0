"""The nbconvert exporters, as registered entry points and from the command line."""

from __future__ import annotations

import hashlib
import html as html_lib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbconvert.exporters import get_exporter

from russian_views.rendering.exporters import BriefingHTMLExporter, BriefingPDFExporter, html_to_pdf


def test_exporters_are_registered_with_nbconvert():
    assert get_exporter("briefing_html") is BriefingHTMLExporter
    assert get_exporter("briefing_pdf") is BriefingPDFExporter


def test_html_export_hides_code_and_builds_the_contents(rendered: Path):
    nb = nbformat.read(rendered / "north-korea.ipynb", as_version=4)
    html, resources = BriefingHTMLExporter().from_notebook_node(nb)
    assert resources["briefing_title"] == "Russian views of North Korea"
    assert ("Key-judgments", "Key judgments") in resources["briefing_toc"]
    assert 'class="toc"' in html and 'href="#Key-judgments"' in html
    assert 'id="Key-judgments"' in html
    assert "from russian_views" not in html and "In&nbsp;[" not in html


def test_pdf_exporter_paper_size(tmp_path: Path):
    """The page size comes from the exporter's option, whatever the notebook holds: a page of
    text prints in a fraction of the seconds a whole briefing takes."""
    from pypdf import PdfReader

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# On Letter paper")])
    letter, _ = BriefingPDFExporter(paper="Letter").from_notebook_node(nb)
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter)
    width, height = (float(v) for v in PdfReader(path).pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (612, 792)


def test_jupyter_nbconvert_to_briefing_pdf(tmp_path: Path):
    """The command line finds the registered exporter. A one-page notebook: printing a whole
    briefing, tested elsewhere, would add seconds and check nothing more here."""
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Russian views\n\nFrom the command line.")]
    )
    nbformat.write(nb, tmp_path / "page.ipynb")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "briefing_pdf",
            str(tmp_path / "page.ipynb"),
            "--output-dir",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "page.pdf").read_bytes().startswith(b"%PDF-")


def test_a_page_with_charts_inlines_the_chart_bundle_once(rendered: Path):
    html = (rendered / "north-korea.html").read_text("utf-8")
    assert html.count("window.vegaEmbed=") == 1
    assert re.findall(r"<script[^>]*>", html).count("<script>") == 2, "bundle and loader"
    assert "<script src" not in html
    assert html.count('class="chart-spec"') == html.count('<figure class="chart">') == 3


def test_a_page_without_charts_carries_no_script():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Only text")])
    html, resources = BriefingHTMLExporter().from_notebook_node(nb)
    assert resources["chart_bundle"] == "" and "<script" not in html


def test_the_pdf_prints_the_static_charts(rendered: Path):
    """WeasyPrint runs no script: the figures' static SVG is what it prints."""
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(rendered / "north-korea.pdf").pages)
    assert "Stance of a statement" in text and "Figure 3." in text


def body_and_annex(path: Path) -> tuple[int, int]:
    """The pages of a printed briefing's body (before the page headed Annex) and its annex."""
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(path).pages]
    (start,) = [i for i, text in enumerate(pages) if re.search(r"^Annex$", text, re.M)]
    return start, len(pages) - start


@pytest.mark.parametrize("stem", ["north-korea", "overview"])  # the longest records
def test_every_body_is_an_in_focus_product_of_at_most_four_pages(rendered: Path, stem: str):
    """A reader can stop after the body: at most four A4 pages, then the annex on a page of
    its own; North Korea, the longest record, in at most 22 pages in all (the annex lists
    the public record since the source concerning the actor, about sixty developments, the
    Notes give each one's address, and the record box says how far it was searched: 21
    pages on 6 December 2026). The cap catches a layout run wild, not a record that grew."""
    body, annex = body_and_annex(rendered / f"{stem}.pdf")
    assert 1 <= body <= 4, (stem, body)
    assert annex >= 2, (stem, annex)
    assert body + annex <= 22, (stem, body + annex)


def test_pdf_bytes_do_not_depend_on_the_clock_with_fonttools(monkeypatch, caplog):
    """Without HarfBuzz-Subset WeasyPrint subsets fonts with fontTools, which dates each
    font with the clock; two prints at different times must still give the same bytes."""
    import os

    import weasyprint.pdf.fonts
    from fontTools.misc import timeTools

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    html = "<html><body><h1>Russian views</h1><p>¶4 s3 — Moscow’s view</p></body></html>"
    prints = []
    for now in (1_700_000_000.0, 1_800_000_000.0):
        monkeypatch.setattr(timeTools.time, "time", lambda now=now: now)
        prints.append(html_to_pdf(html))
    assert "Using fontTools instead of HarfBuzz-Subset" in caplog.text
    assert prints[0] == prints[1]
    assert "SOURCE_DATE_EPOCH" not in os.environ, "the variable is set only while printing"


def test_each_contents_link_finds_the_id_nbconvert_gives_its_heading():
    """The contents' ids come from nbconvert's own anchor filter, so punctuation, quotes and
    ampersands in a heading give the same id in the link and in the heading."""
    headings = ["Moscow's view in brief", "What Moscow wants, & why", "A.6 “Time” in 2021"]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("\n\n".join(f"## {h}" for h in headings))]
    )
    html, resources = BriefingHTMLExporter().from_notebook_node(nb)
    ids = [html_lib.unescape(i) for i in re.findall(r'<h2 id="([^"]*)"', html)]
    assert [i for i, _ in resources["briefing_toc"]] == ids
    assert len(ids) == len(headings)


def test_nbconvert_html_conversion_is_the_one_we_repeat():
    """BriefingHTMLExporter.from_notebook_node repeats the first lines of nbconvert's
    HTMLExporter.from_notebook_node to skip its closing BeautifulSoup pass. When nbconvert
    changes that method this fails: re-read it, bring ours in line, then update the hash."""
    import nbconvert
    from nbconvert.exporters import HTMLExporter

    source = inspect.getsource(HTMLExporter.from_notebook_node)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    assert digest == "3dccafff45cc4e74", (
        f"nbconvert {nbconvert.__version__} changed HTMLExporter.from_notebook_node"
    )
