"""Folium maps that work offline: local Leaflet, optional basemap, small layers.

Leaflet and the plugins the app uses are fetched from npm at set-up time into
``static/vendor`` and served by Streamlit's static serving under ``app/static/vendor``;
:func:`configure_offline` points folium at them (and leaves the CDN in place when the local
copy is absent). The basemap is a setting: ``none`` (the boundary and metro as context),
``osm``, ``amap`` (GCJ-02 tiles: display copies are shifted to GCJ-02, stored data never is)
``tianditu`` (needs a key), ``local`` (a tile package the app serves itself, see
:mod:`baseline.maps.tiles`) or ``custom`` / ``custom_gcj02`` (an intranet XYZ/WMTS URL
template, its tiles in WGS84 or GCJ-02). A failed tile load shows a notice on the map
(:class:`TileNotice`), never a silent grey map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, Unpack

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from branca.element import MacroElement
from folium.map import Layer
from folium.plugins import FastMarkerCluster, MarkerCluster
from jinja2 import Template

from baseline import settings
from baseline.io.crs import from_wgs84, metric_crs
from baseline.io.writers import atomic_dir
from baseline.maps.palette import (
    GRID_COLOURS,
    KIND_COLOURS,
    PROJECT_COLOUR,
    STATUS_COLOURS,
    STATUS_GLYPHS,
    grid_class,
    grid_colour,
)

__all__ = [
    "BASEMAPS",
    "GRID_COLOURS",
    "KIND_COLOURS",
    "STATIC_URL",
    "STATUS_COLOURS",
    "Highlight",
    "LayerStyle",
    "Legend",
    "LegendEntry",
    "MetricScale",
    "NorthArrow",
    "PointStyle",
    "ShowFromZoom",
    "TileNotice",
    "TileSource",
    "TiledGeoJson",
    "ViewInUrl",
    "ZoomSwitch",
    "add_clustered_points",
    "add_points",
    "add_polygons",
    "add_status_markers",
    "base_map",
    "configure_offline",
    "display_copy",
    "geojson_text",
    "grid_class",
    "grid_colour",
    "simplify",
    "tile_bounds",
    "tile_xy",
    "vendor_dir",
    "write_tiles",
]

STATIC_URL = "app/static/vendor"
BASEMAPS = ("none", "local", "custom", "custom_gcj02", "osm", "amap", "tianditu")
GCJ02_BASEMAPS = frozenset({"amap", "custom_gcj02"})
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
    if basemap in GCJ02_BASEMAPS:
        out = from_wgs84(out, "gcj02")
    rounded = shapely.set_precision(out.geometry.values, 1e-6, mode="pointwise")
    return out.set_geometry(rounded, crs=out.crs)


def simplify(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify polygons and lines in a metric CRS, returning WGS84."""
    crs = metric_crs(gdf)
    out = gdf.to_crs(crs)
    out = out.set_geometry(out.geometry.simplify(tolerance_m, preserve_topology=True))
    return out.to_crs("EPSG:4326")


@dataclass(frozen=True)
class TileSource:
    """Where a ``local`` or ``custom`` basemap's tiles come from.

    Attributes
    ----------
    url : str
        Leaflet URL template (``{z}/{x}/{y}``).
    attribution : str
        Shown in the corner of the map.
    max_zoom : int
        The deepest zoom with tiles; deeper views scale them.
    extent : tuple of float, optional
        West, south, east, north: no tile is asked for outside.
    """

    url: str
    attribution: str = ""
    max_zoom: int = 18
    extent: tuple[float, float, float, float] | None = None


