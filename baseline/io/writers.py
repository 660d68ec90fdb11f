"""Write tables and layers atomically, chosen by the file extension.

Every writer renders into a temporary file beside the target and renames it into place, so a
crash never leaves a half-written output; an existing file is only replaced with
``force=True``. CSV is written with a byte-order mark so Excel shows Chinese text right.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd

from baseline.errors import OutputError

TABLE_FORMATS = (".csv", ".json", ".xlsx", ".html")
LAYER_FORMATS = (".geojson", ".gpkg", ".parquet", ".csv", ".xlsx", ".zip")
SHAPE_FAMILIES = {
    "point": ("Point", "MultiPoint"),
    "line": ("LineString", "MultiLineString"),
    "polygon": ("Polygon", "MultiPolygon"),
}
"""A Shapefile holds one geometry family: a zipped layer has one file per family."""


def _writable(path: str | Path, force: bool) -> Path:
    """``path`` as a Path, once it is known that it may be written (or replaced)."""
    path = Path(path)
    if path.exists() and not force:
        msg = f"{path}: already exists; choose another name or pass --force to replace it"
        raise OutputError(msg)
    if not path.parent.exists():
        msg = f"{path}: folder {path.parent} does not exist; create it first"
        raise OutputError(msg)
    return path


@contextlib.contextmanager
def atomic_path(path: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` when the block succeeds.

    Raises
    ------
    OutputError
        When ``path`` exists and ``force`` is false, or its folder does not exist.
    """
    path = _writable(path, force)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.unlink()
    try:
        yield tmp_path
        tmp_path.replace(path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_dir(path: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; move it onto ``path`` when the block succeeds.

    An existing ``path`` is only replaced with ``force`` and only after the new folder is
    complete, so a failed run leaves the old one as it was.

    Raises
    ------
    OutputError
        When ``path`` exists and ``force`` is false, or its parent folder does not exist.
    """
    path = _writable(path, force)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            path.replace(old)
            tmp.replace(path)
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
        else:
            tmp.replace(path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def _suffix(path: Path, allowed: tuple[str, ...]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        choices = ", ".join(allowed)
        msg = f"{path.name}: '{suffix}' is not a valid output format, must be one of {choices}"
        raise OutputError(msg)
    return suffix


def write_table(
    table: pd.DataFrame,
    path: str | Path,
    *,
    force: bool = False,
    sheets: Mapping[str, pd.DataFrame] | None = None,
    html: Callable[[], str] | None = None,
) -> Path:
    """Write a table as CSV, JSON (records), XLSX (extra ``sheets`` first) or HTML.

    ``html`` renders the HTML text; it is required for ``.html`` outputs.
    """
    path = Path(path)
    suffix = _suffix(path, TABLE_FORMATS)
    if suffix == ".html" and html is None:
        msg = f"{path.name}: this command cannot write HTML; use .csv, .json or .xlsx"
        raise OutputError(msg)
    with atomic_path(path, force=force) as tmp:
        if suffix == ".csv":
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
        elif suffix == ".json":
            tmp.write_text(table.to_json(orient="records", force_ascii=False, indent=1), "utf-8")
        elif suffix == ".xlsx":
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, sheet in (sheets or {}).items():
                    sheet.to_excel(writer, sheet_name=name[:31], index=False)
                table.to_excel(
                    writer, sheet_name="findings" if sheets is None else "rows", index=False
                )
        elif html is not None:  # checked above: .html always comes with a renderer
            tmp.write_text(html(), "utf-8")
    return path


_GBK_FALLBACK = str.maketrans({"²": "2", "³": "3"})


def _encodable(frame: gpd.GeoDataFrame, encoding: str) -> gpd.GeoDataFrame:
    """Text columns that ``encoding`` can hold (m² as m2; any other gap as '?')."""
    if encoding.upper() in ("UTF-8", "UTF8"):
        return frame
    out = frame.copy()
    for col in out.columns:
        if col != out.geometry.name and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: (
                    v.translate(_GBK_FALLBACK).encode(encoding, "replace").decode(encoding)
                    if isinstance(v, str)
                    else v
                )
            )
    return out


def _shapefile_zip(gdf: gpd.GeoDataFrame, path: Path, stem: str, encoding: str) -> None:
    """A zipped Shapefile: one ``stem_family.shp`` per geometry family, text in ``encoding``.

    Field names are cut to the format's 10 characters; geometry collections are split into
    their parts.
    """
    parts = gdf.explode(index_parts=False) if (gdf.geom_type == "GeometryCollection").any() else gdf
    names = {c: str(c)[:10] for c in parts.columns if c != parts.geometry.name}
    parts = _encodable(parts.rename(columns=names), encoding)
    with tempfile.TemporaryDirectory(dir=path.parent) as folder, zipfile.ZipFile(path, "w") as zf:
        for family, types in SHAPE_FAMILIES.items():
            part = parts[parts.geom_type.isin(types)]
            if part.empty:
                continue
            shp = Path(folder) / f"{stem}_{family}.shp"
            part.to_file(shp, engine="pyogrio", encoding=encoding, promote_to_multi=True)
            for f in sorted(Path(folder).glob(f"{stem}_{family}.*")):
                zf.write(f, f.name)


def write_layer(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    force: bool = False,
    layer: str | None = None,
    sheets: Mapping[str, pd.DataFrame] | None = None,
    encoding: str = "UTF-8",
) -> Path:
    """Write a layer as GeoJSON, GeoPackage, GeoParquet, CSV (WKT), XLSX (WKT) or zipped SHP.

    GeoJSON is always written in WGS84 (RFC 7946); other formats keep the layer's CRS.
    ``encoding`` is the text encoding of a zipped Shapefile (``GBK`` for older GIS).
    """
    path = Path(path)
    suffix = _suffix(path, LAYER_FORMATS)
    with atomic_path(path, force=force) as tmp:
        if suffix == ".zip":
            _shapefile_zip(gdf, tmp, layer or path.name.split(".")[0], encoding)
        elif suffix == ".geojson":
            out = gdf.to_crs("EPSG:4326") if gdf.crs is not None else gdf
            tmp.write_text(out.to_json(drop_id=True, ensure_ascii=False), "utf-8")
        elif suffix == ".gpkg":
            gdf.to_file(tmp, driver="GPKG", layer=layer or path.stem, engine="pyogrio")
        elif suffix == ".parquet":
            gdf.to_parquet(tmp)
        else:
            table = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
            table["wkt"] = (
                gdf.to_crs("EPSG:4326").geometry.to_wkt() if gdf.crs else gdf.geometry.to_wkt()
            )
            if suffix == ".csv":
                table.to_csv(tmp, index=False, encoding="utf-8-sig")
            else:
                with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                    for name, sheet in (sheets or {}).items():
                        sheet.to_excel(writer, sheet_name=name[:31], index=False)
                    table.to_excel(writer, sheet_name="rows", index=False)
    return path
