"""One reading of dates, numbers and ids (issue 19 item 1), with hypothesis strategies."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baseline.errors import ReadError, SchemaError
from baseline.io.dxf import decode_cad_text
from baseline.io.encoding import decode, repair_dbf_names, sniff
from baseline.io.values import (
    day_month_order,
    read_date,
    read_dates,
    read_id,
    read_ids,
    read_number,
    read_numbers,
)

FAST = settings(max_examples=60, deadline=None)
dates = st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2100, 12, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-04-01", "2027-04-01"),
        ("2027/4/1", "2027-04-01"),
        ("2027.4.15", "2027-04-15"),
        ("20270420", "2027-04-20"),
        ("2027年3月1日", "2027-03-01"),
        ("２０２７－０４－０１", "2027-04-01"),
        (46023, "2026-01-01"),
        ("2027-04-01T20:00:00Z", "2027-04-02"),  # 04:00 in Shanghai
    ],
)
def test_dates_as_written(text, expected):
    assert read_date(text).normalize() == pd.Timestamp(expected)


def test_tz_aware_values_are_shanghai_wall_time():
    values = pd.Series(pd.to_datetime(["2027-03-01T23:30:00-05:00"], utc=True))
    assert read_dates(values).values.tolist() == [pd.Timestamp("2027-03-02 12:30")]


def test_day_month_order_is_decided_per_column():
    read = read_dates(pd.Series(["01/03/2027", "13/03/2027"]))
    assert read.values.tolist() == [pd.Timestamp("2027-03-01"), pd.Timestamp("2027-03-13")]
    ambiguous = read_dates(pd.Series(["01/03/2027", "02/03/2027"]))
    assert [p.position for p in ambiguous.problems] == [0, 1]
    assert "--date-format" in ambiguous.problems[0].reason
    said = read_dates(pd.Series(["01/03/2027"]), "mdy")
    assert said.values.tolist() == [pd.Timestamp("2027-01-03")]
    with pytest.raises(ValueError, match="day-first"):
        day_month_order(["13/03/2027", "03/13/2027"])
    with pytest.raises(SchemaError, match="--date-format"):
        read_dates(pd.Series(["x"]), "dd-mm")


def test_unreadable_dates_are_not_called_missing():
    read = read_dates(pd.Series(["soon", None, ""]))
    assert [(p.position, p.reason) for p in read.problems] == [(0, "not a date")]


@FAST
@given(day=dates, style=st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日"]))
def test_any_written_date_reads_back(day, style):
    assert read_date(day.strftime(style)) == pd.Timestamp(day)


@FAST
@given(day=dates)
def test_excel_serials_read_back(day):
    serial = (pd.Timestamp(day) - pd.Timestamp("1899-12-30")).days
    if 20_000 <= serial <= 80_000:
        assert read_date(serial) == pd.Timestamp(day)


@FAST
@given(days=st.lists(dates, min_size=1, max_size=20), order=st.sampled_from(["dmy", "mdy"]))
def test_slash_dates_read_in_the_said_order(days, order):
    fmt = "%d/%m/%Y" if order == "dmy" else "%m/%d/%Y"
    read = read_dates(pd.Series([d.strftime(fmt) for d in days]), order)
    assert read.problems == []
    assert read.values.tolist() == [pd.Timestamp(d) for d in days]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("24㎡", 24.0), ("1.5万", 15000.0), ("１２,０００", 12000.0), ("-5,000", -5000.0),
     ("10 层", 10.0), ("300户", 300.0), ("1e12", 1e12), ("3亿", 3e8)],
)  # fmt: skip
def test_numbers_as_written(text, expected):
    assert read_number(text) == expected


@pytest.mark.parametrize("text", ["large", "12,00", "1.2.3", "inf", "5 apples"])
def test_text_that_is_no_number(text):
    assert read_number(text) is None


@FAST
@given(n=st.integers(min_value=0, max_value=10**9), unit=st.sampled_from(["", "㎡", " m2", "户"]))
def test_numbers_with_separators_and_units(n, unit):
    full_width = f"{n:,}".translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    assert read_number(f"{n:,}{unit}") == n
    assert read_number(full_width + unit) == n
    wan = read_number(f"{n / 10_000:g}万")
    assert wan == pytest.approx(float(f"{n / 10_000:g}") * 10_000)


def test_numbers_column_names_bad_rows():
    read = read_numbers(pd.Series(["1", "big", None]))
    assert read.values.tolist()[0] == 1.0 and np.isnan(read.values.tolist()[2])
    assert [p.position for p in read.problems] == [1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1001.0, "1001"), ("00123", "00123"), (" W1 ", "W1"), (5, "5"), (None, None),
     (float("nan"), None), (1.5, "1.5")],
)  # fmt: skip
def test_ids_exactly_as_written(value, expected):
    assert read_id(value) == expected


@FAST
@given(st.lists(st.one_of(st.integers(-(10**12), 10**12), st.text(min_size=1, max_size=8))))
def test_ids_round_trip(values):
    out = read_ids(pd.Series(values, dtype=object)).tolist()
    for value, got in zip(values, out, strict=True):
        expect = str(value).strip() or None
        assert (got if got is not pd.NA else None) == expect


# --------------------------------------------------------------------------------------------
# Encodings


@FAST
@given(text=st.text(alphabet=st.sampled_from(list("浦东新区张江路abc 12,\n")), max_size=60),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk"]))  # fmt: skip
def test_text_decodes_in_any_encoding(text, encoding):
    raw = text.encode(encoding)
    decoded = decode(raw, "f.csv")
    assert decoded.lstrip("\ufeff") == text or sniff(raw) == "utf-8"


def test_undecodable_text_names_file_and_line():
    with pytest.raises(ReadError, match=r"f\.csv: line 2 is not utf-8"):
        decode("a\n浦东".encode("gbk"), "f.csv", "utf-8")
    with pytest.raises(ReadError, match="not a known encoding"):
        decode(b"x", "f.csv", "klingon")


def test_cut_utf8_field_names_are_mended():
    header = bytearray(64 + 1)
    header[8:10] = (65).to_bytes(2, "little")
    header[32:43] = "建筑面积".encode()[:10].ljust(11, b"\x00")
    mended, names = repair_dbf_names(bytes(header))
    assert names == ["建筑面"]
    assert mended[32:41] == "建筑面".encode()


def test_cad_escapes_are_decoded():
    assert decode_cad_text(r"\U+7528\U+5730\U+7EA2\U+7EBF") == "用地红线"
    assert decode_cad_text("通信机房") == "通信机房"
