"""The array paths of the shared stretch and of matching, on hand-made lines with known answers.

Stretches are cut over arrays (:func:`baseline.cobuild.stretch.substrings`) and each work's
line is merged and buffered once however many pairs it is in
(:func:`baseline.cobuild.stretch.stretches_among`): these give what
:func:`shapely.ops.substring` and one pair at a time give.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.ops import substring

from baseline.cobuild import match_works, prepare_works
from baseline.cobuild.stretch import stretch, stretches_among, substrings
from tests.test_cobuild_coordination import STREET, layer

ELL = LineString([(0, 0), (100, 0), (100, 100), (0, 100)])  # 300 m, vertices at 100 and 200


def _wkt(geoms) -> list[str]:
    return [g.wkt for g in geoms]


def _cut(line: LineString, start: float, end: float) -> np.ndarray:
    lines = np.array([line], dtype=object)
    return substrings(lines, np.array([start], dtype=float), np.array([end], dtype=float))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (50, 150, "LINESTRING (50 0, 100 0, 100 50)"),  # across one inner vertex
        (50, 250, "LINESTRING (50 0, 100 0, 100 100, 50 100)"),  # across two
        (100, 200, "LINESTRING (100 0, 100 100)"),  # from a vertex to a vertex: no repeat
        (250, 400, "LINESTRING (50 100, 0 100)"),  # past the end: cut at the end
        (0, 300, "LINESTRING (0 0, 100 0, 100 100, 0 100)"),  # the whole line
        (20, 60, "LINESTRING (20 0, 60 0)"),  # within one segment
    ],
)
def test_plain_cuts_keep_the_vertices_between(start, end, expected):
    got = _cut(ELL, start, end)
    assert got[0].wkt == expected
    assert got[0].equals_exact(substring(ELL, start, end), 0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (150, 50, "LINESTRING (100 50, 100 0, 50 0)"),  # reversed
        (120, 120, "POINT (100 20)"),  # one point
        (-50, 300, "LINESTRING (50 100, 0 100)"),  # negative: from the end
        (300, 310, "POINT (0 100)"),  # wholly past the end
    ],
)
def test_other_cuts_are_those_of_shapely(start, end, expected):
    got = _cut(ELL, start, end)
    assert got[0].wkt == expected
    assert got[0].wkt == substring(ELL, start, end).wkt


def test_cuts_of_many_lines_at_once_are_each_lines_own():
    lines = np.array([ELL, STREET, shapely.force_3d(ELL), ELL], dtype=object)
    start, end = np.array([50.0, 700.0, 50.0, 250.0]), np.array([150.0, 1000.0, 150.0, 100.0])
    got = substrings(lines, start, end)
    want = [substring(g, s, e) for g, s, e in zip(lines, start, end, strict=True)]
    assert _wkt(got) == _wkt(want)
    assert _wkt(got)[:2] == ["LINESTRING (50 0, 100 0, 100 50)", "LINESTRING (700 0, 1000 0)"]
    assert got[2].has_z and not got[0].has_z


def test_a_work_in_several_pairs_gives_each_pair_its_own_stretch():
    """One street in two parts (merged once) against a parallel, a crossing and a point."""
    street = MultiLineString([[(0, 0), (500, 0)], [(500, 0), (1000, 0)]])
    parallel = LineString([(200, 20), (700, 20)])
    crossing = LineString([(300, -100), (300, 100)])
    dig = np.array([street, parallel, crossing, Point(10, 10), None], dtype=object)
    i, j = np.array([0, 0, 0, 1, 4]), np.array([1, 2, 3, 2, 1])
    reach = np.array([50.0, 50.0, 50.0, 30.0, 50.0])
    geoms, lengths = stretches_among(dig, i, j, reach)
    assert lengths.tolist() == [500.0, 0.0, 0.0, 0.0, 0.0]
    assert geoms[0].wkt == "LINESTRING (200 0, 500 0, 700 0)"
    assert geoms[1:].tolist() == [None] * 4
    one_by_one = [stretch(dig[a], dig[b], r) for a, b, r in zip(i, j, reach, strict=True)]
    assert [length for _, length in one_by_one] == lengths.tolist()
    assert one_by_one[0][0].equals_exact(geoms[0], 0)


def test_pairs_without_a_stretch_are_drawn_where_they_meet_or_come_closest():
    w = prepare_works(
        layer(
            {"project_id": "a", "geometry": STREET},
            {"project_id": "b", "geometry": LineString([(500, -300), (500, 300)])},  # crosses a
            {"project_id": "c", "geometry": LineString([(1030, 0), (1030, 400)])},  # 30 m past a
        )
    )
    p = match_works(w, buffer_m=50).set_index(["a", "b"])
    assert p.loc[("a", "b"), "geometry"].equals(Point(500, 0))  # where the zones overlap
    assert p.loc[("a", "c"), "geometry"].equals(LineString([(1000, 0), (1030, 0)]))  # closest
    assert p.loc[("a", "c"), "distance_m"] == 30.0
    assert p["shared_length_m"].tolist() == [0.0, 0.0]


def test_works_sharing_an_id_keep_the_order_of_their_ids():
    rows = [
        {"project_id": pid, "geometry": LineString([(0, y), (1000, y)])}
        for pid, y in (("b", 0), ("a", 10), ("b", 20), ("c", 30))
    ]
    p = match_works(prepare_works(layer(*rows)), buffer_m=50)
    keys = list(zip(p["a"], p["b"], strict=True))
    assert keys == sorted(keys)
    assert sorted(set(keys)) == [("a", "b"), ("a", "c"), ("b", "b"), ("b", "c")]
    assert len(keys) == 6  # a-b twice, b-c twice, a-c and the two b's
