"""What the sites are, and what a covered share is a share of: the sentences beside a figure.

The bundled towers are a partial 2014 single-operator sample (Shanghai Telecom research
dataset, 80 % of its published locations, positions only): a covered share modelled from them
describes the sample, not the network. :func:`coverage_figure` returns the figure with its
denominator and the sample's description and density beside the expected one, in Chinese and
English, for the map, the CLI, reports and the README to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

from baseline.coverage.model import CoverageResult, area_region, valid_sites
from baseline.i18n import t
from baseline.standard.params import CoverageParams

DATAV_LAND_KM2 = 1210.0
"""Pudong's land area, about 1,210 km² (the DataV polygon adds shoals and water)."""


@dataclass(frozen=True)
class CoverageFigure:
    """A covered share with what it is a share of and what the sites are.

    Attributes
    ----------
    covered_fraction : float
    area_km2 : float
        The denominator.
    sites_in_area : int
    density_per_km2, expected_per_km2 : float
    bundled_sites, bundled_area : bool
        Whether the sites are the bundled sample and the area the bundled DataV polygon.
    """

    covered_fraction: float
    area_km2: float
    sites_in_area: int
    density_per_km2: float
    expected_per_km2: float
    bundled_sites: bool
    bundled_area: bool

    def denominator(self, lang: str = "en") -> str:
        """What the share is a share of."""
        key = "coverage_denominator_datav" if self.bundled_area else "coverage_denominator"
        return t(key, lang, area=self.area_km2, land=DATAV_LAND_KM2)

    def sites_note(self, lang: str = "en") -> str:
        """What the sites are, their density and the expected one."""
        head = t("coverage_sites_bundled" if self.bundled_sites else "coverage_sites_given", lang)
        share = self.density_per_km2 / self.expected_per_km2 if self.expected_per_km2 else 0.0
        return head + t(
            "coverage_density", lang, n=self.sites_in_area, density=self.density_per_km2,
            expected=self.expected_per_km2, share=share,
        )  # fmt: skip

    def headline(self, lang: str = "en") -> str:
        """The figure with its denominator, e.g. for a map metric's caption."""
        return t(
            "coverage_figure", lang, share=self.covered_fraction, denominator=self.denominator(lang)
        )

    def caption(self, lang: str = "en") -> str:
        """The headline and the sites' note in one paragraph."""
        stop = "。" if lang == "zh" else ". "
        return f"{self.headline(lang)}{stop}{self.sites_note(lang)}"


def coverage_figure(
    result: CoverageResult,
    sites: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame,
    coverage: CoverageParams,
    *,
    bundled_sites: bool,
    bundled_area: bool,
) -> CoverageFigure:
    """The figure of a coverage run, with its denominator and the sites' density.

    Parameters
    ----------
    result : CoverageResult
        From :func:`baseline.coverage.find_gaps` (its ``area_m2`` is the denominator).
    sites, area : geopandas.GeoDataFrame
        The sites modelled and the area (the sites inside it are counted).
    coverage : CoverageParams
        For the expected density.
    bundled_sites, bundled_area : bool
        Whether they are the bundled towers and the bundled DataV polygon.
    """
    region = area_region(area, result.crs)
    kept, _ = valid_sites(sites)
    inside = int(shapely.contains_xy(region, *shapely.get_coordinates(
        kept.to_crs(result.crs).geometry.to_numpy()).T).sum()) if len(kept) else 0  # fmt: skip
    area_km2 = result.area_m2 / 1e6
    density = inside / area_km2 if area_km2 else 0.0
    return CoverageFigure(result.covered_fraction, area_km2, inside, density,
                          coverage.expected_sites_per_km2, bundled_sites, bundled_area)  # fmt: skip
