"""Injection: markup in data stays text, parameters stay data, paths stay in the folder."""

from __future__ import annotations

import ast
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from papermill.translators import PythonTranslator
from pypdf import PdfReader

from russian_views.dataset.load import load_dataset
from russian_views.rendering import render

from .conftest import edit_csv, made_once

HOSTILE = {
    "html": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(2)>",
    "markdown": "**bold** [link](http://example.com)",
    "jinja": "{{ 7*7 }} {% raw %}",
    "latex": r"$\frac{1}{2}$ \end{document}",
}
PAYLOAD = " ".join(HOSTILE.values())


@pytest.fixture(scope="session")
def hostile_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """China's briefing rendered from data whose claim, event and actor name carry markup
    (once per run, however the tests here are spread over workers)."""
    import shutil

    from russian_views import config

    def make(root: Path) -> None:
        data = root / "data"
        shutil.copytree(config.DATA_DIR, data)
        clean = load_dataset(data)
        claim = clean.claims[clean.claims["subject_id"] == "china"].iloc[0]
        event = clean.events[clean.events["actor_ids"].str.contains("china")].iloc[0]
        safe = PAYLOAD.replace(",", ";").replace('"', "'")
        edit_csv(data / "claims.csv", claim["paraphrase"], "Claim " + safe)
        edit_csv(data / "events.csv", event["event_title"], "Event " + safe[:100])
        edit_csv(
            data / "actors.csv",
            "united-states,the United States,",
            "united-states,US " + safe + ",",
        )
        os.environ["RUSSIAN_VIEWS_DATA"] = str(data)
        try:
            # The instructor edition: its answers, too, must keep data inert.
            job = render.actor_job(load_dataset(data), "china", edition="instructor")
            (root / "out").mkdir()
            result = render.render_job(job, root / "out", ("html", "pdf"), "A4")
        finally:
            del os.environ["RUSSIAN_VIEWS_DATA"]
        assert result.error is None, result.error

    return made_once(tmp_path_factory, "hostile", make) / "out"


class _LiveMarkup(HTMLParser):
    """Elements a browser would create, and the text of every script it would run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_markup_in_data_is_literal_text_in_html(hostile_render: Path):
    html = (hostile_render / "china_instructor.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "{{ 7*7 }}" in html and "**bold**" in html and r"\frac{1}{2}" in html
    live = _LiveMarkup()
    live.feed(html)
    assert "img" not in live.tags
    assert not any(
        "alert(1)" in s or "alert(2)" in s for s in live.scripts if not s.lstrip().startswith("{")
    )
    assert "<strong>bold</strong>" not in html


def test_markup_in_data_is_literal_text_in_pdf(hostile_render: Path):
    text = " ".join(
        p.extract_text() for p in PdfReader(hostile_render / "china_instructor.pdf").pages
    )
    assert "<script>alert(1)</script>" in text.replace("\n", " ")
    assert "{{ 7*7 }}" in text


@given(st.text())
def test_papermill_injects_any_string_parameter_as_a_literal(value):
    """Papermill writes parameters into the notebook as source code; a string must stay one."""
    assert ast.literal_eval(PythonTranslator.translate(value)) == value


def test_cli_parameters_are_whitelisted_before_papermill_sees_them(dataset):
    job = render.actor_job(dataset, "PRC", "2014", " 2017", themes="sanctions")
    assert job.parameters == {
        "actor": "china",
        "since": 2014,
        "until": 2017,
        "themes": "sanctions",
        "views": "both",
        "detail": "full",
        "edition": "reader",
    }
    assert "/" not in job.stem and ".." not in job.stem


def test_a_symlinked_report_is_replaced_not_followed(tmp_path: Path):
    from russian_views.atomic import write_atomic

    outside = tmp_path / "outside.txt"
    outside.write_text("must not change", "utf-8")
    out = tmp_path / "reports"
    out.mkdir()
    (out / "china.html").symlink_to(outside)
    write_atomic(out / "china.html", b"report")
    assert outside.read_text("utf-8") == "must not change"
    assert not (out / "china.html").is_symlink()
    assert (out / "china.html").read_bytes() == b"report"
