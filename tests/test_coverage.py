import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from baseline.coverage import find_gaps, gaps_run
from baseline.coverage.budget import coverage_radius, link_budget, rs_power_dbm
from baseline.coverage.model import covered_fraction, grid_summary
from baseline.coverage.pathloss import cost231_hata, uma_38901, umi_38901
from baseline.coverage.report import gap_report
from baseline.io.bundled import load
from baseline.io.partitioned import ingest
from tests.conftest import UTM


def test_cost231_hata_by_hand():
    # f = 1800 MHz, hb = 30 m, hm = 1.5 m, d = 1 km, urban (Cm = 3 dB):
    # log f = 3.25527; a(hm) = (1.1*3.25527 - 0.7)*1.5 - (1.56*3.25527 - 0.8) = 0.04298
    # L = 46.3 + 33.9*3.25527 - 13.82*log10(30) - 0.04298 + 0 + 3 = 139.197 dB
    assert float(cost231_hata(1000, f_mhz=1800, h_bs=30, h_ue=1.5)) == pytest.approx(
        139.197, abs=1e-3
    )
    # each decade of distance adds 44.9 - 6.55*log10(30) = 35.225 dB
    ten = float(cost231_hata(10_000, f_mhz=1800, h_bs=30, h_ue=1.5))
    assert ten - 139.197 == pytest.approx(35.225, abs=1e-3)
    assert float(cost231_hata(1000, f_mhz=1800, h_bs=30, h_ue=1.5, urban=False)) == pytest.approx(
        136.197, abs=1e-3
    )


def test_uma_nlos_by_hand():
    # d3D = sqrt(500^2 + 23.5^2) = 500.552; PL'NLOS = 13.54 + 39.08*2.69945 + 20*log10(3.5)
    #     = 13.54 + 105.494 + 10.881 = 129.916 dB; PL_LOS (d < d_BP' = 560.4 m) = 98.269 dB
    assert float(uma_38901(500, f_mhz=3500, h_bs=25, h_ue=1.5)) == pytest.approx(129.916, abs=1e-3)


def test_umi_nlos_by_hand():
    # d3D = sqrt(200^2 + 8.5^2) = 200.181; PL'NLOS = 35.3*2.30142 + 22.4 + 21.3*log10(3.5)
    #     = 81.240 + 22.4 + 11.589 = 115.229 dB
    assert float(umi_38901(200, f_mhz=3500, h_bs=10, h_ue=1.5)) == pytest.approx(115.229, abs=1e-3)


def test_link_budget_radius(std):
    p = std.coverage.techs["5G_3500"]
    b = link_budget(p, std.coverage, "urban")
    # downlink: 53 dBm - 10 log10(3276) + 17 dBi - 0 cable - 3 body - 3 interference + 90 dBm
    #   = 124.847 - 6 = 118.847 dB before the shadow margin
    assert rs_power_dbm(p) == pytest.approx(17.847, abs=1e-3)
    assert b.dl_mapl_db + b.margin_db == pytest.approx(118.847, abs=1e-3)
    # 98 % of the area with sigma 6 dB (Jakes) needs about 8.4 dB at the edge
    assert 8.0 < b.margin_db < 9.0
    r = b.radius_m
    assert float(uma_38901(r, f_mhz=3500, h_bs=25, h_ue=1.5)) == pytest.approx(
        b.dl_mapl_db, abs=0.01
    )
    assert b.limited_by == "downlink" and r == coverage_radius(p, std.coverage, "urban")
    assert 140 < r < 175


def test_site_outside_the_area_covers_its_edge(std):
    area = gpd.GeoDataFrame(geometry=[box(0, 0, 1000, 1000)], crs=UTM)
    sites = gpd.GeoDataFrame(geometry=[Point(-100, 500)], crs=UTM)
    res = find_gaps(sites, area, std.coverage, radius_m=300)
    # circular segment beyond a chord 100 m from the centre: r² acos(d/r) - d sqrt(r² - d²)
    segment = 300**2 * math.acos(100 / 300) - 100 * math.sqrt(300**2 - 100**2)
    assert res.covered_fraction * 1e6 == pytest.approx(segment, rel=0.01)
    assert len(res.gaps) == 1


def test_invalid_sites_are_counted_and_skipped(std):
    area = gpd.GeoDataFrame(geometry=[box(121.5, 31.2, 121.51, 31.21)], crs=4326)
    sites = gpd.GeoDataFrame(
        geometry=[Point(121.505, 31.205), Point(float("nan"), 31.2), None, Point(500, 31.2)],
        crs=4326,
    )
    res = find_gaps(sites, area, std.coverage, radius_m=100)
    assert (res.sites_used, res.sites_skipped) == (1, 3)


