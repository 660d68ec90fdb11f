"""Co-build matching over a partitioned works layer, part by part, on any engine."""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from baseline.cobuild.core import match_works, prepare_works, require_works_columns
from baseline.engine.assets import metric_boxes
from baseline.engine.executor import Engine
from baseline.errors import DataWarning
from baseline.io.crs import metric_crs
from baseline.io.partitioned import PartitionedLayer, read_part


def _match_task(home: int, parts: list[tuple[int, str]], cols, crs: str, params: dict):
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


def match_parts(
    works: PartitionedLayer, cols, params: dict, engine: Engine | None = None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """:func:`baseline.cobuild.match_works` over a partitioned works layer, part by part.

    Each task matches one part against itself and the later parts whose boxes come within
    the largest buffer of it, and keeps the pairs whose lower part is its own, so every pair
    is found exactly once. Returns the pairs (sorted as the local engine sorts them) and the
    readers' warnings about skipped works.
    """
    engine = engine or Engine()
    require_works_columns(works.columns, cols, f"{works.path}: ")
    outline = gpd.GeoSeries(shapely.box(*works.boxes().T), crs=works.crs)
    crs = metric_crs(outline)
    reach = max([params["buffer_m"], *params.get("owner_buffers", {}).values()])
    boxes = shapely.box(*metric_boxes(works, crs).T)
    tree = shapely.STRtree(boxes)
    paths = [str(works.path / p.file) for p in works.parts]
    crs_text = crs.to_string()
    tasks = []
    for k in range(len(paths)):
        near = tree.query(shapely.buffer(boxes[k], reach, join_style="mitre"))
        members = [(j, paths[j]) for j in sorted(int(j) for j in near if j >= k)]
        tasks.append((k, members, cols, crs_text, params))
    results = engine.map(_match_task, tasks)
    frames = [r[0] for r in results if len(r[0])]
    messages = [m for r in results for m in r[1]]
    if not frames:
        return results[0][0] if results else gpd.GeoDataFrame(), messages
    pairs = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
    return pairs.sort_values(["a", "b"], ignore_index=True), messages
