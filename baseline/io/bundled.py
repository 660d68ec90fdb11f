"""The bundled Pudong sample layers, found by name.

Real layers (converted to WGS84; sources and licences in ``layers/SOURCES.md``):
``pudong_boundary``, ``shanghai_districts``, ``towers`` (Shanghai Telecom base stations),
``metro_stations``, ``metro_lines``, ``aq_sensors`` (CNEMC air-quality stations).
Illustrative: ``sample_siteplan`` (invented projects and their fittings).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from baseline import settings
from baseline.errors import BaselineError
from baseline.io.formats import read_layer

LAYERS = {
    "pudong_boundary": "pudong_boundary.geojson",
    "shanghai_districts": "shanghai_districts.geojson",
    "towers": "towers.geojson",
    "metro_stations": "metro_stations.geojson",
    "metro_lines": "metro_lines.geojson",
    "aq_sensors": "aq_sensors.geojson",
    "sample_siteplan": "sample_siteplan.geojson",
}


def get_path(name: str) -> Path:
    """Return the path of a bundled layer.

    Raises
    ------
    BaselineError
        For an unknown name; the message lists the available ones.

    Examples
    --------
    >>> get_path("towers").name
    'towers.geojson'
    """
    if name not in LAYERS:
        msg = f"'{name}' is not a bundled layer, must be one of {', '.join(LAYERS)}"
        raise BaselineError(msg, zh=f"“{name}”不是内置图层，须为以下之一：{', '.join(LAYERS)}")
    return settings.layers_dir / LAYERS[name]


def load(name: str) -> gpd.GeoDataFrame:
    """Read a bundled layer (WGS84)."""
    return read_layer(get_path(name))


def load_assets() -> gpd.GeoDataFrame:
    """Existing assets of the bundled data: towers and sensors, with ``asset_type``."""
    towers = load("towers")[["asset_id", "asset_type", "geometry"]]
    sensors = load("aq_sensors")[["asset_id", "asset_type", "sensor_type", "geometry"]]
    return gpd.GeoDataFrame(pd.concat([towers, sensors], ignore_index=True), crs="EPSG:4326")
