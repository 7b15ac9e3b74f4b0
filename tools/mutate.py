"""`make mutate`: mutation testing of the code users' trust rests on, with a score.

mutmut (configured in pyproject.toml, ``[tool.mutmut]``) changes one thing at a time in the
functions named below (``<`` for ``<=``, one string for another, a statement dropped...) and
runs the tests that reach that function: a change no test notices is a *survivor*, a line
the suite does not really check. Each target is run on its own (``make mutate
TARGET=sources``), so a run can be kept small on a shared machine; the score of every
target run so far is then printed from mutmut's results.

A mutant that cannot change behaviour (an equivalent mutant) is marked in the code with
``# pragma: no mutate`` and a comment saying why, or listed in :data:`EXPLAINED` with the
reason; every other survivor fails this command.
"""

from __future__ import annotations

import argparse
import fnmatch
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTMUT = [str(Path(sys.executable).with_name("mutmut"))]

# What each target checks for a user, and the mutmut names of its functions (module globs:
# ``x_name`` is a function, ``xǁClassǁmethod`` a method).
TARGETS: dict[str, tuple[str, list[str]]] = {
    "sources": (
        "paragraph and sentence numbering of a source (the heading rule)",
        ["russian_views.dataset.sources.*"],
    ),
    "validate": (
        "quotes verbatim in the cited sentence, citations, forecast statuses, source hashes",
        [
            "russian_views.dataset.validate.x_citation_problems__*",
            "russian_views.dataset.validate.x_source_problems__*",
            "russian_views.dataset.forecast_rules.*",
        ],
    ),
    "cache": (
        "whether a report is fresh (cache keys, the manifest)",
        ["russian_views.rendering.cache.*"],
    ),
    "service": (
        "the render service's settings and the requests it accepts",
        [
            "russian_views.rendering.service.x_wanted__*",
            "russian_views.rendering.service.x_runtime_dir__*",
            "russian_views.rendering.service.x_worker_count__*",
            "russian_views.rendering.service.x_idle_seconds__*",
            "russian_views.rendering.service_server.x__well_formed__*",
            "russian_views.rendering.service_server.x__read_line__*",
        ],
    ),
    "folders": (
        "folders no other user can change (runtime, cache, scratch, kernel connections)",
        [
            "russian_views.private.x__others_could_change__*",
            "russian_views.private.x__chain__*",
            "russian_views.private.x_check_trusted__*",
            "russian_views.private.x_check_private__*",
            "russian_views.private.x_private_folder__*",
            "russian_views.private.x__make_private__*",
            "russian_views.private.x__tighten__*",
            "russian_views.private.x_process_alive__*",
            "russian_views.private.x_remove_stale__*",
        ],
    ),
    "agreement": (
        "agreement between codings (alpha, per cent, the sentences compared, the report)",
        [
            "russian_views.classroom.agreement.*",
            "russian_views.classroom.alpha.*",
            "russian_views.classroom.codings.x_codings_of__*",
            "russian_views.classroom.codings.x_same_sentences__*",
            "russian_views.classroom.codings.x_is_uncoded__*",
            "russian_views.classroom.codings.x_shown_value__*",
            "russian_views.classroom.codings.x_ordinal_scales__*",
        ],
    ),
    "ids": (
        "id assignment when a worksheet is imported",
        [
            "russian_views.classroom.import_coding.x_assign_ids__*",
        ],
    ),
}
# Survivors explained here rather than by a pragma in the code, each with why it is not a
# gap in the tests: equivalent mutants, in modules other work was rewriting when they were
# found. A name here that no longer survives is reported, so the list cannot go stale
# unseen.
EXPLAINED: dict[str, str] = {
    **{
        f"russian_views.dataset.forecast_rules.x__check_date__mutmut_{n}": (
            "equivalent: a missing record_check table read as None or as [] is falsy either "
            "way, and the function tests it before indexing"
        )
        for n in (3, 5)
    },
    "russian_views.dataset.forecast_rules.x__development_problems__mutmut_96": (
        "equivalent: latest=None is falsy like latest=False"
    ),
    "russian_views.dataset.validate.x_citation_problems__mutmut_75": (
        "equivalent: ref_label prints the source id only with with_source=True, not passed"
    ),
    "russian_views.dataset.validate.x_citation_problems__mutmut_81": (
        "equivalent: ref_label prints the source id only with with_source=True, not passed"
    ),
    "russian_views.dataset.validate.x_source_problems__mutmut_86": (
        "equivalent: a codec name is case-insensitive"
    ),
    "russian_views.dataset.sources.x_read_source__mutmut_5": (
        "equivalent: a codec name is case-insensitive"
    ),
    **{
        f"russian_views.rendering.cache.{name}": "equivalent: a codec name is case-insensitive"
        for name in ("xǁManifestǁ__init____mutmut_12", "xǁManifestǁsave__mutmut_18")
    },
    **{
        f"russian_views.rendering.cache.xǁManifestǁsave__mutmut_{n}": (
            "equivalent: the manifest's indentation; it is read back as JSON, sorted keys "
            "keep its bytes stable (tested)"
        )
        for n in (4, 7, 9)
    },
    **{
        f"russian_views.rendering.cache.x_job_key__mutmut_{n}": (
            "equivalent: a payload field's name; the key still changes with each input, and "
            "any change to cache.py changes every key anyway (code_version)"
        )
        for n in range(4, 14)
    },
    **{
        f"russian_views.rendering.cache.x_job_key__mutmut_{n}": (
            "equivalent for the callers: every parameter and option is JSON already (resolved "
            "by spec.py), so json.dumps never calls default=str"
        )
        for n in (17, 20)
    },
    "russian_views.rendering.cache.x__plain_name__mutmut_7": (
        'equivalent: Path(".").name is "", so "." already fails name == Path(name).name'
    ),
    **{
        f"russian_views.classroom.agreement.xǁFieldAgreementǁmeaning__mutmut_{n}": (
            "equivalent: most_common(n)[0] is the same item for n=1, n=2 and n=None (equal "
            "counts stay in first-seen order in each)"
        )
        for n in (5, 7)
    },
    "russian_views.classroom.agreement.xǁFieldAgreementǁmeaning__mutmut_20": (
        "equivalent: alpha 0 never gets to alpha < 0: the |alpha| < 0.05 reading above takes it"
    ),
    "russian_views.classroom.codings.x_ordinal_scales__mutmut_6": (
        "equivalent: Dataset.scores(None) matches no codebook list, so an actor field has {} "
        "either way (the guard keeps scores() to list names)"
    ),
    "russian_views.rendering.service.x_wanted__mutmut_8": (
        'equivalent: the default word is lowercased like a given one, so "ON" reads as "on"'
    ),
    **{
        f"russian_views.rendering.service_server.x__read_line__mutmut_{n}": (
            "equivalent: the message of a line too long is never shown; _receive answers "
            'any ValueError (too long, not JSON) with "bad request" (tested)'
        )
        for n in (13, 14, 15)
    },
    "russian_views.rendering.service_server.x__well_formed__mutmut_23": (
        "equivalent: a request without a umask is checked with a stand-in that need only "
        "pass 0 <= umask <= 0o777, which 0 and 1 both do (_serve_one applies its own default)"
    ),
    "russian_views.private.x_remove_stale__mutmut_3": (
        "equivalent: only scratch_folder makes entries in the (private) scratch folder, "
        'named by mkdtemp(prefix="PID-"), whose random part has no "-": partition and '
        "rpartition split such a name alike"
    ),
}
KILLED = {"killed", "timeout", "caught by type check"}
NOT_RUN = {"not checked", "skipped"}


