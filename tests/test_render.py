"""End to end: papermill executes, nbconvert exports, files land atomically and offline."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from russian_views import atomic, config
from russian_views.briefings import sections
from russian_views.dataset.load import load_dataset
from russian_views.errors import RenderError
from russian_views.rendering import render

from .conftest import edit_csv


class _Resources(HTMLParser):
    """Collects every tag that could load something: link, iframe, object, embed, any tag
    with a src, any href with a URL but a link's (inline scripts, such as the charts' bundle,
    load nothing; a reader follows a link to a cited public record by choice)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"link", "iframe", "object", "embed"} or "src" in dict(attrs):
            self.loads.append(tag)
        for name, value in attrs:
            if tag == "a":
                continue  # a link to a public record is followed by choice, not loaded
            if (
                name in {"src", "href"}
                and value
                and not value.startswith("#")
                and ("://" in value or value.startswith("//"))
            ):
                self.loads.append(f"{tag} {name}={value}")


def external_loads(html: str) -> list[str]:
    parser = _Resources()
    parser.feed(html)
    return parser.loads


@pytest.mark.parametrize("stem", ["north-korea", "overview"])
def test_html_is_self_contained_and_offline(rendered: Path, stem: str):
    html = (rendered / f"{stem}.html").read_text("utf-8")
    assert external_loads(html) == []
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts.count("<script>") == 2, "the chart bundle and its loader, once per page"
    assert all(s == "<script>" or 'type="application/json"' in s for s in scripts)
    assert "<svg" in html
    # The title, and the annex's heading: the two parts of the product.
    assert re.findall(r"<h1[^>]*>([^<]+)", html)[1:] == ["Annex"]
    assert not re.search(r"<a\b[^>]*/>", html), "HTML has no self-closing <a>: it would stay open"
    assert "brief." not in html, "code cells must not be visible"


def test_html_shows_the_briefing_sections_with_citations(rendered: Path):
    html = (rendered / "north-korea.html").read_text("utf-8")
    assert "<title>Russian views of North Korea</title>" in html
    headings = [html_lib.unescape(h) for h in re.findall(r"<h2[^>]*>([^<]+)", html)]
    body = [sections.BODY[k] for k in ("judgments", "in-brief", "forecasts", "wants", "differs")]
    annex = [sections.ANNEX[k] for k in ("record", "themes", "relations", "timeline",
                                          "observations", "dating", "passages")]  # fmt: skip
    assert [h for h in headings if h in body + annex] == body + annex
    cited = set(re.findall(r'href="#(src-[^"]+)"', html))
    anchors = set(re.findall(r'id="(src-[^"]+)"', html))
    assert cited and cited <= anchors


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("north-korea", "Russian views of North Korea"),
        ("overview", "Russian views of the Korean Peninsula"),
    ],
)
def test_pdf_text_contains_the_title(rendered: Path, stem: str, title: str):
    reader = PdfReader(rendered / f"{stem}.pdf")
    assert len(reader.pages) >= 3
    assert title in reader.pages[0].extract_text()


def test_index_links_each_report_with_its_bottom_line(rendered: Path):
    html = (rendered / "index.html").read_text("utf-8")
    assert external_loads(html) == []
    assert 'href="north-korea.html"' in html and 'href="north-korea.pdf"' in html
    assert 'href="overview.html"' in html
    assert 'href="china.html"' not in html, "only rendered briefings are listed"
    assert 'href="north-korea.html#src-' in html and 'class="key-judgments"' in html
    assert "The record behind these briefings" in html
    assert "public record checked to " in html


def test_no_temporary_files_are_left(rendered: Path):
    assert sorted(p.name for p in rendered.iterdir() if p.name.endswith(".tmp")) == []


def test_failed_export_keeps_the_previous_report(tmp_path: Path, monkeypatch, stub_execution):
    before = b"<!DOCTYPE html><html>the previous good report</html>\n"
    (tmp_path / "north-korea.html").write_bytes(before)

    def broken(*_args, **_kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(render, "export", broken)
    job = render.actor_job(load_dataset(), "north-korea")
    result = render.render_job(job, tmp_path, ("html",), "A4")
    assert result.error == "No space left on device"
    assert (tmp_path / "north-korea.html").read_bytes() == before


def test_write_atomic_removes_its_temporary_file_on_failure(tmp_path: Path, monkeypatch):
    target = tmp_path / "x.html"
    target.write_bytes(b"good")

    def failing_replace(*_args):
        raise OSError("rename failed")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError):
        atomic.write_atomic(target, b"new")
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["x.html"]


@pytest.mark.slow
def test_a_bad_parameter_fails_in_the_first_cell_after_the_parameters():
    job = render.Job("bad", config.ACTOR_NOTEBOOK, {"actor": "narnia"}, "bad")
    with pytest.raises(RenderError) as info:
        render.execute(job)
    message = str(info.value)
    assert "cell 3 raised ParameterError: unknown actor 'narnia'" in message
    assert "choose one of: north-korea" in message


@pytest.mark.slow
def test_markup_in_data_renders_as_text_end_to_end(tmp_path: Path, data_copy: Path, monkeypatch):
    data = load_dataset(data_copy)
    first = data.claims[data.claims["subject_id"] == "south-korea"].iloc[0]
    edit_csv(data_copy / "claims.csv", first["paraphrase"], "<script>alert(1)</script> {{ x }}")
    monkeypatch.setenv("RUSSIAN_VIEWS_DATA", str(data_copy))
    job = render.actor_job(load_dataset(data_copy), "south-korea")
    (tmp_path / "out").mkdir()
    result = render.render_job(job, tmp_path / "out", ("html",), "A4")
    assert result.error is None
    html = (tmp_path / "out" / "south-korea.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ x }}" in html
    assert "<script>alert(1)" not in html


def test_period_parameters_name_the_output_file(dataset):
    assert render.actor_job(dataset, "china").stem == "china"
    assert render.actor_job(dataset, "china", 2014, 2017).stem == "china_2014-2017"
    assert render.overview_job(dataset, 2014).stem == "overview_2014-2021"
