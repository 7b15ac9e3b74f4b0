"""environment.yml (conda) and pyproject.toml (pip) list the same packages at the same
bounds: one set of dependencies, written twice for two installers, kept equal by this test."""

from __future__ import annotations

import re
import tomllib

import yaml

from russian_views import config


def _normal(requirement: str) -> tuple[str, str]:
    """A requirement as (name, bounds), the name normalised as pip does (- _ . alike)."""
    match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(.*)", requirement.split("#")[0])
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2).replace(" ", "")


def test_environment_yml_and_pyproject_list_the_same_packages():
    project = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))
    pip = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["dev"]
    conda = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text("utf-8"))
    listed = [d for d in conda["dependencies"] if isinstance(d, str)]
    wanted = dict(_normal(r) for r in pip)
    have = {name: bounds for name, bounds in map(_normal, listed) if name not in ("python", "pip")}
    assert have == wanted
