"""Where the heavy joins run: in this process (``local``) or as dask tasks (``dask``).

The check, the gaps and the co-build self-join each touch a large layer in one way only:

- the check asks for the distance from every project to the nearest existing asset of some
  types, and for the towers that feed the coverage model;
- the gaps union the footprints of every site that reaches the area;
- the co-build matches every work with the works near it.

:class:`LocalAssets` answers the check's two questions from a GeoDataFrame in memory.
:class:`DaskAssets` answers them from a layer partitioned by :mod:`baseline.partitioned`,
one dask task per part that can matter, each reading its GeoParquet part (cached per
process, so a part is read once per run): on the threads of this process by default, or on a
dask.distributed cluster (``Engine("dask", "tcp://host:8786")``; the workers must see the
same folder).

Both give the same numbers: a part is left out only when its box proves it cannot hold a
closer asset, and rows are put back in source order before anything order-sensitive.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from baseline.coverage import SITE_COLUMNS
from baseline.errors import BaselineError
from baseline.memory import without_gc
from baseline.partitioned import ROW, PartitionedLayer, read_part

ENGINES = ("local", "dask")
FIRST_REACH_M = 500.0


@dataclass
class Engine:
    """Which engine runs the joins and, for dask, on which scheduler.

    Attributes
    ----------
    name : {"local", "dask"}
    scheduler : str, optional
        Address of a running dask.distributed scheduler (``tcp://host:8786``); default the
        threads of this process.
    """

    name: str = "local"
    scheduler: str | None = None
    _client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise BaselineError(f"engine {self.name!r}: choose one of {', '.join(ENGINES)}")
        if self.scheduler and self.name != "dask":
            raise BaselineError("--scheduler needs --engine dask")

    @contextlib.contextmanager
    def session(self) -> Iterator[Engine]:
        """Connect to the scheduler for the block (no-op for the local engine)."""
        if self.name != "dask" or not self.scheduler:
            yield self
            return
        from distributed import Client

        try:
            client = Client(self.scheduler, timeout="10s", set_as_default=False)
        except OSError as err:
            raise BaselineError(
                f"cannot reach the dask scheduler at {self.scheduler} ({err}); start it with "
                "`dask scheduler` and workers with `dask worker ADDRESS`, or drop --scheduler"
            ) from err
        self._client = client
        try:
            yield self
        finally:
            self._client = None
            client.close()

    def compute(self, tasks: Sequence[Any]) -> list[Any]:
        """Compute dask delayed objects on this engine's scheduler."""
        import dask

        if not tasks:
            return []
        if self._client is not None:
            return list(self._client.compute(list(tasks), sync=True))
        return list(dask.compute(*tasks, scheduler="threads"))


# --------------------------------------------------------------------------------------------
# Local


def nearest_distance(geoms: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Distance from each geometry to the nearest target (inf when there are none)."""
    out = np.full(len(geoms), np.inf)
    targets = targets[~shapely.is_empty(targets) & ~pd.isna(targets)]
    if len(targets) == 0 or len(geoms) == 0:
        return out
    return _nearest_in(shapely.STRtree(targets), geoms)


def _nearest_in(tree: shapely.STRtree, geoms: np.ndarray) -> np.ndarray:
    """Distance from each geometry to the nearest geometry of a non-empty tree."""
    out = np.full(len(geoms), np.inf)
    (left, _), dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    np.minimum.at(out, left, dist)
    return out


class LocalAssets:
    """Existing assets held in memory, in the check's metric CRS and in source order."""

    def __init__(self, assets: gpd.GeoDataFrame) -> None:
        self.assets = assets

    def __len__(self) -> int:
        return len(self.assets)

    def of_types(self, types: Sequence[str]) -> gpd.GeoDataFrame:
        """The assets of the given types, in source order."""
        return self.assets[self.assets["asset_type"].isin(list(types))]

    def nearest(self, geoms: np.ndarray, types: Sequence[str]) -> np.ndarray:
        """Distance from each geometry to the nearest asset of the given types."""
        return nearest_distance(geoms, self.of_types(types).geometry.to_numpy())


# --------------------------------------------------------------------------------------------
# Dask


def _metric_boxes(layer: PartitionedLayer, crs: Any) -> np.ndarray:
    """Part boxes carried into ``crs`` as boxes that contain them (edges densified first)."""
    boxes = layer.boxes()
    if len(boxes) == 0:
        return np.empty((0, 4))
    polys = shapely.box(*boxes.T)
    step = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) / 32
    polys = shapely.segmentize(polys, np.where(step > 0, step, 1.0))
    out = gpd.GeoSeries(polys, crs=layer.crs).to_crs(crs).bounds.to_numpy()
    pad = 1.0  # metres; the densified edges may bow out between vertices by less
    return out + np.array([-pad, -pad, pad, pad])


@functools.lru_cache(maxsize=16)
@without_gc
def _load_part(path: str, stamp: int, types: tuple[str, ...], columns: tuple[str, ...], crs: str):
    """One part's assets of the check's types in ``crs``.

    Cached per process (16 parts at most, keyed by the file's modification time too), so the
    rounds of :meth:`DaskAssets.nearest` and the tower read do not read a part twice; on a
    cluster each worker keeps its own cache.
    """
    cols = list(dict.fromkeys([*columns, ROW, "geometry"]))
    part = read_part(path, cols, [("asset_type", "in", list(types))])
    return part.to_crs(crs)


@functools.lru_cache(maxsize=16)
def _part_tree(key: tuple, query: tuple[str, ...]) -> tuple[shapely.STRtree, int]:
    part = _load_part(*key)
    geoms = part.geometry.to_numpy()[part["asset_type"].isin(list(query)).to_numpy()]
    return shapely.STRtree(geoms), len(geoms)


def _part_nearest(key: tuple, query: tuple[str, ...], geoms: np.ndarray) -> np.ndarray:
    tree, size = _part_tree(key, query)
    return _nearest_in(tree, geoms) if size else np.full(len(geoms), np.inf)


def _part_assets(key: tuple, query: tuple[str, ...]) -> gpd.GeoDataFrame:
    part = _load_part(*key)
    return part[part["asset_type"].isin(list(query))]


class DaskAssets:
    """Existing assets in a partitioned layer, queried part by part as dask tasks.

    Parameters
    ----------
    layer : PartitionedLayer
        Written by :func:`baseline.partitioned.ingest` with an ``asset_type`` column.
    crs : CRS-like
        The check's metric CRS.
    engine : Engine
    types : sequence of str
        The asset types the check uses: each part is read once, with these rows only.
    """

    def __init__(
        self, layer: PartitionedLayer, crs: Any, engine: Engine, types: Sequence[str]
    ) -> None:
        if "asset_type" not in layer.columns:
            raise BaselineError(
                f"{layer.path}: an assets layer needs a column 'asset_type' "
                "(tower, pole, sensor, duct); ingest a file that has one"
            )
        self.layer = layer
        self.crs = crs
        self.engine = engine
        crs_text = pyproj.CRS.from_user_input(crs).to_string()
        extra = tuple(c for c in SITE_COLUMNS if c in layer.columns)
        wanted = tuple(sorted(types))
        self.keys = [
            (str(path), path.stat().st_mtime_ns, wanted, ("asset_type", *extra), crs_text)
            for path in (layer.path / p.file for p in layer.parts)
        ]
        self.boxes = _metric_boxes(layer, crs)
        self.parts_read = 0

    def __len__(self) -> int:
        return self.layer.rows

    def of_types(self, types: Sequence[str]) -> gpd.GeoDataFrame:
        """The assets of the given types from every part, in source order."""
        import dask

        query = tuple(sorted(types))
        tasks = [dask.delayed(_part_assets)(key, query) for key in self.keys]
        frames = self.engine.compute(tasks)
        self.parts_read += len(tasks)
        frames = [f for f in frames if len(f)]
        if not frames:
            return gpd.GeoDataFrame({"asset_type": []}, geometry=[], crs=self.crs)
        out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=self.crs)
        return out.sort_values(ROW, ignore_index=True).drop(columns=ROW)

    def nearest(self, geoms: np.ndarray, types: Sequence[str]) -> np.ndarray:
        """Distance to the nearest asset of the given types, reading only parts that can hold it.

        Rounds of growing reach (500 m, then four times more each round): a geometry whose
        nearest asset found so far lies within the reach is settled, because any closer asset
        would lie in a part whose box comes within the reach of it, and all those were read.
        """
        import dask

        out = np.full(len(geoms), np.inf)
        if len(geoms) == 0 or len(self.boxes) == 0:
            return out
        query = tuple(sorted(types))
        bounds = shapely.bounds(geoms)
        tree = shapely.STRtree(shapely.box(*self.boxes.T))
        span = np.ptp(np.vstack([self.boxes[:, :2], self.boxes[:, 2:], bounds[:, :2]]), axis=0)
        limit = float(np.hypot(*span)) + 1.0
        todo = np.arange(len(geoms))
        reach = FIRST_REACH_M
        while len(todo):
            b = bounds[todo]
            grown = shapely.box(b[:, 0] - reach, b[:, 1] - reach, b[:, 2] + reach, b[:, 3] + reach)
            g_idx, p_idx = tree.query(grown)
            order = np.argsort(p_idx, kind="stable")
            g_idx, p_idx = g_idx[order], p_idx[order]
            ids, starts = np.unique(p_idx, return_index=True)
            groups = np.split(todo[g_idx], starts[1:]) if len(ids) else []
            tasks = [
                dask.delayed(_part_nearest)(self.keys[k], query, geoms[members])
                for k, members in zip(ids, groups, strict=True)
            ]
            self.parts_read += len(tasks)
            for members, dist in zip(groups, self.engine.compute(tasks), strict=True):
                np.minimum.at(out, members, dist)
            settled = out[todo] <= reach
            if reach >= limit:
                break
            todo = todo[~settled]
            reach *= 4
        return out


