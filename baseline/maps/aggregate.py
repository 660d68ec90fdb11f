"""Large works layers on a web map: counted per grid cell above a few thousand features.

A browser draws about 5,000 features of a GeoJSON layer in a few seconds; a district's
works register can hold 100,000. Above :data:`WORKS_LIMIT` features the map draws a
square grid (500 m unless told) whose cells count the works whose representative point
falls inside, coloured in :data:`COUNT_COLOURS` by order of magnitude.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from baseline.io.crs import metric_crs

__all__ = [
    "COUNT_COLOURS",
    "COUNT_EDGES",
    "WORKS_LIMIT",
    "band_labels",
    "count_band",
    "works_grid",
]

WORKS_LIMIT = 5_000
COUNT_EDGES = (1, 10, 100, 1_000)
COUNT_COLOURS = ("#ccece6", "#66c2a4", "#2ca25f", "#00441b")


def count_band(count: np.ndarray) -> np.ndarray:
    """Index into :data:`COUNT_COLOURS` of each count (1–9, 10–99, 100–999, 1000 and more).

    Examples
    --------
    >>> count_band(np.array([1, 9, 10, 999, 5000])).tolist()
    [0, 0, 1, 2, 3]
    """
    return np.searchsorted(COUNT_EDGES, np.asarray(count), side="right") - 1


def works_grid(
    works: gpd.GeoDataFrame, *, cell_m: float = 500.0, max_cells: int = 2_000
) -> gpd.GeoDataFrame:
    """The works counted per square cell of ``cell_m`` metres (a metric CRS of the data).

    Cells are doubled in size until at most ``max_cells`` hold works, so the grid itself
    stays light to draw (works spread over all of Pudong: 1 km or 2 km cells).

    Parameters
    ----------
    works : geopandas.GeoDataFrame
        Any geometry, any CRS; each feature counts once, in the cell of the centre of
        its bounding box. Empty geometries are left out.
    cell_m : float
        The side of the smallest cell in metres.
    max_cells : int
        At most this many cells are returned.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell holding works (WGS84 squares): ``count``, ``band`` (index into
        :data:`COUNT_COLOURS`), ``colour`` and ``cell_m`` (the side used), the densest
        cells first.
    """
    geoms = works.geometry[~(works.geometry.isna() | works.geometry.is_empty)]
    columns = ["count", "band", "colour", "cell_m", "geometry"]
    if geoms.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs="EPSG:4326")
    crs = metric_crs(geoms)
    xy = _centres(geoms, crs)
    while True:
        cells, count = _count(xy, cell_m)
        if len(cells) <= max_cells:
            break
        cell_m *= 2
    boxes = shapely.box(*(cells * cell_m).T, *((cells + 1) * cell_m).T)
    band = count_band(count)
    grid = gpd.GeoDataFrame(
        {
            "count": count,
            "band": band,
            "colour": np.asarray(COUNT_COLOURS)[band],
            "cell_m": cell_m,
        },
        geometry=boxes,
        crs=crs,
    )
    order = np.argsort(-count, kind="stable")
    return grid.iloc[order].reset_index(drop=True).to_crs("EPSG:4326")


def _centres(geoms: gpd.GeoSeries, crs: pyproj.CRS) -> np.ndarray:
    """The centre of each feature's bounding box in ``crs``, as an (n, 2) array.

    The box centre, not a representative point: a work is short against a cell, and the
    centre of 100,000 boxes takes milliseconds where representative points take a second.
    """
    b = shapely.bounds(geoms.to_numpy())
    to = pyproj.Transformer.from_crs(geoms.crs, crs, always_xy=True)
    x, y = to.transform((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
    return np.column_stack([x, y])


def _count(xy: np.ndarray, cell_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The cells (column, row) of side ``cell_m`` holding points ``xy``, and their counts."""
    ij = np.floor(xy / cell_m).astype(np.int64)
    ij -= ij.min(axis=0)
    span = int(ij[:, 1].max()) + 1
    keys, count = np.unique(ij[:, 0] * span + ij[:, 1], return_counts=True)
    origin = np.floor(xy.min(axis=0) / cell_m).astype(np.int64)
    return np.column_stack([keys // span, keys % span]) + origin, count


def band_labels() -> list[str]:
    """The counts of each band.

    Examples
    --------
    >>> band_labels()
    ['1–9', '10–99', '100–999', '≥1000']
    """
    highs: list[int | None] = [*COUNT_EDGES[1:], None]
    return [f"{lo}–{hi - 1}" if hi else f"≥{lo}" for lo, hi in zip(COUNT_EDGES, highs, strict=True)]
