"""Writers that cannot fail late or half-way, and exports that cannot attack their reader."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from baseline.errors import (
    CRSError,
    DataWarning,
    GeometryError,
    OutputError,
    ReadError,
    SchemaError,
    UnsafeInputError,
)
from baseline.i18n import STRINGS, t
from baseline.io import cells
from baseline.io.formats import read_layer
from baseline.io.preflight import preflight
from baseline.io.writers import write_layer, write_table
from tests.conftest import shared

EVIL = ['=HYPERLINK("http://x","x")', "=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _layer(**columns) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    points = [Point(121.5 + k / 1000, 31.2) for k in range(n)]
    return gpd.GeoDataFrame(columns, geometry=points, crs="EPSG:4326")


def _xlsx_cells(path) -> list:
    book = openpyxl.load_workbook(path)
    out = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            out.extend(row)
    return out


def _assert_inert_xlsx(path):
    found = _xlsx_cells(path)
    assert all(c.data_type != "f" for c in found)
    values = {str(c.value).replace("\n", "\r") for c in found}
    assert set(EVIL) <= values


def _assert_inert_csv(path):
    text = path.read_bytes().decode("utf-8-sig")
    rows = pd.read_csv(io.StringIO(text, newline=""), dtype=str, keep_default_na=False)
    assert rows["owner"].tolist() == ["'" + v for v in EVIL]


def test_write_table_csv_escapes_formulas(tmp_path):
    write_table(pd.DataFrame({"owner": EVIL, "n": range(7)}), tmp_path / "t.csv")
    _assert_inert_csv(tmp_path / "t.csv")


def test_write_table_xlsx_keeps_formulas_as_text(tmp_path):
    frame = pd.DataFrame({"owner": EVIL})
    write_table(frame, tmp_path / "t.xlsx", sheets={"summary": frame})
    _assert_inert_xlsx(tmp_path / "t.xlsx")


def test_write_layer_csv_and_xlsx_are_inert(tmp_path):
    layer = _layer(owner=EVIL)
    write_layer(layer, tmp_path / "l.csv")
    write_layer(layer, tmp_path / "l.xlsx")
    _assert_inert_csv(tmp_path / "l.csv")
    _assert_inert_xlsx(tmp_path / "l.xlsx")


def test_numbers_are_not_escaped(tmp_path):
    write_table(pd.DataFrame({"v": [-5, 3]}), tmp_path / "n.csv")
    assert pd.read_csv(tmp_path / "n.csv")["v"].tolist() == [-5, 3]


def test_tz_aware_dates_and_nested_values_in_every_format(tmp_path):
    when = pd.to_datetime(["2027-03-01T23:30:00-05:00", "2027-04-01T00:00:00Z"], utc=True)
    layer = _layer(when=when, tags=[["a", "b"], {"k": 1}])
    for suffix in (".geojson", ".gpkg", ".csv", ".xlsx", ".parquet"):
        write_layer(layer, tmp_path / f"x{suffix}")
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["rows"]
    assert sheet["A2"].value == pd.Timestamp("2027-03-02 12:30")
    assert sheet["B2"].value == '["a", "b"]'
    assert len(read_layer(tmp_path / "x.geojson")) == 2


def test_field_names_that_clash_or_are_reserved(tmp_path):
    layer = _layer(Name=["a", "b"], name=["c", "d"], fid=["x", "y"])
    with pytest.warns(DataWarning, match="fid -> fid_2"):
        write_layer(layer, tmp_path / "c.gpkg")
    back = read_layer(tmp_path / "c.gpkg")
    assert {"Name", "name_2", "fid_2"} <= set(back.columns)


def test_excel_row_limit_splits_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(cells, "EXCEL_MAX_ROWS", 4)
    write_table(pd.DataFrame({"v": range(10)}), tmp_path / "big.xlsx")
    book = openpyxl.load_workbook(tmp_path / "big.xlsx")
    assert book.sheetnames == ["findings", "findings 2", "findings 3", "findings 4"]
    assert sum(s.max_row - 1 for s in book.worksheets) == 10


def test_layers_keep_their_crs_and_text_formats_say_it(tmp_path):
    layer = _layer(v=[1, 2]).to_crs("EPSG:4549")
    for suffix in (".geojson", ".csv", ".xlsx", ".gpkg"):
        write_layer(layer, tmp_path / f"m{suffix}")
        back = read_layer(tmp_path / f"m{suffix}")
        assert back.attrs["source_crs"] == "EPSG:4549", suffix
        assert back.total_bounds == pytest.approx(_layer(v=[1, 2]).total_bounds, abs=1e-7)
    assert set(pd.read_csv(tmp_path / "m.csv")["crs"]) == {"EPSG:4549"}


def test_wgs84_layers_get_no_crs_column(tmp_path):
    write_layer(_layer(v=[1]), tmp_path / "w.csv")
    assert "crs" not in pd.read_csv(tmp_path / "w.csv").columns


def test_preflight_lists_every_problem_at_once(tmp_path):
    src = tmp_path / "in.gpkg"
    src.write_bytes(b"x")
    taken = tmp_path / "taken.csv"
    taken.write_text("x")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    outputs = {
        "DST": src,
        "--summary": taken,
        "--grid": blocker / "grid.gpkg",
        "--out": tmp_path / "missing" / "a.csv",
        "--extra": tmp_path / "a.doc",
    }
    with pytest.raises(OutputError) as info:
        preflight(outputs, inputs=[src], formats={"--extra": (".csv",)})
    text = str(info.value)
    for part in ("is an input", "already exists", "is a file, not a folder", "does not exist",
                 "not a valid output format"):  # fmt: skip
        assert part in text
    with pytest.raises(OutputError, match="name the same file"):
        preflight({"--out": tmp_path / "a.csv", "--summary": tmp_path / "a.csv"})


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_preflight_refuses_a_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(OutputError, match="not writable"):
        preflight({"--out": ro / "a.csv"})


def test_geojson_goes_through_gdal(tmp_path, monkeypatch):
    calls = []
    original = pyogrio.write_dataframe
    monkeypatch.setattr(
        pyogrio, "write_dataframe", lambda *a, **k: calls.append(k) or original(*a, **k)
    )
    write_layer(_layer(v=[1]), tmp_path / "g.geojson")
    assert calls and calls[0]["driver"] == "GeoJSON"
    assert (tmp_path / "g.geojson").read_text("utf-8").startswith("{")


def test_input_errors_have_chinese_and_english_headlines():
    for cls in (ReadError, CRSError, SchemaError, GeometryError, OutputError, UnsafeInputError):
        entry = STRINGS[cls.key]
        assert entry["zh"] and entry["en"] and entry["zh"] != entry["en"]
    assert t(ReadError.key, "zh") == "无法读取该文件"


@pytest.mark.parametrize("ext", ["geojson", "gpkg", "zip", "csv", "xlsx"])
def test_convert_the_datav_boundary_in_every_format(tmp_path, ext):
    """DataV's file is a bare JSON list of features with array-valued properties (issue 14)."""
    src = shared("datav_shanghai_admin", "310115_pudong_original.json")
    out = tmp_path / f"pudong.{ext}"
    done = subprocess.run(
        [sys.executable, "-c", "from baseline.cli import main; main()", "convert", str(src),
         str(out), "--from", "gcj02", "--to", "wgs84"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    if ext in ("csv", "xlsx"):
        table = pd.read_csv(out) if ext == "csv" else pd.read_excel(out, sheet_name="rows")
        assert json.loads(table.loc[0, "center"]) == [121.567706, 31.245944]
        return
    got = gpd.read_file(f"zip://{out}" if ext == "zip" else out)
    assert len(got) == 1 and got.loc[0, "name"] == "浦东新区"
    center = got.loc[0, "center"]
    values = json.loads(center) if isinstance(center, str) else list(center)
    assert values == [121.567706, 31.245944]  # JSON, never a Python repr
