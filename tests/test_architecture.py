"""The package's layout rules hold: import-linter's contracts in pyproject.toml.

The contracts (``[tool.importlinter]``): the folders form layers, each importing only the
ones below it; nothing imports the CLI but ``__main__``; no modules import one another in a
circle, at any depth. Every import counts, wherever it is written, so the one circle left
(listed in the contract) must stay under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

import russian_views

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(russian_views.__file__).parent
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def lint_imports(root: Path, src: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the package found first in ``src``, with ``root``'s contracts."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=root, env=env, capture_output=True, text=True
    )


def test_the_package_keeps_its_import_contracts():
    result = lint_imports(ROOT, PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(contracts())} kept, 0 broken" in result.stdout


def test_each_contract_catches_the_import_that_breaks_it(tmp_path: Path):
    """A copy of the package with three bad imports: a low layer importing a high one, a
    module importing the CLI, two sibling modules importing each other. Each contract
    reports its own."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(PACKAGE, tmp_path / "src" / "russian_views")
    package = tmp_path / "src" / "russian_views"

    def add(module: str, line: str) -> None:
        path = package.joinpath(*module.split(".")).with_suffix(".py")
        path.write_text(path.read_text("utf-8") + f"\n{line}\n", "utf-8")

    add("dataset.load", "from russian_views.rendering import cache as _layer_breach")
    add("briefings.markup", "from russian_views import cli as _cli_import")
    add("rendering.render", "from russian_views.rendering import index as _circle")
    result = lint_imports(tmp_path, tmp_path / "src")
    assert result.returncode == 1
    report = result.stdout
    assert "0 kept, 3 broken" in report, report
    assert "russian_views.dataset.load -> russian_views.rendering.cache" in report
    assert "russian_views.briefings.markup -> russian_views.cli" in report
    assert "in russian_views.rendering" in report and ".render -> .index" in report


def test_the_circle_left_is_only_for_type_checking():
    """Each import the cycle contract ignores is written under TYPE_CHECKING: without the
    imports made only for type checking, the package has no circle to ignore."""
    (ignored,) = [c["ignore_imports"] for c in contracts() if c["type"] == "acyclic_siblings"]
    at_run_time = grimp.build_graph(
        "russian_views", exclude_type_checking_imports=True, cache_dir=None
    )
    every_import = grimp.build_graph("russian_views", cache_dir=None)
    for line in ignored:
        importer, imported = (part.strip() for part in line.split("->"))
        assert every_import.direct_import_exists(importer=importer, imported=imported), (
            f"{line} is gone: take it off ignore_imports"
        )
        assert not at_run_time.direct_import_exists(importer=importer, imported=imported), (
            f"{line} is now imported at run time: a real circle"
        )
