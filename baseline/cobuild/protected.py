"""Protected roads: a new road may not be dug for 5 years, 3 after a major repair.

城市道路管理条例 第三十三条: 新建、扩建、改建的城市道路交付使用后5年内、大修的城市道路竣工后3年
内不得挖掘 (the years are the catalogue's ``cobuild.protected_years``). A protected-road file
gives each road either ``protected_until``, or ``completed_date`` and a ``kind`` (``new`` or
``major_repair``) from which the date follows. A work whose zone touches a protected road and
whose period reaches into the protection is reported with the road, the date and the way out:
join a work that digs the road before the protection starts, or wait.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.cobuild import memory
from baseline.cobuild import zones as zones_mod
from baseline.errors import SchemaError, Text, joined
from baseline.i18n import t
from baseline.standard.params import CobuildParams

ID_COLUMNS = ("road_id", "name", "project_id")
FIX = (
    "give each road protected_until (a date), or completed_date (a date) and kind (new or "
    "major_repair)"
)
FIX_ZH = (
    "请为每条道路给出 protected_until（日期），或 completed_date（日期）和 kind"
    "（new 新建 或 major_repair 大修）"
)


def _rows(mask: pd.Series, ids: pd.Series) -> str:
    return ", ".join(map(str, ids[mask].head(8))) + (", ..." if mask.sum() > 8 else "")


def _ids(frame: pd.DataFrame) -> pd.Series:
    col = next((c for c in ID_COLUMNS if c in frame), None)
    if col is None:
        return pd.Series([f"row {k + 1}" for k in range(len(frame))], index=frame.index)
    return frame[col].astype(str)


def _until(frame: pd.DataFrame, cob: CobuildParams) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(protected until, completed, kind) per road; NaT where the file does not say."""
    nat = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    given = pd.to_datetime(frame.get("protected_until", nat), errors="coerce")
    completed = pd.to_datetime(frame.get("completed_date", nat), errors="coerce")
    kind = frame.get("kind", pd.Series("", index=frame.index)).astype("string").fillna("")
    years = kind.map(lambda k: cob.protected_years.get(str(k), np.nan)).astype(float)
    derived = [
        c + pd.DateOffset(years=int(y)) if pd.notna(c) and pd.notna(y) else pd.NaT
        for c, y in zip(completed, years, strict=True)
    ]
    until = given.fillna(pd.Series(derived, index=frame.index, dtype="datetime64[ns]"))
    return until, completed, kind


def read_protected(frame: gpd.GeoDataFrame, cob: CobuildParams, label: str) -> gpd.GeoDataFrame:
    """Protected roads ``road_id, kind, completed, until, geometry``, checked.

    Raises
    ------
    SchemaError
        When the file gives no dates, or rows have no date or an unknown kind (naming the
        file, the rows and the fix).
    """
    if "protected_until" not in frame and not {"completed_date", "kind"} <= set(frame.columns):
        found = ", ".join(map(str, frame.columns))
        msg = f"{label}: a protected-road file needs dates: {FIX}. Columns: {found}"
        zh = f"{label}：保护期道路文件需要日期：{FIX_ZH}。现有列：{found}"
        raise SchemaError(msg, zh=zh)
    ids = _ids(frame)
    until, completed, kind = _until(frame, cob)
    bad_kind = until.isna() & completed.notna() & ~kind.isin(list(cob.protected_years))
    undated = until.isna() & ~bad_kind
    problems: list[Text] = []
    if undated.any():
        rows = _rows(undated, ids)
        problems.append(Text(f"road(s) {rows} have no date", f"道路 {rows} 没有日期"))
    if bad_kind.any():
        rows = _rows(bad_kind, ids)
        problems.append(
            Text(
                f"road(s) {rows} have a kind other than new, major_repair",
                f"道路 {rows} 的 kind 不是 new 或 major_repair",
            )
        )
    if problems:
        both = joined(problems)
        raise SchemaError(f"{label}: {both.en}: {FIX}", zh=f"{label}：{both.zh}：{FIX_ZH}")
    return gpd.GeoDataFrame(
        {"road_id": ids.to_numpy(), "kind": kind.to_numpy(), "completed": completed.to_numpy()},
        geometry=frame.geometry.to_numpy(),
        crs=frame.crs,
    ).assign(until=until.to_numpy())


