"""Co-build (集约化建设、资源共享): shared trenches, co-location, shared sites, pole mounts.

Shared trenches
    Two works match when their footprints lie within a buffer distance and their date ranges
    overlap, inclusive, widened by ``gap_days`` (``a.start <= b.end + N`` and
    ``b.start <= a.end + N``). ``heavy`` when the footprints themselves touch, ``light`` when
    they meet only through the buffer (as Flanders' GIPOD grades conflicts).
    Buffers can differ per owner (SmarterWX-style asymmetric matching): work A *sees* B when
    B lies within A's buffer. A pair is reported once, when at least one side sees the other;
    ``seen_by`` lists the works whose buffer found the other (both, or one).
    The shared corridor of two line works is the stretch of the longer one within the pair's
    buffer of the other (its length is the shared trench length); for polygon works it is the
    overlap of both footprints grown by half the buffer, measured by the long side of its
    minimum rotated rectangle. Saving = shared length x trench cost per metre.

Co-location and shared sites
    Projects failing a coverage or base-station rule are demands. First each is offered an
    existing tower or pole within ``colocation_distance_m``, chosen greedily by how many demands
    one tower serves, then by distance. The rest get new shared sites chosen greedily (lazy
    greedy on an rtree of the unserved demands, deleting demands as they are served) among the
    demands' own locations, each serving demands within ``service_radius_m``.

Pole mounts
    Planned sensors and small cells within ``pole_mount_distance_m`` of a planned or existing
    smart pole (but not on it) are recommended to mount on that pole (GB/T 40994).
"""

from __future__ import annotations

import hashlib
import heapq
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rtree
import shapely

from baseline.check.run import CheckResult
from baseline.cobuild import compatibility, costs, memory, timing
from baseline.cobuild import stretch as stretch_mod
from baseline.cobuild import zones as zones_mod
from baseline.coverage.areas import read_area_classes
from baseline.coverage.colocation import colocation_effect
from baseline.coverage.sitemodel import SiteModel
from baseline.errors import DataWarning, SchemaError, Text, joined
from baseline.i18n import STRINGS, t
from baseline.io.crs import metric_crs
from baseline.io.values import read_dates, read_ids
from baseline.standard.params import SITE_COLUMNS, CobuildParams

REC_COLUMNS = [
    "rec_id",
    "kind",
    "members",
    "owners",
    "severity",
    "overlap_start",
    "overlap_end",
    "distance_m",
    "shared_length_m",
    "saving_cny",
    "explanation",
    "collaboration_type",
    "utilities",
    "clearance_m",
    "compatibility",
    "overlap_days",
    "move_days",
    "cost_source",
    "cost_confidence",
    "cost_note",
    "covered_before",
    "covered_after",
    "fingerprint",
    "since",
    "geometry",
]
"""Columns of a recommendation; the first eleven are those users scripted against before."""
REC_KINDS = (
    *compatibility.PAIR_KINDS,
    "route_into_tunnel",
    "protected_road",
    "lead_time",
    "colocate",
    "new_shared_site",
    "pole_mount",
)
TEXT_COLUMNS = (
    "owners",
    "severity",
    "overlap_start",
    "overlap_end",
    "collaboration_type",
    "utilities",
    "compatibility",
    "fingerprint",
    "since",
)
_ON_POLE_M = 0.5
_APART_M = 0.01
"""Zones farther apart than this (metres) share no point: GEOS's overlay noding and snapping
work far below a millimetre, so their intersection is empty and is not computed."""


@dataclass(frozen=True)
class WorksColumns:
    """Names of the columns of a works layer (mappable from the command line)."""

    id: str = "project_id"
    start: str = "start_date"
    end: str = "end_date"
    owner: str = "owner"


# --------------------------------------------------------------------------------------------
# Shared trenches


def require_works_columns(columns: Sequence, cols: WorksColumns, where: str = "") -> None:
    """Raise a SchemaError naming the id and date columns a works layer lacks, and the fix."""
    missing = [c for c in (cols.id, cols.start, cols.end) if c not in columns]
    if missing:
        found = ", ".join(map(str, columns))
        msg = (
            f"{where}works layer lacks column(s) {', '.join(missing)}; map yours with --id-col, "
            f"--start-col, --end-col, --owner-col. Columns found: {found}"
        )
        zh = (
            f"{where}施工图层缺少列 {', '.join(missing)}；请用 --id-col、--start-col、--end-col、"
            f"--owner-col 映射你的列。现有列：{found}"
        )
        raise SchemaError(msg, zh=zh)


def _dates(values: Any) -> pd.Series:
    """Dates normalised to midnight, without a time zone (NaT where unreadable)."""
    s = pd.Series(pd.to_datetime(values, errors="coerce", utc=False))
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    return s.dt.normalize()


