"""The shared stretch: the length of street both members of a pair dig.

Along one member's dig line, the stretch runs between the points where the other begins and
ends alongside it: the other's part within the matching reach is projected onto the line
(linear referencing, :func:`shapely.line_locate_point`), and the stretch is the line between
the smallest and largest of those positions (:func:`shapely.ops.substring`). This is done both
ways and the shorter kept, so the stretch is never extended by the buffer (a crossing street
projects onto one point) and never longer than either member's own length there. "One line
within the buffer of the other" is not it: that adds a buffer's length at each end.

Many pairs share a work: :func:`stretches_among` merges each work's line and buffers it by a
reach once, then runs the same GEOS calls over all pairs at once; the stretches are cut as
:func:`shapely.ops.substring` cuts them, over arrays (:func:`substrings`).
"""

from __future__ import annotations

from itertools import pairwise
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


def stretches(a: np.ndarray, b: np.ndarray, reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`stretch` of each pair ``(a[k], b[k])``.

    Returns the stretch geometries (None where none) and their lengths.
    """
    n = len(a)
    both = np.concatenate([np.asarray(a, dtype=object), np.asarray(b, dtype=object)])
    return stretches_among(both, np.arange(n), np.arange(n, 2 * n), reach)


def _lines_of(dig: np.ndarray, used: np.ndarray) -> np.ndarray:
    """The LineString each of ``dig[used]`` digs along (None where it digs no line)."""
    out = np.full(len(dig), None, dtype=object)
    given = np.array([dig[k] is not None for k in used.tolist()], dtype=bool)
    at = used[given]
    at = at[np.isin(shapely.get_type_id(dig[at]), _LINES)]
    line = dig[at].copy()
    for k in np.flatnonzero(shapely.get_type_id(line) == 5).tolist():
        line[k] = _as_line(line[k])
    full = ~shapely.is_empty(line)
    out[at[full]] = line[full]
    return out


def _grown(line: np.ndarray, idx: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """``shapely.buffer(line[idx], reach, quad_segs=2)``, each work buffered once per reach."""
    if not len(idx):
        return np.empty(0, dtype=object)
    reaches, which = np.unique(reach, return_inverse=True)
    keys, back = np.unique(idx * len(reaches) + which.ravel(), return_inverse=True)
    zones = shapely.buffer(line[keys // len(reaches)], reaches[keys % len(reaches)], quad_segs=2)
    return zones[back.ravel()]


def _positions(line: np.ndarray, other: np.ndarray, zone: np.ndarray) -> tuple[np.ndarray, ...]:
    """Smallest and largest position along ``line`` of the part of ``other`` in ``zone``."""
    near = shapely.intersection(other, zone)
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


def stretches_among(
    dig: np.ndarray, i: np.ndarray, j: np.ndarray, reach: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`stretch` of the dig lines ``dig[i[k]]`` and ``dig[j[k]]`` within ``reach[k]``.

    The positions are found for all pairs at once; each work's line is merged once and
    buffered once per reach, however many pairs it is in.
    """
    geoms = np.full(len(i), None, dtype=object)
    lengths = np.zeros(len(i))
    line = _lines_of(np.asarray(dig, dtype=object), np.unique(np.concatenate([i, j])))
    at = np.flatnonzero(~shapely.is_missing(line[i]) & ~shapely.is_missing(line[j]))
    if not len(at):
        return geoms, lengths
    a0, a1, length = _measured(line, i[at], j[at], np.asarray(reach, float)[at])
    cut = np.flatnonzero(length > 0)
    geoms[at[cut]] = substrings(line[i[at[cut]]], a0[cut], a1[cut])
    lengths[at[cut]] = length[cut]
    return geoms, lengths


def _measured(
    line: np.ndarray, i: np.ndarray, j: np.ndarray, reach: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the stretch of each pair runs along ``line[i]`` (from, to) and its length."""
    la, lb = line[i], line[j]
    grown = _grown(line, np.concatenate([i, j]), np.concatenate([reach, reach]))
    b0, b1 = _positions(lb, la, grown[len(i) :])
    # where a's part near b projects onto one point of b, the stretch has no length whatever
    # b's part near a measures along a: that side is not computed
    a0, a1 = np.zeros(len(i)), np.zeros(len(i))
    on = np.flatnonzero(b1 > b0)
    a0[on], a1[on] = _positions(la[on], lb[on], grown[: len(i)][on])
    along_a, length = a1 - a0, np.minimum(a1 - a0, b1 - b0)
    trim = along_a > length  # a's stretch cut to the shorter measure, centred
    mid = (a0 + a1) / 2
    a0 = np.where(trim, mid - length / 2, a0)
    a1 = np.where(trim, mid + length / 2, a1)
    return a0, a1, length


def _inner(coords: list[list[float]], start: float, end: float) -> list[list[float]]:
    """The vertices :func:`shapely.ops.substring` keeps between ``start`` and ``end``."""
    kept = []
    current = 0.0
    for p1, p2 in pairwise(coords):  # its walk and arithmetic, step for step
        if start < current < end:
            kept.append(p1)
        elif current >= end:
            break
        current += ((p2[0] - p1[0]) ** 2 + (p2[1] - p1[1]) ** 2) ** 0.5
    return kept


def substrings(line: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """:func:`shapely.ops.substring` of each LineString, over arrays.

    The common case (2D, ``0 <= start < end``, ``start`` before the line's end) is cut with
    array calls (:func:`_plain_cuts`); any other goes through
    :func:`~shapely.ops.substring` itself.
    """
    out = np.empty(len(line), dtype=object)
    plain = (start >= 0) & (start < end) & (start < shapely.length(line)) & ~shapely.has_z(line)
    for k in np.flatnonzero(~plain).tolist():
        out[k] = substring(line[k], start[k], end[k])
    if plain.any():
        out[plain] = _plain_cuts(line[plain], start[plain], end[plain])
    return out


def _plain_cuts(line: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """What :func:`shapely.ops.substring` gives for ``0 <= start < end``, ``start`` within.

    Its end points (:func:`shapely.line_interpolate_point`) around the inner vertices it
    keeps: none of a two-point line's, else those :func:`_inner` finds by its own walk.
    """
    first = shapely.get_coordinates(shapely.line_interpolate_point(line, start))
    last = shapely.get_coordinates(shapely.line_interpolate_point(line, end))
    inner: list[list[list[float]]] = [[] for _ in range(len(line))]
    for k in np.flatnonzero(shapely.get_num_coordinates(line) > 2).tolist():
        coords = shapely.get_coordinates(line[k]).tolist()
        inner[k] = _inner(coords, float(start[k]), float(end[k]))
    sizes = np.array([len(v) for v in inner], dtype=np.int64) + 2
    head = np.cumsum(sizes) - sizes
    xy = np.empty((int(sizes.sum()), 2))
    middle = np.ones(len(xy), dtype=bool)
    middle[head], middle[head + sizes - 1] = False, False
    xy[head], xy[head + sizes - 1] = first, last
    if middle.any():
        xy[middle] = [p for v in inner for p in v]
    cuts = shapely.linestrings(xy, indices=np.repeat(np.arange(len(line)), sizes))
    return np.asarray(cuts, dtype=object)
