"""The check's coverage model: the plan's sites and the existing towers, each its own budget.

:class:`SiteModel` is what :class:`~baseline.standard.context.RuleContext` calls ``coverage``:
``model(geoms, tech)`` is the covered share of each geometry by the sites of ``tech``'s
generation (a rule on ``5G_3500`` counts every 5G site: macros of any band and small cells),
each with the radius of its own profile and height at the RSRP target of the geometry's area
class. ``model.reach(points, tech, extra_loss_db)`` answers the sensor rule: the distance from
each point to the nearest site that can serve it, and the reach of ``tech`` (an IoT profile)
with the point's placement loss. Macro sites are taken to carry the IoT layer (China's
operators built NB-IoT on their macro grid); small cells are not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from baseline.coverage.areas import classify
from baseline.coverage.budget import link_budget
from baseline.coverage.model import footprints, local_covered_fraction, site_radii
from baseline.coverage.sites import site_techs, tech_params
from baseline.standard.params import CoverageParams


class SiteModel:
    """Sites with their own budgets, gathered on first use.

    Parameters
    ----------
    sites : callable
        Returns the sites (points in ``crs``) with any of ``tech``, ``band_mhz``, ``height_m``,
        ``operator`` and ``kind`` / ``asset_type``; called once, when a rule first asks.
    coverage : CoverageParams
    crs : CRS-like
        The check's metric CRS.
    area_classes : geopandas.GeoDataFrame, optional
        The area-class layer (:mod:`baseline.coverage.areas`).
    """

    def __init__(
        self,
        sites: Callable[[], gpd.GeoDataFrame],
        coverage: CoverageParams,
        crs: Any,
        area_classes: gpd.GeoDataFrame | None = None,
    ) -> None:
        self._make_sites = sites
        self.coverage = coverage
        self.crs = crs
        self.area_classes = area_classes
        self.placement_loss: dict[str, float] = dict(coverage.placements)
        """Extra loss (dB) of each sensor placement, from the catalogue."""
        self._cache: dict[Any, Any] = {}

    @property
    def sites(self) -> gpd.GeoDataFrame:
        """The sites, each with ``tech_id`` (its catalogue profile)."""
        if "sites" not in self._cache:
            sites = self._make_sites()
            sites = sites[sites.geometry.notna() & ~sites.geometry.is_empty].reset_index(drop=True)
            sites["tech_id"] = site_techs(sites, self.coverage, source="sites of the check")
            self._cache["sites"] = sites
        return self._cache["sites"]

    def sites_of(self, generation: str) -> gpd.GeoDataFrame:
        """The sites whose profile is of ``generation`` (in the order of their footprints)."""
        techs = self.sites["tech_id"].map(lambda t: self.coverage.techs[t].generation)
        return self.sites[(techs == generation).to_numpy()]

    def footprints(self, generation: str, area_class: str) -> np.ndarray:
        """Footprints of the sites of ``generation`` at ``area_class``'s target (cached)."""
        key = ("prints", generation, area_class)
        if key not in self._cache:
            sites = self.sites_of(generation).drop(columns=["tech"], errors="ignore")
            sites = sites.rename(columns={"tech_id": "tech"})
            if sites.empty:
                self._cache[key] = np.array([], dtype=object)
            else:
                radii, _ = site_radii(sites, self.coverage, area_class=area_class)
                self._cache[key] = footprints(sites, radii)
        return self._cache[key]

    def __call__(self, geoms: np.ndarray, tech: str) -> np.ndarray:
        """Covered share of each geometry by the sites of ``tech``'s generation."""
        generation = tech_params(self.coverage, tech).generation
        classes = classify(geoms, self.area_classes, self.coverage, self.crs)
        out = np.zeros(len(geoms))
        for cls in np.unique(classes):
            at = np.flatnonzero(classes == cls)
            prints = self.footprints(generation, str(cls))
            series = gpd.GeoSeries(np.asarray(geoms)[at], crs=self.crs)
            out[at] = local_covered_fraction(series, prints).to_numpy()
        return out

    def _serving(self) -> np.ndarray:
        """Points of the sites that carry the IoT layer: every macro site."""
        techs = self.sites["tech_id"].map(self.coverage.techs.__getitem__)
        macro = techs.map(lambda p: p.model != "umi_38901" and p.mcl_db is None).to_numpy()
        return self.sites.geometry.to_numpy()[macro.astype(bool)]

    def reach(
        self, points: np.ndarray, tech: str, extra_loss_db: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(distance to the nearest serving site, reach of ``tech`` with each point's loss)."""
        p = tech_params(self.coverage, tech)
        serving = self._serving()
        dist = np.full(len(points), np.inf)
        if len(serving) and len(points):
            tree = shapely.STRtree(serving)
            idx = tree.nearest(points)
            dist = shapely.distance(points, serving[idx])
        classes = classify(points, self.area_classes, self.coverage, self.crs)
        budgets: dict[tuple[str, float], float] = {}
        for key in set(
            zip(classes.tolist(), np.asarray(extra_loss_db, float).tolist(), strict=True)
        ):
            budgets[key] = link_budget(p, self.coverage, key[0], extra_loss_db=key[1]).radius_m
        keys = zip(classes.tolist(), np.asarray(extra_loss_db, float).tolist(), strict=True)
        return dist, np.array([budgets[k] for k in keys])
