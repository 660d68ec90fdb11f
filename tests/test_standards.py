import dataclasses
from pathlib import Path

import pytest

from baseline.errors import CatalogueError
from baseline.standard.catalogue import load_standard
from tests.conftest import ROOT

# (clause, rule id, parameter, value): every number of shared/reference/standards-and-anchors.md
REFERENCE = [
    ("GB 51456-2023 §1.0.4", "telecom-room-present", "min_count", 1),
    ("GB 51456-2023 §1.0.5", "bs-site-shared", "threshold", 1),
    ("GB 51456-2023 §3.0.3", "indoor-public-large", "when:gfa_m2", 10000),
    ("GB 51456-2023 §3.0.3", "indoor-sports-seats", "when:seats", 3000),
    ("GB 51456-2023 §3.0.3", "indoor-civil-large", "when:gfa_m2", 20000),
    ("GB 51456-2023 §3.0.4", "indoor-residential-high", "when:floors", 7),
    ("GB 51456-2023 §3.0.4", "indoor-underground", "min_count", 1),
    ("GB 51456-2023 §3.0.4", "indoor-industrial", "min_count", 1),
    ("GB 51456-2023 §4.2.2", "room-area", "threshold", 20),
    ("GB 51456-2023 §4.2.2", "room-width", "threshold", 3.0),
    ("GB 51456-2023 §4.1.2", "room-clear-height", "threshold", 2.8),
    ("GB 51456-2023 §4.1.3", "room-floor-load", "threshold", 6.0),
    ("GB 51456-2023 §4.1.4", "room-feeder-hole", "threshold", 0.15),
    ("GB 51456-2023 §4.1.5", "room-door", "threshold", 1.0),
    ("GB 51456-2023 §4.1.5", "room-door-height", "threshold", 2.1),
    ("GB 51456-2023 §4.1.4", "room-feeder-sill", "threshold", 2.4),
    ("GB 51456-2023 §4.2.4", "room-roof-feeder-hole", "threshold", 400),
    ("GB 50846-2012 §3.2.1", "ftth-households-per-zone", "threshold", 300),
    ("GB 50846-2012 §3.2.1", "ftth-households-per-cabinet", "threshold", 120),
    ("GB 50846-2012 §3.2.2", "duct-operators", "threshold", 3),
    ("GB 50846-2012 §3.2.3", "duct-spare-holes", "threshold", 1),
    ("GB 50846-2012 §3.2.6", "ftth-fibres-per-household", "threshold", 2),
    ("GB/T 40994-2021 §5.2.4", "pole-top-mount", "threshold", 1),
    ("GB/T 40994-2021 §5.2.5", "pole-cable-hole", "threshold", 20),
    ("GB/T 40994-2021", "bs-site-fibre", "threshold", 4),
    ("trunk/secondary", "pole-spacing-trunk", "threshold_m", 35),
    ("branch", "pole-spacing-branch", "threshold_m", 30),
    ("98 %", "coverage-outdoor", "threshold", 0.98),
    ("0.2 km²", "macro-room-density", "threshold", 5),
    ("50,000 m²", "indoor-room-per-gfa", "threshold", 50000),
]


@pytest.mark.parametrize(("clause", "rid", "param", "value"), REFERENCE)
def test_reference_rules_are_encoded_with_clause(std, clause, rid, param, value):
    rule = std.rules[rid]
    assert clause in rule.clause
    if param.startswith("when:"):
        attr = param.split(":")[1]
        assert [c.value for c in rule.when if c.attribute == attr] == [value]
    else:
        assert rule.params.get(param, 1) == value


def test_confidence_marks_follow_the_reference(std):
    assert std.rules["room-area"].confidence == "H"
    assert std.rules["pole-cable-hole"].confidence == "M"
    assert std.rules["pole-spacing-trunk"].confidence == "L"
    assert std.rules["sensor-density-road"].confidence == "L"
    assert std.rules["indoor-residential-high"].obligation == "should"


def test_coverage_and_cobuild_parameters_live_in_the_catalogue(std):
    assert std.coverage.area_classes["urban"].rsrp_dbm == -90
    assert std.coverage.area_classes["suburban"].rsrp_dbm == -95
    assert std.coverage.techs["5G_3500"].shadow_sigma_db == 6
    assert std.coverage.techs["NB-IoT_800"].mcl_db == 164
    assert std.cobuild.buffer_m == 50
    assert std.cobuild.trench_cost_cny_per_m > 0