class CombinedAssets:
    """Several asset sources answered as one, in the order given (in-memory and partitioned)."""

    def __init__(self, sources: list[LocalAssets | DaskAssets], crs: Any) -> None:
        self.sources = sources
        self.crs = crs

    def __len__(self) -> int:
        return sum(len(s) for s in self.sources)

    def of_types(self, types: Sequence[str]) -> gpd.GeoDataFrame:
        """The assets of the given types from every source, source after source."""
        frames = [f for f in (s.of_types(types) for s in self.sources) if len(f)]
        if not frames:
            return gpd.GeoDataFrame({"asset_type": []}, geometry=[], crs=self.crs)
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=self.crs)

    def nearest(self, geoms: np.ndarray, types: Sequence[str]) -> np.ndarray:
        """Distance to the nearest asset of the given types in any source."""
        out = np.full(len(geoms), np.inf)
        for source in self.sources:
            out = np.minimum(out, source.nearest(geoms, types))
        return out


def asset_index(
    assets: gpd.GeoDataFrame | PartitionedLayer | Sequence | None,
    crs: Any,
    types: set[str],
    engine: Engine | None = None,
) -> CombinedAssets:
    """The check's view of its existing assets, whatever form they come in.

    Parameters
    ----------
    assets : GeoDataFrame, PartitionedLayer, a list of them, or None
        GeoDataFrames (any CRS) are kept in memory. A partitioned layer is read whole by the
        local engine, or part by part as dask tasks by the dask engine, which needs at least
        one (small layers such as the bundled assets may come along in memory).
    crs : CRS-like
        The check's metric CRS.
    types : set of str
        The asset types the check uses; others are never read or projected.
    engine : Engine, optional
        Default local.
    """
    engine = engine or Engine()
    if assets is None:
        items = []
    elif isinstance(assets, gpd.GeoDataFrame | PartitionedLayer):
        items = [assets]
    else:
        items = list(assets)
    wanted = sorted(types)
    if engine.name == "dask" and not any(isinstance(i, PartitionedLayer) for i in items):
        raise BaselineError(
            "the dask engine reads assets from a partitioned layer; create one with "
            "`baseline ingest ASSETS --out DIR` and pass --assets DIR"
        )
    sources: list[LocalAssets | DaskAssets] = []
    for item in items:
        if isinstance(item, PartitionedLayer):
            if engine.name == "dask":
                sources.append(DaskAssets(item, crs, engine, wanted))
                continue
            item = item.frame(filters=[("asset_type", "in", wanted)])
        if item is not None and not item.empty:
            sources.append(LocalAssets(item[item["asset_type"].isin(wanted)].to_crs(crs)))
    return CombinedAssets(sources, crs)


