"""Every path the package uses, in one place (cookiecutter-data-science style).

The package is installed editable from the repository, so the data, notebooks and
reports folders are found relative to it. ``RUSSIAN_VIEWS_DATA`` points the package
at another copy of the data (tests use it for broken-data cases).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parents[1]
DATA_DIR = Path(os.environ.get("RUSSIAN_VIEWS_DATA", PROJECT_ROOT / "data"))
SOURCES_DIR = DATA_DIR / "sources"
SCHEMA_PATH = DATA_DIR / "schema.yml"
DATAPACKAGE_PATH = DATA_DIR / "datapackage.json"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "rendering" / "templates"

ACTOR_NOTEBOOK = NOTEBOOKS_DIR / "actor_briefing.ipynb"
OVERVIEW_NOTEBOOK = NOTEBOOKS_DIR / "overview.ipynb"
COMPARE_NOTEBOOK = NOTEBOOKS_DIR / "compare.ipynb"

# The Jupyter kernel every notebook names and every render runs on: `make install` installs
# it into .venv (`python -m ipykernel install --sys-prefix --name russian-views`).
KERNEL_NAME = "russian-views"
# The papermill engine renders use (rendering/engine.py, registered under this name through
# papermill's entry point in pyproject.toml).
PAPERMILL_ENGINE = "russian-views"
# Build products that are slow to make and never change for given versions (the charts'
# JavaScript bundle); RUSSIAN_VIEWS_CACHE moves it.
CACHE_DIR = Path(
    os.environ.get(
        "RUSSIAN_VIEWS_CACHE",
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "russian-views",
    )
)
# The setting that chose CACHE_DIR, named when that folder cannot be trusted.
CACHE_SETTING = next(
    (name for name in ("RUSSIAN_VIEWS_CACHE", "XDG_CACHE_HOME") if os.environ.get(name)), "HOME"
)
# A filled worksheet remove-source deletes is kept here first (hours of coding).
REMOVED_WORKSHEETS_DIR = CACHE_DIR / "removed-worksheets"
# The exercise notebook's blank worksheets, unless the instructor names a folder.
EXERCISE_DIR = CACHE_DIR / "exercise"