def test_typed_parameters_are_frozen_and_complete(std):
    tech = std.coverage.techs["4G_1800"]
    assert (tech.id, tech.model, tech.frequency_mhz, tech.environment) == (
        "4G_1800",
        "uma_38901",
        1800,
        "urban",
    )
    assert tech.cable_loss_db == 0.5 and tech.at_height(40).bs_height_m == 40
    assert std.coverage.default_tech == "5G_3500"
    assert std.coverage.grid_cell_m == 1000.0
    assert std.cobuild.demand_rules == ("coverage-outdoor", "bs-site-nearby", "bs-site-present")
    assert std.cobuild.owner_buffers_m == {}
    assert std.cobuild.pole_mount_saving_cny == 15000
    with pytest.raises(dataclasses.FrozenInstanceError):
        std.cobuild.buffer_m = 1  # type: ignore[misc]


BAD_PARAMETERS = """
cobuild:
  buffer_m: -1
  service_radius_m: far
  owner_buffers_m: {Telecom: -5}
  demand_rules: [coverage-outdoor, ghost-rule]
coverage:
  default_tech: 6G
  grid_cell_m: 0
  techs:
    5G_3500: {frequency_mhz: null}
    4G_1800: {model: okumura, environment: rural, cable_loss_db: -2}
"""


