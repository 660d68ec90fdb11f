"""Read any supported file into GeoDataFrames in WGS84.

One entry point, :func:`read_layer` (one layer) and :func:`read_layers` (every layer of a
multi-layer file), for GeoJSON, GeoPackage, Shapefile (loose or zipped; ``.cpg`` honoured,
GBK/GB18030 detected when it is missing), GeoParquet, KML, CSV/XLSX with lon/lat or WKT
columns, and DXF (CAD layer name in column ``Layer``).

The CRS comes from, in order: the user's declaration (``crs=``), the file's own metadata,
a ``crs`` column holding one value. A file with no CRS is refused with a message saying how
to declare one; GeoJSON and KML are WGS84 by their specifications. Data is converted to
WGS84 on read, with :mod:`baseline.io.crs` handling GCJ-02 and BD-09.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import stat
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from baseline import settings
from baseline._memory import without_gc
from baseline.errors import (
    CRSError,
    DataWarning,
    GeometryError,
    ReadError,
    SchemaError,
    UnsafeInputError,
)
from baseline.io.crs import (
    CRS_HELP,
    CRS_HELP_ZH,
    CrsSpec,
    check_plausible,
    looks_like_degrees,
    parse_crs,
    to_wgs84,
)
from baseline.io.dxf import read_dxf
from baseline.io.encoding import (
    cpg_encoding,
    dbf_encoding,
    decode,
    first_bad_record,
    repair_dbf_names,
)
from baseline.io.values import read_numbers

log = logging.getLogger(__name__)

VECTOR_SUFFIXES = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
    ".parquet": "GeoParquet",
    ".geoparquet": "GeoParquet",
    ".kml": "KML",
    ".csv": "CSV",
    ".xlsx": "Excel",
    ".dxf": "DXF",
}
LON_NAMES = ("lon", "lng", "longitude", "long", "x", "经度")
LAT_NAMES = ("lat", "latitude", "y", "纬度")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape")
_WGS84_BY_SPEC = {".geojson", ".json", ".kml"}
_BOMB_RATIO = 200
_KINDS_ZH = {
    "a Shapefile": "Shapefile",
    "a GeoPackage": "GeoPackage",
    "GeoJSON (a FeatureCollection)": "GeoJSON（FeatureCollection）",
}


# --------------------------------------------------------------------------------------------
# Safety checks on files and archives


def _check_file(path: Path) -> None:
    if not path.exists():
        msg = f"{path}: file not found; check the path"
        raise ReadError(msg, zh=f"{path}：找不到该文件，请检查路径")
    if path.is_dir():
        msg = f"{path}: is a folder; pass a file (a zipped Shapefile, a GeoPackage, ...)"
        zh = f"{path}：这是文件夹，请提供文件（Shapefile 压缩包、GeoPackage 等）"
        raise ReadError(msg, zh=zh)
    size = path.stat().st_size
    if size == 0:
        msg = f"{path.name}: the file is empty (0 bytes); export it again from its source"
        raise ReadError(msg, zh=f"{path.name}：文件为空（0 字节），请从原软件重新导出")
    if not path.read_bytes()[:4096].strip():
        msg = f"{path.name}: the file is empty (only spaces); export it again from its source"
        raise ReadError(msg, zh=f"{path.name}：文件为空（只有空白字符），请从原软件重新导出")
    if size > settings.max_upload_bytes:
        msg = (
            f"{path.name}: {size / 1e6:.1f} MB is over the limit of "
            f"{settings.max_upload_bytes / 1e6:.0f} MB; split the file or raise "
            "BASELINE_MAX_UPLOAD_MB"
        )
        zh = (
            f"{path.name}：{size / 1e6:.1f} MB，超过上限 {settings.max_upload_bytes / 1e6:.0f} MB；"
            "请拆分文件，或调高 BASELINE_MAX_UPLOAD_MB"
        )
        raise UnsafeInputError(msg, zh=zh)
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        known = ", ".join(sorted(VECTOR_SUFFIXES))
        msg = f"{path.name}: '{path.suffix}' is not a supported format, must be one of {known}"
        zh = f"{path.name}：不支持“{path.suffix}”格式，须为以下之一：{known}"
        raise ReadError(msg, zh=zh)


def _check_member(info: zipfile.ZipInfo, archive: str) -> None:
    name = info.filename
    parts = Path(name).parts
    if name.startswith(("/", "\\")) or ".." in parts or ":" in name:
        msg = f"{archive}: member '{name}' points outside the archive (zip slip); refused"
        zh = f"{archive}：压缩包内的“{name}”指向压缩包以外（zip slip 路径穿越），已拒绝"
        raise UnsafeInputError(msg, zh=zh)
    if stat.S_ISLNK(info.external_attr >> 16):
        msg = f"{archive}: member '{name}' is a symbolic link; links are refused in uploads"
        zh = f"{archive}：压缩包内的“{name}”是符号链接；上传文件不接受链接"
        raise UnsafeInputError(msg, zh=zh)


def safe_extract(path: Path, target: Path) -> list[Path]:
    """Extract a zip archive after checking it is not hostile.

    Refuses absolute or ``..`` member paths, symbolic links, more than
    ``settings.max_archive_members`` members, and archives expanding past
    ``settings.max_upload_bytes`` or more than 200 times their compressed size.

    Returns
    -------
    list of pathlib.Path
        The extracted files.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        msg = f"{path.name}: not a valid zip archive ({exc}); zip the files again"
        zh = f"{path.name}：不是有效的 zip 压缩包（{exc}），请重新压缩"
        raise ReadError(msg, zh=zh) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > settings.max_archive_members:
            msg = f"{path.name}: {len(infos)} members is over {settings.max_archive_members}"
            zh = (
                f"{path.name}：压缩包内有 {len(infos)} 个文件，"
                f"超过上限 {settings.max_archive_members}"
            )
            raise UnsafeInputError(msg, zh=zh)
        total = sum(i.file_size for i in infos)
        packed = max(sum(i.compress_size for i in infos), 1)
        if total > settings.max_upload_bytes or (
            total > 10_000_000 and total / packed > _BOMB_RATIO
        ):
            msg = (
                f"{path.name}: expands to {total / 1e6:.0f} MB from {packed / 1e6:.2f} MB "
                "(a zip bomb?); refused"
            )
            zh = (
                f"{path.name}：由 {packed / 1e6:.2f} MB 解压后达 {total / 1e6:.0f} MB"
                "（疑为压缩炸弹），已拒绝"
            )
            raise UnsafeInputError(msg, zh=zh)
        out = []
        for info in infos:
            _check_member(info, path.name)
            if info.is_dir():
                continue
            dest = target / info.filename
            dest.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, dest.open("wb") as dst:
                dst.write(src.read(info.file_size + 1)[: info.file_size])
            out.append(dest)
    return out


