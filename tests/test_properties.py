"""Property tests: any text through escaping and the loader stays inert and fails only our way."""

from __future__ import annotations

import csv
import html
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from russian_views import config
from russian_views.briefings import markup as m
from russian_views.dataset.load import load_dataset
from russian_views.errors import DataError

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(TEXT)
def test_escaped_text_has_no_markup_and_round_trips(text):
    escaped = m.escape(text)
    assert not set("<>\"'") & set(escaped)
    assert html.unescape(escaped) == text


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


@given(TEXT, TEXT)
def test_built_tags_keep_data_in_its_place(content, title):
    parser = _Collect()
    parser.feed(m.tag("span", m.escape(content), title=title))
    parser.close()
    assert parser.tags == [("span", {"title": title})]
    assert parser.text == content


@given(TEXT)
def test_plain_text_given_as_content_is_escaped(text):
    parser = _Collect()
    parser.feed(m.join([m.tag("p", text), m.note(text), m.bullets([text]), m.quoted(text)]))
    parser.close()
    assert [t for t, _ in parser.tags] == ["p", "p", "ul", "li", "q"]
    assert parser.text == text * 4


@given(TEXT)
def test_a_claim_row_renders_its_text_literally(text):
    html_out = m.quoted(text) + m.paragraph(text)
    parser = _Collect()
    parser.feed(html_out)
    assert [t for t, _ in parser.tags] == ["q", "p"]


_FIELDS = [
    "view",
    "subject_id",
    "theme",
    "stance",
    "period_start",
    "paraphrase",
    "quote",
    "paragraph",
    "sentence",
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the data for every example (each example restores claims.csv)."""
    target = tmp_path_factory.mktemp("prop") / "data"
    shutil.copytree(config.DATA_DIR, target)
    return target


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(_FIELDS), value=TEXT)
def test_any_cell_value_loads_or_fails_with_a_data_error(data_dir: Path, field, value):
    path = data_dir / "claims.csv"
    original = path.read_text("utf-8")
    rows = list(csv.DictReader(original.splitlines()))
    rows[0][field] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(rows[0]), lineterminator="\n", quoting=csv.QUOTE_ALL
        )
        writer.writeheader()
        writer.writerows(rows)
    try:
        load_dataset(data_dir)
    except DataError as exc:
        assert exc.problems and all(p.row == 2 for p in exc.problems)
    finally:
        path.write_text(original, "utf-8")
