"""Read CAD drawings (DXF) into a GeoDataFrame, keeping the attributes engineers attach.

GDAL's DXF driver returns geometry and the CAD layer but drops attributes, so drawings are
read with ezdxf. Each entity on model space becomes a row with its CAD layer in column
``Layer`` and attributes taken from

- block attributes (ATTRIB) of a block reference (INSERT), tag -> value, and
- extended data (XDATA) under the application id ``ICT_BASELINE``, as ``key=value`` strings.

Closed polylines become polygons, open ones lines; POINT, CIRCLE and INSERT become points.
Drawings carry no CRS: declare it (usually a projected EPSG code).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon

from baseline.errors import ReadError

XDATA_APPID = "ICT_BASELINE"
_UNICODE_ESCAPE = re.compile(r"\\U\+([0-9A-Fa-f]{4})")
_MIF_ESCAPE = re.compile(r"\\M\+([1-5])([0-9A-Fa-f]{4})")
_PLAIN_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$")
_MIF_CODEPAGES = {"1": "cp932", "2": "cp950", "3": "cp949", "4": "johab", "5": "gb2312"}


def _mif(match: re.Match[str]) -> str:
    try:
        return bytes.fromhex(match[2]).decode(_MIF_CODEPAGES[match[1]])
    except (UnicodeDecodeError, LookupError):
        return match[0]


def decode_cad_text(text: str) -> str:
    r"""Decode the escapes CAD programs write for characters outside a drawing's code page.

    ``\U+7528`` is the Unicode code point U+7528; ``\M+5C3C6`` is the GB2312 bytes C3C6.

    Examples
    --------
    >>> decode_cad_text("\\U+7528\\U+5730\\U+7EA2\\U+7EBF")
    '用地红线'
    """
    if "\\" not in text:
        return text
    text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    return _MIF_ESCAPE.sub(_mif, text)


def _points(entity: Any) -> list[tuple[float, float]]:
    kind = entity.dxftype()
    if kind == "LWPOLYLINE":
        return [(float(x), float(y)) for x, y, *_ in entity.get_points()]
    if kind == "POLYLINE":
        return [(float(v.dxf.location.x), float(v.dxf.location.y)) for v in entity.vertices]
    if kind == "LINE":
        return [(entity.dxf.start.x, entity.dxf.start.y), (entity.dxf.end.x, entity.dxf.end.y)]
    return []


def _geometry(entity: Any) -> Any:
    kind = entity.dxftype()
    if kind in ("POINT",):
        return Point(entity.dxf.location.x, entity.dxf.location.y)
    if kind in ("CIRCLE", "ARC"):
        return Point(entity.dxf.center.x, entity.dxf.center.y)
    if kind == "INSERT":
        return Point(entity.dxf.insert.x, entity.dxf.insert.y)
    pts = _points(entity)
    if len(pts) < 2:
        return None
    closed = bool(getattr(entity, "closed", False) or getattr(entity, "is_closed", False))
    if closed and len(pts) >= 3:
        return Polygon(pts)
    return LineString(pts)


def _parse(value: str) -> Any:
    """A number when the text is a plain number (``00123`` is an id and stays text)."""
    text = value.strip()
    if not _PLAIN_NUMBER.match(text):
        return text
    number = float(text)
    return int(number) if re.fullmatch(r"-?\d+", text) else number


def _attributes(entity: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if entity.dxftype() == "INSERT":
        for att in entity.attribs:
            attrs[decode_cad_text(att.dxf.tag.strip())] = _parse(decode_cad_text(att.dxf.text))
    if entity.has_xdata(XDATA_APPID):
        for code, value in entity.get_xdata(XDATA_APPID):
            if code == 1000 and "=" in str(value):
                key, _, val = str(value).partition("=")
                attrs[decode_cad_text(key.strip())] = _parse(decode_cad_text(val))
    return attrs


def read_dxf(path: Path) -> gpd.GeoDataFrame:
    """Read a DXF drawing's model space into a GeoDataFrame with no CRS.

    Raises
    ------
    ReadError
        When the file is not a readable DXF drawing.
    """
    import ezdxf  # optional cost: 0.3 s to import, paid only when a DXF is read

    try:
        doc = ezdxf.readfile(path)
    # ezdxf raises many types on damaged input (StopIteration, IndexError, ...): all mean
    # "not a readable drawing" here
    except Exception as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        msg = f"{path.name}: could not be read as a DXF drawing ({text}); save it again as DXF"
        zh = f"{path.name}：无法按 DXF 图纸读取（{text}），请重新另存为 DXF"
        raise ReadError(msg, zh=zh) from None
    rows = []
    try:
        for entity in doc.modelspace():
            geom = _geometry(entity)
            if geom is not None:
                rows.append(
                    {
                        "Layer": decode_cad_text(entity.dxf.layer),
                        **_attributes(entity),
                        "geometry": geom,
                    }
                )
    except Exception as exc:
        msg = f"{path.name}: the drawing has damaged entities ({exc}); save it again as DXF"
        zh = f"{path.name}：图纸中有损坏的图元（{exc}），请重新另存为 DXF"
        raise ReadError(msg, zh=zh) from None
    if not rows:
        msg = f"{path.name}: the drawing has no points, lines or polylines in model space"
        raise ReadError(msg, zh=f"{path.name}：图纸模型空间中没有点、直线或多段线")
    return gpd.GeoDataFrame(rows, geometry="geometry")


def write_dxf(gdf: gpd.GeoDataFrame, path: Path, *, layer_col: str = "Layer") -> None:
    """Write a GeoDataFrame as a DXF drawing, attributes as XDATA ``key=value`` strings.

    Polygons become closed LWPOLYLINEs, lines open ones, points POINTs; the CRS is not
    stored (DXF has no place for it). Used to make test drawings and CAD exports.
    """
    import ezdxf  # optional cost: 0.3 s to import, paid only when a DXF is written

    doc = ezdxf.new("R2010")
    doc.appids.add(XDATA_APPID)
    msp = doc.modelspace()
    for _, row in gdf.iterrows():
        layer = str(row[layer_col])
        if layer not in doc.layers:
            doc.layers.add(layer)
        geom = row.geometry
        attribs = {"layer": layer}
        ent: Any
        if geom.geom_type == "Polygon":
            ent = msp.add_lwpolyline(
                list(geom.exterior.coords)[:-1], close=True, dxfattribs=attribs
            )
        elif geom.geom_type == "LineString":
            ent = msp.add_lwpolyline(list(geom.coords), dxfattribs=attribs)
        else:
            ent = msp.add_point((geom.x, geom.y), dxfattribs=attribs)
        pairs = [
            (1000, f"{k}={v}")
            for k, v in row.drop([layer_col, "geometry"]).items()
            if v is not None and str(v) not in ("", "nan", "None", "<NA>")
        ]
        if pairs:
            ent.set_xdata(XDATA_APPID, pairs)
    doc.saveas(path, encoding="utf-8")
