"""A local basemap: an MBTiles or PMTiles package unpacked for the app to serve itself.

An office that holds its district's raster tiles as an MBTiles file (SQLite, the format
MapTiler, QGIS "Generate XYZ tiles" and gdal write) or a PMTiles v3 archive (one file of a
header, directories and tile data, as the ``pmtiles`` tools and Protomaps write) gets
streets with no network: the tiles are unpacked once into a folder under the app's static
files and drawn from there. MBTiles numbers rows from the south (TMS); PMTiles numbers
tiles along a Hilbert curve; the folder uses the web's ``{z}/{x}/{y}``. PMTiles are read
with the ``pmtiles`` package (the ``app`` extra).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baseline.errors import BaselineError
from baseline.io.writers import atomic_dir
from baseline.maps.webmap import tile_bounds

__all__ = [
    "TilePackage",
    "read_mbtiles_metadata",
    "unpack_mbtiles",
    "unpack_package",
    "unpack_pmtiles",
    "write_mbtiles",
    "write_pmtiles",
]

_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
PMTILES_MAGIC = b"PMTiles"
Tiles = Iterator[tuple[int, int, int, bytes]]


@dataclass(frozen=True)
class TilePackage:
    """An unpacked tile package.

    Attributes
    ----------
    folder : Path
        Where the tiles lie as ``{z}/{x}/{y}.{ext}``.
    name : str
        The folder's name: the package's name and a digest of its contents' identity.
    ext : str
        The tile format's suffix (``png``, ``jpg``, ``webp``).
    min_zoom, max_zoom : int
        The zooms the package holds.
    bounds : tuple of float
        West, south, east, north (WGS84), from the metadata or the world.
    attribution : str
        The package's attribution, or its name.
    count : int
        Tiles unpacked.
    """

    folder: Path
    name: str
    ext: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]
    attribution: str
    count: int

    def url(self, base: str) -> str:
        """The Leaflet URL template of the tiles served under ``base``."""
        return f"{base.rstrip('/')}/{self.name}/{{z}}/{{x}}/{{y}}.{self.ext}"


def _missing(path: Path) -> BaselineError:
    return BaselineError(
        f"{path}: the basemap tile package does not exist", zh=f"{path}：底图瓦片包不存在"
    )


def read_mbtiles_metadata(path: Path) -> dict[str, str]:
    """The ``metadata`` table of an MBTiles file as a dict.

    Raises
    ------
    BaselineError
        When the file is not an MBTiles package (no ``tiles`` table).
    """
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if "tiles" not in tables:
                msg = f"{Path(path).name}: not an MBTiles file (no tiles table)"
                zh = f"{Path(path).name}：不是 MBTiles 文件（没有 tiles 表）"
                raise BaselineError(msg, zh=zh)
            rows = db.execute("SELECT name, value FROM metadata") if "metadata" in tables else []
            return {str(k): str(v) for k, v in rows}
    except sqlite3.DatabaseError as exc:
        msg = f"{Path(path).name}: not an MBTiles file ({exc})"
        raise BaselineError(msg, zh=f"{Path(path).name}：不是 MBTiles 文件（{exc}）") from exc


def _bounds(meta: Mapping[str, str], info: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """The package's bounds: its metadata's, else those of its tiles at the deepest zoom."""
    try:
        w, s, e, n = (float(v) for v in meta["bounds"].split(","))
    except (KeyError, ValueError):
        extent = info.get("extent")
        if not extent:
            return (-180.0, -85.0511, 180.0, 85.0511)
        z, x0, y0, x1, y1 = extent
        w, _, _, n = tile_bounds(x0, y0, z)
        _, s, e, _ = tile_bounds(x1, y1, z)
    return (w, s, e, n)


def unpack_package(path: Path, root: Path) -> TilePackage:
    """Unpack an MBTiles or PMTiles package (told apart by its first bytes) under ``root``.

    Raises
    ------
    BaselineError
        When the file is missing or is neither package.
    """
    path = Path(path)
    if not path.is_file():
        raise _missing(path)
    with path.open("rb") as f:
        magic = f.read(len(PMTILES_MAGIC))
    if magic == PMTILES_MAGIC:
        return unpack_pmtiles(path, root)
    return unpack_mbtiles(path, root)


def unpack_mbtiles(path: Path, root: Path) -> TilePackage:
    """Unpack the tiles of ``path`` into a folder under ``root``, once per package.

    The folder is named after the file and a digest of its size and modification time,
    so a changed package is unpacked again and an unchanged one is not. Rows are flipped
    from TMS to the web's XYZ numbering.

    Raises
    ------
    BaselineError
        When the file is missing or is not an MBTiles package.
    """
    path = Path(path)
    if not path.is_file():
        raise _missing(path)
    meta = read_mbtiles_metadata(path)
    ext = _FORMATS.get(meta.get("format", "png").lower())
    if ext is None:
        msg = f"{path.name}: tiles in format '{meta['format']}' cannot be drawn (png, jpg, webp)"
        zh = f"{path.name}：无法绘制“{meta['format']}”格式的瓦片（支持 png、jpg、webp）"
        raise BaselineError(msg, zh=zh)

    def tiles() -> Tiles:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
            for z, x, row, data in rows:
                yield z, x, (1 << z) - 1 - row, data

    folder, info = _unpack(path, root, ext, tiles)
    return TilePackage(
        folder=folder,
        name=folder.name,
        ext=ext,
        min_zoom=int(info["min_zoom"]),
        max_zoom=int(info["max_zoom"]),
        bounds=_bounds(meta, info),
        attribution=meta.get("attribution") or meta.get("name") or path.stem,
        count=int(info["count"]),
    )


def _pmtiles() -> Any:
    """The ``pmtiles`` package's modules, or a message saying how to install it."""
    try:
        from pmtiles import reader, tile, writer
    except ImportError as exc:  # the app extra is not installed
        msg = "PMTiles basemaps need the pmtiles package: pip install 'ict-baseline[app]'"
        zh = "PMTiles 底图需要 pmtiles 软件包：pip install 'ict-baseline[app]'"
        raise BaselineError(msg, zh=zh) from exc
    return reader, tile, writer


