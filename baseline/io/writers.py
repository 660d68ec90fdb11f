"""Write tables and layers atomically, chosen by the file extension.

Every writer renders into a temporary file beside the target and renames it into place, so a
crash never leaves a half-written output; an existing file is only replaced with
``force=True``. CSV is written with a byte-order mark so Excel shows Chinese text right.
Every CSV and XLSX cell from user text is inert (:mod:`baseline.io.cells`): a leading ``=``,
``+``, ``-``, ``@``, tab or carriage return never becomes a live formula. GeoJSON and
GeoPackage go through GDAL's own drivers; a layer keeps its CRS in every format, and the text
formats (CSV, XLSX, GeoJSON) carry it in a ``crs`` column when it is not WGS84.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyogrio

from baseline.errors import OutputError
from baseline.io.cells import (
    for_excel,
    for_text,
    formula_cells,
    scalars,
    sheet_chunks,
    unique_field_names,
)

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
        raise OutputError(msg, zh=f"{path}：已存在；请换一个名称，或加 --force 替换")
    if not path.parent.is_dir():
        what = "is a file" if path.parent.exists() else "does not exist"
        msg = f"{path}: folder {path.parent} {what}; choose a folder that exists"
        what_zh = "是文件" if path.parent.exists() else "不存在"
        raise OutputError(msg, zh=f"{path}：文件夹 {path.parent} {what_zh}；请选择已存在的文件夹")
    return path


def _temp_beside(path: Path) -> Path:
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent
        )
    except OSError as exc:
        msg = f"{path}: cannot write in folder {path.parent} ({exc.strerror}); choose another"
        zh = f"{path}：无法在文件夹 {path.parent} 中写入（{exc.strerror}）；请换一个文件夹"
        raise OutputError(msg, zh=zh) from None
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.unlink()
    return tmp_path


@contextlib.contextmanager
def atomic_path(path: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` when the block succeeds.

    Raises
    ------
    OutputError
        When ``path`` exists and ``force`` is false, or its folder does not exist.
    """
    path = _writable(path, force)
    tmp_path = _temp_beside(path)
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
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:
        msg = f"{path}: cannot write in folder {path.parent} ({exc.strerror}); choose another"
        zh = f"{path}：无法在文件夹 {path.parent} 中写入（{exc.strerror}）；请换一个文件夹"
        raise OutputError(msg, zh=zh) from None
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
        zh = f"{path.name}：“{suffix}”不是有效的输出格式，须为以下之一：{choices}"
        raise OutputError(msg, zh=zh)
    return suffix


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` as UTF-8 CSV with a BOM, formulas escaped with a leading apostrophe.

    Lines end in CRLF (RFC 4180), so a field holding a carriage return or newline is quoted.
    """
    for_text(table).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _inert(sheet: object, frame: pd.DataFrame) -> None:
    """Make text cells that begin with ``=`` string cells, never formulas."""
    for row, col in formula_cells(frame):
        cell = sheet.cell(row=row + 2, column=col + 1)  # type: ignore[attr-defined]
        cell.value = frame.iat[row, col]
        cell.data_type = "s"


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: Path) -> None:
    """Write each frame on its own sheet (split past Excel's row limit), text inert."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            for title, part in sheet_chunks(frame, name):
                safe = for_excel(part.reset_index(drop=True), title)
                safe.to_excel(writer, sheet_name=title, index=False)
                _inert(writer.sheets[title], safe)


def write_table(
    table: pd.DataFrame,
    path: str | Path,
    *,
    force: bool = False,
    sheets: Mapping[str, pd.DataFrame] | None = None,
    html: Callable[[], str | Iterable[str]] | None = None,
) -> Path:
    """Write a table as CSV, JSON (records), XLSX (extra ``sheets`` first) or HTML.

    ``html`` renders the HTML text, whole or as chunks written as they come (a page of a
    million findings is never held in memory at once); it is required for ``.html`` outputs.
    """
    path = Path(path)
    suffix = _suffix(path, TABLE_FORMATS)
    if suffix == ".html" and html is None:
        msg = f"{path.name}: this command cannot write HTML; use .csv, .json or .xlsx"
        raise OutputError(msg, zh=f"{path.name}：此命令不能写出 HTML；请用 .csv、.json 或 .xlsx")
    with atomic_path(path, force=force) as tmp:
        if suffix == ".csv":
            write_csv(table, tmp)
        elif suffix == ".json":
            text = table.to_json(orient="records", force_ascii=False, indent=1, date_format="iso")
            tmp.write_text(text, "utf-8")
        elif suffix == ".xlsx":
            main = "findings" if sheets is None else "rows"
            write_xlsx({**(sheets or {}), main: table}, tmp)
        elif html is not None:  # checked above: .html always comes with a renderer
            _write_text_chunks(html(), tmp)
    return path


def _write_text_chunks(text: str | Iterable[str], path: Path) -> None:
    """Write ``text`` (a string or its chunks) to ``path`` as UTF-8."""
    with path.open("w", encoding="utf-8", newline="") as out:
        if isinstance(text, str):
            out.write(text)
        else:
            out.writelines(text)


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
    parts = _encodable(scalars(parts).rename(columns=names), encoding)
    with tempfile.TemporaryDirectory(dir=path.parent) as folder, zipfile.ZipFile(path, "w") as zf:
        for family, types in SHAPE_FAMILIES.items():
            part = parts[parts.geom_type.isin(types)]
            if part.empty:
                continue
            shp = Path(folder) / f"{stem}_{family}.shp"
            part.to_file(shp, engine="pyogrio", encoding=encoding, promote_to_multi=True)
            for f in sorted(Path(folder).glob(f"{stem}_{family}.*")):
                zf.write(f, f.name)


def _with_crs_column(table: pd.DataFrame, crs_name: str | None) -> pd.DataFrame:
    if crs_name is None:
        return table
    return table.assign(crs=crs_name)


def _crs_name(gdf: gpd.GeoDataFrame, crs_name: str | None) -> str | None:
    """The name text formats record: the one given, else the layer's CRS unless WGS84."""
    if crs_name is not None:
        return None if crs_name == "wgs84" else crs_name
    if gdf.crs is None or gdf.crs.equals("EPSG:4326"):
        return None
    return gdf.crs.to_string()


def _write_gdal(gdf: gpd.GeoDataFrame, tmp: Path, driver: str, layer: str, where: str) -> None:
    out = unique_field_names(scalars(gdf), where=where)  # lists and arrays as JSON text
    try:
        pyogrio.write_dataframe(out, tmp, driver=driver, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, ValueError) as exc:
        msg = f"{where}: could not be written as {driver} ({exc}); use .gpkg or .parquet"
        zh = f"{where}：无法写成 {driver}（{exc}）；请用 .gpkg 或 .parquet"
        raise OutputError(msg, zh=zh) from None


def _parquet(gdf: gpd.GeoDataFrame, tmp: Path) -> None:
    try:
        gdf.to_parquet(tmp)
    except (ValueError, TypeError, pa.ArrowException):
        scalars(gdf).to_parquet(tmp)  # mixed lists and dicts: as JSON text


def write_layer(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    force: bool = False,
    layer: str | None = None,
    sheets: Mapping[str, pd.DataFrame] | None = None,
    encoding: str = "UTF-8",
    crs_name: str | None = None,
) -> Path:
    """Write a layer as GeoJSON, GeoPackage, GeoParquet, CSV (WKT), XLSX (WKT) or zipped SHP.

    GeoJSON, GeoPackage, GeoParquet and Shapefile keep the layer's CRS; CSV, XLSX and GeoJSON
    say which it is in a ``crs`` column unless it is WGS84; ``crs_name`` names it when the
    numbers are in an offset system (``gcj02``, ``bd09``) that no CRS code describes.
    ``encoding`` is the text encoding of a zipped Shapefile (``GBK`` for older GIS).
    """
    path = Path(path)
    suffix = _suffix(path, LAYER_FORMATS)
    named = _crs_name(gdf, crs_name)
    with atomic_path(path, force=force) as tmp:
        if suffix == ".zip":
            _shapefile_zip(gdf, tmp, layer or path.name.split(".")[0], encoding)
        elif suffix == ".geojson":
            _write_gdal(_with_crs_column(gdf, named), tmp, "GeoJSON", layer or path.stem, path.name)
        elif suffix == ".gpkg":
            _write_gdal(gdf, tmp, "GPKG", layer or path.stem, path.name)
        elif suffix == ".parquet":
            _parquet(gdf, tmp)
        else:
            table = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
            table["wkt"] = gdf.geometry.to_wkt()
            table = _with_crs_column(table, named)
            if suffix == ".csv":
                write_csv(table, tmp)
            else:
                write_xlsx({**(sheets or {}), "rows": table}, tmp)
    return path