def base_map(
    center: tuple[float, float],
    zoom: int,
    *,
    basemap: str = "none",
    tianditu_key: str = "",
    tiles: TileSource | None = None,
    tile_notice: str = "",
) -> folium.Map:
    """An empty map on a canvas renderer with the chosen basemap (or none), metric scale.

    ``tiles`` says where a ``local`` or ``custom`` basemap's tiles come from; without it,
    those basemaps draw no tiles. ``tile_notice`` is the text shown on the map when tiles
    fail to load (:class:`TileNotice`).
    """
    if basemap not in BASEMAPS:
        msg = f"'{basemap}' is not a valid basemap, must be one of {', '.join(BASEMAPS)}"
        raise ValueError(msg)
    fmap = folium.Map(location=center, zoom_start=zoom, tiles=None, prefer_canvas=True)
    fmap.options["maxZoom"] = 18  # marker clusters need one; folium sets it only on tiles
    MetricScale().add_to(fmap)
    source = tiles or TileSource("")
    url, attr = _TILES.get(basemap, (source.url, source.attribution))
    if basemap in ("local", "custom", "custom_gcj02"):
        url, attr = source.url, source.attribution
    if basemap == "tianditu" and not tianditu_key:
        url = ""
    if basemap != "none" and url:
        url = url.replace("{key}", tianditu_key)
        layer = folium.TileLayer(
            url,
            attr=attr or basemap,
            name=basemap,
            subdomains="1234" if "{s}" in url else "abc",
            max_zoom=18,
            max_native_zoom=source.max_zoom,
        )
        if source.extent:
            w, s, e, n = source.extent
            layer.options["bounds"] = [[s, w], [n, e]]
        layer.add_to(fmap)
        if tile_notice:
            TileNotice(tile_notice).add_to(fmap)
    return fmap


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, metric: true}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class TileNotice(MacroElement):
    """A visible notice on the map when basemap tiles fail to load (offline, wrong URL).

    The notice names the basemap and stays until tiles load again; the layers drawn over
    the basemap are unaffected.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var box = L.control({position: 'topright'});
            box.onAdd = function() {
                var d = L.DomUtil.create('div', 'ict-tile-notice');
                d.style.cssText = 'display:none;background:#fff3cd;color:#533f03;'
                    + 'border:1px solid #d4a72c;padding:4px 8px;font:13px sans-serif;'
                    + 'border-radius:4px;max-width:260px';
                d.textContent = {{ this.text|tojson }};
                return d;
            };
            box.addTo(map);
            var failed = 0;
            map.eachLayer(function(l) {
                if (!(l instanceof L.TileLayer)) { return; }
                l.on('tileerror', function() {
                    failed += 1;
                    box.getContainer().style.display = 'block';
                    box.getContainer().dataset.failed = failed;
                });
                l.on('tileload', function() {
                    if (failed === 0) { box.getContainer().style.display = 'none'; }
                });
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "TileNotice"
        self.text = text


def _fields(gdf: gpd.GeoDataFrame, fields: list[str]) -> list[str]:
    return list(dict.fromkeys(f for f in fields if f in gdf.columns))


def _present(data: dict, fields: list[str]) -> list[str]:
    """The tooltip fields that the GeoJSON's features carry (all features share them)."""
    first = data.get("features") or [{}]
    props = first[0].get("properties") or {}
    return [f for f in dict.fromkeys(fields) if f in props] if props else list(fields)


def _clean(gdf: gpd.GeoDataFrame, keep: list[str]) -> gpd.GeoDataFrame:
    out = gdf[[*_fields(gdf, keep), "geometry"]].copy()
    for col in out.columns:
        if col != "geometry" and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype("string").fillna("")
    return out


def geojson_text(gdf: gpd.GeoDataFrame, fields: list[str]) -> str:
    """The GeoJSON a map layer draws: geometry plus the named fields, as plain text.

    Building it is most of the cost of a layer, so an app can cache it and hand it to
    :func:`add_polygons` or :func:`add_points` instead of the frame.
    """
    return _clean(gdf, fields).to_json(drop_id=True)


class LayerStyle(TypedDict, total=False):
    """How :func:`add_polygons` draws a layer: a fixed colour or one per value of a column.

    Attributes
    ----------
    colour : str
        The colour of every feature, or of those whose value ``colour_by`` does not name.
    colour_by : mapping
        Colour per value of ``colour_col``.
    colour_col : str
        The column whose value picks the colour.
    fill_opacity : float
        Opacity of the fill, 0..1.
    weight : float
        Width of outlines and lines in pixels.
    dash_col : str
        The column whose value picks a dash pattern from ``dash_by``.
    dash_by : mapping
        Leaflet ``dashArray`` per value of ``dash_col`` (e.g. ``{"light": "6 6"}``);
        other values are drawn solid.
    """

    colour: str
    colour_by: Mapping[str, str]
    colour_col: str
    fill_opacity: float
    weight: float
    dash_col: str
    dash_by: Mapping[str, str]


