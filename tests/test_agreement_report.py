"""The agreement report as the teacher reads it, word for word, and what each alpha is
said to mean.

The two codings below are fixtures written for these tests (not anyone's real answers):
a reference and a student's coding of ¶5 and ¶10, chosen so that one small report shows
every kind of line: an undefined alpha, a field never compared, stance on the codebook's
ordinal scale too, a worse-than-chance field, perfect agreement, sentences left uncoded
on both sides and a claim field left out where the subjects differ. The sentences' own
text is the source's, so the expected report takes it from the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import krippendorff
import pytest

from russian_views.classroom.agreement import Agreement, FieldAgreement, compare, measure
from russian_views.classroom.codings import COMPARED
from russian_views.dataset.load import Dataset

HEADER = "source_id,paragraph,sentence,view,subject_id,counterpart_id,theme,stance,claim_kind\n"
# Fixture: the reference, leaving ¶10 s3 uncoded.
KEY = HEADER + (
    "asan-forum-2021,5,1,moscow,russia,north-korea,nuclear,critical,grievance\n"
    "asan-forum-2021,5,2,moscow,south-korea,russia,nuclear,hostile,assessment\n"
    "asan-forum-2021,5,3,moscow,north-korea,russia,nuclear,critical,grievance\n"
    "asan-forum-2021,10,1,moscow,china,russia,nuclear,critical,expectation\n"
    "asan-forum-2021,10,2,moscow,united-states,russia,sanctions,hostile,grievance\n"
    "asan-forum-2021,10,3,,,,,,\n"
)
# Fixture: the student, with no counterpart anywhere, critical and hostile swapped, another
# subject on ¶10 s1 (so its theme is not compared) and ¶10 s2 and s3 left uncoded.
ANNA = HEADER + (
    "asan-forum-2021,5,1,moscow,russia,,nuclear,hostile,grievance\n"
    "asan-forum-2021,5,2,moscow,south-korea,,nuclear,critical,assessment\n"
    "asan-forum-2021,5,3,moscow,north-korea,,nuclear,hostile,grievance\n"
    "asan-forum-2021,10,1,moscow,russia,,diplomacy,critical,expectation\n"
    "asan-forum-2021,10,2,,,,,,\n"
    "asan-forum-2021,10,3,,,,,,\n"
)
ROWS = [
    ("view", "4/4 100%", "undefined"),
    ("subject_id", "3/4 75%", "0.696  no label: under 20 units"),
    ("counterpart_id", "not compared", "-"),
    ("theme", "3/3 100%", "undefined"),
    ("stance", "0/3 0%", "-0.667  no label: under 20 units"),
    ("stance (ordinal)", "", "-0.667  no label: under 20 units"),
    ("claim_kind", "3/3 100%", "1.000  no label: under 20 units"),
]
MEANINGS = [
    "undefined: every answer is moscow, and agreement needs variation to measure",
    "70% of the way from chance agreement (18%) to perfect agreement",
    "no sentence to compare",
    "undefined: every answer is nuclear, and agreement needs variation to measure",
    "worse than chance: the codings differ more than random answers would",
    "on the codebook's ordered scale, where a near miss costs less",
    "perfect agreement",
]
NOTES = [
    "Left uncoded in anna.csv (¶10 s2, ¶10 s3): missing data, not scored on any field.",
    "Left uncoded in key.csv (¶10 s3): missing data, not scored on any field.",
    "counterpart_id, theme, stance, claim_kind are compared only on the 3 sentences (of 4 "
    "coded by both) where both chose the same subject: they describe a claim about that "
    "subject, and a stance toward another actor is another claim.",
    "Only 6 sentences: too few to judge reliability (at least 20 are needed). One "
    "disagreement moves alpha a lot, so no label is given. Use the numbers to start the "
    "discussion, not to grade.",
    "A blank is missing data: a field either coding left blank is not compared on that "
    "sentence, and is never a disagreement.",
    "Krippendorff's alpha measures agreement beyond chance: 1 is perfect agreement, 0 is no "
    "better than two coders answering at random with the same mix of codes, below 0 is "
    "worse. Raw agreement can be high while alpha is 0: when one code dominates, chance "
    "alone agrees that often. Convention (Krippendorff 2004): at least 0.800 to rely on a "
    "coding, at least 0.667 for tentative conclusions only, judged on at least 20 units.",
]
DISAGREEMENTS = [
    ("¶5 s1", "stance", "hostile", "critical"),
    ("¶5 s2", "stance", "critical", "hostile"),
    ("¶5 s3", "stance", "hostile", "critical"),
    ("¶10 s1", "subject_id", "russia", "china"),
]


def report(tmp_path: Path, dataset: Dataset) -> Agreement:
    (tmp_path / "key.csv").write_text(KEY, encoding="utf-8")
    (tmp_path / "anna.csv").write_text(ANNA, encoding="utf-8")
    return compare(tmp_path / "anna.csv", tmp_path / "key.csv", dataset)


def text_of(dataset: Dataset, where: str) -> str:
    """The source's sentence at ``¶P sS`` (the disagreements list prints it)."""
    paragraph, sentence = where.strip("¶").split(" s")
    return dataset.sentence_text("asan-forum-2021", int(paragraph), int(sentence))


