"""HTML building: data is escaped, our own markup is not."""

from __future__ import annotations

import pandas as pd
import pytest

from russian_views.briefings import markup as m

HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def test_escaping_neutralises_markup_and_template_syntax():
    assert m.escape(HOSTILE) == ESCAPED
    assert m.escape("<img src=x onerror=alert(1)>").startswith("&lt;img")
    assert m.escape(None) == "" and m.escape(float("nan")) == "" and m.escape(pd.NA) == ""


def test_attributes_are_escaped():
    html = m.tag("a", "x", href='"><script>', class_="c")
    assert html == '<a href="&#34;&gt;&lt;script&gt;" class="c">x</a>'


# Every helper that takes content, called with the hostile text as its plain-string content.
HELPERS = {
    "tag": lambda text: m.tag("span", text),
    "join": lambda text: m.join([m.Html("<b>"), text], " "),
    "paragraph": lambda text: m.paragraph(text),
    "list_tag": lambda text: m.list_tag("ol", [text]),
    "bullets": lambda text: m.bullets([text]),
    "table cell": lambda text: m.table(["h"], [[text]]),
    "table header": lambda text: m.table([text], [["x"]]),
    "table caption": lambda text: m.table(["h"], [["x"]], caption=text),
    "note": lambda text: m.note(text),
    "empty": lambda text: m.empty(text),
    "cite": lambda text: m.cite(text, 1, 2, with_source=True),
    "quoted": lambda text: m.quoted(text),
    "with_quote text": lambda text: m.with_quote(text, "quite other words"),
    "with_quote quote": lambda text: m.with_quote("a paraphrase", text),
    "view_badge label": lambda text: m.view_badge("moscow", text),
    "view_badge view": lambda text: m.view_badge(text, "label"),
}


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_every_helper_escapes_plain_string_content(helper):
    html = HELPERS[helper](HOSTILE)
    assert isinstance(html, m.Html), "every helper returns displayable markup"
    assert "<script>" not in html and ESCAPED in html


# Codes and ids go into anchors and class names as text, never as markup.
IDS = {"cite", "view_badge view"}


@pytest.mark.parametrize("helper", sorted(HELPERS.keys() - IDS))
def test_markup_content_passes_through_every_helper_unescaped(helper):
    html = HELPERS[helper](m.escape(HOSTILE))
    assert "&amp;lt;" not in html and ESCAPED in html, "escaped text is not escaped twice"


def test_joining_and_adding_keep_markup_and_escape_strings():
    built = m.tag("b", "x") + " & " + m.join(["<i>", m.tag("i", "y")], " ")
    assert built == "<b>x</b> &amp; &lt;i&gt; <i>y</i>"
    assert isinstance(built, m.Html)


def test_citation_links_to_the_passage_anchor():
    html = m.cite("asan-forum-2021", 4, 3)
    assert 'href="#src-asan-forum-2021-p4-s3"' in html
    assert ">¶4 s3<" in html


def test_quote_is_marked_verbatim_and_escaped():
    assert m.quoted("a <b>") == '<q class="verbatim">a &lt;b&gt;</q>'


def test_table_escapes_headers_and_keeps_built_cells():
    html = m.table(["<h>"], [[m.Html("<em>ok</em>")]])
    assert "&lt;h&gt;" in html and '<td data-label="&lt;h&gt;"><em>ok</em></td>' in html


def test_html_fragments_display_as_html_in_jupyter():
    assert m.Html("<p>x</p>")._repr_html_() == "<p>x</p>"


def test_a_quotation_within_a_quotation_takes_single_marks():
    """The source's own “…” inside a verbatim quote would close it twice in print."""
    assert m.quoted("led to support for “maximum pressure,”") == (
        '<q class="verbatim">led to support for ‘maximum pressure,’</q>'
    )
