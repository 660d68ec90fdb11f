"""Reproducible synthetic city data in UTM 51N metres, clustered like a city.

Points are drawn around cluster centres (a few dense cores, many small ones) inside a square
region; sizes and the seed come from the caller, so every run of a benchmark sees the same data.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

CRS = "EPSG:32651"
X0, Y0 = 330_000.0, 3_420_000.0  # south-west corner, around Shanghai


def clustered_xy(
    n: int, side_m: float, rng: np.random.Generator, clusters: int = 400
) -> np.ndarray:
    """n points: 70 % in Gaussian clusters (sigma 300-3,000 m), 30 % uniform."""
    centres = rng.uniform(0, side_m, size=(clusters, 2))
    weights = rng.pareto(1.2, clusters) + 1
    weights /= weights.sum()
    n_c = int(n * 0.7)
    pick = rng.choice(clusters, size=n_c, p=weights)
    sigma = rng.uniform(300, 3000, clusters)[pick][:, None]
    pts = centres[pick] + rng.normal(size=(n_c, 2)) * sigma
    uni = rng.uniform(0, side_m, size=(n - n_c, 2))
    xy = np.clip(np.vstack([pts, uni]), 0, side_m)
    return xy + np.array([X0, Y0])


def assets(n: int, side_m: float, seed: int = 1) -> gpd.GeoDataFrame:
    """Existing asset points: 5 % towers, 60 % poles, 35 % sensors."""
    rng = np.random.default_rng(seed)
    xy = clustered_xy(n, side_m, rng)
    kind = rng.choice(["tower", "pole", "sensor"], size=n, p=[0.05, 0.6, 0.35])
    return gpd.GeoDataFrame({"asset_type": kind}, geometry=shapely.points(xy), crs=CRS)


def siteplan(n_projects: int, side_m: float, categories: list[str], seed: int = 2):
    """Projects (boxes 50-300 m) with a telecom room, a duct and a sensor each."""
    rng = np.random.default_rng(seed)
    xy = clustered_xy(n_projects, side_m, rng)
    w = rng.uniform(50, 300, n_projects)
    h = rng.uniform(50, 300, n_projects)
    boxes = shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + w, xy[:, 1] + h)
    ids = np.array([f"B{i:06d}" for i in range(n_projects)])
    projects = gpd.GeoDataFrame(
        {
            "kind": "boundary",
            "project_id": ids,
            "category": rng.choice(categories, n_projects),
            "gfa_m2": rng.uniform(2_000, 80_000, n_projects).round(),
            "floors": rng.integers(1, 40, n_projects),
            "households": rng.integers(0, 600, n_projects),
            "seats": rng.integers(0, 6000, n_projects),
            "road_class": rng.choice(["trunk", "secondary", "branch"], n_projects),
        },
        geometry=boxes,
        crs=CRS,
    )
    rooms = gpd.GeoDataFrame(
        {
            "kind": "telecom_room",
            "project_id": ids,
            "area_m2": rng.uniform(10, 30, n_projects),
            "width_m": rng.uniform(2, 5, n_projects),
            "clear_height_m": 3.0,
            "floor_load_kn_m2": 8.0,
        },
        geometry=shapely.points(xy + 10),
        crs=CRS,
    )
    ducts = gpd.GeoDataFrame(
        {
            "kind": "duct",
            "project_id": ids,
            "holes": 12,
            "spare_holes": rng.integers(0, 3, n_projects),
            "operators": rng.integers(2, 4, n_projects),
        },
        geometry=shapely.linestrings(np.stack([xy + 5, xy - 30], axis=1)),
        crs=CRS,
    )
    sensors = gpd.GeoDataFrame(
        {"kind": "sensor", "project_id": ids}, geometry=shapely.points(xy + 20), crs=CRS
    )
    fittings = gpd.GeoDataFrame(pd.concat([rooms, ducts, sensors], ignore_index=True), crs=CRS)
    return projects, fittings


def works(n: int, side_m: float, seed: int = 3) -> gpd.GeoDataFrame:
    """Street works: lines 20-500 m, durations two weeks to two years within five years."""
    rng = np.random.default_rng(seed)
    xy = clustered_xy(n, side_m, rng)
    length = rng.uniform(20, 500, n)
    angle = rng.uniform(0, np.pi, n)
    end = xy + np.column_stack([np.cos(angle), np.sin(angle)]) * length[:, None]
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 5 * 365 - 730, n), unit="D"
    )
    duration = pd.to_timedelta(rng.integers(14, 730, n), unit="D")
    return gpd.GeoDataFrame(
        {
            "work_id": [f"W{i:06d}" for i in range(n)],
            "start": start,
            "end": start + duration,
            "owner": rng.choice(["Telecom", "Water", "Gas", "Power", "Roads"], n),
        },
        geometry=shapely.linestrings(np.stack([xy, end], axis=1)),
        crs=CRS,
    )