def _label(gdf: pd.DataFrame) -> str:
    """The file a layer was read from, for messages (``works layer`` when not known)."""
    return str(gdf.attrs.get("source", "works layer")).replace("\\", "/").rsplit("/", 1)[-1]


_SKIP_REASONS = (
    Text("missing dates", "缺少日期"),
    Text("end before start", "结束早于开始"),
    Text("empty geometry", "几何为空"),
)


def _skipped_warning(out: pd.DataFrame, skip: pd.Series, *masks: pd.Series) -> DataWarning:
    """The works skipped, by reason (:data:`_SKIP_REASONS`), with up to eight ids each."""
    parts = []
    for (en, zh), mask in zip(_SKIP_REASONS, masks, strict=True):
        if mask.any():
            n, ids = int(mask.sum()), ", ".join(out.loc[mask, "work_id"].head(8))
            parts.append(Text(f"{n} with {en} ({ids})", f"{n} 项{zh}（{ids}）"))
    listed = joined(parts)
    msg = f"skipped {int(skip.sum())} work(s): {listed.en}"
    return DataWarning(msg, zh=f"已跳过 {int(skip.sum())} 项工程：{listed.zh}")


def prepare_works(
    gdf: gpd.GeoDataFrame,
    cols: WorksColumns = WorksColumns(),
    utilities: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """Normalise a works layer to the columns matching needs.

    The columns are ``work_id, start, end, owner, utility, width_m, registered, dig,
    geometry``. ``utility``, ``width_m`` and ``registered_date`` are optional columns
    (empty, NaN, NaT when absent); ``_dig`` (geometries), when present, is the line each
    work digs along.
    Rows with missing or reversed dates or empty geometry are dropped; a
    :class:`~baseline.errors.DataWarning` names them and gives the count. When ``utilities``
    is given, an unknown ``utility`` or a negative ``width_m`` is refused (SchemaError naming
    the file, the rows and the fix).
    """
    require_works_columns(gdf.columns, cols)
    ids = gdf[cols.id].astype(str)
    if utilities is not None:
        zones_mod.check_values(gdf, ids.reset_index(drop=True), utilities, _label(gdf))
    n = len(gdf)
    out = gpd.GeoDataFrame(
        {
            "work_id": read_ids(gdf[cols.id]).fillna("").to_numpy(dtype=object),
            "start": _dates(read_dates(gdf[cols.start]).values).to_numpy(),
            "end": _dates(read_dates(gdf[cols.end]).values).to_numpy(),
            "owner": (
                gdf[cols.owner].astype("string").fillna("").to_numpy() if cols.owner in gdf else ""
            ),
            "utility": (
                gdf["utility"].astype("string").str.strip().fillna("").to_numpy()
                if "utility" in gdf
                else np.full(n, "", dtype=object)
            ),
            "width_m": (
                pd.to_numeric(gdf["width_m"], errors="coerce").to_numpy(float)
                if "width_m" in gdf
                else np.full(n, np.nan)
            ),
            "registered": (
                _dates(gdf["registered_date"]).to_numpy()
                if "registered_date" in gdf
                else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
            ),
            "dig": gdf["_dig"].to_numpy() if "_dig" in gdf else np.full(n, None, dtype=object),
        },
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs,
    )
    bad_dates = out["start"].isna() | out["end"].isna()
    reversed_ = ~bad_dates & (out["end"] < out["start"])
    empty = out.geometry.isna() | out.geometry.is_empty
    skip = bad_dates | reversed_ | empty
    if skip.any():
        warnings.warn(_skipped_warning(out, skip, bad_dates, reversed_, empty), stacklevel=2)
    return out[~skip].reset_index(drop=True)


def _candidate_pairs(geoms: np.ndarray, buffers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs i < j whose envelopes, grown by the larger buffer, intersect."""
    tree = shapely.STRtree(geoms)
    b = shapely.bounds(geoms)
    # boxes, not buffered envelopes: a straight line's envelope buffered by 0 is empty
    grown = shapely.box(b[:, 0] - buffers, b[:, 1] - buffers, b[:, 2] + buffers, b[:, 3] + buffers)
    left, right = tree.query(grown)
    keep = left < right
    return left[keep], right[keep]


@dataclass(frozen=True)
class _Prepared:
    """Works in the metric CRS, with what matching needs per work."""

    w: gpd.GeoDataFrame
    zone: np.ndarray
    dig: np.ndarray
    buf: np.ndarray
    start: np.ndarray  # periods widened by the owners' time buffers
    end: np.ndarray


def _prepared(
    works: gpd.GeoDataFrame,
    crs: Any,
    buffer_m: float,
    owner_buffers: Mapping[str, float],
    work_width_m: Mapping[str, float],
    owner_days: Mapping[str, Sequence[int]],
) -> _Prepared:
    w = works.to_crs(crs).sort_values("work_id", ignore_index=True)
    geoms = w.geometry.to_numpy()
    owner = w["owner"].astype(str).to_numpy()
    width = zones_mod.widths(
        w["utility"].to_numpy(), w["width_m"].to_numpy(float), dict(work_width_m)
    )
    dig = w["dig"].to_numpy().copy()
    if (~pd.isna(dig)).any():  # given in the layer's CRS: bring it to the metric one
        given = ~pd.isna(dig)
        dig[given] = gpd.GeoSeries(dig[given], crs=works.crs).to_crs(crs).to_numpy()
    days = [owner_days.get(o, (0, 0)) for o in owner]
    before = np.array([int(d[0]) for d in days], dtype="timedelta64[D]")
    after = np.array([int(d[1]) for d in days], dtype="timedelta64[D]")
    return _Prepared(
        w=w,
        zone=zones_mod.zones(geoms, width),
        dig=zones_mod.dig_lines(geoms, dig),
        buf=np.array([float(owner_buffers.get(o, buffer_m)) for o in owner]),
        start=w["start"].to_numpy() - before,
        end=w["end"].to_numpy() + after,
    )


def _matched(
    p: _Prepared, gap_days: int, home_part: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, distance between zones) of the pairs matched in space and time."""
    i, j = _candidate_pairs(p.zone, p.buf)
    if home_part is not None:
        part = p.w["_part"].to_numpy()
        home = np.minimum(part[i], part[j]) == home_part
        i, j = i[home], j[home]
    tol = np.timedelta64(int(gap_days), "D")
    in_time = (p.start[i] <= p.end[j] + tol) & (p.start[j] <= p.end[i] + tol)
    i, j = i[in_time], j[in_time]
    # the definition itself, distance <= buffer (inclusive); GEOS dwithin(.., 0) is false even
    # for touching geometries, and intersects disagrees with distance at denormal gaps
    dist = shapely.distance(p.zone[i], p.zone[j])
    near = dist <= np.maximum(p.buf[i], p.buf[j])
    return i[near], j[near], dist[near]


def _where(
    p: _Prepared, i: np.ndarray, j: np.ndarray, dist: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The shared stretch of each pair and its length.

    Where the pair digs no stretch together, the geometry is where the zones overlap, or the
    line where they come closest (zones farther apart than :data:`_APART_M` overlap nowhere:
    their overlap is not computed).
    """
    geom, length = stretch_mod.stretches_among(p.dig, i, j, np.maximum(p.buf[i], p.buf[j]))
    none = np.flatnonzero(pd.isna(geom))
    if len(none):
        zi, zj = p.zone[i[none]], p.zone[j[none]]
        touch = dist[none] <= _APART_M
        overlap = np.full(len(none), None, dtype=object)
        overlap[touch] = shapely.intersection(zi[touch], zj[touch])
        apart = ~touch | shapely.is_empty(overlap)
        overlap[apart] = shapely.shortest_line(zi[apart], zj[apart])
        geom[none] = overlap
    return geom, length


def _in_order(ids: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The order of the pairs by the ids of their works (``a``, then ``b``).

    Works are sorted by id: when no two share one, that is the order of their indices.
    """
    if len(ids) < 2 or bool((ids[1:] > ids[:-1]).all()):
        return np.lexsort((j, i))
    frame = pd.DataFrame({"a": ids[i], "b": ids[j]})
    return frame.sort_values(["a", "b"]).index.to_numpy()


def _seen_by(a: np.ndarray, b: np.ndarray, sees_a: np.ndarray, sees_b: np.ndarray) -> list[str]:
    """Who sees whom: ``a;b``, ``a`` or ``b``, the works whose buffer found the other."""
    return [
        f"{x};{y}" if sx and sy else x if sx else y if sy else ""
        for x, y, sx, sy in zip(
            a.tolist(), b.tolist(), sees_a.tolist(), sees_b.tolist(), strict=True
        )
    ]


def _fingerprints(w: gpd.GeoDataFrame, used: np.ndarray) -> np.ndarray:
    """:func:`memory.fingerprints` of the works ``used`` (empty strings for the rest)."""
    fp = np.full(len(w), "", dtype=object)
    if len(used):
        fp[used] = memory.fingerprints(w.iloc[used])
    return fp


def match_works(
    works: gpd.GeoDataFrame,
    *,
    buffer_m: float,
    gap_days: int = 0,
    owner_buffers: Mapping[str, float] | None = None,
    work_width_m: Mapping[str, float] | None = None,
    owner_days: Mapping[str, Sequence[int]] | None = None,
    crs: pyproj.CRS | None = None,
    home_part: int | None = None,
) -> gpd.GeoDataFrame:
    """Pairs of works whose zones meet within the buffer while their periods overlap.

    Parameters
    ----------
    works : geopandas.GeoDataFrame
        From :func:`prepare_works` (any CRS; distances are computed in a metric one).
    buffer_m : float
        Default buffer distance between zones in metres (inclusive).
    gap_days : int
        Time tolerance in days.
    owner_buffers : mapping, optional
        Buffer per owner, overriding ``buffer_m`` for that owner's works.
    work_width_m : mapping, optional
        Zone width per utility (``default`` for the rest); default 0 (zones are the lines).
    owner_days : mapping, optional
        Days ``(before, after)`` per owner widening that owner's periods (SmarterWX).
    crs : pyproj.CRS, optional
        Metric CRS to measure in; default chosen from ``works``.
    home_part : int, optional
        Keep only pairs whose lower ``_part`` (a column of ``works``) is this one: how the
        dask engine, matching one part against its neighbours, reports each pair once.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per matched pair (``a`` < ``b`` by id) with ``a, b, owner_a, owner_b,
        utility_a, utility_b, distance_m`` (between zones), ``severity`` (heavy: zones overlap
        and periods overlap), ``seen_by, start_a, end_a, start_b, end_b, overlap_start,
        overlap_end, overlap_days`` (negative: days apart), ``days_apart, shared_length_m,
        fingerprint`` and the shared stretch as geometry (metric CRS).
    """
    crs = crs or metric_crs(works)
    p = _prepared(works, crs, buffer_m, owner_buffers or {}, work_width_m or {}, owner_days or {})
    w = p.w
    ids, owner, utility = (w[c].astype(str).to_numpy() for c in ("work_id", "owner", "utility"))
    i, j, dist = _matched(p, gap_days, home_part)
    order = _in_order(ids, i, j)
    i, j, dist = i[order], j[order], dist[order]
    geom, length = _where(p, i, j, dist)
    start, end = w["start"].to_numpy(), w["end"].to_numpy()
    ov_start = np.maximum(start[i], start[j])
    ov_end = np.minimum(end[i], end[j])
    overlap_days = ((ov_end - ov_start) / np.timedelta64(1, "D")).astype(int) + 1
    fp = _fingerprints(w, np.unique(np.concatenate([i, j])))
    pairs = gpd.GeoDataFrame(
        {
            "a": ids[i],
            "b": ids[j],
            "owner_a": owner[i],
            "owner_b": owner[j],
            "utility_a": utility[i],
            "utility_b": utility[j],
            "distance_m": np.round(dist, 2),
            "severity": np.where((dist <= 0) & (overlap_days > 0), "heavy", "light"),
            "seen_by": _seen_by(ids[i], ids[j], dist <= p.buf[i], dist <= p.buf[j]),
            "start_a": pd.to_datetime(start[i]),
            "end_a": pd.to_datetime(end[i]),
            "start_b": pd.to_datetime(start[j]),
            "end_b": pd.to_datetime(end[j]),
            "overlap_start": pd.to_datetime(np.minimum(ov_start, ov_end)),
            "overlap_end": pd.to_datetime(np.maximum(ov_start, ov_end)),
            "overlap_days": overlap_days,
            "days_apart": np.maximum(1 - overlap_days, 0),
            "shared_length_m": np.round(length, 1),
            "fingerprint": [
                f"{x};{y}" for x, y in zip(fp[i].tolist(), fp[j].tolist(), strict=True)
            ],
        },
        geometry=geom,
        crs=crs,
    )
    return pairs


def both_languages(key: str, **fields: object) -> str:
    """The explanation ``key`` as "中文 | English" (the ``explanation`` column's form)."""
    return f"{t(key, 'zh', **fields)} | {t(key, 'en', **fields)}"


def asset_name(kind: str, lang: str) -> str:
    """What an existing asset of type ``kind`` is called in ``lang``."""
    key = f"cobuild_asset_{kind}"
    return t(key if key in STRINGS else "cobuild_asset_other", lang, kind=kind)


def _money(cny: float, lang: str) -> str:
    return f"¥{cny / 1e4:,.0f} 万" if lang == "zh" else f"CNY {cny:,.0f}"


def _trench_text(r: Any, lang: str) -> str:
    """The explanation of one judged pair in ``lang`` (a row of :func:`_judged`)."""
    head = t(f"cobuild_kind_{r.kind}", lang, need=r.need, potential=_money(r.potential, lang))
    body = t(
        "cobuild_trench",
        lang,
        a=r.a,
        b=r.b,
        distance=r.distance_m,
        length=r.shared_length_m,
        when=timing.window_text(r, lang),
        compat=getattr(r, f"compatibility_{lang}"),
        move=timing.move_text(r, int(r.need), int(r.move_days), lang),
    )
    return f"{head}: {body}"


def _judged(pairs: gpd.GeoDataFrame, cob: CobuildParams) -> pd.DataFrame:
    """Pairs with their kind, the table's statement, the days needed and to move, savings."""
    need = timing.needed_days(pairs, cob.min_overlap_days)
    move = timing.move_days(pairs, need)
    verdict = compatibility.judge(pairs, cob, move == 0)
    potential = pairs["shared_length_m"].to_numpy() * float(cob.trench_cost_cny_per_m)
    saving = np.where(verdict["kind"] == "shared_trench", np.round(potential, 0), 0.0)
    return pd.concat([pd.DataFrame(pairs.drop(columns="geometry")), verdict], axis=1).assign(
        need=need, move_days=move, potential=potential, saving_cny=saving
    )


def _trench_recs(pairs: gpd.GeoDataFrame, cob: CobuildParams) -> gpd.GeoDataFrame:
    j = _judged(pairs, cob)
    members = [";".join(sorted((a, b))) for a, b in zip(j["a"], j["b"], strict=True)]
    return gpd.GeoDataFrame(
        {
            "kind": j["kind"],
            "members": members,
            "owners": [
                ";".join(sorted({x, y} - {""}))
                for x, y in zip(j["owner_a"], j["owner_b"], strict=True)
            ],
            "severity": j["severity"],
            "overlap_start": j["overlap_start"].dt.strftime("%Y-%m-%d"),
            "overlap_end": j["overlap_end"].dt.strftime("%Y-%m-%d"),
            "distance_m": j["distance_m"],
            "shared_length_m": j["shared_length_m"],
            "saving_cny": j["saving_cny"],
            "explanation": [
                f"{_trench_text(r, 'zh')} | {_trench_text(r, 'en')}" for r in j.itertuples()
            ],
            "collaboration_type": j["collaboration_type"],
            "utilities": j["utilities"],
            "clearance_m": j["clearance_m"],
            "compatibility": j["compatibility_zh"] + " | " + j["compatibility_en"],
            "overlap_days": j["overlap_days"],
            "move_days": j["move_days"],
            "fingerprint": j["fingerprint"],
            "_key": members,
        },
        geometry=pairs.geometry.values,
        crs=pairs.crs,
    )


# --------------------------------------------------------------------------------------------
# Shared siting


def demands(result: CheckResult, rules: Sequence[str]) -> gpd.GeoDataFrame:
    """Projects failing or warned by one of ``rules``: the demands for shared siting."""
    f = result.findings
    failing = f[f["rule_id"].isin(list(rules)) & f["status"].isin(["fail", "warn"])]
    ids = sorted(failing["project_id"].unique())
    proj = result.projects[result.projects["project_id"].isin(ids)]
    return proj[["project_id", "owner", "geometry"]].sort_values("project_id", ignore_index=True)


def _greedy_colocate(
    dem: gpd.GeoDataFrame, hosts: gpd.GeoDataFrame, max_d: float, effect: Any = None
) -> tuple[list[tuple[int, list[int], float]], set[int]]:
    """Assign demands to hosts greedily (most demands served, then shortest distance).

    ``effect(d_idx, h_idx)`` (optional) keeps only the pairs where a radio on the host closes
    the project's coverage gap (see :mod:`baseline.coverage.colocation`).
    """
    tree = shapely.STRtree(hosts.geometry.values)
    d_idx, h_idx = tree.query(dem.geometry.values, predicate="dwithin", distance=max_d)
    if effect is not None and len(d_idx):
        keep = effect(d_idx, h_idx)
        d_idx, h_idx = d_idx[keep], h_idx[keep]
    dist = shapely.distance(dem.geometry.values[d_idx], hosts.geometry.values[h_idx])
    cand = pd.DataFrame({"d": d_idx, "h": h_idx, "dist": dist})
    chosen = []
    served: set[int] = set()
    while len(cand):
        score = cand.groupby("h").agg(n=("d", "size"), mean=("dist", "mean")).reset_index()
        best = score.sort_values(["n", "mean", "h"], ascending=[False, True, True]).iloc[0]
        rows = cand[cand["h"] == best["h"]]
        chosen.append((int(best["h"]), rows["d"].tolist(), float(rows["dist"].max())))
        served |= set(rows["d"])
        cand = cand[~cand["d"].isin(served)]
    return chosen, served


def _greedy_new_sites(points: np.ndarray, radius: float) -> list[tuple[int, list[int]]]:
    """Lazy-greedy maximum coverage: pick demand locations serving the most unserved demands.

    An rtree index holds the unserved demands; served ones are deleted from it as sites are
    chosen, so each recount queries only what is left.
    """
    xy = shapely.get_coordinates(points)
    index = rtree.index.Index()
    for k, (x, y) in enumerate(xy):
        index.insert(k, (x, y, x, y))

    def covered(k: int) -> list[int]:
        x, y = xy[k]
        near = index.intersection((x - radius, y - radius, x + radius, y + radius))
        return sorted(m for m in near if np.hypot(*(xy[m] - xy[k])) <= radius)

    heap = [(-len(covered(k)), k) for k in range(len(xy))]
    heapq.heapify(heap)
    alive = set(range(len(xy)))
    sites = []
    while heap and alive:
        _, k = heapq.heappop(heap)
        members = covered(k)
        if not members:
            continue
        if heap and len(members) < -heap[0][0]:
            heapq.heappush(heap, (-len(members), k))
            continue
        sites.append((k, members))
        for m in members:
            x, y = xy[m]
            index.delete(m, (x, y, x, y))
            alive.discard(m)
    return sites


def _owners_text(owners: pd.Series) -> str:
    return ";".join(sorted(set(owners.dropna().astype(str))))


def _coverage_rule(result: CheckResult, cob: CobuildParams) -> tuple[str, float] | None:
    """The technology and threshold of the first coverage rule among the demand rules."""
    for rid in cob.demand_rules:
        rule = result.standard.rules.get(rid)
        if rule is not None and rule.kind == "coverage_min":
            return str(rule.params["tech"]), float(rule.params["threshold"])
    return None


def _host_model(result: CheckResult, hosts: gpd.GeoDataFrame, crs: Any) -> SiteModel:
    """The check's sites again: planned base-station sites and the existing towers."""
    fits = result.fittings[result.fittings["kind"] == "base_station_site"].to_crs(crs)
    towers = hosts[hosts["asset_type"] == "tower"]
    keep = [c for c in (*SITE_COLUMNS, "kind", "asset_type") if c in fits or c in towers]
    frame = pd.concat([fits.reindex(columns=[*keep, "geometry"]),
                       towers.reindex(columns=[*keep, "geometry"])], ignore_index=True)  # fmt: skip
    sites = gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)
    std = result.standard
    return SiteModel(lambda: sites, std.coverage, crs, read_area_classes(None, std.coverage))


def _colocate_rows(
    dem: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame | None,
    cob: CobuildParams,
    crs: Any,
    result: CheckResult,
) -> tuple[list[dict[str, Any]], set[int]]:
    """Co-location on existing towers and poles that close the gap: rows and demands served.

    A host already counted in a project's modelled coverage, or whose new radio would not
    lift the project's covered share to the coverage rule's threshold, is not offered; each
    row states the covered share of its members before and after.
    """
    if assets is None or not len(assets):
        return [], set()
    hosts = assets[assets["asset_type"].isin(["tower", "pole"])].to_crs(crs).reset_index(drop=True)
    if not len(hosts):
        return [], set()
    rule = _coverage_rule(result, cob)
    shares: dict[tuple[int, int], tuple[float, float]] = {}

    def effect(d_idx: np.ndarray, h_idx: np.ndarray) -> np.ndarray:
        if rule is None:
            return np.ones(len(d_idx), bool)
        model = _host_model(result, hosts, crs)
        e = colocation_effect(dem.geometry, hosts, (d_idx, h_idx), model, rule)
        for d, h, b, a in zip(d_idx, h_idx, e.before, e.after, strict=True):
            shares[(int(d), int(h))] = (float(b), float(a))
        return e.closes

    chosen, served = _greedy_colocate(dem, hosts, float(cob.colocation_distance_m), effect)
    return [_colocate_row(dem, hosts.iloc[h], h, members, dmax, cob, shares)
            for h, members, dmax in chosen], served  # fmt: skip


def _colocate_row(
    dem: gpd.GeoDataFrame,
    host: pd.Series,
    h: int,
    members: list[int],
    dmax: float,
    cob: CobuildParams,
    shares: dict[tuple[int, int], tuple[float, float]],
) -> dict[str, Any]:
    """One co-location recommendation with its members' covered share before and after."""
    order = sorted(members, key=lambda m: str(dem["project_id"].iloc[m]))
    ids = [str(dem["project_id"].iloc[m]) for m in order]
    before = [shares.get((m, h), (np.nan, np.nan))[0] for m in order]
    after = [shares.get((m, h), (np.nan, np.nan))[1] for m in order]
    kind = host["asset_type"]
    fields = {"host": str(host.get("asset_id", h)), "distance": dmax, "n": len(ids)}
    zh = t("cobuild_colocate", "zh", asset=asset_name(kind, "zh"), **fields)
    en = t("cobuild_colocate", "en", asset=kind, **fields)
    change = "; ".join(
        f"{i} {b:.0%} -> {a:.0%}" for i, b, a in zip(ids, before, after, strict=True)
    )
    return {
        "kind": "colocate",
        "members": ";".join(ids),
        "_key": f"{fields['host']}|{';'.join(ids)}",
        "owners": _owners_text(dem["owner"].iloc[members]),
        "severity": "",
        "distance_m": round(dmax, 1),
        "shared_length_m": np.nan,
        "saving_cny": float(cob.new_site_cost_cny) * len(ids),
        "explanation": f"{zh}（覆盖率 {change}） | {en} (covered share {change})",
        "covered_before": ";".join(f"{b:.3f}" for b in before),
        "covered_after": ";".join(f"{a:.3f}" for a in after),
        "geometry": host.geometry,
    }


def _new_site_rows(rest: gpd.GeoDataFrame, cob: CobuildParams) -> list[dict[str, Any]]:
    """New shared sites for the demands no existing asset serves."""
    points = rest.geometry.centroid.to_numpy()
    rows = []
    for k, members in _greedy_new_sites(points, float(cob.service_radius_m)):
        ids = sorted(rest["project_id"].iloc[members])
        dmax = max(float(shapely.distance(points[k], points[m])) for m in members)
        rows.append(
            {
                "kind": "new_shared_site",
                "members": ";".join(ids),
                "_key": ";".join(ids),
                "owners": _owners_text(rest["owner"].iloc[members]),
                "severity": "",
                "distance_m": round(dmax, 1),
                "shared_length_m": np.nan,
                "saving_cny": float(cob.new_site_cost_cny) * (len(ids) - 1),
                "explanation": both_languages("cobuild_new_site", n=len(ids), avoided=len(ids) - 1),
                "geometry": points[k],
            }
        )
    return rows


def siting_recs(
    result: CheckResult, cob: CobuildParams, assets: gpd.GeoDataFrame | None, crs: Any
) -> list[gpd.GeoDataFrame]:
    """Co-location and new shared sites for the demands of a checked plan (in ``crs``)."""
    dem = demands(result, cob.demand_rules)
    if dem.empty:
        return []
    dem = dem.to_crs(crs)
    rows, served = _colocate_rows(dem, assets, cob, crs, result)
    rest = dem[~dem.index.isin(served)].reset_index(drop=True)
    if len(rest):
        rows += _new_site_rows(rest, cob)
    return [gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)] if rows else []


def _poles(fits: gpd.GeoDataFrame, assets: gpd.GeoDataFrame | None, crs: Any) -> gpd.GeoDataFrame:
    """Planned smart poles, then existing poles, with a ``pole_id`` each (in ``crs``)."""
    poles = fits[fits["kind"] == "smart_pole"][["project_id", "geometry"]].to_crs(crs)
    ids = fits.loc[poles.index, "feature_id"] if "feature_id" in fits else poles.index
    poles = poles.assign(pole_id=[f"planned:{i}" for i in ids])
    if assets is not None and len(assets):
        ex = assets[assets["asset_type"] == "pole"].to_crs(crs)
        ex = ex.assign(pole_id=[f"existing:{a}" for a in ex.get("asset_id", ex.index)])
        poles = pd.concat([poles, ex[["pole_id", "geometry"]]], ignore_index=True)
    return gpd.GeoDataFrame(poles, crs=crs).reset_index(drop=True)


def _nearest_poles(
    devices: gpd.GeoDataFrame, poles: gpd.GeoDataFrame, max_d: float
) -> pd.DataFrame:
    """(device, pole, distance): each device's nearest pole within ``max_d``, not on one."""
    tree = shapely.STRtree(poles.geometry.values)
    d_idx, p_idx = tree.query(devices.geometry.values, predicate="dwithin", distance=max_d)
    dist = shapely.distance(devices.geometry.values[d_idx], poles.geometry.values[p_idx])
    pairs = pd.DataFrame({"d": d_idx, "p": p_idx, "dist": dist})
    on_pole = set(pairs.loc[pairs["dist"] <= _ON_POLE_M, "d"])
    pairs = pairs[~pairs["d"].isin(on_pole)].sort_values(["d", "dist", "p"])
    return pairs.drop_duplicates("d")


def pole_recs(
    result: CheckResult, cob: CobuildParams, assets: gpd.GeoDataFrame | None, crs: Any
) -> list[gpd.GeoDataFrame]:
    """Sensors and small cells near a planned or existing smart pole: mount them on it."""
    fits = result.fittings
    poles = _poles(fits, assets, crs)
    devices = fits[fits["kind"].isin(["sensor", "base_station_site"])].to_crs(crs)
    if poles.empty or devices.empty:
        return []
    devices = devices.reset_index(drop=True)
    pairs = _nearest_poles(devices, poles, float(cob.pole_mount_distance_m))
    saving = float(cob.pole_mount_saving_cny)
    rows = []
    for p, grp in pairs.groupby("p", sort=True):
        dev = devices.iloc[grp["d"].to_numpy()]
        ids = sorted(set(dev["project_id"].dropna().astype(str)))
        kinds = ", ".join(sorted(set(dev["kind"])))
        dmax = float(grp["dist"].max())
        pole = poles["pole_id"].iloc[p]
        rows.append(
            {
                "kind": "pole_mount",
                "members": ";".join(ids),
                "_key": f"{pole}|{';'.join(ids)}",
                "owners": "",
                "severity": "",
                "distance_m": round(dmax, 1),
                "shared_length_m": np.nan,
                "saving_cny": saving * len(grp),
                "explanation": both_languages(
                    "cobuild_pole_mount", n=len(grp), kinds=kinds, distance=dmax, pole=pole
                ),
                "geometry": poles.geometry.iloc[p],
            }
        )
    return [gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)] if rows else []


