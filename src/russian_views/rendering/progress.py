"""How a render's progress is shown: a bar on a terminal, else one line per briefing, and
the summary line every render ends with."""

from __future__ import annotations

import sys
from collections.abc import Callable

from russian_views.rendering.render import Result


def progress_reporter(total: int) -> tuple[Callable[[Result], None], Callable[[], None]]:
    """A bar on a terminal, else one line per finished briefing; and a closer."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="briefing", file=sys.stderr, leave=False)

        def tick(result: Result) -> None:
            bar.set_postfix_str(result.job.stem)
            bar.update(1)
            if result.error:
                bar.write(_line(result), file=sys.stderr)

        return tick, bar.close
    return (lambda r: print(_line(r), file=sys.stderr)), (lambda: None)


def _line(result: Result) -> str:
    if result.cached:
        status = "cached"
    elif result.error:
        status = f"FAILED: {result.error}"
    else:
        status = "rendered"
    return f"{result.job.stem:<24} {result.seconds:5.1f}s  {status}"


def summary(results: list[Result]) -> str:
    """``5 rendered, 0 cached, 0 failed`` plus the failures, one per line."""
    rendered = sum(1 for r in results if not r.cached and not r.error)
    cached = sum(1 for r in results if r.cached)
    failed = [r for r in results if r.error]
    lines = [f"{rendered} rendered, {cached} cached, {len(failed)} failed"]
    lines += [f"  failed: {r.job.stem}: {r.error}" for r in failed]
    return "\n".join(lines)
