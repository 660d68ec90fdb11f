"""The colours every map and chart shares: statuses, co-build kinds, covered shares.

Plain values without folium, so the HTML report (command line) and the web map (app) draw
a failing fitting or an uncovered cell in the same colour.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

STATUS_COLOURS = {"pass": "#1a9850", "warn": "#f39c12", "fail": "#d73027", "not_applicable": "#999"}
KIND_COLOURS = {
    "shared_trench": "#6a3d9a",
    "colocate": "#1f78b4",
    "new_shared_site": "#e31a1c",
    "pole_mount": "#ff7f00",
}
PROJECT_COLOUR = "#3060a0"
GRID_COLOURS = ("#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850")


def grid_class(fraction: Any) -> Any:
    """Index into :data:`GRID_COLOURS` of a covered fraction 0..1 (a number or an array).

    Examples
    --------
    >>> grid_class(np.array([0.0, 0.09, 0.11, 0.5, 1.0])).tolist()
    [0, 0, 1, 3, 5]
    """
    steps = len(GRID_COLOURS) - 1
    return np.clip((np.asarray(fraction) * steps + 0.5).astype(int), 0, steps)


def grid_colour(fraction: float) -> str:
    """Red (uncovered) to green (covered) for a covered fraction 0..1."""
    return GRID_COLOURS[int(grid_class(fraction))]


def fitting_status(failing: pd.Series) -> pd.Series:
    """``fail`` for fittings of a failed rule, ``pass`` for the others (keys of the colours).

    Examples
    --------
    >>> fitting_status(pd.Series([True, False])).tolist()
    ['fail', 'pass']
    """
    return failing.astype(bool).map({True: "fail", False: "pass"})