# --------------------------------------------------------------------------------------------
# Gaps


def _gaps_task(path: str, coverage: dict, crs: str, tech, radius_m, region, near: bool):
    from baseline.coverage import coverage_union

    part = read_part(path).drop(columns=ROW)
    return coverage_union(
        part, coverage, crs=crs, tech=tech, radius_m=radius_m, clip=region, count_only=not near
    )


def _reach_m(layer: PartitionedLayer, coverage: dict, tech, radius_m) -> float:
    """Largest footprint radius any site of the layer can have (a safe pruning distance).

    The tallest height comes from the Parquet column statistics, without reading any rows;
    the radius grows with height in every model, and it is doubled for good measure.
    """
    from baseline.coverage import coverage_radius, tech_params

    if radius_m is not None:
        return float(radius_m)
    _, base = tech_params(coverage, tech)
    heights = [float(base["bs_height_m"])]
    if "height_m" in layer.columns:
        heights += _column_max(layer, "height_m")
    return 2 * max(coverage_radius({**base, "bs_height_m": h}) for h in heights)


def _column_max(layer: PartitionedLayer, column: str) -> list[float]:
    import pyarrow.parquet as pq

    out = []
    for p in layer.parts:
        meta = pq.ParquetFile(layer.path / p.file).metadata
        names = [meta.schema.column(i).name for i in range(meta.num_columns)]
        if column not in names:
            continue
        k = names.index(column)
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(k).statistics
            if stats is None or not stats.has_min_max:
                return [float("inf")]  # unknown: read everything
            out.append(float(stats.max))
    return out


