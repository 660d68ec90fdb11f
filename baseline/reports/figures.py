"""What the charts and the overview map show, computed from a check or a coverage grid.

The app's pages and the HTML report both draw these; nothing here knows of a page.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
from markupsafe import Markup

from baseline.i18n import t
from baseline.maps.palette import GRID_COLOURS, STATUS_COLOURS, grid_class, grid_colour
from baseline.reports.charts import bars, stacked_bars
from baseline.standard.catalogue import Standard

CHART_STATUSES = ("fail", "warn", "pass")
SHARE_BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def findings_by_category(
    findings: pd.DataFrame,
    std: Standard,
    lang: str = "en",
    statuses: Sequence[str] = CHART_STATUSES,
) -> pd.DataFrame:
    """Count findings per category (rows, labelled in ``lang``) and status (columns).

    Parameters
    ----------
    findings : pandas.DataFrame
        Findings with ``category`` and ``status``.
    std : Standard
        The catalogue that labels the categories.
    lang : str
        Language of the category labels.
    statuses : sequence of str
        The status columns, in order (a status without findings counts 0).

    Returns
    -------
    pandas.DataFrame
        Integer counts, one row per category present.
    """
    labels = {c: std.category_label(c, lang) for c in findings["category"].unique()}
    table = pd.crosstab(findings["category"].map(labels), findings["status"])
    return table.reindex(columns=list(statuses), fill_value=0)


def status_chart(findings: pd.DataFrame, std: Standard, lang: str = "en") -> Markup:
    """Stacked bars of :func:`findings_by_category` as inline SVG, statuses in ``lang``."""
    table = findings_by_category(findings, std, lang)
    colours = {t(s, lang): STATUS_COLOURS[s] for s in table.columns}
    table.columns = pd.Index([t(str(s), lang) for s in table.columns])
    return stacked_bars(table, colours, title=t("chart_status", lang))


def _band_colour(low: float, high: float) -> str:
    """The colour of a band of covered shares: the end bands take the ends of the scale."""
    if low <= 0.0:
        return grid_colour(0.0)
    return grid_colour(1.0 if high >= 1.0 else (low + high) / 2)


def covered_share_bands(grid: pd.DataFrame, edges: Sequence[float] = SHARE_BANDS) -> pd.DataFrame:
    """Area of grid cells per band of covered share (a histogram weighted by area).

    Parameters
    ----------
    grid : pandas.DataFrame
        Cells with ``covered_fraction`` (0..1) and ``area_m2``, as
        :func:`baseline.coverage.grid_summary` makes them.
    edges : sequence of float
        Band edges from 0 to 1; a band holds shares above its lower edge up to its upper
        one, the first also share 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by band ("0-20%", ...), with ``area_km2`` and the band's ``colour``.
    """
    names = [f"{lo:.0%}-{hi:.0%}".replace("%-", "-") for lo, hi in itertools.pairwise(edges)]
    bands = pd.cut(grid["covered_fraction"], [edges[0] - 0.01, *edges[1:]], labels=names)
    area = grid.groupby(bands, observed=False)["area_m2"].sum() / 1e6
    colours = [_band_colour(lo, hi) for lo, hi in itertools.pairwise(edges)]
    return pd.DataFrame({"area_km2": area.to_numpy(), "colour": colours}, index=names)


def coverage_chart(grid: pd.DataFrame, lang: str = "en") -> Markup:
    """Bars of :func:`covered_share_bands` as inline SVG (km² per band)."""
    bands = covered_share_bands(grid)
    return bars(
        bands["area_km2"], bands["colour"].tolist(), unit=" km²", title=t("chart_gaps", lang)
    )


def grid_by_class(grid: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge grid cells per colour class of :data:`~baseline.maps.palette.GRID_COLOURS`.

    One feature per class (six at most) instead of one per cell: what the overview map
    draws. Each carries its class ``k``, ``colour``, the share it stands for
    (``covered``, e.g. "10% – 30%") and its ``area_m2``.
    """
    steps = len(GRID_COLOURS) - 1
    cells = grid[["area_m2", "geometry"]].assign(k=grid_class(grid["covered_fraction"]))
    merged = cells.dissolve(by="k", aggfunc="sum", as_index=False)
    merged["colour"] = [GRID_COLOURS[k] for k in merged["k"]]
    merged["covered"] = [
        f"{max(0.0, (k - 0.5) / steps):.0%} – {min(1.0, (k + 0.5) / steps):.0%}"
        for k in merged["k"]
    ]
    return merged[["k", "colour", "covered", "area_m2", "geometry"]]
