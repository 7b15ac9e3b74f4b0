"""The classroom set-up: JupyterLab and the project's kernel, and the briefing explorer.

The explorer is tested in this process (controls, redraw, the page it draws) and in real
Chromium against ``russian-views explore``: change the actor and the period, see the new
briefing, save it, with every request outside the local server refused and recorded, and
no process left once the server stops.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import papermill
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from russian_views import cli, config, spec
from russian_views.explorer import NOTEBOOK, voila_command
from russian_views.params import Period, actor_years, briefing_actors
from russian_views.rendering import batch, render

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parent / "artifacts"
NOTEBOOKS = [*sorted(config.NOTEBOOKS_DIR.glob("**/*.ipynb")), NOTEBOOK]
# Altair names a chart's views after a hash of its data's text form, which pandas prints
# differently inside and outside a kernel; the names are internal to each chart's spec.
VIEW_NAME = re.compile(r"view_[0-9a-f]{16}")


# ---------------------------------------------------------------- JupyterLab and the kernel


def test_jupyterlab_runs_in_the_environment():
    result = subprocess.run(
        [BIN / "jupyter", "lab", "--version"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and re.fullmatch(r"4\.\d+\.\d+\s*", result.stdout)


def test_the_project_kernel_is_installed_in_this_environment():
    spec = KernelSpecManager().get_kernel_spec(config.KERNEL_NAME)
    assert Path(spec.resource_dir).is_relative_to(sys.prefix)
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_opens_on_the_project_kernel(path: Path):
    kernelspec = json.loads(path.read_text("utf-8"))["metadata"]["kernelspec"]
    assert kernelspec["name"] == config.KERNEL_NAME
    KernelSpecManager().get_kernel_spec(kernelspec["name"])  # raises if it does not resolve


def test_makefile_installs_the_kernel_the_package_names():
    makefile = (config.PROJECT_ROOT / "Makefile").read_text("utf-8")
    assert f"KERNEL := {config.KERNEL_NAME}\n" in makefile
    assert "ipykernel install --sys-prefix --name $(KERNEL)" in makefile
    # Kernels of JupyterLab and the explorer talk over Unix sockets: no TCP port other users
    # reach, and no "running over TCP without encryption" warning.
    lab = subprocess.run(
        ["make", "-n", "lab", "PORT=9", "NO_BROWSER=1"],
        cwd=config.PROJECT_ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "--KernelManager.transport=ipc" in lab and "--port=9 --no-browser" in lab
    assert "--KernelManager.transport=ipc" in voila_command(8866, open_browser=False)


def test_jupyterlab_greets_nobody_with_a_news_pop_up():
    """`make install` turns JupyterLab's announcements plugin off in .venv (page_config.json,
    the file `jupyter labextension disable` writes), so a class is not asked about news."""
    from jupyterlab.labapp import LabApp
    from jupyterlab_server.config import get_page_config

    page = get_page_config([str(Path(sys.prefix) / "etc" / "jupyter")], LabApp().app_settings_dir)
    assert "@jupyterlab/apputils-extension:announcements" in page["disabledExtensions"]


# ---------------------------------------------------------------- the explorer, in-process


def test_explorer_notebook_is_thin_and_clean():
    nb = json.loads(NOTEBOOK.read_text("utf-8"))
    (cell,) = nb["cells"]
    assert cell["outputs"] == [] and cell["execution_count"] is None
    tree = ast.parse("".join(cell["source"]))
    assert [type(node) for node in tree.body] == [ast.ImportFrom, ast.Expr]


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory):
    """The explorer's widgets, without a browser (its chart bundle cached in a tmp folder)."""
    from russian_views.explorer.app import Explorer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "CACHE_DIR", tmp_path_factory.mktemp("cache"))
        yield Explorer(out_dir=tmp_path_factory.mktemp("explorer-reports"))


def test_a_control_for_every_briefing_parameter(explorer, dataset):
    assert list(explorer.inputs) == list(papermill.inspect_notebook(str(config.ACTOR_NOTEBOOK)))
    actors = [value for _, value in explorer.controls["actor"].choices]
    assert actors == list(briefing_actors(dataset)["actor_id"])
    span = actor_years(dataset, "north-korea")  # the first actor's own years
    assert [y for _, y in explorer.controls["since"].choices] == list(
        range(span.since, span.until + 1)
    )
    assert len(explorer.inputs["themes"].children) == len(dataset.codes("theme"))
    # The controls start at the notebook's defaults, so the first page is the default briefing.
    assert explorer.job() == render.actor_job(dataset, "north-korea")


