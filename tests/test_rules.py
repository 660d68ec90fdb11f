"""Each rule kind on tiny hand-made geometry in metres, answers known by construction."""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from baseline.check.evaluate import verdict
from baseline.engine import asset_index
from baseline.standard.catalogue import Rule
from baseline.standard.context import note_text
from baseline.standard.rule_kinds import RULE_KINDS, Measured, Outcome, RuleContext
from tests.conftest import UTM, utm_frame


def rule(kind: str, **params) -> Rule:
    return Rule("r", kind, "TEST §1", "H", "shall", {"zh": "测", "en": "t"}, params)


def projects(*rows: dict) -> gpd.GeoDataFrame:
    gdf = utm_frame(list(rows))
    gdf.index = gdf["project_id"].tolist()
    return gdf


def ctx(fittings: list[dict] = (), assets: list[dict] = (), coverage=None) -> dict:
    """What a rule may look at besides the projects (the context is built in `run`)."""
    fits = (
        utm_frame(list(fittings))
        if fittings
        else gpd.GeoDataFrame({"kind": [], "project_id": []}, geometry=[], crs=UTM)
    )
    ass = (
        utm_frame(list(assets))
        if assets
        else gpd.GeoDataFrame({"asset_type": []}, geometry=[], crs=UTM)
    )
    return {"fittings": fits, "assets": asset_index(ass, UTM, {"tower", "pole", "sensor"}),
            "coverage": coverage}  # fmt: skip


def run(r: Rule, p: gpd.GeoDataFrame, c: dict) -> pd.DataFrame:
    """Measure ``r`` for every project of ``p``: measured, ok (True/False/NA), outcome, note."""
    context = RuleContext(p, c["fittings"], c["assets"], c["coverage"])
    kind = RULE_KINDS[r.kind]
    got = kind.evaluate(r, np.arange(len(p)), context)
    codes = verdict(kind, r, got)
    ok = pd.array(codes == 1, dtype="boolean")
    ok[codes == -1] = pd.NA
    frame = {"measured": got.value, "ok": ok, "outcome": got.outcome, "note": got.notes()}
    return pd.DataFrame(frame, index=p.index)


SITE = box(0, 0, 100, 100)


def test_all_kinds_are_registered():
    assert set(RULE_KINDS) == {
        "fitting_present",
        "fitting_attribute",
        "project_ratio",
        "within_distance",
        "coverage_min",
        "spacing_max",
        "density_min",
        "sensor_types",
        "sensor_reach",
    }


def test_fitting_present_counts_own_fittings():
    p = projects({"project_id": "A", "geometry": SITE}, {"project_id": "B", "geometry": SITE})
    c = ctx(
        [
            {"kind": "sensor", "project_id": "A", "geometry": Point(1, 1)},
            {"kind": "sensor", "project_id": "A", "geometry": Point(2, 2)},
            {"kind": "duct", "project_id": "B", "geometry": Point(2, 2)},
        ]
    )
    out = run(rule("fitting_present", fitting="sensor", min_count=2), p, c)
    assert out["measured"].tolist() == [2, 0]
    assert out["ok"].tolist() == [True, False]


def test_room_exactly_at_20_square_metres_passes():
    p = projects(*({"project_id": pid, "geometry": SITE} for pid in "ABCD"))
    c = ctx(
        [
            {"kind": "telecom_room", "project_id": "A", "area_m2": 20.0, "geometry": Point(5, 5)},
            {"kind": "telecom_room", "project_id": "B", "area_m2": 19.99, "geometry": Point(5, 5)},
            {"kind": "telecom_room", "project_id": "C", "area_m2": None, "geometry": Point(5, 5)},
        ]
    )
    r = rule(
        "fitting_attribute",
        fitting="telecom_room",
        attribute="area_m2",
        op=">=",
        threshold=20,
        agg="max",
    )
    out = run(r, p, c)
    assert out.loc["A", "ok"] == True  # noqa: E712
    assert out.loc["B", "ok"] == False  # noqa: E712
    assert pd.isna(out.loc["C", "ok"])
    assert note_text(out.loc["C", "note"], "en") == "missing attribute net area (area_m2)"
    assert out.loc["D", "ok"] == False and out.loc["D", "outcome"] == Outcome.NONE  # noqa: E712