class PointStyle(TypedDict, total=False):
    """How :func:`add_points` draws points: :class:`LayerStyle`'s colours and a radius."""

    colour: str
    colour_by: Mapping[str, str]
    colour_col: str
    radius: float


def _layer_data(
    gdf: gpd.GeoDataFrame | str, tooltip: list[str] | None, colour_col: str | None
) -> dict[str, Any]:
    """The GeoJSON of a layer as a dict: the given text, or the frame's tooltip fields."""
    fields = [*(tooltip or []), *([colour_col] if colour_col else [])]
    return json.loads(gdf if isinstance(gdf, str) else geojson_text(gdf, fields))


def _colour(feature: dict[str, Any], style: LayerStyle | PointStyle, default: str) -> str:
    """The colour of one feature under ``style``."""
    colour = style.get("colour", default)
    by, col = style.get("colour_by"), style.get("colour_col")
    if by and col:
        return by.get(feature["properties"].get(col), colour)
    return colour


def add_polygons(
    fmap: folium.Map | folium.FeatureGroup,
    gdf: gpd.GeoDataFrame | str,
    *,
    name: str,
    tooltip: list[str] | None = None,
    aliases: list[str] | None = None,
    show: bool = True,
    **style: Unpack[LayerStyle],
) -> folium.GeoJson:
    """Add a polygon or line layer with a fixed colour or a colour per category value.

    ``gdf`` may be a frame or the text :func:`geojson_text` made of one; ``style`` holds
    the :class:`LayerStyle` keys (a blue fill of opacity 0.35 and 1.5 px outlines unless
    given).
    """
    data = _layer_data(
        gdf, [*(tooltip or []), *filter(None, [style.get("dash_col")])], style.get("colour_col")
    )
    weight = style.get("weight", 1.5)
    fill_opacity = style.get("fill_opacity", 0.35)

    dash_col, dash_by = style.get("dash_col"), style.get("dash_by") or {}

    def paint(feature: dict[str, Any]) -> dict[str, Any]:
        c = _colour(feature, style, PROJECT_COLOUR)
        out = {"color": c, "fillColor": c, "weight": weight, "fillOpacity": fill_opacity}
        dash = dash_by.get(feature["properties"].get(dash_col)) if dash_col else None
        if dash:
            out["dashArray"] = dash
        return out

    tip = None
    if tooltip:
        shown = _present(data, tooltip)
        tip = folium.GeoJsonTooltip(
            fields=shown, aliases=aliases[: len(shown)] if aliases else None
        )
    layer = folium.GeoJson(data, name=name, style_function=paint, tooltip=tip, show=show)
    layer.add_to(fmap)
    return layer


def add_points(
    fmap: folium.Map | folium.FeatureGroup,
    gdf: gpd.GeoDataFrame | str,
    *,
    name: str,
    tooltip: list[str] | None = None,
    aliases: list[str] | None = None,
    show: bool = True,
    **style: Unpack[PointStyle],
) -> folium.GeoJson:
    """Add points as canvas circle markers (fast for thousands of points).

    ``style`` holds the :class:`PointStyle` keys (dark grey, radius 3 unless given);
    ``aliases`` words the tooltip's fields.
    """
    data = _layer_data(gdf, tooltip, style.get("colour_col"))
    radius = style.get("radius", 3)

    def paint(feature: dict[str, Any]) -> dict[str, Any]:
        c = _colour(feature, style, "#333")
        return {"color": c, "fillColor": c, "fillOpacity": 0.8, "weight": 1, "radius": radius}

    tip = None
    if tooltip:
        present = _present(data, tooltip)
        tip = folium.GeoJsonTooltip(
            fields=present, aliases=aliases[: len(present)] if aliases else None
        )
    layer = folium.GeoJson(
        data,
        name=name,
        marker=folium.CircleMarker(radius=radius, fill=True),  # filled, as the legend shows
        style_function=paint,
        tooltip=tip,
        show=show,
    )
    layer.add_to(fmap)
    return layer


_CLUSTER_CALLBACK = """
function callback(row) {
    var marker = L.circleMarker([row[0], row[1]], {
        radius: %(radius)s, color: '%(colour)s', fillColor: '%(colour)s',
        fillOpacity: 0.8, weight: 1
    });
    if (row[2]) { marker.bindTooltip(String(row[2])); }
    return marker;
}
"""


