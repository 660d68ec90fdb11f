"""A local basemap: an MBTiles package unpacked for the app to serve itself.

An office that holds its district's raster tiles as an MBTiles file (SQLite, the format
MapTiler, QGIS "Generate XYZ tiles" and gdal write) gets streets with no network: the
tiles are unpacked once into a folder under the app's static files and drawn from there.
MBTiles numbers rows from the south (TMS); the folder uses the web's ``{z}/{x}/{y}``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baseline.errors import BaselineError
from baseline.io.writers import atomic_dir
from baseline.maps.webmap import tile_bounds

__all__ = ["TilePackage", "read_mbtiles_metadata", "unpack_mbtiles", "write_mbtiles"]

_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}


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
                raise BaselineError(f"{Path(path).name}: not an MBTiles file (no tiles table)")
            rows = db.execute("SELECT name, value FROM metadata") if "metadata" in tables else []
            return {str(k): str(v) for k, v in rows}
    except sqlite3.DatabaseError as exc:
        raise BaselineError(f"{Path(path).name}: not an MBTiles file ({exc})") from exc


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
        raise BaselineError(f"{path}: the basemap tile package does not exist")
    meta = read_mbtiles_metadata(path)
    ext = _FORMATS.get(meta.get("format", "png").lower())
    if ext is None:
        msg = f"{path.name}: tiles in format '{meta['format']}' cannot be drawn (png, jpg, webp)"
        raise BaselineError(msg)
    stat = path.stat()
    digest = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    name = f"{path.stem}-{digest.hexdigest()[:10]}"
    folder = Path(root) / name
    done = folder / "package.json"
    if done.exists():
        info = json.loads(done.read_text("utf-8"))
    else:
        count, zooms = 0, set()
        cols: dict[int, set[int]] = {}
        rows_seen: dict[int, set[int]] = {}
        folder.parent.mkdir(parents=True, exist_ok=True)
        with (
            atomic_dir(folder, force=True) as tmp,
            sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db,
        ):
            rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
            for z, x, row, data in rows:
                y = (1 << z) - 1 - row
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
    return TilePackage(
        folder=folder,
        name=name,
        ext=ext,
        min_zoom=int(info["min_zoom"]),
        max_zoom=int(info["max_zoom"]),
        bounds=_bounds(meta, info),
        attribution=meta.get("attribution") or meta.get("name") or path.stem,
        count=int(info["count"]),
    )


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
