import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from baseline.check.run import FINDING_COLUMNS, check
from baseline.io.dxf import write_dxf
from baseline.io.siteplan import read_siteplan, siteplan_from_frames
from baseline.standard.rule_kinds import RULE_KINDS
from tests.conftest import UTM


def plan_rows() -> list[dict]:
    """Three offices: 10,000 m² (indoor rule applies), 9,999 m² (does not), no floor area."""
    rows = []
    for k, (pid, gfa) in enumerate((("A", 10000), ("B", 9999), ("C", None))):
        x = k * 1000
        rows.append(
            {
                "kind": "boundary",
                "project_id": pid,
                "category": "office",
                "gfa_m2": gfa,
                "name": f"办公{pid}",
                "geometry": box(x, 0, x + 100, 100),
            }
        )
        rows.append(
            {
                "kind": "telecom_room",
                "project_id": pid,
                "area_m2": 20.0 if pid != "B" else 15.0,
                "width_m": 3.0,
                "clear_height_m": 2.8,
                "floor_load_kn_m2": 6.0,
                "feeder_hole_m2": 0.15,
                "door_width_m": 1.0,
                "geometry": Point(x + 10, 10),
            }
        )
        rows.append(
            {
                "kind": "duct",
                "holes": 10,
                "spare_holes": 1,
                "operators": 3,
                "geometry": LineString([(x + 50, 50), (x + 50, -30)]),
            }
        )
    rows.append(
        {
            "kind": "boundary",
            "project_id": "D",
            "category": "data_centre",
            "geometry": box(5000, 0, 5100, 100),
        }
    )
    rows[0]["gfa_m2"] = 10000
    return rows


def tiny_plan(std):
    frame = gpd.GeoDataFrame(plan_rows(), geometry="geometry", crs=UTM).to_crs(4326)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return siteplan_from_frames({"plan": frame}, std, label="tiny")


@pytest.fixture
def tiny(std):
    return check(tiny_plan(std), std, lang="en")


def finding(res, pid, rid):
    f = res.findings
    return f[(f["project_id"] == pid) & (f["rule_id"] == rid)].iloc[0]


def test_columns_and_one_row_per_project_and_rule(tiny, std):
    f = tiny.findings
    assert list(f.columns) == FINDING_COLUMNS
    assert not f.duplicated(["project_id", "building_id", "rule_id"]).any()
    # every rule of the category, and the warning that it was judged as one building
    assert (f["project_id"] == "A").sum() == len(std.categories["office"].rules) + 1


def test_building_of_exactly_10000_square_metres_needs_indoor_coverage(tiny):
    a = finding(tiny, "A", "indoor-public-large")
    assert a["status"] == "fail"
    assert a["message"] == "indoor coverage system count 0 < 1 required (GB 51456-2023 §3.0.3-1)"
    b = finding(tiny, "B", "indoor-public-large")
    assert b["status"] == "not_applicable"
    assert b["message"] == "not applicable: applies when floor area (gfa_m2) ≥ 10000 (here 9999)"


def test_missing_attribute_is_a_warning_naming_it(tiny):
    c = finding(tiny, "C", "indoor-public-large")
    assert c["status"] == "warn"
    assert "gfa_m2" in c["message"]


def test_room_area_message_and_boundary(tiny):
    assert finding(tiny, "A", "room-area")["status"] == "pass"
    b = finding(tiny, "B", "room-area")
    # GB 51456-2023 §4.2.2: 基站机房的净面积不宜小于20㎡ -- "should": a smaller room warns
    assert b["status"] == "warn"
    assert b["measured"] == 15.0
    assert b["required"] == ">= 20"
    assert b["message"] == "telecom room net area 15 m² < 20 m² required (GB 51456-2023 §4.2.2)"


def test_fittings_without_id_are_tied_by_location(tiny):
    assert finding(tiny, "A", "duct-spare-holes-local")["measured"] == 1


def test_unknown_category_gives_a_warn_row(tiny):
    d = tiny.findings[tiny.findings["project_id"] == "D"]
    assert d["status"].tolist() == ["warn"]
    assert "data_centre" in d["message"].iloc[0]