_CLUSTER_ICON = """
function(cluster) {
    var n = cluster.getChildCount(), size = n < 10 ? 24 : (n < 100 ? 30 : 36);
    return L.divIcon({
        html: '<div style="background:%(colour)s;color:#fff;border:2px solid #fff;'
            + 'border-radius:50%%;width:' + size + 'px;height:' + size + 'px;display:flex;'
            + 'align-items:center;justify-content:center;font:12px sans-serif;opacity:0.85">'
            + n + '</div>',
        className: 'ict-cluster', iconSize: L.point(size + 4, size + 4)
    });
}
"""


def add_clustered_points(
    fmap: folium.Map | folium.FeatureGroup,
    gdf: gpd.GeoDataFrame,
    *,
    name: str,
    colour: str = "#333",
    radius: float = 3,
    label: str | None = None,
    show: bool = True,
    disable_at_zoom: int = 15,
) -> FastMarkerCluster:
    """Add many points as a marker cluster drawn in the browser (one small array, no GeoJSON).

    Points are grouped into counted clusters below ``disable_at_zoom`` and drawn as canvas
    circle markers from there on; ``label`` names a column shown as the tooltip. Clusters
    take the layer's colour, not the plugin's green-to-orange scale, which would read as
    compliance statuses on this map.
    """
    xy = shapely.get_coordinates(gdf.geometry.values)
    labels = gdf[label].astype("string").fillna("").tolist() if label else [""] * len(gdf)
    rows = [[round(y, 6), round(x, 6), text] for (x, y), text in zip(xy, labels, strict=True)]
    callback = _CLUSTER_CALLBACK % {"radius": float(radius), "colour": colour}
    layer = FastMarkerCluster(
        rows,
        callback=callback,
        name=name,
        show=show,
        disableClusteringAtZoom=disable_at_zoom,
        chunkedLoading=True,
        showCoverageOnHover=False,
        icon_create_function=_CLUSTER_ICON % {"colour": colour},
    )
    layer.add_to(fmap)
    return layer


class ZoomSwitch(MacroElement):
    """Show ``overview`` below ``zoom`` and ``detail`` from ``zoom`` on (both plain layers).

    With ``within`` (a feature group holding both), the two are swapped inside that group,
    so switching the group off in the layer control hides both at every zoom.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var host = {{ this.within or this._parent.get_name() }};
            var overview = {{ this.overview }};
            var detail = {{ this.detail }};
            function apply() {
                if (map.getZoom() >= {{ this.zoom }}) {
                    if (host.hasLayer(overview)) { host.removeLayer(overview); }
                    if (!host.hasLayer(detail)) { host.addLayer(detail); }
                } else {
                    if (host.hasLayer(detail)) { host.removeLayer(detail); }
                    if (!host.hasLayer(overview)) { host.addLayer(overview); }
                }
            }
            map.on('zoomend', apply);
            apply();
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, overview: Layer, detail: Layer, zoom: int = 13, *, within: Layer | None = None
    ) -> None:
        super().__init__()
        self._name = "ZoomSwitch"
        self.overview = overview.get_name()
        self.detail = detail.get_name()
        self.zoom = int(zoom)
        self.within = within.get_name() if within is not None else ""


def tile_xy(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Slippy-map tile column and row of WGS84 points at ``zoom`` (the Web Mercator scheme).

    Examples
    --------
    >>> tile_xy(np.array([121.5]), np.array([31.2]), 12)
    (array([3430]), array([1674]))
    """
    n = 2**zoom
    lat_r = np.radians(np.clip(lat, -85.0511, 85.0511))
    x = np.floor((np.asarray(lon) + 180.0) / 360.0 * n).astype(int)
    y = np.floor((1.0 - np.arcsinh(np.tan(lat_r)) / np.pi) / 2.0 * n).astype(int)
    return np.clip(x, 0, n - 1), np.clip(y, 0, n - 1)


