"""Works zones: the area a work occupies, and the line along which it digs.

A line work is buffered by its ``width_m`` (half each side, flat ends) into its zone; a work
without a width takes its utility's width from the catalogue (``cobuild.work_width_m``). A
polygon work is its own zone; a point work is a disc of the width. Heavy and light are graded
on zones (Flanders' GIPOD): heavy when two zones overlap with no buffer and the periods overlap,
light when they meet only through the matching buffer.

The dig line of a work is what its trench follows: a line work's own line, the long axis of a
polygon work's minimum rotated rectangle, or (in a site plan) the ducts a plot lays. Shared
lengths are measured on dig lines (:mod:`baseline.cobuild.stretch`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely

from baseline.errors import SchemaError, Text, joined

_LINES = (1, 5)  # shapely type ids of LineString, MultiLineString
_POLYGONS = (3, 6)


def widths(utility: np.ndarray, width: np.ndarray, cob_widths: dict[str, float]) -> np.ndarray:
    """Each work's zone width: its own ``width_m``, else its utility's, else the default."""
    default = float(cob_widths.get("default", 0.0))
    by_utility = np.array([float(cob_widths.get(str(u), default)) for u in utility])
    return np.where(np.isnan(width), by_utility, width) if len(width) else by_utility


def zones(geoms: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Works zones: lines buffered by half their width with flat ends; polygons as they are."""
    kind = shapely.get_type_id(geoms)
    out = geoms.copy()
    lines = np.isin(kind, _LINES) & (width > 0)
    if lines.any():
        out[lines] = shapely.buffer(geoms[lines], width[lines] / 2, cap_style="flat")
    points = ~np.isin(kind, _LINES + _POLYGONS) & (width > 0)
    if points.any():
        out[points] = shapely.buffer(geoms[points], width[points] / 2)
    return out


def long_axis(polys: np.ndarray) -> np.ndarray:
    """The long centre line of each polygon's minimum rotated rectangle."""
    out = np.empty(len(polys), dtype=object)
    for k, rect in enumerate(shapely.oriented_envelope(polys)):
        if rect is None or rect.geom_type != "Polygon" or rect.is_empty:
            out[k] = rect
            continue
        c = np.asarray(rect.exterior.coords)[:4]
        sides = np.hypot(*(np.roll(c, -1, axis=0) - c).T)
        i = int(np.argmax(sides[:2]))  # sides 0 and 2 are parallel, as are 1 and 3
        short_a = (c[(i + 1) % 4] + c[(i + 2) % 4]) / 2
        short_b = (c[(i + 3) % 4] + c[i % 4]) / 2
        out[k] = shapely.LineString([short_b, short_a])
    return out


def dig_lines(geoms: np.ndarray, dig: np.ndarray | None = None) -> np.ndarray:
    """The line each work digs along: ``dig`` where given, else its line or polygon axis."""
    out = geoms.copy()
    poly = np.isin(shapely.get_type_id(geoms), _POLYGONS)
    if poly.any():
        out[poly] = long_axis(geoms[poly])
    if dig is not None:
        given = ~pd.isna(dig)
        out[given] = dig[given]
    return out


def _rows(mask: pd.Series, ids: pd.Series) -> str:
    shown = ", ".join(map(str, ids[mask].head(8)))
    return f"{int(mask.sum())} row(s) ({shown}{', ...' if mask.sum() > 8 else ''})"


def check_values(frame: pd.DataFrame, ids: pd.Series, utilities: Sequence[str], label: str) -> None:
    """Refuse unknown ``utility`` values and negative ``width_m``, all in one message.

    Raises
    ------
    SchemaError
        Naming the file, the rows and the fix.
    """
    problems: list[Text] = []
    if "utility" in frame:
        given = frame["utility"].astype("string").str.strip().fillna("")
        unknown = (given != "") & ~given.isin(list(utilities))
        if unknown.any():
            values = ", ".join(sorted(set(given[unknown])))
            rows = _rows(unknown, ids)
            problems.append(
                Text(
                    f"unknown utility {values} in {rows}: use one of {', '.join(utilities)} "
                    "(or add it to the catalogue's cobuild.utilities)",
                    f"{rows} 中的管线类别 {values} 未知：请用 {', '.join(utilities)} 之一"
                    "（或将其加入标准目录的 cobuild.utilities）",
                )
            )
    if "width_m" in frame:
        width = pd.to_numeric(frame["width_m"], errors="coerce")
        bad = width < 0
        if bad.any():
            rows = _rows(bad, ids)
            problems.append(
                Text(
                    f"negative width_m in {rows}: give the works zone's width in metres "
                    "(>= 0), or leave it empty for the utility's default",
                    f"{rows} 中的 width_m 为负值：请以米为单位给出施工区宽度（>= 0），"
                    "或留空以采用该管线类别的默认值",
                )
            )
    if problems:
        both = joined(problems)
        raise SchemaError(f"{label}: {both.en}", zh=f"{label}：{both.zh}")
