"""Paragraph and sentence splitting of the source text (derived, never hand-kept)."""

from __future__ import annotations

from pathlib import Path

from russian_views import config
from russian_views.dataset.sources import (
    is_heading,
    parse_text,
    read_source,
    sha256_of,
    split_sentences,
    title_like,
)

SOURCE = config.SOURCES_DIR / "asan-forum-2021.txt"
SHARED = config.PROJECT_ROOT.parent / "shared" / "sources" / "000_c93c3a6118bc3edc.txt"
SHA = "53bda1327c93b0d819f076a2ffba63e9a5d9007799e8156631a8ebb06972a1e9"


def test_project_copy_is_byte_identical_to_the_source():
    assert sha256_of(SOURCE) == SHA
    if SHARED.exists():
        assert SHARED.read_bytes() == SOURCE.read_bytes()


def test_text_splits_into_twelve_body_paragraphs_under_three_headings():
    text = read_source(SOURCE)
    assert len(text.paragraphs) == 12
    sections = [p.section for p in text.paragraphs]
    assert sections[:2] == ["Introduction"] * 2
    assert sections[2] == "North Korea"
    assert sections[7] == "South Korea"
    assert sections[-1] == "The Biden factor"
    assert len(text.all_sentences()) == 77


def test_footnote_markers_are_stripped_and_kept():
    text = read_source(SOURCE)
    assert {p.number: p.footnote for p in text.paragraphs if p.footnote} == {4: 1, 6: 2, 9: 3}
    assert text.sentence(4, 7).text.endswith("Korean affairs.")


def test_abbreviations_and_numbered_lists_do_not_end_sentences():
    text = read_source(SOURCE)
    assert (
        text.sentence(9, 8).text
        == "It does not respect Russia, conveying negative images, e.g. of crime."
    )
    assert "2) anticipated deepening tensions" in text.sentence(5, 1).text


def test_sentence_ending_inside_quotes():
    assert split_sentences("It is “neither peace, nor war.” All will gain.") == [
        "It is “neither peace, nor war.”",
        "All will gain.",
    ]


def test_headings_are_short_lines_without_final_punctuation():
    assert is_heading("The Biden factor")
    assert not is_heading("Seoul was blamed for reducing political ties.")


def test_sentences_reassemble_the_paragraph_exactly():
    for paragraph in read_source(SOURCE).paragraphs:
        assert " ".join(s.text for s in paragraph.sentences) == paragraph.text


def test_missing_sentence_raises_key_error_naming_it():
    text = parse_text("Heading\nOne. Two.")
    assert text.sentence(1, 2).text == "Two."
    try:
        text.sentence(1, 3)
    except KeyError as exc:
        assert "sentence 3 of paragraph 1" in str(exc)
    else:  # pragma: no cover - the assertion is the point
        raise AssertionError("expected KeyError")


def test_a_changed_file_is_read_afresh(tmp_path: Path):
    path = tmp_path / "t.txt"
    path.write_text("A sentence here.", encoding="utf-8")
    assert read_source(path).sentence(1, 1).text == "A sentence here."
    path.write_text("Another one. And more.", encoding="utf-8")
    assert read_source(path).sentence(1, 2).text == "And more."


def test_a_heading_is_at_most_sixty_characters():
    """The rule that decides every ¶ number: a 60-character line without final punctuation
    names a section; one character more and it is a numbered body paragraph."""
    sixty, sixty_one = "H" * 60, "H" * 61
    text = parse_text(f"{sixty}\nFirst body line.\n{sixty_one}\nSecond body line.")
    assert [p.text for p in text.paragraphs] == ["First body line.", sixty_one, "Second body line."]
    assert text.paragraph(1).section == sixty


def test_title_like_flags_short_unpunctuated_paragraphs_only():
    """Body text that reads like a title (one or two sentences, no final punctuation) is
    flagged; three sentences, or a full stop at the end, is ordinary body text."""
    long = "x" * 70  # every line too long for a heading, so numbered as body text
    text = parse_text(f"A {long}\nOne. Two {long}\nOne. Two. Three {long}\nOne. Two {long}.")
    assert [len(p.sentences) for p in text.paragraphs] == [1, 2, 3, 2]
    assert [p.number for p in title_like(text)] == [1, 2]


def test_a_paragraph_beyond_the_text_is_named_with_the_count():
    text = parse_text("Heading\nOne. Two.")
    try:
        text.paragraph(3)
    except KeyError as exc:
        assert str(exc) == "'paragraph 3 (the text has 1)'"
    else:  # pragma: no cover - the assertion is the point
        raise AssertionError("expected KeyError")