def tile_bounds(x: int, y: int, zoom: int) -> tuple[float, float, float, float]:
    """WGS84 bounds (west, south, east, north) of a slippy-map tile."""
    n = 2**zoom

    def lat(row: int) -> float:
        return float(np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * row / n)))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def write_tiles(
    gdf: gpd.GeoDataFrame, folder: Path, *, zoom: int, fields: list[str], id_col: str
) -> list[str]:
    """Write a layer as one small GeoJSON file per map tile, for loading what is in view.

    Each feature is cut to every tile it touches, so a file holds only its own tile's share
    of a large polygon (draw such layers without outlines, or the cuts show). Files are
    written into a temporary folder renamed onto ``folder`` at the end. Returns the tile
    keys ``"x_y"`` written.
    """
    data = gdf.to_crs("EPSG:4326")
    props = _clean(data, [id_col, *fields]).drop(columns="geometry")
    records = [{c: _plain(v) for c, v in row.items()} for row in props.to_dict("records")]
    geoms = data.geometry.to_numpy()
    b = shapely.bounds(geoms)
    x0, y1 = tile_xy(b[:, 0], b[:, 1], zoom)
    x1, y0 = tile_xy(b[:, 2], b[:, 3], zoom)
    tiles: dict[str, list[dict]] = {}
    for k, geom in enumerate(geoms):
        for x in range(x0[k], x1[k] + 1):
            for y in range(y0[k], y1[k] + 1):
                piece = shapely.clip_by_rect(geom, *tile_bounds(x, y, zoom))
                if shapely.is_empty(piece):
                    continue
                feature = {
                    "type": "Feature",
                    "properties": {**records[k], "_piece": f"{k}@{x}_{y}"},
                    "geometry": shapely.geometry.mapping(piece),
                }
                tiles.setdefault(f"{x}_{y}", []).append(feature)
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_dir(folder, force=True) as tmp:
        for key, features in tiles.items():
            text = json.dumps({"type": "FeatureCollection", "features": features})
            (tmp / f"{key}.json").write_text(text, encoding="utf-8")
    return sorted(tiles)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


