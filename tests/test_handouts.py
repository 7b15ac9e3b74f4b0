"""What a class is handed: the printed handouts, the answer keys and the instructor's guide.

A handout goes to every student, so it must never carry the instructor's machine (a local
path says where the instructor keeps the class's files and means nothing on a student's
laptop); the student handout must fit one printed A4 page; every answer key must be the
project's own coding, so that it cannot drift from the data unnoticed; and every quotation
the guide prints must be verbatim in the sentence it cites, as every quotation a briefing
prints is.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import tempfile
from pathlib import Path

import papermill
import pytest

from russian_views import config
from russian_views.classroom.coding import CLAIM_FIELDS, LOCATION
from russian_views.classroom.codings import COMPARED

EXERCISES = config.NOTEBOOKS_DIR / "exercises"
ANSWER_KEYS = config.DATA_DIR / "exercises"
GUIDE = config.PROJECT_ROOT / "docs" / "teaching.md"
P2_REFERENCE = ANSWER_KEYS / "asan-forum-2021-p2-reference.csv"
# An absolute path in text: a slash not inside a word, a URL or a closing tag, then at
# least one folder (``/tmp/x``, ``/home/anna/class``); ``C:\`` for Windows.
ABSOLUTE = re.compile(r"(?<![\w.:/<-])/(?:[\w.-]+/)+[\w.-]*|\b[A-Za-z]:\\")
HANDOUTS = [
    pytest.param("student_handout", {}, id="student_handout"),
    pytest.param(
        "code_a_passage",
        {"paragraph": 8},
        id="code_a_passage-student",
    ),
    pytest.param(
        "code_a_passage",
        {"paragraph": 2, "reference_file": str(P2_REFERENCE), "edition": "instructor"},
        id="code_a_passage-instructor-p2",
    ),
]


def rendered(name: str, parameters: dict, tmp_path: Path) -> Path:
    """The handout executed as an instructor runs it (papermill, the project's kernel)."""
    if name == "code_a_passage":
        parameters = {"worksheet_dir": str(tmp_path / "class"), **parameters}
    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(
        str(EXERCISES / f"{name}.ipynb"),
        str(out),
        parameters=parameters,
        kernel_name=config.KERNEL_NAME,
        progress_bar=False,
    )
    return out


def local_paths(html: str, tmp_path: Path) -> list[str]:
    """Every local path the page shows: the machine's known folders, and anything shaped
    like an absolute path."""
    known = {
        str(config.PROJECT_ROOT),
        str(tmp_path),
        tempfile.gettempdir(),
        str(Path.home()),
        sys.prefix,
        "/work",
        "/home",
        "/tmp",
    }
    return sorted({k for k in known if k in html} | set(ABSOLUTE.findall(html)))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "parameters"), HANDOUTS)
def test_no_handout_prints_a_local_path(name, parameters, tmp_path):
    from russian_views.rendering.exporters import BriefingHTMLExporter

    html, _ = BriefingHTMLExporter().from_filename(str(rendered(name, parameters, tmp_path)))
    assert "<h1" in html  # the handout itself, not an empty page
    assert local_paths(html, tmp_path) == []


def test_the_path_check_finds_what_a_handout_must_not_show(tmp_path):
    """The check above, on the strings it must catch and the ones it must let pass."""
    for shown in (f"written to {tmp_path / 'class'}", "in /srv/class/", "<p>C:\\Users\\anna</p>"):
        assert local_paths(shown, Path("/nowhere")), shown
    page = "<p>Open <code>http://192.168.1.20:8866/?token=7c1e</code></p><br/><a href='#p8'>"
    assert local_paths(page, Path("/nowhere")) == []


@pytest.mark.slow
def test_the_student_handout_prints_on_one_a4_page(tmp_path):
    import pypdf

    from russian_views.rendering.exporters import BriefingPDFExporter

    pdf, _ = BriefingPDFExporter().from_filename(str(rendered("student_handout", {}, tmp_path)))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    for needed in ("token", "CSV UTF-8", "key judgments", "Annex", "your name"):
        assert needed in text, needed
    assert "tag(" not in text  # no code shown


@pytest.mark.slow
@pytest.mark.parametrize("paragraph", [2, 8, 12])
def test_no_exercise_handout_ends_on_a_near_empty_page(paragraph, tmp_path):
    """A printed handout never ends on a page holding a line or two (the ¶8 handout once
    put two lines on a fourth page): every page carries at least a few lines besides its
    running header and page number."""
    import pypdf

    from russian_views.rendering.exporters import BriefingPDFExporter

    notebook = rendered("code_a_passage", {"paragraph": paragraph}, tmp_path)
    pdf, _ = BriefingPDFExporter().from_filename(str(notebook))
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith(("Coding exercise", "Page "))]
        assert len(body) >= 6, (number, len(pages), body)


# ---------------------------------------------------------------- the answer keys


def rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as text, exactly as written (a spreadsheet's BOM dropped)."""
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


def coded(table: str, source_id: str, paragraph: str) -> list[dict[str, str]]:
    """The project's rows of ``table`` (claims, uncoded) citing a paragraph, in file order."""
    return [
        r
        for r in rows(config.DATA_DIR / f"{table}.csv")
        if (r["source_id"], r["paragraph"]) == (source_id, paragraph)
    ]


REFERENCES = sorted(ANSWER_KEYS.glob("*reference.csv"))
FILLED = sorted(p for p in ANSWER_KEYS.glob("*.csv") if p not in REFERENCES)


def test_the_answer_keys_cover_at_least_three_paragraphs():
    paragraphs = {(r["source_id"], r["paragraph"]) for p in REFERENCES for r in rows(p)}
    assert len(paragraphs) >= 3 and ("asan-forum-2021", "8") in paragraphs
    made = {(r["source_id"], r["paragraph"]) for p in FILLED for r in rows(p)}
    assert made == paragraphs - {("asan-forum-2021", "8")}, "each new key has its worksheet"


@pytest.mark.parametrize("path", REFERENCES, ids=lambda p: p.name)
def test_each_reference_codes_each_sentence_with_the_projects_first_claim(path, dataset):
    """The main claim of a sentence is the first one claims.csv records for it; a sentence
    the project leaves uncoded is uncoded in the reference, with the project's reason."""
    for row in rows(path):
        here = (row["source_id"], row["paragraph"])
        claims = [c for c in coded("claims", *here) if c["sentence"] == row["sentence"]]
        where = f"{path.name} ¶{row['paragraph']} s{row['sentence']}"
        if claims:
            assert {f: row[f] for f in COMPARED} == {f: claims[0][f] for f in COMPARED}, where
        else:
            (uncoded,) = [u for u in coded("uncoded", *here) if u["sentence"] == row["sentence"]]
            assert [row[f] for f in COMPARED] == [""] * len(COMPARED), where
            assert (row["reason"], row["note"]) == (uncoded["reason"], uncoded["note"]), where
        text = dataset.sentence_text(row["source_id"], row["paragraph"], row["sentence"])
        assert row["sentence_text"] == text, where


@pytest.mark.parametrize("path", FILLED, ids=lambda p: p.name)
def test_each_filled_worksheet_holds_the_projects_whole_coding_of_its_paragraph(path):
    """One row per claim of claims.csv, field for field and in its order, and one per
    sentence left uncoded: the full answer key the reference was made from."""
    sheet = rows(path)
    here = (sheet[0]["source_id"], sheet[0]["paragraph"])
    fields = ("claim_id", *LOCATION, *CLAIM_FIELDS)
    claims = [{f: r[f] for f in fields} for r in sheet if r["claim_id"]]
    assert claims == [{f: c[f] for f in fields} for c in coded("claims", *here)]
    uncoded = [(r["sentence"], r["reason"], r["note"]) for r in sheet if not r["claim_id"]]
    assert uncoded == [(u["sentence"], u["reason"], u["note"]) for u in coded("uncoded", *here)]


# ---------------------------------------------------------------- the guide

QUOTED = re.compile(r"“([^“”]+)”\s*\[¶(\d+) s(\d+)\]")


def test_every_quote_in_the_guide_is_verbatim_in_the_sentence_it_cites(dataset):
    source = dataset.tables["sources"]["source_id"].iloc[0]
    found = QUOTED.findall(GUIDE.read_text("utf-8"))
    assert len(found) >= 20  # the answer keys quote the source throughout
    for quote, paragraph, sentence in found:
        words = " ".join(quote.split()).rstrip(",.")  # Markdown reads a line break as a space
        text = dataset.sentence_text(source, int(paragraph), int(sentence))
        assert words in text, (words, f"¶{paragraph} s{sentence}", text)


def test_the_guides_forecast_answer_covers_every_status_the_briefing_shows(dataset):
    """The ¶12 step's model answer names every forecast status of the codebook (the
    briefing prints their labels) and the status of a forecast not yet checked."""
    text = GUIDE.read_text("utf-8")
    step = text[text.index("### 5. Forecasts: ¶12 in pairs") : text.index("### 6. ")]
    answer = step[step.index("*What can the status of a forecast") :]
    answer = " ".join(answer[: answer.index("\n- *", 1)].split())
    for code in [*dataset.codes("forecast_status"), "unchecked"]:
        assert f"`{code}`" in answer or f"**{dataset.label('forecast_status', code)}**" in answer, (
            code
        )


def guide_papermill_commands() -> list[str]:
    """Every papermill command line the guide gives the instructor (continuations joined)."""
    text = GUIDE.read_text("utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if ".venv/bin/papermill" in line]


def test_the_guide_makes_every_handout_on_the_projects_engine():
    commands = guide_papermill_commands()
    assert len(commands) >= 5
    assert all("papermill --engine russian-views " in c for c in commands), commands


@pytest.mark.slow
def test_a_handout_is_made_without_kernel_warnings(tmp_path):
    """The guide's command for the ¶8 handout prints papermill's progress and nothing from
    the kernel: no "running over TCP without encryption", no interrupt at the end."""
    import subprocess

    command = next(c for c in guide_papermill_commands() if "-p paragraph $p" in c)
    argv = command.replace("for p in 2 8 12; do", "").split()
    argv = [a.replace("$p", "8").replace("~/class", str(tmp_path)) for a in argv]
    argv[0] = str(Path(sys.executable).parent / "papermill")
    done = subprocess.run(
        [*argv, "--no-progress-bar"],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "without encryption" not in done.stderr and "KeyboardInterrupt" not in done.stderr
    assert "WARNING" not in done.stderr and "ERROR" not in done.stderr
    assert (tmp_path / "p8.ipynb").is_file()
