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
from baseline.maps.palette import (
    GRID_COLOURS,
    SHARE_EDGES,
    STATUS_COLOURS,
    STATUS_ORDER,
    band_label,
    grid_class,
)
from baseline.reports.charts import bars, stacked_bars
from baseline.standard.catalogue import Standard

CHART_STATUSES = ("fail", "warn", "pass")
SHARE_BANDS = SHARE_EDGES


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
    colours = [GRID_COLOURS[int(grid_class(hi))] for hi in edges[1:]]
    return pd.DataFrame({"area_km2": area.to_numpy(), "colour": colours}, index=names)


def coverage_chart(grid: pd.DataFrame, lang: str = "en") -> Markup:
    """Bars of :func:`covered_share_bands` as inline SVG (km² per band)."""
    bands = covered_share_bands(grid)
    return bars(
        bands["area_km2"], bands["colour"].tolist(), unit=" km²", title=t("chart_gaps", lang)
    )


def grid_by_class(grid: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge grid cells per colour class of :data:`~baseline.maps.palette.GRID_COLOURS`.

    One feature per class (five at most) instead of one per cell: what the overview map
    draws. Each carries its class ``k``, ``colour``, the band of shares it stands for
    (``covered``, e.g. "20–40 %", the bands of :func:`covered_share_bands`) and its
    ``area_m2``.
    """
    cells = grid[["area_m2", "geometry"]].assign(k=grid_class(grid["covered_fraction"]))
    merged = cells.dissolve(by="k", aggfunc="sum", as_index=False)
    merged["colour"] = [GRID_COLOURS[k] for k in merged["k"]]
    merged["covered"] = [band_label(int(k)) for k in merged["k"]]
    return merged[["k", "colour", "covered", "area_m2", "geometry"]]


def project_verdicts(findings: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One verdict per project, and why.

    ``fail`` when any *shall* rule fails; ``warn`` when a rule fails or warns otherwise
    (a *should* rule, or a warning); ``pass`` when some rule passed and none failed or
    warned; ``not_applicable`` when no rule applied.

    Parameters
    ----------
    findings : pandas.DataFrame
        Findings with ``project_id``, ``rule_id``, ``status``, ``obligation`` and
        ``message``; a ``building_id`` names the building a per-building finding is about.
    lang : str
        The language of the building's label in ``why``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``project_id`` in the findings' order, with ``verdict``, the count of
        rows per status (``fail``, ``warn``, ``pass``, ``not_applicable``) and ``why``:
        the messages of the failing *shall* rules (of the failing or warning rules for a
        ``warn``), joined by new lines, each about one building led by its id
        ("楼号 T2：…" / "Building T2: …"); empty for ``pass``.
    """
    ids = pd.Index(findings["project_id"].drop_duplicates(), name="project_id")
    counts = pd.crosstab(findings["project_id"], findings["status"])
    counts = counts.reindex(index=ids, columns=list(STATUS_ORDER), fill_value=0)
    shall_fail = findings[(findings["status"] == "fail") & (findings["obligation"] == "shall")]
    flagged = findings[findings["status"].isin(["fail", "warn"])]
    verdict = pd.Series("not_applicable", index=ids)
    verdict[counts["pass"] > 0] = "pass"
    verdict[(counts["fail"] + counts["warn"]) > 0] = "warn"
    verdict[verdict.index.isin(shall_fail["project_id"])] = "fail"

    def why(pid: str) -> str:
        rows = shall_fail if verdict[pid] == "fail" else flagged
        return "\n".join(_about(rows[rows["project_id"] == pid], lang))

    out = counts.assign(verdict=verdict)
    out["why"] = [why(str(pid)) if v in ("fail", "warn") else "" for pid, v in verdict.items()]
    return out[["verdict", *STATUS_ORDER, "why"]]


def _about(rows: pd.DataFrame, lang: str) -> list[str]:
    """Each row's message, led by its building's id when it is about one building."""
    messages = rows["message"].astype(str).tolist()
    if "building_id" not in rows:
        return messages
    label, colon = t("col_building_id", lang), "：" if lang == "zh" else ": "
    ids = rows["building_id"].fillna("").astype(str).tolist()
    return [f"{label} {b}{colon}{m}" if b else m for b, m in zip(ids, messages, strict=True)]


def sorted_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings sorted fail → warn → pass → not applicable, missing values as empty text.

    Within a status, rows keep the project and catalogue order of the check. ``measured``
    becomes text (``15``, ``0.8``; empty where nothing was measured), as do the other
    columns with missing values, so a table shows blanks, not ``None`` or ``nan``.
    """
    order = {s: k for k, s in enumerate(STATUS_ORDER)}
    rank = findings["status"].map(order).fillna(len(order))
    out = findings.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank")
    out = out.reset_index(drop=True)
    if "measured" in out.columns:
        out["measured"] = [
            "" if pd.isna(v) else f"{float(v):.6g}" for v in out["measured"].to_numpy()
        ]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype("string").fillna("").astype(str)
    return out


def gap_pieces(
    gaps: gpd.GeoDataFrame, grid: gpd.GeoDataFrame, projects: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Gaps cut along the coverage grid, each piece described for a tooltip.

    A gap can span the district (one of 1,481 km² over Pudong); cut into the cells of the
    overview grid (about 1 km), a tooltip can say what lies under the pointer.

    Parameters
    ----------
    gaps : geopandas.GeoDataFrame
        Gaps with ``gap_id`` and ``area_m2``.
    grid : geopandas.GeoDataFrame
        The overview grid with ``covered_fraction``.
    projects : geopandas.GeoDataFrame
        Projects with ``project_id``; those a piece touches are named on it.

    Returns
    -------
    geopandas.GeoDataFrame
        In WGS84, one row per gap and cell: ``gap_id``, ``gap_km2`` (the whole gap),
        ``piece_km2`` (the piece), ``cell_covered`` (the covered share of its cell, 0..1,
        rounded to 0.01) and ``projects`` (ids joined by ", ", empty when none).
    """
    crs = gaps.crs
    cells = grid[["covered_fraction", "geometry"]].to_crs(crs).reset_index(drop=True)
    cells["_cell"] = range(len(cells))
    pieces = gpd.overlay(
        gaps[["gap_id", "area_m2", "geometry"]], cells, how="intersection", keep_geom_type=True
    )
    pieces = pieces[~pieces.geometry.is_empty & (pieces.geometry.area > 1.0)]
    pieces = pieces.reset_index(drop=True)
    near = gpd.sjoin(
        pieces[["geometry"]],
        projects[["project_id", "geometry"]].to_crs(crs),
        predicate="intersects",
    )
    named = near.groupby(level=0)["project_id"].agg(lambda s: ", ".join(sorted(set(s))))
    out = gpd.GeoDataFrame(
        {
            "gap_id": pieces["gap_id"].astype(str),
            "gap_km2": (pieces["area_m2"] / 1e6).round(3),
            "piece_km2": (pieces.geometry.area / 1e6).round(3),
            "cell_covered": pieces["covered_fraction"].astype(float).round(2),
            "projects": named.reindex(pieces.index).fillna("").astype(str),
        },
        geometry=pieces.geometry,
        crs=crs,
    )
    return out.to_crs("EPSG:4326")


def compare_runs(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Failing findings of two check runs compared, by project and rule.

    Returns
    -------
    dict
        ``resolved`` (failing in ``old``, not in ``new``), ``new`` (failing in ``new``
        only) and ``still`` (failing in both): frames of ``project_id`` and ``rule_id``,
        sorted.
    """
    key = ["project_id", "rule_id"]

    def failing(findings: pd.DataFrame) -> set[tuple[str, str]]:
        rows = findings.loc[findings["status"] == "fail", key].astype(str)
        return set(rows.itertuples(index=False, name=None))

    a, b = failing(old), failing(new)
    return {
        name: pd.DataFrame(sorted(rows), columns=key)
        for name, rows in (("resolved", a - b), ("new", b - a), ("still", a & b))
    }
