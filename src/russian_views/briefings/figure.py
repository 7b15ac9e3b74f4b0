"""A figure as a briefing prints and shows it: a chart drawn offline, twice over.

Each figure carries its chart twice: as static SVG drawn by vl-convert in the kernel (what
WeasyPrint prints and what a reader with scripts off sees) and as the Vega-Lite spec in a
JSON data block, which the page's one inlined vega-embed bundle draws as the interactive
view (tooltips, zoom, legend filters) with no network. Both come from the same spec, so they
show the same picture. The chart builders are in :mod:`.charts`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property

import altair as alt
import vl_convert

from russian_views.briefings.markup import Html, join, tag

# The Vega-Lite version Altair writes; the SVG and the page's JavaScript bundle both use it,
# so the static and the interactive chart are drawn by the same library version.
VL_VERSION = "v" + ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# Class of the JSON block holding a figure's spec: the exporter looks for it to decide
# whether a page needs the chart bundle, and the page's loader draws each one.
SPEC_CLASS = "chart-spec"
# Characters that could end a <script> element or open a comment in it; JSON's \u escapes
# keep every data value inert however it is written.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
# Whether a figure carries its static SVG (for print, and for a page whose script does not
# run). The explorer's on-screen page does without: the browser draws every chart from its
# spec, so a redraw does not pay vl-convert (its Save buttons run a full render).
_STATIC_SVG: ContextVar[bool] = ContextVar("static_svg", default=True)
# An id defined in a Vega SVG (clip paths, gradients) or a reference to one.
_SVG_ID = re.compile(r'(?<=\sid=")[^"]+|(?<=url\(#)[^)]+')


@dataclass(frozen=True)
class Figure:
    """A numbered chart with caption and text alternative: static SVG plus interactive spec."""

    chart: alt.TopLevelMixin
    number: int
    caption: str
    alt_text: str

    @cached_property
    def _spec(self) -> dict:
        return {**self.chart.to_dict(validate=False), "description": self.alt_text}

    def spec(self) -> dict:
        """The Vega-Lite spec, described by the text alternative (Vega puts it in aria-label).

        Built once per figure and shared by the SVG and the JSON (read-only), without
        Altair's validation against the Vega-Lite schema, the costliest step after drawing:
        the charts are fixed code, and a test validates every figure of every briefing."""
        return self._spec

    def spec_json(self) -> str:
        """The spec as JSON that is safe inside ``<script>``: data values cannot close it."""
        text = json.dumps(self.spec(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.translate(_JSON_ESCAPES)

    def svg(self) -> str:
        """The chart drawn as SVG, with the text alternative attached for screen readers."""
        svg = vl_convert.vegalite_to_svg(self.spec(), vl_version=VL_VERSION)
        label = Html('<svg role="img" aria-label="{}"').format(self.alt_text)
        return _scoped_ids(svg, f"figure-{self.number}").replace("<svg", label, 1)

    def _repr_html_(self) -> str:
        number = tag("span", f"Figure {self.number}.", class_="fignum")
        caption = tag("figcaption", join([number, self.caption], " "))
        alt_text = tag("p", self.alt_text, class_="alt-text")
        # The spec is JSON made safe for <script> by spec_json, not text: it is kept as is.
        spec = tag("script", Html(self.spec_json()), type="application/json", class_=SPEC_CLASS)
        view = tag("div", class_="chart-view")
        if not _STATIC_SVG.get():
            return tag("figure", join([view, spec, caption, alt_text]), class_="chart")
        # The SVG comes from vl-convert, drawn from the escaped spec: markup by construction.
        static = tag("div", Html(self.svg()), class_="chart-static")
        return tag("figure", join([view, static, spec, caption, alt_text]), class_="chart")


@contextmanager
def drawn_in_the_browser() -> Iterator[None]:
    """Figures made inside this block carry no static SVG: the page's script draws them."""
    token = _STATIC_SVG.set(False)
    try:
        yield
    finally:
        _STATIC_SVG.reset(token)


def _scoped_ids(svg: str, prefix: str) -> str:
    """Rename the SVG's ids by order of appearance under a per-figure prefix.

    Vega numbers clip paths and gradients with a counter that runs on across charts (so the
    same chart drew with other ids on a second call) and restarts in the browser's Vega,
    whose ids would then clash with the static SVG's on the same page.
    """
    names: dict[str, str] = {}
    for old in _SVG_ID.findall(svg):
        names.setdefault(old, f"{prefix}-{old.rstrip('0123456789_')}-{len(names) + 1}")
    return _SVG_ID.sub(lambda match: names[match.group(0)], svg)
