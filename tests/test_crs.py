import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from baseline.errors import CRSError
from baseline.io import crs
from tests.conftest import shared


def _metres(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    pa = gpd.GeoSeries(gpd.points_from_xy(a[:, 0], a[:, 1]), crs=4326).to_crs(32651)
    pb = gpd.GeoSeries(gpd.points_from_xy(b[:, 0], b[:, 1]), crs=4326).to_crs(32651)
    return pa.distance(pb).to_numpy()


def test_datav_pudong_gcj02_to_wgs84_matches_published_conversion():
    folder = shared("datav_shanghai_admin")
    src = gpd.read_file(folder / "pudong_boundary_gcj02.geojson")
    ref = gpd.read_file(folder / "pudong_boundary_wgs84_converted.geojson")
    out = crs.to_wgs84(src, "gcj02")
    a = shapely.get_coordinates(out.geometry.values)
    b = shapely.get_coordinates(ref.geometry.values)
    assert a.shape == b.shape == (311, 2)
    assert _metres(a, b).max() < 0.5


def test_gcj02_offset_in_shanghai_is_hundreds_of_metres():
    lon, lat = np.array([121.5]), np.array([31.24])
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    d = _metres(np.column_stack([lon, lat]), np.column_stack([glon, glat]))[0]
    assert 400 < d < 600


def test_bd09_matches_baidu_capture_of_a_metro_station():
    # SOURCE.md of amap_shanghai_metro: AMap (GCJ-02) 莘庄 121.385373,31.111152;
    # an unrelated Baidu capture gives 121.391623,31.116581 for the same station.
    blon, blat = crs.gcj02_to_bd09(np.array([121.385373]), np.array([31.111152]))
    d = _metres(np.array([[blon[0], blat[0]]]), np.array([[121.391623, 31.116581]]))[0]
    assert d < 50


@settings(max_examples=60, deadline=None)
@given(st.floats(73.7, 135.0), st.floats(18.0, 53.5))
def test_round_trips_inside_china_stay_under_half_a_metre(lon, lat):
    pts = np.array([[lon, lat]])
    for name in ("gcj02", "bd09"):
        gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]), crs=4326)
        there = crs.from_wgs84(gdf, name)
        back = crs.to_wgs84(there, name)
        assert _metres(pts, shapely.get_coordinates(back.geometry.values))[0] < 0.5


def test_parse_crs_names_and_errors():
    assert crs.parse_crs("AMap").name == "gcj02"
    assert crs.parse_crs("Baidu").name == "bd09"
    assert crs.parse_crs("epsg:32651").name == "EPSG:32651"
    with pytest.raises(CRSError, match="must be one of wgs84, gcj02, bd09"):
        crs.parse_crs("mars")


def test_gcj02_outside_china_is_refused():
    paris = gpd.GeoDataFrame(geometry=gpd.points_from_xy([2.35], [48.85]), crs=4326)
    with pytest.raises(CRSError, match="outside China"):
        crs.to_wgs84(paris, "gcj02")


def test_metric_crs_shanghai_and_paris():
    sh = gpd.GeoSeries(gpd.points_from_xy([121.5], [31.2]), crs=4326)
    pa = gpd.GeoSeries(gpd.points_from_xy([2.35], [48.85]), crs=4326)
    assert crs.metric_crs(sh).to_epsg() == 32651
    assert crs.metric_crs(pa).to_epsg() == 32631
