"""Render benchmark: the plain papermill + nbconvert command lines against russian-views.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/render_bench.py``). In one run it
times, as medians over ``--repeat`` runs, for HTML only and for HTML + PDF:

  (a) the plain loop: ``papermill`` then ``jupyter nbconvert`` for each briefing;
  (b) ``russian-views render --all --force``, the render service already warm;
  (c) an unchanged re-run of ``russian-views render --all`` (the cache);
  (d) one briefing after a parameter change (a new ``--since``), the service warm;
  (e) the same without the service (``RUSSIAN_VIEWS_SERVICE=off``): a lone render;

and prints the ratio a/b, and the first render's wait while the service starts. It times
``--help`` and an argument error (which never start the service). It then times loading +
validating the data, and the full HTML render, with synthetic data scaled to 10x and 100x
the claims, events, expectations and signposts (generated in a temporary folder, never
committed), without the service so that each render's peak memory (its largest process)
can be read. Every command runs as a fresh process, as a user would run it; the service
runs from a temporary folder and is stopped at the end. Last, (f) the explorer's
redraw after a control change and a Save PDF, in one warm process as in its Voilà
kernel, and (g) a class opening the explorer together against ``russian-views explore
--warm 10``: ten page requests at the same moment, then in Chromium one page alone and
ten at the same moment, each timed until it shows its briefing.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from russian_views import config
from russian_views.dataset.load import load_dataset

BIN = Path(sys.executable).parent
ACTORS = ["north-korea", "south-korea", "united-states", "china"]
SCALED = {
    "claims": "claim_id",
    "events": "event_id",
    "expectations": "expectation_id",
    "signposts": "signpost_id",
}
TARGETS = {
    "speed-up a/b (HTML)": (">=", 5.0),
    "one briefing after a parameter change (HTML)": ("<", 1.5),
    "--help": ("<", 0.2),
    "argument error (unknown actor)": ("<", 0.2),
    "speed-up a/b (HTML + PDF)": (">=", 5.0),
    "unchanged re-run": ("<", 1.0),
    "one briefing after a parameter change": ("<", 2.5),
    "load + validate at 100x": ("<", 2.0),
    "render at 100x / 1x": ("<=", 2.0),
    "explorer redraw after a control change": ("<", 0.5),
    "explorer redraw / one-briefing HTML render": ("<=", 1 / 3),
    "explorer: ten pages asked at once, slowest answer": ("<", 1.0),
}
CLASS = 10  # pages opened at the same moment in (g)


def run(*args: str | Path, env: dict | None = None, expect: int = 0) -> None:
    """Run a command to completion, failing loudly unless it exits with ``expect``."""
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != expect:
        raise SystemExit(f"command failed: {' '.join(map(str, args))}\n{result.stderr[-2000:]}")


def timed(action: Callable[[], None]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_of(repeat: int, action: Callable[[int], None]) -> float:
    """Median seconds over ``repeat`` calls (each call gets its run number)."""
    return statistics.median(timed(lambda i=i: action(i)) for i in range(repeat))


def plain_loop(out: Path, formats: list[str]) -> None:
    """What a user without our CLI runs: papermill, then nbconvert, per briefing."""
    runs = [(config.ACTOR_NOTEBOOK, ["-p", "actor", a], a) for a in ACTORS]
    runs.append((config.OVERVIEW_NOTEBOOK, [], "overview"))
    for notebook, params, stem in runs:
        executed = out / f"{stem}.ipynb"
        run(BIN / "papermill", notebook, executed, *params, "--no-progress-bar")
        for fmt in formats:
            run(
                BIN / "jupyter",
                "nbconvert",
                "--to",
                f"briefing_{fmt}",
                executed,
                "--output-dir",
                out,
            )


def ours(*args: str | Path, env: dict | None = None, expect: int = 0) -> None:
    """The russian-views command."""
    run(BIN / "russian-views", *args, env=env, expect=expect)


def scaled_data(factor: int, target: Path) -> Path:
    """A copy of data/ with the coded tables repeated ``factor`` times, each copy after the
    first under new ids (the first keeps the ids other tables, such as the key judgments,
    refer to)."""
    shutil.copytree(config.DATA_DIR, target)
    for table, key in SCALED.items():
        path = target / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = list(rows[0])
        out = []
        for copy in range(factor):
            for row in rows:
                new = dict(row)
                new[key] = copy_id(row[key], copy)
                if table == "signposts":
                    new["expectation_ref"] = copy_id(row["expectation_ref"], copy)
                out.append(new)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(out)
    return target


def copy_id(original: str, copy: int) -> str:
    """The id of a row in copy ``copy`` of a table (copy 0 is the original)."""
    return original if copy == 0 else f"{original[0]}{copy * 10_000 + int(original[1:]):06d}"


def one_briefing(since: int, fmt: str, out: Path, env: dict | None = None) -> None:
    """China after a parameter change: a ``--since`` not rendered before."""
    ours(
        "render", "--actor", "china", "--since", str(since), "--format", fmt, "--out", out, env=env
    )


def bench_formats(root: Path, fmt: str, repeat: int) -> dict[str, float]:
    """(a)-(e) for one format list, and the first render's wait while the service starts."""
    formats = fmt.split(",")
    out = root / f"ours-{fmt}"
    plain = root / f"plain-{fmt}"
    plain.mkdir()
    off = {**os.environ, "RUSSIAN_VIEWS_SERVICE": "off"}
    ours("service", "stop")
    return {
        "a": median_of(repeat, lambda _i: plain_loop(plain, formats)),
        "start": timed(
            lambda: ours("render", "--actor", "china", "--format", fmt, "--out", root / "cold")
        ),
        "e": median_of(repeat, lambda i: one_briefing(2015 + i, fmt, out, env=off)),
        "b": median_of(
            repeat, lambda _i: ours("render", "--all", "--force", "--format", fmt, "--out", out)
        ),
        "c": median_of(repeat, lambda _i: ours("render", "--all", "--format", fmt, "--out", out)),
        "d": median_of(repeat, lambda i: one_briefing(2009 + i, fmt, out)),
    }


