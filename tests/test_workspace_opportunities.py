"""Opportunities between two owners' works: answers, states, refusals, inbox and reminders."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from baseline.errors import BaselineError, CatalogueError, Conflict, Forbidden
from baseline.standard.catalogue import load_standard
from baseline.workspace.audit import trail
from baseline.workspace.opportunities import answer, inbox, mark_built, opportunities_table
from baseline.workspace.schema import answers, opportunities
from baseline.workspace.works import add_works
from tests.works_helpers import actor, frame, trench


@pytest.fixture
def pair(store, std):
    """Two owners' trenches 5 m apart in the same months: one opportunity; and an outsider."""
    telecom = actor(store, "ann", "Pudong Telecom")
    power = actor(store, "bob", "Pudong Power")
    outsider = actor(store, "olga", "Pudong Water")
    add_works(store, telecom, frame(trench("T-A", 0.0, "2027-03-01", "2027-05-31")), std=std)
    add_works(store, power, frame(trench("T-B", 5.0, "2027-04-01", "2027-06-30")), std=std)
    (opp_id,) = opportunities_table(store, std=std)["opportunity_id"]
    return store, int(opp_id), telecom, power, outsider


def _state(engine, opp_id: int) -> tuple[str, int]:
    with engine.connect() as con:
        row = con.execute(
            sa.select(opportunities.c.state, opportunities.c.version).where(
                opportunities.c.id == opp_id
            )
        ).one()
    return row.state, row.version


def test_both_accept_then_built_with_the_realised_saving(pair, std):
    engine, opp, telecom, power, _ = pair
    assert answer(engine, telecom, opp, accept=True, version=1) == "proposed"
    assert answer(engine, power, opp, accept=True, version=2) == "accepted"
    mark_built(engine, power, opp, realised_saving_cny=250_000, version=3)
    table = opportunities_table(engine, std=std)
    row = table.iloc[0]
    assert (row["state"], row["realised_saving_cny"], row["version"]) == ("built", 250_000, 4)
    assert row["saving_cny"] == 360_000 and row["saving_note"] == "示意估算 | illustrative estimate"
    assert table.geometry.iloc[0].geom_type == "MultiLineString"
    done = trail(engine, record_kind="opportunity", outcome="ok")["action"].tolist()
    assert done == [
        "identify_opportunity",
        "answer_opportunity",
        "answer_opportunity",
        "mark_built",
    ]


def test_a_non_party_is_refused_audited_and_nothing_changes(pair):
    engine, opp, _, _, outsider = pair
    with pytest.raises(Forbidden, match="not a party"):
        answer(engine, outsider, opp, accept=True)
    assert _state(engine, opp) == ("identified", 1)
    with engine.connect() as con:
        assert con.execute(sa.select(sa.func.count()).select_from(answers)).scalar() == 0
    refused = trail(engine, outcome="refused")
    assert refused[["user_name", "action", "record_id"]].values.tolist() == [
        ["olga", "answer_opportunity", str(opp)]
    ]


def test_a_decline_needs_a_reason_and_then_ends_the_opportunity(pair):
    engine, opp, telecom, power, _ = pair
    answer(engine, telecom, opp, accept=True)
    with pytest.raises(BaselineError, match="a decline needs a reason"):
        answer(engine, power, opp, accept=False, reason="  ")
    assert _state(engine, opp) == ("proposed", 2)
    assert answer(engine, power, opp, accept=False, reason="dates cannot move") == "declined"
    with pytest.raises(BaselineError, match="is declined; only identified or proposed"):
        answer(engine, telecom, opp, accept=True)
    with pytest.raises(BaselineError, match="only accepted opportunities can be marked built"):
        mark_built(engine, telecom, opp, realised_saving_cny=1.0)
    assert opportunities_table(engine, state="declined")["reason"].tolist() == ["dates cannot move"]


def test_a_stale_version_is_a_conflict_and_loses_nothing(pair):
    engine, opp, telecom, power, _ = pair
    answer(engine, telecom, opp, accept=True, version=1)
    with pytest.raises(Conflict, match="version 2, not 1"):
        answer(engine, power, opp, accept=True, version=1)
    assert _state(engine, opp) == ("proposed", 2)


def test_the_inbox_says_what_awaits_each_party_and_reminds_within_the_weeks(pair, std):
    engine, opp, telecom, power, outsider = pair
    answer(engine, telecom, opp, accept=True)
    early = date(2027, 1, 1)  # the window opens 2027-04-01: 12.9 weeks ahead (> 7)
    close = date(2027, 2, 20)  # 5.7 weeks ahead
    mine = inbox(engine, telecom, today=early, std=std)
    theirs = inbox(engine, power, today=close, std=std)
    assert mine[["awaiting", "remind"]].values.tolist() == [["the other party's answer", False]]
    assert theirs[["awaiting", "remind"]].values.tolist() == [["your answer", True]]
    assert mine["your_answer"].tolist() == ["accept"]
    assert inbox(engine, outsider, today=close, std=std).empty


def test_a_planner_coordinates_but_does_not_answer(pair, std):
    engine, opp, _, _, _ = pair
    planner = actor(engine, "pat", "Planning Bureau", kind="bureau", role="planner")
    listed = inbox(engine, planner, today=date(2027, 3, 1), std=std)
    assert listed[["opportunity_id", "awaiting", "remind"]].values.tolist() == [
        [opp, "the parties' answers", True]
    ]
    with pytest.raises(Forbidden, match="role planner may not answer an opportunity"):
        answer(engine, planner, opp, accept=True)
    assert _state(engine, opp) == ("identified", 1)


def test_a_built_opportunity_is_history_a_later_edit_leaves_it(pair, std):
    engine, opp, telecom, power, _ = pair
    answer(engine, telecom, opp, accept=True)
    answer(engine, power, opp, accept=True)
    mark_built(engine, power, opp, realised_saving_cny=1.0)
    moved = {**trench("T-B", 5.0, "2028-09-01", "2028-10-31"), "version": 1}
    result = add_works(engine, power, frame(moved), std=std)
    assert (result.created, result.updated, result.expired) == (0, 0, 0)
    assert _state(engine, opp) == ("built", 4)


def test_the_reminder_weeks_come_from_the_catalogue_and_are_checked(tmp_path):
    good = tmp_path / "district.yaml"
    good.write_text("cobuild:\n  reminder_weeks: 3\n", "utf-8")
    assert load_standard(good).cobuild.reminder_weeks == 3
    bad = tmp_path / "bad.yaml"
    bad.write_text("cobuild:\n  reminder_weeks: -1\n", "utf-8")
    with pytest.raises(CatalogueError, match=r"cobuild\.reminder_weeks"):
        load_standard(bad)
