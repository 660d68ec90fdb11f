"""One reading of attribute values for every command and the app: dates, numbers and ids.

Dates
    ISO (``2027-04-01``, with a time and an offset), ``2027/4/1``, ``2027.4.15``,
    ``20270420``, ``2027年3月1日``, Excel serial numbers (days since 1899-12-30, accepted from
    20,000 to 80,000: 1954 to 2119) and date-time values; tz-aware values are converted to
    Asia/Shanghai and kept as local wall time. ``01/03/2027`` is ambiguous: a column whose
    values show the order (a part above 12) is read in that order throughout; a column that
    does not is refused unless the user says (``--date-format dmy|mdy`` or a strftime pattern).
Numbers
    Full-width digits, thousands separators (``12,000``), 万 and 亿, and a unit after the
    number (``24㎡``, ``24 m2``, ``10层``, ``300户``).
Ids
    Always text, exactly as written (``00123`` stays ``00123``); a number that is whole
    becomes its integer text (``1001.0`` is ``1001``).

Every reader returns the values and a list of :class:`Problem` (0-based positions) so the
callers can name every bad row at once, 1-based, with the file and column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from baseline.errors import SchemaError, Text

LOCAL_TZ = "Asia/Shanghai"
DATE_ORDERS = ("ymd", "dmy", "mdy")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
EXCEL_SERIAL_RANGE = (20_000, 80_000)
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T](.*))?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_XY_YEAR = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})(?:[ T](.*))?$")
_NUMBER = re.compile(
    r"^(?P<sign>[+-])?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)?(?P<frac>\.\d+)?\s*(?P<scale>万|亿)?"
    r"\s*(?P<unit>.*)$"
)
UNITS = frozenset(
    [
        "",
        "m",
        "m2",
        "m²",
        "sqm",
        "平方米",
        "平米",
        "平",
        "米",
        "层",
        "户",
        "个",
        "座",
        "套",
        "孔",
        "芯",
        "mm",
        "km",
        "kn/m2",
        "kn/m²",
        "元",
        "人",
        "席",
    ]
)
_SCALE = {"万": 1e4, "亿": 1e8}


@dataclass(frozen=True)
class Problem:
    """One value that could not be read: its 0-based position, the text and why."""

    position: int
    value: str
    reason: str


@dataclass
class Reading:
    """Values read from a column, and the positions that could not be read."""

    values: pd.Series
    problems: list[Problem] = field(default_factory=list)


def normalise_text(value: object) -> str:
    """NFKC-normalised, stripped text: full-width digits and letters become ASCII."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_blank(value: object) -> bool:
    """True for None, NaN, NaT, pandas NA and text that is empty or only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return value is pd.NA or value is pd.NaT


# --------------------------------------------------------------------------------------------
# Ids


def read_id(value: object) -> str | None:
    """One id as text exactly as written; a whole float becomes its integer text.

    Examples
    --------
    >>> read_id(1001.0), read_id("00123"), read_id(" W1 "), read_id(None)
    ('1001', '00123', 'W1', None)
    """
    if is_blank(value):
        return None
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    return str(value).strip()


def read_ids(values: pd.Series) -> pd.Series:
    """A column of ids as pandas string dtype (NA where blank)."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        text = values.astype("string").str.strip()
        return text.mask(text == "", pd.NA)
    return pd.Series([read_id(v) for v in values], index=values.index, dtype="string")


# --------------------------------------------------------------------------------------------
# Numbers


def read_number(value: object) -> float | None:
    """One number, or None when the value is not a number (NaN when blank).

    Examples
    --------
    >>> read_number("24㎡"), read_number("1.5万"), read_number("１２,０００"), read_number("大")
    (24.0, 15000.0, 12000.0, None)
    """
    if is_blank(value):
        return float("nan")
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value) if np.isfinite(value) else None
    text = normalise_text(value).replace("，", ",").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        return _number_with_unit(text)
    return number if np.isfinite(number) else None