# --------------------------------------------------------------------------------------------
# Format readers: each returns a GeoDataFrame with whatever CRS the file declares (maybe None)


def _gdal_error(path: Path, exc: Exception, kind: str) -> ReadError:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    msg = f"{path.name}: could not be read as {kind} ({text}); is the file complete?"
    zh = f"{path.name}：无法按 {_KINDS_ZH.get(kind, kind)} 读取（{text}）；文件是否完整？"
    return ReadError(msg, zh=zh)


def _sidecar(shp: Path, suffix: str) -> Path | None:
    return next(
        (p for p in (shp.with_suffix(suffix), shp.with_suffix(suffix.upper())) if p.exists()),
        None,
    )


def _undecodable(path: Path, dbf: bytes, encoding: str | None) -> ReadError:
    tried = encoding or cpg_encoding(path) or "UTF-8"
    row = first_bad_record(dbf, tried)
    where = f"row {row}" if row else "a field name"
    msg = (
        f"{path.name}: {where} holds text that is not {tried}; say the encoding with "
        "--encoding (for example gbk), or fix the .cpg file"
    )
    where_zh = f"第 {row} 行" if row else "某个字段名"
    zh = (
        f"{path.name}：{where_zh}的文字不是 {tried} 编码；请用 --encoding 指明编码"
        "（例如 gbk），或修正 .cpg 文件"
    )
    return ReadError(msg, zh=zh)


