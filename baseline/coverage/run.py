"""The gaps use case end to end, for the CLI and the app alike: gaps, summary and grid."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from baseline.coverage.gaps import find_gaps
from baseline.coverage.model import CoverageResult, grid_summary
from baseline.coverage.report import gap_report
from baseline.engine.executor import Engine
from baseline.io.crs import metric_crs
from baseline.io.partitioned import PartitionedLayer
from baseline.io.siteplan import SitePlan
from baseline.standard.params import CoverageParams


@dataclass
class GapsRun:
    """What one gaps run gives.

    Attributes
    ----------
    result : CoverageResult
        The union, the gap polygons and the counts, in the run's metric CRS.
    gaps : geopandas.GeoDataFrame
        Gap polygons ranked by the planned projects they touch (WGS84).
    summary : pandas.DataFrame
        Covered share per area row and per project of the plan.
    area : geopandas.GeoDataFrame
        The study area.
    grid_cell_m : float
        Side of the overview grid's cells (the catalogue's ``coverage.grid_cell_m``).
    """

    result: CoverageResult
    gaps: gpd.GeoDataFrame
    summary: pd.DataFrame
    area: gpd.GeoDataFrame
    grid_cell_m: float

    @functools.cached_property
    def grid(self) -> gpd.GeoDataFrame:
        """The overview grid, made on first use (WGS84).

        Square cells of ``grid_cell_m`` cut to the area, each with ``covered_fraction``
        (0..1, four decimals) and ``area_m2``.
        """
        return grid_summary(self.result, self.area, self.grid_cell_m).to_crs("EPSG:4326")


def gaps_run(
    sites: gpd.GeoDataFrame | PartitionedLayer,
    area: gpd.GeoDataFrame,
    coverage: CoverageParams,
    *,
    plan: SitePlan | None = None,
    tech: str | None = None,
    radius_m: float | None = None,
    engine: Engine | None = None,
    area_classes: gpd.GeoDataFrame | None = None,
) -> GapsRun:
    """Model coverage of ``area`` from ``sites``; rank its gaps and summarise (grid on demand).

    Parameters
    ----------
    sites, area, coverage, tech, radius_m, engine, area_classes
        As for :func:`baseline.coverage.find_gaps`.
    plan : SitePlan, optional
        Projects that get a covered share and rank the gaps they touch.

    Returns
    -------
    GapsRun
    """
    crs = metric_crs(area)
    result = find_gaps(
        sites, area, coverage, tech=tech, radius_m=radius_m, engine=engine, crs=crs,
        area_classes=area_classes,
    )  # fmt: skip
    ranked, summary = gap_report(result, area, plan)
    return GapsRun(result, ranked, summary, area, coverage.grid_cell_m)
