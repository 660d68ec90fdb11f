"""Opportunities remembered from one run to the next (``baseline cobuild --since PREVIOUS``).

A recommendation's ``rec_id`` is derived from what it is about (its kind's family and its
members, plus its host or road where it has one), so the same opportunity keeps its id across
runs; its ``fingerprint`` hashes its members' dates and geometry. Compared with a previous
output, each recommendation is ``new`` (its id was not there), ``unchanged`` (same
fingerprint) or ``changed`` (members' dates or geometry moved); a previous one that is gone is
added back as ``expired`` (its window has passed, or a member left or no longer matches).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.errors import SchemaError

FAMILY = {
    "shared_trench": "T",
    "align_dates": "T",
    "shared_traffic_management": "T",
    "align_reinstatement": "T",
    "route_into_tunnel": "U",
    "protected_road": "R",
    "lead_time": "L",
    "colocate": "C",
    "new_shared_site": "S",
    "pole_mount": "P",
}
"""The id prefix of each kind: a pair of works keeps its id whatever collaboration it gets."""
WHY = {True: "window passed", False: "a member left or no longer matches"}
NEEDED = ("rec_id", "kind", "members", "fingerprint", "overlap_end")


def fingerprints(w: gpd.GeoDataFrame) -> np.ndarray:
    """A short hash of each work's dates and geometry (to 1 cm in a metric CRS)."""
    geoms = shapely.set_precision(w.geometry.to_numpy(), 0.01)
    wkb = shapely.to_wkb(geoms, hex=True)
    start, end = w["start"].astype(str).tolist(), w["end"].astype(str).tolist()
    return np.array(
        [
            hashlib.sha1(f"{s}|{e}|{g}".encode()).hexdigest()[:10]
            for s, e, g in zip(start, end, wkb.tolist(), strict=True)
        ],
        dtype=object,
    )


def rec_ids(kind: pd.Series, key: pd.Series) -> list[str]:
    """Stable ids: the family letter and a hash of the family and the identity ``key``."""
    out = []
    for k, ident in zip(kind, key, strict=True):
        family = FAMILY[k]
        out.append(f"{family}-{hashlib.sha1(f'{family}|{ident}'.encode()).hexdigest()[:8]}")
    return out


def read_previous(path: Path) -> pd.DataFrame:
    """A previous output of ``baseline cobuild`` (any export format but HTML), checked.

    Raises
    ------
    SchemaError
        When the file cannot be read or is not a previous output (naming what it lacks and
        the rows without an id).
    """
    try:
        if path.suffix.lower() in (".csv",):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif path.suffix.lower() in (".xlsx",):
            frame = pd.read_excel(path, sheet_name="rows", dtype=str).fillna("")
        elif path.suffix.lower() == ".parquet":
            frame = pd.DataFrame(gpd.read_parquet(path))
        else:
            frame = pd.DataFrame(gpd.read_file(path))
    except (OSError, ValueError, KeyError) as exc:
        msg = f"{path.name}: --since needs a previous output of `baseline cobuild` ({exc})"
        zh = f"{path.name}：--since 需要 `baseline cobuild` 以前的输出文件（{exc}）"
        raise SchemaError(msg, zh=zh) from None
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing:
        msg = (
            f"{path.name}: not a previous co-build output: it lacks {', '.join(missing)}; pass "
            "to --since a file written by `baseline cobuild --out` (CSV, XLSX, GeoJSON, GPKG or "
            "Parquet)"
        )
        zh = (
            f"{path.name}：不是以前的共建输出：缺少 {', '.join(missing)}；请给 --since 传入由 "
            "`baseline cobuild --out` 写出的文件（CSV、XLSX、GeoJSON、GPKG 或 Parquet）"
        )
        raise SchemaError(msg, zh=zh)
    blank = frame["rec_id"].astype(str).str.strip().isin(["", "nan"])
    if blank.any():
        rows = ", ".join(str(k + 2) for k in frame.index[blank][:8])
        msg = (
            f"{path.name}: rows {rows} have no rec_id; pass to --since an unedited previous output"
        )
        zh = f"{path.name}：第 {rows} 行没有 rec_id；请给 --since 传入未经编辑的以前输出"
        raise SchemaError(msg, zh=zh)
    return frame


def _expired(previous: pd.DataFrame, current_ids: set[str], today: pd.Timestamp) -> pd.DataFrame:
    gone = previous[~previous["rec_id"].isin(current_ids)].copy()
    end = pd.to_datetime(gone["overlap_end"], errors="coerce")
    passed = end.fillna(pd.Timestamp.max) < today
    gone["since"] = [f"expired: {WHY[bool(p)]}" for p in passed]
    return gone


def _geometry_of(frame: pd.DataFrame) -> list[object]:
    """The geometries of a previous output's rows (from its geometry or its ``wkt`` column)."""
    if "geometry" in frame:
        return list(frame["geometry"])
    if "wkt" in frame:
        return list(gpd.GeoSeries.from_wkt(frame["wkt"].replace("", None)))
    return [None] * len(frame)


def _like(gone: pd.DataFrame, out: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Expired rows in the columns and dtypes of ``out``."""
    frame = gone.drop(columns=[c for c in ("geometry", "wkt") if c in gone])
    frame = frame.reindex(columns=[c for c in out.columns if c != "geometry"])
    for col in frame.columns:
        if pd.api.types.is_numeric_dtype(out[col]):
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return gpd.GeoDataFrame(frame, geometry=_geometry_of(gone), crs=out.crs)


def compare(
    recs: gpd.GeoDataFrame, previous: pd.DataFrame, today: pd.Timestamp
) -> gpd.GeoDataFrame:
    """``recs`` with ``since`` set against ``previous``, and the expired ones appended.

    Expired rows keep the previous output's values and geometry (where it had one).
    """
    ids = previous["rec_id"].astype(str)
    before = dict(zip(ids, previous["fingerprint"].astype(str), strict=True))
    status = [
        "new" if r not in before else "unchanged" if before[r] == str(f) else "changed"
        for r, f in zip(recs["rec_id"], recs["fingerprint"], strict=True)
    ]
    out = recs.assign(since=status)
    gone = _expired(previous, set(out["rec_id"]), today)
    if gone.empty:
        return out
    return gpd.GeoDataFrame(pd.concat([out, _like(gone, out)], ignore_index=True), crs=out.crs)
