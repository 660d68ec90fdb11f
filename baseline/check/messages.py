"""The sentences of the findings, built from structured fields a template at a time.

A message is an i18n template (:func:`baseline.i18n.t`) filled with fields. Fields that are
the same for every row of a rule (its subject, operator, threshold, clause) are formatted
once; fields that vary by row (the measured value, the value that made a condition fail)
are Arrow string columns joined in between, so a check of 100,000 projects builds its 1.4 M
sentences in a few Arrow operations per (rule, case) instead of one ``format`` per row.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from baseline.i18n import t, unit_label

TEXT = pa.large_string()
_FORMATTER = string.Formatter()
OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}
NEG = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": "≠", "!=": "="}


def repeat(text: str, n: int) -> pa.Array:
    """``text`` ``n`` times as an Arrow string column."""
    return pa.array([text], TEXT).take(np.zeros(n, dtype=np.int64))


def texts(values: Any) -> pa.Array:
    """Python or numpy strings as an Arrow string column."""
    return pa.array(np.asarray(values, dtype=object), TEXT)


def _pieces(template: str, constants: Mapping[str, Any], columns: Mapping[str, Any]) -> list:
    """The template as alternating constant texts and per-row columns."""
    out: list[Any] = [""]
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        out[-1] += literal
        if name is None:
            continue
        if name in columns:
            out += [columns[name], ""]
            continue
        value = _FORMATTER.convert_field(_FORMATTER.get_field(name, (), constants)[0], conversion)
        out[-1] += _FORMATTER.format_field(value, spec or "")
    return out


def compose(
    key: str, lang: str, n: int, constants: Mapping[str, Any], columns: Mapping[str, Any]
) -> pa.Array:
    """The template ``key`` in ``lang`` filled for ``n`` rows.

    Parameters
    ----------
    key, lang : str
        The i18n template and the language.
    n : int
        Number of rows.
    constants : mapping
        Fields shared by every row.
    columns : mapping of str to pyarrow.Array
        Fields that vary by row (length ``n``); they win over ``constants``.

    Returns
    -------
    pyarrow.Array
        ``n`` sentences.
    """
    pieces = _pieces(t(key, lang), constants, columns)
    if len(pieces) == 1:
        return repeat(pieces[0], n)
    args = [pa.scalar(p, TEXT) if isinstance(p, str) else p.cast(TEXT) for p in pieces]
    return pc.binary_join_element_wise(*args, pa.scalar("", TEXT))


def unit_suffix(unit: str, lang: str = "en") -> str:
    """The unit as written after a value: ``' m'``, ``'家'``, ``'/km'`` (``share``: ``' %'``)."""
    if unit == "share":
        return " %"
    label = unit_label(unit, lang)
    if not label or unit.startswith("/"):
        return label
    cjk = any(ord(c) >= 0x3000 for c in label)
    return ("" if cjk else " ") + label


def _number(value: float, unit: str) -> str:
    """A finite value as the messages write it (``share`` as a percentage)."""
    if unit == "share":
        return f"{value * 100:.1f}"
    big = float(value).is_integer() or abs(value) >= 1000
    return f"{value:.0f}" if big else f"{value:.4g}"


def shown(value: float, unit: str, lang: str = "en") -> tuple[str, str]:
    """A value and its unit as the messages show them (``share`` as a percentage).

    ``unit`` is the catalogue's unit code; it is written with its label in ``lang``.
    """
    if value is None or math.isnan(value):
        return "?", ""
    if math.isinf(value):
        return "∞", ""
    return _number(value, unit), unit_suffix(unit, lang)


def shown_columns(values: np.ndarray, unit: str, lang: str = "en") -> tuple[pa.Array, pa.Array]:
    """:func:`shown` of every value as two columns (each distinct value formatted once)."""
    bits, inverse = np.unique(np.ascontiguousarray(values, "float64").view(np.int64),
                              return_inverse=True)  # fmt: skip
    distinct = bits.view(np.float64)
    finite = np.isfinite(distinct)
    text = np.where(np.isinf(distinct), "∞", "?").astype(object)
    text[finite] = [_number(v, unit) for v in distinct[finite].tolist()]
    suffix = np.where(finite, unit_suffix(unit, lang), "").astype(object)
    where = pa.array(inverse.ravel().astype(np.int64))
    return pa.array(text, TEXT).take(where), pa.array(suffix, TEXT).take(where)
