"""Real-world inputs (issue 19) through the CLI: no traceback, exit 0 or 2, nothing written
after a refusal, a message in the user's words, and the right answer where the input is valid."""

from __future__ import annotations

import shutil
import sys
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from baseline.cli import main
from baseline.errors import DataWarning
from baseline.io.formats import read_layer
from baseline.io.siteplan import read_siteplan
from baseline.standard.catalogue import load_standard
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import make_hostile

SAMPLE = ROOT / "layers" / "sample_siteplan.geojson"
DEFAULT_OUT = {"check": "out.csv", "cobuild": "recs.csv", "convert": "converted.gpkg"}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    CASES = make_hostile.cli_cases()


def _argv(case: dict, work: Path) -> tuple[list[str], Path]:
    file = work / case["file"]
    existing = work / "existing.csv"
    existing.write_text("x\n")
    fill = {"{file}": str(file), "{existing}": str(existing)}
    for name, data in case.get("files", {}).items():  # a district catalogue, say
        (work / name).write_bytes(data)
        fill[f"{{{name}}}"] = str(work / name)
    out_text = case.get("out") or DEFAULT_OUT.get(case["command"], "gaps.geojson")
    for key, value in fill.items():
        out_text = out_text.replace(key, value)
    out = work / out_text
    args = [fill.get(a, a) for a in case["args"]]
    command = case["command"]
    main_input = str(SAMPLE) if case.get("plan") == "sample" else str(file)
    if command == "convert":
        return [command, main_input, str(out), *args], out
    if command == "gaps":
        return [command, *args, "--out", str(out)], out
    return [command, main_input, *args, "--out", str(out)], out


def _run(argv: list[str], monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["baseline", *argv])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def test_corpus_grew_by_at_least_30_cases():
    assert len(CASES) >= 30
    assert len({c["file"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_case_through_the_cli(case, tmp_path, monkeypatch, capsys):
    (tmp_path / case["file"]).write_bytes(case["data"])
    argv, out = _argv(case, tmp_path)
    for module in case.get("without", []):  # an optional package not installed
        monkeypatch.setitem(sys.modules, module, None)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    code, err = _run(argv, monkeypatch, capsys)
    assert "Traceback" not in err
    assert code == case["exit"], err
    if code == 2:
        assert err.startswith("error: ")
        assert case["message"] in err
        assert "layer=" not in err and "on_invalid=" not in err
        after = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
        assert after == before  # nothing written, nothing replaced
        return
    assert out.exists()
    if case["answer"]:
        ANSWERS[case["answer"]](case, tmp_path, out)


# --------------------------------------------------------------------------------------------
# The right answers


def _plan(case, work):
    return read_siteplan(work / case["file"], _std(), crs=_crs_arg(case))


def _crs_arg(case):
    args = case["args"]
    return args[args.index("--crs") + 1] if "--crs" in args else None


def _std():
    return load_standard()


def name_zh(case, work, out):
    assert _plan(case, work).projects["name"].tolist() == ["浦东新区张江路"]


def one_project(case, work, out):
    assert pd.read_csv(out, dtype=str)["project_id"].unique().tolist() == ["P1"]


def no_trench(case, work, out):
    recs = pd.read_csv(out, dtype=str)
    assert "shared_trench" not in set(recs["kind"])


def one_trench(case, work, out):
    recs = pd.read_csv(out, dtype=str)
    trench = recs[recs["kind"] == "shared_trench"]
    assert trench["members"].tolist() == ["W1;W2"]


def ids_as_written(case, work, out):
    ids = set(pd.read_csv(out, dtype=str)["project_id"])
    assert ids == {"00123", "1001"}


def units_read(case, work, out):
    plan = _plan(case, work)
    assert plan.projects["gfa_m2"].tolist() == [15000.0]
    assert plan.fittings["area_m2"].tolist() == [24.0]


def crs_4549(case, work, out):
    table = pd.read_csv(out, dtype=str)
    assert set(table["crs"]) == {"EPSG:4549"}
    back = read_layer(out)
    assert back.attrs["source_crs"] == "EPSG:4549"
    original = read_layer(work / case["file"])
    assert back.total_bounds == pytest.approx(original.total_bounds, abs=1e-7)


def xlsx_inert(case, work, out):
    book = openpyxl.load_workbook(out)
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    assert '=HYPERLINK("http://x","x")' in " ".join(str(v) for v in values)


def csv_inert(case, work, out):
    text = out.read_text("utf-8-sig")
    assert "'=1+1" in text
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@")), line


ANSWERS = {
    f.__name__: f
    for f in (name_zh, one_project, no_trench, one_trench, ids_as_written, units_read,
              crs_4549, xlsx_inert, csv_inert)
}  # fmt: skip


def test_every_answer_named_by_a_case_exists():
    assert {c["answer"] for c in CASES if c["answer"]} <= set(ANSWERS)


def test_convert_outputs_read_back(tmp_path, monkeypatch, capsys):
    for name in ("name_and_Name.geojson", "text_fid.geojson", "nested_values.geojson"):
        case = next(c for c in CASES if c["file"] == name)
        (tmp_path / name).write_bytes(case["data"])
        out = tmp_path / f"{name}.{'xlsx' if 'nested' in name else 'gpkg'}"
        code, err = _run(["convert", str(tmp_path / name), str(out)], monkeypatch, capsys)
        assert code == 0, err
        if out.suffix == ".gpkg":
            back = read_layer(out)
            assert len(back) == 2
            cols = set(back.columns)
            assert {"name", "Name_2"} <= cols or {"fid_2"} <= cols
        else:
            sheet = openpyxl.load_workbook(out)["rows"]
            header = [c.value for c in sheet[1]]
            row = dict(zip(header, (c.value for c in sheet[2]), strict=True))
            assert row["tags"] == '["a", "b"]'


def test_shapefile_moved_with_cpg_lies_keeps_text(tmp_path):
    case = next(c for c in CASES if c["file"] == "cpg_lies.zip")
    path = tmp_path / case["file"]
    path.write_bytes(case["data"])
    shutil.unpack_archive(path, tmp_path / "x")
    with pytest.warns(DataWarning, match="the .cpg says UTF-8") as caught:
        layer = read_layer(tmp_path / "x" / "plan.shp")
    assert layer["name"].tolist() == ["浦东新区张江路"]
    (warning,) = [w.message for w in caught if isinstance(w.message, DataWarning)]
    assert warning.message("zh").startswith("plan.shp：.cpg 文件标明 UTF-8")
    assert warning.message("zh").endswith("但文字不是 UTF-8；已按 GB18030 读取")
