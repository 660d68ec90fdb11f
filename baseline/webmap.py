"""Folium maps that work offline: local Leaflet, optional basemap, small layers.

Leaflet and the plugins the app uses are fetched from npm at set-up time into
``static/vendor`` and served by Streamlit's static serving under ``app/static/vendor``;
:func:`configure_offline` points folium at them (and leaves the CDN in place when the local
copy is absent). The basemap is a setting: ``none`` (the boundary and metro as context),
``osm``, ``amap`` (GCJ-02 tiles: display copies are shifted to GCJ-02, stored data never is)
or ``tianditu`` (needs a key).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from baseline import settings
from baseline.crs import from_wgs84, metric_crs

STATIC_URL = "app/static/vendor"
BASEMAPS = ("none", "osm", "amap", "tianditu")
STATUS_COLOURS = {"pass": "#1a9850", "warn": "#f39c12", "fail": "#d73027", "not_applicable": "#999"}
KIND_COLOURS = {
    "shared_trench": "#6a3d9a",
    "colocate": "#1f78b4",
    "new_shared_site": "#e31a1c",
    "pole_mount": "#ff7f00",
}
_TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    "amap": (
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
        "&x={x}&y={y}&z={z}",
        "© AMap (GCJ-02)",
    ),
    "tianditu": (
        "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
        "&TILECOL={x}&tk={key}",
        "© Tianditu",
    ),
}


def vendor_dir() -> Path:
    """Folder of the locally served Leaflet files."""
    return settings.ROOT / "static" / "vendor"


def configure_offline(base_url: str = STATIC_URL) -> bool:
    """Point folium's Leaflet and MarkerCluster resources at the local copies.

    Returns
    -------
    bool
        True when the local files exist and are used; False leaves the CDN defaults.
    """
    root = vendor_dir()
    if not (root / "leaflet" / "leaflet.js").exists():
        return False
    prefix = "/" + base_url.strip("/")
    folium.Map.default_js = [("leaflet", f"{prefix}/leaflet/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{prefix}/leaflet/leaflet.css")]
    from folium.plugins import MarkerCluster

    MarkerCluster.default_js = [
        ("markerclusterjs", f"{prefix}/markercluster/leaflet.markercluster.js")
    ]
    MarkerCluster.default_css = [
        ("markerclustercss", f"{prefix}/markercluster/MarkerCluster.css"),
        ("markerclusterdefaultcss", f"{prefix}/markercluster/MarkerCluster.Default.css"),
    ]
    return True


def display_copy(gdf: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """A WGS84 copy for drawing; shifted to GCJ-02 over AMap tiles.

    Coordinates are rounded to 1e-6° (about 0.1 m) to keep the payload small. The copy is
    never stored or exported.
    """
    out = gdf.to_crs("EPSG:4326")
    if basemap == "amap":
        out = from_wgs84(out, "gcj02")
    rounded = shapely.set_precision(out.geometry.values, 1e-6, mode="pointwise")
    return out.set_geometry(rounded, crs=out.crs)


def simplify(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify polygons and lines in a metric CRS, returning WGS84."""
    crs = metric_crs(gdf)
    out = gdf.to_crs(crs)
    out = out.set_geometry(out.geometry.simplify(tolerance_m, preserve_topology=True))
    return out.to_crs("EPSG:4326")


def base_map(
    center: tuple[float, float],
    zoom: int,
    *,
    basemap: str = "none",
    tianditu_key: str = "",
) -> folium.Map:
    """An empty map on a canvas renderer with the chosen basemap (or none)."""
    if basemap not in BASEMAPS:
        msg = f"'{basemap}' is not a valid basemap, must be one of {', '.join(BASEMAPS)}"
        raise ValueError(msg)
    fmap = folium.Map(
        location=center, zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True
    )
    if basemap != "none" and not (basemap == "tianditu" and not tianditu_key):
        url, attr = _TILES[basemap]
        url = url.replace("{key}", tianditu_key)
        folium.TileLayer(
            url, attr=attr, name=basemap, subdomains="1234" if "{s}" in url else "abc", max_zoom=18
        ).add_to(fmap)
    return fmap


