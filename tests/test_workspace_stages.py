"""Rules name the stages they apply to; the check judges only a stage's rules when given one."""

from __future__ import annotations

import warnings

import pytest

from baseline.check.run import check
from baseline.errors import BaselineError, CatalogueError
from baseline.io.siteplan import siteplan_from_frames
from baseline.standard.catalogue import load_standard
from baseline.standard.rule import STAGES
from baseline.workspace.schema import STAGES as STORED_STAGES
from tests.workspace_helpers import plan_b02

ROOM_RULES = {
    *("room-area", "room-width", "room-clear-height", "room-floor-load", "room-door"),
    *("room-door-height", "room-feeder-hole", "room-feeder-sill", "room-roof-feeder-hole"),
}


def test_the_catalogue_and_the_store_share_the_stages():
    assert STAGES == STORED_STAGES == ("planning", "design", "construction", "acceptance")


def test_room_measures_are_judged_at_design_and_acceptance_only(std):
    tagged = {rid for rid, r in std.rules.items() if r.stages != STAGES}
    assert tagged == ROOM_RULES
    assert {std.rules[r].stages for r in ROOM_RULES} == {("design", "acceptance")}


def test_check_at_a_stage_skips_the_other_stages_rules(std):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = siteplan_from_frames({"plan": plan_b02()}, std)
        every = check(plan, std)
        planning = check(plan, std, stage="planning")
        design = check(plan, std, stage="design")
    rules = {name: set(r.findings["rule_id"]) for name, r in
             (("every", every), ("planning", planning), ("design", design))}  # fmt: skip
    assert rules["design"] == rules["every"]  # no rule of PD-B02 is planning-only
    assert rules["every"] - rules["planning"] == ROOM_RULES & rules["every"] != set()
    assert len(every.findings) == 20 and len(planning.findings) == 11
    with pytest.raises(BaselineError, match="unknown stage 'built'; give one of planning"):
        check(plan, std, stage="built")


def test_a_bad_stages_key_is_listed(tmp_path):
    path = tmp_path / "district.yaml"
    path.write_text("rules:\n  room-area:\n    stages: [design, built]\n  room-width:\n"
                    "    stages: []\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(CatalogueError) as info:
        load_standard(path)
    text = str(info.value)
    assert "rules.room-area.stages: unknown stage 'built'; known: planning, design" in text
    assert "rules.room-width.stages: must be a non-empty list of planning, design" in text
