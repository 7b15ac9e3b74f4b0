"""Building the briefings' HTML from data, escaping every value on the way in.

Data never reaches Markdown: notebook outputs are HTML fragments built here from
:class:`markupsafe.Markup` pieces. A plain ``str`` is always escaped when it meets one
(``+``, ``format``, ``join`` and every helper below), so ``<script>`` in a claim shows as
text and ``{{ }}`` or ``$…$`` are inert; only markup built as :class:`Html` passes through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd
from markupsafe import Markup
from markupsafe import escape as _escape

from russian_views.dataset.sources import ref_label


class Html(Markup):
    """Markup that Jupyter displays as HTML (and nbconvert exports as such).

    Markup's operations keep the class, so whatever is built from an ``Html`` is one too.
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


def escape(value: object) -> Html:
    """``value`` as HTML text (or attribute value): markup passes, anything else is escaped;
    NA and None become '' (a missing value prints as nothing, not "nan")."""
    if isinstance(value, Html):
        return value
    if value is None or (
        not isinstance(value, str) and not hasattr(value, "__html__") and pd.isna(value)
    ):
        return Html()
    return Html(_escape(value))


def sentence_case(text: str) -> str:
    """Upper-case the first letter only ("the United States" → "The United States")."""
    return text[:1].upper() + text[1:]


def join(parts: Iterable[object], separator: str = "") -> Html:
    """Concatenate fragments with ``separator`` between them, escaping any plain string."""
    # str.join over fragments already escaped: Markup.join would escape each one again
    # and build a Markup per part, which a briefing of thousands of statements feels.
    return Html(str(separator).join([escape(p) for p in parts]))


def tag(name: str, content: object = "", **attrs: object) -> Html:
    """``<name attr="…">content</name>``; attribute values and plain-string content are
    escaped, markup content is kept.

    A trailing underscore is dropped from attribute names (``class_`` → ``class``).
    """
    # f-strings over escaped values rather than Markup.format: the same text, without
    # string.Formatter's parsing on every one of a large briefing's tens of thousands of tags.
    rendered = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"'
        for k, v in attrs.items()
        if v is not None
    )
    return Html(f"<{name}{rendered}>{escape(content)}</{name}>")


def anchor_id(source_id: str, paragraph: int, sentence: int) -> str:
    """Id of a passage in the cited-passages appendix."""
    return f"src-{source_id}-p{int(paragraph)}-s{int(sentence)}"


def ref_labels(rows: pd.DataFrame, with_source: bool = False) -> list[str]:
    """Each record's :func:`ref_label`, in row order."""
    return [
        ref_label(s, p, n, with_source)
        for s, p, n in zip(rows["source_id"], rows["paragraph"], rows["sentence"], strict=True)
    ]


def cite(source_id: str, paragraph: int, sentence: int, with_source: bool = False) -> Html:
    """A reference like ``[¶4 s3]`` linking to the passage in the appendix; with several
    sources in the data it names its source too (``[asan-forum-2021 ¶4 s3]``)."""
    target = anchor_id(source_id, paragraph, sentence)
    return tag(
        "a",
        ref_label(source_id, paragraph, sentence, with_source),
        href=f"#{target}",
        class_="cite",
        title=f"{source_id}, paragraph {int(paragraph)}, sentence {int(sentence)}",
    )


def cite_row(row: pd.Series | dict, with_source: bool = False) -> Html:
    """The citation of a record that has source_id, paragraph and sentence."""
    return cite(row["source_id"], row["paragraph"], row["sentence"], with_source)


def cite_rows(rows: pd.DataFrame, with_source: bool = False) -> Html:
    """Citations of several records, each sentence once, in reading order."""
    keys = sorted({(r.source_id, int(r.paragraph), int(r.sentence)) for r in rows.itertuples()})
    return join((cite(*k, with_source) for k in keys), " ")


# A quote whose words the paraphrase already carries to this share says nothing new.
REPEATED_SHARE = 0.75
_WORD = re.compile(r"\w+")


def adds_words(quote: str, paraphrase: str) -> bool:
    """Whether printing ``quote`` after ``paraphrase`` tells the reader something: False when
    at least :data:`REPEATED_SHARE` of the quote's words are already in the paraphrase."""
    words = _WORD.findall(quote.casefold().replace("’", "'"))
    said = set(_WORD.findall(paraphrase.casefold().replace("’", "'")))
    return not words or sum(w in said for w in words) / len(words) < REPEATED_SHARE


def with_quote(text: str, quote: str, context: str = "") -> Html:
    """Our ``text``, then the verbatim ``quote`` unless it repeats what ``text`` (and any
    ``context`` printed beside it) already says: the cited passage holds it in full anyway."""
    if adds_words(quote, f"{text} {context}"):
        return join([text, quoted(quote)], " ")
    return escape(text)


# Inside a quotation the source's own double quotes become single ones, as a quotation
# within a quotation is printed (else “…“maximum pressure,”” closes twice).
_NESTED = str.maketrans({"“": "‘", "”": "’"})


def quoted(text: str) -> Html:
    """A verbatim quotation, marked as such (its inner quote marks made single)."""
    return tag("q", text.translate(_NESTED), class_="verbatim")


def view_badge(view: str, label: str) -> Html:
    """A small label saying whose view a statement is."""
    return tag("span", label, class_=f"badge view-{view}")


def paragraph(content: object, class_: str | None = None) -> Html:
    """A ``<p>`` around ``content`` (escaped unless it is markup)."""
    return tag("p", content, class_=class_)


def list_tag(name: str, entries: Iterable[object], class_: str | None = None) -> Html:
    """A list element ``name`` (``ul`` or ``ol``) with one ``<li>`` per entry."""
    return tag(name, join(tag("li", e) for e in entries), class_=class_)


def bullets(entries: Iterable[object], class_: str | None = None) -> Html:
    """A ``<ul>`` of ``entries`` (each escaped unless it is markup)."""
    return list_tag("ul", entries, class_)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    caption: str = "",
    class_: str = "data",
) -> Html:
    """A ``<table>``: headers, caption and plain-string cells are escaped, markup cells kept.

    Each cell carries its column's header as ``data-label``, which the phone layout shows
    when a row becomes a card."""
    head = tag("thead", tag("tr", join(tag("th", h, scope="col") for h in headers)))
    body = tag(
        "tbody",
        join(
            tag("tr", join(tag("td", c, data_label=h) for h, c in zip(headers, r, strict=True)))
            for r in rows
        ),
    )
    cap = tag("caption", caption) if caption else Html()
    return tag("table", cap + head + body, class_=class_)


def note(text: object) -> Html:
    """A muted explanatory note."""
    return paragraph(text, class_="note")


def empty(text: object) -> Html:
    """What a section shows when the data hold nothing for it."""
    return paragraph(text, class_="empty")