def bench_scale(root: Path, repeat: int) -> dict[int, tuple[float, float, float]]:
    """Load + validate (in process), full HTML render (fresh process, no service) and its
    peak memory in MB at 1x, 10x, 100x."""
    results = {}
    for factor in (1, 10, 100):
        data = config.DATA_DIR if factor == 1 else scaled_data(factor, root / f"data-{factor}x")
        load = statistics.median(
            first_load(data, root / f"load-{factor}x-{i}") for i in range(repeat)
        )
        env = {**os.environ, "RUSSIAN_VIEWS_DATA": str(data), "RUSSIAN_VIEWS_SERVICE": "off"}
        out = root / f"render-{factor}x"
        args = ("render", "--all", "--force", "--format", "html", "--out", out)
        render = median_of(repeat, lambda _i, e=env, a=args: ours(*a, env=e))
        results[factor] = (load, render, peak_memory_mb(BIN / "russian-views", *args, env=env))
    return results


def first_load(data: Path, copy: Path) -> float:
    """Seconds to load and validate a copy of ``data`` never loaded before: a process reuses
    the dataset it loaded last while its files are unchanged, which is not what this times."""
    shutil.copytree(data, copy)
    return timed(lambda: load_dataset(copy))


def peak_memory_mb(*args: str | Path, env: dict) -> float:
    """The largest resident size (MB) any process of one command reached: run under a
    fresh Python whose waited-for descendants are only that command's."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return int(result.stdout) / 1024


def bench_startup(repeat: int) -> dict[str, float]:
    """``--help`` and an argument error: answered without the heavy imports or a service."""
    count = max(repeat, 5)  # each is short: more runs steady the median
    return {
        "help": median_of(count, lambda _i: ours("--help")),
        "error": median_of(count, lambda _i: ours("render", "--actor", "Japan", expect=2)),
    }


def print_formats(fmt: str, t: dict[str, float]) -> None:
    """One format's timings."""
    pad = " " * (len(fmt) + 4)
    print(
        f"[{fmt}]  (a) plain loop {t['a']:6.2f}s   (b) render --all --force "
        f"{t['b']:6.2f}s   ratio a/b {t['a'] / t['b']:4.1f}x\n"
        f"{pad}(c) unchanged re-run {t['c']:5.2f}s   "
        f"(d) one briefing, new parameter {t['d']:5.2f}s\n"
        f"{pad}(e) the same without the service {t['e']:5.2f}s   "
        f"first render while the service starts {t['start']:5.2f}s",
        flush=True,
    )


def bench_explorer(root: Path, repeat: int) -> tuple[float, float]:
    """Median seconds the explorer takes to redraw after a control changes, on its warm
    process (as in the Voilà kernel): each change sets a new actor or first year; and the
    median seconds of a Save PDF (a new period each time, so nothing is cached)."""
    from russian_views.explorer.app import Explorer

    explorer = Explorer(out_dir=root / "explorer")  # draws the first briefing: the warm-up
    changes = [("actor", a) for a in ACTORS[1:]] + [("since", 2009 + i) for i in range(repeat)]
    times = []
    for name, value in changes:
        explorer.inputs[name].value = value
        times.append(explorer.seconds)

    def save(i: int) -> None:
        explorer.inputs["since"].value = 2012 + i
        assert explorer.save("pdf") is not None

    return statistics.median(times), median_of(repeat, save)


