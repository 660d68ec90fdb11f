"""Validation of attribute values that lists every problem of a layer at once.

Ids (present, unique, text as written), numbers (readable, within the catalogue's
``plausible_values``), dates (readable, day/month order clear, end not before start),
columns (two that map to one field, an option that contradicts a column). Each check returns
sentences naming the file, the column and the 1-based rows; the callers raise one
:class:`~baseline.errors.SchemaError` with all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd

from baseline.errors import SchemaError, Text
from baseline.io.values import describe, read_dates, read_ids, read_numbers
from baseline.standard.catalogue import Standard
from baseline.standard.inputs import NO_BOUND, Bound, asset_lookup


def rows_text(positions: Sequence[int], limit: int = 10) -> Text:
    """``rows 1, 4, 9`` (1-based) with ``and N more`` past ``limit``; ``第 1、4、9 行``."""
    shown = ", ".join(str(p + 1) for p in positions[:limit])
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    more_zh = f"等（另有 {len(positions) - limit} 行）" if len(positions) > limit else ""
    return Text(
        f"row{'s' if len(positions) > 1 else ''} {shown}{more}",
        f"第 {shown.replace(', ', '、')} 行{more_zh}",
    )


def id_problems(values: pd.Series, *, where: str, column: str) -> list[Text]:
    """Missing and duplicate ids, with their rows."""
    ids = read_ids(values).reset_index(drop=True)
    problems = []
    missing = ids.isna().to_numpy().nonzero()[0]
    if len(missing):
        rows = rows_text(list(missing))
        problems.append(
            Text(
                f"{where}: column '{column}': no id on {rows.en}",
                f"{where}：列“{column}”：{rows.zh}没有编号",
            )
        )
    dup = ids[ids.duplicated(keep=False) & ids.notna()]
    for value, group in list(dup.groupby(dup, sort=True))[:10]:
        rows = rows_text(list(group.index))
        problems.append(
            Text(
                f"{where}: column '{column}': id '{value}' is on {rows.en}; ids must be unique",
                f"{where}：列“{column}”：编号“{value}”出现在{rows.zh}；编号必须唯一",
            )
        )
    return problems


def number_problems(
    values: pd.Series, bounds: Mapping[str, Bound], *, where: str, column: str
) -> list[Text]:
    """Values that are not numbers, and numbers outside the column's plausible range.

    Parameters
    ----------
    values : pandas.Series
        The column as read.
    bounds : mapping of str to Bound
        The catalogue's ``plausible_values`` (:attr:`Standard.plausible_values`); a column
        without a bound is only read.
    where, column : str
        The file and the column, for messages.
    """
    reading = read_numbers(values.reset_index(drop=True))
    problems: list[Text] = []
    if reading.problems:
        problems.append(describe(reading.problems, where=where, column=column))
    bound = bounds.get(column)
    low, high = (bound.min, bound.max) if bound else NO_BOUND
    out = reading.values[(reading.values < low) | (reading.values > high)]
    if len(out):
        found = ", ".join(f"{v:,.10g}" for v in out.head(5))
        rows = rows_text(list(out.index))
        problems.append(
            Text(
                f"{where}: column '{column}': {rows.en} hold(s) {found}, outside the plausible "
                f"range {low:,.10g} to {high:,.10g}; check the value and unit",
                f"{where}：列“{column}”：{rows.zh}的值为 {found}，超出合理范围 {low:,.10g} 至 "
                f"{high:,.10g}；请核对数值和单位",
            )
        )
    return problems


def date_problems(
    frame: pd.DataFrame,
    start: str,
    end: str,
    *,
    where: str,
    date_format: str | None,
    reversed_ok: bool = False,
) -> tuple[list[Text], pd.DataFrame]:
    """Unreadable dates and end before start; and ``frame`` with both columns as datetimes.

    ``reversed_ok`` leaves rows whose end is before their start to the caller (co-build
    skips them with a warning).
    """
    out = frame.copy()
    problems: list[Text] = []
    for column in (start, end):
        if column not in out:
            continue
        reading = read_dates(out[column].reset_index(drop=True), date_format)
        if reading.problems:
            problems.append(describe(reading.problems, where=where, column=column))
        out[column] = reading.values.to_numpy()
    if start in out and end in out and not reversed_ok:
        reversed_ = (out[end] < out[start]).to_numpy().nonzero()[0]
        if len(reversed_):
            rows = rows_text(list(reversed_))
            problems.append(
                Text(
                    f"{where}: '{end}' is before '{start}' on {rows.en}",
                    f"{where}：{rows.zh}的“{end}”早于“{start}”",
                )
            )
    return problems, out


def alias_collisions(
    columns: Sequence[str], aliases: Mapping[str, str], *, where: str
) -> list[Text]:
    """Two columns of a layer that map to one field (项目类别 and 类别, or 项目编号 and the id).

    ``aliases`` maps a column name to its field; a column already named as a field maps to
    itself.
    """
    fields: dict[str, list[str]] = {}
    for col in columns:
        target = aliases.get(col, col)
        fields.setdefault(target, []).append(str(col))
    return [
        Text(
            f"{where}: columns {' and '.join(repr(c) for c in cols)} both map to '{field}'; "
            "keep one (or map another column with the option)",
            f"{where}：列{'和'.join(f'“{c}”' for c in cols)}都对应字段“{field}”；"
            "请只保留一列（或用选项映射另一列）",
        )
        for field, cols in fields.items()
        if len(cols) > 1 and field in set(aliases.values())
    ]


WHAT_ZH = {"site plan": "方案文件", "works layer": "施工图层"}


def raise_all(problems: list[Text], what: str) -> None:
    """Raise one SchemaError listing every problem, if there are any.

    ``what`` names the input in English (a key of :data:`WHAT_ZH` for the Chinese).
    """
    if problems:
        msg = f"the {what} has problems:\n  - " + "\n  - ".join(p.en for p in problems)
        zh = f"{WHAT_ZH.get(what, what)}有以下问题：\n  - " + "\n  - ".join(p.zh for p in problems)
        raise SchemaError(msg, zh=zh)


def validate_works(
    gdf: gpd.GeoDataFrame,
    columns: tuple[str, str, str],
    *,
    where: str,
    date_format: str | None = None,
) -> gpd.GeoDataFrame:
    """Check a works layer's ids and dates; return it with ids as text and dates read.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The works layer.
    columns : tuple of str
        The id, start and end columns (as the command's options name them).
    where : str
        The file, for messages.
    date_format : str, optional
        ``dmy``, ``mdy`` or a strftime pattern for dates such as ``01/03/2027``.

    Raises
    ------
    SchemaError
        Listing every missing or duplicate id and every unreadable or reversed date.
    """
    id_col, start, end = columns
    if "kind" in gdf:  # a site plan: its projects are checked when the plan is built
        issues, out = date_problems(
            gdf, start, end, where=where, date_format=date_format, reversed_ok=True
        )
        raise_all(issues, "site plan")
        return out
    if id_col not in gdf or start not in gdf or end not in gdf:
        return gdf  # the co-build funnel names the missing columns and the options
    problems = id_problems(gdf[id_col], where=where, column=id_col)
    date_issues, out = date_problems(
        gdf, start, end, where=where, date_format=date_format, reversed_ok=True
    )
    raise_all(problems + date_issues, "works layer")
    out[id_col] = read_ids(gdf[id_col]).to_numpy()
    return out


def asset_types(layer: gpd.GeoDataFrame, std: Standard, *, where: str) -> gpd.GeoDataFrame:
    """``layer`` with ``asset_type`` mapped through the catalogue's ``asset_types``.

    A name of a type (铁塔, Tower, 灯杆, ...) in any case becomes the type (tower, pole,
    sensor, duct, ...).

    Raises
    ------
    SchemaError
        Listing every unknown type and its rows (none is dropped silently).
    """
    text = layer["asset_type"].astype("string").str.strip()
    mapped = text.str.casefold().map(asset_lookup(std.asset_types))
    unknown = mapped.isna().to_numpy().nonzero()[0]
    if len(unknown):
        found = sorted(set(text.iloc[unknown].fillna("(empty)").astype(str)))[:10]
        known = ", ".join(f"{k} ({'/'.join(v[1:3])})" for k, v in std.asset_types.items())
        rows = rows_text(list(unknown))
        msg = (
            f"{where}: column 'asset_type': unknown type(s) {', '.join(found)} on "
            f"{rows.en}; must be one of {known}"
        )
        zh = (
            f"{where}：列“asset_type”：{rows.zh}的类型 {', '.join(found)} 未知；"
            f"须为以下之一：{known}"
        )
        raise SchemaError(msg, zh=zh)
    return layer.assign(asset_type=mapped.to_numpy())
