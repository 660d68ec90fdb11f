"""Assessment figures on hand-made submissions, sites and works whose figures are known."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pandas as pd
import pytest

from baseline.workspace.kpi import KPI_COLUMNS, assessment, write_assessment
from baseline.workspace.opportunities import answer, mark_built, opportunities_table
from baseline.workspace.schema import decisions, projects, sites, submissions
from baseline.workspace.works import add_works
from tests.works_helpers import actor, frame, trench


def _at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}T04:00:00").replace(tzinfo=UTC)  # noon in Shanghai


def _project(con, pid: str, org_id: int) -> int:
    now = _at("2027-01-01")
    values = {"project_id": pid, "org_id": org_id, "category": "residential"}
    return con.execute(
        projects.insert().values(**values, created_at=now, updated_at=now)
    ).inserted_primary_key[0]


def _submit(con, project: int, stage: str, seq: int, verdict: str, when: str, user: int) -> int:
    values = {
        "project_pk": project,
        "stage": stage,
        "seq": seq,
        "user_id": user,
        "plan_name": "plan.geojson",
        "plan_sha256": "0" * 64,
        "plan_geojson": "{}",
        "findings_csv": "",
        "catalogue_id": "pudong",
        "catalogue_version": "1",
        "catalogue_sha256": "0" * 64,
        "n_pass": 1,
        "n_fail": int(verdict == "fail"),
        "n_warn": 0,
        "n_not_applicable": 0,
        "verdict": verdict,
        "created_at": _at(when),
    }
    return con.execute(submissions.insert().values(**values)).inserted_primary_key[0]


def _sign(con, submission: int, when: str, user: int) -> None:
    con.execute(
        decisions.insert().values(
            submission_id=submission, decision="signed_off", user_id=user, created_at=_at(when)
        )
    )


def _site(con, site_id: str, org_id: int, user: int, open_to_all: bool) -> None:
    con.execute(
        sites.insert().values(
            site_id=site_id,
            org_id=org_id,
            user_id=user,
            open_to_all=open_to_all,
            lon=121.5,
            lat=31.2,
            created_at=_at("2027-01-15"),
        )
    )


@pytest.fixture
def figures(store, std):
    owner_a = actor(store, "ann", "Owner A")
    owner_b = actor(store, "bob", "Owner B")
    op = actor(store, "otto", "Telecom Op", kind="operator", role="operator")
    with store.begin() as con:
        p1, p2 = _project(con, "P1", owner_a.org_id), _project(con, "P2", owner_a.org_id)
        _submit(con, p1, "planning", 1, "fail", "2027-01-05", owner_a.user_id)
        s12 = _submit(con, p1, "planning", 2, "pass", "2027-01-20", owner_a.user_id)
        _sign(con, s12, "2027-01-25", owner_a.user_id)  # 20 days after the first
        s21 = _submit(con, p2, "planning", 1, "pass", "2027-01-10", owner_a.user_id)
        _sign(con, s21, "2027-01-20", owner_a.user_id)  # 10 days
        _submit(con, p1, "design", 1, "pass", "2027-02-03", owner_a.user_id)
        for k, is_open in enumerate((True, True, False)):
            _site(con, f"S{k}", op.org_id, op.user_id, is_open)
    add_works(store, owner_a, frame(trench("A-1", 0, "2027-03-01", "2027-05-31")), std=std)
    far = trench("A-2", 0, "2027-06-01", "2027-06-30", x_shift=5_000)
    add_works(store, owner_a, frame(far), std=std)
    add_works(store, owner_b, frame(trench("B-1", 5, "2027-04-01", "2027-06-30")), std=std)
    return store, owner_a, owner_b


def _row(table: pd.DataFrame, org: str, month: str, category: str = "") -> pd.Series:
    hit = table[
        (table["organisation"] == org) & (table["month"] == month) & (table["category"] == category)
    ]
    assert len(hit) == 1, table
    return hit.iloc[0]


def test_submission_and_site_figures_by_construction(figures, std):
    engine, _, _ = figures
    table = assessment(engine, std=std)
    assert list(table.columns) == KPI_COLUMNS
    jan = _row(table, "Owner A", "2027-01", "residential")
    assert jan["stages_submitted"] == 2 and jan["stages_signed_off"] == 2
    assert jan["first_submission_compliance"] == 0.5 and jan["final_compliance"] == 1.0
    assert jan["days_to_signoff_mean"] == pytest.approx(15.0)
    assert jan["days_to_signoff_median"] == pytest.approx(15.0)
    feb = _row(table, "Owner A", "2027-02", "residential")
    assert (feb["stages_submitted"], feb["first_submission_compliance"]) == (1, 1.0)
    assert math.isnan(feb["days_to_signoff_mean"])  # nothing signed off: cannot compute
    sites_row = _row(table, "Telecom Op", "2027-01")
    assert sites_row["new_sites"] == 3
    assert sites_row["sites_open_share"] == pytest.approx(2 / 3)
    assert math.isnan(sites_row["first_submission_compliance"]) and sites_row["works"] == 0
    assert math.isnan(sites_row["collaboration_rate"])


def test_collaboration_and_savings_follow_the_opportunity(figures, std):
    engine, owner_a, owner_b = figures
    before = assessment(engine, std=std)
    march = _row(before, "Owner A", "2027-03")
    assert (march["works"], march["works_collaborating"], march["collaboration_rate"]) == (1, 0, 0)
    assert march["saving_identified_cny"] == 180_000 and march["saving_realised_cny"] == 0
    assert march["saving_note"] == "示意估算 | illustrative estimate"
    june = _row(before, "Owner A", "2027-06")  # a work with no opportunity at all
    assert june["collaboration_rate"] == 0
    assert math.isnan(june["saving_identified_cny"]) and math.isnan(june["saving_realised_cny"])
    (opp,) = opportunities_table(engine, std=std)["opportunity_id"]
    answer(engine, owner_a, int(opp), accept=True)
    answer(engine, owner_b, int(opp), accept=True)
    mark_built(engine, owner_b, int(opp), realised_saving_cny=250_000)
    after = assessment(engine, std=std)
    march = _row(after, "Owner A", "2027-03")
    assert (march["works_collaborating"], march["collaboration_rate"]) == (1, 1.0)
    assert march["saving_realised_cny"] == 125_000
    april = _row(after, "Owner B", "2027-04")
    assert (april["collaboration_rate"], april["saving_identified_cny"]) == (1.0, 180_000)


def test_an_empty_workspace_has_no_rows_and_exports_write(store, std, tmp_path):
    table = assessment(store, std=std)
    assert table.empty and list(table.columns) == KPI_COLUMNS
    out = write_assessment(table, tmp_path / "kpi.xlsx")
    assert set(pd.read_excel(out, sheet_name=None)) == {"about", "rows"}


def test_the_export_writes_csv_with_the_documented_columns(figures, std, tmp_path):
    engine, _, _ = figures
    out = write_assessment(assessment(engine, std=std), tmp_path / "kpi.csv")
    back = pd.read_csv(out)
    assert list(back.columns) == KPI_COLUMNS and len(back) == 6
    assert back["first_submission_compliance"].isna().sum() == 4  # sites and works rows
