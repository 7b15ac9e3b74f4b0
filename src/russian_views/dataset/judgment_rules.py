"""Rules on written rows and on where records are filed: a key judgment or a sentence of
the view in brief is filed in a briefing that exists, holds a place of its own, rests on
records that concern its actor and carries no citation marker; an expectation is filed in
a briefing; a reviewer's own view exists only in a report or review.
"""

from __future__ import annotations

import re

from russian_views.dataset.schema import Schema
from russian_views.dataset.validate import Record
from russian_views.errors import Problem

# The written tables: the column holding each row's prose, and the one ordering the rows of
# a briefing.
WRITTEN = {"key_judgments": ("judgment", "rank"), "in_brief": ("text", "position")}
# The fields saying which actors a record of each table concerns.
_CONCERNS = {
    "claims": ("subject_id", "counterpart_id"),
    "events": ("actor_ids",),
    "expectations": ("subject_id", "briefing"),
    "developments": ("actor_ids",),
}
OVERVIEW = "overview"
# Citation markers a judgment must not carry: the evidence lives in its id columns.
_CITATION = re.compile(r"\[|¶|\b(?:c|e|x|s|kj)\d{2,}\b")


def _items(value: object) -> list[str]:
    """The ids of a "|"-separated list cell (none for an empty cell)."""
    return [i.strip() for i in str(value).split("|")] if value is not None else []


def evidence_columns(schema: Schema) -> dict[str, tuple[str, str]]:
    """The columns a written row names its evidence in, each with the table and key its ids
    point into, as the schema defines them (in schema order)."""
    return {column: ref for table in WRITTEN for column, ref in schema.tables[table].cited.items()}


def _concerned(
    evidence: dict[str, tuple[str, str]], records: dict[str, list[Record]]
) -> dict[str, dict[str, set[str]]]:
    """For each evidence table, the actors each record concerns, by record id."""
    out: dict[str, dict[str, set[str]]] = {}
    for table, key in evidence.values():
        out[table] = {
            str(r[key]): {a for f in _CONCERNS[table] for a in _items(r.get(f))}
            for r in records.get(table, [])
        }
    return out


def _families(actors: list[Record]) -> dict[str, set[str]]:
    """Each briefed actor with the actors whose parent it is (leaders, groups)."""
    return {
        str(a["actor_id"]): {str(a["actor_id"])}
        | {str(c["actor_id"]) for c in actors if c.get("parent_id") == a["actor_id"]}
        for a in actors
        if a.get("briefing")
    }


def _wording_problems(file: str, r: Record, field: str) -> list[Problem]:
    """Written prose is shown as it is: its evidence sits in the id columns, not in
    citation markers, and every quote it opens it closes."""
    text = str(r.get(field) or "")
    problems = []
    if _CITATION.search(text):
        problems.append(
            Problem(file, r["_row"], field, text, "carries a citation marker (use the id columns)")
        )
    if text.count("“") != text.count("”") or text.count('"') % 2:
        problems.append(Problem(file, r["_row"], field, text, "has unbalanced quote marks"))
    return problems


# Written tables filed in a briefing: (table, its prose field, its order field).


def judgment_problems(
    schema: Schema, records: dict[str, list[Record]], unreadable: set[str]
) -> list[Problem]:
    """Every written key judgment and summary sentence passes :func:`_written_problems`;
    every expectation is filed in a briefing that exists."""
    problems: list[Problem] = []
    evidence = evidence_columns(schema)
    for table, (field, order) in WRITTEN.items():
        problems += _written_problems(records, unreadable, evidence, table, field, order)
    families = _families(records.get("actors", []))
    for r in records.get("expectations", []):
        problems += _briefing_problems("expectations.csv", r, families, unreadable)
    return problems + _voice_problems(records)


# Tables whose rows carry a voice (view) and the source they are coded from.
_VOICED = ("claims", "expectations")


def _voice_problems(records: dict[str, list[Record]]) -> list[Problem]:
    """A reviewer's own judgment exists only in a report or review: in a Russian official's
    or expert's own text, the author's view is the Russian view itself."""
    kinds = {str(s["source_id"]): s.get("source_kind") for s in records.get("sources", [])}
    problems = []
    for table in _VOICED:
        for r in records.get(table, []):
            kind = kinds.get(str(r.get("source_id")))
            if r.get("view") == "reviewer" and kind not in (None, "review"):
                problems.append(
                    Problem(
                        f"{table}.csv",
                        r["_row"],
                        "view",
                        "reviewer",
                        f"is for reports and reviews; source {r['source_id']} is a {kind} "
                        "source, whose author's view is coded as moscow",
                    )
                )
    return problems


def _briefing_problems(
    file: str, r: Record, families: dict[str, set[str]], unreadable: set[str]
) -> list[Problem]:
    """The record is filed in a briefing that exists: a briefed actor or the overview."""
    briefing = str(r.get("briefing") or "")
    known = briefing == OVERVIEW or briefing in families or "actors" in unreadable
    if briefing and not known:
        choices = ", ".join([*sorted(families), OVERVIEW])
        return [Problem(file, r["_row"], "briefing", briefing, f"is not a briefing ({choices})")]
    return []


def _written_problems(
    records: dict[str, list[Record]],
    unreadable: set[str],
    evidence: dict[str, tuple[str, str]],
    table_name: str,
    prose: str,
    order: str,
) -> list[Problem]:
    """Each written row belongs to a briefing, holds a place (``order``) no other row of that
    briefing holds, rests on at least one record, and every record it cites concerns the
    briefed actor or one of its family (the overview may cite any record). Checks that need
    a table that could not be read are skipped: its own problem is already reported."""
    file = f"{table_name}.csv"
    families = _families(records.get("actors", []))
    concerned = _concerned(evidence, records)
    problems: list[Problem] = []
    ranks: dict[tuple[str, object], int] = {}
    for r in records.get(table_name, []):
        briefing = str(r.get("briefing") or "")
        problems += _wording_problems(file, r, prose)
        problems += _briefing_problems(file, r, families, unreadable)
        key = (briefing, r.get(order))
        if key in ranks and r.get(order) is not None:
            problems.append(
                Problem(
                    file,
                    r["_row"],
                    order,
                    str(r.get(order)),
                    f"repeats the {order} of row {ranks[key]} in briefing {briefing}",
                )
            )
        ranks.setdefault(key, r["_row"])
        if not any(_items(r.get(f)) for f in evidence):
            problems.append(
                Problem(file, r["_row"], "claim_ids", None, "no claim, event or expectation cited")
            )
        family = families.get(briefing)
        if family is None:
            continue
        for field, (table, _) in evidence.items():
            for item in _items(r.get(field)):
                actors = concerned[table].get(item)
                if actors is not None and table not in unreadable and not actors & family:
                    problems.append(
                        Problem(
                            file,
                            r["_row"],
                            field,
                            item,
                            f"does not concern {briefing} or an actor of its family",
                        )
                    )
    return problems
