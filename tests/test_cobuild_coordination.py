"""Issue 16: co-build a coordinator can defend, on hand-made works with known answers."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString

from baseline.cli.commands import cli
from baseline.cobuild import (
    CobuildOptions,
    find_opportunities,
    headline,
    match_works,
    prepare_works,
    read_previous,
    read_protected,
    summary_line,
)
from baseline.cobuild.stretch import stretch
from baseline.errors import SchemaError
from baseline.standard.params import Compatibility, Source
from tests.conftest import UTM

STREET = LineString([(0, 0), (1000, 0)])


def layer(*rows: dict, crs: str = UTM) -> gpd.GeoDataFrame:
    base = {"owner": "X", "start_date": "2026-03-01", "end_date": "2026-09-30"}
    return gpd.GeoDataFrame([{**base, **r} for r in rows], geometry="geometry", crs=crs)


def run(works: gpd.GeoDataFrame, std, **options) -> gpd.GeoDataFrame:
    return find_opportunities(works, std, options=CobuildOptions(**options)).recs


def only(recs: pd.DataFrame, kind: str) -> pd.Series:
    rows = recs[recs["kind"] == kind]
    assert len(rows) == 1, recs[["kind", "members"]]
    return rows.iloc[0]


# 1. works zones -------------------------------------------------------------------------------


def test_works_drawn_2_2_m_apart_are_heavy_on_their_zones(std):
    """T0001's case: centre lines 2.2 m apart, zones 3.5 m wide (default): the zones overlap."""
    w = layer(
        {"project_id": "a", "geometry": STREET},
        {"project_id": "b", "geometry": LineString([(0, 2.2), (1000, 2.2)])},
    )
    rec = only(run(w, std), "shared_trench")
    assert (rec["severity"], rec["distance_m"]) == ("heavy", 0.0)
    narrow = w.assign(width_m=1.0)  # zones 1 m wide: 2.2 - 0.5 - 0.5 = 1.2 m apart
    rec = only(run(narrow, std), "shared_trench")
    assert (rec["severity"], rec["distance_m"]) == ("light", 1.2)


def test_zone_width_comes_from_the_utility(std):
    w = prepare_works(
        layer(
            {"project_id": "a", "utility": "road", "geometry": STREET},
            {"project_id": "b", "utility": "telecom", "geometry": LineString([(0, 4), (1000, 4)])},
        )
    )
    # road 7.0 m (3.5 each side) and telecom 2.0 m (1.0): 4 - 4.5 < 0, the zones overlap
    p = match_works(w, buffer_m=0, work_width_m=std.cobuild.work_width_m)
    assert p["distance_m"].item() == 0.0
    p = match_works(w, buffer_m=0, work_width_m={"default": 0})
    assert len(p) == 0


# 2. the shared stretch ------------------------------------------------------------------------


@pytest.mark.parametrize("buffer_m", [5, 20, 50, 100, 400])
def test_two_works_sharing_300_m_give_300_m_at_any_buffer(std, buffer_m):
    w = layer(
        {"project_id": "a", "geometry": STREET},
        {"project_id": "b", "geometry": LineString([(700, 3), (1300, 3)])},
    )
    rec = only(run(w, std, buffer_m=buffer_m), "shared_trench")
    assert rec["shared_length_m"] == 300.0
    assert rec["saving_cny"] == 300.0 * std.cobuild.trench_cost_cny_per_m
    assert rec.geometry.length == pytest.approx(300 / 111_000, rel=0.05)  # degrees, WGS84


def test_a_crossing_street_shares_no_stretch_and_only_traffic_management(std):
    w = layer(
        {"project_id": "a", "geometry": STREET},
        {"project_id": "b", "geometry": LineString([(500, -300), (500, 300)])},
    )
    rec = only(run(w, std), "shared_traffic_management")
    assert (rec["shared_length_m"], rec["saving_cny"]) == (0.0, 0.0)
    assert rec["collaboration_type"] == "sharing_traffic_management_only"


def test_a_stub_earns_a_stubs_length():
    stub = LineString([(500, 1), (500, 41)])  # a 40 m connection duct meeting the street
    assert stretch(STREET, stub, 50)[1] == pytest.approx(0.0)
    along = LineString([(500, 1), (540, 1)])  # 40 m laid along the street
    assert stretch(STREET, along, 50)[1] == pytest.approx(40.0)


# 3. time that means something -----------------------------------------------------------------