def _stale(explorer) -> bool:
    """Whether the page shows its briefing greyed out with Save off (and says so once)."""
    greyed = "rv-stale" in explorer.frame._dom_classes
    off = {button.disabled for button in explorer.saves}
    assert off == {greyed}, "Save is off exactly while the briefing is greyed out"
    return greyed


def _notes(explorer) -> dict[str, str]:
    """The problems shown beside the controls, by control (a hidden note says nothing)."""
    shown = {n: note.value for n, note in explorer.notes.items() if note.layout.display != "none"}
    hidden = [note.value for note in explorer.notes.values() if note.layout.display == "none"]
    assert not any(hidden), "a hidden note says nothing"
    return shown


def test_changing_controls_redraws_and_bad_choices_are_explained(explorer):
    explorer.inputs["actor"].value = "china"
    explorer.inputs["since"].value = 2014
    explorer.inputs["until"].value = 2018
    assert 'data-stem="china_2014-2018"' in explorer.frame.value
    assert "Russian views of China" in explorer.frame.value
    assert not _stale(explorer) and _notes(explorer) == {}

    explorer.inputs["until"].value = 2010  # said beside To, the control just changed
    (note,) = _notes(explorer).items()
    assert note[0] == "until" and "From (2014) is after To (2010)" in note[1], note
    assert "since" not in note[1] and 'role="alert"' in note[1]
    assert "see <b>To</b>" in explorer.status.value
    assert _stale(explorer) and 'data-stem="china_2014-2018"' in explorer.frame.value
    explorer.inputs["since"].value = 2012  # still after: now said beside From
    assert list(_notes(explorer)) == ["since"] and _stale(explorer)
    explorer.inputs["until"].value = 2018  # valid again: redrawn, nothing flagged
    assert 'data-stem="china_2012-2018"' in explorer.frame.value
    assert not _stale(explorer) and _notes(explorer) == {}

    boxes = explorer.inputs["themes"].children
    for box in boxes:
        box.value = False
    assert "Tick at least one theme" in _notes(explorer)["themes"] and _stale(explorer)
    for box in boxes:
        box.value = True
    assert not _stale(explorer) and _notes(explorer) == {}
    assert explorer.job().stem == "china_2012-2018"


def test_choosing_one_theme_is_one_redraw(explorer, monkeypatch):
    drawn = []
    html = explorer.view.html
    monkeypatch.setattr(explorer.view, "html", lambda job: drawn.append(job) or html(job))
    explorer.tick_themes(False)  # "None": nothing to draw until a theme is ticked
    assert drawn == [] and "Tick at least one theme" in _notes(explorer)["themes"]
    explorer.inputs["themes"].children[2].value = True
    assert len(drawn) == 1 and drawn[0].parameters["themes"] == "diplomacy"
    explorer.tick_themes(True)  # "All": one redraw, not one per theme
    assert len(drawn) == 2 and drawn[1].parameters["themes"] == "all"


def test_from_and_to_follow_the_actor(explorer, monkeypatch):
    from russian_views.explorer import app

    spans = {"china": Period(2012, 2021), "north-korea": Period(2008, 2021)}
    monkeypatch.setattr(app, "actor_years", lambda _data, actor: spans.get(actor, spans["china"]))
    since, until = explorer.inputs["since"], explorer.inputs["until"]
    explorer.inputs["actor"].value = "north-korea"
    since.value, until.value = 2008, 2021  # the actor's whole span
    explorer.inputs["actor"].value = "china"  # the whole span becomes China's
    assert [y for _, y in since.options] == list(range(2012, 2022))
    assert (since.value, until.value) == (2012, 2021)
    explorer.inputs["actor"].value = "north-korea"
    assert since.options[0][1] == 2008 and (since.value, until.value) == (2008, 2021)
    since.value, until.value = 2009, 2015  # a period of the reader's own: kept inside
    explorer.inputs["actor"].value = "china"
    assert (since.value, until.value) == (2012, 2015)
    assert 'data-stem="china_2012-2015"' in explorer.frame.value


