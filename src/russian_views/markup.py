"""Building the briefings' HTML from data, escaping every value on the way in.

Data never reaches Markdown: notebook outputs are HTML fragments built here, where
each value passes through :func:`esc` (so ``<script>`` in a claim shows as text and
``{{ }}`` or ``$…$`` are inert) and only our own tags are left unescaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

import pandas as pd


class Html(str):
    """An HTML fragment that Jupyter displays as HTML (and nbconvert exports as such)."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


def esc(value: object) -> str:
    """Escape any value for HTML text or attribute context; NA and None become ''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def sentence_case(text: str) -> str:
    """Upper-case the first letter only ("the United States" → "The United States")."""
    return text[:1].upper() + text[1:]


def join(parts: Iterable[str]) -> Html:
    """Concatenate already-built fragments."""
    return Html("".join(parts))


def tag(name: str, content: str = "", **attrs: object) -> str:
    """``<name attr="…">content</name>`` with attributes escaped; content must be built HTML.

    A trailing underscore is dropped from attribute names (``class_`` → ``class``).
    """
    rendered = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None
    )
    return f"<{name}{rendered}>{content}</{name}>"


def anchor_id(source_id: str, paragraph: int, sentence: int) -> str:
    """Id of a passage in the cited-passages appendix."""
    return f"src-{source_id}-p{int(paragraph)}-s{int(sentence)}"


_ANCHOR = re.compile(r'href="#src-([a-z0-9-]+?)-p(\d+)-s(\d+)"')


def cited_in(html: str) -> list[tuple[str, int, int]]:
    """The (source, paragraph, sentence) of every citation link in built HTML."""
    return [(s, int(p), int(n)) for s, p, n in _ANCHOR.findall(html)]


def ref_label(source_id: str, paragraph: int, sentence: int, with_source: bool = False) -> str:
    """The one way a passage is named: ``¶4 s3``, or ``asan-forum-2021 ¶4 s3`` when the data
    hold several sources (citations, tooltips and the passages appendix all use it)."""
    label = f"¶{int(paragraph)} s{int(sentence)}"
    return f"{source_id} {label}" if with_source else label


def ref_labels(rows: pd.DataFrame, with_source: bool = False) -> list[str]:
    """Each record's :func:`ref_label`, in row order."""
    return [
        ref_label(s, p, n, with_source)
        for s, p, n in zip(rows["source_id"], rows["paragraph"], rows["sentence"], strict=True)
    ]


def cite(source_id: str, paragraph: int, sentence: int, with_source: bool = False) -> str:
    """A reference like ``[¶4 s3]`` linking to the passage in the appendix; with several
    sources in the data it names its source too (``[asan-forum-2021 ¶4 s3]``)."""
    target = anchor_id(source_id, paragraph, sentence)
    return tag(
        "a",
        esc(ref_label(source_id, paragraph, sentence, with_source)),
        href=f"#{target}",
        class_="cite",
        title=f"{source_id}, paragraph {int(paragraph)}, sentence {int(sentence)}",
    )


def cite_row(row: pd.Series | dict, with_source: bool = False) -> str:
    """The citation of a record that has source_id, paragraph and sentence."""
    return cite(row["source_id"], row["paragraph"], row["sentence"], with_source)


def cite_rows(rows: pd.DataFrame, with_source: bool = False) -> str:
    """Citations of several records, each sentence once, in reading order."""
    keys = sorted({(r.source_id, int(r.paragraph), int(r.sentence)) for r in rows.itertuples()})
    return " ".join(cite(*k, with_source) for k in keys)


# A quote whose words the paraphrase already carries to this share says nothing new.
REPEATED_SHARE = 0.75
_WORD = re.compile(r"\w+")


def adds_words(quote: str, paraphrase: str) -> bool:
    """Whether printing ``quote`` after ``paraphrase`` tells the reader something: False when
    at least :data:`REPEATED_SHARE` of the quote's words are already in the paraphrase."""
    words = _WORD.findall(quote.casefold().replace("’", "'"))
    said = set(_WORD.findall(paraphrase.casefold().replace("’", "'")))
    return not words or sum(w in said for w in words) / len(words) < REPEATED_SHARE


def with_quote(text: str, quote: str, context: str = "") -> str:
    """Our ``text``, then the verbatim ``quote`` unless it repeats what ``text`` (and any
    ``context`` printed beside it) already says: the cited passage holds it in full anyway."""
    shown = esc(text)
    if adds_words(quote, f"{text} {context}"):
        shown += " " + quoted(quote)
    return shown


def quoted(text: str) -> str:
    """A verbatim quotation, marked as such."""
    return tag("q", esc(text), class_="verbatim")


def view_badge(view: str, label: str) -> str:
    """A small label saying whose view a statement is."""
    return tag("span", esc(label), class_=f"badge view-{esc(view)}")


def paragraph(content: str, class_: str | None = None) -> Html:
    """A ``<p>`` around built content."""
    return Html(tag("p", content, class_=class_))


def bullets(items: Sequence[str], class_: str | None = None) -> Html:
    """A ``<ul>`` of built items."""
    return Html(tag("ul", "".join(tag("li", i) for i in items), class_=class_))


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "", class_: str = "data"
) -> Html:
    """A ``<table>``: headers are escaped here, cells must be built (escaped) HTML.

    Each cell carries its column's header as ``data-label``, which the phone layout shows
    when a row becomes a card."""
    head = tag("thead", tag("tr", "".join(tag("th", esc(h), scope="col") for h in headers)))
    body = tag(
        "tbody",
        "".join(
            tag("tr", "".join(tag("td", c, data_label=h) for h, c in zip(headers, r, strict=True)))
            for r in rows
        ),
    )
    cap = tag("caption", esc(caption)) if caption else ""
    return Html(tag("table", cap + head + body, class_=class_))


def note(text: str) -> Html:
    """A muted explanatory note (escaped)."""
    return paragraph(esc(text), class_="note")


def empty(text: str) -> Html:
    """What a section shows when the data hold nothing for it (escaped)."""
    return paragraph(esc(text), class_="empty")