def test_a_one_day_overlap_is_align_dates_with_the_days_to_move(std):
    w = layer(
        {"project_id": "a", "end_date": "2026-11-30", "geometry": STREET},
        {"project_id": "b", "start_date": "2026-11-30", "end_date": "2027-04-30",
         "geometry": STREET},
    )  # fmt: skip
    rec = only(run(w, std), "align_dates")
    assert (rec["overlap_days"], rec["move_days"], rec["saving_cny"]) == (1, 13, 0.0)
    assert (rec["overlap_start"], rec["overlap_end"]) == ("2026-11-30", "2026-11-30")
    assert "a moves 13 days later, or b 13 days earlier" in rec["explanation"]
    assert "a 推迟 13 天，或 b 提前 13 天" in rec["explanation"]
    fewer = dataclasses.replace(std, cobuild=dataclasses.replace(std.cobuild, min_overlap_days=1))
    assert only(run(w, fewer), "shared_trench")["move_days"] == 0


def test_owner_time_buffers_widen_an_owners_periods(std):
    w = layer(
        {"project_id": "a", "owner": "Gas", "end_date": "2026-05-31", "geometry": STREET},
        {"project_id": "b", "owner": "Telecom", "start_date": "2026-06-10", "geometry": STREET},
    )
    assert run(w, std).empty
    recs = run(w, std, owner_days={"Gas": (0, 10)})
    rec = only(recs, "align_dates")  # matched, but they still have no day in common
    assert rec["overlap_days"] == -9 and "10 days apart" in rec["explanation"]
    assert "a moves 23 days later, or b 23 days earlier" in rec["explanation"]


# 4. who may share -----------------------------------------------------------------------------


def gas_and_telecom() -> gpd.GeoDataFrame:
    return layer(
        {"project_id": "gas", "utility": "gas", "geometry": STREET},
        {"project_id": "tel", "utility": "telecom", "geometry": LineString([(0, 2), (1000, 2)])},
    )


def test_gas_beside_telecom_shares_with_the_tables_clearance_stated(std):
    rec = only(run(gas_and_telecom(), std), "shared_trench")
    assert rec["clearance_m"] == 1.0 and rec["utilities"] == "gas;telecom"
    assert "at least 1.0 m horizontal clearance" in rec["explanation"]
    assert "水平净距不小于 1.0 米" in rec["explanation"]
    assert "confidence L" in rec["compatibility"]


def test_gas_beside_telecom_is_not_shared_where_the_table_says_so(std):
    no = Compatibility(("gas", "telecom"), False, 1.0, Source("district rule", "M"))
    table = tuple(c for c in std.cobuild.compatibility if c.utilities != ("gas", "telecom"))
    strict = dataclasses.replace(
        std, cobuild=dataclasses.replace(std.cobuild, compatibility=(*table, no))
    )
    rec = only(run(gas_and_telecom(), strict), "shared_traffic_management")
    assert rec["saving_cny"] == 0.0
    assert "gas and telecom do not share a trench (district rule; confidence M)" in rec[
        "explanation"]  # fmt: skip


def test_a_road_work_and_a_utility_align_reinstatement(std):
    w = gas_and_telecom().assign(utility=["road", "telecom"])
    rec = only(run(w, std), "align_reinstatement")
    assert rec["collaboration_type"] == "other" and rec["saving_cny"] == 0.0


def test_without_a_utility_column_compatibility_is_not_known(std):
    w = gas_and_telecom().drop(columns="utility")
    rec = only(run(w, std), "shared_trench")
    assert rec["compatibility"].endswith("compatibility not known (no utility given)")


# 5. protected roads ---------------------------------------------------------------------------


def protected_roads(std) -> gpd.GeoDataFrame:
    roads = layer(
        {"road_id": "Century Ave", "kind": "new", "completed_date": "2024-05-01",
         "geometry": STREET},
    )  # fmt: skip
    return read_protected(roads, std.cobuild, "roads.geojson")


def test_a_work_on_a_road_protected_until_2029_is_reported(std):
    roads = protected_roads(std)
    assert roads["until"].item() == pd.Timestamp("2029-05-01")
    w = layer(
        {"project_id": "dig", "start_date": "2027-03-01", "end_date": "2027-06-30",
         "geometry": LineString([(200, 0), (400, 0)])},
        {"project_id": "early", "start_date": "2024-01-01", "end_date": "2024-03-31",
         "geometry": LineString([(600, 0), (800, 0)])},
    )  # fmt: skip
    rec = only(run(w, std, protected=roads), "protected_road")
    assert (rec["members"], rec["overlap_end"]) == ("dig", "2029-05-01")
    assert (
        "Century Ave" in rec["explanation"] and "protected until 2029-05-01" in rec["explanation"]
    )
    assert "join early, which dig it before the protection starts" in rec["explanation"]
    assert "or wait until 2029-05-02" in rec["explanation"]


