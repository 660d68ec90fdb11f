"""Spatially partitioned GeoParquet: a large layer ingested once, read by the parts that can match.

:func:`ingest` sorts a layer along a Hilbert curve and writes it as a folder of GeoParquet
files of a bounded size, each with a bounding-box covering column and its box in the GeoParquet
metadata (which :func:`dask_geopandas.read_parquet` turns into ``spatial_partitions``), plus
``_partitions.json`` listing every part's box and row count. A join then opens only the parts
whose box can meet the question, and the partitioning is never redone per run.

Rows keep their place in the source as ``_row`` so that any engine can put results back in
the source order, which is what makes the dask engine's results equal the local engine's.

Layout::

    DIR/_partitions.json       format, CRS, source name and hash, row count, parts
    DIR/part-00000.parquet     rows of the first stretch of the Hilbert curve
    ...
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from baseline._memory import without_gc
from baseline.errors import ReadError
from baseline.io.writers import atomic_dir

FORMAT = "ict-baseline-partitioned/1"
INDEX = "_partitions.json"
ROW = "_row"
Filters = list[tuple[str, str, Any]] | None
"""A pyarrow row filter: ``[("asset_type", "in", ["tower"])]``."""


@dataclass(frozen=True)
class Part:
    """One file of a partitioned layer: its name, row count and bounding box (minx..maxy)."""

    file: str
    rows: int
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class PartitionedLayer:
    """A layer ingested by :func:`ingest`, opened with :func:`open_partitioned`.

    Attributes
    ----------
    path : Path
        The folder.
    crs : str
        CRS of the stored geometries (WGS84 for everything the readers produce).
    rows : int
    parts : tuple of Part
    source, source_sha256 : str
        The file it was ingested from and its hash (first 16 hex digits per MB sampled).
    columns : tuple of str
    """

    path: Path
    crs: str
    rows: int
    parts: tuple[Part, ...]
    source: str
    source_sha256: str
    columns: tuple[str, ...]

    def boxes(self) -> np.ndarray:
        """Bounding boxes of the parts, shape (n_parts, 4)."""
        return np.array([p.bbox for p in self.parts], dtype=float).reshape(-1, 4)

    def read(
        self, index: int, columns: Sequence[str] | None = None, filters: Filters = None
    ) -> gpd.GeoDataFrame:
        """Read one part (optionally some columns and a pyarrow row filter)."""
        cols = None if columns is None else list(dict.fromkeys([*columns, ROW, "geometry"]))
        return read_part(self.path / self.parts[index].file, cols, filters)

    def frame(self, filters: Filters = None) -> gpd.GeoDataFrame:
        """The whole layer as it was ingested: source order, no ``_row`` column."""
        return self.read_all(filters=filters).drop(columns=ROW)

    def read_all(
        self, columns: Sequence[str] | None = None, filters: Filters = None
    ) -> gpd.GeoDataFrame:
        """Every part, back in source order (for small layers and tests)."""
        frames = [self.read(i, columns, filters) for i in range(len(self.parts))]
        out = pd.concat(frames, ignore_index=True) if frames else gpd.GeoDataFrame()
        return gpd.GeoDataFrame(out, crs=self.crs).sort_values(ROW, ignore_index=True)


def read_part(
    path: str | Path, columns: list[str] | None = None, filters: Filters = None
) -> gpd.GeoDataFrame:
    """Read one part file; a damaged or foreign file gives a ReadError naming it and the fix."""
    try:
        return gpd.read_parquet(path, columns=columns, filters=filters)
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ReadError(
            f"{path}: cannot read this part of a partitioned layer ({first}); "
            "ingest the source again with `baseline ingest SRC --out DIR --force`",
            zh=f"{path}：无法读取分块图层的这一块（{first}）；请用 "
            "`baseline ingest SRC --out DIR --force` 重新导入源数据",
        ) from None


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Columns:
    """A layer taken apart once, in source order, for writing parts of it as GeoParquet.

    Encoding geometries to WKB and measuring their boxes in source order, then picking rows
    for each part, is several times faster on millions of rows than encoding the rows
    after reordering them: the geometries are then visited all over memory (10,000,000
    points: 48 s before, measured).
    """

    attributes: pa.Table
    wkb: pa.Array
    bounds: np.ndarray
    types: np.ndarray
    crs: dict

    @classmethod
    def of(cls, gdf: gpd.GeoDataFrame) -> _Columns:
        geoms = gdf.geometry.to_numpy()
        table = pa.Table.from_pandas(
            pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), preserve_index=False
        )
        return cls(
            attributes=table.replace_schema_metadata(None),
            wkb=pa.array(shapely.to_wkb(geoms, flavor="iso"), pa.binary()),
            bounds=shapely.bounds(geoms),
            types=shapely.get_type_id(geoms),
            crs=gdf.crs.to_json_dict(),
        )

    def write(self, rows: np.ndarray, path: Path) -> Part:
        """Write the given rows as one GeoParquet 1.1 file with a bbox covering column."""
        b = self.bounds[rows]
        box = [float("nan")] * 4
        if len(rows):
            box = [float(v) for v in (*np.nanmin(b[:, :2], axis=0), *np.nanmax(b[:, 2:], axis=0))]
        bbox = pa.StructArray.from_arrays(
            [pa.array(b[:, i]) for i in range(4)], names=["xmin", "ymin", "xmax", "ymax"]
        )
        take = pa.array(rows, pa.int64())
        picked = self.attributes.take(take) if self.attributes.num_columns else None
        columns = {name: picked.column(name) for name in picked.column_names} if picked else {}
        table = pa.table({**columns, ROW: take, "geometry": self.wkb.take(take), "bbox": bbox})
        names = sorted({_TYPE_NAMES[t] for t in np.unique(self.types[rows]) if t in _TYPE_NAMES})
        geo = {
            "version": "1.1.0",
            "primary_column": "geometry",
            "columns": {
                "geometry": {
                    "encoding": "WKB",
                    "geometry_types": names,
                    "crs": self.crs,
                    "bbox": box,
                    "covering": {
                        "bbox": {k: ["bbox", k] for k in ("xmin", "ymin", "xmax", "ymax")}
                    },
                }
            },
        }
        table = table.replace_schema_metadata({"geo": json.dumps(geo)})
        pq.write_table(table, path)
        x0, y0, x1, y1 = (float(v) for v in box)
        return Part(path.name, len(rows), (x0, y0, x1, y1))


_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def hilbert_order(gdf: gpd.GeoDataFrame, level: int = 16) -> np.ndarray:
    """Row order along a Hilbert curve over the layer's bounds (stable for equal keys)."""
    key = gdf.geometry.hilbert_distance(total_bounds=gdf.total_bounds, level=level).to_numpy()
    return np.argsort(key, kind="stable")


