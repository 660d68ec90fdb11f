"""Gap finding over an area, from sites in memory or in a partitioned layer, on any engine."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from baseline.coverage.model import (
    CoverageResult,
    area_region,
    coverage_radius,
    coverage_union,
    gaps_from_union,
    merge_radii,
    tech_params,
)
from baseline.coverage.model import (
    find_gaps as local_find_gaps,
)
from baseline.engine.assets import metric_boxes
from baseline.engine.executor import Engine
from baseline.errors import BaselineError
from baseline.io.crs import metric_crs
from baseline.io.partitioned import ROW, PartitionedLayer, read_part


def _gaps_task(path: str, coverage: dict, crs: str, tech, radius_m, region, near: bool):
    part = read_part(path).drop(columns=ROW)
    return coverage_union(
        part, coverage, crs=crs, tech=tech, radius_m=radius_m, clip=region, count_only=not near
    )


def _reach_m(layer: PartitionedLayer, coverage: dict, tech, radius_m) -> float:
    """Largest footprint radius any site of the layer can have (a safe pruning distance).

    The tallest height comes from the Parquet column statistics, without reading any rows;
    the radius grows with height in every model, and it is doubled for good measure.
    """
    if radius_m is not None:
        return float(radius_m)
    _, base = tech_params(coverage, tech)
    heights = [float(base["bs_height_m"])]
    if "height_m" in layer.columns:
        heights += _column_max(layer, "height_m")
    return 2 * max(coverage_radius({**base, "bs_height_m": h}) for h in heights)


def _column_max(layer: PartitionedLayer, column: str) -> list[float]:
    import pyarrow.parquet as pq

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


def find_gaps(
    sites: gpd.GeoDataFrame | PartitionedLayer,
    area: gpd.GeoDataFrame,
    coverage: dict,
    *,
    tech: str | None = None,
    radius_m: float | None = None,
    engine: Engine | None = None,
) -> CoverageResult:
    """:func:`baseline.coverage.find_gaps` on either engine.

    The dask engine unions the footprints of each part that can reach the area in its own
    task, then unions those unions; parts out of reach only count their sites. The local
    engine reads a partitioned layer whole.
    """
    engine = engine or Engine()
    if isinstance(sites, PartitionedLayer) and engine.name == "local":
        sites = sites.frame()
    if not isinstance(sites, PartitionedLayer):
        if engine.name == "dask":
            raise BaselineError(
                "the dask engine reads sites from a partitioned layer; create one with "
                "`baseline ingest SITES --out DIR` and pass --sites DIR"
            )
        return local_find_gaps(sites, area, coverage, tech=tech, radius_m=radius_m)
    crs = metric_crs(area)
    region = area_region(area, crs)
    reach = _reach_m(sites, coverage, tech, radius_m)
    boxes = metric_boxes(sites, crs)
    near = shapely.STRtree(shapely.box(*boxes.T)).query(
        shapely.box(*np.add(region.bounds, [-reach, -reach, reach, reach]))
    )
    crs_text = pyproj.CRS.from_user_input(crs).to_string()
    near = set(near.tolist())
    tasks = [
        (str(sites.path / p.file), dict(coverage), crs_text, tech, radius_m, region, k in near)
        for k, p in enumerate(sites.parts)
    ]
    results = engine.map(_gaps_task, tasks)
    union = shapely.union_all([r[0] for r in results]) if results else shapely.Polygon()
    used = sum(r[1] for r in results)
    skipped = sum(r[2] for r in results)
    return gaps_from_union(region, union, used, skipped, merge_radii([r[3] for r in results]), crs)