def test_protection_given_as_a_date_and_works_after_it_are_free(std):
    roads = read_protected(
        layer({"name": "Zhangjiang Rd", "protected_until": "2029-12-31", "geometry": STREET}),
        std.cobuild,
        "roads.gpkg",
    )
    later = layer({"project_id": "later", "start_date": "2030-01-02", "end_date": "2030-02-01",
                   "geometry": STREET})  # fmt: skip
    assert run(later, std, protected=roads).empty
    now = later.assign(start_date="2029-06-01")
    rec = only(run(now, std, protected=roads), "protected_road")
    assert "wait until 2030-01-01" in rec["explanation"]


# 6. lead time ---------------------------------------------------------------------------------


def test_lead_time_per_size_class(std):
    w = layer(
        {"project_id": "big", "registered_date": "2026-02-01", "geometry": STREET},
        {"project_id": "pit", "registered_date": "2026-02-27", "start_date": "2026-03-02",
         "width_m": 1.0, "geometry": LineString([(0, 500), (1, 500)])},
    )  # fmt: skip
    rec = only(run(w, std), "lead_time")
    # 3500 m2 zone: more than 50 m2, 2 months' notice: registered by 2026-01-01, 31 days late
    assert rec["members"] == "big"
    assert "is a large works (3500 m2 zone) and needs 2 month(s) notice" in rec["explanation"]
    assert "31 days short" in rec["explanation"] and "GIPOD category 1" in rec["explanation"]


# 7. utility tunnels ---------------------------------------------------------------------------


def test_a_work_alongside_a_tunnel_with_room_routes_into_it(std):
    tunnels = gpd.GeoDataFrame(
        {"asset_id": ["GL-1", "GL-2"], "asset_type": "utility_tunnel", "spare_capacity": [2, 0]},
        geometry=[LineString([(300, 10), (700, 10)]), LineString([(0, -10), (1000, -10)])],
        crs=UTM,
    )
    w = layer({"project_id": "fibre", "utility": "telecom", "geometry": STREET})
    rec = only(run(w, std, tunnels=tunnels), "route_into_tunnel")
    assert "GL-1" in rec["explanation"] and rec["shared_length_m"] == 400.0
    assert rec["saving_cny"] == 400.0 * std.cobuild.trench_cost_cny_per_m
    assert rec["rec_id"].startswith("U-")


# 8. costs with their source -------------------------------------------------------------------


def test_costs_carry_their_source_and_the_caveat(std):
    recs = run(gas_and_telecom(), std)
    rec = only(recs, "shared_trench")
    assert rec["cost_confidence"] == "L" and "no published unit cost" in rec["cost_source"]
    assert (
        rec["cost_note"].startswith("金额为示意估算")
        and "illustrative estimate" in rec["cost_note"]
    )
    head = headline(recs, std.cobuild, "zh")
    assert head.text == "共建可节约 ¥120 万（示意估算）" and head.value_cny == 1_200_000
    assert (
        headline(recs, std.cobuild, "en").text
        == "Co-build saving CNY 1.20 M (illustrative estimate)"
    )
    assert summary_line(recs, std.cobuild) == (
        "saving 1,200,000 CNY (示意估算 | illustrative estimate)"
    )
    sourced = dict(std.cobuild.sources) | {
        k: Source("a tender", "M")
        for k in ("trench_cost_cny_per_m", "new_site_cost_cny", "pole_mount_saving_cny")
    }
    cob = dataclasses.replace(std.cobuild, sources=sourced)
    assert headline(recs, cob, "en").text == "Co-build saving CNY 1.20 M"
    assert summary_line(recs, cob) == "saving 1,200,000 CNY"


# 9. opportunities remembered ------------------------------------------------------------------


def test_since_reports_new_unchanged_changed_and_expired(std, tmp_path):
    three = layer(
        {"project_id": "a", "geometry": STREET},
        {"project_id": "b", "geometry": LineString([(0, 2), (1000, 2)])},
        {"project_id": "c", "geometry": LineString([(0, 500), (1000, 500)])},
        {"project_id": "d", "geometry": LineString([(0, 502), (1000, 502)])},
    )
    first = run(three, std)
    path = tmp_path / "first.csv"
    frame = pd.DataFrame(first.drop(columns="geometry")).assign(wkt=first.geometry.to_wkt())
    frame.to_csv(path, index=False)
    moved = three.assign(end_date=["2026-09-30", "2026-10-31", "2026-09-30", "2026-09-30"])
    newcomer = layer({"project_id": "e", "geometry": LineString([(0, 4), (1000, 4)])})
    moved = pd.concat([moved[moved["project_id"] != "d"], newcomer], ignore_index=True)
    moved = gpd.GeoDataFrame(moved, crs=UTM)
    again = run(moved, std, previous=read_previous(path), today=pd.Timestamp("2026-01-01"))
    status = dict(zip(again["members"], again["since"], strict=True))
    assert status == {
        "a;b": "changed",
        "a;e": "new",
        "b;e": "new",
        "c;d": "expired: a member left or no longer matches",
    }
    assert again.loc[again["members"] == "a;b", "rec_id"].item() == first.loc[
        first["members"] == "a;b", "rec_id"].item()  # fmt: skip
    same = run(three, std, previous=read_previous(path), today=pd.Timestamp("2027-01-01"))
    assert set(same["since"]) == {"unchanged"}


