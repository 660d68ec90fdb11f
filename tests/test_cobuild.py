import dataclasses
import warnings

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, box

from baseline.cobuild import (
    REC_COLUMNS,
    REC_KINDS,
    CobuildOptions,
    MatchParams,
    WorksColumns,
    find_opportunities,
    find_pairs,
    match_works,
    prepare_works,
    recommend,
)
from baseline.errors import DataWarning
from baseline.i18n import t
from baseline.io.bundled import load_assets
from baseline.io.formats import read_layer
from baseline.reports.cobuild_report import write_recommendations
from tests.conftest import UTM


def works(*rows) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        [
            {"project_id": i, "start_date": s, "end_date": e, "owner": o, "geometry": g}
            for i, s, e, o, g in rows
        ],
        geometry="geometry",
        crs=UTM,
    )
    return prepare_works(gdf)


ROAD = LineString([(0, 0), (1000, 0)])


def pairs(w, **kw):
    return match_works(w, **{"buffer_m": 50, **kw})


def test_touching_works_are_heavy():
    w = works(
        ("a", "2026-01-01", "2026-06-30", "X", ROAD),
        ("b", "2026-03-01", "2026-09-30", "Y", LineString([(1000, 0), (1000, 500)])),
    )
    p = pairs(w)
    assert p[["a", "b", "severity", "distance_m"]].values.tolist() == [["a", "b", "heavy", 0.0]]
    assert p["overlap_start"].item() == pd.Timestamp("2026-03-01")
    assert p["overlap_end"].item() == pd.Timestamp("2026-06-30")


def test_within_buffer_is_light_and_just_outside_is_not():
    w = works(
        ("a", "2026-01-01", "2026-12-31", "X", ROAD),
        ("b", "2026-01-01", "2026-12-31", "Y", LineString([(0, 50), (1000, 50)])),
        ("c", "2026-01-01", "2026-12-31", "Z", LineString([(0, -50.01), (1000, -50.01)])),
    )
    p = pairs(w)
    assert p[["a", "b", "severity"]].values.tolist() == [["a", "b", "light"]]
    assert p["distance_m"].item() == 50.0
    assert p["shared_length_m"].item() == pytest.approx(1000, abs=1)


def test_dates_touching_on_one_day_match():
    w = works(
        ("a", "2026-01-01", "2026-03-01", "X", ROAD), ("b", "2026-03-01", "2026-05-01", "Y", ROAD)
    )
    assert len(pairs(w)) == 1
    assert pairs(w)["overlap_start"].item() == pairs(w)["overlap_end"].item()


@pytest.mark.parametrize(("gap", "expected"), [(0, 0), (9, 0), (10, 1), (11, 1)])
def test_dates_apart_by_n_days(gap, expected):
    # a ends 2026-03-01, b starts 2026-03-11: ten days apart
    w = works(
        ("a", "2026-01-01", "2026-03-01", "X", ROAD), ("b", "2026-03-11", "2026-05-01", "Y", ROAD)
    )
    p = pairs(w, gap_days=gap)
    assert len(p) == expected
    if expected:
        assert p["days_apart"].item() == 10


def test_asymmetric_owner_buffers():
    w = works(
        ("a", "2026-01-01", "2026-12-31", "Telecom", ROAD),
        ("b", "2026-01-01", "2026-12-31", "Water", LineString([(0, 80), (1000, 80)])),
    )
    assert len(pairs(w)) == 0
    p = pairs(w, owner_buffers={"Telecom": 100})
    assert p["seen_by"].item() == "a"
    both = pairs(w, owner_buffers={"Telecom": 100, "Water": 90})
    assert both["seen_by"].item() == "a;b"


def test_bad_rows_are_skipped_and_named():
    raw = gpd.GeoDataFrame(
        {
            "project_id": ["ok", "nodate", "reversed", "empty"],
            "start_date": ["2026-01-01", None, "2026-05-01", "2026-01-01"],
            "end_date": ["2026-02-01", "2026-02-01", "2026-01-01", "2026-02-01"],
        },
        geometry=[ROAD, ROAD, ROAD, shapely.Polygon()],
        crs=UTM,
    )
    with pytest.warns(DataWarning, match=r"skipped 3 work\(s\).*nodate.*reversed.*empty"):
        w = prepare_works(raw)
    assert w["work_id"].tolist() == ["ok"]


def _brute_force(gdf: gpd.GeoDataFrame, buffer_m: float) -> set[tuple[str, str]]:
    m = gdf.to_crs(2154)
    ids = m["work_id"].to_numpy()
    g = m.geometry.to_numpy()
    s, e = m["start"].to_numpy(), m["end"].to_numpy()
    out = set()
    for i in range(len(m)):
        d = shapely.distance(g[i], g)
        ok = (d <= buffer_m) & (s[i] <= e) & (s <= e[i])
        for j in np.flatnonzero(ok):
            if i != j:
                out.add(tuple(sorted((ids[i], ids[j]))))
    return out


