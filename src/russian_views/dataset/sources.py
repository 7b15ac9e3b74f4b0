"""Source texts: reading, fingerprinting, and splitting into paragraphs and sentences.

Paragraph and sentence numbers are *derived* from the text every time it is read,
never kept in a hand-edited table, so a citation such as ``¶5 s3`` always means the
same words as long as the text's sha256 is unchanged (the loader checks it).

Conventions (documented in the README, under the data files):

* A line is a *heading* when it is short (at most 60 characters) and does not end in
  sentence punctuation; headings name the section of the body paragraphs that follow them.
  A longer line that does not end like a sentence is body text, but add-source warns: it
  is most often a title the text starts with (:func:`title_like`).
* Body paragraphs are numbered 1, 2, … in reading order, headings excluded.
* A footnote marker is a bare number glued to the paragraph's final punctuation
  (``…Korean affairs.1``); it is removed from the sentence text and kept apart.
* Sentences end at ``.``, ``?`` or ``!`` (optionally followed by a closing quote)
  when whitespace and an upper-case letter, digit or opening quote follow.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from russian_views.dataset.files import read_file

HEADING_MAX_CHARS = 60
_SENTENCE_CLOSE = r"[.!?:;”\"\d]$"  # how a line that is not a heading ends
_FOOTNOTE = re.compile(r"(?<=[.!?”\"])(\d{1,3})$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’]?(?=\s+[A-Z0-9“\"‘(])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a body paragraph, addressed as (paragraph, number)."""

    paragraph: int
    number: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph with its section heading and optional footnote marker."""

    number: int
    section: str
    text: str
    sentences: tuple[Sentence, ...]
    footnote: int | None = None


@dataclass(frozen=True)
class SourceText:
    """A whole source text split into sections, paragraphs and sentences."""

    sha256: str
    paragraphs: tuple[Paragraph, ...]

    def paragraph(self, number: int) -> Paragraph:
        """Return body paragraph ``number`` (1-based); ``KeyError`` when absent."""
        if not 1 <= number <= len(self.paragraphs):
            raise KeyError(f"paragraph {number} (the text has {len(self.paragraphs)})")
        return self.paragraphs[number - 1]

    def sentence(self, paragraph: int, number: int) -> Sentence:
        """Return sentence ``number`` of ``paragraph`` (both 1-based)."""
        sentences = self.paragraph(paragraph).sentences
        if not 1 <= number <= len(sentences):
            raise KeyError(f"sentence {number} of paragraph {paragraph} (it has {len(sentences)})")
        return sentences[number - 1]

    def all_sentences(self) -> list[Sentence]:
        """Every sentence of the body in reading order."""
        return [s for p in self.paragraphs for s in p.sentences]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes (what the sources table records), read with the cap."""
    return hashlib.sha256(read_file(path)).hexdigest()


def is_heading(line: str) -> bool:
    """A heading is a short line that does not end like a sentence."""
    stripped = line.strip()
    return len(stripped) <= HEADING_MAX_CHARS and not re.search(_SENTENCE_CLOSE, stripped)


def title_like(text: SourceText) -> list[Paragraph]:
    """Body paragraphs that read like a title or heading too long to be one: one or two
    sentences (a title may hold a full stop) that do not end like a sentence. Numbered as
    body text, they shift every reference after them, so the user is told before coding
    starts."""
    return [
        p
        for p in text.paragraphs
        if len(p.sentences) <= 2 and not re.search(_SENTENCE_CLOSE, p.text.strip())
    ]


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences at terminal punctuation before a capital."""
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        parts.append(text[start : match.end()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


@lru_cache(maxsize=16)
def parse_text(text: str, default_section: str = "Introduction") -> SourceText:
    """Split a whole text into numbered body paragraphs and sentences (cached by text)."""
    section, paragraphs = default_section, []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if is_heading(line):
            section = line
            continue
        footnote = _FOOTNOTE.search(line)
        body = line[: footnote.start()] if footnote else line
        number = len(paragraphs) + 1
        sentences = tuple(
            Sentence(number, i, s) for i, s in enumerate(split_sentences(body), start=1)
        )
        paragraphs.append(
            Paragraph(
                number, section, body, sentences, int(footnote.group(1)) if footnote else None
            )
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceText(digest, tuple(paragraphs))


def read_source(path: Path) -> SourceText:
    """Read and split a UTF-8 source text (the split is cached by content: it is pure); a
    link, a device, a FIFO or a file over the cap is refused (an OSError naming it)."""
    return parse_text(read_file(path).decode("utf-8"))


def ref_label(source_id: str, paragraph: int, sentence: int, with_source: bool = False) -> str:
    """The one way a passage is named: ``¶4 s3``, or ``asan-forum-2021 ¶4 s3`` when the data
    hold several sources (citations, tooltips, the passages appendix and every message that
    points at a sentence use it)."""
    label = f"¶{int(paragraph)} s{int(sentence)}"
    return f"{source_id} {label}" if with_source else label
