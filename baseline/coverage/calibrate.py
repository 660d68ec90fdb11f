"""Calibration: fit a profile's offset and distance slope to measured RSRP.

Measurements (drive tests, crowd-sourced samples) are points with ``rsrp_dbm`` and optionally
``site_id`` (the serving site; otherwise the best predicted server). With ``d`` the distance
to the serving site and ``x = log10(d / d_ref)`` (``d_ref`` the median sample distance),

    measured = predicted + offset_db + slope_db_per_decade * x

is fitted by least squares with Huber weights (outliers beyond 1.345 robust sigmas weigh
less; samples beyond 3 robust sigmas after the fit are counted as outliers). ``predicted`` is
the profile's uncalibrated median (:func:`baseline.coverage.budget.median_rsrp`). The result
is a catalogue override (:meth:`Calibration.override`) that ``--standard`` accepts, with the
sample count and the mean error and RMSE before and after, overall and per distance band.

Refused with one message naming the file, rows and fix: no ``rsrp_dbm``; values outside
-150..-20 dBm; samples beyond the model's published distances or out of every site's reach;
fewer than :data:`MIN_SAMPLES` samples; a fitted slope that would make path loss shrink with
distance.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import yaml

from baseline.coverage.budget import median_rsrp, slope_db_per_decade
from baseline.coverage.pathloss import VALID_DISTANCE_M
from baseline.coverage.predict import (
    SitePairs,
    best_server,
    out_of_reach_error,
    pairs_in_reach,
    prepared_sites,
)
from baseline.coverage.sites import tech_params
from baseline.errors import BaselineError
from baseline.io.crs import metric_crs
from baseline.standard.params import CoverageParams, TechProfile

MIN_SAMPLES = 30
RSRP_RANGE_DBM = (-150.0, -20.0)
BANDS_M = (0, 100, 200, 500, 1000, 2000, 5000, 20000)
_HUBER_K = 1.345
_OUTLIER_SIGMAS = 3.0
_MIN_TOTAL_SLOPE = 10.0
_SHOWN_ROWS = 10


@dataclass(frozen=True)
class Calibration:
    """A fitted calibration of one profile.

    Attributes
    ----------
    tech : str
    offset_db, slope_db_per_decade, reference_distance_m : float
        measured = predicted + offset + slope x log10(d / reference).
    model_slope_db_per_decade : float
        The model's own slope at the reference distance; the fitted total is their sum.
    samples, outliers : int
    before, after : dict
        ``mean_error_db`` (measured - predicted) and ``rmse_db``.
    bands : pandas.DataFrame
        The same per distance band, with ``samples``.
    source : str
    """

    tech: str
    offset_db: float
    slope_db_per_decade: float
    reference_distance_m: float
    model_slope_db_per_decade: float
    samples: int
    outliers: int
    before: dict[str, float]
    after: dict[str, float]
    bands: pd.DataFrame
    source: str

    @property
    def total_slope_db_per_decade(self) -> float:
        """Path-loss slope of the calibrated model (the model's, less the fitted one)."""
        return self.model_slope_db_per_decade - self.slope_db_per_decade

    def override(self) -> dict[str, Any]:
        """The catalogue override: ``coverage.techs.<tech>`` with the fit and its record."""
        record = {
            "source": self.source,
            "samples": self.samples,
            "outliers": self.outliers,
            "before": self.before,
            "after": self.after,
            "bands": self.bands.to_dict(orient="records"),
        }
        fit = {
            "offset_db": self.offset_db,
            "slope_db_per_decade": self.slope_db_per_decade,
            "reference_distance_m": self.reference_distance_m,
            "calibration": record,
        }
        return {
            "standard": {"version": f"cal-{self.tech}"},
            "coverage": {"techs": {self.tech: fit}},
        }

    def to_yaml(self) -> str:
        """The override as YAML with a header saying what it is."""
        head = (
            f"# Calibration of {self.tech} from {self.source} ({self.samples} samples), written by "
            "`baseline calibrate`.\n# measured = predicted + offset_db + slope_db_per_decade * "
            "log10(d / reference_distance_m); pass this file with --standard.\n"
        )
        return head + yaml.safe_dump(self.override(), sort_keys=False, allow_unicode=True)


def _rows(rows: np.ndarray) -> str:
    shown = ", ".join(str(int(r) + 1) for r in rows[:_SHOWN_ROWS])
    return shown + (f" and {len(rows) - _SHOWN_ROWS} more" if len(rows) > _SHOWN_ROWS else "")


def _rows_zh(rows: np.ndarray) -> str:
    shown = "、".join(str(int(r) + 1) for r in rows[:_SHOWN_ROWS])
    return shown + (f" 等（另有 {len(rows) - _SHOWN_ROWS} 行）" if len(rows) > _SHOWN_ROWS else "")


def measured_rsrp(measurements: pd.DataFrame, source: str) -> np.ndarray:
    """The ``rsrp_dbm`` column as floats, refused when missing or out of range."""
    if "rsrp_dbm" not in measurements:
        msg = (
            f"{source}: no column 'rsrp_dbm'; measurements need lon, lat and rsrp_dbm "
            "(dBm, e.g. -95.5), optionally site_id: rename the RSRP column to rsrp_dbm"
        )
        zh = (
            f"{source}：没有“rsrp_dbm”列；测量数据需要 lon、lat 和 rsrp_dbm（dBm，如 -95.5），"
            "可选 site_id：请把 RSRP 列改名为 rsrp_dbm"
        )
        raise BaselineError(msg, zh=zh)
    values = pd.to_numeric(measurements["rsrp_dbm"], errors="coerce").to_numpy(float)
    lo, hi = RSRP_RANGE_DBM
    bad = np.flatnonzero(~((values >= lo) & (values <= hi)))
    if len(bad):
        msg = (
            f"{source}: rsrp_dbm at row(s) {_rows(bad)} (counted from 1) is missing or outside "
            f"{lo:g}..{hi:g} dBm; fix or drop those rows (RSRP is in dBm, e.g. -95.5)"
        )
        zh = (
            f"{source}：第 {_rows_zh(bad)} 行（从 1 计）的 rsrp_dbm 缺失或超出 {lo:g}..{hi:g} dBm；"
            "请修正或删除这些行（RSRP 单位为 dBm，如 -95.5）"
        )
        raise BaselineError(msg, zh=zh)
    return values


def _forced_server(
    measurements: pd.DataFrame, pairs: SitePairs, keys: np.ndarray, best: np.ndarray
) -> np.ndarray:
    """The pair of each sample's own ``site_id`` where it gives one in reach, else ``best``."""
    if "site_id" not in measurements:
        return best
    wanted = measurements["site_id"].astype("string").to_numpy(object)
    frame = pd.DataFrame(
        {"p": pairs.point, "key": keys[pairs.site], "k": np.arange(len(pairs.point))}
    )
    lookup = {(int(p), str(k)): int(i) for p, k, i in frame.itertuples(index=False)}
    out = best.copy()
    for i, w in enumerate(wanted):
        if w is not None and not pd.isna(w) and (i, str(w)) in lookup:
            out[i] = lookup[(i, str(w))]
    return out


def _huber_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(intercept, slope, residuals) of ``y ~ a + b x`` by iteratively reweighted LS."""
    design = np.column_stack([np.ones_like(x), x])
    w = np.ones_like(y)
    coef = np.zeros(2)
    for _ in range(50):
        sw = np.sqrt(w)
        coef, *_ = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)
        r = y - design @ coef
        scale = 1.4826 * np.median(np.abs(r - np.median(r))) or 1.0
        u = np.abs(r) / (_HUBER_K * scale)
        w_new = np.where(u <= 1, 1.0, 1.0 / np.maximum(u, 1e-12))
        if np.allclose(w_new, w, atol=1e-6):
            break
        w = w_new
    return float(coef[0]), float(coef[1]), y - design @ coef


def _errors(err: np.ndarray) -> dict[str, float]:
    return {"mean_error_db": round(float(np.mean(err)), 2) + 0.0,
            "rmse_db": round(float(np.sqrt(np.mean(err**2))), 2)}  # fmt: skip


def band_table(d: np.ndarray, before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    """Mean error and RMSE before and after, per distance band (bands with samples only)."""
    rows = []
    for lo, hi in itertools.pairwise(BANDS_M):
        at = (d >= lo) & (d < hi)
        if at.any():
            b, a = _errors(before[at]), _errors(after[at])
            rows.append({
                "band_m": f"{lo}-{hi}", "samples": int(at.sum()),
                "mean_error_before_db": b["mean_error_db"], "rmse_before_db": b["rmse_db"],
                "mean_error_after_db": a["mean_error_db"], "rmse_after_db": a["rmse_db"],
            })  # fmt: skip
    return pd.DataFrame(rows)


def _check_distances(d: np.ndarray, profile: TechProfile, source: str) -> None:
    lo, hi = VALID_DISTANCE_M[profile.model]
    beyond = np.flatnonzero((d < lo) | (d > hi))
    if len(beyond):
        msg = (
            f"{source}: {len(beyond)} sample(s) at row(s) {_rows(beyond)} (counted from 1) lie "
            f"beyond the validity of {profile.model} ({lo:g}-{hi:g} m from the serving site); "
            "drop those rows, or pass their serving sites with --sites and site_id"
        )
        zh = (
            f"{source}：第 {_rows_zh(beyond)} 行（从 1 计）的 {len(beyond)} 个样本超出 "
            f"{profile.model} 的适用范围（距服务站点 {lo:g}-{hi:g} m）；请删除这些行，"
            "或用 --sites 和 site_id 给出其服务站点"
        )
        raise BaselineError(msg, zh=zh)
    if len(d) < MIN_SAMPLES:
        msg = (
            f"{source}: {len(d)} sample(s) in reach; calibration needs at least {MIN_SAMPLES} "
            "spread over distances: add measurements"
        )
        zh = (
            f"{source}：覆盖范围内只有 {len(d)} 个样本；校准至少需要 {MIN_SAMPLES} 个"
            "分布在不同距离上的样本：请补充测量"
        )
        raise BaselineError(msg, zh=zh)


def _serving(
    measurements: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, profile: TechProfile,
    coverage: CoverageParams, source: str,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(distance to the serving site, uncalibrated median prediction) of every sample."""
    crs = metric_crs(measurements)
    base = dataclasses.replace(profile, offset_db=0.0, slope_db_per_decade=0.0)
    plain = dataclasses.replace(coverage, techs={**coverage.techs, profile.id: base})
    sites_m = prepared_sites(sites.drop(columns=["tech", "band_mhz"], errors="ignore"), plain,
                             crs, tech=profile.id, source="sites")  # fmt: skip
    points = np.asarray(measurements.to_crs(crs).geometry.to_numpy())
    pairs = pairs_in_reach(points, sites_m, plain)
    if len(pairs.point) == 0:
        msg = f"{source}: no site is in reach of any sample; pass the sites that served them"
        zh = f"{source}：没有站点覆盖到任何样本；请给出为这些样本提供服务的站点"
        raise BaselineError(msg, zh=zh)
    best, found = best_server(pairs, len(points))
    if not found.all():
        raise out_of_reach_error(source, np.flatnonzero(~found), "sample")
    chosen = _forced_server(measurements, pairs, sites_m["site_key"].to_numpy(), best)
    return pairs.distance_m[chosen], pairs.rsrp_dbm[chosen]


def calibrate(
    measurements: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    coverage: CoverageParams,
    tech: str,
    *,
    source: str = "measurements",
) -> Calibration:
    """Fit ``tech``'s offset and distance slope to measured RSRP (see the module).

    Raises
    ------
    BaselineError
        For the bad inputs the module lists; nothing is fitted.
    """
    profile = tech_params(coverage, tech)
    rsrp = measured_rsrp(measurements, source)
    d, predicted = _serving(measurements, sites, profile, coverage, source)
    _check_distances(d, profile, source)
    ref = float(np.round(np.median(d), -1) or 10.0)
    x = np.log10(d / ref)
    offset, slope, resid = _huber_fit(x, rsrp - predicted)
    plain = dataclasses.replace(profile, offset_db=0.0, slope_db_per_decade=0.0)
    model_slope = slope_db_per_decade(plain, ref)
    if model_slope - slope < _MIN_TOTAL_SLOPE:
        msg = (f"{source}: the fitted path loss would grow by only {model_slope - slope:.1f} dB "
               "per decade of distance; the samples do not describe one site's decay: check "
               "site_id and the sites given")  # fmt: skip
        zh = (f"{source}：拟合的路径损耗每十倍距离只增加 {model_slope - slope:.1f} dB；"
              "这些样本不像同一站点的衰减：请检查 site_id 和给出的站点")  # fmt: skip
        raise BaselineError(msg, zh=zh)
    scale = 1.4826 * float(np.median(np.abs(resid - np.median(resid))))
    before_err = rsrp - np.asarray(median_rsrp(profile, d))
    after_err = resid
    return Calibration(
        tech=profile.id, offset_db=round(offset, 2) + 0.0,
        slope_db_per_decade=round(slope, 2) + 0.0,
        reference_distance_m=ref, model_slope_db_per_decade=round(model_slope, 2),
        samples=len(d), outliers=int((np.abs(resid) > _OUTLIER_SIGMAS * scale).sum()),
        before=_errors(before_err), after=_errors(after_err),
        bands=band_table(d, before_err, after_err), source=source,
    )  # fmt: skip
