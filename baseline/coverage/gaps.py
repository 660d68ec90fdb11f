"""Gap finding over an area: one body for sites in memory or in a partitioned layer.

The sites come in parts: a GeoDataFrame is one part, a partitioned layer (from
:func:`baseline.io.partitioned.ingest`) is its parts. The engine maps one task over the parts;
each task unions the footprints of its part that reach the area (parts whose boxes lie out of
reach only count their sites), and the unions are unioned into the gaps. With an area-class
layer this runs once per class, each class's part of the area covered at its own RSRP target.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import shapely

from baseline.coverage.areas import class_regions
from baseline.coverage.budget import coverage_radius
from baseline.coverage.model import (
    CoverageResult,
    area_region,
    coverage_union,
    gaps_from_union,
    merge_radii,
)
from baseline.engine.assets import metric_boxes
from baseline.engine.executor import Engine
from baseline.errors import BaselineError
from baseline.io.crs import metric_crs
from baseline.io.partitioned import ROW, PartitionedLayer, read_part
from baseline.standard.params import CoverageParams

Part: TypeAlias = gpd.GeoDataFrame | str
"""One part of the sites: a GeoDataFrame, or the path of a GeoParquet part."""
UnionPart: TypeAlias = tuple[shapely.Geometry, int, int, pd.DataFrame]


def _part_sites(part: Part) -> gpd.GeoDataFrame:
    return read_part(part).drop(columns=ROW) if isinstance(part, str) else part


def _union_task(
    part: Part,
    coverage: CoverageParams,
    crs: Any,
    tech: str | None,
    radius_m: float | None,
    region: shapely.Geometry,
    near: bool,
    area_class: str,
) -> UnionPart:
    """The union of one part's footprints for one area class (empty when not ``near``)."""
    return coverage_union(
        _part_sites(part),
        coverage,
        crs=crs,
        tech=tech,
        radius_m=radius_m,
        clip=region,
        count_only=not near,
        area_class=area_class,
    )


def _reach_m(layer: PartitionedLayer, coverage: CoverageParams, radius_m: float | None) -> float:
    """Largest footprint radius any site of the layer can have (a safe pruning distance).

    The tallest height comes from the Parquet column statistics, without reading any rows;
    the radius grows with height in every model, so the largest radius of any profile at
    that height in any class bounds every site's; it is doubled for good measure.
    """
    if radius_m is not None:
        return float(radius_m)
    tallest = max([0.0, *_column_max(layer, "height_m")])
    radii = [
        coverage_radius(p.at_height(max(tallest, p.bs_height_m)), coverage, cls)
        for p in coverage.techs.values()
        for cls in coverage.area_classes
    ]
    return 2 * max(radii)


def _column_max(layer: PartitionedLayer, column: str) -> list[float]:
    out = []
    for p in layer.parts:
        meta = pq.ParquetFile(layer.path / p.file).metadata
        names = [meta.schema.column(i).name for i in range(meta.num_columns)]
        if column not in names:
            continue
        k = names.index(column)
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(k).statistics
            if stats is None or not stats.has_min_max:
                return [float("inf")]  # unknown: read everything
            out.append(float(stats.max))
    return out


def _parts(
    sites: gpd.GeoDataFrame | PartitionedLayer,
    region: shapely.Geometry,
    reach: float,
    crs: Any,
) -> list[tuple[Part, bool]]:
    """(part, whether it can reach the region) for every part of the sites."""
    if isinstance(sites, gpd.GeoDataFrame):
        return [(sites, True)]
    boxes = metric_boxes(sites, crs)
    grown = shapely.box(*np.add(shapely.bounds(region), [-reach, -reach, reach, reach]))
    near = set(shapely.STRtree(shapely.box(*boxes.T)).query(grown).tolist())
    return [(str(sites.path / p.file), k in near) for k, p in enumerate(sites.parts)]


def _class_union(
    sites: gpd.GeoDataFrame | PartitionedLayer,
    region: shapely.Geometry,
    area_class: str,
    run: tuple[CoverageParams, Any, str | None, float | None, Engine],
) -> tuple[shapely.Geometry, list[UnionPart]]:
    """The covered part of one class's region, and every part's answer."""
    coverage, crs, tech, radius_m, engine = run
    reach = 0.0 if isinstance(sites, gpd.GeoDataFrame) else _reach_m(sites, coverage, radius_m)
    calls = [
        (part, coverage, crs, tech, radius_m, region, near, area_class)
        for part, near in _parts(sites, region, reach, crs)
    ]
    answers = engine.map(_union_task, calls)
    union = shapely.union_all([u[0] for u in answers]) if answers else shapely.Polygon()
    return shapely.intersection(union, region), answers


def find_gaps(
    sites: gpd.GeoDataFrame | PartitionedLayer,
    area: gpd.GeoDataFrame,
    coverage: CoverageParams,
    *,
    tech: str | None = None,
    radius_m: float | None = None,
    engine: Engine | None = None,
    crs: Any = None,
    area_classes: gpd.GeoDataFrame | None = None,
) -> CoverageResult:
    """Covered share of ``area`` and its gap polygons, on any engine.

    Sites outside the area still contribute where their footprint reaches into it.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame or PartitionedLayer
        Point sites in any CRS (invalid coordinates are skipped and counted). A GeoDataFrame
        is one part; a partitioned layer is its parts, and parts out of reach of the area
        are not drawn.
    area : geopandas.GeoDataFrame
        Polygon(s) of the study area (the union of all rows is used).
    coverage : CoverageParams
        The catalogue's ``coverage`` section.
    tech : str, optional
        Technology id or alias; default the catalogue's ``default_tech``.
    radius_m : float, optional
        A fixed radius overriding the link budget.
    engine : Engine, optional
        Default local (this process). The dask engine needs a partitioned layer.
    crs : CRS-like, optional
        The run's metric CRS; default chosen from ``area``.
    area_classes : geopandas.GeoDataFrame, optional
        Polygons with ``area_class`` (:mod:`baseline.coverage.areas`): each class's part of
        the area is covered by the footprints at its own RSRP target. Default: the whole
        area in the catalogue's default class.

    Returns
    -------
    CoverageResult
    """
    engine = engine or Engine()
    if engine.name == "dask" and not isinstance(sites, PartitionedLayer):
        raise BaselineError(
            "the dask engine reads sites from a partitioned layer; create one with "
            "`baseline ingest SITES --out DIR` and pass --sites DIR",
            zh="dask 引擎从分块图层读取站点；请用 `baseline ingest SITES --out DIR` 创建，"
            "再传入 --sites DIR",
        )
    crs = crs or metric_crs(area)
    region = area_region(area, crs)
    classes = None if radius_m is not None else area_classes
    covered, tables, counts = [], [], (0, 0)
    run = (coverage, crs, tech, radius_m, engine)
    for k, (cls, part) in enumerate(class_regions(region, classes, coverage, crs).items()):
        union, answers = _class_union(sites, part, cls, run)
        covered.append(union)
        tables += [u[3] for u in answers]
        if k == 0:
            counts = (sum(u[1] for u in answers), sum(u[2] for u in answers))
    union = shapely.union_all(covered) if covered else shapely.Polygon()
    return gaps_from_union(region, union, *counts, merge_radii(tables), crs)