def _fingerprints_of(recs: gpd.GeoDataFrame) -> list[str]:
    """A hash of each recommendation's members and geometry (to about 1 cm)."""
    wkb = shapely.to_wkb(shapely.set_precision(recs.geometry.to_numpy(), 1e-7), hex=True)
    return [
        hashlib.sha1(f"{m}|{g}".encode()).hexdigest()[:10]
        for m, g in zip(recs["members"], wkb, strict=True)
    ]


def _empty() -> gpd.GeoDataFrame:
    cols: dict[str, list[Any]] = {c: [] for c in REC_COLUMNS if c != "geometry"}
    return gpd.GeoDataFrame(cols, geometry=[], crs="EPSG:4326")[REC_COLUMNS]


def finalise(parts: list[gpd.GeoDataFrame], cob: CobuildParams) -> gpd.GeoDataFrame:
    """Concatenate recommendation parts in WGS84, order them, give them ids and costs.

    Each part gives ``_key`` (what its rows are about, from which the stable ``rec_id`` is
    derived, see :mod:`baseline.cobuild.memory`) and may give ``fingerprint``.
    """
    frames = [p.to_crs("EPSG:4326") for p in parts if len(p)]
    if not frames:
        return _empty()
    recs = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")
    recs = recs.reindex(columns=[*REC_COLUMNS, "_key"])
    for col in TEXT_COLUMNS:
        recs[col] = recs[col].astype(object).fillna("")
    missing = recs["fingerprint"] == ""
    if missing.any():
        recs.loc[missing, "fingerprint"] = _fingerprints_of(recs[missing])
    recs["rec_id"] = memory.rec_ids(recs["kind"], recs["_key"])
    recs["_k"] = recs["kind"].map({k: i for i, k in enumerate(REC_KINDS)})
    recs = recs.sort_values(
        ["_k", "saving_cny", "members", "rec_id"],
        ascending=[True, False, True, True],
        ignore_index=True,
    )
    recs = gpd.GeoDataFrame(costs.with_costs(recs, cob), geometry="geometry", crs="EPSG:4326")
    return recs[REC_COLUMNS]


