"""Coverage per operator and for "any operator", and how many operators cover each cell.

With an ``operator`` column on the sites, each operator's sites are modelled alone (each site
its own budget) and together. The summary has one row per operator and one for ``any``; the
sharing grid gives each overview cell the covered share of every operator and ``operators``,
the number of operators covering at least half of it (the view a sharing plan starts from).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from baseline.coverage.gaps import find_gaps
from baseline.coverage.model import CoverageResult, covered_fraction, grid_summary
from baseline.errors import BaselineError
from baseline.io.crs import metric_crs
from baseline.standard.params import CoverageParams

ANY = "any"
COVERING_SHARE = 0.5
"""A cell counts as covered by an operator when at least this share of it is."""


@dataclass
class OperatorViews:
    """Coverage of one area per operator and for any operator.

    Attributes
    ----------
    results : dict of str to CoverageResult
        By operator, then ``any``.
    summary : pandas.DataFrame
        ``operator``, ``sites``, ``covered_fraction``, ``area_km2``.
    """

    results: dict[str, CoverageResult]
    summary: pd.DataFrame

    def sharing_grid(self, area: gpd.GeoDataFrame, cell_m: float) -> gpd.GeoDataFrame:
        """The overview grid with ``covered_<operator>`` per operator and ``operators``."""
        whole = self.results[ANY]
        grid = grid_summary(whole, area, cell_m)
        names = [k for k in self.results if k != ANY]
        for name in names:
            share = covered_fraction(grid.geometry, self.results[name].union).round(4)
            grid[f"covered_{name}"] = share.to_numpy()
        columns = [f"covered_{n}" for n in names]
        grid["operators"] = (grid[columns].to_numpy() >= COVERING_SHARE).sum(axis=1).astype(int)
        return grid.to_crs("EPSG:4326")


def operator_views(
    sites: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame,
    coverage: CoverageParams,
    *,
    tech: str | None = None,
    area_classes: gpd.GeoDataFrame | None = None,
    crs: Any = None,
) -> OperatorViews:
    """Model the area's coverage per operator (``operator`` column) and for any operator.

    Raises
    ------
    BaselineError
        When the sites have no ``operator`` column.
    """
    if "operator" not in sites:
        msg = "sites: per-operator coverage needs a column 'operator' (e.g. CMCC, CT, CU, CBN)"
        zh = (
            "站点：分运营商覆盖需要“operator”列"
            "（如 CMCC 中国移动、CT 中国电信、CU 中国联通、CBN 中国广电）"
        )
        raise BaselineError(msg, zh=zh)
    crs = crs or metric_crs(area)
    names = sites["operator"].astype("string").fillna("unknown").str.strip()
    results: dict[str, CoverageResult] = {}
    counts: dict[str, int] = {}
    for name in sorted(names.unique()):
        mine = sites[(names == name).to_numpy()]
        kw = {"tech": tech, "crs": crs, "area_classes": area_classes}
        results[str(name)] = find_gaps(mine, area, coverage, **kw)
        counts[str(name)] = len(mine)
    results[ANY] = find_gaps(sites, area, coverage, tech=tech, crs=crs, area_classes=area_classes)
    counts[ANY] = len(sites)
    summary = pd.DataFrame(
        {
            "operator": list(results),
            "sites": [counts[k] for k in results],
            "covered_fraction": [round(r.covered_fraction, 5) for r in results.values()],
            "area_km2": [round(r.area_m2 / 1e6, 3) for r in results.values()],
        }
    )
    return OperatorViews(results, summary)