class TiledGeoJson(MacroElement):
    """Fill a feature group from :func:`write_tiles` files for the tiles in view, on demand.

    Nothing is fetched while the group is off the map (below the zoom where a
    :class:`ZoomSwitch` shows it); from then on each pan or zoom fetches the tiles in view
    that exist and were not fetched before, and adds each piece once. ``lines`` words the
    tooltip: (field, text) pairs, ``{v}`` in the text standing for the field's value, a
    line left out where the value is empty; by default "field: value" per field.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var group = {{ this.group }};
            var tiles = new Set({{ this.tiles|tojson }});
            var fetched = new Set(), seen = new Set(), zoom = {{ this.zoom }};
            var layer = L.geoJSON(null, {
                style: {{ this.style|tojson }},
                onEachFeature: function(f, l) {
                    var p = f.properties, lines = {{ this.lines|tojson }};
                    l.bindTooltip(lines.filter(function(x) {
                        return p[x[0]] !== undefined && p[x[0]] !== null && p[x[0]] !== '';
                    }).map(function(x) {
                        var v = String(p[x[0]]).replace(/&/g, '&amp;').replace(/</g, '&lt;');
                        return x[1].split('{v}').join(v);
                    }).join('<br>'), {sticky: true});
                }
            }).addTo(group);
            function tile(lon, lat) {
                var n = Math.pow(2, zoom), r = lat * Math.PI / 180;
                return [Math.floor((lon + 180) / 360 * n),
                        Math.floor((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2 * n)];
            }
            function load() {
                if (!map.hasLayer(group)) { return; }
                var b = map.getBounds(), a = tile(b.getWest(), b.getNorth()),
                    c = tile(b.getEast(), b.getSouth());
                for (var x = a[0]; x <= c[0]; x++) {
                    for (var y = a[1]; y <= c[1]; y++) {
                        var key = x + '_' + y;
                        if (!tiles.has(key) || fetched.has(key)) { continue; }
                        fetched.add(key);
                        fetch('{{ this.url }}/' + key + '.json')
                            .then(function(r) { return r.ok ? r.json() : null; })
                            .then(function(fc) {
                                if (!fc) { return; }
                                fc.features.forEach(function(f) {
                                    var id = f.properties._piece;
                                    if (!seen.has(id)) { seen.add(id); layer.addData(f); }
                                });
                            });
                    }
                }
            }
            map.on('moveend', load);
            map.on('overlayadd layeradd', function(e) { if (e.layer === group) { load(); } });
            load();
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        group: folium.FeatureGroup,
        url: str,
        tiles: list[str],
        *,
        zoom: int,
        id_col: str,
        fields: list[str],
        style: Mapping[str, Any],
        lines: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self._name = "TiledGeoJson"
        self.group = group.get_name()
        self.url = url.rstrip("/")
        self.tiles = list(tiles)
        self.zoom = int(zoom)
        self.id_col = id_col
        self.fields = [id_col, *[f for f in fields if f != id_col]]
        self.style = dict(style)
        self.lines = [list(x) for x in lines] if lines else [[f, f + ": {v}"] for f in self.fields]


_MARKER_HTML = (
    '<div class="ict-mark" style="width:{size}px;height:{size}px;background:{colour};'
    "border:2px solid {ring};border-radius:50%;box-shadow:0 0 0 1px #222;display:flex;"
    "align-items:center;justify-content:center;font:bold {font}px sans-serif;"
    'color:{ink}">{glyph}</div>'
)


def status_marker_html(status: str, *, selected: bool = False) -> str:
    """The HTML of a project's marker: a disc in the status colour with its glyph.

    The glyph (✕, !, ✓, –) carries the status without colour; a selected project's
    marker is larger with a black ring.
    """
    colour = STATUS_COLOURS.get(status, PROJECT_COLOUR)
    size = 30 if selected else 22
    return _MARKER_HTML.format(
        size=size,
        colour=colour,
        ring="#000" if selected else "#fff",
        font=16 if selected else 13,
        ink="#222" if status == "warn" else "#fff",
        glyph=STATUS_GLYPHS.get(status, ""),
    )


PROJECT_PANE = "projects"


def add_status_markers(
    fmap: folium.Map,
    gdf: gpd.GeoDataFrame | str,
    *,
    name: str,
    status_col: str = "status",
    tooltip: list[str] | None = None,
    aliases: list[str] | None = None,
    selected: str | None = None,
    id_col: str = "project_id",
) -> folium.GeoJson:
    """One marker per feature (points: a project's symbol), coloured and marked by status.

    The markers sit in their own pane above marker clusters, so clustered towers never
    hide a project; ``selected`` names the feature (by ``id_col``) drawn larger.
    """
    folium.map.CustomPane(PROJECT_PANE, z_index=650).add_to(fmap)
    data = _layer_data(gdf, tooltip, status_col)

    def paint(feature: dict[str, Any]) -> dict[str, Any]:
        props = feature["properties"]
        chosen = selected is not None and props.get(id_col) == selected
        size = 34 if chosen else 26
        return {
            "html": status_marker_html(str(props.get(status_col)), selected=chosen),
            "iconSize": [size, size],
            "iconAnchor": [size // 2, size // 2],
            "className": "ict-project",
        }

    tip = None
    if tooltip:
        present = _present(data, tooltip)
        tip = folium.GeoJsonTooltip(
            fields=present, aliases=aliases[: len(present)] if aliases else None
        )
    marker = folium.Marker(icon=folium.DivIcon(html="", class_name="ict-project"))
    marker.options["pane"] = PROJECT_PANE
    layer = folium.GeoJson(data, name=name, marker=marker, style_function=paint, tooltip=tip)
    layer.add_to(fmap)
    return layer


class ShowFromZoom(MacroElement):
    """Show ``layer`` from ``zoom`` on and hide it below (a project's outline, say)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }}, layer = {{ this.layer }};
            function apply() {
                var on = map.getZoom() >= {{ this.zoom }};
                if (on && !map.hasLayer(layer)) { map.addLayer(layer); }
                if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
            }
            map.on('zoomend', apply);
            apply();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, layer: Layer, zoom: int) -> None:
        super().__init__()
        self._name = "ShowFromZoom"
        self.layer = layer.get_name()
        self.zoom = int(zoom)


class Highlight(MacroElement):
    """Fit the map to ``bounds`` (south, west, north, east) and outline them in a halo."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }}, b = {{ this.bounds|tojson }};
            map.fitBounds([[b[0], b[1]], [b[2], b[3]]], {maxZoom: {{ this.max_zoom }},
                                                         padding: [40, 40]});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: tuple[float, float, float, float], max_zoom: int = 16) -> None:
        super().__init__()
        self._name = "Highlight"
        self.bounds = [float(v) for v in bounds]
        self.max_zoom = int(max_zoom)


@dataclass(frozen=True)
class LegendEntry:
    """One line of a :class:`Legend`.

    Attributes
    ----------
    label : str
        The words shown.
    colour : str
        The swatch colour (or the first colour of a ramp).
    shape : str
        ``square`` (an area), ``line``, ``dot`` (a point), ``marker`` (a project symbol
        with ``glyph``), ``cluster`` (a counted cluster), ``ramp`` (``colours`` with
        ``ticks``), ``ring`` (a ring drawn in ``border``) or ``diamond``.
    layer : folium layer or None
        Shown only while this layer is on the map; always when None.
    glyph : str
        The character of a ``marker``.
    colours : tuple of str
        A ramp's colours, low to high.
    ticks : tuple of str
        A ramp's labels, one per colour.
    dashed : bool
        A dashed ``line``.
    border : str
        The CSS border style of a ``ring`` (``dotted``, ``dashed``, ``solid``, ``double``).
    group : str
        A heading: consecutive entries of one group are listed under it, two a line.
    """

    label: str
    colour: str = "#333"
    shape: str = "square"
    layer: Layer | None = None
    glyph: str = ""
    colours: tuple[str, ...] = ()
    ticks: tuple[str, ...] = ()
    dashed: bool = False
    border: str = ""
    group: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The entry as the legend's script reads it."""
        return {
            "label": self.label,
            "colour": self.colour,
            "shape": self.shape,
            "layer": self.layer.get_name() if self.layer is not None else None,
            "glyph": self.glyph,
            "colours": list(self.colours),
            "ticks": list(self.ticks),
            "dashed": self.dashed,
            "border": self.border,
            "group": self.group,
        }


class Legend(MacroElement):
    """A legend on the map (a Leaflet control), listing only the layers on the map now.

    It is redrawn when a layer is switched on or off, from the layer control or by a
    zoom switch (the coverage grid giving way to gap polygons), so it stays complete for
    what is shown. Entries are :class:`LegendEntry` values, in order.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .ict-legend {background: rgba(255,255,255,0.94); padding: 6px 9px; font: 12px/1.35
            sans-serif; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.35);
            max-height: 60vh; overflow-y: auto; min-width: 150px}
        .ict-legend b {display:block; margin-bottom:3px; font-size:13px}
        .ict-legend .row {display:flex; align-items:center; gap:6px; margin:2px 0}
        .ict-legend .sw {width:16px; height:12px; flex:none; border:1px solid rgba(0,0,0,.3)}
        .ict-legend .ln {width:18px; height:0; flex:none; border-top-width:3px}
        .ict-legend .dot {width:10px; height:10px; border-radius:50%; flex:none}
        .ict-legend .mk {width:16px; height:16px; border-radius:50%; flex:none; color:#fff;
            font:bold 11px sans-serif; display:flex; align-items:center;
            justify-content:center; box-shadow:0 0 0 1px #222}
        .ict-legend .ramp {display:flex; margin:2px 0 0 0}
        .ict-legend .ramp span {flex:1; height:10px}
        .ict-legend .ticks {display:flex; font-size:10px; color:#333}
        .ict-legend .ticks span {flex:1; text-align:left; white-space:nowrap}
        .ict-legend .rg {width:12px; height:12px; border-radius:50%; flex:none;
            border-width:3px; box-sizing:border-box}
        .ict-legend .dm {width:10px; height:10px; flex:none; margin:0 3px;
            transform:rotate(45deg); border:1px solid #222}
        .ict-legend .grp {margin:4px 0 1px 0; font-weight:600}
        .ict-legend .cols {display:grid; grid-template-columns:auto auto; column-gap:10px}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var entries = {{ this.entries|tojson }};
            var layers = {};
            entries.forEach(function(e) { if (e.layer) { layers[e.layer] = window[e.layer]; } });
            var control = L.control({position: {{ this.position|tojson }}});
            function esc(t) {
                return String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;');
            }
            function row(e) {
                var s = '';
                if (e.shape === 'ramp') {
                    var r = e.colours.map(function(c) {
                        return '<span style="background:' + c + '"></span>'; }).join('');
                    var t = e.ticks.map(function(k) {
                        return '<span>' + esc(k) + '</span>'; }).join('');
                    return '<div class="entry" data-label="' + esc(e.label) + '">'
                        + esc(e.label) + '<div class="ramp">' + r + '</div>'
                        + '<div class="ticks">' + t + '</div></div>';
                }
                if (e.shape === 'line') {
                    var kind = e.dashed ? 'dashed ' : 'solid ';
                    s = '<span class="ln" style="border-top:3px ' + kind + e.colour
                        + '"></span>';
                } else if (e.shape === 'dot') {
                    s = '<span class="dot" style="border:1px solid #555;background:'
                        + e.colour + '"></span>';
                } else if (e.shape === 'ring') {
                    s = '<span class="rg" style="border-style:' + (e.border || 'solid')
                        + ';border-color:' + e.colour + '"></span>';
                } else if (e.shape === 'diamond') {
                    s = '<span class="dm" style="background:' + e.colour + '"></span>';
                } else if (e.shape === 'marker' || e.shape === 'cluster') {
                    s = '<span class="mk" style="background:' + e.colour
                        + (e.colour.toLowerCase() === '#f0e442' ? ';color:#222' : '')
                        + '">' + esc(e.glyph) + '</span>';
                } else {
                    s = '<span class="sw" style="background:' + e.colour + '"></span>';
                }
                return '<div class="row entry" data-label="' + esc(e.label) + '">' + s
                    + '<span>' + esc(e.label) + '</span></div>';
            }
            control.onAdd = function() {
                var d = L.DomUtil.create('div', 'ict-legend');
                L.DomEvent.disableClickPropagation(d);
                L.DomEvent.disableScrollPropagation(d);
                return d;
            };
            control.addTo(map);
            function draw() {
                var shown = entries.filter(function(e) {
                    return !e.layer || (layers[e.layer] && map.hasLayer(layers[e.layer]));
                });
                control.getContainer().innerHTML = '<b>' + esc({{ this.title|tojson }}) + '</b>'
                    + grouped(shown);
            }
            function grouped(shown) {
                var html = '', open = null;
                shown.forEach(function(e) {
                    var g = e.group || null;
                    if (g !== open && open !== null) { html += '</div></div>'; }
                    if (g !== open && g !== null) {
                        html += '<div class="group" data-group="' + esc(g) + '">'
                            + '<div class="grp">' + esc(g) + '</div><div class="cols">';
                    }
                    open = g;
                    html += row(e);
                });
                return html + (open !== null ? '</div></div>' : '');
            }
            map.on('zoomend overlayadd overlayremove layeradd layerremove', function() {
                setTimeout(draw, 0);
            });
            draw();
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, title: str, entries: list[LegendEntry], position: str = "bottomright"
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.entries = [e.to_dict() for e in entries]
        self.position = position


class ViewInUrl(MacroElement):
    """Keep the map's view in the page's address (``?view=lat,lon,zoom``) as it moves.

    The address is replaced, not pushed, and the app is not rerun: a reload or a copied
    link opens the same view. Query parameters already there are kept.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            map.on('moveend', function() {
                try {
                    var w = window.top, c = map.getCenter();
                    var u = new URL(w.location.href);
                    u.searchParams.set('view', c.lat.toFixed(5) + ',' + c.lng.toFixed(5) + ','
                                       + map.getZoom());
                    w.history.replaceState(w.history.state, '', u.toString());
                } catch (err) { /* a page from another origin: leave its address */ }
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ViewInUrl"


class NorthArrow(MacroElement):
    """A north arrow in a corner of the map (web maps are drawn north up)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var c = L.control({position: {{ this.position|tojson }}});
            c.onAdd = function() {
                var d = L.DomUtil.create('div', 'ict-north');
                d.style.cssText = 'background:rgba(255,255,255,0.9);padding:2px 6px;'
                    + 'font:bold 14px sans-serif;text-align:center;border-radius:4px;'
                    + 'box-shadow:0 1px 4px rgba(0,0,0,0.35);line-height:1.1';
                d.innerHTML = '&#9650;<br>N';
                return d;
            };
            c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, position: str = "topleft") -> None:
        super().__init__()
        self._name = "NorthArrow"
        self.position = position