def unpack_pmtiles(path: Path, root: Path) -> TilePackage:
    """Unpack the raster tiles of a PMTiles v3 archive into a folder under ``root``, once.

    The header gives the tile format, zooms and bounds, the metadata (JSON) the name and
    attribution; the directories, read by ``pmtiles.reader``, the tiles.

    Raises
    ------
    BaselineError
        When the file is not a PMTiles v3 archive or holds vector tiles.
    """
    path = Path(path)
    reader, tile, _ = _pmtiles()
    with path.open("rb") as f:
        try:
            header = tile.deserialize_header(f.read(127))
        except (tile.MagicNumberNotFound, tile.SpecVersionUnsupported, ValueError) as exc:
            msg = f"{path.name}: not a PMTiles v3 archive ({exc!r})"
            zh = f"{path.name}：不是 PMTiles v3 瓦片包（{exc!r}）"
            raise BaselineError(msg, zh=zh) from exc
        ext = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}.get(header["tile_type"].name)
        if ext is None:
            kind = header["tile_type"].name
            msg = f"{path.name}: {kind} tiles cannot be drawn as a basemap (png, jpg, webp)"
            zh = f"{path.name}：{kind} 瓦片无法作为底图绘制（支持 png、jpg、webp）"
            raise BaselineError(msg, zh=zh)
        source = reader.MmapSource(f)
        meta = reader.Reader(source).metadata()
        gzipped = header["tile_compression"] == tile.Compression.GZIP

        def tiles() -> Tiles:
            for (z, x, y), data in reader.all_tiles(source):
                yield z, x, y, gzip.decompress(data) if gzipped else data

        folder, info = _unpack(path, root, ext, tiles)
    w, s, e, n = (
        float(header[k]) / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7")
    )
    return TilePackage(
        folder=folder,
        name=folder.name,
        ext=ext,
        min_zoom=int(info["min_zoom"]),
        max_zoom=int(info["max_zoom"]),
        bounds=(w, s, e, n) if w < e else _bounds({}, info),  # no bounds in the header
        attribution=str(meta.get("attribution") or meta.get("name") or path.stem),
        count=int(info["count"]),
    )


