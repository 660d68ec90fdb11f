"""Find a place on the map: a project, a metro station, a road of the works, coordinates.

Coordinates are read as ``lon,lat`` (or ``lat,lon`` when the first number cannot be a
longitude) and offered in each of the three systems used in China: WGS84 as given, GCJ-02
(AMap, Tencent) and BD-09 (Baidu) converted to WGS84, so a point copied from any of those
maps lands where it belongs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from baseline.io.crs import bd09_to_gcj02, gcj02_to_wgs84, in_china

__all__ = ["Place", "parse_coordinates", "search"]

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*[,，\s]\s*({_NUMBER})\s*$")


@dataclass(frozen=True)
class Place:
    """A search hit.

    Attributes
    ----------
    kind : str
        ``project``, ``station``, ``road`` or ``coordinates``.
    label : str
        What the hit is called (the project's id and name, the station's name, the
        coordinates and their system).
    lat, lon : float
        Where it lies, WGS84.
    key : str
        The project id of a ``project`` hit, the coordinate system (``wgs84``, ``gcj02``,
        ``bd09``) of a ``coordinates`` hit, else the name.
    zoom : int
        The zoom to show it at.
    """

    kind: str
    label: str
    lat: float
    lon: float
    key: str
    zoom: int = 16


def parse_coordinates(text: str) -> list[Place]:
    """Read ``lon,lat`` and return it as WGS84, GCJ-02 and BD-09 readings, in that order.

    Outside China only the WGS84 reading is returned (the offsets do not apply there);
    text that is not a pair of numbers, or numbers outside the ranges of degrees, gives
    no hit.

    Examples
    --------
    >>> [p.key for p in parse_coordinates("121.5, 31.24")]
    ['wgs84', 'gcj02', 'bd09']
    >>> parse_coordinates("31.24 121.5")[0].lon
    121.5
    >>> parse_coordinates("PD-B02")
    []
    """
    m = _PAIR.match(text)
    if not m:
        return []
    a, b = float(m.group(1)), float(m.group(2))
    lon, lat = (b, a) if abs(a) <= 90 < abs(b) else (a, b)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return []
    x, y = np.array([lon]), np.array([lat])
    label = f"{lon:.6f}, {lat:.6f}"
    out = [Place("coordinates", f"{label} (WGS84)", lat, lon, "wgs84")]
    if bool(in_china(x, y)[0]):
        gx, gy = gcj02_to_wgs84(x, y)
        out.append(Place("coordinates", f"{label} (GCJ-02)", float(gy[0]), float(gx[0]), "gcj02"))
        bx, by = gcj02_to_wgs84(*bd09_to_gcj02(x, y))
        out.append(Place("coordinates", f"{label} (BD-09)", float(by[0]), float(bx[0]), "bd09"))
    return out


def search(
    text: str,
    *,
    projects: gpd.GeoDataFrame | None = None,
    stations: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    limit: int = 8,
) -> list[Place]:
    """Places matching ``text``: coordinates first, then projects, stations and roads.

    Parameters
    ----------
    text : str
        Part of a project id or name (Chinese or English), of a station's name (Chinese or
        pinyin), of a road name in the works layer, or a ``lon,lat`` pair.
    projects : geopandas.GeoDataFrame, optional
        With ``project_id``, ``name`` and optionally ``name_en``.
    stations : geopandas.GeoDataFrame, optional
        Metro stations with ``name``, optionally ``name_pinyin`` and ``line``.
    roads : geopandas.GeoDataFrame, optional
        Works with a ``road_name`` (or ``name``) column, matched by it.
    limit : int
        At most this many hits.

    Returns
    -------
    list of Place
        Case-insensitive substring matches; an exact project id comes first.
    """
    text = text.strip()
    if not text:
        return []
    coords = parse_coordinates(text)
    if coords:
        return coords[:limit]
    needle = text.casefold()
    hits: list[Place] = []
    if projects is not None and len(projects):
        keep = projects[_matches(projects, ["project_id", "name", "name_en"], needle)]
        exact = keep["project_id"].astype(str).str.casefold() == needle
        keep = keep.iloc[np.argsort(~exact.to_numpy(), kind="stable")]
        hits += _places(
            keep,
            "project",
            lambda r: f"{r['project_id']} {r.get('name', '')}".strip(),
            lambda r: str(r["project_id"]),
        )
    if stations is not None and len(stations):
        keep = stations[_matches(stations, ["name", "name_pinyin"], needle)]
        hits += _places(
            keep.drop_duplicates("name"),
            "station",
            lambda r: f"{r['name']} ({r['line']})" if r.get("line") else str(r["name"]),
            lambda r: str(r["name"]),
        )
    if roads is not None and len(roads):
        col = "road_name" if "road_name" in roads.columns else "name"
        keep = roads[_matches(roads, [col], needle)].drop_duplicates(col)
        hits += _places(keep, "road", lambda r: str(r[col]), lambda r: str(r[col]), zoom=15)
    return hits[:limit]


def _matches(gdf: gpd.GeoDataFrame, cols: list[str], needle: str) -> np.ndarray:
    """Rows whose value in any of ``cols`` contains ``needle`` (case-folded)."""
    found = np.zeros(len(gdf), dtype=bool)
    for col in cols:
        if col in gdf.columns:
            values = gdf[col].astype("string").fillna("").str.casefold()
            found |= values.str.contains(needle, regex=False).to_numpy(dtype=bool)
    return found


def _places(
    gdf: gpd.GeoDataFrame,
    kind: str,
    label: Callable[[pd.Series], str],
    key: Callable[[pd.Series], str],
    zoom: int = 16,
) -> list[Place]:
    """A :class:`Place` per row, at its representative point."""
    if gdf.empty:
        return []
    pts = gdf.to_crs("EPSG:4326").geometry.representative_point()
    return [
        Place(kind, label(row), float(pt.y), float(pt.x), key(row), zoom)
        for (_, row), pt in zip(gdf.iterrows(), pts, strict=True)
    ]
