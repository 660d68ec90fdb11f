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

import heapq
import os
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rtree
import shapely

from baseline.check.run import CheckResult
from baseline.errors import DataWarning, SchemaError
from baseline.i18n import STRINGS, t
from baseline.io.crs import metric_crs
from baseline.io.values import read_dates, read_ids
from baseline.standard.params import CobuildParams

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
    "geometry",
]
REC_KINDS = ("shared_trench", "colocate", "new_shared_site", "pole_mount")
_PREFIX = {"shared_trench": "T", "colocate": "C", "new_shared_site": "S", "pole_mount": "P"}
_ON_POLE_M = 0.5
_QUAD_SEGS = 2  # arc segments per quarter circle of corridor buffers (GEOS default 8)


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
        raise SchemaError(msg)


def prepare_works(gdf: gpd.GeoDataFrame, cols: WorksColumns = WorksColumns()) -> gpd.GeoDataFrame:
    """Normalise a works layer to ``work_id, start, end, owner, geometry``.

    Rows with missing or reversed dates or empty geometry are dropped; a
    :class:`~baseline.errors.DataWarning` names them and gives the count.
    """
    require_works_columns(gdf.columns, cols)
    out = gpd.GeoDataFrame(
        {
            "work_id": read_ids(gdf[cols.id]).fillna("").to_numpy(dtype=object),
            "start": read_dates(gdf[cols.start]).values.to_numpy(),
            "end": read_dates(gdf[cols.end]).values.to_numpy(),
            "owner": (
                gdf[cols.owner].astype("string").fillna("").to_numpy() if cols.owner in gdf else ""
            ),
        },
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs,
    )
    for c in ("start", "end"):
        s = pd.Series(out[c])
        if getattr(s.dt, "tz", None) is not None:
            out[c] = s.dt.tz_localize(None)
        out[c] = pd.Series(out[c]).dt.normalize()
    bad_dates = out["start"].isna() | out["end"].isna()
    reversed_ = ~bad_dates & (out["end"] < out["start"])
    empty = out.geometry.isna() | out.geometry.is_empty
    skip = bad_dates | reversed_ | empty
    if skip.any():
        parts = []
        for label, mask in (
            ("missing dates", bad_dates),
            ("end before start", reversed_),
            ("empty geometry", empty),
        ):
            if mask.any():
                ids = ", ".join(out.loc[mask, "work_id"].head(8))
                parts.append(f"{int(mask.sum())} with {label} ({ids})")
        warnings.warn(f"skipped {int(skip.sum())} work(s): {'; '.join(parts)}", DataWarning, 2)
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


def _buffer_once(
    geoms: np.ndarray, idx: np.ndarray, dist: np.ndarray, quad_segs: int = 8
) -> np.ndarray:
    """``buffer(geoms[idx], dist)``, buffering each work once per distinct distance."""
    out = np.empty(len(idx), dtype=object)
    for d in np.unique(dist):
        mask = dist == d
        needed = np.unique(idx[mask])
        buffered = shapely.buffer(geoms[needed], d, quad_segs=quad_segs)
        grown = dict(zip(needed, buffered, strict=True))
        out[mask] = [grown[k] for k in idx[mask]]
    return out


def _parallel_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``shapely.intersection(a, b)`` split over the CPU cores (GEOS releases the GIL)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers == 1 or len(a) < 20_000:
        return shapely.intersection(a, b)
    bounds = np.linspace(0, len(a), workers + 1).astype(int)
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(
            lambda k: shapely.intersection(
                a[bounds[k] : bounds[k + 1]], b[bounds[k] : bounds[k + 1]]
            ),
            range(workers),
        )
        return np.concatenate(list(parts))


def _long_side(polys: np.ndarray) -> np.ndarray:
    """Long side of each polygon's minimum rotated rectangle (0 for empty ones)."""
    out = np.zeros(len(polys))
    for k, rect in enumerate(shapely.oriented_envelope(polys)):
        if rect is not None and rect.geom_type == "Polygon" and not rect.is_empty:
            c = np.asarray(rect.exterior.coords)
            out[k] = float(np.hypot(*(c[1:3] - c[0:2]).T).max())
    return out