def _unpack(
    path: Path, root: Path, ext: str, tiles: Callable[[], Tiles]
) -> tuple[Path, dict[str, Any]]:
    """Write ``tiles()`` (web ``z, x, y, data``) as ``{z}/{x}/{y}.{ext}`` under ``root``.

    The folder is named after the file and a digest of its size and modification time,
    so a changed package is unpacked again and an unchanged one is not. Returns the folder
    and what was unpacked (count, zooms, extent at the deepest zoom).
    """
    stat = path.stat()
    digest = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    folder = Path(root) / f"{path.stem}-{digest.hexdigest()[:10]}"
    done = folder / "package.json"
    if done.exists():
        return folder, json.loads(done.read_text("utf-8"))
    count, zooms = 0, set()
    cols: dict[int, set[int]] = {}
    rows_seen: dict[int, set[int]] = {}
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_dir(folder, force=True) as tmp:
        for z, x, y, data in tiles():
            target = tmp / str(z) / str(x)
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{y}.{ext}").write_bytes(data)
            count += 1
            zooms.add(z)
            cols.setdefault(z, set()).add(x)
            rows_seen.setdefault(z, set()).add(y)
        top = max(zooms, default=0)
        info = {
            "count": count,
            "min_zoom": min(zooms, default=0),
            "max_zoom": top,
            "extent": [
                top,
                min(cols[top]),
                min(rows_seen[top]),
                max(cols[top]),
                max(rows_seen[top]),
            ]
            if zooms
            else None,
        }
        (tmp / "package.json").write_text(json.dumps(info), encoding="utf-8")
    return folder, info


def write_mbtiles(
    path: Path, tiles: Mapping[tuple[int, int, int], bytes], metadata: Mapping[str, str]
) -> Path:
    """Write ``tiles`` keyed by web ``(z, x, y)`` into a new MBTiles file at ``path``."""
    path = Path(path)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
            "tile_data BLOB)"
        )
        db.executemany("INSERT INTO metadata VALUES (?, ?)", list(metadata.items()))
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()],
        )
    return path


def write_pmtiles(
    path: Path, tiles: Mapping[tuple[int, int, int], bytes], metadata: Mapping[str, str]
) -> Path:
    """Write raster ``tiles`` keyed by web ``(z, x, y)`` into a new PMTiles v3 archive.

    The tile type is read from ``metadata["format"]`` (``png`` unless given); header
    bounds and centre are those of the tiles. Written with ``pmtiles.writer``.
    """
    path = Path(path)
    _, tile, writer = _pmtiles()
    kind = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}[
        metadata.get("format", "png").lower()
    ]
    by_id = sorted((tile.zxy_to_tileid(z, x, y), data) for (z, x, y), data in tiles.items())
    zooms = [z for z, _, _ in tiles]
    top = max(zooms)
    deepest = [(x, y) for z, x, y in tiles if z == top]
    w, _, _, n = tile_bounds(min(x for x, _ in deepest), min(y for _, y in deepest), top)
    _, s, e, _ = tile_bounds(max(x for x, _ in deepest), max(y for _, y in deepest), top)
    e7 = {"min_lon_e7": w, "min_lat_e7": s, "max_lon_e7": e, "max_lat_e7": n}
    header = {
        "tile_type": tile.TileType[kind],
        "tile_compression": tile.Compression.NONE,
        "min_zoom": min(zooms),
        "max_zoom": top,
        **{k: int(v * 1e7) for k, v in e7.items()},
        "center_zoom": min(zooms),
        "center_lon_e7": int((w + e) / 2 * 1e7),
        "center_lat_e7": int((s + n) / 2 * 1e7),
    }
    with writer.write(str(path)) as out:
        for tile_id, data in by_id:
            out.write_tile(tile_id, data)
        out.finalize(header, dict(metadata))
    return path
