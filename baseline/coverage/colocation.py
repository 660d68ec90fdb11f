"""Whether co-locating a radio on an existing tower or pole closes a project's coverage gap.

A host is worth recommending to a project only if it is not already counted in the project's
modelled coverage (a tower whose footprint of the rule's generation already reaches the project
adds nothing when the same radio is hung on it again), and if the new radio's footprint lifts
the project's covered share to the rule's threshold. The new radio is the rule's technology on
a tower and the small-cell profile on a pole, at the host's height where it gives one.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from baseline.coverage.areas import classify
from baseline.coverage.budget import coverage_radius
from baseline.coverage.model import discs, local_covered_fraction
from baseline.coverage.sitemodel import SiteModel
from baseline.coverage.sites import heights, tech_params


@dataclass(frozen=True)
class ColocationEffect:
    """The effect of each (project, host) pair; arrays aligned to the pairs.

    Attributes
    ----------
    before, after : numpy.ndarray
        The project's covered share without and with a radio on the host.
    counted : numpy.ndarray of bool
        The host's footprint already reaches the project.
    closes : numpy.ndarray of bool
        Not counted, and ``after`` reaches the threshold: worth recommending.
    """

    before: np.ndarray
    after: np.ndarray
    counted: np.ndarray
    closes: np.ndarray


def _new_radius(
    model: SiteModel, hosts: gpd.GeoDataFrame, tech: str, classes: np.ndarray
) -> np.ndarray:
    """Radius of the radio each pair's host would carry, at the pair's class target."""
    cov = model.coverage
    kinds = hosts["asset_type"].astype(str).to_numpy()
    h = heights(hosts).to_numpy()
    out = np.empty(len(hosts))
    for i, kind in enumerate(kinds):
        tid = cov.kind_defaults.get(kind, tech) if kind == "pole" else tech
        p = tech_params(cov, tid)
        p = p.at_height(float(h[i])) if np.isfinite(h[i]) else p
        out[i] = coverage_radius(p, cov, str(classes[i]))
    return out


def _sites_at_hosts(sites: gpd.GeoDataFrame, host_xy: np.ndarray) -> list[np.ndarray]:
    """For each host, the modelled sites standing on it (within 1 m)."""
    if sites.empty:
        return [np.zeros(0, int) for _ in host_xy]
    tree = shapely.STRtree(sites.geometry.to_numpy())
    h, s = tree.query(shapely.points(host_xy), predicate="dwithin", distance=1.0)
    return [s[h == k] for k in range(len(host_xy))]


def colocation_effect(
    projects: gpd.GeoSeries,
    hosts: gpd.GeoDataFrame,
    pairs: tuple[np.ndarray, np.ndarray],
    model: SiteModel,
    rule: tuple[str, float],
) -> ColocationEffect:
    """Before/after covered share of every (project, host) pair (all in the model's CRS).

    Parameters
    ----------
    projects : geopandas.GeoSeries
        The demands' geometries.
    hosts : geopandas.GeoDataFrame
        Towers and poles with ``asset_type`` (and ``height_m`` where known).
    pairs : (numpy.ndarray, numpy.ndarray)
        Positions into ``projects`` and ``hosts``.
    model : SiteModel
        The check's sites, each with its own budget.
    rule : (str, float)
        The coverage rule's technology and threshold.
    """
    d_idx, h_idx = pairs
    tech, threshold = rule
    geoms = projects.to_numpy()
    before = model(geoms, tech)
    generation = tech_params(model.coverage, tech).generation
    classes = classify(geoms[d_idx], model.area_classes, model.coverage, model.crs)
    host_xy = shapely.get_coordinates(hosts.geometry.to_numpy())
    radius = _new_radius(model, hosts.iloc[h_idx], tech, classes)
    new = discs(host_xy[h_idx], radius)
    at_host = _sites_at_hosts(model.sites_of(generation), host_xy[h_idx])
    after = np.empty(len(d_idx))
    counted = np.zeros(len(d_idx), bool)
    for k, (d, cls) in enumerate(zip(d_idx, classes, strict=True)):
        prints = model.footprints(generation, str(cls))
        reach = shapely.intersects(prints, geoms[d]) if len(prints) else np.zeros(0, bool)
        counted[k] = bool(reach[at_host[k]].any()) if len(at_host[k]) else False
        series = gpd.GeoSeries([geoms[d]], crs=model.crs)
        after[k] = local_covered_fraction(series, np.append(prints[reach], new[k])).iloc[0]
    closes = ~counted & (after >= threshold)
    return ColocationEffect(before[d_idx], after, counted, closes)
