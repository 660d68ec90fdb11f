import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from tests.conftest import ROOT, shared

BASELINE = str(Path(sys.executable).with_name("baseline"))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([BASELINE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_help_on_every_command():
    top = run("--help")
    assert top.returncode == 0
    for cmd in ("standards", "convert", "check", "gaps", "cobuild", "demo", "app"):
        assert cmd in top.stdout
        res = run(cmd, "--help")
        assert res.returncode == 0, res.stderr
        assert "Usage" in res.stdout


def test_standards_in_chinese():
    res = run("standards", "--lang", "zh")
    assert res.returncode == 0
    assert "基站机房使用面积不小于20平方米" in res.stdout
    assert "GB 51456-2023 §4.2.2" in res.stdout


def test_convert_gcj02_to_wgs84_matches_published(tmp_path):
    src = shared("datav_shanghai_admin", "pudong_boundary_gcj02.geojson")
    out = tmp_path / "pudong.gpkg"
    res = run("convert", str(src), str(out), "--from", "gcj02", "--to", "wgs84")
    assert res.returncode == 0, res.stderr
    ref = gpd.read_file(shared("datav_shanghai_admin", "pudong_boundary_wgs84_converted.geojson"))
    got = gpd.read_file(out)
    a = shapely.get_coordinates(got.geometry.values)
    b = shapely.get_coordinates(ref.geometry.values)
    assert abs(a - b).max() < 1e-6
    again = run("convert", str(src), str(out), "--from", "gcj02", "--to", "bd09")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_check_writes_every_format_and_exit_status(tmp_path):
    plan = ROOT / "layers" / "sample_siteplan.geojson"
    for ext in ("csv", "json", "xlsx", "html"):
        res = run("check", str(plan), "--out", str(tmp_path / f"f.{ext}"), "--lang", "zh")
        assert res.returncode == 0, res.stderr
        assert "fail 34" in res.stdout
    csv = pd.read_csv(tmp_path / "f.csv")
    assert list(csv.columns[:10]) == [
        "project_id",
        "category",
        "rule_id",
        "clause",
        "confidence",
        "status",
        "measured",
        "required",
        "unit",
        "message",
    ]
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))[0]["project_id"]


def test_input_errors_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("not json at all")
    res = run("check", str(bad), "--out", str(tmp_path / "o.csv"))
    assert res.returncode == 2
    assert res.stderr.startswith("error: bad.geojson")
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "o.csv").exists()
    debug = run("--debug", "check", str(bad), "--out", str(tmp_path / "o.csv"))
    assert "Traceback" in debug.stderr


def test_gaps_reports_assumed_heights(tmp_path):
    res = run("gaps", "--tech", "5G", "--out", str(tmp_path / "g.gpkg"))
    assert res.returncode == 0, res.stderr
    assert (
        "assumed: height assumed for 2425 site(s) (5G_3500, 25 m from the catalogue)" in res.stderr
    )
    assert "5G_3500 371 m" in res.stdout


def test_gaps_command(tmp_path):
    res = run(
        "gaps",
        "--radius-m",
        "500",
        "--out",
        str(tmp_path / "g.geojson"),
        "--summary",
        str(tmp_path / "s.csv"),
        "--projects",
        str(ROOT / "layers" / "sample_siteplan.geojson"),
    )
    assert res.returncode == 0, res.stderr
    assert "covered fraction: 0.14" in res.stdout
    summary = pd.read_csv(tmp_path / "s.csv")
    assert summary["level"].value_counts().to_dict() == {"project": 33, "area": 1}


def test_cobuild_on_paris_with_column_mapping(tmp_path):
    src = shared("paris_chantiers_perturbants", "paris_chantiers_perturbants_train80.geojson")
    res = run(
        "cobuild",
        str(src),
        "--id-col",
        "objectid",
        "--start-col",
        "start_date",
        "--end-col",
        "end_date",
        "--owner-col",
        "maitre_ouvrage",
        "--buffer-m",
        "50",
        "--out",
        str(tmp_path / "r.geojson"),
    )
    assert res.returncode == 0, res.stderr
    assert "402 recommendation(s)" in res.stdout
    assert "skipped 2 work(s)" in res.stderr


@pytest.mark.slow
def test_demo_writes_findings_and_report(tmp_path):
    res = run("demo", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    for name in ("findings.csv", "report.html", "gaps.geojson", "cobuild.csv", "cobuild.geojson"):
        assert (tmp_path / name).stat().st_size > 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "pudong-ict-baseline 2026.11" in html and "<svg" in html


def test_baseline_app_serves_the_app(tmp_path):
    import urllib.request

    from tests.browser import SERVER_LOG, app_server

    with app_server({"BASELINE_DATA_DIR": str(tmp_path)}) as url:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as r:
            assert r.read().decode() == "ok"
        # the map's caches were filled before the server answered its first request
        assert "ICT Baseline: map ready in" in SERVER_LOG.read_text()
        with urllib.request.urlopen(f"{url}/app/static/vendor/leaflet/leaflet.js") as r:
            assert r.status == 200 and b"Leaflet" in r.read(2000)


def test_check_maps_id_and_category_columns(tmp_path):
    plan = gpd.read_file(ROOT / "layers" / "sample_siteplan.geojson")
    plan = plan[plan["project_id"].isin(["PD-B02"])].rename(
        columns={"project_id": "objectid", "category": "leixing"}
    )
    for col in ("start_date", "end_date"):
        plan[col] = plan[col].dt.strftime("%Y-%m-%d")
    src = tmp_path / "renamed.geojson"
    src.write_text(plan.to_json(), encoding="utf-8")
    out = tmp_path / "f.csv"
    res = run(
        "check", str(src), "--id-col", "objectid", "--category-col", "leixing", "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    findings = pd.read_csv(out)
    assert set(findings["project_id"]) == {"PD-B02"}
    assert findings.loc[findings["rule_id"] == "room-area", "status"].item() == "fail"
    bare = run("check", str(src), "--out", str(tmp_path / "g.csv"))
    assert bare.returncode == 2 and "project_id" in bare.stderr
