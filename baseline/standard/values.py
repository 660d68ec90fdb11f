"""Attribute values as numbers, and the comparison operators of the catalogue."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}


def to_number(values: pd.Series) -> pd.Series:
    """Coerce a column to floats: booleans and yes/no text become 1/0, junk becomes NaN."""
    if values.dtype == bool or pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64")
    text = values.astype("string").str.strip().str.lower()
    out = pd.to_numeric(values.where(~text.isin(_TRUE | _FALSE)), errors="coerce")
    out = out.astype("float64")
    out[text.isin(_TRUE).fillna(False).to_numpy()] = 1.0
    out[text.isin(_FALSE).fillna(False).to_numpy()] = 0.0
    return out


def compare(values: np.ndarray, op: str, threshold: float) -> np.ndarray:
    """Compare floats with a threshold: 1 (holds), 0 (does not), -1 (value is NaN)."""
    with np.errstate(invalid="ignore"):
        holds = COMPARE[op](values, threshold)
    return np.where(np.isnan(values), -1, np.asarray(holds, dtype=np.int8)).astype(np.int8)