def _corridors(
    geoms: np.ndarray, i: np.ndarray, j: np.ndarray, reach: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The shared corridor of each pair and its length along the longer work.

    Line works: the stretch of the longer work within ``reach`` of the other (a line).
    Other works: the overlap of both footprints grown by half the reach (a polygon), measured
    by the long side of its minimum rotated rectangle.
    """
    lengths = shapely.length(geoms)
    a_longer = lengths[i] >= lengths[j]
    longer = np.where(a_longer, i, j)
    other = np.where(a_longer, j, i)
    is_line = np.isin(shapely.get_type_id(geoms[longer]), [1, 5])
    corridor = np.empty(len(i), dtype=object)
    length = np.zeros(len(i))
    if is_line.any():
        zone = _buffer_once(geoms, other[is_line], reach[is_line], _QUAD_SEGS)
        stretch = _parallel_intersection(geoms[longer[is_line]], zone)
        corridor[is_line] = stretch
        length[is_line] = shapely.length(stretch)
    poly = ~is_line
    if poly.any():
        half = reach[poly] / 2
        grown = shapely.intersection(
            _buffer_once(geoms, i[poly], half), _buffer_once(geoms, j[poly], half)
        )
        corridor[poly] = grown
        length[poly] = _long_side(grown)
    empty = shapely.is_empty(corridor) | pd.isna(corridor)
    if empty.any():  # pairs right at the buffer edge: show where they come closest
        corridor[empty] = shapely.shortest_line(geoms[i[empty]], geoms[j[empty]])
    return corridor, length


def match_works(
    works: gpd.GeoDataFrame,
    *,
    buffer_m: float,
    gap_days: int = 0,
    owner_buffers: Mapping[str, float] | None = None,
    trench_cost_cny_per_m: float = 0.0,
    crs: pyproj.CRS | None = None,
    home_part: int | None = None,
) -> gpd.GeoDataFrame:
    """Pairs of works that can share one trench; see the module docstring for the rules.

    Parameters
    ----------
    works : geopandas.GeoDataFrame
        From :func:`prepare_works` (any CRS; distances are computed in a metric one).
    buffer_m : float
        Default buffer distance in metres (inclusive).
    gap_days : int
        Time tolerance in days.
    owner_buffers : mapping, optional
        Buffer per owner, overriding ``buffer_m`` for that owner's works.
    trench_cost_cny_per_m : float
        Unit cost for the saving.
    crs : pyproj.CRS, optional
        Metric CRS to measure in; default chosen from ``works``.
    home_part : int, optional
        Keep only pairs whose lower ``_part`` (a column of ``works``) is this one: how the
        dask engine, matching one part against its neighbours, reports each pair once.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per matched pair (``a`` < ``b`` by id) with ``a, b, owner_a, owner_b,
        distance_m, severity, seen_by, overlap_start, overlap_end, shared_length_m,
        saving_cny`` and the shared corridor as geometry (metric CRS).
    """
    crs = crs or metric_crs(works)
    w = works.to_crs(crs).sort_values("work_id", ignore_index=True)
    geoms = w.geometry.to_numpy()
    owner = w["owner"].astype(str).to_numpy()
    buf = np.array([float((owner_buffers or {}).get(o, buffer_m)) for o in owner])
    i, j = _candidate_pairs(geoms, buf)
    if home_part is not None:
        part = w["_part"].to_numpy()
        home = np.minimum(part[i], part[j]) == home_part
        i, j = i[home], j[home]
    start = w["start"].to_numpy()
    end = w["end"].to_numpy()
    tol = np.timedelta64(int(gap_days), "D")
    in_time = (start[i] <= end[j] + tol) & (start[j] <= end[i] + tol)
    i, j = i[in_time], j[in_time]
    # the definition itself, distance <= buffer (inclusive); GEOS dwithin(.., 0) is false even
    # for touching geometries, and intersects disagrees with distance at denormal gaps
    dist = shapely.distance(geoms[i], geoms[j])
    near = dist <= np.maximum(buf[i], buf[j])
    i, j, dist = i[near], j[near], dist[near]
    reach = np.maximum(buf[i], buf[j])
    seen_a, seen_b = dist <= buf[i], dist <= buf[j]
    corridor, length = _corridors(geoms, i, j, reach)
    ov_start = np.maximum(start[i], start[j])
    ov_end = np.minimum(end[i], end[j])
    pairs = gpd.GeoDataFrame(
        {
            "a": w["work_id"].to_numpy()[i],
            "b": w["work_id"].to_numpy()[j],
            "owner_a": owner[i],
            "owner_b": owner[j],
            "distance_m": np.round(dist, 2),
            "severity": np.where(dist <= 0, "heavy", "light"),
            "seen_by": [
                ";".join(x for x, s in ((a, sa), (b, sb)) if s)
                for a, b, sa, sb in zip(
                    w["work_id"].to_numpy()[i],
                    w["work_id"].to_numpy()[j],
                    seen_a,
                    seen_b,
                    strict=True,
                )
            ],
            "overlap_start": pd.to_datetime(np.minimum(ov_start, ov_end)),
            "overlap_end": pd.to_datetime(np.maximum(ov_start, ov_end)),
            "days_apart": np.maximum((ov_start - ov_end) / np.timedelta64(1, "D"), 0).astype(int),
            "shared_length_m": np.round(length, 1),
            "saving_cny": np.round(length * trench_cost_cny_per_m, 0),
        },
        geometry=corridor,
        crs=crs,
    )
    return pairs.sort_values(["a", "b"], ignore_index=True)


def both_languages(key: str, **fields: object) -> str:
    """The explanation ``key`` as "中文 | English" (the ``explanation`` column's form)."""
    return f"{t(key, 'zh', **fields)} | {t(key, 'en', **fields)}"


def asset_name(kind: str, lang: str) -> str:
    """What an existing asset of type ``kind`` is called in ``lang``."""
    key = f"cobuild_asset_{kind}"
    return t(key if key in STRINGS else "cobuild_asset_other", lang, kind=kind)


def _trench_text(r: Any) -> str:
    """The explanation of one matched pair (a row of :func:`match_works`)."""
    if r.days_apart == 0:
        when_key, when = "cobuild_overlap", {"start": r.overlap_start, "end": r.overlap_end}
    else:
        when_key, when = "cobuild_apart", {"days": r.days_apart}
    fields = {"a": r.a, "b": r.b, "distance": r.distance_m, "length": r.shared_length_m}
    zh = t("cobuild_trench", "zh", when=t(when_key, "zh", **when), **fields)
    en = t("cobuild_trench", "en", when=t(when_key, "en", **when), **fields)
    return f"{zh} | {en}"


def _trench_recs(pairs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "kind": "shared_trench",
            "members": [
                ";".join(sorted((a, b))) for a, b in zip(pairs["a"], pairs["b"], strict=True)
            ],
            "owners": [
                ";".join(sorted({x, y}))
                for x, y in zip(pairs["owner_a"], pairs["owner_b"], strict=True)
            ],
            "severity": pairs["severity"],
            "overlap_start": pairs["overlap_start"].dt.strftime("%Y-%m-%d"),
            "overlap_end": pairs["overlap_end"].dt.strftime("%Y-%m-%d"),
            "distance_m": pairs["distance_m"],
            "shared_length_m": pairs["shared_length_m"],
            "saving_cny": pairs["saving_cny"],
            "explanation": [_trench_text(r) for r in pairs.itertuples()],
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
    dem: gpd.GeoDataFrame, hosts: gpd.GeoDataFrame, max_d: float
) -> tuple[list[tuple[int, list[int], float]], set[int]]:
    """Assign demands to hosts greedily (most demands served, then shortest distance)."""
    tree = shapely.STRtree(hosts.geometry.values)
    d_idx, h_idx = tree.query(dem.geometry.values, predicate="dwithin", distance=max_d)
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


def _colocate_rows(
    dem: gpd.GeoDataFrame, assets: gpd.GeoDataFrame | None, cob: CobuildParams, crs: Any
) -> tuple[list[dict[str, Any]], set[int]]:
    """Co-location on existing towers and poles: the rows and the demands they serve."""
    if assets is None or not len(assets):
        return [], set()
    hosts = assets[assets["asset_type"].isin(["tower", "pole"])].to_crs(crs).reset_index(drop=True)
    if not len(hosts):
        return [], set()
    chosen, served = _greedy_colocate(dem, hosts, float(cob.colocation_distance_m))
    rows = []
    for h, members, dmax in chosen:
        ids = sorted(dem["project_id"].iloc[members])
        host = hosts.iloc[h]
        kind = host["asset_type"]
        fields = {"host": str(host.get("asset_id", h)), "distance": dmax, "n": len(ids)}
        zh = t("cobuild_colocate", "zh", asset=asset_name(kind, "zh"), **fields)
        en = t("cobuild_colocate", "en", asset=kind, **fields)
        rows.append(
            {
                "kind": "colocate",
                "members": ";".join(ids),
                "owners": _owners_text(dem["owner"].iloc[members]),
                "severity": "",
                "distance_m": round(dmax, 1),
                "shared_length_m": np.nan,
                "saving_cny": float(cob.new_site_cost_cny) * len(ids),
                "explanation": f"{zh} | {en}",
                "geometry": host.geometry,
            }
        )
    return rows, served


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
    rows, served = _colocate_rows(dem, assets, cob, crs)
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


def finalise(parts: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Concatenate recommendation parts in WGS84, order them and number them."""
    frames = [p.to_crs("EPSG:4326") for p in parts if len(p)]
    if not frames:
        empty = gpd.GeoDataFrame(
            {c: [] for c in REC_COLUMNS if c != "geometry"}, geometry=[], crs="EPSG:4326"
        )
        return empty[REC_COLUMNS]
    recs = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")
    for col in ("severity", "overlap_start", "overlap_end", "owners"):
        if col not in recs:
            recs[col] = ""
        recs[col] = recs[col].fillna("")
    recs["_k"] = recs["kind"].map({k: i for i, k in enumerate(REC_KINDS)})
    recs = recs.sort_values(
        ["_k", "saving_cny", "members"], ascending=[True, False, True], ignore_index=True
    )
    counters: dict[str, int] = {}
    ids = []
    for kind in recs["kind"]:
        counters[kind] = counters.get(kind, 0) + 1
        ids.append(f"{_PREFIX[kind]}{counters[kind]:04d}")
    recs["rec_id"] = ids
    return recs[REC_COLUMNS]


def trench_recs(pairs: gpd.GeoDataFrame) -> list[gpd.GeoDataFrame]:
    """Shared-trench recommendation rows from the pairs of :func:`match_works`."""
    return [_trench_recs(pairs)] if len(pairs) else []


def owners_of(result: CheckResult) -> dict[str, str]:
    """Owner of every project of a checked plan, by project id."""
    p = result.projects
    return dict(
        zip(p["project_id"].astype(str), p["owner"].astype("string").fillna(""), strict=True)
    )


def summary(recs: pd.DataFrame) -> pd.DataFrame:
    """Count and saving per kind and per owner (an owner counts once per recommendation)."""
    by_kind = recs.groupby("kind").agg(count=("rec_id", "size"), saving_cny=("saving_cny", "sum"))
    by_kind = by_kind.reset_index().rename(columns={"kind": "group"}).assign(by="kind")
    exploded = recs.assign(owner=recs["owners"].astype("string").str.split(";")).explode("owner")
    exploded = exploded[exploded["owner"].fillna("") != ""]
    by_owner = exploded.groupby("owner").agg(
        count=("rec_id", "size"), saving_cny=("saving_cny", "sum")
    )
    by_owner = by_owner.reset_index().rename(columns={"owner": "group"}).assign(by="owner")
    return pd.concat([by_kind, by_owner], ignore_index=True)[["by", "group", "count", "saving_cny"]]