def _number_with_unit(text: str) -> float | None:
    match = _NUMBER.match(text)
    if match is None or not (match["digits"] or match["frac"]):
        return None
    if match["unit"].lower() not in UNITS:
        return None
    number = float((match["digits"] or "0").replace(",", "") + (match["frac"] or ""))
    number *= _SCALE.get(match["scale"] or "", 1.0)
    return -number if match["sign"] == "-" else number


def read_numbers(values: pd.Series) -> Reading:
    """A column as floats (NaN where blank) and a problem for each value that is no number."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return Reading(values.astype("float64"))
    out = np.full(len(values), np.nan)
    problems = []
    cache: dict[Any, float | None] = {}
    for k, value in enumerate(values.to_numpy(dtype=object)):
        key = value if isinstance(value, str | int | float) else repr(value)
        number = cache[key] if key in cache else cache.setdefault(key, read_number(value))
        if number is None:
            problems.append(Problem(k, str(value), "not a number"))
        else:
            out[k] = number
    return Reading(pd.Series(out, index=values.index), problems)


# --------------------------------------------------------------------------------------------
# Dates


def _local(ts: pd.Timestamp) -> pd.Timestamp:
    if ts.tzinfo is not None:
        return ts.tz_convert(LOCAL_TZ).tz_localize(None)
    return ts


def _serial(number: float) -> pd.Timestamp | None:
    low, high = EXCEL_SERIAL_RANGE
    if low <= number <= high:
        return EXCEL_EPOCH + pd.Timedelta(days=float(number))
    if float(number).is_integer() and 19000101 <= number <= 21001231:
        return _compact(str(int(number)))
    return None


def _compact(text: str) -> pd.Timestamp | None:
    match = _COMPACT.match(text)
    if match is None:
        return None
    return _build(*match.groups())


def _build(year: str, month: str, day: str, clock: str | None = None) -> pd.Timestamp | None:
    try:
        ts = pd.Timestamp(int(year), int(month), int(day))
        if clock:
            ts = _local(pd.Timestamp(f"{ts.date()} {clock.strip()}"))
    except (ValueError, TypeError):
        return None
    return ts


def _day_month(text: str, order: str) -> pd.Timestamp | None:
    match = _XY_YEAR.match(text)
    if match is None:
        return None
    first, second, year, clock = match.groups()
    day, month = (first, second) if order == "dmy" else (second, first)
    return _build(year, month, day, clock)


def _parse_text(text: str, order: str | None, pattern: str | None) -> pd.Timestamp | None:
    if pattern:
        try:
            return _local(pd.Timestamp(dt.datetime.strptime(text, pattern)))
        except ValueError:
            return None
    for regex in (_YMD,):
        match = regex.match(text)
        if match:
            return _build(*match.groups())
    if _XY_YEAR.match(text):
        return _day_month(text, order) if order in ("dmy", "mdy") else None
    if _COMPACT.match(text):
        return _compact(text)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _serial(float(text))
    try:
        return _local(pd.Timestamp(text))
    except (ValueError, TypeError, OverflowError):
        return None


def read_date(value: object, order: str | None = None, pattern: str | None = None) -> Any:
    """One value as a naive Asia/Shanghai timestamp, NaT when blank, None when unreadable.

    ``order`` (``dmy`` or ``mdy``) reads ``01/03/2027``; without it that value is unreadable.

    Examples
    --------
    >>> str(read_date("2027年3月1日")), str(read_date(46023)), str(read_date("01/03/2027", "dmy"))
    ('2027-03-01 00:00:00', '2026-01-01 00:00:00', '2027-03-01 00:00:00')
    """
    if is_blank(value):
        return pd.NaT
    if isinstance(value, pd.Timestamp | dt.datetime):
        return _local(pd.Timestamp(value))
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return _serial(float(value))
    return _parse_text(normalise_text(value), order, pattern)


def day_month_order(texts: Iterable[str]) -> str | None:
    """The order shown by ``dd/mm/yyyy``-like texts: ``dmy``, ``mdy``, or None when unclear.

    Raises
    ------
    ValueError
        When some values are day-first and others month-first.
    """
    day_first = month_first = False
    for text in texts:
        match = _XY_YEAR.match(text)
        if match is None:
            continue
        first, second = int(match[1]), int(match[2])
        day_first |= first > 12
        month_first |= second > 12
    if day_first and month_first:
        msg = "some dates are day-first and others month-first"
        raise ValueError(msg)
    return "dmy" if day_first else "mdy" if month_first else None


def parse_date_format(date_format: str | None) -> tuple[str | None, str | None]:
    """Split a ``--date-format`` value into (order, strftime pattern)."""
    if not date_format:
        return None, None
    text = date_format.strip()
    if "%" in text:
        return None, text
    if text.lower() in DATE_ORDERS:
        return text.lower(), None
    msg = (
        f"--date-format '{date_format}' is not valid, must be one of dmy, mdy, ymd or a "
        "pattern such as %d/%m/%Y"
    )
    zh = f"--date-format“{date_format}”无效，须为 dmy、mdy、ymd 之一，或 %d/%m/%Y 这样的格式"
    raise SchemaError(msg, zh=zh)


def _column_order(texts: list[str], order: str | None) -> tuple[str | None, str | None]:
    """(order to read with, reason the column is refused or None)."""
    if order:
        return order, None
    try:
        return day_month_order(texts), None
    except ValueError as exc:
        return None, str(exc)


def read_dates(values: pd.Series, date_format: str | None = None) -> Reading:
    """A column as naive Asia/Shanghai datetimes (NaT where blank) and the unreadable values.

    Day/month order is decided for the whole column, never row by row.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        series = pd.Series(values)
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
        return Reading(series.astype("datetime64[ns]"))
    order, pattern = parse_date_format(date_format)
    raw = values.to_numpy(dtype=object)
    texts = [normalise_text(v) for v in raw if isinstance(v, str)]
    order, conflict = _column_order(texts, order)
    out = []
    problems = []
    cache: dict[Any, Any] = {}
    for k, value in enumerate(raw):
        key = value if isinstance(value, str | int | float) else repr(value)
        if key not in cache:
            cache[key] = read_date(value, order, pattern)
        ts = cache[key]
        if ts is None:
            problems.append(Problem(k, str(value), _date_reason(value, conflict)))
            ts = pd.NaT
        out.append(ts)
    return Reading(pd.Series(pd.to_datetime(out), index=values.index), problems)


