"""Krippendorff's alpha, the one wrapper every agreement report uses, and how to read it.

The statistic comes from the maintained ``krippendorff`` package; this module only says
when it is undefined (no variation among the values that can be paired: alpha is then
0/0, which the package would report as NaN or a warning) and how to read a value.
"""

from __future__ import annotations

from collections.abc import Sequence

import krippendorff
import numpy as np

# Krippendorff (2004), Content Analysis, 2nd ed., p. 241: rely on variables with
# alpha >= .800; consider those with .667 <= alpha < .800 for tentative conclusions only.
RELIABLE, TENTATIVE = 0.800, 0.667
# Below this many units a single disagreement swings alpha by a tenth or more, so no
# reliability label is given (Krippendorff's own minimum samples run far larger).
MIN_UNITS = 20
CONVENTION = (
    "Krippendorff's alpha measures agreement beyond chance: 1 is perfect agreement, 0 is "
    "no better than two coders answering at random with the same mix of codes, below 0 "
    "is worse. Raw agreement can be high while alpha is 0: when one code dominates, "
    "chance alone agrees that often. Convention (Krippendorff 2004): at least 0.800 to "
    f"rely on a coding, at least 0.667 for tentative conclusions only, judged on at least "
    f"{MIN_UNITS} units."
)


def krippendorff_alpha(matrix: Sequence[Sequence[float]], level: str = "nominal") -> float | None:
    """Alpha of a coders × units matrix (NaN: that coder gave no value there), or None
    when the values that can be paired (two or more on a unit) show no variation.

    On the ordinal level the values are the codebook's scores: the package orders them
    by value, and only the frequencies of the values used count toward a distance, so
    no value domain is needed."""
    data = np.array(matrix)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    if len(np.unique(pairable[~np.isnan(pairable)])) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def verdict(value: float | None, units: int) -> str:
    """Krippendorff's reading of an alpha value, withheld on too few units."""
    if value is None:
        return "undefined"
    if units < MIN_UNITS:
        return f"no label: under {MIN_UNITS} units"
    if value >= RELIABLE:
        return "reliable"
    return "tentative" if value >= TENTATIVE else "unreliable"


def alpha_text(value: float | None, units: int) -> str:
    """An alpha with its reading (``0.726  no label: under 20 units``), or "-" for none."""
    if not units:
        return "-"
    label = verdict(value, units)
    return label if value is None else f"{value:.3f}  {label}"


def csv_number(value: float | None, digits: int = 3) -> float | str:
    """A number for a CSV cell, rounded, written as a number (a negative alpha is -0.085,
    never text); empty when there is none."""
    return "" if value is None else round(value, digits)
