"""Small spatial helpers shared by the rule kinds, the asset index and co-build."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely


def nearest_distance(geoms: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Distance from each geometry to the nearest target (inf when there are none)."""
    out = np.full(len(geoms), np.inf)
    targets = targets[~shapely.is_empty(targets) & ~pd.isna(targets)]
    if len(targets) == 0 or len(geoms) == 0:
        return out
    return nearest_in(shapely.STRtree(targets), geoms)


def nearest_in(tree: shapely.STRtree, geoms: np.ndarray) -> np.ndarray:
    """Distance from each geometry to the nearest geometry of a non-empty tree."""
    out = np.full(len(geoms), np.inf)
    (left, _), dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    np.minimum.at(out, left, dist)
    return out