def test_attribute_min_over_ducts_ratio_and_booleans():
    p = projects({"project_id": "A", "geometry": SITE}, {"project_id": "B", "geometry": SITE})
    c = ctx(
        [
            {
                "kind": "duct",
                "project_id": "A",
                "holes": 10,
                "spare_holes": 1,
                "shared": "是",
                "geometry": Point(0, 0),
            },
            {
                "kind": "duct",
                "project_id": "A",
                "holes": 12,
                "spare_holes": 1,
                "shared": True,
                "geometry": Point(0, 0),
            },
            {
                "kind": "duct",
                "project_id": "B",
                "holes": 20,
                "spare_holes": 2,
                "shared": "no",
                "geometry": Point(0, 0),
            },
        ]
    )
    ratio = run(
        rule(
            "fitting_attribute",
            fitting="duct",
            attribute="spare_holes",
            divide_by="holes",
            op=">=",
            threshold=0.1,
            agg="min",
        ),
        p,
        c,
    )
    assert ratio.loc["A", "measured"] == pytest.approx(1 / 12)
    assert ratio["ok"].tolist() == [False, True]
    shared = run(
        rule(
            "fitting_attribute", fitting="duct", attribute="shared", op=">=", threshold=1, agg="min"
        ),
        p,
        c,
    )
    assert shared["measured"].tolist() == [1.0, 0.0]


def test_attribute_per_project_and_skip_when_missing():
    p = projects(
        {"project_id": "A", "households": 100, "geometry": SITE},
        {"project_id": "B", "households": 100, "geometry": SITE},
    )
    c = ctx([{"kind": "duct", "project_id": "A", "fibres": 200, "geometry": Point(0, 0)}])
    out = run(
        rule(
            "fitting_attribute",
            fitting="duct",
            attribute="fibres",
            per_project="households",
            op=">=",
            threshold=2,
            agg="sum",
            missing="skip",
        ),
        p,
        c,
    )
    assert out.loc["A", "measured"] == 2.0 and out.loc["A", "ok"] == True  # noqa: E712
    assert out.loc["B", "outcome"] == Outcome.SKIPPED


def test_project_ratio_households_per_room_boundary():
    p = projects(
        {"project_id": "A", "households": 600, "geometry": SITE},
        {"project_id": "B", "households": 601, "geometry": SITE},
        {"project_id": "C", "households": 50, "geometry": SITE},
    )
    rooms = [
        {"kind": "telecom_room", "project_id": pid, "geometry": Point(1, 1)}
        for pid in ("A", "A", "B", "B")
    ]
    out = run(
        rule(
            "project_ratio",
            attribute="households",
            per_fitting="telecom_room",
            op="<=",
            threshold=300,
        ),
        p,
        ctx(rooms),
    )
    assert out["measured"].tolist()[:2] == [300.0, 300.5]
    assert out["ok"].tolist() == [True, False, False]
    assert math.isinf(out.loc["C", "measured"])


def test_asset_exactly_at_the_distance_threshold_passes():
    p = projects(
        {"project_id": "A", "geometry": SITE},
        {"project_id": "B", "geometry": box(0, 200, 100, 300)},
    )
    towers = [
        {"asset_type": "tower", "geometry": Point(400, 50)},
        {"asset_type": "sensor", "geometry": Point(50, 150)},
    ]
    out = run(
        rule("within_distance", fitting="base_station_site", distance_m=300, existing=["tower"]),
        p,
        ctx(assets=towers),
    )
    assert out.loc["A", "measured"] == 300.0 and out.loc["A", "ok"] == True  # noqa: E712
    assert out.loc["B", "measured"] == pytest.approx(math.hypot(300, 150))
    assert out.loc["B", "ok"] == False  # noqa: E712


def test_within_distance_counts_planned_fittings_of_any_project():
    p = projects({"project_id": "A", "geometry": SITE})
    c = ctx([{"kind": "base_station_site", "project_id": "Z", "geometry": Point(150, 50)}])
    out = run(rule("within_distance", fitting="base_station_site", distance_m=60), p, c)
    assert out.loc["A", "measured"] == 50.0


def test_within_distance_with_nothing_anywhere():
    p = projects({"project_id": "A", "geometry": SITE})
    out = run(rule("within_distance", fitting="base_station_site", distance_m=60), p, ctx())
    assert math.isinf(out.loc["A", "measured"]) and out.loc["A", "ok"] == False  # noqa: E712


def test_coverage_min_uses_the_coverage_function():
    p = projects({"project_id": "A", "geometry": SITE}, {"project_id": "B", "geometry": SITE})
    c = ctx(coverage=lambda geoms, tech: np.array([0.98, 0.97]))
    out = run(rule("coverage_min", tech="5G_3500", threshold=0.98), p, c)
    assert out["ok"].tolist() == [True, False]
    none = run(rule("coverage_min", tech="5G_3500", threshold=0.98), p, ctx())
    assert none["ok"].isna().all() and note_text(none["note"].iloc[0], "zh") == "本次运行无覆盖模型"


def test_spacing_on_a_350_m_road():
    road = LineString([(0, 0), (350, 0)])
    p = projects(
        {"project_id": "R10", "geometry": road},
        {"project_id": "R9", "geometry": road},
        {"project_id": "S", "geometry": SITE},
    )
    poles = [
        {"kind": "smart_pole", "project_id": pid, "geometry": Point(x, 5)}
        for pid, n in (("R10", 10), ("R9", 9))
        for x in np.linspace(0, 350, n)
    ]
    out = run(rule("spacing_max", fitting="smart_pole", threshold_m=35), p, ctx(poles))
    assert out.loc["R10", "measured"] == 35.0 and out.loc["R10", "ok"] == True  # noqa: E712
    assert out.loc["R9", "measured"] == pytest.approx(350 / 9) and out.loc["R9", "ok"] == False  # noqa: E712
    assert note_text(out.loc["S", "note"], "en") == "needs a centreline"