def _fields(gdf: gpd.GeoDataFrame, fields: list[str]) -> list[str]:
    return list(dict.fromkeys(f for f in fields if f in gdf.columns))


def _clean(gdf: gpd.GeoDataFrame, keep: list[str]) -> gpd.GeoDataFrame:
    out = gdf[[*_fields(gdf, keep), "geometry"]].copy()
    for col in out.columns:
        if col != "geometry" and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype("string").fillna("")
    return out


def add_polygons(
    fmap: folium.Map | folium.FeatureGroup,
    gdf: gpd.GeoDataFrame,
    *,
    name: str,
    colour: str | None = None,
    colour_by: Mapping[str, str] | None = None,
    colour_col: str | None = None,
    fill_opacity: float = 0.35,
    tooltip: list[str] | None = None,
    aliases: list[str] | None = None,
    show: bool = True,
    weight: float = 1.5,
) -> folium.GeoJson:
    """Add a polygon or line layer with a fixed colour or a colour per category value."""
    data = _clean(gdf, [*(tooltip or []), *([colour_col] if colour_col else [])])

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        c = colour or "#3060a0"
        if colour_by and colour_col:
            c = colour_by.get(feature["properties"].get(colour_col), c)
        return {"color": c, "fillColor": c, "weight": weight, "fillOpacity": fill_opacity}

    tip = None
    if tooltip:
        fields = _fields(data, tooltip)
        tip = folium.GeoJsonTooltip(
            fields=fields, aliases=aliases[: len(fields)] if aliases else None
        )
    layer = folium.GeoJson(data.to_json(), name=name, style_function=style, tooltip=tip, show=show)
    layer.add_to(fmap)
    return layer


def add_points(
    fmap: folium.Map | folium.FeatureGroup,
    gdf: gpd.GeoDataFrame,
    *,
    name: str,
    colour: str = "#333",
    radius: float = 3,
    tooltip: list[str] | None = None,
    show: bool = True,
    colour_by: Mapping[str, str] | None = None,
    colour_col: str | None = None,
) -> folium.GeoJson:
    """Add points as canvas circle markers (fast for thousands of points)."""
    data = _clean(gdf, [*(tooltip or []), *([colour_col] if colour_col else [])])

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        c = colour
        if colour_by and colour_col:
            c = colour_by.get(feature["properties"].get(colour_col), colour)
        return {"color": c, "fillColor": c, "fillOpacity": 0.8, "weight": 1, "radius": radius}

    tip = folium.GeoJsonTooltip(fields=_fields(data, tooltip)) if tooltip else None
    layer = folium.GeoJson(
        data.to_json(),
        name=name,
        marker=folium.CircleMarker(radius=radius),
        style_function=style,
        tooltip=tip,
        show=show,
    )
    layer.add_to(fmap)
    return layer


class ZoomSwitch(MacroElement):
    """Show ``overview`` below ``zoom`` and ``detail`` from ``zoom`` on (both plain layers)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var overview = {{ this.overview }};
            var detail = {{ this.detail }};
            function apply() {
                if (map.getZoom() >= {{ this.zoom }}) {
                    if (map.hasLayer(overview)) { map.removeLayer(overview); }
                    if (!map.hasLayer(detail)) { map.addLayer(detail); }
                } else {
                    if (map.hasLayer(detail)) { map.removeLayer(detail); }
                    if (!map.hasLayer(overview)) { map.addLayer(overview); }
                }
            }
            map.on('zoomend', apply);
            apply();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, overview: folium.GeoJson, detail: folium.GeoJson, zoom: int = 13) -> None:
        super().__init__()
        self._name = "ZoomSwitch"
        self.overview = overview.get_name()
        self.detail = detail.get_name()
        self.zoom = int(zoom)


def grid_colour(fraction: float) -> str:
    """Red (uncovered) to green (covered) for a covered fraction 0..1."""
    steps = ["#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850"]
    return steps[min(int(fraction * (len(steps) - 1) + 0.5), len(steps) - 1)]
