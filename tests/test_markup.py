"""HTML building: data is escaped, our own markup is not."""

from __future__ import annotations

from russian_views import markup as m


def test_escaping_neutralises_markup_and_template_syntax():
    assert (
        m.esc('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    )
    assert m.esc("<img src=x onerror=alert(1)>").startswith("&lt;img")
    assert m.esc(None) == "" and m.esc(float("nan")) == ""


def test_attributes_are_escaped():
    html = m.tag("a", "x", href='"><script>', class_="c")
    assert html == '<a href="&quot;&gt;&lt;script&gt;" class="c">x</a>'


def test_citation_links_to_the_passage_anchor():
    html = m.cite("asan-forum-2021", 4, 3)
    assert 'href="#src-asan-forum-2021-p4-s3"' in html
    assert ">¶4 s3<" in html


def test_quote_is_marked_verbatim_and_escaped():
    assert m.quoted("a <b>") == '<q class="verbatim">a &lt;b&gt;</q>'


def test_table_escapes_headers_and_keeps_built_cells():
    html = m.table(["<h>"], [["<em>ok</em>"]])
    assert "&lt;h&gt;" in html and '<td data-label="&lt;h&gt;"><em>ok</em></td>' in html


def test_html_fragments_display_as_html_in_jupyter():
    assert m.Html("<p>x</p>")._repr_html_() == "<p>x</p>"