def trench_recs(pairs: gpd.GeoDataFrame, cob: CobuildParams) -> list[gpd.GeoDataFrame]:
    """Recommendation rows of the pairs of :func:`match_works`, judged by the catalogue."""
    return [_trench_recs(pairs, cob)] if len(pairs) else []


def owners_of(result: CheckResult) -> dict[str, str]:
    """Owner of every project of a checked plan, by project id."""
    p = result.projects
    return dict(
        zip(p["project_id"].astype(str), p["owner"].astype("string").fillna(""), strict=True)
    )


def summary(recs: pd.DataFrame) -> pd.DataFrame:
    """Count and saving per kind and per owner (an owner counts once per recommendation).

    ``note`` says "示意估算 | illustrative estimate" when any saving rests on an illustrative cost.
    """
    by_kind = recs.groupby("kind").agg(count=("rec_id", "size"), saving_cny=("saving_cny", "sum"))
    by_kind = by_kind.reset_index().rename(columns={"kind": "group"}).assign(by="kind")
    exploded = recs.assign(owner=recs["owners"].astype("string").str.split(";")).explode("owner")
    exploded = exploded[exploded["owner"].fillna("") != ""]
    by_owner = exploded.groupby("owner").agg(
        count=("rec_id", "size"), saving_cny=("saving_cny", "sum")
    )
    by_owner = by_owner.reset_index().rename(columns={"owner": "group"}).assign(by="owner")
    out = pd.concat([by_kind, by_owner], ignore_index=True)[["by", "group", "count", "saving_cny"]]
    notes = set(recs.get("cost_note", pd.Series(dtype=str)).fillna("")) - {""}
    caveat = f"{t('cobuild_illustrative', 'zh')} | {t('cobuild_illustrative', 'en')}"
    return out.assign(note=caveat if notes else "")
