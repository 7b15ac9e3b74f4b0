"""The coding exercise as a page (``explore --exercise``): choices, Hand in, the class."""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from russian_views import cli
from russian_views.classroom.agreement import REFERENCE_PATH, compare
from russian_views.classroom.class_agreement import measure_class
from russian_views.classroom.codings import COMPARED, code_list
from russian_views.classroom.inbox import NAME_MAX_CHARS, Inbox
from russian_views.explorer.coding_page import LABELS, CodingPage

from .test_explorer import ARTIFACTS, CHROMIUM, serving


def reference_rows() -> list[dict[str, str]]:
    with REFERENCE_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def page(dataset, tmp_path: Path) -> CodingPage:
    return CodingPage("asan-forum-2021", 8, Inbox.open(tmp_path / "inbox", create=True), dataset)


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
    assert handed == page.inbox.path / "anna-petrova.csv" and "9 coded" in page.message.value
    assert handed.stat().st_mode & 0o777 == 0o600
    result = compare(handed, REFERENCE_PATH, dataset)
    assert all(f.agreed == f.units for f in result.fields) and not result.disagreements
    # Handing in again asks first; keeping the first changes nothing.
    before = handed.read_bytes()
    page.rows[0]["stance"].value = "hostile"
    assert page.hand_in() is None and "Replace it with the choices" in page.message.value
    assert page.confirm.layout.display == "flex" and handed.read_bytes() == before
    page.cancel_button.click()
    assert handed.read_bytes() == before and page.confirm.layout.display == "none"
    # Confirmed, the correction replaces the hand-in.
    page.hand_in()
    page.replace_button.click()
    assert "Replaced anna-petrova.csv" in page.message.value
    assert compare(handed, REFERENCE_PATH, dataset).disagreements[0].student == "hostile"


def test_another_page_under_the_same_name_is_asked_before_replacing(dataset, tmp_path):
    inbox = Inbox.open(tmp_path / "inbox", create=True)
    first, second = (CodingPage("asan-forum-2021", 8, inbox, dataset) for _ in range(2))
    for page in (first, second):
        choose(page, reference_rows())
        page.name.value = "Anna"
    handed = first.hand_in()
    before = handed.read_bytes()
    second.rows[0]["stance"].value = "hostile"
    assert second.hand_in() is None and "If it is yours" in second.message.value
    assert handed.read_bytes() == before
    first.rows[1]["stance"].value = "critical"  # the first page corrects meanwhile
    first.hand_in()
    first.replace_button.click()
    second.replace_button.click()  # confirmed for the version shown, which is gone
    assert "changed since you were asked" in second.message.value
    assert compare(handed, REFERENCE_PATH, dataset).disagreements[0].key[2] == 2


def test_a_row_lacking_a_required_choice_is_marked_beside_it(page: CodingPage):
    page.name.value = "Anna"
    page.rows[2]["view"].value = "moscow"
    assert page.hand_in() is None
    assert "1 row lacks a required choice" in page.message.value and not list(
        page.inbox.path.iterdir()
    )
    note = page.row_notes[2].value
    assert "s3 needs About, Theme, Kind" in note and page.row_notes[0].value == ""
    for field, value in (("subject_id", "russia"), ("theme", "diplomacy")):
        page.rows[2][field].value = value
    assert "s3 needs Kind" in page.row_notes[2].value
    page.rows[2]["claim_kind"].value = "grievance"
    assert page.row_notes[2].value == ""
    assert page.hand_in() is not None


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("Анна Петрова", "анна-петрова.csv"),
        ("李 小龙", "李-小龙.csv"),
        ("🦊🌸", None),
        ("Pneumonoultramicroscopicsilicovolcanoconiosis" * 1 + "x", None),
    ],
)
def test_a_name_in_any_script_hands_in_and_is_kept_inside(page: CodingPage, dataset, name, file):
    choose(page, reference_rows())
    page.name.value = name
    handed = page.hand_in()
    assert handed is not None, page.message.value
    if file:
        assert handed.name == file
    assert 1 < len(handed.stem) <= 48
    with handed.open(encoding="utf-8-sig", newline="") as handle:
        assert {row["coder"] for row in csv.DictReader(handle)} == {name}


def test_a_huge_name_is_refused_with_a_reason_and_later_hand_ins_work(page: CodingPage):
    choose(page, reference_rows())
    page.name.value = "x" * 10_000_000
    assert page.hand_in() is None
    assert f"at most {NAME_MAX_CHARS}" in page.message.value and "10,000,000" in page.message.value
    assert not list(page.inbox.path.iterdir())
    page.name.value = "Anna"
    assert page.hand_in() is not None


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
    result = measure_class(page.inbox.path, REFERENCE_PATH, dataset)
    assert result.names == ["Anna", "Ben", "Chen"] and len(result.pairs) == 3


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