def test_the_text_report_reads_exactly_so(tmp_path: Path, dataset: Dataset):
    result = report(tmp_path, dataset)
    s = {where: text_of(dataset, where) for where, *_ in DISAGREEMENTS}
    assert result.text() == (
        "Agreement of anna.csv with key.csv: 6 sentences "
        "(asan-forum-2021 ¶5, asan-forum-2021 ¶10)\n"
        "\n"
        "field              agreement     alpha\n"
        "view               4/4 100%      undefined\n"
        "                     undefined: every answer is moscow, and agreement needs variation to\n"
        "                     measure\n"
        "subject_id         3/4 75%       0.696  no label: under 20 units\n"
        "                     70% of the way from chance agreement (18%) to perfect agreement\n"
        "counterpart_id     not compared  -\n"
        "                     no sentence to compare\n"
        "theme              3/3 100%      undefined\n"
        "                     undefined: every answer is nuclear, and agreement needs variation\n"
        "                     to measure\n"
        "stance             0/3 0%        -0.667  no label: under 20 units\n"
        "                     worse than chance: the codings differ more than random answers\n"
        "                     would\n"
        "stance (ordinal)                 -0.667  no label: under 20 units\n"
        "                     on the codebook's ordered scale, where a near miss costs less\n"
        "claim_kind         3/3 100%      1.000  no label: under 20 units\n"
        "                     perfect agreement\n"
        "\n"
        "Left uncoded in anna.csv (¶10 s2, ¶10 s3): missing data, not scored on any field.\n"
        "\n"
        "Left uncoded in key.csv (¶10 s3): missing data, not scored on any field.\n"
        "\n"
        "counterpart_id, theme, stance, claim_kind are compared only on the 3 sentences (of 4\n"
        "coded by both) where both chose the same subject: they describe a claim about that\n"
        "subject, and a stance toward another actor is another claim.\n"
        "\n"
        "Only 6 sentences: too few to judge reliability (at least 20 are needed). One\n"
        "disagreement moves alpha a lot, so no label is given. Use the numbers to start the\n"
        "discussion, not to grade.\n"
        "\n"
        "A blank is missing data: a field either coding left blank is not compared on that\n"
        "sentence, and is never a disagreement.\n"
        "\n"
        "Krippendorff's alpha measures agreement beyond chance: 1 is perfect agreement, 0 is no\n"
        "better than two coders answering at random with the same mix of codes, below 0 is worse.\n"
        "Raw agreement can be high while alpha is 0: when one code dominates, chance alone agrees\n"
        "that often. Convention (Krippendorff 2004): at least 0.800 to rely on a coding, at least\n"
        "0.667 for tentative conclusions only, judged on at least 20 units.\n"
        "\n"
        "4 disagreements\n"
        "  ¶5 s1    stance         anna.csv: hostile                key.csv: critical\n"
        f"           {s['¶5 s1']}\n"
        "  ¶5 s2    stance         anna.csv: critical               key.csv: hostile\n"
        f"           {s['¶5 s2']}\n"
        "  ¶5 s3    stance         anna.csv: hostile                key.csv: critical\n"
        f"           {s['¶5 s3']}\n"
        "  ¶10 s1   subject_id     anna.csv: russia                 key.csv: china\n"
        f"           {s['¶10 s1']}"
    )
    # The numbers behind it: alpha as the krippendorff package computes it (the subject's
    # by hand: 1 - 7 * 2 / (8² - 3² - 2² - 2² - 1²) = 32/46), stance on the codebook's scale
    # too; a field not on a scale has no ordinal alpha.
    fields = {f.field: f for f in result.fields}
    assert fields["subject_id"].alpha == pytest.approx(32 / 46)
    anna, key = ["hostile", "critical", "hostile"], ["critical", "hostile", "critical"]
    nominal = krippendorff.alpha(
        reliability_data=[[int(v == "hostile") for v in anna], [int(v == "hostile") for v in key]],
        level_of_measurement="nominal",
    )
    scale = dataset.scores("stance")
    ordinal = krippendorff.alpha(
        reliability_data=[[scale[v] for v in anna], [scale[v] for v in key]],
        level_of_measurement="ordinal",
        value_domain=sorted(scale.values()),
    )
    assert fields["stance"].alpha == pytest.approx(nominal)
    assert fields["stance"].ordinal_alpha == pytest.approx(ordinal)
    assert [f for f in COMPARED if fields[f].ordinal_alpha is not None] == ["stance"]