def test_rec_ids_are_derived_from_members(std):
    a = run(gas_and_telecom(), std)
    b = run(gas_and_telecom().iloc[::-1].reset_index(drop=True), std)
    assert a["rec_id"].tolist() == b["rec_id"].tolist()
    assert a["rec_id"].item().startswith("T-") and len(a["rec_id"].item()) == 10


# Bad input ------------------------------------------------------------------------------------


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(frame: gpd.GeoDataFrame, path) -> object:
    frame.to_crs(4326).to_file(path, driver="GeoJSON")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"utility": ["gas", "fibre"]},
         "works.geojson: unknown utility fibre in 1 row(s) (tel): use one of telecom, power"),
        ({"width_m": [-1.0, 2.0]}, "works.geojson: negative width_m in 1 row(s) (gas): give"),
    ],
)  # fmt: skip
def test_bad_works_values_stop_the_run_with_one_message(tmp_path, change, message):
    src = write(gas_and_telecom().assign(**change), tmp_path / "works.geojson")
    out = tmp_path / "recs.csv"
    res = invoke("cobuild", src, "--out", out)
    assert res.exit_code != 0 and not out.exists()
    assert message in str(res.exception)


def test_bad_works_values_exit_2_from_the_entry_point(tmp_path):
    import subprocess
    import sys

    src = write(gas_and_telecom().assign(utility=["gas", "fibre"]), tmp_path / "works.geojson")
    out = tmp_path / "recs.csv"
    code = "from baseline.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "cobuild", str(src), "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2 and not out.exists()
    assert done.stderr.count("\n") == 1 and "works.geojson" in done.stderr


def test_a_protected_road_file_without_dates_is_refused(tmp_path, std):
    roads = write(layer({"road_id": "R1", "geometry": STREET}), tmp_path / "roads.geojson")
    works = write(gas_and_telecom(), tmp_path / "works.geojson")
    out = tmp_path / "recs.csv"
    res = invoke("cobuild", works, "--protected", roads, "--out", out)
    assert isinstance(res.exception, SchemaError) and not out.exists()
    assert str(res.exception).startswith("roads.geojson: a protected-road file needs dates")
    undated = layer(
        {"road_id": "R1", "kind": "new", "completed_date": None, "geometry": STREET},
        {"road_id": "R2", "kind": "resurfaced", "completed_date": "2025-01-01", "geometry": STREET},
    )
    with pytest.raises(SchemaError) as info:
        read_protected(undated, std.cobuild, "roads.geojson")
    assert str(info.value) == (
        "roads.geojson: road(s) R1 have no date; road(s) R2 have a kind other than new, "
        "major_repair: give each road protected_until (a date), or completed_date (a date) and "
        "kind (new or major_repair)"
    )


def test_since_refuses_a_file_that_is_not_a_previous_output(tmp_path):
    works = write(gas_and_telecom(), tmp_path / "works.geojson")
    other = tmp_path / "findings.csv"
    other.write_text("project_id,rule_id\nP1,r1\n", encoding="utf-8")
    out = tmp_path / "recs.csv"
    res = invoke("cobuild", works, "--since", other, "--out", out)
    assert isinstance(res.exception, SchemaError) and not out.exists()
    assert str(res.exception).startswith(
        "findings.csv: not a previous co-build output: it lacks rec_id, kind, members, "
        "fingerprint, overlap_end"
    )


def test_cli_since_round_trip_and_the_caveat_in_the_summary(tmp_path):
    works = write(gas_and_telecom(), tmp_path / "works.geojson")
    first, second = tmp_path / "first.gpkg", tmp_path / "second.csv"
    res = invoke("cobuild", works, "--out", first)
    assert res.exit_code == 0, res.output
    assert "{'shared_trench': 1}, saving 1,19" in res.output  # ~997 m in the auto metric CRS
    assert " CNY (示意估算 | illustrative estimate) -> " in res.output
    res = invoke("cobuild", works, "--since", first, "--out", second)
    assert res.exit_code == 0, res.output
    assert "since first.gpkg: {'unchanged': 1}" in res.output


