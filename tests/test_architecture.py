"""The package's modules import one another without a circle.

A circle of imports works only while every import in it stays inside a function or under
``TYPE_CHECKING``, and one moved to the top breaks the package at import time; it also
means neither module can be understood, tested or moved without the other. So every
import of ``russian_views.*`` counts here, wherever it stands in its module: at the top,
inside a function, under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import russian_views

PACKAGE = Path(russian_views.__file__).parent
NAME = "russian_views"

# The one circle left, and why: the briefing's section helpers take the Briefing they
# write for, named under TYPE_CHECKING only (base.py imports them to call them). These
# files are outside the rendering code this check was written with; the edges are listed
# one by one, so a new circle through them still fails, and an edge that goes away (or
# becomes an import at run time) must be taken off this list.
ALLOWED = {
    ("russian_views.briefings.annex", "russian_views.briefings.base"),
    ("russian_views.briefings.body", "russian_views.briefings.base"),
    ("russian_views.briefings.forecasts", "russian_views.briefings.base"),
    ("russian_views.briefings.scorecard", "russian_views.briefings.base"),
}


@dataclass(frozen=True)
class Edge:
    """One import of a module of the package by another, and where it is written."""

    source: str
    target: str
    line: int
    type_checking: bool

    def __str__(self) -> str:
        where = "/".join(self.source.split(".")[1:]) or "__init__"
        return f"{self.source} -> {self.target} ({where}.py:{self.line})"


def module_names() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = [NAME, *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """The lines inside an ``if TYPE_CHECKING:`` block."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Edge]:
    """The package's modules that ``name`` imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    checking = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package this module is in, level - 1 up
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # ``from a import b`` imports module a.b if there is one, else a name of a.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # ``import a.b.c`` of a name: its module
                target = target.rpartition(".")[0]
            if target.startswith(NAME) and target != name:
                edges.append(Edge(name, target, node.lineno, node.lineno in checking))
    return edges


def import_graph() -> dict[str, list[Edge]]:
    """Each module of the package and its imports of the package's modules."""
    modules = module_names()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, list[Edge]]) -> list[list[Edge]]:
    """One circle of imports in each group of modules that import one another (a strongly
    connected component), as the edges that close it, shortest first found."""
    targets = {name: {e.target for e in edges} for name, edges in graph.items()}
    found = []
    for group in _components(targets):
        start = min(group)
        found.append(_shortest_circle(start, graph, group))
    return found


def _components(targets: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(targets[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(targets):
        if node not in index:
            visit(node)
    return groups


def _shortest_circle(start: str, graph: dict[str, list[Edge]], group: set[str]) -> list[Edge]:
    """The shortest way from ``start`` back to itself within ``group``, edge by edge."""
    came_by: dict[str, Edge] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in graph[node]:
            if edge.target not in group or edge.target in came_by:
                continue
            came_by[edge.target] = edge
            if edge.target == start:
                path = [edge]
                while path[0].source != start:
                    path.insert(0, came_by[path[0].source])
                return path
            queue.append(edge.target)
    raise AssertionError(f"{start} is in a component but on no circle")


def without_allowed(graph: dict[str, list[Edge]]) -> dict[str, list[Edge]]:
    return {
        name: [e for e in edges if (e.source, e.target) not in ALLOWED]
        for name, edges in graph.items()
    }


def describe(circle: list[Edge]) -> str:
    names = " -> ".join([circle[0].source, *(e.target for e in circle)])
    return f"{names}\n" + "\n".join(f"    {e}" for e in circle)


def test_no_module_of_the_package_imports_itself_in_a_circle():
    found = cycles(without_allowed(import_graph()))
    assert not found, "import cycles:\n" + "\n".join(describe(c) for c in found)


def test_the_allowed_circle_is_still_there_and_only_for_type_checking():
    edges = {(e.source, e.target): e for es in import_graph().values() for e in es}
    for pair in sorted(ALLOWED):
        assert pair in edges, f"{pair} is gone: take it off ALLOWED"
        assert edges[pair].type_checking, f"{edges[pair]} is now a run-time import"


def test_imports_anywhere_count(tmp_path: Path, monkeypatch):
    """An import inside a function, under TYPE_CHECKING or relative is an edge, and a circle
    through them is found and named with each import's line."""
    package = tmp_path / NAME
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from russian_views.sub import b\n")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import X\n"
    )
    (package / "sub" / "c.py").write_text("import russian_views.a\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    [circle] = cycles(import_graph())
    assert describe(circle).splitlines()[0] == (
        "russian_views.a -> russian_views.sub.b -> russian_views.sub.c -> russian_views.a"
    )
    assert [(e.line, e.type_checking) for e in circle] == [(2, False), (3, True), (1, False)]
