"""Issue 14: findings a reviewer can sign -- per building, per clause as written, sourced,
in Chinese all the way and placed on the map.

Each correction quotes the clause it enforces (texts read as listed in the catalogue's
``source.read``).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from baseline.check.run import check
from baseline.errors import SchemaError
from baseline.io.siteplan import siteplan_from_frames
from baseline.reports.check_report import render_html
from tests.conftest import ROOT, UTM


def plan(rows: list[dict], std):
    """A site plan from rows in UTM metres (read as the readers read WGS84 layers)."""
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=UTM).to_crs(4326)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return siteplan_from_frames({"plan": frame}, std, label="test")


def site(pid: str, category: str, x: float = 0, **attrs) -> dict:
    return {"kind": "boundary", "project_id": pid, "category": category,
            "geometry": box(x, 0, x + 300, 200), **attrs}  # fmt: skip


def building(pid: str, bid: str, use: str, x: float, **attrs) -> dict:
    return {"kind": "building", "project_id": pid, "building_id": bid, "use": use,
            "geometry": box(x, 50, x + 60, 110), **attrs}  # fmt: skip


def indoor(x: float, **attrs) -> dict:
    return {"kind": "indoor_coverage", "geometry": box(x + 10, 60, x + 50, 100), **attrs}


def rows_of(result, rule_id: str) -> pd.DataFrame:
    f = result.findings
    return f[f["rule_id"] == rule_id].set_index(["project_id", "building_id"])


# ---- 1. buildings: GB 51456-2023 §3.0.3 "单体建筑面积为10000m2及以上的...建筑" --------------


def test_three_12000_m2_residential_blocks_no_303_fail_and_a_304_row_each(std):
    """§3.0.3-3 单体建筑面积为20000m2及以上的其他民用建筑 (shall);
    §3.0.4-1 7层及以上的居住建筑 (宜)."""
    rows = [site("R", "residential", gfa_m2=36000, floors=11, households=380)]
    rows += [building("R", f"B{i}", "residential", 20 + 80 * i, gfa_m2=12000, floors=11)
             for i in range(3)]  # fmt: skip
    res = check(plan(rows, std), std)
    civil = rows_of(res, "indoor-civil-large")
    assert set(civil["status"]) == {"not_applicable"}
    fails = (res.findings["status"] == "fail") & res.findings["clause"].str.contains("§3.0.3")
    assert not fails.any()
    high = rows_of(res, "indoor-residential-high")
    assert list(high.index) == [("R", "B0"), ("R", "B1"), ("R", "B2")]
    assert set(high["status"]) == {"warn"}
    assert "per-building" not in set(res.findings["rule_id"])


def test_office_campus_tower_without_indoor_system_fails_303(std):
    """§3.0.3-1 单体建筑面积为10000m2及以上的...办公建筑 应配建无线室内覆盖系统基础设施."""
    rows = [site("C", "office", gfa_m2=30000, floors=8),
            building("C", "T1", "office", 20, gfa_m2=15000, floors=8),
            building("C", "T2", "office", 200, gfa_m2=15000, floors=8),
            indoor(20)]  # fmt: skip
    res = check(plan(rows, std), std)
    public = rows_of(res, "indoor-public-large")
    assert public.loc[("C", "T1"), "status"] == "pass"
    assert public.loc[("C", "T2"), "status"] == "fail"
    assert public.loc[("C", "T2"), "clause"] == "GB 51456-2023 §3.0.3-1"


def test_12000_m2_metro_station_without_indoor_system_fails_303(std):
    """§3.0.3-1 lists 交通建筑: a metro station of 10,000 m² or more is one, not only §3.0.4."""
    rows = [site("M", "metro_station", gfa_m2=12000, underground_floors=2),
            site("N", "metro_station", x=1000, gfa_m2=12000),
            building("N", "S", "metro_station", 1020, gfa_m2=12000,
                     underground_floors=2)]  # fmt: skip
    res = check(plan(rows, std), std)
    public = rows_of(res, "indoor-public-large")
    assert public.loc[("M", ""), "status"] == "fail"
    assert public.loc[("N", "S"), "status"] == "fail"
    assert rows_of(res, "indoor-underground").loc[("N", "S"), "status"] == "warn"


def test_project_without_buildings_is_judged_whole_with_a_warning(std):
    rows = [site("W", "office", gfa_m2=30000), indoor(0)]
    res = check(plan(rows, std), std, lang="zh")
    warn = rows_of(res, "per-building").loc[("W", "")]
    assert warn["status"] == "warn"
    assert "按单体建筑判定" in warn["message"] and "building_id" in warn["message"]
    assert rows_of(res, "indoor-public-large").loc[("W", ""), "status"] == "pass"


def test_fittings_tie_to_the_footprint_holding_them_or_the_building_they_name(std):
    rows = [site("C", "office", gfa_m2=30000),
            building("C", "T1", "office", 20, gfa_m2=15000),
            building("C", "T2", "office", 200, gfa_m2=15000),
            {"kind": "indoor_coverage", "building_id": "T2",
             "geometry": Point(150, 20)}]  # fmt: skip
    p = plan(rows, std)
    assert p.fittings["building_id"].tolist() == ["T2"]
    res = check(p, std)
    assert rows_of(res, "indoor-public-large")["status"].tolist() == ["fail", "pass"]


# ---- bad input: one message listing every problem, exit 2, nothing written ----------------


def bad_rows() -> list[dict]:
    return [
        site("P", "residential"),
        building("P", "A", "residential", 20, floors=9),  # no gfa_m2
        building("P", "B", None, 100, gfa_m2=9000),  # no use
        building("P", "C", "residential", 180, gfa_m2=9000),
        building("P", "C", "residential", 200, gfa_m2=9000),  # duplicate id
        {**building("P", "D", "residential", 0, gfa_m2=9000), "geometry": box(250, 150, 400, 300)},
        {"kind": "indoor_coverage", "project_id": "P", "building_id": "Z", "geometry": Point(5, 5)},
    ]


def test_bad_buildings_are_listed_in_one_message(std):
    with pytest.raises(SchemaError) as info:
        plan(bad_rows(), std)
    text = str(info.value)
    for problem in ("P/A: no gfa_m2", "P/B: no 'use'", "P/C: building_id used twice",
                    "P/D: lies outside its project's boundary",
                    "names building P/Z, which is not defined"):  # fmt: skip
        assert problem in text, text


def test_bad_buildings_exit_2_and_nothing_is_written(tmp_path):
    src = tmp_path / "bad.geojson"
    gdf = gpd.GeoDataFrame(bad_rows(), geometry="geometry", crs=UTM).to_crs(4326)
    src.write_text(gdf.to_json(), encoding="utf-8")
    out = tmp_path / "f.csv"
    code = "from baseline.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, "check", str(src), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.count("\n  - ") == 5
    assert not out.exists()


# ---- 2. every correction, with the clause it enforces ---------------------------------------


def test_corrections_follow_the_clauses_as_written(std):
    r = std.rules
    # GB 50846-2012 §3.2.4 配线光缆、用户光缆及配线设备的容量...预留不少于10%的维修余量:
    # about cables and equipment, not duct holes
    assert "duct-spare-ratio" not in r
    assert any("§3.2.4" in m["document"] for m in std.not_encoded)
    # §3.2.1 一个配线区所辖住户数量不宜超过300户，光缆交接箱形成的一个配线区所辖住户数不宜超过120户
    assert r["ftth-households-per-zone"].obligation == "should"
    assert r["ftth-households-per-cabinet"].params["per_fitting"] == "fibre_cabinet"
    # GB 50846 covers residential districts: at H only for residential, local policy elsewhere
    for cat in std.categories.values():
        gb50846 = [std.rules[x] for x in cat.rules if "GB 50846" in std.rules[x].clause]
        assert cat.id == "residential" or not gb50846, cat.id
    assert r["duct-present-local"].confidence == "L" and r["duct-present"].clause.endswith("§1.0.4")
    # §3.0.4-3 有信息化需求的工业建筑 (宜): no area threshold in the clause
    assert r["indoor-industrial"].when == () and r["indoor-industrial"].obligation == "should"
    # §4.1.5 门洞宽度和高度不应小于1.0m、2.1m: both checked
    assert (
        r["room-door"].params["threshold"] == 1.0
        and r["room-door-height"].params["threshold"] == 2.1
    )
    # §4.1.4 馈线洞面积不宜小于0.15m2，馈线洞下沿距离机房地面高度不宜小于2.4m
    assert r["room-feeder-hole"].obligation == r["room-feeder-sill"].obligation == "should"
    # §4.2.4 屋面设置馈线洞时，馈线洞宽度和高度不宜小于400mm×400mm
    assert r["room-roof-feeder-hole"].params["absent"] == "skip"
    # §4.2.2 基站机房的净面积不宜小于20㎡，净宽度不宜小于3m (should)
    assert r["room-area"].obligation == r["room-width"].obligation == "should"
    # GB/T 40994-2021 does not require poles: local policy
    assert (
        r["smart-pole-present"].confidence == "L" and "GB/T" not in r["smart-pole-present"].clause
    )


def test_roof_feeder_hole_only_where_one_is_set(std):
    room = {"kind": "telecom_room", "area_m2": 25, "geometry": Point(10, 10)}
    rows = [site("A", "office"), {**room, "roof_feeder_hole_mm": 300},
            site("B", "office", x=1000), {**room, "geometry": Point(1010, 10)}]  # fmt: skip
    res = check(plan(rows, std), std)
    roof = rows_of(res, "room-roof-feeder-hole")
    assert roof.loc[("A", ""), "status"] == "warn" and roof.loc[("A", ""), "measured"] == 300
    assert roof.loc[("B", ""), "status"] == "not_applicable"


# ---- 3. missing is never zero ------------------------------------------------------------


def test_duct_without_fibres_cannot_be_checked_and_is_not_zero(std):
    duct = {"kind": "duct", "holes": 6, "spare_holes": 1, "operators": 3}
    rows = [site("H", "residential", households=100),
            {**duct, "fibres": 200, "geometry": LineString([(5, 5), (5, -50)])},
            {**duct, "geometry": LineString([(50, 5), (50, -50)])}]  # fmt: skip
    res = check(plan(rows, std), std)
    f = rows_of(res, "ftth-fibres-per-household").loc[("H", "")]
    assert f["status"] == "warn" and np.isnan(f["measured"])
    assert f["message"].startswith("cannot check: missing attribute fibres (fibres")


# ---- 4. sources ---------------------------------------------------------------------------


def test_every_rule_says_where_its_threshold_comes_from(std):
    for rule in std.rules.values():
        assert rule.source["document"] and rule.source["read"], rule.id
        if rule.confidence == "H":
            assert rule.source["read"].startswith("http"), rule.id
    table = std.sources_table("en")
    assert set(table["rule_id"]) == set(std.rules)
    assert {"DG/TJ08-2301-2019", "DG/TJ08-1105-2017", "GB 50311-2016"} <= {
        m["document"] for m in std.not_encoded
    }


def test_standards_sources_lists_thresholds_and_what_is_not_encoded():
    code = "from baseline.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, "standards", "--sources"],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "jianbiaoku.com/webarbs/book/171250/4853735" in done.stdout
    assert "not encoded:" in done.stdout and "DG/TJ08-1105-2017" in done.stdout


# ---- 5. Chinese all the way ---------------------------------------------------------------

_STANDARD_CODE = re.compile(r"(GB/T|GB|DG/TJ|3GPP TR|3GPP TS)\s?[\d.-]+")
_SYMBOL = re.compile(r"[\d.]*(m|mm|kN|dB|dBm|km|ha|G|H|M|L)")
"""Unit symbols (m, kN, dBm), 5G, and the confidence codes H, M, L."""


def english_words(text: str, identifiers: set[str]) -> set[str]:
    """Latin words in ``text`` that are neither identifiers, standard codes nor unit symbols."""
    text = _STANDARD_CODE.sub(" ", html.unescape(text))
    words = {w for w in re.findall(r"[A-Za-z0-9_]+", text) if re.search("[A-Za-z]", w)}
    return {w for w in words if w not in identifiers and not _SYMBOL.fullmatch(w)}


def identifiers(result) -> set[str]:
    """Codes a reader types: ids, category and rule ids, attribute and column names."""
    std = result.standard
    names = set(result.findings["project_id"]) | set(result.findings["building_id"])
    names |= set(std.categories) | set(std.rules) | set(std.fittings) | {"building"}
    for rule in std.rules.values():
        names |= {str(v) for v in rule.params.values() if isinstance(v, str)}
        names |= {str(v) for v in rule.params.get("types", [])}  # sensor_type codes
        names |= {c.attribute for c in rule.when}
    names |= {"building_id", "use", "gfa_m2", "floors", "catalogue", "category", "per"}
    names |= {"assets"}  # the option --assets a coverage message points to
    if "feature_id" in result.fittings:  # the sensors a sentence names
        names |= set(result.fittings["feature_id"].dropna().astype(str))
    return {part for n in names for part in re.findall(r"[A-Za-z0-9_]+", str(n))}


def test_chinese_findings_carry_no_english_words(sample_result, std):
    res = check(plan_of_sample(std), std, lang="zh")
    ids = identifiers(res)
    for column in ("clause", "required", "unit", "message"):
        found = set().union(*(english_words(v, ids) for v in res.findings[column].unique()))
        assert not found, (column, found)


def test_chinese_report_carries_no_english_words(std):
    res = check(plan_of_sample(std), std, lang="zh")
    page = render_html(res)
    page = re.sub(r"<style>.*?</style>|<svg.*?</svg>|<[^>]+>", " ", page, flags=re.S)
    ids = identifiers(res) | {"pudong", "ict", "baseline", "sample_siteplan", "geojson"}
    hashes = {res.standard.content_hash, res.source_sha256, res.created}  # and the ISO time
    text = " ".join(w for w in page.split() if w not in hashes)
    assert not english_words(text, ids), english_words(text, ids)
    assert "本目录尚未编码的要求" in page and "DG/TJ08-2301-2019" in page


def plan_of_sample(std):
    from baseline.io.siteplan import read_siteplan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_siteplan(ROOT / "layers" / "sample_siteplan.geojson", std)


# ---- 6. planning-table columns --------------------------------------------------------------


def test_planning_table_columns_are_read_as_users_write_them(std):
    rows = [
        {"kind": "boundary", "项目编号": "T", "类别": "住宅", "地上建筑面积": 20000,
         "地下建筑面积": 5000, "地上层数": 18, "地下层数": 2, "户数": 200, "用地面积": 60000,
         "geometry": box(0, 0, 300, 200)},
        {"kind": "building", "项目编号": "T", "楼号": "1#", "建筑用途": "住宅",
         "总建筑面积": 25000, "地上层数": 18, "地下层数": 2, "geometry": box(20, 50, 80, 110)},
        {"kind": "duct", "纤芯数": 400, "管孔数": 6, "备用孔": 1, "运营商数": 3,
         "geometry": LineString([(5, 5), (5, -50)])},
    ]  # fmt: skip
    p = plan(rows, std)
    project = p.projects.iloc[0]
    assert (project["gfa_m2"], project["floors"], project["underground_floors"]) == (25000, 18, 2)
    assert project["households"] == 200 and project["site_area_m2"] == 60000
    b = p.buildings.iloc[0]
    assert (b["building_id"], b["use"], b["gfa_m2"]) == ("1#", "residential", 25000)
    res = check(p, std)
    assert rows_of(res, "ftth-fibres-per-household").loc[("T", ""), "measured"] == 2.0
    assert rows_of(res, "indoor-civil-large").loc[("T", "1#"), "status"] == "fail"


# ---- 7. findings on the map -----------------------------------------------------------------


def test_each_finding_carries_the_geometry_it_is_about(std):
    rows = [site("C", "office", gfa_m2=30000),
            building("C", "T1", "office", 20, gfa_m2=15000),
            {"kind": "telecom_room", "area_m2": 15, "geometry": Point(200, 20)}]  # fmt: skip
    res = check(plan(rows, std), std)
    layer = res.findings_layer(UTM).set_index(["building_id", "rule_id"])
    assert layer.loc[("T1", "indoor-public-large")].geometry.equals_exact(
        box(20, 50, 80, 110), 1e-3
    )
    assert layer.loc[("", "room-area")].geometry.distance(Point(200, 20)) < 1e-3
    assert layer.loc[("", "duct-present-local")].geometry.area == pytest.approx(60000, rel=1e-6)


@pytest.mark.parametrize("ext", ["gpkg", "geojson", "zip"])
def test_check_writes_findings_layers_in_cgcs2000(tmp_path, ext):
    out = tmp_path / f"findings.{ext}"
    code = "from baseline.cli import main; main()"
    args = ["check", str(ROOT / "layers" / "sample_siteplan.geojson"), "--lang", "zh",
            "--out", str(out), "--out-crs", "EPSG:4490", "--shp-encoding", "GBK"]  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    if ext == "zip":
        names = zipfile.ZipFile(out).namelist()
        assert {"findings_point.shp", "findings_line.shp", "findings_polygon.shp"} <= set(names)
        got = gpd.read_file(f"zip://{out}!findings_polygon.shp", encoding="GBK")
        assert got.crs.to_epsg() == 4490
        assert got["message"].str.contains("按单体建筑判定").any()
        return
    got = gpd.read_file(out)
    assert got.crs.to_epsg() == 4490  # the CRS asked for, in GeoJSON too (issue 19)
    assert len(got) == 522 and got.geometry.notna().all()  # one row per finding (issues 14, 15)
    assert set(got.loc[got["building_id"] != "", "project_id"]) >= {"PD-B03", "PD-B05"}