def _read_dbf_mended(path: Path, dbf: bytes, enc: str | None) -> gpd.GeoDataFrame:
    """Read a Shapefile whose .dbf field names were cut mid-character, from a mended copy."""
    mended, names = repair_dbf_names(dbf)
    with tempfile.TemporaryDirectory(prefix="baseline-shp-") as tmp:
        copy = Path(tmp) / path.name
        for f in path.parent.glob(f"{path.stem}.*"):
            if f.suffix.lower() != ".dbf":
                shutil.copy(f, Path(tmp) / f.name)
        copy.with_suffix(".dbf").write_bytes(mended)
        gdf = _pyogrio_read(copy, enc)
    msg = (
        f"{path.name}: field name(s) cut in the middle of a character by the 10-byte dBASE "
        f"limit, read as {', '.join(names)}"
    )
    zh = f"{path.name}：字段名被 dBASE 的 10 字节上限从字符中间截断，已读作 {'、'.join(names)}"
    warnings.warn(DataWarning(msg, zh=zh), stacklevel=2)
    gdf.attrs["cut_names"] = names
    return gdf


def _pyogrio_read(path: Path, enc: str | None) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(path, encoding=enc) if enc else pyogrio.read_dataframe(path)


def _read_shapefile(path: Path, encoding: str | None) -> gpd.GeoDataFrame:
    if _sidecar(path, ".shx") is None:
        msg = (
            f"{path.name}: the .shx index file is missing; send the .shp together with its "
            ".shx, .dbf, .prj and .cpg files (zip them together)"
        )
        zh = (
            f"{path.name}：缺少 .shx 索引文件；请将 .shp 与 .shx、.dbf、.prj、.cpg "
            "一起发送（打成一个压缩包）"
        )
        raise ReadError(msg, zh=zh)
    dbf_path = _sidecar(path, ".dbf")
    dbf = dbf_path.read_bytes() if dbf_path else b""
    enc, note = (encoding, None) if encoding else dbf_encoding(dbf, cpg_encoding(path))
    if note:
        msg, zh = f"{path.name}: {note.en}", f"{path.name}：{note.zh}"
        warnings.warn(DataWarning(msg, zh=zh), stacklevel=2)
    try:
        if repair_dbf_names(dbf)[1]:
            return _read_dbf_mended(path, dbf, enc)
        return _pyogrio_read(path, enc)
    except UnicodeDecodeError:
        raise _undecodable(path, dbf, enc) from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _gdal_error(path, exc, "a Shapefile") from None


def _read_zip(path: Path, encoding: str | None, layer: str | None) -> dict[str, gpd.GeoDataFrame]:
    with tempfile.TemporaryDirectory(prefix="baseline-zip-") as tmp:
        files = safe_extract(path, Path(tmp))
        readable = [f for f in files if f.suffix.lower() in set(VECTOR_SUFFIXES) - {".zip"}]
        shps = [f for f in readable if f.suffix.lower() == ".shp"]
        chosen = shps or readable
        if not chosen:
            msg = f"{path.name}: the archive holds no .shp, .gpkg or .geojson file"
            zh = f"{path.name}：压缩包内没有 .shp、.gpkg 或 .geojson 文件"
            raise ReadError(msg, zh=zh)
        out = {}
        for f in chosen:
            try:
                sub = _read_any(f, encoding=encoding, layer=layer)
            except ReadError as exc:
                msg = f"{path.name} (in the archive) {exc}"
                raise type(exc)(msg, zh=f"{path.name}（压缩包内）{exc.zh}") from None
            for name, gdf in sub.items():
                single = len(chosen) == 1 or name == f.stem
                out[name if single else f"{f.stem}:{name}"] = gdf
        return out


def _read_gdal(path: Path, layer: str | None, kind: str) -> dict[str, gpd.GeoDataFrame]:
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise _gdal_error(path, exc, kind) from None
    if layer is not None:
        if layer not in names:
            msg = f"{path.name}: no layer '{layer}'; its layers are {', '.join(names)}"
            zh = f"{path.name}：没有图层“{layer}”；其图层为 {', '.join(names)}"
            raise ReadError(msg, zh=zh)
        names = [layer]
    out = {}
    for name in names:
        try:
            out[name] = pyogrio.read_dataframe(path, layer=name)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise _gdal_error(path, exc, kind) from None
    return out


def _read_geojson(path: Path, encoding: str | None) -> gpd.GeoDataFrame:
    raw = path.read_bytes()
    text = decode(raw, path.name, encoding)
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if not head.startswith(("{", "[")):
        msg = f"{path.name}: is not JSON (it starts with {head[:20]!r}); export it as GeoJSON"
        zh = f"{path.name}：不是 JSON 文件（开头为 {head[:20]!r}），请导出为 GeoJSON"
        raise ReadError(msg, zh=zh)
    plain = not raw.startswith(b"\xef\xbb\xbf") and text.encode("utf-8") == raw
    if head.startswith("["):  # a bare list of features, as DataV and some web tools write
        text, plain = _as_collection(text, path), False
    source: Any = path if plain else io.BytesIO(text.lstrip("\ufeff").encode("utf-8"))
    try:
        gdf = pyogrio.read_dataframe(source)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _gdal_error(path, exc, "GeoJSON (a FeatureCollection)") from None
    return gdf


