"""Planning-table attributes as users write them: numbers, and the floor area from its parts.

Column names are mapped onto the site-plan format by the catalogue's ``column_aliases``
(总建筑面积, 地上层数, 地下层数, 户数 ...); this module turns the mapped columns into numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from baseline.io.values import read_numbers

NUMERIC_ATTRIBUTES = (
    "gfa_m2",
    "gfa_above_m2",
    "gfa_below_m2",
    "floors",
    "underground_floors",
    "households",
    "seats",
    "site_area_m2",
    "height_m",
)
"""Project and building attributes that are numbers."""


def with_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The numeric attributes as numbers (NaN when absent); ``gfa_m2`` from its parts.

    A planning table may give the floor area above and below ground (地上/地下建筑面积)
    instead of the total (总建筑面积); the total is their sum when both are given.

    Parameters
    ----------
    frame : pandas.DataFrame
        Projects or buildings with the format's column names.

    Returns
    -------
    pandas.DataFrame
        A copy with every column of :data:`NUMERIC_ATTRIBUTES` as floats.
    """
    out = frame.copy()
    for col in NUMERIC_ATTRIBUTES:
        out[col] = read_numbers(out[col]).values if col in out else np.nan
    parts = out["gfa_above_m2"] + out["gfa_below_m2"]
    out["gfa_m2"] = out["gfa_m2"].fillna(parts)
    return out