def test_should_rules_warn_and_chinese_messages(std):
    res = check(tiny_plan(std), std, lang="zh")
    b = finding(res, "B", "room-area")
    assert b["message"] == "通信机房使用面积15 m²，不满足≥20 m²的要求（GB 51456-2023 §4.2.2）"
    assert b["status"] == "warn"
    assert "room-area" not in set(res.findings.loc[res.findings["status"] == "fail", "rule_id"])


def test_result_is_independent_of_row_order(std):
    rows = plan_rows()
    rng = np.random.default_rng(7)
    shuffled = [rows[i] for i in rng.permutation(len(rows))]
    frames = [
        gpd.GeoDataFrame(r, geometry="geometry", crs=UTM).to_crs(4326) for r in (rows, shuffled)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = (check(siteplan_from_frames({"p": f}, std), std).findings for f in frames)
    pd.testing.assert_frame_equal(a, b)


# ---- the same plan in three input forms gives the same findings ---------------------------


def _form_rows():
    rows = plan_rows()[:-1]
    for r in rows:
        r.setdefault("project_id", None)
    return rows


def _write_forms(tmp_path):
    rows = _form_rows()
    utm = gpd.GeoDataFrame(rows, geometry="geometry", crs=UTM)
    wgs = utm.to_crs(4326)
    gj = tmp_path / "plan.geojson"
    gj.write_text(wgs.to_json(), encoding="utf-8")
    gpkg = tmp_path / "plan.gpkg"
    for kind, part in wgs.groupby("kind"):
        part.drop(columns="kind").dropna(axis=1, how="all").to_file(
            gpkg, layer=kind, engine="pyogrio"
        )
    cad = utm.assign(
        Layer=utm["kind"].map(
            {"boundary": "用地红线", "telecom_room": "通信机房", "duct": "通信管道"}
        )
    )
    dxf = tmp_path / "plan.dxf"
    write_dxf(cad.drop(columns="kind"), dxf)
    return {"geojson": (gj, None), "gpkg": (gpkg, None), "dxf": (dxf, "EPSG:32651")}


def test_three_input_forms_give_the_same_findings(tmp_path, std):
    results = {}
    for form, (path, crs) in _write_forms(tmp_path).items():
        plan = read_siteplan(path, std, crs=crs)
        f = check(plan, std).findings
        results[form] = f.assign(measured=f["measured"].round(3))[
            ["project_id", "rule_id", "status", "measured"]
        ]
    pd.testing.assert_frame_equal(results["geojson"], results["gpkg"])
    pd.testing.assert_frame_equal(results["geojson"], results["dxf"])
    assert len(results["dxf"]) > 40


# ---- the bundled Pudong sample, end to end ------------------------------------------------


def test_every_rule_kind_passes_and_fails_somewhere_on_the_sample(sample_result, std):
    f = sample_result.findings
    kinds = f["rule_id"].map(lambda r: std.rules[r].kind if r in std.rules else None)
    table = pd.crosstab(kinds, f["status"])
    assert set(table.index) == set(RULE_KINDS)
    assert (table["pass"] > 0).all(), table
    # should-rules warn; every sensor of the sample is within NB-IoT reach of the bundled
    # towers, so sensor_reach fails only on hand-made plans (tests/test_radio.py)
    unmet = (table["fail"] + table["warn"]).drop("sensor_reach")
    assert (unmet > 0).all(), table


def test_sample_numbers(sample_result):
    f = sample_result.findings
    assert len(sample_result.projects) == 33
    assert f.loc[(f.project_id == "PD-B02") & (f.rule_id == "room-area"), "measured"].item() == 15.0
    hub = f[(f.project_id == "PD-B12") & (f.rule_id == "bs-site-present")]
    assert hub["status"].item() == "fail"
    assert sample_result.fittings["failing"].any()


def test_a_buildings_failed_rule_marks_only_the_fittings_in_that_building(sample_result):
    fits = sample_result.fittings
    b03 = fits[fits["project_id"] == "PD-B03"]
    # tower T2 lacks indoor coverage; the system T1 has is not what failed
    t1 = b03[(b03["kind"] == "indoor_coverage") & (b03["building_id"] == "T1")]
    assert len(t1) == 1 and not t1["failing"].item()
    assert not b03["failing"].any()
    # whole-project rules still mark their project's fittings: 34 in the sample
    assert int(fits["failing"].sum()) == 34
    assert fits.loc[fits["project_id"] == "PD-R02", "failing"].sum() == 27  # its smart poles
