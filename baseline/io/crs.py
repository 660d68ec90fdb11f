"""Coordinate systems: WGS84, the Chinese offset systems GCJ-02 and BD-09, and EPSG codes.

GCJ-02 (AMap/Gaode, Tencent) and BD-09 (Baidu) are not datums that PROJ knows: they are
published obfuscation formulas applied to WGS84 degrees. The forward formulas come from the
``coordTransform`` package (vectorised in C); the inverse directions, which that package only
approximates to a few metres, are solved here by fixed-point iteration on the forward formula
to better than 1e-9 degrees.

Every computation in metres happens in a projected CRS chosen by :func:`metric_crs`:
EPSG:32651 (UTM 51N) for data around Shanghai, else the UTM zone GeoPandas estimates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import coordTransform as _ct  # noqa: N813 (the package's own name)
import geopandas as gpd
import numpy as np
import pyproj
import shapely

from baseline.errors import CRSError, Text

WGS84 = "EPSG:4326"
SHANGHAI_UTM = "EPSG:32651"
OFFSET_SYSTEMS = ("gcj02", "bd09")
CRS_HELP = "declare it with --crs wgs84|gcj02|bd09|EPSG:NNNN"
CRS_HELP_ZH = "请用 --crs 声明：wgs84|gcj02|bd09|EPSG:NNNN"
_ALIASES = {
    "wgs84": "wgs84",
    "wgs-84": "wgs84",
    "epsg:4326": "wgs84",
    "4326": "wgs84",
    "cgcs2000": "EPSG:4490",
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "amap": "gcj02",
    "gaode": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
    "baidu": "bd09",
}
# The bounding box inside which the offset formulas are applied (as the published code does).
CHINA_BOUNDS = (73.66, 3.86, 135.05, 53.55)
_ITERATIONS = 30
_TOLERANCE_DEG = 1e-10


@dataclass(frozen=True)
class CrsSpec:
    """A coordinate system as the user names it.

    Attributes
    ----------
    name : str
        ``"wgs84"``, ``"gcj02"``, ``"bd09"`` or an authority string such as ``"EPSG:32651"``.
    """

    name: str

    @property
    def is_offset(self) -> bool:
        """True for GCJ-02 and BD-09, which hold WGS84-like degrees with an offset."""
        return self.name in OFFSET_SYSTEMS

    @property
    def pyproj_crs(self) -> pyproj.CRS:
        """The PROJ CRS of the stored numbers (WGS84 for the offset systems)."""
        if self.name in ("wgs84", *OFFSET_SYSTEMS):
            return pyproj.CRS.from_user_input(WGS84)
        return pyproj.CRS.from_user_input(self.name)

    def __str__(self) -> str:
        return self.name


def parse_crs(spec: str | CrsSpec | pyproj.CRS) -> CrsSpec:
    """Parse a user's CRS declaration.

    Parameters
    ----------
    spec : str, CrsSpec or pyproj.CRS
        ``wgs84``, ``gcj02``, ``bd09`` (with common aliases such as ``amap`` or ``baidu``),
        or anything PROJ accepts (``EPSG:32651``).

    Returns
    -------
    CrsSpec

    Raises
    ------
    CRSError
        When the text is neither an offset system nor a CRS known to PROJ.

    Examples
    --------
    >>> parse_crs("GCJ-02").name
    'gcj02'
    >>> parse_crs("EPSG:4326").name
    'wgs84'
    """
    if isinstance(spec, CrsSpec):
        return spec
    if isinstance(spec, pyproj.CRS):
        return CrsSpec("wgs84") if spec.equals(WGS84) else CrsSpec(spec.to_string())
    text = str(spec).strip()
    alias = _ALIASES.get(text.lower())
    if alias in ("wgs84", *OFFSET_SYSTEMS):
        return CrsSpec(alias)
    try:
        crs = pyproj.CRS.from_user_input(alias or text)
    except pyproj.exceptions.CRSError:
        msg = (
            f"'{text}' is not a valid CRS, must be one of wgs84, gcj02, bd09 "
            "or an EPSG code such as EPSG:32651"
        )
        zh = f"“{text}”不是有效的坐标参考系，须为 wgs84、gcj02、bd09 或 EPSG 代码（如 EPSG:32651）"
        raise CRSError(msg, zh=zh) from None
    if crs.equals(WGS84):
        return CrsSpec("wgs84")
    return CrsSpec(crs.to_string())


def in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return a boolean mask of points inside the box where the offset formulas apply."""
    west, south, east, north = CHINA_BOUNDS
    return (lon > west) & (lon < east) & (lat > south) & (lat < north)


