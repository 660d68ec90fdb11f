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
    """Distance from each geometry to the nearest geometry of a non-empty tree.

    Geometries that meet a target are at distance 0 and are found first by an
    ``intersects`` query, several times cheaper than a nearest-neighbour search; only the
    others are searched for their nearest target.
    """
    out = np.full(len(geoms), np.inf)
    hit, _ = tree.query(geoms, predicate="intersects")
    out[hit] = 0.0
    rest = np.flatnonzero(np.isinf(out))
    if len(rest) == 0:
        return out
    (left, _), dist = tree.query_nearest(geoms[rest], return_distance=True, all_matches=False)
    np.minimum.at(out, rest[left], dist)
    return out