def test_density_per_km_and_per_ha():
    p = projects(
        {"project_id": "R", "geometry": LineString([(0, 0), (1000, 0)])},
        {"project_id": "P", "geometry": box(0, 0, 500, 200)},
    )
    sensors = [
        {"kind": "sensor", "project_id": "R", "geometry": Point(10, 0)},
        {"kind": "sensor", "project_id": "R", "geometry": Point(20, 0)},
        {"kind": "sensor", "project_id": "P", "geometry": Point(20, 20)},
    ]
    per_km = run(
        rule("density_min", fitting="sensor", per="km", threshold=2), p.loc[["R"]], ctx(sensors)
    )
    assert per_km.loc["R", "measured"] == 2.0 and per_km.loc["R", "ok"] == True  # noqa: E712
    per_ha = run(
        rule("density_min", fitting="sensor", per="ha", threshold=0.2), p.loc[["P"]], ctx(sensors)
    )
    assert per_ha.loc["P", "measured"] == pytest.approx(0.1)
    assert per_ha.loc["P", "ok"] == False  # noqa: E712


# ---- a new kind is one registration: the check needs no change -------------------------


def test_a_toy_kind_registered_here_comes_out_of_the_check(monkeypatch, tmp_path):
    """A kind with its own subject, unit and templates gives findings worded by them."""
    from baseline import i18n
    from baseline.check.run import check
    from baseline.io.siteplan import SitePlan
    from baseline.standard.catalogue import load_standard
    from baseline.standard.registry import ParamSchema, Templates, fixed_unit, register

    texts = {
        "subject_toy": {"zh": "{fitting}场地面积", "en": "site area of the {fitting}"},
        "msg_toy_met": {"zh": "{subject}{m}{u}达标", "en": "{subject} is {m}{u}, at least {t}{u}"},
        "msg_toy_unmet": {"zh": "{subject}{m}{u}不足", "en": "{subject} is only {m}{u} < {t}{u}"},
    }
    for key, value in texts.items():
        monkeypatch.setitem(i18n.STRINGS, key, value)
    monkeypatch.setitem(RULE_KINDS, "toy_area", None)  # removed again after the test

    @register(
        "toy_area",
        params=ParamSchema(required=("fitting", "min_m2"), numeric=("min_m2",)),
        threshold="min_m2",
        op=">=",
        unit=fixed_unit("m²"),
        subject=Templates("subject_toy", met="msg_toy_met", unmet="msg_toy_unmet"),
    )
    def toy_area(r, rows, c):
        return Measured.of(shapely.area(c.geometry[rows]))

    over = tmp_path / "toy.yaml"
    over.write_text(
        "rules:\n  toy:\n    kind: toy_area\n    clause: TOY 1\n    confidence: H\n"
        "    obligation: shall\n    title: {zh: 玩具, en: toy}\n"
        "    params: {fitting: boundary, min_m2: 5000}\n"
        "    source: {document: TOY, clause: '1', read: not read}\n"
        "categories:\n  office: {zh: 办公, en: Office, rules: [toy]}\n",
        "utf-8",
    )
    std = load_standard(over)
    plan = projects(
        {"project_id": "BIG", "category": "office", "geometry": box(0, 0, 100, 100)},
        {"project_id": "SMALL", "category": "office", "geometry": box(500, 0, 550, 40)},
    )
    fits = gpd.GeoDataFrame({"kind": [], "project_id": []}, geometry=[], crs=UTM)
    found = check(SitePlan(plan.to_crs(4326), fits.to_crs(4326)), std).findings
    found = found.set_index("project_id")
    assert found["unit"].tolist() == ["m²", "m²"]
    assert found["required"].tolist() == [">= 5000", ">= 5000"]
    assert found.loc["BIG", "status"] == "pass" and found.loc["SMALL", "status"] == "fail"
    assert found.loc["BIG", "measured"] == pytest.approx(10_000, rel=0.02)
    big = "site area of the site boundary is {} m², at least 5000 m²"
    assert found.loc["BIG", "message"] == big.format(f"{found.loc['BIG', 'measured']:.0f}")
    small = found.loc["SMALL", "measured"]
    assert small == pytest.approx(2_000, rel=0.02)
    assert found.loc["SMALL", "message"] == (
        f"site area of the site boundary is only {small:.0f} m² < 5000 m²"
    )
    zh = check(SitePlan(plan.to_crs(4326), fits.to_crs(4326)), std, lang="zh").findings
    assert zh.set_index("project_id").loc["SMALL", "message"].endswith(" m²不足")