def test_bad_cobuild_and_coverage_parameters_are_listed_at_once(tmp_path):
    path = tmp_path / "district.yaml"
    path.write_text(BAD_PARAMETERS, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_standard(path)
    lines = str(info.value).splitlines()
    assert lines[0].endswith("has 10 problem(s):")
    expected = [
        "cobuild.buffer_m: bad value -1: a number >= 0",
        "cobuild.service_radius_m: bad value 'far': a number >= 0",
        "cobuild.owner_buffers_m.Telecom: bad value -5: a number >= 0",
        "cobuild.demand_rules: rule 'ghost-rule' is referenced but not defined",
        "coverage.techs.5G_3500.frequency_mhz: bad value None: a number > 0",
        "coverage.techs.4G_1800.model: needs a model, one of "
        "cost231_hata, uma_38901, umi_38901, umi_38901_los",
        "coverage.techs.4G_1800.cable_loss_db: bad value -2: a number >= 0",
        "coverage.techs.4G_1800.environment: must be one of urban, suburban",
        "coverage.default_tech: unknown tech '6G'; known: 5G_700, 4G_1800, 4G_2100, 5G_2600, "
        "5G_3500, 5G_4900, 5G_small_cell, NB-IoT_800",
        "coverage.grid_cell_m: bad value 0: a number > 0",
    ]
    assert sorted(lines[1:]) == sorted(f"  - {path}: {want}" for want in expected)


def test_plausible_values_and_asset_types_live_in_the_catalogue(std):
    gfa = std.plausible_values["gfa_m2"]
    assert (gfa.min, gfa.max, gfa.source.confidence) == (0.0, 5_000_000.0, "L")
    assert (std.plausible_values["floors"].min, std.plausible_values["floors"].max) == (-20, 200)
    assert std.plausible_values["households"].max == 100_000
    assert list(std.asset_types) == ["tower", "pole", "sensor", "duct"]
    assert std.asset_types["tower"][:3] == ("tower", "铁塔", "通信铁塔")
    assert "智慧灯杆" in std.asset_types["pole"]


BAD_INPUTS = """
plausible_values:
  gfa_m2: {max: big}
  floors: {min: 5, max: 1, source: "typo", confidence: L}
  households: {min: 0, max: 10, source: "x", confidence: Z}
asset_types:
  pole: [pole, TOWER]
  sensor: 传感器
"""


def test_bad_bounds_and_asset_names_are_listed_at_once(tmp_path):
    path = tmp_path / "district.yaml"
    path.write_text(BAD_INPUTS, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_standard(path)
    lines = str(info.value).splitlines()
    assert lines[0].endswith("has 5 problem(s):")
    expected = [
        "plausible_values.gfa_m2.max: bad value 'big': a number",
        "plausible_values.floors: min 5 is above max 1",
        "plausible_values.households.confidence: must be H, M or L",
        "asset_types.pole: name 'TOWER' is also a name of tower",
        "asset_types.sensor: must be a list of names (text)",
    ]
    assert sorted(lines[1:]) == sorted(f"  - {path}: {want}" for want in expected)


def test_a_tech_without_its_frequency_is_named(tmp_path):
    path = tmp_path / "complete.yaml"
    text = (ROOT / "standards" / "pudong-ict-baseline.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("      frequency_mhz: 3500\n", "", 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_standard(path, include_default=False)
    assert "1 problem(s)" in str(info.value)
    assert "coverage.techs.5G_3500: missing 'frequency_mhz'" in str(info.value)


def test_every_category_is_bilingual_and_has_rules(std):
    required = {
        "road",
        "residential",
        "office",
        "commercial",
        "school",
        "hospital",
        "culture",
        "park",
        "metro_station",
        "transport_hub",
        "industrial",
    }
    assert required <= set(std.categories)
    for cat in std.categories.values():
        assert cat.zh and cat.en and cat.rules
    assert std.category_label("road", "zh") == "道路"
    assert std.dxf_layers["用地红线"] == "boundary"


def test_version_and_hash(std):
    assert std.version == "2026.11"
    assert len(std.content_hash) == 64


BROKEN = """
standard: {id: broken, version: "1"}
categories:
  road: {zh: 道路, en: Road, rules: [a-rule, ghost-rule]}
  park: {zh: 公园, en: Park, rules: []}
rules:
  a-rule:
    kind: teleport
    clause: X
    confidence: H
    obligation: shall
    title: {zh: 甲, en: A}
    params: {}
  b-rule:
    kind: fitting_attribute
    clause: Y
    confidence: Q
    obligation: shall
    title: {zh: 乙, en: B}
    params: {fitting: telecom_room, attribute: area_m2, op: ">=", threshold: -5}
cobuild:
  {buffer_m: 50, gap_days: 0, trench_cost_cny_per_m: 1, new_site_cost_cny: 1,
   colocation_distance_m: 300, service_radius_m: 300, pole_mount_distance_m: 10,
   demand_rules: [b-rule]}
coverage:
  grid_cell_m: 1000
  location_probability: 0.9
  area_classes: {urban: {rsrp_dbm: -90}}
  techs:
    4G: {model: cost231_hata, frequency_mhz: 1800, tx_power_dbm: 46, resource_elements: 1200,
         antenna_gain_dbi: 17, bs_height_m: 30, ue_height_m: 1.5, shadow_sigma_db: 8}
  sources: {model: "COST-231 [M]", frequency_mhz: "band 3 [M]", tx_power_dbm: "[L]",
            resource_elements: "[M]", antenna_gain_dbi: "[L]", bs_height_m: "[L]",
            ue_height_m: "[M]", shadow_sigma_db: "[L]", location_probability: "[M]",
            area_classes: "[M]"}
"""


def test_broken_catalogue_lists_every_problem_at_once(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_standard(path, include_default=False)
    text = str(info.value)
    assert "7 problem(s)" in text
    # a threshold without its source fails validation (issue 14)
    assert "rules.b-rule.source: missing 'source' (document, clause, read)" in text
    assert "unknown rule kind 'teleport'" in text
    assert "rule 'ghost-rule' is referenced but not defined" in text
    assert "categories.park.rules: a category without rules" in text
    assert "bad threshold -5" in text
    assert "rules.b-rule.confidence: must be H, M or L" in text
    assert str(path) in text


def test_district_override_changes_one_threshold(tmp_path, std):
    over = tmp_path / "district.yaml"
    over.write_text(
        'standard: {version: "district-1"}\nrules:\n  room-area:\n    params: {threshold: 25}\n',
        encoding="utf-8",
    )
    strict = load_standard(over)
    assert strict.rules["room-area"].params["threshold"] == 25
    assert strict.rules["room-area"].params["attribute"] == "area_m2"
    assert strict.version == "2026.11+district-1"
    assert strict.content_hash != std.content_hash


def test_override_problem_names_the_override_file(tmp_path):
    over = tmp_path / "district.yaml"
    over.write_text("rules:\n  room-area:\n    kind: nonsense\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"district\.yaml: rules\.room-area\.kind"):
        load_standard(over)


def test_python_tags_are_refused(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("standard: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not allowed"):
        load_standard(path, include_default=False)


def test_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="alias"):
        load_standard(path, include_default=False)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(CatalogueError, match="not found"):
        load_standard(tmp_path / "nope.yaml")


def test_rule_table_languages(std):
    zh = std.rule_table("zh")
    en = std.rule_table("en")
    assert len(zh) == len(en) > 100
    assert "基站机房净面积不宜小于20平方米" in set(zh["title"])
    assert Path(std.files[0]).name == "pudong-ict-baseline.yaml"
