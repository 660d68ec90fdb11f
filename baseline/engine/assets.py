"""The asset index: how the check reaches existing assets, in memory or part by part.

The check asks two questions of a large asset layer: the distance from every project to the
nearest asset of some types, and the assets of some types (the towers that feed the coverage
model). :class:`LocalAssets` answers them from a GeoDataFrame in memory; :class:`DaskAssets`
from a layer partitioned by :mod:`baseline.io.partitioned`, one task per part that can
matter, each reading its GeoParquet part (cached per process). Both give the same numbers: a
part is left out only when its box proves it cannot hold a closer asset, and rows are put
back in source order before anything order-sensitive.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from baseline._memory import without_gc
from baseline.engine.executor import Engine
from baseline.errors import BaselineError
from baseline.io.crs import metric_crs
from baseline.io.partitioned import ROW, PartitionedLayer, read_part
from baseline.spatial import nearest_distance, nearest_in
from baseline.standard.params import SITE_COLUMNS

FIRST_REACH_M = 500.0
PartKey = tuple[str, int, tuple[str, ...], tuple[str, ...], str]
"""A part as the cache knows it: path, modification time, types, columns, CRS."""


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


def metric_boxes(layer: PartitionedLayer, crs: Any) -> np.ndarray:
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


def layer_metric_crs(layer: gpd.GeoDataFrame | PartitionedLayer) -> pyproj.CRS:
    """The metric CRS of a run on ``layer``, in memory or partitioned (from its part boxes)."""
    if isinstance(layer, PartitionedLayer):
        return metric_crs(gpd.GeoSeries(shapely.box(*layer.boxes().T), crs=layer.crs))
    return metric_crs(layer)


@functools.lru_cache(maxsize=16)
@without_gc
def _load_part(
    path: str, stamp: int, types: tuple[str, ...], columns: tuple[str, ...], crs: str
) -> gpd.GeoDataFrame:
    """One part's assets of the check's types in ``crs``.

    Cached per process (16 parts at most, keyed by the file's modification time too), so the
    rounds of :meth:`DaskAssets.nearest` and the tower read do not read a part twice; on a
    cluster each worker keeps its own cache.
    """
    cols = list(dict.fromkeys([*columns, ROW, "geometry"]))
    part = read_part(path, cols, [("asset_type", "in", list(types))])
    return part.to_crs(crs)


@functools.lru_cache(maxsize=16)
def _part_tree(key: PartKey, query: tuple[str, ...]) -> tuple[shapely.STRtree, int]:
    part = _load_part(*key)
    geoms = part.geometry.to_numpy()[part["asset_type"].isin(list(query)).to_numpy()]
    return shapely.STRtree(geoms), len(geoms)


def _part_nearest(key: PartKey, query: tuple[str, ...], geoms: np.ndarray) -> np.ndarray:
    tree, size = _part_tree(key, query)
    return nearest_in(tree, geoms) if size else np.full(len(geoms), np.inf)


def _part_assets(key: PartKey, query: tuple[str, ...]) -> gpd.GeoDataFrame:
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
                "(tower, pole, sensor, duct); ingest a file that has one",
                zh=f"{layer.path}：设施图层需要“asset_type”列（tower 铁塔、pole 杆、sensor 传感器、"
                "duct 管道）；请导入带有该列的文件",
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
        self.boxes = metric_boxes(layer, crs)
        self.parts_read = 0

    def __len__(self) -> int:
        return self.layer.rows

    def of_types(self, types: Sequence[str]) -> gpd.GeoDataFrame:
        """The assets of the given types from every part, in source order."""
        query = tuple(sorted(types))
        frames = self.engine.map(_part_assets, [(key, query) for key in self.keys])
        self.parts_read += len(frames)
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
            calls = [
                (self.keys[k], query, geoms[members])
                for k, members in zip(ids, groups, strict=True)
            ]
            self.parts_read += len(calls)
            for members, dist in zip(groups, self.engine.map(_part_nearest, calls), strict=True):
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
            "`baseline ingest ASSETS --out DIR` and pass --assets DIR",
            zh="dask 引擎从分块图层读取设施；请用 `baseline ingest ASSETS --out DIR` 创建，"
            "再传入 --assets DIR",
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