def _date_reason(value: object, conflict: str | None) -> str:
    text = normalise_text(value) if isinstance(value, str) else ""
    if _XY_YEAR.match(text):
        if conflict:
            return f"{conflict}; say which with --date-format dmy or mdy"
        return "day and month could be either way round; say which with --date-format dmy or mdy"
    return "not a date"


_REASONS_ZH = {
    "not a number": "不是数值",
    "not a date": "不是日期",
    "day and month could be either way round; say which with --date-format dmy or mdy": (
        "的日、月顺序无法确定；请用 --date-format dmy 或 mdy 说明"
    ),
    "some dates are day-first and others month-first; say which with --date-format dmy or mdy": (
        "无法读取（有的日期日在前、有的月在前）；请用 --date-format dmy 或 mdy 说明"
    ),
}


def describe(problems: list[Problem], *, where: str, column: str, limit: int = 8) -> Text:
    """One line naming the column, the 1-based rows and the values that could not be read.

    ``where`` is the file (and layer); rows count data rows from 1, as a spreadsheet shows
    them below the header.
    """
    shown = ", ".join(f"row {p.position + 1} '{p.value}'" for p in problems[:limit])
    more = f" and {len(problems) - limit} more" if len(problems) > limit else ""
    reasons = sorted({p.reason for p in problems})
    shown_zh = "、".join(f"第 {p.position + 1} 行“{p.value}”" for p in problems[:limit])
    more_zh = f"等（另有 {len(problems) - limit} 个）" if len(problems) > limit else ""
    reasons_zh = "；".join(_REASONS_ZH.get(r, r) for r in reasons)
    return Text(
        f"{where}: column '{column}': {len(problems)} value(s) {'; '.join(reasons)}: {shown}{more}",
        f"{where}：列“{column}”有 {len(problems)} 个值{reasons_zh}：{shown_zh}{more_zh}",
    )
