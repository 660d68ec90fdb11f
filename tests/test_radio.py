"""Issue 15: each site its own budget, honest margins, prediction, calibration, sensors."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from shapely.geometry import Point, box

from baseline.check.run import evaluate_rule
from baseline.cobuild.run import recommend
from baseline.coverage import find_gaps, read_area_classes
from baseline.coverage.budget import coverage_radius, link_budget, median_rsrp, street_reach_m
from baseline.coverage.calibrate import calibrate
from baseline.coverage.colocation import colocation_effect
from baseline.coverage.model import site_radii
from baseline.coverage.operators import operator_views
from baseline.coverage.predict import predict
from baseline.coverage.sample import coverage_figure
from baseline.coverage.sitemodel import SiteModel
from baseline.coverage.sites import site_techs
from baseline.errors import BaselineError
from baseline.io.bundled import load, load_assets
from baseline.standard.catalogue import load_standard
from baseline.standard.context import RuleContext
from tests.conftest import ROOT, UTM, utm_frame

X0, Y0 = 380_000.0, 3_450_000.0  # Pudong in UTM 51N


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from baseline.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)  # fmt: skip


# -- 1. each site its own budget ----------------------------------------------------------------


def test_each_site_gets_its_own_technology(std):
    sites = utm_frame([
        {"tech": "5G", "height_m": 10, "kind": "base_station_site", "geometry": Point(0, 0)},
        {"tech": "5G", "height_m": 30, "kind": "base_station_site", "geometry": Point(1, 0)},
        {"tech": None, "height_m": None, "kind": "smart_pole", "geometry": Point(2, 0)},
        {"tech": None, "height_m": None, "asset_type": "tower", "geometry": Point(3, 0)},
        {"tech": None, "band_mhz": 2565, "geometry": Point(4, 0)},
        {"tech": "4G_2100", "geometry": Point(5, 0)},
    ])  # fmt: skip
    got = site_techs(sites, std.coverage).tolist()
    assert got == ["5G_small_cell", "5G_3500", "5G_small_cell", "5G_3500", "5G_2600", "4G_2100"]


def test_unknown_tech_names_the_rows_and_the_fix(std):
    sites = utm_frame([{"tech": "6G", "geometry": Point(0, 0)},
                       {"tech": "5G", "geometry": Point(1, 0)},
                       {"tech": "WiMAX", "geometry": Point(2, 0)}])  # fmt: skip
    with pytest.raises(BaselineError) as info:
        site_techs(sites, std.coverage, source="plan.geojson")
    text = str(info.value)
    assert text.startswith("plan.geojson: row(s) 1, 3 (counted from 1)")
    assert "'6G'" in text and "'WiMAX'" in text and "leave tech empty" in text


def test_pole_sites_of_the_sample_are_small_cells_in_the_check(std, sample_result):
    plan = sample_result.fittings
    sites = plan[plan["kind"] == "base_station_site"]
    techs = pd.Series(site_techs(sites, std.coverage))
    assert (techs == "5G_small_cell").sum() == 53 and (techs == "5G_3500").sum() == 20


# -- 2. a complete budget that makes physical sense ---------------------------------------------


def test_higher_band_reaches_less_at_equal_power(std):
    base = std.coverage.techs["5G_3500"]
    radii = [coverage_radius(base.with_changes(frequency_mhz=f), std.coverage, "urban")
             for f in (760, 1800, 2565, 3500, 4900)]  # fmt: skip
    assert radii == sorted(radii, reverse=True)
    assert radii[0] > 1.5 * radii[-1]


def test_small_cell_reaches_less_than_a_macro(std):
    cov = std.coverage
    assert coverage_radius(cov.techs["5G_small_cell"], cov) < coverage_radius(
        cov.techs["5G_3500"], cov
    )


def test_small_cell_spacing_rule_reads_against_the_street_reach_of_its_own_budget(std):
    """The 37 m disc is the small cell's reach around the corner (UMi NLOS); along its own
    street (UMi LOS, sigma 4 dB) the same budget reaches 278 m, so the catalogue's 360 m
    spacing leaves every point of the road within reach of a cell (no point farther than
    180 m from one, the practice radius of 150-180 m)."""
    cov = std.coverage
    cell = cov.techs["5G_small_cell"]
    disc, reach = coverage_radius(cell, cov, "urban"), street_reach_m(cell, cov, "urban")
    assert round(disc, 1) == 37.4 and round(reach) == 278
    spacing = std.rules["smallcell-spacing-road"].params["threshold_m"]
    assert spacing == 360 and disc < spacing / 2 < reach
    assert street_reach_m(cell, cov, "suburban") > reach  # the lower target reaches further
    assert np.isnan(street_reach_m(cov.techs["5G_3500"], cov))  # a macro has no such reach


def test_the_radii_table_gives_a_small_cells_street_reach(std):
    sites = utm_frame(
        [
            {"tech": "5G_small_cell", "geometry": Point(X0, Y0)},
            {"tech": "5G_3500", "geometry": Point(X0 + 500, Y0)},
        ]
    )
    _, table = site_radii(sites, std.coverage, area_class="urban")
    rows = table.set_index("tech")
    assert round(rows.loc["5G_small_cell", "street_reach_m"]) == 278
    assert np.isnan(rows.loc["5G_3500", "street_reach_m"])


@pytest.mark.parametrize(
    "field",
    ["body_loss_db", "interference_margin_dl_db", "cable_loss_db", "shadow_sigma_db"],
)
def test_every_margin_shrinks_the_radius(std, field):
    p = std.coverage.techs["5G_3500"]
    more = p.with_changes(**{field: getattr(p, field) + 3})
    assert coverage_radius(more, std.coverage) < coverage_radius(p, std.coverage)


def test_penetration_and_probability_shrink_the_radius(std):
    cov, p = std.coverage, std.coverage.techs["5G_3500"]
    assert coverage_radius(p, cov, indoor=True) < coverage_radius(p, cov)
    lower = dataclasses.replace(cov, location_probability=0.9)
    assert coverage_radius(p, lower) > coverage_radius(p, cov)


def test_the_uplink_limits_when_the_ue_is_weak(std):
    cov = std.coverage
    p = cov.techs["5G_3500"].with_changes(ue_power_dbm=0.0)
    b = link_budget(p, cov, "urban")
    assert b.limited_by == "uplink" and b.radius_m == b.radius_ul_m < b.radius_dl_m


def test_every_parameter_has_a_source_with_confidence(std):
    used = {f.name for f in dataclasses.fields(std.coverage.techs["5G_3500"])} - {"id"}
    for name in used - {"offset_db", "slope_db_per_decade", "reference_distance_m", "mcl_db"}:
        assert any(c in std.coverage.sources[name] for c in ("[H", "[M", "[L")), name


# -- 3. urban and suburban targets --------------------------------------------------------------


def test_suburban_target_reaches_further_and_the_layer_sets_it(std):
    cov, p = std.coverage, std.coverage.techs["5G_3500"]
    assert coverage_radius(p, cov, "suburban") > coverage_radius(p, cov, "urban")
    area = utm_frame([{"geometry": box(0, 0, 2000, 1000)}])
    classes = utm_frame([{"area_class": "suburban", "geometry": box(1000, 0, 2000, 1000)}])
    sites = utm_frame([{"geometry": Point(500, 500)}, {"geometry": Point(1500, 500)}])
    r_u, r_s = coverage_radius(p, cov, "urban"), coverage_radius(p, cov, "suburban")
    res = find_gaps(sites, area, cov, area_classes=classes, crs=UTM)
    want = (np.pi * r_u**2 + np.pi * r_s**2) / 2e6
    assert res.covered_fraction == pytest.approx(want, rel=0.01)


def test_bad_area_classes_name_rows_and_fix(std, tmp_path):
    path = tmp_path / "classes.geojson"
    utm_frame([{"area_class": "rural", "geometry": box(0, 0, 1, 1)}]).to_file(path)
    with pytest.raises(BaselineError, match=r"classes.geojson: row\(s\) 1 .*'rural'.*urban"):
        read_area_classes(path, std.coverage)


# -- 4. say what the sites are ------------------------------------------------------------------


def test_the_pudong_figure_names_the_sample_and_its_denominator(std):
    towers, pudong = load("towers"), load("pudong_boundary")
    res = find_gaps(towers, pudong, std.coverage,
                    area_classes=read_area_classes(None, std.coverage))  # fmt: skip
    fig = coverage_figure(res, towers, pudong, std.coverage, bundled_sites=True, bundled_area=True)
    assert fig.sites_in_area == 508 and round(fig.density_per_km2, 2) == 0.30
    assert round(fig.area_km2) == 1696 and 0.02 < fig.covered_fraction < 0.03
    assert "partial 2014 single-operator" in fig.caption("en") and "6%" in fig.caption("en")
    assert "1,210 km²" in fig.denominator("en") and "--area" in fig.denominator("en")
    assert "2014年单一运营商" in fig.caption("zh")


# -- 5. prediction ------------------------------------------------------------------------------


def test_predict_gives_the_best_server_median_in_input_order(std):
    sites = utm_frame([{"site_id": "A", "geometry": Point(X0, Y0)},
                       {"site_id": "B", "geometry": Point(X0 + 1000, Y0)}])  # fmt: skip
    points = utm_frame([{"name": "near B", "geometry": Point(X0 + 900, Y0)},
                        {"name": "near A", "geometry": Point(X0 + 200, Y0)}])  # fmt: skip
    out = predict(sites, points, std.coverage)
    assert out["name"].tolist() == ["near B", "near A"]
    assert out["serving_site"].tolist() == ["B", "A"]
    assert out["distance_m"].tolist() == pytest.approx([100.0, 200.0], abs=0.1)
    want = float(median_rsrp(std.coverage.techs["5G_3500"], 200.0))
    assert out["rsrp_dbm"].iloc[1] == pytest.approx(want, abs=0.05)


def test_predict_refuses_points_beyond_every_reach(std):
    sites = utm_frame([{"site_id": "A", "geometry": Point(X0, Y0)}])
    points = utm_frame([{"geometry": Point(X0 + 100, Y0)}, {"geometry": Point(X0 + 9000, Y0)}])
    with pytest.raises(BaselineError, match=r"pts.csv: 1 point\(s\) at row\(s\) 2 "):
        predict(sites, points, std.coverage, source="pts.csv")


# -- 6. calibration -----------------------------------------------------------------------------


def synthetic_drive_test(std, *, offset=8.0, delta=0.0, n=2000, seed=15) -> tuple:
    rng = np.random.default_rng(seed)
    d = 10 ** rng.uniform(np.log10(30), np.log10(3000), n)
    az = rng.uniform(0, 2 * np.pi, n)
    pts = utm_frame([{"geometry": Point(X0 + a, Y0 + b)}
                     for a, b in zip(d * np.cos(az), d * np.sin(az), strict=True)])  # fmt: skip
    dd = pts.distance(Point(X0, Y0)).to_numpy()
    p = std.coverage.techs["5G_3500"]
    pts["rsrp_dbm"] = median_rsrp(p, dd) + offset + delta * np.log10(dd / 300) + rng.normal(0, 6, n)
    sites = utm_frame([{"site_id": "A", "geometry": Point(X0, Y0)}])
    return pts.to_crs(4326), sites.to_crs(4326)


def test_calibration_recovers_a_known_truth(std):
    pts, sites = synthetic_drive_test(std)
    cal = calibrate(pts, sites, std.coverage, "5G_3500")
    assert cal.samples == 2000
    assert cal.offset_db == pytest.approx(8.0, abs=1.0)
    model = cal.model_slope_db_per_decade
    assert cal.total_slope_db_per_decade == pytest.approx(model, rel=0.10)
    assert cal.before["mean_error_db"] == pytest.approx(8.0, abs=1.0)
    assert abs(cal.after["mean_error_db"]) < 0.5 and cal.after["rmse_db"] == pytest.approx(
        6, abs=0.5
    )
    assert set(cal.bands["band_m"]) >= {"0-100", "100-200", "200-500", "500-1000"}


def test_calibration_recovers_a_changed_slope_and_loads_as_an_override(std, tmp_path):
    pts, sites = synthetic_drive_test(std, offset=8.0, delta=-6.0)
    cal = calibrate(pts, sites, std.coverage, "5G_3500")
    truth = cal.model_slope_db_per_decade + 6.0
    assert cal.total_slope_db_per_decade == pytest.approx(truth, rel=0.10)
    path = tmp_path / "cal.yaml"
    path.write_text(cal.to_yaml(), encoding="utf-8")
    assert yaml.safe_load(path.read_text())["coverage"]["techs"]["5G_3500"]["offset_db"]
    tuned = load_standard(path).coverage.techs["5G_3500"]
    assert (tuned.offset_db, tuned.slope_db_per_decade) == (cal.offset_db, cal.slope_db_per_decade)
    d = np.array([100.0, 1000.0])
    again = pts.copy()
    again["rsrp_dbm"] = np.asarray(median_rsrp(tuned, _distances(pts)))
    assert np.asarray(median_rsrp(tuned, d)).shape == (2,)
    assert calibrate(again, sites, load_standard(path).coverage, "5G_3500").before[
        "mean_error_db"
    ] == pytest.approx(0, abs=0.05)


def _distances(pts: gpd.GeoDataFrame) -> np.ndarray:
    return pts.to_crs(UTM).distance(Point(X0, Y0)).to_numpy()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="rsrp_dbm"), "no column 'rsrp_dbm'"),
        (lambda f: f.assign(rsrp_dbm=np.where(np.arange(len(f)) == 4, -10.0, f["rsrp_dbm"])),
         r"row\(s\) 5 \(counted from 1\) is missing or outside -150..-20 dBm"),
        (lambda f: f.iloc[:20], "calibration needs at least 30"),
    ],
)  # fmt: skip
def test_calibration_refuses_bad_measurements(std, change, message):
    pts, sites = synthetic_drive_test(std, n=200)
    with pytest.raises(BaselineError, match=message):
        calibrate(change(pts), sites, std.coverage, "5G_3500", source="drive.csv")


def test_calibration_refuses_samples_beyond_reach(std):
    pts, sites = synthetic_drive_test(std, n=100)
    far = utm_frame([{"rsrp_dbm": -100.0, "geometry": Point(X0 + 8000, Y0)}]).to_crs(4326)
    both = pd.concat([pts, far], ignore_index=True)
    with pytest.raises(BaselineError, match=r"drive.csv: 1 sample\(s\) at row\(s\) 101 "):
        calibrate(gpd.GeoDataFrame(both, crs=4326), sites, std.coverage, "5G_3500",
                  source="drive.csv")  # fmt: skip


def test_cli_predict_and_calibrate_on_the_bundled_synthetic_drive_test(tmp_path):
    drive = ROOT / "layers" / "drive_test_synthetic.csv"
    towers = ROOT / "layers" / "towers.geojson"
    out = tmp_path / "cal.yaml"
    res = run_cli("calibrate", drive, "--crs", "wgs84", "--sites", towers, "--tech", "5G_3500",
                  "--out", out)  # fmt: skip
    assert res.returncode == 0, res.stderr
    fit = yaml.safe_load(out.read_text())["coverage"]["techs"]["5G_3500"]
    assert fit["offset_db"] == pytest.approx(6.6, abs=1.0)  # truth +6 dB at 300 m, -4 dB/decade
    assert fit["calibration"]["samples"] == 2000
    pred = tmp_path / "pred.csv"
    res = run_cli("predict", "--sites", towers, "--points", drive, "--crs", "wgs84", "--out", pred)
    assert res.returncode == 0, res.stderr
    got = pd.read_csv(pred)
    assert len(got) == 2000 and {"rsrp_dbm", "serving_site", "distance_m", "note"} <= set(got)
    bad = tmp_path / "bad.csv"
    bad.write_text("lon,lat,rsrp\n121.52,31.23,-80\n", encoding="utf-8")
    res = run_cli("calibrate", bad, "--crs", "wgs84", "--sites", towers, "--tech", "5G_3500",
                  "--out", tmp_path / "no.yaml")  # fmt: skip
    assert res.returncode == 2 and "bad.csv: no column 'rsrp_dbm'" in res.stderr
    assert not (tmp_path / "no.yaml").exists()
    res = run_cli("predict", "--sites", towers, "--points", drive, "--crs", "wgs84",
                  "--tech", "6G", "--out", tmp_path / "no.csv")  # fmt: skip
    assert res.returncode == 2 and "'6G'" in res.stderr and not (tmp_path / "no.csv").exists()


# -- 7. per operator ----------------------------------------------------------------------------


def test_coverage_per_operator_and_the_sharing_grid(std):
    area = utm_frame([{"geometry": box(X0, Y0, X0 + 2000, Y0 + 1000)}])
    sites = utm_frame([
        {"operator": "CMCC", "geometry": Point(X0 + 500, Y0 + 500)},
        {"operator": "CT", "geometry": Point(X0 + 500, Y0 + 500)},
        {"operator": "CT", "geometry": Point(X0 + 1500, Y0 + 500)},
    ])  # fmt: skip
    views = operator_views(sites, area, std.coverage)
    table = views.summary.set_index("operator")
    assert table.loc["any", "sites"] == 3
    assert table.loc["CT", "covered_fraction"] == pytest.approx(
        table.loc["any", "covered_fraction"]
    )
    assert table.loc["CMCC", "covered_fraction"] == pytest.approx(
        table.loc["CT", "covered_fraction"] / 2, rel=0.01
    )
    grid = views.sharing_grid(area, 100)
    counts = grid["operators"].value_counts().to_dict()
    assert counts[2] == 4 and counts[1] == 4  # the four cells around each site
    assert {"covered_CMCC", "covered_CT"} <= set(grid.columns)


# -- 8. co-location only where it closes the gap ------------------------------------------------


def test_colocation_on_a_counted_tower_or_one_too_weak_is_refused(std):
    project = gpd.GeoSeries([box(X0, Y0, X0 + 100, Y0 + 100)], crs=UTM)
    tower = {"asset_type": "tower", "asset_id": "T1", "geometry": Point(X0 + 50, Y0 + 50)}
    model = SiteModel(lambda: utm_frame([tower]), std.coverage, UTM)
    hosts = utm_frame([tower, {"asset_type": "tower", "asset_id": "T2",
                               "geometry": Point(X0 + 150, Y0 + 50)},
                       {"asset_type": "pole", "asset_id": "P1",
                        "geometry": Point(X0 + 250, Y0 + 50)}])  # fmt: skip
    pairs = (np.array([0, 0, 0]), np.array([0, 1, 2]))
    e = colocation_effect(project, hosts, pairs, model, ("5G_3500", 0.98))
    assert e.counted.tolist() == [True, False, False]
    assert e.before.tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert e.closes.tolist() == [False, True, True]  # T1 is already counted in its coverage


def test_colocation_lifts_an_uncovered_project_and_states_it(std):
    project = gpd.GeoSeries([box(X0, Y0, X0 + 100, Y0 + 100)], crs=UTM)
    far = utm_frame([{"asset_type": "tower", "geometry": Point(X0 - 5000, Y0)}])
    model = SiteModel(lambda: far, std.coverage, UTM)
    hosts = utm_frame([{"asset_type": "tower", "geometry": Point(X0 + 150, Y0 + 50)},
                       {"asset_type": "pole", "geometry": Point(X0 + 250, Y0 + 50)}])  # fmt: skip
    e = colocation_effect(project, hosts, (np.array([0, 0]), np.array([0, 1])), model,
                          ("5G_3500", 0.98))  # fmt: skip
    assert e.before.tolist() == [0.0, 0.0]
    assert e.after[0] == pytest.approx(1.0, abs=0.01) and e.closes.tolist() == [True, False]
    assert 0 <= e.after[1] < 0.98  # a small cell 200 m away cannot close it


def test_sample_cobuild_no_longer_sends_pd_b17_to_the_tower_it_stands_on(std, sample_result):
    recs = recommend(sample_result, std, assets=load_assets())
    colocate = recs[recs["kind"] == "colocate"]
    assert not colocate["members"].str.contains("PD-B17|PD-B18").any()


# -- 9. sensors that can report -----------------------------------------------------------------


def test_a_sensor_that_cannot_report_is_a_finding_with_its_distance(std):
    projects = utm_frame([
        {"project_id": "P1", "category": "road", "geometry": box(X0, Y0, X0 + 500, Y0 + 50)},
        {"project_id": "P2", "category": "road",
         "geometry": box(X0, Y0 + 9000, X0 + 500, Y0 + 9050)},
    ])  # fmt: skip
    fittings = utm_frame([
        {"kind": "sensor", "project_id": "P1", "feature_id": "S1", "sensor_type": "traffic",
         "geometry": Point(X0 + 100, Y0 + 20)},
        {"kind": "sensor", "project_id": "P2", "feature_id": "S2", "sensor_type": "manhole",
         "geometry": Point(X0 + 100, Y0 + 9020)},
    ])  # fmt: skip
    tower = utm_frame([{"asset_type": "tower", "geometry": Point(X0, Y0)}])
    ctx = RuleContext(projects, fittings, None, SiteModel(lambda: tower, std.coverage, UTM))
    found = evaluate_rule(std.rules["sensor-reach"], ctx, std)
    assert found["status"].tolist() == ["pass", "fail"]
    assert found["measured"].tolist() == [0, 1]
    message = found["message"].iloc[1]
    manhole = link_budget(std.coverage.techs["NB-IoT_800"], std.coverage, extra_loss_db=20)
    assert f"S2 (manhole) 9,021 m > {manhole.radius_m:,.0f} m" in message
    types = evaluate_rule(std.rules["sensor-types-road"], ctx, std)
    assert types["measured"].tolist() == [2, 2]
    assert "missing environment, manhole" in types["message"].iloc[0]


def test_the_manhole_loss_shortens_the_reach(std):
    p, cov = std.coverage.techs["NB-IoT_800"], std.coverage
    pole = link_budget(p, cov, extra_loss_db=cov.placements["pole"]).radius_m
    manhole = link_budget(p, cov, extra_loss_db=cov.placements["manhole"]).radius_m
    under = link_budget(p, cov, extra_loss_db=cov.placements["underground"]).radius_m
    assert pole > manhole > under > 0
    assert shapely.Point(0, 0).distance(shapely.Point(manhole, 0)) == manhole