def results() -> dict[str, str]:
    """Every mutant mutmut has a result for, and its status."""
    out = subprocess.run(
        [*MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    pairs = (line.strip().rsplit(": ", 1) for line in out.splitlines() if ": " in line)
    return dict(pair for pair in pairs if len(pair) == 2)


def of_target(statuses: dict[str, str], target: str) -> dict[str, str]:
    globs = TARGETS[target][1]
    return {n: s for n, s in statuses.items() if any(fnmatch.fnmatchcase(n, g) for g in globs)}


def score(target: str, statuses: dict[str, str]) -> tuple[str, list[str]]:
    """One line of the score table, and the target's surviving mutants."""
    mine = of_target(statuses, target)
    counts = Counter(mine.values())
    tested = sum(n for status, n in counts.items() if status not in NOT_RUN)
    killed = sum(counts[s] for s in KILLED)
    survivors = sorted(n for n, s in mine.items() if s not in KILLED | NOT_RUN)
    explained = [n for n in survivors if n in EXPLAINED]
    percent = f"{100 * killed / tested:5.1f} %" if tested else "  —   "
    line = (
        f"{target:<10} {percent}  {killed:>4} of {tested:<4} killed, "
        f"{len(explained)} explained  ({TARGETS[target][0]})"
    )
    return line, [n for n in survivors if n not in EXPLAINED]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--target", choices=sorted(TARGETS), action="append", help="run only these targets"
    )
    parser.add_argument("--score", action="store_true", help="print the score; run nothing")
    args = parser.parse_args(argv)
    targets = args.target or list(TARGETS)
    if not args.score:
        for target in targets:
            print(f"== {target}: {TARGETS[target][0]}", flush=True)
            subprocess.run([*MUTMUT, "run", *TARGETS[target][1]], check=False)
    statuses = results()
    left = []
    print("\nmutation score (killed of tested; `mutmut show NAME` shows a mutant):")
    for target in targets:
        line, survivors = score(target, statuses)
        print(line)
        left += survivors
    for name in left:
        print(f"  survived: {name}")
    stale = sorted(n for n in EXPLAINED if statuses.get(n) in KILLED)
    for name in stale:
        print(f"  explained in tools/mutate.py but no longer surviving: {name}")
    return 1 if left or stale else 0


if __name__ == "__main__":
    sys.exit(main())
