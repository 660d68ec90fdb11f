"""The shared stretch: the length of street both members of a pair dig.

Along one member's dig line, the stretch runs between the points where the other begins and
ends alongside it: the other's part within the matching reach is projected onto the line
(linear referencing, :func:`shapely.line_locate_point`), and the stretch is the line between
the smallest and largest of those positions (:func:`shapely.ops.substring`). This is done both
ways and the shorter kept, so the stretch is never extended by the buffer (a crossing street
projects onto one point) and never longer than either member's own length there. "One line
within the buffer of the other" is not it: that adds a buffer's length at each end.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.ops import substring

_LINES = (1, 5)


def _as_line(g: Any) -> Any:
    """A LineString for a line: a MultiLineString merged, else its longest part."""
    if shapely.get_type_id(g) != 5:
        return g
    merged = shapely.line_merge(g)
    if shapely.get_type_id(merged) == 1:
        return merged
    parts = shapely.get_parts(merged)
    return parts[int(np.argmax(shapely.length(parts)))]


def stretch(a: Any, b: Any, reach: float) -> tuple[Any, float]:
    """The stretch both dig lines ``a`` and ``b`` share within ``reach``, and its length.

    Returns ``(None, 0.0)`` when either is not a line or they run alongside on no length;
    one pair of :func:`stretches`.
    """
    geoms, lengths = stretches(
        np.array([a], dtype=object), np.array([b], dtype=object), np.array([reach], float)
    )
    return geoms[0], float(lengths[0])


def _positions_many(
    line: np.ndarray, other: np.ndarray, reach: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_positions` of each pair at once: the same GEOS calls over arrays."""
    near = shapely.intersection(other, shapely.buffer(line, reach, quad_segs=2))
    coords, which = shapely.get_coordinates(near, return_index=True)
    lo = np.full(len(line), np.inf)
    hi = np.full(len(line), -np.inf)
    if len(coords):
        where = shapely.line_locate_point(line[which], shapely.points(coords))
        np.minimum.at(lo, which, where)
        np.maximum.at(hi, which, where)
    none = ~np.isfinite(lo)
    lo[none], hi[none] = 0.0, 0.0
    return lo, hi


def _lines(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs where both are non-empty lines, and those lines as LineStrings."""
    ok = np.array([x is not None and y is not None for x, y in zip(a, b, strict=True)], bool)
    at = np.flatnonzero(ok)
    at = at[
        np.isin(shapely.get_type_id(a[at]), _LINES) & np.isin(shapely.get_type_id(b[at]), _LINES)
    ]
    la = np.array([_as_line(g) for g in a[at]], dtype=object)
    lb = np.array([_as_line(g) for g in b[at]], dtype=object)
    full = ~shapely.is_empty(la) & ~shapely.is_empty(lb) if len(at) else np.zeros(0, bool)
    return at[full], la[full], lb[full]


def stretches(a: np.ndarray, b: np.ndarray, reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`stretch` of each pair: the stretch geometries (None where none) and lengths.

    The positions are found for all pairs at once; only the stretches that exist are cut
    out one by one (:func:`shapely.ops.substring` has no array form).
    """
    geoms = np.full(len(a), None, dtype=object)
    lengths = np.zeros(len(a))
    at, la, lb = _lines(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
    if not len(at):
        return geoms, lengths
    r = np.asarray(reach, float)[at]
    a0, a1 = _positions_many(la, lb, r)
    b0, b1 = _positions_many(lb, la, r)
    along_a, length = a1 - a0, np.minimum(a1 - a0, b1 - b0)
    trim = along_a > length  # a's stretch cut to the shorter measure, centred
    mid = (a0 + a1) / 2
    a0 = np.where(trim, mid - length / 2, a0)
    a1 = np.where(trim, mid + length / 2, a1)
    for k in np.flatnonzero(length > 0).tolist():
        geoms[at[k]] = substring(la[k], a0[k], a1[k])
        lengths[at[k]] = float(length[k])
    return geoms, lengths
