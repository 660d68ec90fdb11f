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


def _positions(line: Any, other: Any, reach: float) -> tuple[float, float]:
    """Smallest and largest position along ``line`` of ``other``'s part within ``reach``."""
    near = shapely.intersection(other, shapely.buffer(line, reach, quad_segs=2))
    if near.is_empty:
        return 0.0, 0.0
    pts = shapely.points(shapely.get_coordinates(near))
    where = shapely.line_locate_point(line, pts)
    return float(where.min()), float(where.max())


def _along(line: Any, other: Any, reach: float) -> tuple[float, float, float]:
    """(start, end, length) of the stretch of ``line`` (a LineString) alongside ``other``."""
    lo, hi = _positions(line, other, reach)
    return lo, hi, hi - lo


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

    Returns ``(None, 0.0)`` when either is not a line or they run alongside on no length.
    """
    if a is None or b is None or not all(np.isin(shapely.get_type_id([a, b]), _LINES)):
        return None, 0.0
    a, b = _as_line(a), _as_line(b)
    if a.is_empty or b.is_empty:
        return None, 0.0
    a0, a1, along_a = _along(a, b, reach)
    _, _, along_b = _along(b, a, reach)
    length = min(along_a, along_b)
    if length <= 0:
        return None, 0.0
    if along_a > length:  # trim a's stretch to the shorter measure, centred
        mid = (a0 + a1) / 2
        a0, a1 = mid - length / 2, mid + length / 2
    return substring(a, a0, a1), float(length)


def stretches(a: np.ndarray, b: np.ndarray, reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`stretch` of each pair: the stretch geometries (None where none) and lengths."""
    geoms = np.empty(len(a), dtype=object)
    lengths = np.zeros(len(a))
    for k in range(len(a)):
        geoms[k], lengths[k] = stretch(a[k], b[k], float(reach[k]))
    return geoms, lengths
