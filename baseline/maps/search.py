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

__all__ = ["Place", "parse_coordinates", "road_name", "roads_of", "search"]

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*[,，\s]\s*({_NUMBER})\s*$")
_ROAD_ZH = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:大道|公路|大街|路|街)")
_ROAD_EN = re.compile(r"\b(?:[A-Z][a-z]+ )+(?:Road|Avenue|Street|Highway|Boulevard)\b")


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
    bounds : tuple of float or None
        West, south, east, north (WGS84) of what the hit covers (the works on a road), to
        fit the map to; None for a point.
    members : tuple of str
        The project ids of the works on a ``road`` hit.
    """

    kind: str
    label: str
    lat: float
    lon: float
    key: str
    zoom: int = 16
    bounds: tuple[float, float, float, float] | None = None
    members: tuple[str, ...] = ()


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


def road_name(text: str) -> str:
    """The road a work's name is on: the first Chinese or English road name in ``text``.

    A generic "道路" (road) is not a name; text naming no road gives "".

    Examples
    --------
    >>> road_name("张江路综合管廊与道路改造"), road_name("世纪大道燃气管改造")
    ('张江路', '世纪大道')
    >>> road_name("Century Avenue gas main"), road_name("唐镇新建道路")
    ('Century Avenue', '')
    """
    m = _ROAD_ZH.search(str(text))
    if m and not m.group().endswith("道路"):
        return m.group()
    m = _ROAD_EN.search(str(text))
    return m.group() if m else ""


def roads_of(works: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The roads of a works layer: one row per road name, with the works on it.

    Parameters
    ----------
    works : geopandas.GeoDataFrame
        Works with ``project_id`` and a ``road_name`` column, or else a ``name`` (and
        optionally ``name_en``) from which the road is read by :func:`road_name`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``road`` (the name), ``members`` (tuple of project ids, in order) and the union
        of the works' geometry (WGS84). A work named on two roads (Chinese and English
        names) is listed under both.
    """
    works = works.to_crs("EPSG:4326")
    cols = ["road_name"] if "road_name" in works.columns else ["name", "name_en"]
    named = [
        works.assign(road=works[c].astype("string").fillna("").map(road_name))
        for c in cols
        if c in works.columns
    ]
    rows = pd.concat(named) if named else works.assign(road="")
    rows = rows[rows["road"] != ""]
    out = [
        {
            "road": road,
            "members": tuple(dict.fromkeys(group["project_id"].astype(str))),
            "geometry": group.geometry.union_all(),
        }
        for road, group in rows.groupby("road", sort=False)
    ]
    return gpd.GeoDataFrame(out, columns=["road", "members", "geometry"], crs="EPSG:4326")


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
        The works layer: its roads (see :func:`roads_of`) are matched by name, and a road
        hit carries the bounds and ids of every work on that road.
    limit : int
        At most this many hits.

    Returns
    -------
    list of Place
        Case-insensitive substring matches; hits named exactly ``text`` (a project id, a
        station, a road) come first.
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
        hits += _road_places(roads_of(roads), needle)
    exact = [h for h in hits if h.key.casefold() == needle]  # "张江路": the road first
    return [*exact, *(h for h in hits if h not in exact)][:limit]


def _road_places(roads: gpd.GeoDataFrame, needle: str) -> list[Place]:
    """A :class:`Place` per road whose name contains ``needle``, fitted to its works."""
    keep = roads[_matches(roads, ["road"], needle)]
    pts = keep.geometry.representative_point()
    return [
        Place(
            "road",
            f"{row['road']} ({', '.join(row['members'])})",
            float(pt.y),
            float(pt.x),
            str(row["road"]),
            15,
            tuple(float(v) for v in row.geometry.bounds),  # type: ignore[arg-type]
            tuple(row["members"]),
        )
        for (_, row), pt in zip(keep.iterrows(), pts, strict=True)
    ]


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
