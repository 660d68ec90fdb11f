"""The area-class layer: which coverage target (urban -90 dBm, suburban -95 dBm) holds where.

A polygon layer with a column ``area_class`` whose values are classes of the catalogue's
``coverage.area_classes``. Places it does not cover take ``coverage.default_area_class``.
The bundled layer (``layers/pudong_area_classes.geojson``) is an ILLUSTRATIVE split of Pudong,
not an official zoning: give your own with ``--area-classes``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from baseline import settings
from baseline.errors import BaselineError
from baseline.io.formats import read_layer
from baseline.standard.params import CoverageParams

BUNDLED_NAME = "pudong_area_classes.geojson"
_SHOWN_ROWS = 10


def bundled_path() -> Path:
    """Path of the bundled illustrative area-class layer."""
    return settings.layers_dir / BUNDLED_NAME


def read_area_classes(
    path: str | Path | None, coverage: CoverageParams, *, crs: str | None = None
) -> gpd.GeoDataFrame:
    """Read and check an area-class layer (default the bundled illustrative one).

    Raises
    ------
    BaselineError
        When the column ``area_class`` is missing or holds classes the catalogue does not
        know; the message names the file, the rows and the fix.
    """
    path = Path(path) if path is not None else bundled_path()
    layer = read_layer(path, crs=crs)
    return check_area_classes(layer, coverage, source=path.name)


def check_area_classes(
    layer: gpd.GeoDataFrame, coverage: CoverageParams, *, source: str = "area classes"
) -> gpd.GeoDataFrame:
    """The layer's polygons with a valid ``area_class`` (see :func:`read_area_classes`)."""
    known = ", ".join(coverage.area_classes)
    if "area_class" not in layer:
        msg = f"{source}: an area-class layer needs a column 'area_class' ({known})"
        raise BaselineError(msg, zh=f"{source}：区域类别图层需要“area_class”列（{known}）")
    values = layer["area_class"].astype(str).to_numpy()
    bad = np.flatnonzero(~np.isin(values, list(coverage.area_classes)))
    if len(bad):
        rows = ", ".join(str(i + 1) for i in bad[:_SHOWN_ROWS])
        shown = ", ".join(sorted({repr(values[i]) for i in bad}))
        msg = (
            f"{source}: row(s) {rows} (counted from 1) have area_class {shown}; use one of "
            f"{known}, or add the class to coverage.area_classes with its rsrp_dbm"
        )
        zh = (
            f"{source}：第 {rows} 行（从 1 计）的 area_class 为 {shown}；请用 {known} 之一，"
            "或把该类别连同其 rsrp_dbm 加入 coverage.area_classes"
        )
        raise BaselineError(msg, zh=zh)
    return layer[["area_class", layer.geometry.name]]


def class_regions(
    region: shapely.Geometry,
    classes: gpd.GeoDataFrame | None,
    coverage: CoverageParams,
    crs: Any,
) -> dict[str, shapely.Geometry]:
    """``region`` cut into its classes (the rest in the default class); empty parts dropped."""
    default = coverage.default_area_class
    if classes is None or classes.empty:
        return {default: region}
    layer = classes.to_crs(crs)
    out: dict[str, shapely.Geometry] = {}
    for cid in coverage.area_classes:
        shapes = layer.geometry[layer["area_class"].astype(str) == cid].to_numpy()
        if cid != default and len(shapes):
            out[cid] = shapely.intersection(region, shapely.union_all(shapes))
    rest = shapely.difference(region, shapely.union_all(list(out.values())))
    out[default] = rest
    return {k: v for k, v in out.items() if not shapely.is_empty(v) and shapely.area(v) > 0}


def classify(
    geoms: np.ndarray, classes: gpd.GeoDataFrame | None, coverage: CoverageParams, crs: Any
) -> np.ndarray:
    """The area class of each geometry (at its representative point) in ``crs``."""
    out = np.full(len(geoms), coverage.default_area_class, dtype=object)
    if classes is None or classes.empty or not len(geoms):
        return out
    layer = classes.to_crs(crs)
    points = shapely.point_on_surface(np.asarray(geoms))
    tree = shapely.STRtree(layer.geometry.to_numpy())
    p_idx, c_idx = tree.query(points, predicate="within")
    names = layer["area_class"].astype(str).to_numpy()
    out[p_idx] = names[c_idx]
    return out