def test_save_hands_the_file_to_the_browser_and_names_no_folder(explorer):
    explorer.inputs["actor"].value = "north-korea"
    saved = explorer.save("html")
    status = explorer.status.value
    link = re.search(r'<a class="rv-download" data-save="\d+" download="([^"]+)" '
                     r'href="data:text/html;base64,([^"]+)"', status)  # fmt: skip
    assert link and link[1] == saved.name
    import base64

    assert base64.b64decode(link[2]) == saved.read_bytes()
    assert str(saved.parent) not in status and "reports" not in status, status
    assert "reports folder" not in explorer.widget.children[0].value


# What a parameter's command-line help says and a reader choosing from a control never needs.
COMMAND_LINE_WORDS = re.compile(r"None|comma|separated|\bid\b|alias|any case|e\.g\.")


def test_hints_are_the_specs_plain_words_and_no_hint_says_null(explorer):
    from ipywidgets import Box
    from ipywidgets.widgets.widget_description import DescriptionWidget

    for p in spec.parameters_of(spec.ACTOR):
        assert p.hint and not COMMAND_LINE_WORDS.search(p.hint), p
        assert explorer.controls[p.name].hint == p.hint
    # ipywidgets writes a hint of None on the page as title="null": every widget has one set.
    widgets, unset = [explorer.widget], []
    while widgets:
        widget = widgets.pop()
        widgets += widget.children if isinstance(widget, Box) else []
        if isinstance(widget, DescriptionWidget) and widget.tooltip is None:
            unset.append(widget)
    assert unset == []


@pytest.mark.slow
def test_explorer_page_is_the_briefing_render_writes(dataset, tmp_path):
    from russian_views.explorer.view import BriefingView

    job = render.actor_job(dataset, "south-korea", 2010, 2019, edition="student")
    (result,) = batch.render_batch([job], dataset, tmp_path, ("html",))
    assert result.error is None
    rendered = (tmp_path / f"{job.stem}.html").read_text("utf-8")
    drawn = BriefingView().html(job)
    # On screen the browser draws the charts from their specs: the page is the render's but
    # for the static SVG it carries for print (a redraw does not pay vl-convert).
    static = re.compile(r'<div class="chart-static">.*?</svg></div>', re.S)
    assert len(static.findall(rendered)) == 3 and not static.findall(drawn)
    assert VIEW_NAME.sub("view", drawn) == VIEW_NAME.sub("view", static.sub("", rendered))


def test_broken_data_show_the_problem_not_a_traceback(data_copy, monkeypatch):
    from russian_views.explorer.app import Explorer

    (data_copy / "claims.csv").unlink()
    monkeypatch.setattr(config, "DATA_DIR", data_copy)
    page = Explorer.show()
    assert "rv-problem" in page.value and "claims.csv" in page.value


def test_explore_refuses_a_bad_port_with_exit_2(capsys):
    assert cli.main(["explore", "--port", "70000", "--no-browser"]) == cli.EXIT_BAD_INPUT
    assert "--port must be from 1 to 65535" in capsys.readouterr().err


def test_voila_serves_only_this_machine_with_the_offline_template():
    command = voila_command(8866, open_browser=False)
    assert "--Voila.ip=127.0.0.1" in command and "--template=russian-views" in command
    assert "--token" in command and not any("token=" in part for part in command)
    assert "--MappingKernelManager.cull_connected=False" in command
    assert "--Voila.ip=0.0.0.0" in voila_command(8866, False, "0.0.0.0")
    template = NOTEBOOK.parent / "jupyter" / "voila" / "templates" / "russian-views"
    assert "://" not in (template / "index.html.j2").read_text("utf-8")