# The catalogue ---------------------------------------------------------------------------------

BAD_COBUILD = """
cobuild:
  utilities: [telecom, gas]
  work_width_m: {telecom: -1}
  min_overlap_days: 2.5
  protected_years: {new: 5, resurfaced: 2}
  owner_time_buffers_days: {Gas: {before: -3}}
  compatibility:
    - {utilities: [gas, steam], source: x, confidence: L}
    - {utilities: [gas, telecom], clearance_m: -1, source: x, confidence: Q}
  lead_times:
    large: {min_area_m2: 50, months: 1.5, source: x, confidence: M}
  sources:
    tunnel_reach_m: fifty
"""


def test_new_cobuild_keys_are_validated_all_at_once(tmp_path):
    from baseline.errors import CatalogueError
    from baseline.standard.catalogue import load_standard

    path = tmp_path / "district.yaml"
    path.write_text(BAD_COBUILD, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_standard(path)
    lines = str(info.value).splitlines()
    assert lines[0].endswith("has 9 problem(s):")
    expected = [
        "cobuild.min_overlap_days: bad value 2.5: a whole number of days >= 0",
        "cobuild.work_width_m.telecom: bad value -1: metres >= 0",
        "cobuild.protected_years: unknown kind(s) resurfaced; known: new, major_repair",
        "cobuild.owner_time_buffers_days.Gas: bad value {'before': -3}: {before: days, after: "
        "days}, whole days >= 0",
        "cobuild.compatibility[0].utilities: needs two of telecom, gas",
        "cobuild.compatibility[1].clearance_m: bad value -1: a number >= 0",
        "cobuild.compatibility[1].confidence: must be H, M or L",
        "cobuild.lead_times.large.months: bad value 1.5: a whole number >= 0",
        "cobuild.sources.tunnel_reach_m: needs a 'source' (text)",
    ]
    assert sorted(lines[1:]) == sorted(f"  - {path}: {want}" for want in expected)


def test_every_cobuild_number_has_a_source_and_confidence(std):
    cob = std.cobuild
    numbers = (
        "buffer_m", "gap_days", "trench_cost_cny_per_m", "new_site_cost_cny",
        "pole_mount_saving_cny", "colocation_distance_m", "service_radius_m",
        "pole_mount_distance_m", "work_width_m", "min_overlap_days", "tunnel_reach_m",
        "protected_years", "long_work_m", "reminder_weeks",
    )  # fmt: skip
    assert {k: cob.source_of(k).confidence in "HML" for k in numbers} == dict.fromkeys(
        numbers, True
    )
    assert set(cob.sources) == set(numbers)
    assert cob.source_of("protected_years").confidence == "H"
    assert "第三十三条" in cob.source_of("protected_years").source
    assert all(c.source.source and c.source.confidence in "HML" for c in cob.compatibility)
    assert [(lt.name, lt.min_area_m2, lt.source.confidence) for lt in cob.lead_times] == [
        ("large", 50.0, "M"), ("medium", 3.0, "M"), ("small", 0.0, "M")]  # fmt: skip
    assert cob.costs_illustrative


def test_geometry_sense_point_works_short_members_and_long_works(std):
    """Issue 19 item 6: a point shares no length, 200 m never shares more, 100 km is warned."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from baseline.cobuild import find_opportunities

    dates = {"start_date": "2027-01-01", "end_date": "2027-03-01"}
    rows = [
        {"project_id": "A", "owner": "x", **dates,
         "geometry": LineString([(355000, 3450000), (355200, 3450000)])},
        {"project_id": "B", "owner": "y", **dates,
         "geometry": LineString([(300000, 3450002), (400000, 3450002)])},
        {"project_id": "C", "owner": "z", **dates, "geometry": Point(355100, 3450001)},
    ]  # fmt: skip
    works = gpd.GeoDataFrame(rows, crs="EPSG:32651").to_crs(4326)
    found = find_opportunities(works, std)
    length = found.recs.set_index("members")["shared_length_m"]
    assert length["A;B"] == pytest.approx(200.0, abs=0.5)  # the shorter member's length
    assert length["A;C"] == 0.0 and length["B;C"] == 0.0  # a point digs no stretch
    assert found.messages == [
        "1 work(s) longer than 5,000 m: B (100.0 km); a work that long is usually a corridor "
        "of several digs: check its pairs, or split it by street"
    ]
