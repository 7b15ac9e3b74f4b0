"""Section titles are defined once (briefings/sections.py): the notebooks' headings are
those titles, so every cross-reference lands on a heading that exists."""

from __future__ import annotations

import json
import re

import pytest

from russian_views import config
from russian_views.briefings import sections


def headings(notebook: str) -> list[str]:
    cells = json.loads((config.NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text("utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.findall(r"^#{1,2}\s+(.+?)\s*$", text, re.M)


@pytest.mark.parametrize("notebook", ["actor_briefing", "overview"])
def test_every_heading_is_a_section_title_and_the_body_comes_first(notebook: str):
    found = headings(notebook)
    assert set(found) <= set(sections.TITLES.values()), set(found) - set(sections.TITLES.values())
    body = list(sections.BODY.values())
    assert found[: len(body)] == body
    assert found[len(body)] == sections.ANNEX["annex"]


def test_a_cross_reference_links_to_the_anchor_of_its_heading():
    link = str(sections.link("wants"))
    assert link == '<a href="#Russian-prescriptions" class="xref">Russian prescriptions</a>'
