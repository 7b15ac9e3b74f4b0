"""The coding exercise as a page (``explore --exercise``): choices, Hand in, the class."""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from russian_views import cli
from russian_views.classroom.agreement import COMPARED, REFERENCE_PATH, compare
from russian_views.classroom.class_agreement import measure_class
from russian_views.explorer.coding_page import LABELS, CodingPage, code_list

from .test_explorer import ARTIFACTS, CHROMIUM, serving


def reference_rows() -> list[dict[str, str]]:
    with REFERENCE_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def page(dataset, tmp_path: Path) -> CodingPage:
    return CodingPage("asan-forum-2021", 8, tmp_path / "inbox", dataset)


def choose(page: CodingPage, rows: list[dict[str, str]]) -> None:
    for dropdowns, answer in zip(page.rows, rows, strict=True):
        for field, dropdown in dropdowns.items():
            dropdown.value = answer[field]


def test_each_sentence_offers_the_codebooks_choices_and_a_blank(page: CodingPage, dataset):
    assert len(page.rows) == len(dataset.texts["asan-forum-2021"].paragraphs[7].sentences)
    assert list(LABELS) == list(COMPARED)
    for field in (f for f in COMPARED if code_list(f)):
        offered = [value for _, value in page.rows[0][field].options]
        assert offered == ["", *dataset.codes(code_list(field))]
    actors = [value for _, value in page.rows[0]["subject_id"].options]
    assert sorted(actors[1:]) == sorted(dataset.actors["actor_id"]) and actors[0] == ""
    assert "Hostile" in str(page.widget.children)  # the definitions are on the page


def test_a_coding_handed_in_is_the_worksheet_agreement_reads(page: CodingPage, dataset):
    choose(page, reference_rows())
    assert page.hand_in() is None and "Type your name" in page.message.value
    page.name.value = "Anna Petrova"
    handed = page.hand_in()
    assert handed == page.inbox / "anna-petrova.csv" and "9 coded" in page.message.value
    result = compare(handed, REFERENCE_PATH, dataset)
    assert all(f.agreed == f.units for f in result.fields) and not result.disagreements
    # Never over a coding already handed in under the same name.
    before = handed.read_bytes()
    page.rows[0]["stance"].value = ""
    assert page.hand_in() is None and "handed in already" in page.message.value
    assert handed.read_bytes() == before


def test_blank_rows_are_sentences_left_uncoded(page: CodingPage, dataset):
    rows = reference_rows()
    choose(page, [r if i < 3 else dict.fromkeys(COMPARED, "") for i, r in enumerate(rows)])
    page.name.value = "Ben"
    handed = page.hand_in()
    assert "9 sentences, 3 coded" in page.message.value
    assert compare(handed, REFERENCE_PATH, dataset).uncoded["student"] == [
        ("asan-forum-2021", 8, n) for n in range(4, 10)
    ]


def test_a_class_handed_in_from_the_page_is_measured_together(page: CodingPage, dataset):
    rows = reference_rows()
    for name, slip in (("Anna", None), ("Ben", 1), ("Chen", 2)):
        answers = [dict(r) for r in rows]
        if slip is not None:
            answers[slip]["subject_id"] = "kim-jong-il"
        choose(page, answers)
        page.name.value = name
        assert page.hand_in() is not None
    result = measure_class(page.inbox, REFERENCE_PATH, dataset)
    assert result.names == ["anna", "ben", "chen"] and len(result.pairs) == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--exercise", "99", "--inbox", "x"], "paragraph must be a whole number from 1 to"),
        (["--exercise", "8"], "--exercise needs --inbox DIR"),
        (["--inbox", "x"], "--inbox goes with --exercise PARAGRAPH"),
        (["--exercise", "8", "--source", "nope", "--inbox", "x"], "unknown source 'nope'"),
    ],
)
def test_a_bad_exercise_is_refused_before_anything_is_served(argv, message, capsys):
    assert cli.main(["explore", "--no-browser", *argv]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "http" not in err


def hand_in_from_the_browser(url: str, inbox: Path) -> str:
    """A student's visit: code the first sentence, type a name, press Hand in."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.wait_for_selector(".rv-subject_id select", timeout=180_000)
        page.locator(".rv-view select").first.select_option(label="Russian view")
        page.locator(".rv-subject_id select").first.select_option(
            label="South Korean conservatives"
        )
        page.get_by_placeholder("e.g. Anna Petrova").fill("Dana Lee")
        page.get_by_role("button", name="Hand in").click()
        status = page.locator(".rv-status")
        status.filter(has_text="Handed in").wait_for(timeout=60_000)
        said = status.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "coding-page.png", full_page=True)
        browser.close()
    return said


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_a_student_hands_in_from_the_browser(tmp_path: Path, dataset):
    inbox = tmp_path / "inbox"
    argv = ("--exercise", "8", "--inbox", str(inbox))
    with serving(tmp_path, *argv) as (url, _, _), ThreadPoolExecutor(1) as pool:
        said = pool.submit(hand_in_from_the_browser, url, inbox).result()
    assert "Handed in as dana-lee.csv: 9 sentences, 1 coded" in said
    with (inbox / "dana-lee.csv").open(encoding="utf-8-sig", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert (first["view"], first["subject_id"]) == ("moscow", "south-korean-conservatives")
