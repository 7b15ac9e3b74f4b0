"""Every rendered briefing in a real browser: charts draw offline, no errors, nothing fetched.

Headless Chromium (Debian's, driven by Playwright without a browser download of its own)
opens each page from disk with every non-local request refused and recorded. Screenshots
land in ``tests/artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from russian_views.dataset.load import load_dataset
from russian_views.rendering import batch, render

from .conftest import made_once

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parent / "artifacts"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
# Flags that keep Chromium from phoning home on its own (updates, sync, safe browsing...),
# and a resolver that finds no host, should a request slip past the route below.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
ACTORS = ["north-korea", "south-korea", "united-states", "china"]
STEMS = [*ACTORS, "overview"]
# Count of drawn marks: each item of each mark group in the interactive view's SVG.
MARKS_JS = """figure => figure.querySelectorAll('.chart-view svg .role-mark > *').length"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (apt-get install chromium; CI installs it)",
    ),
]


@dataclass
class Visit:
    """What happened while a page was open: console errors and every request it made."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def pages(rendered: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every actor briefing and the overview as HTML: the shared render plus the other actors
    (rendered once per run, by one worker on one kernel)."""

    def make(folder: Path) -> None:
        data = load_dataset()
        missing = [
            render.actor_job(data, a) for a in ACTORS if not (rendered / f"{a}.html").exists()
        ]
        results = batch.render_batch(missing, data, folder, ("html",), workers=1)
        assert [r.error for r in results] == [None] * len(missing)

    out = made_once(tmp_path_factory, "browser", make)
    return {
        s: (rendered if (rendered / f"{s}.html").exists() else out) / f"{s}.html" for s in STEMS
    }


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


Opener = Callable[..., tuple[Page, Visit]]


@pytest.fixture
def open_offline(browser: Browser) -> Iterator[Opener]:
    """Opens a page with the network refused (only local URLs pass); closes it afterwards."""
    contexts = []

    def opener(path: Path, **context: object) -> tuple[Page, Visit]:
        visit = Visit()
        contexts.append(browser.new_context(**context))
        page = contexts[-1].new_page()
        page.route("**/*", _local_only)
        page.on("request", lambda request: visit.requests.append(request.url))
        page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: visit.errors.append(str(error)))
        page.goto(path.as_uri())
        return page, visit

    yield opener
    for context in contexts:
        context.close()


def _local_only(route: Route) -> None:
    if route.request.url.startswith(LOCAL_SCHEMES):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def wait_for_charts(page: Page) -> None:
    """Until every figure says it drew interactively (a failure shows in the assertions)."""
    done = (
        "[...document.querySelectorAll('figure.chart')].every(f => f.matches('.chart-interactive'))"
    )
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => {done}", timeout=20_000)


def data_rows(spec_json: str) -> int:
    """Rows in the largest dataset of a figure's spec: the fewest marks its chart can draw."""
    return max(len(rows) for rows in json.loads(spec_json)["datasets"].values())


@pytest.mark.parametrize("stem", STEMS)
def test_every_chart_draws_offline_without_errors(open_offline: Opener, pages: dict, stem: str):
    html = pages[stem].read_text("utf-8")
    page, visit = open_offline(pages[stem], viewport={"width": 1024, "height": 900})
    wait_for_charts(page)
    figures = page.locator("figure.chart")
    expected = html.count('<figure class="chart">')
    assert expected >= 2 and figures.count() == expected
    for i in range(expected):
        figure = figures.nth(i)
        spec = figure.locator("script.chart-spec").text_content() or ""
        assert "chart-interactive" in (figure.get_attribute("class") or ""), f"figure {i + 1}"
        assert figure.evaluate(MARKS_JS) >= data_rows(spec), f"figure {i + 1} drew too few marks"
        assert not figure.locator(".chart-static").is_visible(), "static SVG should give way"
    assert visit.errors == []
    assert [u for u in visit.requests if not u.startswith(LOCAL_SCHEMES)] == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True)


@pytest.mark.parametrize("stem", ["north-korea", "overview"])
def test_phone_width_has_no_sideways_scrolling_page(open_offline: Opener, pages: dict, stem: str):
    page, visit = open_offline(pages[stem], viewport={"width": 390, "height": 844}, is_mobile=True)
    wait_for_charts(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert visit.errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{stem}-phone.png", full_page=True)


def test_tooltip_shows_the_statement_and_its_reference(open_offline: Opener, pages: dict):
    page, _ = open_offline(pages["north-korea"], viewport={"width": 1024, "height": 900})
    wait_for_charts(page)
    spans = page.locator("figure.chart").last  # what each statement is about in time
    spans.scroll_into_view_if_needed()
    spans.locator(".chart-view .mark-rect.role-mark path").first.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    assert "Statement" in text and re.search(r"¶\d+ s\d+", text)


def test_without_scripts_the_static_charts_show(open_offline: Opener, pages: dict):
    page, _ = open_offline(pages["overview"], java_script_enabled=False)
    statics = page.locator("figure.chart .chart-static svg")
    assert statics.count() == 2
    assert all(statics.nth(i).bounding_box()["height"] > 100 for i in range(2))