def _hits(works: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, cob: CobuildParams) -> pd.DataFrame:
    """(work, road) index pairs where a work's zone touches a road."""
    width = zones_mod.widths(
        works["utility"].to_numpy(), works["width_m"].to_numpy(float), dict(cob.work_width_m)
    )
    zone = zones_mod.zones(works.geometry.to_numpy(), width)
    w, r = shapely.STRtree(roads.geometry.to_numpy()).query(zone, predicate="intersects")
    return pd.DataFrame({"w": w, "r": r, "zone": zone[w]})


def _way_out(road: Any, others: list[str], lang: str) -> str:
    after = road.until + pd.Timedelta(days=1)
    if others:
        return t("cobuild_protected_join", lang, others=", ".join(others), after=after)
    return t("cobuild_protected_wait", lang, after=after)


def _text(work: Any, road: Any, others: list[str]) -> str:
    parts = []
    for lang in ("zh", "en"):
        kind_key = (
            f"cobuild_road_{road.kind}"
            if road.kind in ("new", "major_repair")
            else "cobuild_road_given"
        )
        parts.append(
            t(
                "cobuild_protected",
                lang,
                work=work.work_id,
                road=road.road_id,
                kind=t(kind_key, lang),
                until=road.until,
                start=work.start,
                end=work.end,
                way=_way_out(road, others, lang),
            )
        )
    return " | ".join(parts)


def _before(works: gpd.GeoDataFrame, on_road: np.ndarray, road: Any) -> list[str]:
    """Works on the road that end before its protection starts (the ones to join)."""
    if pd.isna(road.completed):
        return []
    mask = works["end"].to_numpy()[on_road] < np.datetime64(road.completed)
    return sorted(works["work_id"].to_numpy()[on_road][mask])


def protected_recs(
    works: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, cob: CobuildParams, crs: Any
) -> list[gpd.GeoDataFrame]:
    """A ``protected_road`` row for every work that digs a road during its protection."""
    w = works.to_crs(crs).reset_index(drop=True)
    r = roads.to_crs(crs).reset_index(drop=True)
    hits = _hits(w, r, cob)
    fp = memory.fingerprints(w)
    rows = []
    for k, grp in hits.groupby("r", sort=True):
        road = r.iloc[int(str(k))]
        on_road = grp["w"].to_numpy()
        others = _before(w, on_road, road)
        for wi, zone in zip(on_road, grp["zone"], strict=True):
            work = w.iloc[int(wi)]
            digs = work["start"] <= road.until and (
                pd.isna(road.completed) or work["end"] >= road.completed
            )
            if not digs:
                continue
            rows.append(_row(work, road, others, zone, fp[int(wi)]))
    return [gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)] if rows else []


def _where(zone: Any, road: Any) -> Any:
    """The part of the road the work's zone covers (the zone when they only touch)."""
    part = shapely.intersection(zone, road)
    return zone if part.is_empty or (part.length == 0 and part.area == 0) else part


def _row(work: Any, road: Any, others: list[str], zone: Any, fp: str) -> dict[str, Any]:
    return {
        "kind": "protected_road",
        "members": work["work_id"],
        "owners": work["owner"],
        "overlap_start": f"{work['start']:%Y-%m-%d}",
        "overlap_end": f"{road.until:%Y-%m-%d}",
        "distance_m": 0.0,
        "shared_length_m": np.nan,
        "saving_cny": 0.0,
        "explanation": _text(work, road, others),
        "fingerprint": f"{fp};{road.until:%Y-%m-%d}",
        "_key": f"{work['work_id']}|{road.road_id}",
        "geometry": _where(zone, road.geometry),
    }
