"""Property-based tests: readers, co-build matching and the check under random input."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from baseline.cobuild.core import match_works, prepare_works
from baseline.errors import BaselineError
from baseline.io.formats import read_layer

SUFFIXES = [".geojson", ".zip", ".gpkg", ".csv", ".xlsx", ".dxf", ".kml", ".parquet", ".shp"]
PREFIXES = [
    b"",
    b"{",
    b'{"type":"FeatureCollection","features":[',
    b"PK\x03\x04",
    b"SQLite format 3\x00",
    b"0\nSECTION\n",
    b"<kml>",
    b"PAR1",
    b"lon,lat\n",
]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from(SUFFIXES),
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=400),
    crs=st.sampled_from([None, "wgs84", "gcj02", "EPSG:32651"]),
)
def test_readers_raise_only_project_errors(tmp_path_factory, suffix, prefix, body, crs):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(prefix + body)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_layer(path, crs=crs)
    except BaselineError:
        pass


def brute(works: gpd.GeoDataFrame, buffer_m: float, gap: int) -> set[tuple[str, str]]:
    g = works.geometry.to_numpy()
    ids = works["work_id"].to_numpy()
    s, e = works["start"].to_numpy(), works["end"].to_numpy()
    tol = np.timedelta64(gap, "D")
    out = set()
    for i in range(len(works)):
        for j in range(i + 1, len(works)):
            near = shapely.distance(g[i], g[j]) <= buffer_m
            when = s[i] <= e[j] + tol and s[j] <= e[i] + tol
            if near and when:
                out.add(tuple(sorted((ids[i], ids[j]))))
    return out


work = st.tuples(
    st.floats(0, 2000),
    st.floats(0, 2000),
    st.floats(5, 400),
    st.floats(0, 6.28),
    st.integers(0, 700),
    st.integers(0, 300),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(work, min_size=2, max_size=25),
    st.sampled_from([0, 20, 50]),
    st.sampled_from([0, 7, 30]),
)
def test_cobuild_matching_equals_brute_force(rows, buffer_m, gap):
    base = pd.Timestamp("2026-01-01")
    records = []
    for k, (x, y, length, angle, start, dur) in enumerate(rows):
        line = LineString([(x, y), (x + length * np.cos(angle), y + length * np.sin(angle))])
        records.append(
            {
                "project_id": f"w{k:02d}",
                "start_date": base + pd.Timedelta(days=start),
                "end_date": base + pd.Timedelta(days=start + dur),
                "owner": "o",
                "geometry": line,
            }
        )
    works = prepare_works(gpd.GeoDataFrame(records, geometry="geometry", crs=32651))
    got = match_works(works, buffer_m=buffer_m, gap_days=gap)
    assert set(zip(got["a"], got["b"], strict=True)) == brute(works, buffer_m, gap)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000))
def test_check_is_independent_of_row_order(sample_result, std, seed):
    from baseline.check.run import check
    from baseline.io.siteplan import SitePlan

    rng = np.random.default_rng(seed)
    p = sample_result.projects.drop(columns=["pass", "fail", "warn", "not_applicable", "status"])
    f = sample_result.fittings.drop(columns=["failing"])
    shuffled = SitePlan(p.iloc[rng.permutation(len(p))], f.iloc[rng.permutation(len(f))])
    again = check(shuffled, std)
    pd.testing.assert_frame_equal(again.findings, check(SitePlan(p, f), std).findings)
