import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.geometry
from shapely.geometry import Point, box

from baseline.maps.palette import STATUS_COLOURS, fitting_status
from baseline.maps.plan import plan_map
from baseline.maps.webmap import (
    BASEMAPS,
    TiledGeoJson,
    add_clustered_points,
    add_polygons,
    base_map,
    configure_offline,
    display_copy,
    grid_colour,
    tile_bounds,
    tile_xy,
    write_tiles,
)
from baseline.reports.charts import bars, stacked_bars


def test_amap_display_copy_is_shifted_and_the_data_is_not():
    data = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(121.5, 31.24)], crs=4326)
    shown = display_copy(data, "amap")
    moved = gpd.GeoSeries([shown.geometry.iloc[0], data.geometry.iloc[0]], crs=4326).to_crs(32651)
    assert 400 < moved.iloc[0].distance(moved.iloc[1]) < 600
    assert data.geometry.iloc[0].equals(Point(121.5, 31.24))
    same = display_copy(data, "none")
    assert np.allclose(shapely.get_coordinates(same.geometry.values), [[121.5, 31.24]])


def test_offline_leaflet_and_basemap_setting():
    assert configure_offline()
    html = base_map((31.2, 121.6), 10, basemap="none").get_root().render()
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "tile.openstreetmap" not in html
    osm = base_map((31.2, 121.6), 10, basemap="osm").get_root().render()
    assert "tile.openstreetmap.org" in osm
    no_key = base_map((31.2, 121.6), 10, basemap="tianditu").get_root().render()
    assert "tianditu" not in no_key
    assert BASEMAPS == ("none", "osm", "amap", "tianditu")
    assert grid_colour(0.0) == "#d73027" and grid_colour(1.0) == "#1a9850"


def test_tile_numbers_and_bounds_agree():
    # tile 0/0/0 is the world; at zoom 1 the four quadrants meet at (0, 0)
    assert tile_bounds(0, 0, 0) == pytest.approx((-180, -85.0511, 180, 85.0511), abs=1e-4)
    x, y = tile_xy(np.array([-0.1, 0.1]), np.array([0.1, -0.1]), 1)
    assert x.tolist() == [0, 1] and y.tolist() == [0, 1]
    w, s, e, n = tile_bounds(3430, 1674, 12)
    assert w < 121.5 < e and s < 31.2 < n
    assert tile_xy(np.array([w + 1e-9]), np.array([n - 1e-9]), 12) == (3430, 1674)


def test_tiles_cut_a_polygon_into_its_tiles_and_lose_no_area(tmp_path):
    _, _, e, n = tile_bounds(3430, 1674, 12)
    # a box straddling the corner of four tiles
    poly = box(e - 0.01, n - 0.01, e + 0.01, n + 0.01)
    gdf = gpd.GeoDataFrame({"gap_id": ["G1"], "area_km2": [4.5]}, geometry=[poly], crs=4326)
    keys = write_tiles(gdf, tmp_path / "t", zoom=12, fields=["area_km2"], id_col="gap_id")
    assert keys == ["3430_1673", "3430_1674", "3431_1673", "3431_1674"]
    pieces = []
    for key in keys:
        fc = json.loads((tmp_path / "t" / f"{key}.json").read_text("utf-8"))
        assert [f["properties"]["gap_id"] for f in fc["features"]] == ["G1"]
        assert fc["features"][0]["properties"]["area_km2"] == 4.5
        pieces.append(shapely.geometry.shape(fc["features"][0]["geometry"]))
    assert sum(p.area for p in pieces) == pytest.approx(poly.area, rel=1e-9)
    # rewriting replaces the folder whole and leaves no temporary folder behind
    write_tiles(gdf.iloc[0:0], tmp_path / "t", zoom=12, fields=["area_km2"], id_col="gap_id")
    assert list((tmp_path / "t").iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["t"]


def test_tiled_layer_and_clusters_render_with_local_files_only():
    assert configure_offline()
    fmap = base_map((31.2, 121.6), 10)
    group = folium.FeatureGroup(name="gaps", show=False).add_to(fmap)
    TiledGeoJson(
        group,
        "/app/static/tiles/x/",
        ["3430_1674"],
        zoom=12,
        id_col="gap_id",
        fields=["a"],
        style={"stroke": False},
    ).add_to(fmap)
    pts = gpd.GeoDataFrame(
        {"asset_id": ["T1", "T2"]}, geometry=[Point(121.5, 31.2), Point(121.6, 31.3)], crs=4326
    )
    add_clustered_points(fmap, pts, name="towers", label="asset_id")
    html = fmap.get_root().render()
    assert "fetch('/app/static/tiles/x/' + key + '.json')" in html
    assert '["3430_1674"]' in html
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in html
    assert '[31.2, 121.5, "T1"]' in html and '[31.3, 121.6, "T2"]' in html
    assert '"maxZoom": 18' in html
    assert "cdn." not in html and "unpkg" not in html


def test_stacked_bars_are_drawn_to_scale():
    table = pd.DataFrame({"fail": [1, 0], "pass": [2, 6]}, index=["a", "b"])
    svg = stacked_bars(table, {"fail": "#d73027", "pass": "#1a9850"}, title="t")
    widths = [
        float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="16"', svg)
    ]
    assert widths == [50.0, 100.0, 300.0]  # 6 is the longest total: 300 px
    assert svg.count("<title>") == 4 and ">3<" in svg and ">6<" in svg
    one = bars(pd.Series([1.0, 2.0], index=["x", "y"]), ["#111", "#222"], unit=" km²")
    assert 'fill="#111"' in one and 'fill="#222"' in one and "2 km²" in one


def test_plan_map_draws_statuses_and_failing_fittings(sample_result):
    assert configure_offline()
    html = plan_map(sample_result, lang="zh").get_root().render()
    for word in ("项目", "配套设施", "不通过"):  # layers and a status, in Chinese (JSON-escaped)
        assert json.dumps(word)[1:-1] in html
    assert "PD-B02" in html
    states = fitting_status(sample_result.fittings["failing"])
    assert set(states) == {"fail", "pass"}
    assert STATUS_COLOURS["fail"] in html and STATUS_COLOURS["pass"] in html
    w, s, e, n = sample_result.projects.total_bounds
    bounds = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", html)
    assert [float(v) for v in bounds.groups()] == pytest.approx([s, w, n, e])  # fitted to the plan
    assert "L.control.layers" in html and "cdn." not in html


def test_polygon_layer_colours_each_feature_by_its_column():
    gdf = gpd.GeoDataFrame(
        {"status": ["fail", "pass"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326
    )
    fmap = base_map((0.5, 1.0), 10)
    layer = add_polygons(
        fmap, gdf, name="p", colour_by=STATUS_COLOURS, colour_col="status", weight=3
    )
    styles = [layer.style_function(f) for f in layer.data["features"]]
    assert [x["color"] for x in styles] == ["#d73027", "#1a9850"]
    assert {x["weight"] for x in styles} == {3} and {x["fillOpacity"] for x in styles} == {0.35}