@pytest.mark.parametrize("host", ["999.1.1.1", "192.0.2.77", "no-such-host.invalid"])
def test_a_bad_host_is_said_to_be_the_host_not_the_port(host: str, capsys):
    assert cli.main(["explore", "--host", host, "--no-browser"]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--host {host} is not an address" in err, err
    assert "--port" not in err and "http" not in err


def test_a_busy_port_is_refused_before_any_address_is_printed(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["explore", "--port", str(port), "--no-browser"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "choose another --port" in err and "http" not in err


# ---------------------------------------------------------------- in real Chromium


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> set[int]:
    """Every live process descended from ``pid`` (read from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _kernels(pid: int) -> set[int]:
    """The kernels (one per open page) the explorer server ``pid`` runs."""
    found = set()
    for child in _children(pid):
        try:
            if b"ipykernel_launcher" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            continue
    return {k for k in found if _alive(k)}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


ADDRESS = re.compile(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+")


@contextmanager
def serving(
    tmp_path: Path, *options: str, port: int | None = None
) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """``russian-views explore`` on a free port (or ``port``), saving into tmp_path, once it
    has printed its address; killed if a test fails."""
    port, out = port or _free_port(), tmp_path / "reports"
    logged = tmp_path / f"server-{port}-{time.monotonic_ns()}.log"
    log = logged.open("w")
    command = [BIN / "russian-views", "explore", "--port", str(port), "--no-browser", *options]
    process = subprocess.Popen(
        [*command, "--out", str(out)], stdout=log, stderr=log, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if ADDRESS.search(logged.read_text()):
            break
        time.sleep(0.1)
    # The address with its token, as the command printed it for the user, once it answers.
    (url,) = ADDRESS.findall(logged.read_text())
    process.log = logged  # type: ignore[attr-defined]
    try:
        yield url, out, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
        log.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """The explorer as ``russian-views explore`` serves it by default."""
    with serving(tmp_path) as served:
        yield served


@dataclass
class Visit:
    """What the browser saw: requests refused for leaving the server, errors, sockets."""

    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    redraw_seconds: float = 0.0


def drive_explorer(url: str) -> Visit:
    """Open the explorer, change the actor and the period, save HTML and PDF, screenshot."""
    from playwright.sync_api import sync_playwright

    visit, base = Visit(), url.split("?")[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 950})

        def only_local(route) -> None:
            if route.request.url.startswith((base, "data:", "blob:", "about:")):
                route.continue_()
            else:
                visit.outside.append(route.request.url)
                route.abort("blockedbyclient")

        page.route("**/*", only_local)
        page.on("websocket", lambda ws: visit.sockets.append(ws.url))
        page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: visit.errors.append(str(error)))
        page.goto(url)
        page.wait_for_selector('iframe.rv-page[data-stem="north-korea"]', timeout=180_000)
        assert page.locator("h1").first.inner_text() == "Russian views: briefing explorer"
        names = page.locator(".rv-controls label.widget-label:visible, .rv-group").all_inner_texts()
        assert names == ["Actor", "From", "To", "Themes", "Voices", "Length", "Edition"]

        page.select_option(".rv-actor select", label="China")
        page.wait_for_selector('iframe.rv-page[data-stem="china"]', timeout=30_000)
        page.select_option(".rv-since select", label="2014")
        page.wait_for_selector('iframe.rv-page[data-stem="china_2014-2021"]', timeout=30_000)
        start = time.perf_counter()
        page.select_option(".rv-until select", label="2018")
        page.wait_for_selector('iframe.rv-page[data-stem="china_2014-2018"]', timeout=30_000)
        visit.redraw_seconds = time.perf_counter() - start
        briefing = page.frame_locator("iframe.rv-page")
        assert briefing.locator("h1").first.inner_text() == "Russian views of China"
        assert "Coded years 2014–2018" in briefing.locator("p.meta-line").first.inner_text()
        briefing.locator("figure.chart.chart-interactive").first.wait_for(timeout=30_000)

        for fmt in ("html", "pdf"):
            page.locator(f".rv-save-{fmt}").click()
            saved = page.locator(".rv-saved", has_text=f"china_2014-2018.{fmt}")
            saved.wait_for(timeout=180_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "explorer.png")
        browser.close()
    return visit


def _status(url: str, timeout: float = 30) -> int:
    """The HTTP status of a GET (the whole answer read), redirects not followed."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


# Addresses a hostile visitor crafts (no token needed for template files): each a 404 or
# 403, one log line at most, never a traceback.
CRAFTED = [
    "voila/templates/lab/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "voila/templates/..%2f..%2f..%2fetc/static/passwd",
    "voila/templates/russian-views/static/..%2fconf.json",
    "voila/templates/lab",
    "voila/templates/lab/nostatic/x.js",
    "voila/templates/lab/static/",
    "voila/static/..%2f..%2f..%2fetc%2fpasswd",
    "voila/labextensions/..%2f..%2f..%2fetc%2fpasswd",
    "voila/api/themes/..%2f..%2f..%2fetc%2fpasswd",
]


@pytest.mark.slow
def test_a_class_rush_crafted_addresses_and_a_restart(tmp_path: Path):
    """Ten pages asked for at once get at most --max-pages kernels; crafted addresses get
    a 404 and a line at most; Ctrl-C then the same command again serves at once."""
    port = _free_port()
    with serving(tmp_path, "--max-pages", "2", "--warm", "0", port=port) as served:
        url, _, process = served
        base = url.split("?")[0]
        assert _status(url, timeout=120) == 200  # answers as soon as the address is printed
        with ThreadPoolExecutor(10) as pool:
            statuses = list(pool.map(lambda _i: _status(url, timeout=180), range(10)))
        assert statuses.count(503) >= 8 and set(statuses) <= {200, 503}, statuses
        assert len(_kernels(process.pid)) <= 2
        for path in CRAFTED:
            assert _status(base + path) in (403, 404), path
        time.sleep(0.5)
        log = process.log.read_text()
        assert "Traceback" not in log and "500" not in log, log
        assert all(log.count(f"/{path} ") <= 1 for path in CRAFTED), log
        # A browser still connected when the server stops: the server closes the connection,
        # which leaves its port in TIME_WAIT for a minute.
        held = socket.create_connection(("127.0.0.1", port))
        time.sleep(0.5)
        process.send_signal(2)  # Ctrl-C
        process.wait(timeout=60)
    with held, serving(tmp_path, "--warm", "0", port=port) as (again, _, process):
        assert "in use" not in process.log.read_text()
        assert _status(again, timeout=120) == 200


def assert_only_the_explorer_answers(base: str, token: str) -> None:
    """Without the token nothing is served; with it, only the explorer: no Jupyter file,
    contents, kernel or terminal API, and no path out of the notebook's folder."""
    assert _status(f"{base}?{token}") == 200
    assert _status(base) in (302, 403), "the explorer needs its token"
    for path in ("api/contents", "api/kernels", "api/terminals", "tree", "files/etc/passwd",
                 "voila/files/..%2f..%2f..%2fetc%2fpasswd", "lab", "api/sessions"):  # fmt: skip
        for query in ("", f"?{token}"):
            status = _status(f"{base}{path}{query}")
            assert status in (302, 403, 404), (path, query, status)
            if status == 302:  # only ever to the login page or to the refused files path
                assert _status(f"{base}voila/files/{path}{query}") in (403, 404), path


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_explorer_in_chromium_offline(server: tuple[str, Path, subprocess.Popen]):
    url, out, process = server
    # Playwright's sync API will not start on a thread that already runs one (the session-wide
    # browser of tests/test_browser.py); a thread of its own keeps the two apart.
    with ThreadPoolExecutor(1) as pool:
        visit = pool.submit(drive_explorer, url).result()

    assert (out / "china_2014-2018.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert (out / "china_2014-2018.pdf").read_bytes().startswith(b"%PDF")
    assert visit.outside == [] and visit.errors == []
    base, token = url.split("?")
    local = base.replace("http", "ws", 1)
    assert visit.sockets and all(s.startswith(local) for s in visit.sockets)
    print(f"redraw seen in the browser after {visit.redraw_seconds:.2f} s")
    assert_only_the_explorer_answers(base, token)

    kernels = _children(process.pid)
    assert kernels, "the server should be running a kernel for the page"
    process.terminate()
    process.wait(timeout=60)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in kernels):
        time.sleep(0.2)
    assert not [p for p in kernels if _alive(p)], "the server left processes behind"


def _browser(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
    )


# The explorer's own text that would be cut off: a button or a control's name whose text is
# wider than its box (the Save buttons read "Save HT…" at 1280 px and below, once).
CLIPPED = """() => [...document.querySelectorAll(
    '.rv-toolbar button, .rv-controls button, .rv-controls label, .rv-controls select')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth)
  .map(e => e.innerText || e.outerHTML.slice(0, 80))"""
# How opaque the browser draws the briefing (a stale one is greyed out).
OPACITY = "e => getComputedStyle(e).opacity"


def read_as_a_reader(url: str) -> dict[str, object]:
    """The explorer 1024 px wide, as a reader meets it: what axe-core finds, hints, text cut
    off; then From after To (the problem beside the control, the briefing greyed out, Save
    off, axe-core again, a screenshot), and back to a valid period."""
    from axe_playwright_python.sync_playwright import Axe  # axe-core from its package's file
    from playwright.sync_api import sync_playwright

    def violations() -> list[str]:
        found = Axe().run(page).response["violations"]
        return [f"{v['id']} ({v['impact']}): {len(v['nodes'])} {v['help']}" for v in found]

    seen: dict[str, object] = {}
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(url)
        page.wait_for_selector('iframe.rv-page[data-stem="north-korea"]', timeout=180_000)
        seen["violations"] = violations()
        seen["hints"] = page.evaluate("[...document.querySelectorAll('[title]')].map(e => e.title)")
        seen["clipped"] = page.evaluate(CLIPPED)
        seen["save widths"] = page.evaluate(
            "[...document.querySelectorAll('.rv-toolbar button')]"
            ".map(e => [e.innerText, e.scrollWidth, e.clientWidth])"
        )
        # The drop-downs found by their names, as a screen reader finds them.
        page.get_by_label("From", exact=True).select_option("2018")
        page.wait_for_selector('iframe.rv-page[data-stem="north-korea_2018-2021"]', timeout=60_000)
        page.get_by_label("To", exact=True).select_option("2015")
        page.wait_for_selector(".rv-stale iframe.rv-page", timeout=60_000)
        seen["note"] = page.locator(".rv-note-until [role=alert]").inner_text()
        seen["notes"] = page.locator(".rv-note [role=alert]").count()
        seen["opacity"] = float(page.locator("iframe.rv-page").evaluate(OPACITY))
        seen["save off"] = [b.is_disabled() for b in page.locator(".rv-toolbar button").all()]
        seen["violations, invalid"] = violations()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "explorer-1024-invalid.png")
        page.get_by_label("From", exact=True).select_option("2014")
        page.wait_for_selector('iframe.rv-page[data-stem="north-korea_2014-2015"]', timeout=60_000)
        page.wait_for_selector(".rv-stale", state="detached", timeout=60_000)
        seen["notes after"] = page.locator(".rv-note [role=alert]").count()
        seen["opacity after"] = float(page.locator("iframe.rv-page").evaluate(OPACITY))
        seen["save off after"] = [b.is_disabled() for b in page.locator(".rv-toolbar button").all()]
        page.screenshot(path=ARTIFACTS / "explorer-1024.png")
        browser.close()
    return seen


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_explorer_reads_plainly_and_accessibly_from_1024_px(server):
    url, _, _ = server
    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(read_as_a_reader, url).result()
    assert seen["violations"] == [] and seen["violations, invalid"] == [], seen
    assert "null" not in seen["hints"] and not any(map(COMMAND_LINE_WORDS.search, seen["hints"]))
    assert seen["clipped"] == [], seen
    assert [text for text, _, _ in seen["save widths"]] == ["Save HTML", "Save PDF"]
    assert all(scroll <= client for _, scroll, client in seen["save widths"]), seen
    assert seen["note"] == "From (2018) is after To (2015)" and seen["notes"] == 1, seen
    assert seen["opacity"] < 0.5 and seen["save off"] == [True, True], seen
    assert seen["notes after"] == 0 and seen["opacity after"] == 1, seen
    assert seen["save off after"] == [False, False], seen


def two_students(url: str, kernels: Callable[[], int]) -> dict[str, object]:
    """Two browsers (two contexts, as two students' machines) on one explorer: each changes
    its own actor; then a third page is refused while both are open, and accepted once the
    first student has closed theirs."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, object] = {}
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        anna, ben = (browser.new_context().new_page() for _ in range(2))
        for page in (anna, ben):
            page.goto(url)
            page.wait_for_selector('iframe.rv-page[data-stem="north-korea"]', timeout=180_000)
        anna.select_option(".rv-actor select", label="China")
        anna.wait_for_selector('iframe.rv-page[data-stem="china"]', timeout=60_000)
        ben.select_option(".rv-since select", label="2014")
        ben.wait_for_selector('iframe.rv-page[data-stem="north-korea_2014-2021"]', timeout=60_000)
        seen["anna"] = anna.locator("iframe.rv-page").get_attribute("data-stem")
        seen["ben"] = ben.locator("iframe.rv-page").get_attribute("data-stem")
        seen["ben's actor"] = ben.locator(".rv-actor select").input_value()
        third = browser.new_context().new_page()
        seen["third, full"] = third.goto(url).status
        seen["third says"] = third.locator("body").inner_text()
        anna.close(run_before_unload=True)  # as a tab is closed: Voilà shuts its kernel down
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and kernels() > 1:
            time.sleep(0.5)
        seen["kernels after anna left"] = kernels()
        # The server forgets the kernel a moment after its process ends: reload as a student
        # told "close a page and reload" would, for up to 30 s.
        deadline = time.monotonic() + 30
        while (status := third.goto(url).status) == 503 and time.monotonic() < deadline:
            time.sleep(1)
        seen["third, later"] = status
        browser.close()
    return seen


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_two_students_keep_their_own_pages_up_to_the_cap(tmp_path: Path):
    options = ("--max-pages", "2", "--warm", "0")  # kernels counted: the pages' only
    with serving(tmp_path, *options) as (url, _, process), ThreadPoolExecutor(1) as pool:
        seen = pool.submit(two_students, url, lambda: len(_kernels(process.pid))).result()
    assert seen["anna"] == "china" and seen["ben"] == "north-korea_2014-2021", seen
    assert seen["ben's actor"] != "china", seen
    assert seen["third, full"] == 503 and "as many pages open" in str(seen["third says"]), seen
    assert seen["kernels after anna left"] == 1 and seen["third, later"] == 200, seen


def test_pages_asked_for_at_once_are_counted_before_their_kernels_start():
    from tornado.web import HTTPError

    from russian_views.explorer.capacity import Pages

    running: set[str] = set()  # the kernel manager: no kernel started yet
    pages, refused = Pages(cap=3), 0
    for _ in range(10):  # ten requests in one instant, before any kernel runs
        try:
            pages.admit(running)
        except HTTPError as refusal:
            assert refusal.status_code == 503 and "--max-pages" in refusal.log_message
            refused += 1
    assert refused == 7 and pages.open(running) == 3
    assert pages.warm_room(running, wanted=10) == 0  # no ready kernel past the cap
    running |= {"a", "b", "c"}
    for kernel in ("a", "b", "c"):
        pages.served(kernel)
    running.discard("a")  # a page's kernel shut down: its place is free again
    assert pages.open(running) == 2 and pages.warm_room(running, wanted=10) == 1
    pages.admit(running)


@pytest.mark.parametrize("warm", ["-1", "3"])
def test_ready_pages_past_the_cap_are_refused_with_exit_2(warm: str, capsys):
    command = ["explore", "--max-pages", "2", "--warm", warm, "--no-browser"]
    assert cli.main(command) == cli.EXIT_BAD_INPUT
    assert f"--warm must be from 0 to --max-pages (2), not {warm}" in capsys.readouterr().err


@pytest.mark.parametrize("pages", ["0", "501", "-3"])
def test_a_page_cap_out_of_range_is_refused_with_exit_2(pages: str, capsys):
    assert cli.main(["explore", "--max-pages", pages, "--no-browser"]) == cli.EXIT_BAD_INPUT
    assert "--max-pages must be from 1 to 500" in capsys.readouterr().err


def test_a_class_is_given_an_address_it_can_open_never_0_0_0_0():
    from russian_views.explorer import address_to_give

    given = address_to_give("0.0.0.0")
    assert given != "0.0.0.0" and socket.inet_aton(given)
    assert address_to_give("127.0.0.1") == "127.0.0.1"
    assert address_to_give("192.168.1.20") == "192.168.1.20"


def click_print_save_close(url: str, kernels: Callable[[], int], out: Path) -> dict[str, object]:
    """A student's page: click a citation, a Contents entry and an outside address in the
    briefing; print the page; Save PDF; then close the tab while a second Save PDF runs."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, object] = {}
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 950})
        page = context.new_page()
        loads: list[str] = []  # every page load the tab asks of the server
        page.on("request", lambda r: loads.append(r.url) if r.resource_type == "document" else 0)
        page.goto(url)
        page.wait_for_selector('iframe.rv-page[data-stem="north-korea"]', timeout=180_000)
        seen["kernels before"] = kernels()
        briefing = page.frame_locator("iframe.rv-page")

        def frame():
            return next(f for f in page.frames if f.url.startswith("about:srcdoc"))

        citation = briefing.locator('a[href^="#src-"]').first
        seen["citation"] = citation.get_attribute("href")
        citation.click()
        page.wait_for_timeout(1000)
        seen["target"] = frame().evaluate("document.querySelector(':target')?.id")
        seen["highlight"] = frame().evaluate(
            "getComputedStyle(document.querySelector(':target')).backgroundColor"
        )
        seen["in view"] = frame().evaluate(
            "(() => { const r = document.querySelector(':target').getBoundingClientRect();"
            " return [r.top, innerHeight]; })()"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "explorer-citation.png")
        contents = briefing.locator("nav a").nth(2)
        seen["contents"] = contents.get_attribute("href")
        contents.click()
        page.wait_for_timeout(300)
        seen["contents target"] = frame().evaluate("document.querySelector(':target')?.id")
        outside = briefing.locator('a[href^="http"]').first
        with context.expect_page() as tab:
            outside.click()
        seen["outside"] = (outside.get_attribute("href"), tab.value.main_frame.url)
        tab.value.close()
        seen["loads"] = list(loads)
        seen["kernels after clicks"] = kernels()

        page.pdf(path=out / "printed.pdf")  # the browser's Print, as a PDF
        with page.expect_download(timeout=180_000) as download:
            page.locator(".rv-save-pdf").click()
        download.value.save_as(out / "downloaded.pdf")
        seen["download"] = download.value.suggested_filename
        seen["status"] = page.locator(".rv-status").inner_text()
        page.screenshot(path=ARTIFACTS / "explorer-saved.png")

        page.locator(".rv-since select").select_option("2015")
        page.wait_for_selector('iframe.rv-page[data-stem="north-korea_2015-2021"]')
        page.locator(".rv-save-pdf").click()
        page.wait_for_timeout(500)
        page.close(run_before_unload=False)  # gone mid-save, without saying goodbye
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and kernels() > 0:
            time.sleep(0.5)
        seen["kernels after the tab closed"] = kernels()
        browser.close()
    return seen


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_links_print_save_and_a_closed_tab_as_a_student_meets_them(tmp_path: Path):
    options = ("--warm", "0")  # the kernels counted are the page's own
    with serving(tmp_path, *options) as (url, out, process), ThreadPoolExecutor(1) as pool:
        kernels = lambda: len(_kernels(process.pid))  # noqa: E731
        seen = pool.submit(click_print_save_close, url, kernels, tmp_path).result()
        log = process.log.read_text()
    top, height = seen["in view"]
    assert seen["target"] == seen["citation"][1:] and -1 < top < height, (top, height)
    assert seen["highlight"] == "rgb(255, 244, 204)", seen
    assert seen["contents target"] == seen["contents"][1:], seen
    _, opened = seen["outside"]
    assert opened != url and not opened.startswith(url.split("?")[0]), seen
    assert seen["loads"] == [url], "no click loads the explorer again"
    assert seen["kernels before"] == seen["kernels after clicks"] == 1, seen
    printed = subprocess.run(
        ["pdftotext", tmp_path / "printed.pdf", "-"], capture_output=True, text=True
    ).stdout
    assert printed.startswith("Russian views of North Korea"), printed[:200]
    assert "Cited passages" in printed and "Save PDF" not in printed and "Themes" not in printed
    pages = subprocess.run(["pdfinfo", tmp_path / "printed.pdf"], capture_output=True, text=True)
    assert int(re.search(r"Pages:\s+(\d+)", pages.stdout)[1]) > 4, "the whole briefing"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", tmp_path / "printed.pdf",
         ARTIFACTS / "explorer-printed"], check=True,
    )  # fmt: skip
    assert seen["download"] == "north-korea.pdf"
    assert (tmp_path / "downloaded.pdf").read_bytes() == (out / "north-korea.pdf").read_bytes()
    assert str(out) not in seen["status"] and "reports" not in seen["status"], seen
    assert seen["kernels after the tab closed"] == 0, seen
    assert "Traceback" not in log, log
