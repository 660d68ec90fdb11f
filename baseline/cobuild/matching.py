"""Shared-trench matching over works in parts, on any engine: one body for every input.

A GeoDataFrame of works is one part; a partitioned layer (from
:func:`baseline.io.partitioned.ingest`) is its parts. Each task reads and prepares its part
and the later parts whose boxes come within the largest buffer of it, matches them with
:func:`baseline.cobuild.core.match_works` and keeps the pairs whose lower part is its own, so
every pair is found exactly once.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any, TypeAlias

import geopandas as gpd
import pandas as pd
import shapely

from baseline.cobuild.core import WorksColumns, match_works, prepare_works, require_works_columns
from baseline.cobuild.options import MatchParams
from baseline.engine.assets import layer_metric_crs, metric_boxes
from baseline.engine.executor import Engine
from baseline.errors import DataWarning, Note, data_notes
from baseline.io.partitioned import PartitionedLayer, read_part

Part: TypeAlias = gpd.GeoDataFrame | str
"""One part of the works: a GeoDataFrame, or the path of a GeoParquet part."""


def _prepared(
    part: Part, cols: WorksColumns, utilities: tuple[str, ...] | None
) -> tuple[gpd.GeoDataFrame, list[Note]]:
    """A part's works prepared, and the reader's warnings about the works it skipped."""
    frame = read_part(part) if isinstance(part, str) else part
    if isinstance(part, str):
        frame.attrs["source"] = part
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        prepared = prepare_works(frame, cols, utilities)
    return prepared, data_notes(caught)


def _match_task(
    home: int,
    parts: list[tuple[int, Part]],
    cols: WorksColumns,
    crs: Any,
    params: MatchParams,
    utilities: tuple[str, ...] | None,
) -> tuple[gpd.GeoDataFrame, list[Note]]:
    """Pairs whose lower part is ``home``, and the warnings of ``home``'s own part."""
    frames, messages = [], []
    kwargs = dataclasses.asdict(params)
    for k, part in parts:
        prepared, caught = _prepared(part, cols, utilities)
        if k == home:
            messages = caught
        prepared["_part"] = k
        frames.append(prepared)
    works = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    return match_works(works, crs=crs, home_part=home, **kwargs), messages


def _calls(
    works: gpd.GeoDataFrame | PartitionedLayer,
    cols: WorksColumns,
    params: MatchParams,
    crs: Any,
    utilities: tuple[str, ...] | None,
) -> list[tuple[Any, ...]]:
    """One task per part: the part, and the later parts within reach of it."""
    if isinstance(works, gpd.GeoDataFrame):
        return [(0, [(0, works)], cols, crs, params, utilities)]
    boxes = shapely.box(*metric_boxes(works, crs).T)
    tree = shapely.STRtree(boxes)
    paths = [str(works.path / p.file) for p in works.parts]
    calls: list[tuple[Any, ...]] = []
    for k in range(len(paths)):
        near = tree.query(shapely.buffer(boxes[k], params.reach_m, join_style="mitre"))
        members = [(j, paths[j]) for j in sorted(int(j) for j in near if j >= k)]
        calls.append((k, members, cols, crs, params, utilities))
    return calls


def find_pairs(
    works: gpd.GeoDataFrame | PartitionedLayer,
    params: MatchParams,
    *,
    cols: WorksColumns | None = None,
    engine: Engine | None = None,
    crs: Any = None,
    utilities: tuple[str, ...] | None = None,
) -> tuple[gpd.GeoDataFrame, list[Note]]:
    """Pairs of works whose zones meet in space and time, from works in memory or in parts.

    Parameters
    ----------
    works : geopandas.GeoDataFrame or PartitionedLayer
        Raw works (any CRS) with the columns named by ``cols``.
    params : MatchParams
    cols : WorksColumns, optional
        Default the interchange names (``project_id``, ``start_date``, ...).
    engine : Engine, optional
        Default local (this process).
    crs : CRS-like, optional
        The run's metric CRS; default chosen from ``works``.
    utilities : tuple of str, optional
        The known values of a ``utility`` column: others, and negative ``width_m``, are
        refused (SchemaError). Default not checked.

    Returns
    -------
    (geopandas.GeoDataFrame, list of Note)
        The pairs as :func:`baseline.cobuild.core.match_works` gives them (sorted by ``a``,
        ``b``, in ``crs``) and the readers' warnings about skipped works.
    """
    engine = engine or Engine()
    cols = cols or WorksColumns()
    if isinstance(works, PartitionedLayer):
        require_works_columns(works.columns, cols, f"{works.path}: ")
    crs = crs or layer_metric_crs(works)
    results = engine.map(_match_task, _calls(works, cols, params, crs, utilities))
    messages = [m for r in results for m in r[1]]
    frames = [r[0] for r in results if len(r[0])]
    if len(results) == 1 or not frames:
        return (results[0][0] if results else gpd.GeoDataFrame()), messages
    pairs = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
    return pairs.sort_values(["a", "b"], ignore_index=True), messages
