"""Cells that every format can hold and no spreadsheet can run.

Before a table or layer is written, :func:`for_text` (CSV) and :func:`for_excel` (XLSX)
turn user text that a spreadsheet would evaluate (a cell beginning ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) into inert text, lists and dicts into JSON text, and
tz-aware dates into Asia/Shanghai wall time (Excel has no time zones).
:func:`unique_field_names` renames columns that a GIS format would merge (``Name`` and
``name`` in a GeoPackage) or that it reserves (``fid``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from baseline.errors import DataWarning
from baseline.io.values import LOCAL_TZ

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
RESERVED_FIELDS = ("fid",)


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet would evaluate as a formula (or DDE)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _text_columns(frame: pd.DataFrame) -> list[Any]:
    return [
        c
        for c in frame.columns
        if pd.api.types.is_object_dtype(frame[c].dtype)
        or pd.api.types.is_string_dtype(frame[c].dtype)
    ]


def _scalar_text(value: object) -> object:
    """Lists, tuples, sets, dicts and arrays as JSON text; other values unchanged."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple | set | dict):
        items = sorted(value, key=str) if isinstance(value, set) else value
        return json.dumps(items, ensure_ascii=False, default=str)
    return value


def _all_text(values: pd.Series) -> bool:
    """True when every value is text or missing (checked in C, no Python loop)."""
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def scalars(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with non-scalar cells (lists, dicts, arrays) written as JSON text."""
    out = frame
    for col in _text_columns(frame):
        values = frame[col]
        if _all_text(values):
            continue
        nested = values.map(lambda v: isinstance(v, list | tuple | set | dict | np.ndarray))
        if nested.any():
            out = out.copy() if out is frame else out
            out[col] = values.map(_scalar_text)
    return out


def local_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with tz-aware datetimes as Asia/Shanghai wall time (naive)."""
    out = frame
    for col in frame.columns:
        dtype = frame[col].dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            out = out.copy() if out is frame else out
            out[col] = frame[col].dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
        elif pd.api.types.is_object_dtype(dtype) and frame[col].map(_is_aware).any():
            out = out.copy() if out is frame else out
            out[col] = frame[col].map(_to_local)
    return out


def _is_aware(value: object) -> bool:
    return isinstance(value, pd.Timestamp) and value.tzinfo is not None


def _to_local(value: object) -> object:
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:
        return value.tz_convert(LOCAL_TZ).tz_localize(None)
    return value


def _risky(values: pd.Series) -> pd.Series:
    """Mask of the values that are text beginning like a formula."""
    if _all_text(values):
        return values.astype("string").str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
    return values.map(is_formula_like).astype(bool)


def _escaped(values: pd.Series) -> pd.Series:
    risky = _risky(values)
    if not risky.any():
        return values
    return values.where(~risky, "'" + values.astype("string"))


def for_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` safe to write as CSV: formulas escaped with a leading apostrophe."""
    out = scalars(frame)
    for col in _text_columns(out):
        escaped = _escaped(out[col])
        if escaped is not out[col]:
            out = out.copy() if out is frame else out
            out[col] = escaped
    return out


def formula_cells(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """(row, column) 0-based positions of text cells that begin with ``=``."""
    cells: list[tuple[int, int]] = []
    for k, col in enumerate(frame.columns):
        if col in _text_columns(frame):
            rows = np.flatnonzero(_risky(frame[col]).to_numpy())
            cells.extend((int(r), k) for r in rows)
    return cells


def _clip(value: object) -> object:
    if isinstance(value, str) and len(value) > EXCEL_MAX_CHARS:
        return value[: EXCEL_MAX_CHARS - 1] + "…"
    return value


def for_excel(frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
    """A copy of ``frame`` that Excel can hold: scalars, naive dates, text within the limit."""
    out = local_dates(scalars(frame))
    for col in _text_columns(out):
        long = out[col].map(lambda v: isinstance(v, str) and len(v) > EXCEL_MAX_CHARS)
        if long.any():
            out = out.copy() if out is frame else out
            out[col] = out[col].map(_clip)
            msg = (
                f"sheet {sheet}: {int(long.sum())} cell(s) of column '{col}' cut to Excel's "
                f"{EXCEL_MAX_CHARS:,} characters; use CSV or GPKG for the full text"
            )
            zh = (
                f"工作表 {sheet}：列 '{col}' 有 {int(long.sum())} 个单元格被截断为 Excel 上限 "
                f"{EXCEL_MAX_CHARS:,} 个字符；完整文字请导出为 CSV 或 GPKG"
            )
            warnings.warn(DataWarning(msg, zh=zh), stacklevel=2)
    return out


def sheet_chunks(frame: pd.DataFrame, name: str) -> Iterable[tuple[str, pd.DataFrame]]:
    """Split ``frame`` into sheets within Excel's row limit: ``name``, ``name 2``, ..."""
    per_sheet = EXCEL_MAX_ROWS - 1
    if len(frame) <= per_sheet:
        yield name[:31], frame
        return
    for k, start in enumerate(range(0, len(frame), per_sheet)):
        title = name if k == 0 else f"{name} {k + 1}"
        yield title[:31], frame.iloc[start : start + per_sheet]


def unique_field_names(frame: pd.DataFrame, *, where: str) -> pd.DataFrame:
    """Rename columns a GIS format would merge (same name but for case) or reserves (fid).

    The second ``Name`` of ``Name`` and ``name`` becomes ``name_2``; ``fid`` becomes
    ``fid_2``. A :class:`DataWarning` lists the renames.
    """
    seen: set[str] = set(RESERVED_FIELDS)
    renames = {}
    for col in frame.columns:
        if col == getattr(frame, "_geometry_column_name", None):
            continue
        new, k = str(col), 1
        while new.casefold() in seen:
            k += 1
            new = f"{col}_{k}"
        seen.add(new.casefold())
        if new != col:
            renames[col] = new
    if not renames:
        return frame
    listed = ", ".join(f"{a} -> {b}" for a, b in renames.items())
    msg = f"{where}: field names renamed to be unique: {listed}"
    warnings.warn(DataWarning(msg, zh=f"{where}：字段名已改名以免重复：{listed}"), stacklevel=2)
    return frame.rename(columns=renames)