def test_sectors_when_azimuth_and_beamwidth_exist(std):
    area = gpd.GeoDataFrame(geometry=[box(-1000, -1000, 1000, 1000)], crs=UTM)
    sites = gpd.GeoDataFrame(
        {"azimuth": [0.0], "beamwidth": [120.0]}, geometry=[Point(0, 0)], crs=UTM
    )
    res = find_gaps(sites, area, std.coverage, radius_m=500)
    assert res.covered_fraction * 4e6 == pytest.approx(math.pi * 500**2 / 3, rel=0.02)


def test_covered_fraction_half_a_square():
    union = box(0, 0, 50, 100)
    geoms = gpd.GeoSeries([box(0, 0, 100, 100), box(200, 0, 300, 100)], crs=UTM)
    assert covered_fraction(geoms, union).tolist() == [0.5, 0.0]


def test_pudong_fraction_matches_an_independent_raster_count(std):
    towers, pudong = load("towers"), load("pudong_boundary")
    res = find_gaps(towers, pudong, std.coverage, radius_m=500)
    region = pudong.to_crs(UTM).union_all()
    minx, miny, maxx, maxy = region.bounds
    step = 100.0
    xs, ys = np.meshgrid(
        np.arange(minx + step / 2, maxx, step), np.arange(miny + step / 2, maxy, step)
    )
    pts = shapely.points(xs.ravel(), ys.ravel())
    pts = pts[shapely.contains_xy(region, xs.ravel(), ys.ravel())]
    tree = shapely.STRtree(towers.to_crs(UTM).geometry.values)
    hit = np.unique(tree.query(pts, predicate="dwithin", distance=500)[0])
    raster = len(hit) / len(pts)
    assert abs(res.covered_fraction - raster) < 0.005
    assert res.sites_used == 2425


def test_grid_and_report(std, sample_result):
    towers, pudong = load("towers"), load("pudong_boundary")
    res = find_gaps(towers, pudong, std.coverage)
    grid = grid_summary(res, pudong, 2000)
    weighted = (grid["covered_fraction"] * grid["area_m2"]).sum() / grid["area_m2"].sum()
    assert weighted == pytest.approx(res.covered_fraction, abs=0.002)
    from baseline.io.siteplan import SitePlan

    plan = SitePlan(sample_result.projects, sample_result.fittings)
    ranked, table = gap_report(res, pudong, plan)
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
    first = ranked.iloc[0]
    assert first["projects"] != "" and first["project_area_m2"] > 0
    assert set(table["level"]) == {"area", "project"}
    assert table.loc[table["level"] == "area", "covered_fraction"].item() == pytest.approx(
        res.covered_fraction, abs=1e-4
    )


def test_gaps_run_gives_gaps_summary_and_the_catalogue_grid(std, sample_result):
    from baseline.io.siteplan import SitePlan

    towers, pudong = load("towers"), load("pudong_boundary")
    plan = SitePlan(sample_result.projects, sample_result.fittings)
    run = gaps_run(towers, pudong, std.coverage, plan=plan, radius_m=500)
    res = find_gaps(towers, pudong, std.coverage, radius_m=500)
    assert run.result.covered_fraction == res.covered_fraction
    assert run.gaps["rank"].tolist() == list(range(1, len(res.gaps) + 1))
    assert run.gaps.crs.to_epsg() == 4326
    assert run.summary["level"].value_counts().to_dict() == {"project": 33, "area": 1}
    # the overview grid uses the catalogue's cell (1,000 m), not the app's old 500 m
    grid = run.grid
    assert grid.crs.to_epsg() == 4326
    assert grid.to_crs(UTM).area.max() == pytest.approx(1_000_000, rel=1e-6)
    assert len(grid) == len(grid_summary(res, pudong, 1000))
    assert grid["covered_fraction"].between(0, 1).all()
    weighted = (grid["covered_fraction"] * grid["area_m2"]).sum() / grid["area_m2"].sum()
    assert weighted == pytest.approx(res.covered_fraction, abs=0.002)


def test_partitioned_sites_on_the_local_engine_equal_one_frame(std, tmp_path):
    """One body: a partitioned layer is its parts, a GeoDataFrame one part; same gaps."""
    towers, pudong = load("towers"), load("pudong_boundary")
    layer = ingest(towers, tmp_path / "towers", rows_per_part=400)
    assert len(layer.parts) > 5
    a = find_gaps(towers, pudong, std.coverage)
    b = find_gaps(layer, pudong, std.coverage)
    assert (a.sites_used, a.sites_skipped) == (b.sites_used, b.sites_skipped)
    assert b.covered_fraction == pytest.approx(a.covered_fraction, abs=1e-12)
    np.testing.assert_allclose(b.gaps["area_m2"], a.gaps["area_m2"], rtol=1e-9, atol=1e-3)
    assert b.radii["sites"].sum() == a.radii["sites"].sum() == a.sites_used