@without_gc
def ingest(
    gdf: gpd.GeoDataFrame,
    out: Path,
    *,
    rows_per_part: int = 250_000,
    source: Path | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PartitionedLayer:
    """Write ``gdf`` as a Hilbert-partitioned GeoParquet folder and return it opened.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer, with a CRS; empty and missing geometries are refused by the readers first.
    out : Path
        The folder to create. It is written under a temporary name and renamed at the end,
        so a failed run leaves nothing behind; an existing folder needs ``force``.
    rows_per_part : int
        Rows per file; the last part may be shorter.
    source : Path, optional
        The file ``gdf`` was read from, recorded with its hash.
    force : bool
        Replace an existing folder.
    progress : callable, optional
        Called as ``progress(done, total)`` after each part.

    Returns
    -------
    PartitionedLayer
    """
    if gdf.crs is None:
        msg = f"{out}: the layer has no CRS; read it with --crs first"
        raise ReadError(msg, zh=f"{out}：图层没有坐标参考系；请先用 --crs 读取")
    if rows_per_part < 1:
        raise ValueError("rows_per_part must be at least 1")
    if len(gdf) == 0:
        msg = f"{source or out}: the layer has no features; there is nothing to ingest"
        raise ReadError(msg, zh=f"{source or out}：图层没有要素，无可导入")
    order = hilbert_order(gdf)
    columns = _Columns.of(gdf)
    n_parts = max(1, -(-len(gdf) // rows_per_part))
    parts = []
    with atomic_dir(Path(out), force=force) as tmp:
        for k in range(n_parts):
            rows = order[k * rows_per_part : (k + 1) * rows_per_part]
            name = f"part-{k:05d}.parquet"
            parts.append(columns.write(rows, tmp / name))
            if progress:
                progress(k + 1, n_parts)
        index = {
            "format": FORMAT,
            "crs": gdf.crs.to_string(),
            "rows": len(gdf),
            "rows_per_part": rows_per_part,
            "order": "hilbert level 16 over the layer's bounds",
            "source": source.name if source else "",
            "source_sha256": _file_hash(source) if source and source.is_file() else "",
            "columns": [*columns.attributes.column_names, ROW],
            "parts": [{"file": p.file, "rows": p.rows, "bbox": list(p.bbox)} for p in parts],
        }
        (tmp / INDEX).write_text(json.dumps(index, indent=1), encoding="utf-8")
    return open_partitioned(Path(out))


def is_partitioned(path: Path) -> bool:
    """True when ``path`` is a folder written by :func:`ingest`."""
    return Path(path).is_dir() and (Path(path) / INDEX).is_file()


def open_partitioned(path: Path) -> PartitionedLayer:
    """Open a folder written by :func:`ingest`; a clear error when it is not one."""
    path = Path(path)
    index_file = path / INDEX
    if not index_file.is_file():
        raise ReadError(
            f"{path}: not a partitioned layer (no {INDEX}); "
            f"create one with `baseline ingest FILE --out {path}`",
            zh=f"{path}：不是分块图层（没有 {INDEX}）；"
            f"请用 `baseline ingest FILE --out {path}` 创建",
        )
    try:
        meta = json.loads(index_file.read_text(encoding="utf-8"))
        parts = tuple(Part(p["file"], int(p["rows"]), tuple(p["bbox"])) for p in meta["parts"])
        ok = meta.get("format") == FORMAT
    except (ValueError, KeyError, TypeError) as err:
        msg = f"{index_file}: unreadable index ({err}); ingest again"
        raise ReadError(msg, zh=f"{index_file}：索引无法读取（{err}）；请重新导入") from err
    if not ok:
        msg = f"{index_file}: format {meta.get('format')!r}, expected {FORMAT!r}"
        zh = f"{index_file}：格式为 {meta.get('format')!r}，应为 {FORMAT!r}"
        raise ReadError(msg, zh=zh)
    missing = [p.file for p in parts if not (path / p.file).is_file()]
    if missing:
        msg = f"{path}: {len(missing)} part file(s) missing ({missing[0]}); ingest again"
        zh = f"{path}：缺少 {len(missing)} 个分块文件（{missing[0]}）；请重新导入"
        raise ReadError(msg, zh=zh)
    return PartitionedLayer(
        path=path,
        crs=meta["crs"],
        rows=int(meta["rows"]),
        parts=parts,
        source=meta.get("source", ""),
        source_sha256=meta.get("source_sha256", ""),
        columns=tuple(meta.get("columns", [])),
    )