@pytest.fixture(scope="module")
def paris(paris_raw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return prepare_works(paris_raw)


def test_paris_pairs_equal_brute_force(paris):
    found = pairs(paris)
    got = set(zip(found["a"], found["b"], strict=True))
    assert got == _brute_force(paris, 50)
    assert len(got) == 402


def test_paris_exports_open_and_carry_rows(paris_raw, std, tmp_path):
    found = find_opportunities(paris_raw, std, options=CobuildOptions(buffer_m=50))
    recs = found.recs
    assert found.checked is None and sum("skipped 2 work(s)" in m for m in found.messages) == 1
    assert len(recs) == 402
    for ext in ("xlsx", "geojson", "html", "csv", "gpkg"):
        write_recommendations(recs, tmp_path / f"recs.{ext}")
    book = openpyxl.load_workbook(tmp_path / "recs.xlsx")
    assert book.sheetnames == ["summary", "rows"]
    assert book["rows"].max_row == 403
    assert read_layer(tmp_path / "recs.geojson").shape[0] == 402
    assert read_layer(tmp_path / "recs.gpkg").shape[0] == 402
    html = (tmp_path / "recs.html").read_text(encoding="utf-8")
    assert html.count("<tr>") >= 402 and recs["rec_id"].iloc[0] in html
    assert "示意估算 | illustrative estimate" in html
    csv = pd.read_csv(tmp_path / "recs.csv")
    assert list(csv.columns) == [*REC_COLUMNS[:-1], "wkt"]
    saving = csv["saving_cny"] > 0
    assert saving.sum() == 111
    assert csv.loc[saving, "cost_note"].str.contains("示意估算").all()
    assert csv.loc[saving, "cost_note"].str.contains("illustrative estimate").all()
    assert csv.loc[saving, "cost_confidence"].eq("L").all()
    assert book["summary"]["E2"].value == "示意估算 | illustrative estimate"


def test_every_kind_occurs_on_the_pudong_sample(sample_result, std):
    recs = recommend(sample_result, std, assets=load_assets())
    pair_kinds = {"shared_trench", "align_dates", "shared_traffic_management"}
    # no co-location: no existing tower near a failing project lifts it to its threshold
    # (issue 15), so those projects get new shared sites
    assert set(recs["kind"]) == pair_kinds | {"new_shared_site", "pole_mount"}
    assert set(recs["kind"]) <= set(REC_KINDS)
    assert list(recs.columns) == REC_COLUMNS
    shared_site = recs[recs["kind"] == "new_shared_site"].iloc[0]
    assert shared_site["members"] == "PD-B19;PD-B25"
    assert shared_site["saving_cny"] == std.cobuild.new_site_cost_cny
    again = recommend(sample_result, std, assets=load_assets())
    pd.testing.assert_frame_equal(pd.DataFrame(recs), pd.DataFrame(again))
    assert recs["explanation"].str.contains(" \\| ").all()


def test_result_does_not_depend_on_row_order(paris):
    shuffled = paris.sample(frac=1, random_state=3).reset_index(drop=True)
    a = pairs(paris).drop(columns="geometry")
    b = pairs(shuffled).drop(columns="geometry")
    pd.testing.assert_frame_equal(a, b)


def test_polygon_works_share_the_stretch_of_their_long_axes():
    w = works(
        ("a", "2026-01-01", "2026-12-31", "X", box(0, 0, 400, 10)),
        ("b", "2026-01-01", "2026-12-31", "Y", box(100, 20, 300, 30)),
    )
    p = pairs(w)
    # axes y=5 (x 0..400) and y=25 (x 100..300): b runs alongside a from x=100 to x=300
    assert p["shared_length_m"].item() == pytest.approx(200, abs=1e-6)
    assert p["distance_m"].item() == 10.0


def test_one_body_matches_a_frame_as_one_part(paris, paris_raw, std):
    """find_pairs over raw works in memory equals match_works on the prepared works."""
    params = CobuildOptions(buffer_m=50).match_params(std.cobuild)
    assert params == MatchParams(50.0, 0, {}, dict(std.cobuild.work_width_m), {})
    got, messages = find_pairs(paris_raw, params)
    want = match_works(paris, buffer_m=50, gap_days=0, work_width_m=std.cobuild.work_width_m)
    pd.testing.assert_frame_equal(got.drop(columns="geometry"), want.drop(columns="geometry"))
    assert shapely.equals_exact(got.geometry.values, want.geometry.values, 0).all()
    assert messages == [m for m in messages if m.startswith("skipped 2 work(s)")] != []


def test_works_columns_are_honoured(paris_raw, std):
    renamed = paris_raw.drop(columns=["project_id", "owner"]).rename(
        columns={"start_date": "begin", "end_date": "finish"}
    )
    cols = WorksColumns("objectid", "begin", "finish", "maitre_ouvrage")
    a = find_opportunities(renamed, std, options=CobuildOptions(columns=cols, buffer_m=50))
    b = find_opportunities(paris_raw, std, options=CobuildOptions(buffer_m=50))
    pd.testing.assert_frame_equal(pd.DataFrame(a.recs), pd.DataFrame(b.recs))


def test_demand_rules_come_from_the_catalogue(sample_result, std):
    fewer = dataclasses.replace(
        std, cobuild=dataclasses.replace(std.cobuild, demand_rules=("bs-site-present",))
    )
    all_kinds = recommend(sample_result, std, assets=load_assets())["kind"].value_counts()
    some = recommend(sample_result, fewer, assets=load_assets())["kind"].value_counts()
    assert some.get("colocate", 0) + some.get("new_shared_site", 0) < (
        all_kinds.get("colocate", 0) + all_kinds["new_shared_site"]
    )
    assert some["shared_trench"] == all_kinds["shared_trench"]


def test_explanations_come_from_the_i18n_templates(sample_result, std):
    recs = recommend(sample_result, std, assets=load_assets())
    site = recs[recs["kind"] == "new_shared_site"].iloc[0]
    zh = t("cobuild_new_site", "zh", n=2, avoided=1)
    en = t("cobuild_new_site", "en", n=2, avoided=1)
    assert site["explanation"] == f"{zh} | {en}"
    assert zh == "新建1处共享站址服务 2 个项目，少建 1 处"
    host = t("cobuild_colocate", "zh", asset="铁塔", host="SHT1", distance=12.0, n=2)
    assert host.startswith("现状铁塔 SHT1 ")
    assert t("cobuild_colocate", "en", asset="tower", host="SHT1", distance=12.0, n=2).startswith(
        "existing tower SHT1"
    )
