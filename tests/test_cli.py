import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner, Result

from baseline.cli import cli, commands
from baseline.cobuild import run as cobuild_run
from baseline.errors import CRSError
from baseline.io.bundled import load_assets
from baseline.io.partitioned import ingest
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
    assert "基站机房净面积不宜小于20平方米" in res.stdout
    assert "GB 51456-2023 §4.2.2" in res.stdout
    assert "浦东新区基建标配（地方政策，非标准条文）" in res.stdout


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
        assert "fail " in res.stdout  # counts follow the catalogue (issues 14, 15)
    csv = pd.read_csv(tmp_path / "f.csv")
    assert list(csv.columns[:11]) == [
        "project_id",
        "building_id",
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
    assert "5G_3500 urban 157 m" in res.stdout  # issue 15: margins, each class its target
    assert "partial 2014 single-operator" in res.stdout and "0.30 per km²" in res.stdout


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
    # GB 51456-2023 §4.2.2: 基站机房的净面积不宜小于20㎡ (should): a 15 m² room warns
    assert findings.loc[findings["rule_id"] == "room-area", "status"].item() == "warn"
    bare = run("check", str(src), "--out", str(tmp_path / "g.csv"))
    assert bare.returncode == 2 and "project_id" in bare.stderr


# --------------------------------------------------------------------------------------------
# Co-build on a site plan honours every option; the grid; each CRS option describes its file

PLAN = ROOT / "layers" / "sample_siteplan.geojson"


def invoke(*args: object) -> Result:
    """Run the CLI in this process (exceptions are kept on the result, not printed)."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def shared_trenches(path: Path) -> list[str]:
    """Members of every matched pair of works, whatever collaboration each gets (issue 16)."""
    recs = pd.read_csv(path)
    return sorted(recs.loc[recs["rec_id"].str.startswith("T-"), "members"])


def test_cobuild_on_a_site_plan_honours_owner_buffers(tmp_path):
    """PD-B20 and PD-B21 (both Lingang Group) lie 96 m apart: beyond the catalogue's 50 m."""
    buffers = tmp_path / "owners.csv"
    buffers.write_text("owner,buffer_m\nLingang Group,100\n", encoding="utf-8")
    plain = invoke("cobuild", PLAN, "--out", tmp_path / "plain.csv")
    assert plain.exit_code == 0, plain.output
    wider = invoke("cobuild", PLAN, "--owner-buffers", buffers, "--out", tmp_path / "wide.csv")
    assert wider.exit_code == 0, wider.output
    before, after = shared_trenches(tmp_path / "plain.csv"), shared_trenches(tmp_path / "wide.csv")
    assert "PD-B20;PD-B21" not in before
    assert sorted([*before, "PD-B20;PD-B21"]) == after
    recs = pd.read_csv(tmp_path / "wide.csv").set_index("members")
    assert recs.loc["PD-B20;PD-B21", "distance_m"] == 96.18
    assert recs.loc["PD-B20;PD-B21", "owners"] == "Lingang Group"


def test_cobuild_on_a_site_plan_honours_the_column_options(tmp_path, monkeypatch):
    """Renamed id, date and owner columns are mapped; the file is read once, assets loaded once."""
    plan = gpd.read_file(PLAN)
    for col in ("start_date", "end_date"):
        plan[col] = plan[col].dt.strftime("%Y-%m-%d")
    renamed = plan.rename(
        columns={"project_id": "code", "owner": "maitre", "start_date": "begin",
                 "end_date": "finish"}
    )  # fmt: skip
    src = tmp_path / "renamed.geojson"
    src.write_text(renamed.to_json(), encoding="utf-8")
    calls: dict[str, int] = {"read": 0, "assets": 0}

    def counted(name: str, func: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return func(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(commands, "read_layer", counted("read", commands.read_layer))
    monkeypatch.setattr(cobuild_run, "load_assets", counted("assets", cobuild_run.load_assets))
    res = invoke(
        "cobuild", src, "--id-col", "code", "--start-col", "begin", "--end-col", "finish",
        "--owner-col", "maitre", "--buffer-m", "100", "--out", tmp_path / "renamed.csv",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert calls == {"read": 1, "assets": 1}
    want = invoke("cobuild", PLAN, "--buffer-m", "100", "--out", tmp_path / "plain.csv")
    assert want.exit_code == 0, want.output
    got = pd.read_csv(tmp_path / "renamed.csv")
    pd.testing.assert_frame_equal(got, pd.read_csv(tmp_path / "plain.csv"))
    assert "PD-B20;PD-B21" in shared_trenches(tmp_path / "renamed.csv")


def test_gaps_writes_the_overview_grid(tmp_path):
    out, grid = tmp_path / "g.parquet", tmp_path / "grid.geojson"
    res = invoke("gaps", "--radius-m", "500", "--out", out, "--grid", grid)
    assert res.exit_code == 0, res.output
    assert f"-> {grid}" in res.output
    cells = gpd.read_file(grid)
    assert {"covered_fraction", "area_m2"} <= set(cells.columns)
    assert cells.to_crs(32651).area.max() == pytest.approx(1_000_000, rel=1e-6)  # the catalogue
    weighted = (cells["covered_fraction"] * cells["area_m2"]).sum() / cells["area_m2"].sum()
    assert weighted == pytest.approx(0.1456, abs=0.002)
    assert "covered fraction: 0.14" in res.output


def no_crs_points(path: Path) -> Path:
    """Two towers in degrees in a GeoParquet file that does not say its CRS."""
    towers = gpd.GeoDataFrame(
        {"asset_id": ["T1", "T2"], "asset_type": ["tower", "tower"]},
        geometry=shapely.points([[121.60, 31.20], [121.62, 31.21]]),
    )
    towers.to_parquet(path)
    return path


def test_crs_never_overrides_a_crs_the_file_declares(tmp_path):
    gpkg = tmp_path / "plan.gpkg"
    gpd.read_file(PLAN).to_file(gpkg, engine="pyogrio")
    res = invoke("check", gpkg, "--crs", "EPSG:32651", "--out", tmp_path / "f.csv")
    assert isinstance(res.exception, CRSError)
    text = str(res.exception)
    assert "plan.gpkg" in text and "EPSG:4326" in text and "EPSG:32651" in text
    assert "drop the declaration" in text
    assert not (tmp_path / "f.csv").exists()
    same = invoke("check", gpkg, "--crs", "wgs84", "--out", tmp_path / "f.csv")
    assert same.exit_code == 0, same.output


def test_assets_have_their_own_crs_option(tmp_path):
    assets = no_crs_points(tmp_path / "towers.parquet")
    base = ["check", PLAN, "--assets", assets, "--no-bundled-assets"]
    plan_only = invoke(*base, "--crs", "wgs84", "--out", tmp_path / "a.csv")
    assert isinstance(plan_only.exception, CRSError)  # --crs is the plan's, not the assets'
    assert "towers.parquet" in str(plan_only.exception)
    ok = invoke(*base, "--assets-crs", "wgs84", "--out", tmp_path / "b.csv")
    assert ok.exit_code == 0, ok.output


def test_gaps_sites_and_area_have_their_own_crs_options(tmp_path):
    sites = no_crs_points(tmp_path / "sites.parquet")
    area = tmp_path / "area.parquet"
    gpd.GeoDataFrame(geometry=[shapely.box(121.59, 31.19, 121.63, 31.22)]).to_parquet(area)
    base = ["gaps", "--sites", sites, "--area", area, "--radius-m", "500"]
    missing = invoke(*base, "--sites-crs", "wgs84", "--out", tmp_path / "g1.geojson")
    assert isinstance(missing.exception, CRSError) and "area.parquet" in str(missing.exception)
    ok = invoke(
        *base, "--sites-crs", "wgs84", "--area-crs", "wgs84", "--out", tmp_path / "g.geojson"
    )
    assert ok.exit_code == 0, ok.output
    assert "by 2 sites" in ok.output


def test_partitioned_folder_contradicting_the_option_is_refused(tmp_path):
    folder = tmp_path / "towers.parts"
    ingest(load_assets(), folder, rows_per_part=1000)
    res = invoke("check", PLAN, "--assets", folder, "--assets-crs", "EPSG:32651",
                 "--out", tmp_path / "f.csv")  # fmt: skip
    assert isinstance(res.exception, CRSError)
    text = str(res.exception)
    assert str(folder) in text and "EPSG:4326" in text and "EPSG:32651" in text
    assert "drop --assets-crs" in text and "ingest the source again" in text
    sites = invoke("gaps", "--sites", folder, "--sites-crs", "gcj02", "--radius-m", "500",
                   "--out", tmp_path / "g.geojson")  # fmt: skip
    assert isinstance(sites.exception, CRSError) and "--sites-crs" in str(sites.exception)
    agree = invoke("check", PLAN, "--assets", folder, "--assets-crs", "wgs84",
                   "--out", tmp_path / "f.csv")  # fmt: skip
    assert agree.exit_code == 0, agree.output
