import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point

from baseline.webmap import BASEMAPS, base_map, configure_offline, display_copy, grid_colour


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