@dataclass
class Table:
    """A table of a report, as text."""

    caption: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class Page(HTMLParser):
    """An HTML report as its reader sees it: each table's caption, headers and cells, and
    the notes, as text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.notes: list[str] = []
        self._text: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(Table())
        elif tag == "tr":
            self.tables[-1].rows.append([])
        if tag in ("caption", "th", "td") or (tag == "p" and ("class", "note") in attrs):
            self._text = ""

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        text, self._text = self._text, None
        if tag == "caption":
            self.tables[-1].caption = text or ""
        elif tag == "th":
            self.tables[-1].headers.append(text or "")
        elif tag == "td":
            self.tables[-1].rows[-1].append(text or "")
        elif tag == "p" and text is not None:
            self.notes.append(text)
        elif tag == "table":  # the header's row holds no cell
            self.tables[-1].rows = [row for row in self.tables[-1].rows if row]


def test_the_html_report_shows_the_same_table_notes_and_disagreements(
    tmp_path: Path, dataset: Dataset
):
    page = Page(report(tmp_path, dataset).html())
    assert page.tables == [
        Table(
            "anna.csv against key.csv: 6 sentences",
            ["field", "agreement", "alpha", "what it means"],
            [[*row, meaning] for row, meaning in zip(ROWS, MEANINGS, strict=True)],
        ),
        Table(
            "4 disagreements",
            ["sentence", "field", "anna.csv", "key.csv", "text"],
            [[*d, text_of(dataset, d[0])] for d in DISAGREEMENTS],
        ),
    ]
    assert page.notes == NOTES


def view_agreement(dataset: Dataset, pairs: list[tuple[str, str]]) -> FieldAgreement:
    """The view field of two codings that give these answers, sentence by sentence (on
    the source's first sentences; the other fields left blank)."""
    sentences = dataset.texts["asan-forum-2021"].all_sentences()[: len(pairs)]
    keys = [("asan-forum-2021", s.paragraph, s.number) for s in sentences]
    blank = dict.fromkeys(COMPARED)
    ours = {k: blank | {"view": a} for k, (a, _) in zip(keys, pairs, strict=True)}
    theirs = {k: blank | {"view": b} for k, (_, b) in zip(keys, pairs, strict=True)}
    return measure(ours, theirs, ("anna", "boris"), dataset).fields[0]


MOSCOW, REVIEWER = ("moscow", "moscow"), ("reviewer", "reviewer")
ONE_WAY, OTHER_WAY = ("moscow", "reviewer"), ("reviewer", "moscow")


@pytest.mark.parametrize(
    ("pairs", "meaning"),
    [
        # Half agree, and half of the answers are moscow: no code dominates, so the
        # reading names the chance level, not a dominant code (alpha 0.042).
        (
            [MOSCOW] * 3 + [REVIEWER] * 3 + [ONE_WAY] * 3 + [OTHER_WAY] * 3,
            "no better than chance: 50% agree, about what chance alone gives (48%)",
        ),
        # Exactly half agree, and moscow is 3 of 4 answers: the dominant code explains it.
        (
            [MOSCOW, ONE_WAY],
            "no better than chance although 50% agree: moscow is 3 of the 4 answers, so "
            "chance alone agrees 50% of the time",
        ),
    ],
)
def test_what_an_alpha_near_zero_is_said_to_mean(dataset: Dataset, pairs, meaning):
    view = view_agreement(dataset, pairs)
    first, second = zip(*pairs, strict=True)
    codes = ["moscow", "reviewer"]
    expected = krippendorff.alpha(
        reliability_data=[[codes.index(v) for v in first], [codes.index(v) for v in second]],
        level_of_measurement="nominal",
    )
    assert view.alpha == pytest.approx(expected) and abs(view.alpha) < 0.05
    assert view.meaning() == meaning


def test_no_better_than_chance_means_within_five_hundredths_of_zero():
    """The reading turns at |alpha| = 0.05; only alpha is set here (on answers like those
    above), as a value that exact seldom comes out of real codings."""
    answers = ("a", "b") * 4
    assert FieldAgreement("theme", 2, 4, 0.05, answers).meaning() == (
        "5% of the way from chance agreement (43%) to perfect agreement"
    )
    assert FieldAgreement("theme", 2, 4, -0.05, answers).meaning() == (
        "worse than chance: the codings differ more than random answers would"
    )


def test_a_near_perfect_coding_is_not_called_perfect():
    """Alpha rounds up toward 1 on many sentences, but one disagreement is not perfect
    agreement (it was called so above 0.999)."""
    first = ["a", "b"] * 1000
    second = [*first[:-1], "a"]
    alpha = krippendorff.alpha(
        reliability_data=[[ord(v) for v in first], [ord(v) for v in second]],
        level_of_measurement="nominal",
    )
    assert alpha > 0.999
    near = FieldAgreement("theme", 1999, 2000, alpha, (*first, *second))
    assert near.meaning() == "100% of the way from chance agreement (50%) to perfect agreement"
    assert FieldAgreement("theme", 4, 4, 1.0, ("a", "b") * 4).meaning() == "perfect agreement"