def _forward(name: str, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    func = getattr(_ct, name)
    out_lon, out_lat = func(np.ascontiguousarray(lon, float), np.ascontiguousarray(lat, float))
    return np.asarray(out_lon, float), np.asarray(out_lat, float)


def wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply the published GCJ-02 formula to WGS84 degrees (unchanged outside China)."""
    return _forward("wgs84_to_gcj02", lon, lat)


def gcj02_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Invert GCJ-02 exactly by fixed-point iteration on the forward formula.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        GCJ-02 degrees.

    Returns
    -------
    tuple of numpy.ndarray
        WGS84 longitude and latitude whose forward transform is within 1e-10 degrees of
        the input (about 0.01 mm).

    Examples
    --------
    >>> import numpy as np
    >>> lon, lat = wgs84_to_gcj02(np.array([121.5]), np.array([31.2]))
    >>> back = gcj02_to_wgs84(lon, lat)
    >>> bool(abs(back[0][0] - 121.5) < 1e-9 and abs(back[1][0] - 31.2) < 1e-9)
    True
    """
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(_ITERATIONS):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon -= dlon
        wlat -= dlat
        if np.all(np.abs(dlon) < _TOLERANCE_DEG) and np.all(np.abs(dlat) < _TOLERANCE_DEG):
            break
    return wlon, wlat


def gcj02_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply Baidu's published BD-09 formula to GCJ-02 degrees."""
    return _forward("gcj02_to_bd09", lon, lat)


def bd09_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Invert BD-09 to GCJ-02 by fixed-point iteration on :func:`gcj02_to_bd09`."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    glon, glat = _forward("bd09_to_gcj02", lon, lat)
    for _ in range(_ITERATIONS):
        blon, blat = gcj02_to_bd09(glon, glat)
        dlon, dlat = blon - lon, blat - lat
        glon -= dlon
        glat -= dlat
        if np.all(np.abs(dlon) < _TOLERANCE_DEG) and np.all(np.abs(dlat) < _TOLERANCE_DEG):
            break
    return glon, glat


def _offset_to_wgs84(name: str, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, ...]:
    if name == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    return gcj02_to_wgs84(lon, lat)


def _wgs84_to_offset(name: str, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, ...]:
    lon, lat = wgs84_to_gcj02(lon, lat)
    if name == "bd09":
        lon, lat = gcj02_to_bd09(lon, lat)
    return lon, lat


def _check_in_china(geoms: gpd.GeoSeries, name: str, source: str) -> None:
    coords = shapely.get_coordinates(geoms.values)
    if len(coords) == 0:
        return
    outside = ~in_china(coords[:, 0], coords[:, 1])
    if outside.any():
        msg = (
            f"{source}: {int(outside.sum())} of {len(coords)} vertices lie outside China, "
            f"but the layer is declared {name}; the {name} offset only exists inside China. "
            "Declare the layer's real CRS (for example --crs wgs84)."
        )
        zh = (
            f"{source}：{len(coords)} 个顶点中有 {int(outside.sum())} 个位于中国境外，但图层声明为 "
            f"{name}；{name} 偏移只存在于中国境内。请声明图层真实的坐标参考系（例如 --crs wgs84）。"
        )
        raise CRSError(msg, zh=zh)


def _apply(
    geoms: gpd.GeoSeries,
    func: Callable[[str, np.ndarray, np.ndarray], tuple[np.ndarray, ...]],
    name: str,
) -> gpd.GeoSeries:
    def transform(xy: np.ndarray) -> np.ndarray:
        lon, lat = func(name, xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    values = shapely.transform(geoms.values, transform, include_z=False)
    return gpd.GeoSeries(values, index=geoms.index, crs=WGS84)


def to_wgs84(
    gdf: gpd.GeoDataFrame, source: str | CrsSpec, *, label: str = "layer"
) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in WGS84 degrees.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer; its own ``crs`` is ignored for the offset systems.
    source : str or CrsSpec
        The system its coordinates are really in.
    label : str
        The file or layer name used in error messages.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame with ``crs`` EPSG:4326.

    Raises
    ------
    CRSError
        When an offset system is declared for coordinates outside China.
    """
    spec = parse_crs(source)
    out = gdf.copy()
    if spec.is_offset:
        _check_in_china(out.geometry, spec.name, label)
        out = out.set_geometry(_apply(out.geometry, _offset_to_wgs84, spec.name))
        return out.set_crs(WGS84, allow_override=True)
    out = out.set_crs(spec.pyproj_crs, allow_override=True)
    return out.to_crs(WGS84)


def from_wgs84(gdf: gpd.GeoDataFrame, target: str | CrsSpec) -> gpd.GeoDataFrame:
    """Return a copy of a WGS84 ``gdf`` in ``target`` (the offset systems stay in degrees)."""
    spec = parse_crs(target)
    out = gdf.to_crs(WGS84) if gdf.crs is not None else gdf.set_crs(WGS84)
    if spec.is_offset:
        _check_in_china(out.geometry, spec.name, "output")
        return out.set_geometry(_apply(out.geometry, _wgs84_to_offset, spec.name))
    return out.to_crs(spec.pyproj_crs)


def convert(
    gdf: gpd.GeoDataFrame, source: str, target: str, *, label: str = "layer"
) -> gpd.GeoDataFrame:
    """Convert ``gdf`` between any two of WGS84, GCJ-02, BD-09 and EPSG systems."""
    return from_wgs84(to_wgs84(gdf, source, label=label), target)


def looks_like_degrees(gdf: gpd.GeoDataFrame) -> bool:
    """True when every coordinate lies within longitude/latitude ranges."""
    if gdf.empty or gdf.geometry.is_empty.all():
        return False
    minx, miny, maxx, maxy = gdf.total_bounds
    return bool(minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90)


def metric_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pyproj.CRS:
    """Choose the projected CRS in which distances and areas of ``gdf`` are computed.

    UTM 51N (EPSG:32651) when the data's centre lies in 120–126°E, 0–84°N (all of
    Shanghai), otherwise the UTM zone GeoPandas estimates from the data (Paris: 31N).
    """
    series = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    if series.crs is not None and series.crs.is_projected:
        return series.crs
    wgs = series.to_crs(WGS84) if series.crs is not None else series.set_crs(WGS84)
    minx, miny, maxx, maxy = wgs.total_bounds
    if not np.isfinite([minx, miny, maxx, maxy]).all():
        return pyproj.CRS.from_user_input(SHANGHAI_UTM)
    if _in_shanghai_zone((minx + maxx) / 2, (miny + maxy) / 2):
        return pyproj.CRS.from_user_input(SHANGHAI_UTM)
    return wgs.estimate_utm_crs()


def _in_shanghai_zone(cx: Any, cy: Any) -> Any:
    """Whether centres (degrees; numbers or arrays) lie where UTM 51N serves (120–126°E, 0–84°N)."""
    return (cx >= 120) & (cx < 126) & (cy >= 0) & (cy < 84)


def metric_crs_each(gdf: gpd.GeoDataFrame) -> list[pyproj.CRS]:
    """:func:`metric_crs` of each row of ``gdf`` on its own, in row order.

    Rows whose centre lies in Shanghai's zone are found in one pass; the others (or a
    projected or CRS-less frame) are judged one by one, as :func:`metric_crs` judges them.
    """
    if gdf.crs is None or gdf.crs.is_projected:
        return [metric_crs(gdf.iloc[[k]]) for k in range(len(gdf))]
    b = gdf.geometry.to_crs(WGS84).bounds
    near = _in_shanghai_zone((b["minx"] + b["maxx"]) / 2, (b["miny"] + b["maxy"]) / 2)
    shanghai = pyproj.CRS.from_user_input(SHANGHAI_UTM)
    return [shanghai if z else metric_crs(gdf.iloc[[k]]) for k, z in enumerate(near)]


AREA_MARGIN_DEG = 1.5  # a half zone of slack: real Shanghai data strays past 3-degree zones


def _likely_cause(spec: CrsSpec, raw_bounds: np.ndarray) -> Text:
    """A sentence guessing why coordinates do not fit ``spec``: degrees, axes or zone."""
    minx, miny, maxx, maxy = raw_bounds
    if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
        return Text(
            "the coordinates look like degrees: declare --crs wgs84 (or gcj02, bd09)",
            "坐标看起来是经纬度：请声明 --crs wgs84（或 gcj02、bd09）",
        )
    if minx > 1_000_000 and maxx < 10_000_000 and miny < 1_000_000:
        return Text(
            "x and y look swapped (northings in x): swap the columns or the axis order",
            "x 与 y 似乎颠倒（x 中是北坐标）：请交换两列或坐标轴顺序",
        )
    if minx >= 10_000_000:
        zone = int(minx // 1_000_000)
        return Text(
            f"the eastings start with a zone number ({zone}): declare the Gauss-Krüger CRS "
            "with the zone prefix (for example EPSG:4528 for zone 40)",
            f"东坐标以带号（{zone}）开头：请声明带带号的高斯-克吕格坐标参考系"
            "（例如第 40 带为 EPSG:4528）",
        )
    return Text(
        "a Gauss-Krüger zone other than the file's, or metres declared for another system: "
        "check the central meridian (EPSG:4549 is 120°E, EPSG:4550 is 123°E)",
        "声明的高斯-克吕格投影带与文件不符，或米制坐标声明成了其他坐标系：请核对中央经线"
        "（EPSG:4549 为 120°E，EPSG:4550 为 123°E）",
    )


def check_plausible(
    wgs84: gpd.GeoDataFrame, spec: CrsSpec, raw_bounds: np.ndarray, label: str
) -> None:
    """Refuse coordinates that are non-finite after transformation or outside the CRS's area.

    Parameters
    ----------
    wgs84 : geopandas.GeoDataFrame
        The layer after transformation to WGS84.
    spec : CrsSpec
        The CRS the layer was read in.
    raw_bounds : numpy.ndarray
        ``total_bounds`` of the coordinates as stored in the file.
    label : str
        The file (and layer) for the message.

    Raises
    ------
    CRSError
        Naming the file, the problem and the likely cause.
    """
    coords = shapely.get_coordinates(wgs84.geometry.values)
    if len(coords) == 0 or spec.is_offset:
        return
    if not np.isfinite(coords).all():
        bad = int((~np.isfinite(coords).all(axis=1)).sum())
        msg = (
            f"{label}: {bad} of {len(coords)} vertices cannot be placed on Earth in {spec} "
            f"(coordinates {np.round(raw_bounds, 1).tolist()}); likely cause: "
            f"{_likely_cause(spec, raw_bounds).en}"
        )
        zh = (
            f"{label}：{len(coords)} 个顶点中有 {bad} 个按 {spec} 无法落在地球上"
            f"（坐标 {np.round(raw_bounds, 1).tolist()}）；可能的原因："
            f"{_likely_cause(spec, raw_bounds).zh}"
        )
        raise CRSError(msg, zh=zh)
    area = spec.pyproj_crs.area_of_use
    if area is None or spec.pyproj_crs.is_geographic:
        return
    west, south, east, north = area.bounds
    m = AREA_MARGIN_DEG
    lon, lat = coords[:, 0], coords[:, 1]
    outside = (lon < west - m) | (lon > east + m) | (lat < south - m) | (lat > north + m)
    if outside.any():
        msg = (
            f"{label}: {int(outside.sum())} of {len(coords)} vertices fall outside the area "
            f"where {spec} is used ({area.name}: {west}–{east}°E, {south}–{north}°N); likely "
            f"cause: {_likely_cause(spec, raw_bounds).en}"
        )
        zh = (
            f"{label}：{len(coords)} 个顶点中有 {int(outside.sum())} 个落在 {spec} 的适用范围之外"
            f"（{area.name}：东经 {west}–{east}°，北纬 {south}–{north}°）；可能的原因："
            f"{_likely_cause(spec, raw_bounds).zh}"
        )
        raise CRSError(msg, zh=zh)