def _as_collection(text: str, path: Path) -> str:
    """A JSON array of GeoJSON features as a FeatureCollection (else the text as it is)."""
    try:
        items = json.loads(text.lstrip("\ufeff"))
    except ValueError:
        return text  # GDAL names the problem
    if isinstance(items, list) and all(
        isinstance(f, dict) and f.get("type") == "Feature" for f in items
    ):
        return json.dumps({"type": "FeatureCollection", "features": items}, ensure_ascii=False)
    msg = f"{path.name}: is a JSON list, not of GeoJSON features; export it as GeoJSON"
    zh = f"{path.name}：是 JSON 列表，但其元素不是 GeoJSON 要素，请导出为 GeoJSON"
    raise ReadError(msg, zh=zh)


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {str(c).strip().lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _coordinate(df: pd.DataFrame, column: str) -> pd.Series:
    return read_numbers(df[column]).values


def _table_to_gdf(df: pd.DataFrame, path: Path) -> gpd.GeoDataFrame:
    cols = list(df.columns)
    wkt = _find(cols, WKT_NAMES)
    lon, lat = _find(cols, LON_NAMES), _find(cols, LAT_NAMES)
    if wkt is not None:
        try:
            geom = shapely.from_wkt(
                df[wkt].astype("string").fillna("").to_numpy(), on_invalid="raise"
            )
        except shapely.errors.GEOSException as exc:
            msg = f"{path.name}: column '{wkt}' holds text that is not WKT ({exc})"
            zh = f"{path.name}：列“{wkt}”中有不是 WKT 的文字（{exc}）"
            raise ReadError(msg, zh=zh) from None
        return gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=geom)
    if lon is None or lat is None:
        msg = (
            f"{path.name}: no coordinate columns; name them lon and lat (or 经度 and 纬度), "
            "or give geometry as WKT in a column named wkt. "
            f"Columns found: {', '.join(map(str, cols))}"
        )
        zh = (
            f"{path.name}：没有坐标列；请将其命名为 lon 和 lat（或 经度 和 纬度），"
            "或在名为 wkt 的列中以 WKT 给出几何。"
            f"现有列：{', '.join(map(str, cols))}"
        )
        raise SchemaError(msg, zh=zh)
    x, y = _coordinate(df, lon), _coordinate(df, lat)
    missing = (x.isna() | y.isna()).to_numpy()
    if missing.any():
        rows = ", ".join(f"row {i + 1} (line {i + 2})" for i in np.flatnonzero(missing)[:10])
        msg = (
            f"{path.name}: {int(missing.sum())} row(s) have no numeric {lon}/{lat}: {rows}; "
            "fix or remove them"
        )
        rows_zh = "、".join(
            f"第 {i + 1} 行（文件第 {i + 2} 行）" for i in np.flatnonzero(missing)[:10]
        )
        zh = (
            f"{path.name}：{int(missing.sum())} 行的 {lon}/{lat} 不是数值：{rows_zh}；"
            "请修正或删除这些行"
        )
        raise SchemaError(msg, zh=zh)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(x, y))


_PLAIN_NUMBER = r"^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$"