def choose_in_browser(page, dataset, row: int, answers: dict[str, str]) -> None:
    """Choose these codes (by the labels the page shows) in one sentence's row."""
    for field, value in answers.items():
        codes = code_list(field)
        actors = dataset.actors.set_index("actor_id")["name"]
        label = dataset.label(codes, value) if codes else actors[value]
        page.locator(f".rv-{field} select").nth(row).select_option(label=label)


def status_says(page, text: str) -> str:
    status = page.locator(".rv-status")
    status.filter(has_text=text).wait_for(timeout=60_000)
    return status.inner_text()


def two_students_in_the_browser(url: str, dataset) -> dict[str, str]:
    """Two students in two browser contexts: one hands in, corrects and hands in again
    (confirming); the other pastes a huge name, hands in a row lacking choices, then
    completes it. What each page said, step by step; screenshots in tests/artifacts."""
    from playwright.sync_api import sync_playwright

    said = {}
    first_row = {"view": "moscow", "subject_id": "south-korean-conservatives"}
    completed = {"theme": "inter-korean", "claim_kind": "grievance"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        anna, dana = (
            browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            for _ in range(2)
        )
        for page in (anna, dana):
            page.goto(url)
            page.wait_for_selector(".rv-subject_id select", timeout=180_000)
        ARTIFACTS.mkdir(exist_ok=True)
        choose_in_browser(anna, dataset, 0, first_row | completed)
        anna.get_by_placeholder("e.g. Anna Petrova").fill("Анна Петрова")
        anna.get_by_role("button", name="Hand in").click()
        said["anna"] = status_says(anna, "Handed in as")
        # Dana pastes 10 MB into the name: cut in the browser, the connection kept.
        dana.get_by_placeholder("e.g. Anna Petrova").fill("x" * 10_000_000)
        dana.get_by_role("button", name="Hand in").click()
        said["paste"] = status_says(dana, "characters long")
        dana.get_by_placeholder("e.g. Anna Petrova").fill("Dana Lee")
        choose_in_browser(dana, dataset, 0, first_row)
        dana.get_by_role("button", name="Hand in").click()
        said["lacking"] = status_says(dana, "a required choice")
        said["row"] = dana.locator(".rv-row-note").first.inner_text()
        dana.locator(".rv-row-note").first.scroll_into_view_if_needed()
        dana.screenshot(path=ARTIFACTS / "coding-page-row-lacking.png")
        choose_in_browser(dana, dataset, 0, completed)
        dana.get_by_role("button", name="Hand in").click()
        said["dana"] = status_says(dana, "Handed in as")
        # Anna corrects her stance and hands in again: asked first, then replaced.
        choose_in_browser(anna, dataset, 0, {"stance": "hostile"})
        anna.get_by_role("button", name="Hand in").click()
        said["asked"] = status_says(anna, "Replace it with")
        anna.get_by_role("button", name="Replace it").scroll_into_view_if_needed()
        anna.screenshot(path=ARTIFACTS / "coding-page-replace.png")
        anna.get_by_role("button", name="Replace it").click()
        said["replaced"] = status_says(anna, "Replaced")
        anna.locator(".rv-status").scroll_into_view_if_needed()
        anna.screenshot(path=ARTIFACTS / "coding-page.png")
        browser.close()
    return said


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_two_students_hand_in_correct_and_hand_in_again_from_the_browser(tmp_path, dataset):
    inbox = tmp_path / "inbox"
    argv = ("--exercise", "8", "--inbox", str(inbox))
    with serving(tmp_path, *argv) as (url, _, _), ThreadPoolExecutor(1) as pool:
        said = pool.submit(two_students_in_the_browser, url, dataset).result()
    assert "Handed in as анна-петрова.csv: 9 sentences, 1 coded" in said["anna"]
    assert "is 1,000 characters long; type at most 80" in said["paste"]
    assert "s1 needs Theme, Kind" in said["row"]
    assert "Handed in as dana-lee.csv" in said["dana"]
    assert "Replaced анна-петрова.csv" in said["replaced"]
    assert sorted(p.name for p in inbox.iterdir()) == ["dana-lee.csv", "анна-петрова.csv"]
    with (inbox / "анна-петрова.csv").open(encoding="utf-8-sig", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert (first["coder"], first["stance"], first["theme"]) == (
        "Анна Петрова",
        "hostile",
        "inter-korean",
    )