def bench_class(root: Path) -> dict[str, list[float]]:
    """A class opening the explorer, against a server keeping ten pages ready (waited for
    before the class comes): seconds until each of ten page requests sent at the same moment
    is answered whole (the server's part), and in Chromium until a page shows its briefing,
    for one student alone, then for ten pages opened at the same moment. The ten browsers
    share this machine's cores, as a room's students do not: their wait is an upper bound."""
    import asyncio
    import http.client
    import re
    import socket
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    from playwright.async_api import async_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = root / "explore.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [BIN / "russian-views", "explore", "--port", str(port), "--no-browser",
             "--max-pages", str(3 * CLASS), "--warm", str(CLASS), "--out", root / "class"],
            stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not (found := re.search(r"http://\S+token=[\w-]+", log.read_text())):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the explorer did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        url = urlsplit(found[0])
        ready = 90  # seconds for the ready pages to start and draw before a class comes

        def answered(_i: int) -> float:
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
            start = time.perf_counter()
            connection.request("GET", f"{url.path}?{url.query}")
            connection.getresponse().read()
            connection.close()
            return time.perf_counter() - start

        async def students(count: int) -> list[float]:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=shutil.which("chromium"), args=["--no-sandbox"]
                )

                async def student() -> float:
                    page = await (await browser.new_context()).new_page()
                    start = time.perf_counter()
                    await page.goto(found[0], wait_until="commit", timeout=300_000)
                    await page.wait_for_selector("iframe.rv-page", timeout=300_000)
                    return time.perf_counter() - start

                waits = await asyncio.gather(*(student() for _ in range(count)))
                await browser.close()
                return sorted(waits)

        times = {}
        time.sleep(ready)
        times["alone"] = asyncio.run(students(1))
        time.sleep(ready)  # the page closed, its place back in the pool
        times["class"] = asyncio.run(students(CLASS))
        time.sleep(ready)
        with ThreadPoolExecutor(CLASS) as pool:  # last: these pages never close
            times["server"] = sorted(pool.map(answered, range(CLASS)))
        return times
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)


def verdict(name: str, value: float) -> str:
    op, limit = TARGETS[name]
    ok = {">=": value >= limit, "<": value < limit, "<=": value <= limit}[op]
    return f"{name:<46} {value:8.2f}   target {op} {limit:<5} {'met' if ok else 'MISSED'}"


def main() -> None:
    """Run everything and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load}, medians of {args.repeat} runs\n")
    with tempfile.TemporaryDirectory(prefix="rv-bench-") as tmp:
        root = Path(tmp)
        os.environ["RUSSIAN_VIEWS_RUNTIME"] = str(root / "run")  # the bench's own service
        try:
            timings = {}
            for fmt in ("html", "html,pdf"):
                timings[fmt] = t = bench_formats(root, fmt, args.repeat)
                print_formats(fmt, t)
        finally:
            ours("service", "stop")
        scale = bench_scale(root, args.repeat)
        redraw, save = bench_explorer(root, args.repeat)
        opened = bench_class(root)
    startup = bench_startup(args.repeat)
    print("\ndata scale   load+validate   full HTML render   peak memory (largest process)")
    for factor, (load, render, memory) in scale.items():
        print(f"{factor:>5}x       {load:8.3f}s      {render:8.2f}s      {memory:8.0f} MB")
    print(f"\n--help {startup['help']:.3f}s   argument error {startup['error']:.3f}s")
    print(
        f"\nexplorer: redraw after a control change {redraw:5.2f}s, Save PDF {save:5.2f}s "
        f"(medians, warm process)\nexplorer, a class: {CLASS} page requests at once answered "
        f"within {opened['server'][-1]:5.2f}s; in Chromium one student alone sees the briefing "
        f"after {opened['alone'][0]:5.2f}s, {CLASS} opened at once on this one machine after "
        f"{statistics.median(opened['class']):5.2f}s (median), {opened['class'][-1]:5.2f}s "
        "(slowest)"
    )
    html, full = timings["html"], timings["html,pdf"]
    verdicts = [
        verdict("speed-up a/b (HTML)", html["a"] / html["b"]),
        verdict("one briefing after a parameter change (HTML)", html["d"]),
        verdict("--help", startup["help"]),
        verdict("argument error (unknown actor)", startup["error"]),
        verdict("speed-up a/b (HTML + PDF)", full["a"] / full["b"]),
        verdict("unchanged re-run", full["c"]),
        verdict("one briefing after a parameter change", full["d"]),
        verdict("load + validate at 100x", scale[100][0]),
        verdict("render at 100x / 1x", scale[100][1] / scale[1][1]),
        verdict("explorer redraw after a control change", redraw),
        verdict("explorer redraw / one-briefing HTML render", redraw / html["d"]),
        verdict("explorer: ten pages asked at once, slowest answer", opened["server"][-1]),
    ]
    print("\n" + "\n".join(verdicts))


if __name__ == "__main__":
    main()