def find_gaps(
    sites: gpd.GeoDataFrame | PartitionedLayer,
    area: gpd.GeoDataFrame,
    coverage: dict,
    *,
    tech: str | None = None,
    radius_m: float | None = None,
    engine: Engine | None = None,
):
    """:func:`baseline.coverage.find_gaps` on either engine.

    The dask engine unions the footprints of each part that can reach the area in its own
    task, then unions those unions; parts out of reach only count their sites. The local
    engine reads a partitioned layer whole.
    """
    from baseline import coverage as cov
    from baseline.crs import metric_crs

    engine = engine or Engine()
    if isinstance(sites, PartitionedLayer) and engine.name == "local":
        sites = sites.frame()
    if not isinstance(sites, PartitionedLayer):
        if engine.name == "dask":
            raise BaselineError(
                "the dask engine reads sites from a partitioned layer; create one with "
                "`baseline ingest SITES --out DIR` and pass --sites DIR"
            )
        return cov.find_gaps(sites, area, coverage, tech=tech, radius_m=radius_m)
    import dask

    crs = metric_crs(area)
    region = cov.area_region(area, crs)
    reach = _reach_m(sites, coverage, tech, radius_m)
    boxes = _metric_boxes(sites, crs)
    near = shapely.STRtree(shapely.box(*boxes.T)).query(
        shapely.box(*np.add(region.bounds, [-reach, -reach, reach, reach]))
    )
    crs_text = pyproj.CRS.from_user_input(crs).to_string()
    near = set(near.tolist())
    tasks = [
        dask.delayed(_gaps_task)(
            str(sites.path / p.file), dict(coverage), crs_text, tech, radius_m, region, k in near
        )
        for k, p in enumerate(sites.parts)
    ]
    results = engine.compute(tasks)
    union = shapely.union_all([r[0] for r in results]) if results else shapely.Polygon()
    used = sum(r[1] for r in results)
    skipped = sum(r[2] for r in results)
    return cov.gaps_from_union(
        region, union, used, skipped, cov.merge_radii([r[3] for r in results]), crs
    )


# --------------------------------------------------------------------------------------------
# Co-build


def _match_task(home: int, parts: list[tuple[int, str]], cols, crs: str, params: dict):
    import warnings

    from baseline.cobuild import match_works, prepare_works
    from baseline.errors import DataWarning

    frames, messages = [], []
    for k, path in parts:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            prepared = prepare_works(read_part(path), cols)
        if k == home:
            messages = [str(w.message) for w in caught]
        prepared["_part"] = k
        frames.append(prepared)
    works = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    pairs = match_works(works, crs=pyproj.CRS.from_user_input(crs), home_part=home, **params)
    return pairs, messages


def match_works(
    works: PartitionedLayer, cols, params: dict, engine: Engine | None = None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """:func:`baseline.cobuild.match_works` over a partitioned works layer, part by part.

    Each task matches one part against itself and the later parts whose boxes come within
    the largest buffer of it, and keeps the pairs whose lower part is its own, so every pair
    is found exactly once. Returns the pairs (sorted as the local engine sorts them) and the
    readers' warnings about skipped works.
    """
    import dask

    from baseline.cobuild import require_works_columns
    from baseline.crs import metric_crs

    engine = engine or Engine()
    require_works_columns(works.columns, cols, f"{works.path}: ")
    outline = gpd.GeoSeries(shapely.box(*works.boxes().T), crs=works.crs)
    crs = metric_crs(outline)
    reach = max([params["buffer_m"], *params.get("owner_buffers", {}).values()])
    boxes = shapely.box(*_metric_boxes(works, crs).T)
    tree = shapely.STRtree(boxes)
    paths = [str(works.path / p.file) for p in works.parts]
    crs_text = crs.to_string()
    tasks = []
    for k in range(len(paths)):
        near = tree.query(shapely.buffer(boxes[k], reach, join_style="mitre"))
        members = [(j, paths[j]) for j in sorted(int(j) for j in near if j >= k)]
        tasks.append(dask.delayed(_match_task)(k, members, cols, crs_text, params))
    results = engine.compute(tasks)
    frames = [r[0] for r in results if len(r[0])]
    messages = [m for r in results for m in r[1]]
    if not frames:
        return results[0][0] if results else gpd.GeoDataFrame(), messages
    pairs = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
    return pairs.sort_values(["a", "b"], ignore_index=True), messages
