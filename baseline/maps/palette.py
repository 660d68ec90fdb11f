"""The colours every map and chart shares: statuses, co-build kinds, covered shares.

Plain values without folium, so the HTML report (command line) and the web map (app) draw
a failing fitting or an uncovered cell in the same colour.

Statuses use the Okabe–Ito colour-blind-safe colours (vermilion, yellow, bluish green,
grey) and a glyph each, so they read without colour; covered shares use a single-hue
purple ramp (dark = uncovered), which shares no hue with the statuses.

The workspace's layers keep apart from both: a project's stage is a ring around its status
marker in a blue ramp (light on paper, dark at acceptance) whose line also changes (dotted,
dashed, solid, double), so the stage reads without colour; an opportunity is a diamond (a
line from the street zoom on) in a magenta ramp as it moves towards built, grey once
declined or expired.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

STATUS_COLOURS = {
    "pass": "#009e73",
    "warn": "#f0e442",
    "fail": "#d55e00",
    "not_applicable": "#999999",
}
STATUS_GLYPHS = {"pass": "✓", "warn": "!", "fail": "✕", "not_applicable": "–"}
STATUS_ORDER = ("fail", "warn", "pass", "not_applicable")
KIND_COLOURS = {
    "shared_trench": "#cc79a7",
    "colocate": "#56b4e9",
    "new_shared_site": "#0072b2",
    "pole_mount": "#8c510a",
}
PROJECT_COLOUR = "#3060a0"
BUILDING_COLOUR = "#777777"
"""A building with no failing rule (a failing one is drawn in ``STATUS_COLOURS["fail"]``)."""
STAGE_COLOURS = {
    "planning": "#6baed6",
    "design": "#3182bd",
    "construction": "#08519c",
    "acceptance": "#08306b",
}
STAGE_BORDERS = {
    "planning": "dotted",
    "design": "dashed",
    "construction": "solid",
    "acceptance": "double",
}
STATE_COLOURS = {
    "identified": "#f1b6da",
    "proposed": "#de77ae",
    "accepted": "#c51b7d",
    "built": "#8e0152",
    "declined": "#525252",
    "expired": "#bdbdbd",
}
# five bands of covered share, as the coverage chart counts them: 0-20 %, ..., 80-100 %
SHARE_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
GRID_COLOURS = ("#54278f", "#756bb1", "#9e9ac8", "#cbc9e2", "#f2f0f7")
GAP_COLOUR = GRID_COLOURS[0]


def grid_class(fraction: Any) -> Any:
    """Index into :data:`GRID_COLOURS` of a covered fraction 0..1 (a number or an array).

    The bands are those of :data:`SHARE_EDGES`: each holds shares above its lower edge up
    to its upper one, the first also share 0.

    Examples
    --------
    >>> grid_class(np.array([0.0, 0.2, 0.21, 0.5, 1.0])).tolist()
    [0, 0, 1, 2, 4]
    """
    steps = len(GRID_COLOURS)
    k = np.ceil(np.round(np.asarray(fraction, dtype=float) * steps, 9)).astype(int) - 1
    return np.clip(k, 0, steps - 1)


def band_label(k: int) -> str:
    """The covered shares of band ``k``, e.g. ``"20–40 %"``.

    Examples
    --------
    >>> band_label(0)
    '0–20 %'
    """
    return f"{SHARE_EDGES[k] * 100:.0f}–{SHARE_EDGES[k + 1] * 100:.0f} %"


def grid_colour(fraction: float) -> str:
    """Dark purple (uncovered) to near white (covered) for a covered fraction 0..1."""
    return GRID_COLOURS[int(grid_class(fraction))]


def fitting_status(failing: pd.Series) -> pd.Series:
    """``fail`` for fittings of a failed rule, ``pass`` for the others (keys of the colours).

    Examples
    --------
    >>> fitting_status(pd.Series([True, False])).tolist()
    ['fail', 'pass']
    """
    return failing.astype(bool).map({True: "fail", False: "pass"})