def _numbers_as_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Turn text columns whose every value is a plain number into numbers.

    A column with a leading zero (``00123``) or any other text stays text, exactly as written.
    """
    out = df.copy()
    for col in out.columns:
        text = out[col].dropna().astype(str).str.strip()
        text = text[text != ""]
        if len(text) and text.str.match(_PLAIN_NUMBER).all():
            out[col] = pd.to_numeric(out[col].where(out[col].astype(str).str.strip() != ""))
    return out


def _read_csv(path: Path, encoding: str | None) -> pd.DataFrame:
    text = decode(path.read_bytes(), path.name, encoding).lstrip("\ufeff")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    return _numbers_as_numbers(df)


def _read_table(path: Path, encoding: str | None = None) -> gpd.GeoDataFrame:
    try:
        if path.suffix.lower() == ".xlsx":
            df = pd.read_excel(path, engine="openpyxl")
        else:
            df = _read_csv(path, encoding)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile, pd.errors.ParserError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        msg = f"{path.name}: could not be read as a table ({text}); save it again as CSV or XLSX"
        zh = f"{path.name}：无法按表格读取（{text}），请重新另存为 CSV 或 XLSX"
        raise ReadError(msg, zh=zh) from None
    if df.empty:
        msg = f"{path.name}: the table is empty (a header and no rows); add the rows"
        raise ReadError(msg, zh=f"{path.name}：表格为空（只有表头，没有数据行），请补充数据")
    return _table_to_gdf(df, path)


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    try:
        return gpd.read_parquet(path)
    except (ValueError, OSError, TypeError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        msg = f"{path.name}: could not be read as GeoParquet ({text})"
        raise ReadError(msg, zh=f"{path.name}：无法按 GeoParquet 读取（{text}）") from None


def _read_any(
    path: Path, *, encoding: str | None = None, layer: str | None = None
) -> dict[str, gpd.GeoDataFrame]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path, encoding, layer)
    if suffix == ".shp":
        return {path.stem: _read_shapefile(path, encoding)}
    if suffix in (".geojson", ".json"):
        return {path.stem: _read_geojson(path, encoding)}
    if suffix in (".csv", ".xlsx"):
        return {path.stem: _read_table(path, encoding)}
    if suffix in (".parquet", ".geoparquet"):
        return {path.stem: _read_parquet(path)}
    if suffix == ".gpkg":
        head = path.read_bytes()[:16]
        if not head.startswith(b"SQLite format 3"):
            msg = f"{path.name}: is not a GeoPackage (no SQLite header); export it again"
            zh = f"{path.name}：不是 GeoPackage 文件（没有 SQLite 文件头），请重新导出"
            raise ReadError(msg, zh=zh)
        return _read_gdal(path, layer, "a GeoPackage")
    if suffix == ".dxf":
        return {path.stem: read_dxf(path)}
    return _read_gdal(path, layer, VECTOR_SUFFIXES[suffix])


# --------------------------------------------------------------------------------------------
# CRS and geometry


def _column_crs(gdf: gpd.GeoDataFrame, label: str) -> CrsSpec | None:
    col = _find(list(gdf.columns), ("crs", "坐标系"))
    if col is None:
        return None
    values = gdf[col].dropna().astype(str).unique()
    if len(values) != 1:
        msg = f"{label}: column '{col}' must hold one CRS for the whole file, found {list(values)}"
        zh = f"{label}：列“{col}”须为整个文件给出同一个坐标参考系，实际为 {list(values)}"
        raise CRSError(msg, zh=zh)
    return parse_crs(values[0])


def _refuse_contradiction(own: Any, declared: CrsSpec, path: Path, label: str) -> None:
    """Raise a CRSError when ``declared`` contradicts the CRS the file says it is in."""
    if own is None:
        return
    own_spec = own if isinstance(own, CrsSpec) else parse_crs(own)
    own_crs = own_spec.pyproj_crs
    if own_spec.name == declared.name or own_crs.equals(
        declared.pyproj_crs, ignore_axis_order=True
    ):
        return
    tagged_wgs84 = not isinstance(own, CrsSpec) and own_crs.equals(
        parse_crs("wgs84").pyproj_crs, ignore_axis_order=True
    )
    if tagged_wgs84 and (declared.is_offset or path.suffix.lower() in _WGS84_BY_SPEC):
        return
    shown = own_spec.name if isinstance(own, CrsSpec) else own_crs.to_string()
    msg = (
        f"{label}: the file says its CRS is {shown}, but {declared} was declared for it; "
        "a declared CRS never overrides the file's own: drop the declaration (--crs), or "
        "fix the file's CRS if it is wrong"
    )
    zh = (
        f"{label}：文件自身的坐标参考系为 {shown}，但声明的是 {declared}；声明的坐标参考系"
        "不会覆盖文件自身的：请去掉声明（--crs），或在文件有误时修正其坐标参考系"
    )
    raise CRSError(msg, zh=zh)


def resolve_crs(gdf: gpd.GeoDataFrame, path: Path, declared: str | None, label: str) -> CrsSpec:
    """Decide which CRS a freshly read layer is in, or explain how to declare it.

    A declared CRS says what the file does not: it never overrides a CRS the file declares
    itself (a ``crs`` column, or its metadata), and a contradiction is refused. GeoJSON and
    KML say WGS84 by their spec only, and GCJ-02/BD-09 have no code a file could carry, so
    those may be declared over a file tagged WGS84.
    """
    col = _column_crs(gdf, label)
    if declared:
        spec = parse_crs(declared)
        _refuse_contradiction(col or gdf.crs, spec, path, label)
    elif col is not None:
        spec = col
    elif gdf.crs is not None:
        spec = parse_crs(gdf.crs)
    elif path.suffix.lower() in _WGS84_BY_SPEC:
        spec = CrsSpec("wgs84")
    else:
        kind = "degree-like" if looks_like_degrees(gdf) else "projected"
        msg = (
            f"{label}: the file has no coordinate reference system and its coordinates look "
            f"{kind}; {CRS_HELP} (GCJ-02 for AMap/Gaode, BD-09 for Baidu, EPSG:4547 or similar "
            "for CGCS2000 projected CAD drawings)"
        )
        kind_zh = "像经纬度" if kind == "degree-like" else "像投影坐标"
        zh = (
            f"{label}：文件没有坐标参考系，其坐标看起来{kind_zh}；{CRS_HELP_ZH}"
            "（高德为 GCJ-02，百度为 BD-09，CGCS2000 投影的 CAD 图纸为 EPSG:4547 等）"
        )
        raise CRSError(msg, zh=zh)
    if spec.pyproj_crs.is_geographic and not gdf.empty and not looks_like_degrees(gdf):
        msg = (
            f"{label}: declared {spec} (degrees), but coordinates reach "
            f"{gdf.total_bounds.round(1).tolist()}, which are not degrees; declare the projected "
            "CRS instead, for example --crs EPSG:32651"
        )
        zh = (
            f"{label}：声明为 {spec}（经纬度），但坐标范围达 {gdf.total_bounds.round(1).tolist()}，"
            "不是经纬度；请改为声明投影坐标参考系，例如 --crs EPSG:32651"
        )
        raise CRSError(msg, zh=zh)
    return spec


def _clean_geometry(gdf: gpd.GeoDataFrame, label: str, on_invalid: str) -> gpd.GeoDataFrame:
    if on_invalid not in settings.ON_INVALID_CHOICES:
        choices = ", ".join(settings.ON_INVALID_CHOICES)
        msg = f"'{on_invalid}' is not a valid --on-invalid option, must be one of {choices}"
        raise ValueError(msg)
    gdf = gdf.copy()
    if shapely.has_z(gdf.geometry.values).any() or shapely.has_m(gdf.geometry.values).any():
        gdf = gdf.set_geometry(shapely.force_2d(gdf.geometry.values), crs=gdf.crs)
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    invalid = ~missing & ~gdf.geometry.is_valid
    if not (missing.any() or invalid.any()):
        return gdf
    rows = ", ".join(str(i + 1) for i in np.flatnonzero((missing | invalid).to_numpy())[:10])
    problem = (
        f"{label}: {int(missing.sum())} feature(s) with empty geometry and {int(invalid.sum())} "
        f"with invalid geometry (rows {rows})"
    )
    problem_zh = (
        f"{label}：{int(missing.sum())} 个要素几何为空，{int(invalid.sum())} 个要素几何无效"
        f"（第 {rows} 行）"
    )
    if on_invalid == "raise":
        msg = f"{problem}; repair them in the source, or run with --on-invalid fix (make_valid)"
        zh = f"{problem_zh}；请在源数据中修复，或加 --on-invalid fix（make_valid）运行"
        raise GeometryError(msg, zh=zh)
    if on_invalid == "fix":
        fixed = gdf.geometry.copy()
        fixed[invalid] = shapely.make_valid(gdf.geometry[invalid].values)
        gdf = gdf.set_geometry(fixed)
        msg = f"{problem}: repaired with make_valid, empty ones dropped"
        zh = f"{problem_zh}：无效几何已用 make_valid 修复，空几何已舍弃"
        warnings.warn(DataWarning(msg, zh=zh), stacklevel=2)
    else:
        msg = f"{problem}: empty ones dropped, invalid ones kept"
        zh = f"{problem_zh}：空几何已舍弃，无效几何保留"
        warnings.warn(DataWarning(msg, zh=zh), stacklevel=2)
    return gdf[~missing]


def _label(path: Path, name: str) -> str:
    return path.name if name == path.stem else f"{path.name}:{name}"


def _finish(gdf: Any, path: Path, name: str, crs: str | None, on_invalid: str) -> gpd.GeoDataFrame:
    label = _label(path, name)
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        msg = f"{label}: has no geometry column; is it a spatial layer?"
        raise ReadError(msg, zh=f"{label}：没有几何列；这是空间图层吗？")
    if gdf.empty:
        msg = f"{label}: is empty (no features); export the layer again with its features"
        raise ReadError(msg, zh=f"{label}：图层为空（没有要素），请连同要素重新导出该图层")
    gdf = _clean_geometry(gdf, label, on_invalid)
    spec = resolve_crs(gdf, path, crs, label)
    raw_bounds = gdf.total_bounds
    out = to_wgs84(gdf, spec, label=label)
    check_plausible(out, spec, raw_bounds, label)
    out.attrs.update({"source": str(path), "layer": name, "source_crs": str(spec)})
    out.attrs["cut_names"] = gdf.attrs.get("cut_names", [])
    log.info("Read %s features from %s (CRS %s)", f"{len(out):,}", label, spec)
    return out


def _without_empty(path: Path, layers: dict[str, Any]) -> dict[str, Any]:
    """Drop empty layers of a multi-layer file with a warning; all empty is refused."""
    full = {k: v for k, v in layers.items() if len(v)}
    if not full:
        names = ", ".join(layers)
        msg = f"{path.name}: is empty (no features in {names}); export it again with its features"
        zh = f"{path.name}：文件为空（{names} 中没有要素），请连同要素重新导出"
        raise ReadError(msg, zh=zh)
    if len(full) < len(layers):
        empty = ", ".join(k for k in layers if k not in full)
        msg = f"{path.name}: empty layer(s) skipped: {empty}"
        zh = f"{path.name}：已跳过空图层：{empty}"
        warnings.warn(DataWarning(msg, zh=zh), stacklevel=2)
    return full


@without_gc
def read_layers(
    path: str | Path,
    *,
    crs: str | None = None,
    encoding: str | None = None,
    on_invalid: str | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """Read every layer of a file into WGS84 GeoDataFrames.

    Parameters
    ----------
    path : str or pathlib.Path
        Any supported file; see :data:`VECTOR_SUFFIXES`.
    crs : str, optional
        The CRS the coordinates are in (``wgs84``, ``gcj02``, ``bd09``, ``EPSG:NNNN``) when
        the file does not say; a file that says another CRS is refused.
    encoding : str, optional
        Text encoding of a Shapefile's ``.dbf`` (over its ``.cpg``), a GeoJSON or a CSV;
        detected when omitted (BOM, UTF-8, else GB18030).
    on_invalid : {"raise", "warn", "fix"}, optional
        Invalid-geometry policy; defaults to ``settings.on_invalid``.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        Layer name to layer, each in EPSG:4326, with ``attrs['source_crs']`` set.

    Raises
    ------
    ReadError, CRSError, GeometryError, SchemaError, UnsafeInputError
        With a message naming the file, the problem and the fix.
    """
    path = Path(path)
    _check_file(path)
    policy = on_invalid or settings.on_invalid
    layers = _without_empty(path, _read_any(path, encoding=encoding))
    return {name: _finish(g, path, name, crs, policy) for name, g in layers.items()}


@without_gc
def read_layer(
    path: str | Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    on_invalid: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one layer of a file into a WGS84 GeoDataFrame.

    Parameters are those of :func:`read_layers`, plus ``layer`` to pick one layer of a
    multi-layer file (a GeoPackage with several layers needs it, or use
    :func:`read_layers`).

    Examples
    --------
    >>> from baseline.io.bundled import get_path
    >>> read_layer(get_path("pudong_boundary")).crs.to_epsg()
    4326
    """
    path = Path(path)
    _check_file(path)
    policy = on_invalid or settings.on_invalid
    layers = _read_any(path, encoding=encoding, layer=layer)
    if len(layers) > 1:
        names = ", ".join(layers)
        msg = f"{path.name}: has {len(layers)} layers ({names}); choose one with --layer"
        zh = f"{path.name}：有 {len(layers)} 个图层（{names}），请用 --layer 选择其一"
        raise ReadError(msg, zh=zh)
    name, gdf = next(iter(layers.items()))
    return _finish(gdf, path, name, crs, policy)
