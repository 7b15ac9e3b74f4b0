"""The package says what it needs: every package it imports is declared, every file it
opens from its own folder is package data, and everything else it opens is the checkout's
(data/, notebooks/, reports/), as the README says."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from russian_views import config

PROJECT = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))
CHECKOUT_FOLDERS = {"data", "notebooks", "reports"}


def _name(requirement: str) -> str:
    """A requirement's distribution name, normalised as pip does (- _ . alike, any case)."""
    match = re.match(r"\s*([A-Za-z0-9_.-]+)", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def imported_packages(folder: Path) -> dict[str, set[str]]:
    """Each top-level package the modules under ``folder`` import (at any depth of their
    code, not the standard library's), and the files importing it."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "russian_views":
                    found.setdefault(top, set()).add(path.relative_to(folder).as_posix())
    return found


def test_every_package_the_code_imports_is_a_declared_requirement():
    """An import of a package that only arrives with another (numpy with pandas, tornado
    with Voilà) breaks the day that other stops bringing it: each is declared itself."""
    declared = {_name(r) for r in PROJECT["project"]["dependencies"]}
    distributions = packages_distributions()
    missing = {}
    for package, files in imported_packages(config.PACKAGE_DIR).items():
        names = {_name(d) for d in distributions.get(package, [package])}
        if not names & declared:
            missing[package] = sorted(files)
    assert not missing, f"imported but not in pyproject.toml dependencies: {missing}"


def test_the_import_check_sees_imports_anywhere(tmp_path: Path):
    (tmp_path / "m.py").write_text(
        "import os\nfrom . import x\n"
        "def f():\n    import numpy.linalg\n    from yaml import safe_load\n"
    )
    assert imported_packages(tmp_path) == {"numpy": {"m.py"}, "yaml": {"m.py"}}


def test_every_file_of_the_package_folder_is_package_data():
    """A wheel carries the package's own files only when package-data names them (the
    coding page's notebook was once left out, so only an editable install worked)."""
    patterns = PROJECT["tool"]["setuptools"]["package-data"]["russian_views"]
    shipped = {p for pattern in patterns for p in config.PACKAGE_DIR.glob(pattern) if p.is_file()}
    files = {
        p
        for p in config.PACKAGE_DIR.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert files, "the package has data files"
    assert sorted(files - shipped) == []


def test_every_other_path_the_package_opens_is_a_folder_of_the_checkout():
    """What the package opens outside its own folder is the checkout's data/, notebooks/ or
    reports/, and the README says the package runs from its checkout."""
    paths = [v for v in vars(config).values() if isinstance(v, Path)]
    outside = [
        p.relative_to(config.PROJECT_ROOT).parts[0]
        for p in paths
        if p.is_relative_to(config.PROJECT_ROOT)
        and not p.is_relative_to(config.PACKAGE_DIR)
        and not p.is_relative_to(config.CACHE_DIR)  # the user's cache (the tests' is here)
        and p != config.PROJECT_ROOT
    ]
    assert set(outside) == CHECKOUT_FOLDERS
    readme = (config.PROJECT_ROOT / "README.md").read_text("utf-8")
    (line,) = [p for p in readme.split("\n\n") if "runs from its checkout" in p]
    assert all(f"`{folder}/`" in line for folder in CHECKOUT_FOLDERS), line
