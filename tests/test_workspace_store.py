"""The workspace store on SQLite and PostGIS: migrations, accounts, roles, projects, conflicts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from baseline.errors import BaselineError, Conflict, Forbidden
from baseline.workspace import (
    LATEST,
    PERMISSIONS,
    actor_for_oidc,
    add_user,
    authenticate,
    list_users,
    lockout_seconds,
    migrate,
    open_engine,
    open_workspace,
    schema_version,
    trail,
    why_not,
)
from baseline.workspace.migrations import history
from baseline.workspace.projects import (
    comment,
    decide,
    diff,
    project_list,
    register_plan,
    register_project,
    submission_list,
    submit,
    update_project,
)
from baseline.workspace.schema import users
from tests.conftest import ROOT
from tests.workspace_helpers import PASSWORDS, STD, count, make_team, plan_b02

# ---------------------------------------------------------------------------------------------
# migrations


@pytest.fixture
def team(db_url):
    built = make_team(db_url)
    yield built
    built.engine.dispose()


@pytest.fixture
def engine_of(db_url):
    opened = []

    def engine_at(fresh: bool):
        engine = open_engine(db_url) if fresh else open_workspace(db_url)
        opened.append(engine)
        return engine

    yield engine_at
    for engine in opened:
        engine.dispose()


def test_migrations_are_versioned_and_idempotent(engine_of):
    engine = engine_of(fresh=True)
    assert schema_version(engine) == 0
    assert migrate(engine) == LATEST == 2
    assert migrate(engine) == 2  # a second open changes nothing
    with engine.connect() as con:
        rows = con.execute(sa.select(history)).all()
        names = set(sa.inspect(con).get_table_names())
    assert [r.version for r in rows] == [1, 2]
    assert {"projects", "submissions", "audit", "works", "opportunities"} <= names
    with engine.connect() as con:
        indexes = {i["name"] for i in sa.inspect(con).get_indexes("opportunities")}
    assert "ix_opportunities_work_b" in indexes
    if engine.dialect.name == "sqlite":
        assert "works_rtree" in names
    else:
        with engine.connect() as con:
            idx = con.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename='works'"))
            assert "works_geom_gist" in {r[0] for r in idx}


def test_a_database_newer_than_the_code_is_refused(engine_of):
    engine = engine_of(fresh=False)
    with engine.begin() as con:
        con.execute(
            history.insert().values(version=99, name="future", applied_at=datetime.now(UTC))
        )
    with pytest.raises(BaselineError, match=r"schema version 99, newer than .*upgrade"):
        migrate(engine)


# ---------------------------------------------------------------------------------------------
# accounts


def test_passwords_are_hashed_and_checked(team):
    with team.engine.connect() as con:
        hashes = con.execute(sa.select(users.c.name, users.c.password_hash)).all()
    assert len(hashes) == 5
    for name, hashed in hashes:
        assert hashed.startswith("$argon2id$") and PASSWORDS[name] not in hashed
    with pytest.raises(Forbidden, match="unknown user or wrong password"):
        authenticate(team.engine, "owner", "not-the-password")
    with pytest.raises(Forbidden, match="unknown user or wrong password"):
        authenticate(team.engine, "nobody", "whatever-1")
    assert authenticate(team.engine, "owner", PASSWORDS["owner"]).role == "owner"
    users_table = list_users(team.engine)
    assert sorted(users_table["role"]) == ["operator", "owner", "owner", "planner", "viewer"]
    assert "password_hash" not in users_table.columns


def test_failed_sign_ins_are_slowed_and_never_log_the_password(team, caplog):
    assert [lockout_seconds(n) for n in range(6)] == [0, 0, 1, 2, 4, 8]
    assert lockout_seconds(100) == 300
    for _ in range(2):
        with pytest.raises(Forbidden, match="wrong password"):
            authenticate(team.engine, "viewer", "secret-guess-xyz")
    # the second failure set a 1 s delay: even the right password is refused meanwhile
    with pytest.raises(Forbidden, match=r"too many failed sign-ins; try again in 1 s"):
        authenticate(team.engine, "viewer", PASSWORDS["viewer"])
    with team.engine.begin() as con:  # time passes: move the last failure back
        con.execute(users.update().where(users.c.name == "viewer")
                    .values(last_failed_at=datetime.now(UTC) - timedelta(seconds=10)))  # fmt: skip
    assert authenticate(team.engine, "viewer", PASSWORDS["viewer"]).name == "viewer"
    with team.engine.connect() as con:
        assert con.execute(sa.select(users.c.failed_logins).where(users.c.name == "viewer")
                           ).scalar() == 0  # fmt: skip
    audit = trail(team.engine)
    text = audit.to_csv() + caplog.text
    assert "secret-guess-xyz" not in text
    assert all(p not in text for p in PASSWORDS.values())
    signs = trail(team.engine, action="sign_in")
    assert (signs["outcome"] == "failed").sum() == 2
    assert (signs["outcome"] == "refused").sum() == 1


def test_oidc_claims_map_to_users(team):
    claims = {"sub": "kc-123", "email": "li@pudong.example", "baseline_role": "operator"}
    with pytest.raises(Forbidden, match="not registered"):
        actor_for_oidc(team.engine, claims)
    first = actor_for_oidc(team.engine, claims, org="中国电信", org_kind="operator")
    again = actor_for_oidc(team.engine, claims)
    assert (first.role, first.org_kind) == ("operator", "operator")
    assert again.user_id == first.user_id
    with pytest.raises(Forbidden, match="must be one of planner"):
        actor_for_oidc(team.engine, {"sub": "x", "baseline_role": "admin"}, org="Any")
    assert count(team.engine, "users") == 6


# ---------------------------------------------------------------------------------------------
# the role table (issue item 1), as data and through the library

EXPECTED = {  # action -> roles that may act on a record of their own organisation
    "read": {"planner", "owner", "operator", "viewer"},
    "add_user": {"planner"},
    "register_project": {"planner", "owner"},
    "submit": {"owner"},
    "decide": {"planner"},
    "comment": {"planner", "owner", "operator"},
    "register_work": {"owner", "operator"},
    "answer_opportunity": {"owner", "operator"},
    "register_site": {"operator"},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ["planner", "owner", "operator", "viewer"])
def test_role_table(action, role):
    from baseline.workspace import Actor

    actor = Actor(1, "u", 7, "owner", role)
    allowed = why_not(actor, action, parties={7}) == ""
    assert allowed == (role in EXPECTED[action])
    perm = PERMISSIONS[action]
    if role in perm.party_roles:  # a party role acting on another organisation's record
        assert "not a party" in why_not(actor, action, parties={8})
    assert why_not(None, action) == "nobody is signed in; sign in first"


def test_refusals_change_nothing_and_are_audited(team):
    engine, plan = team.engine, plan_b02()
    register_plan(engine, team.planner, plan, ["PD-B02"], org="Century Retail Co.", std=STD)
    before = {t: count(engine, t) for t in ("users", "projects", "submissions", "comments")}
    refused = [
        lambda: add_user(
            engine, team.owner, "x1", "Century Retail Co.", "owner", "owner", "pw-123456"
        ),
        lambda: add_user(
            engine, team.operator, "x2", "中国移动", "operator", "viewer", "pw-123456"
        ),
        lambda: submit(
            engine, team.other_owner, plan, "PD-B02", "planning", std=STD
        ),  # not its project
        lambda: submit(
            engine, team.planner, plan, "PD-B02", "planning", std=STD
        ),  # planners don't submit
        lambda: submit(engine, team.viewer, plan, "PD-B02", "planning", std=STD),
        lambda: submit(engine, team.owner, plan, "PD-B02", "design", std=STD),
        lambda: comment(engine, team.viewer, "project", 1, "hello"),
        lambda: comment(engine, team.operator, "project", 1, "not a party"),
        lambda: comment(engine, team.other_owner, "project", 1, "not a party"),
        lambda: update_project(engine, team.other_owner, "PD-B02", 1, name="mine"),
    ]
    for attempt in refused:
        with pytest.raises(Forbidden, match=r"may not .*Nothing was changed"):
            attempt()
    assert {t: count(engine, t) for t in before} == before
    assert (trail(engine, outcome="refused")["action"].value_counts().to_dict()
            == {"add_user": 2, "submit": 4, "comment": 3, "update_project": 1})  # fmt: skip
    project = project_list(engine).iloc[0]
    assert (project["stage"], project["status"], project["version"]) == ("planning", "open", 1)
    # the parties and planners may comment
    assert comment(engine, team.owner, "project", 1, "owner here") > 0
    assert comment(engine, team.planner, "project", 1, "bureau here") > 0


# ---------------------------------------------------------------------------------------------
# registering projects


def test_a_project_is_registered_before_its_first_submission(team):
    engine, plan = team.engine, plan_b02()
    with pytest.raises(
        Forbidden, match=r"project PD-B02 is not registered.*projects add PLAN --id"
    ):
        submit(engine, team.owner, plan, "PD-B02", "planning", std=STD)  # nobody claims it
    orgs = count(engine, "organisations")
    refused = [
        lambda: register_plan(engine, team.owner, plan, org="Other Owner Co.", std=STD),
        lambda: register_project(engine, team.owner, "PD-X1", org="Not Yet Co."),
        lambda: register_project(engine, team.operator, "PD-X1", org="Century Retail Co."),
        lambda: register_project(engine, team.viewer, "PD-X1"),
        lambda: register_project(engine, team.planner, "PD-X1", org="浦东新区规划资源局"),
    ]
    for attempt in refused:
        with pytest.raises(Forbidden, match=r"may not register a project .*Nothing was changed"):
            attempt()
    with pytest.raises(BaselineError, match="name it"):  # a planner names the owner
        register_project(engine, team.planner, "PD-X1")
    with pytest.raises(BaselineError, match="not a category of the catalogue"):
        register_project(engine, team.planner, "PD-X1", category="mall", org="X Co.", std=STD)
    assert (count(engine, "projects"), count(engine, "organisations")) == (0, orgs)
    refusals = trail(engine, outcome="refused")  # the unnamed owner too; the category is input
    assert refusals["action"].tolist() == ["submit"] + ["register_project"] * 6
    # a planner for any owner organisation (a new one is created), an owner for its own
    register_project(engine, team.planner, "PD-X1", name="Depot", category="industrial",
                     org="New Owner Co.", std=STD)  # fmt: skip
    register_project(engine, team.planner, "PD-B02", org="Century Retail Co.")  # no place
    register_project(engine, team.owner, "PD-X2", name="Kiosk", category="commercial", std=STD)
    with pytest.raises(Forbidden, match="PD-B02 is registered already"):
        register_plan(engine, team.owner, plan, std=STD)
    listed = project_list(engine).set_index("project_id")
    assert listed[["name", "category", "organisation", "stage", "status"]].to_dict("index") == {
        "PD-B02": {"name": "", "category": "", "organisation": "Century Retail Co.",
                   "stage": "planning", "status": "open"},
        "PD-X1": {"name": "Depot", "category": "industrial", "organisation": "New Owner Co.",
                  "stage": "planning", "status": "open"},
        "PD-X2": {"name": "Kiosk", "category": "commercial", "organisation": "Century Retail Co.",
                  "stage": "planning", "status": "open"},
    }  # fmt: skip
    assert listed.loc["PD-B02", ["lon", "lat"]].isna().all()
    # the first submission places a project registered without a place
    submit(engine, team.owner, plan, "PD-B02", "planning", std=STD)
    centre = plan[plan["kind"] == "boundary"].to_crs(4326).geometry.iloc[0].centroid
    placed = project_list(engine).set_index("project_id").loc["PD-B02"]
    assert (placed["lon"], placed["lat"]) == pytest.approx((centre.x, centre.y))
    assert placed["status"] == "submitted"
    ok = trail(engine, action="register_project", outcome="ok")
    assert ok["record_id"].tolist() == ["PD-X1", "PD-B02", "PD-X2"]


# ---------------------------------------------------------------------------------------------
# a project from planning to design


def test_project_from_planning_to_design_with_a_return_and_a_diff(team):
    engine, plan = team.engine, plan_b02()
    register_plan(engine, team.owner, plan, std=STD)
    no_indoor = plan[plan["kind"] != "indoor_coverage"]
    first = submit(engine, team.owner, no_indoor, "PD-B02", "planning", std=STD)
    assert (first.seq, first.verdict) == (1, "fail")
    assert first.counts == {"pass": 8, "fail": 1, "warn": 2, "not_applicable": 0}
    assert diff(engine, first.submission_id).empty  # nothing before it
    with pytest.raises(Forbidden, match="awaiting a planner's decision"):
        submit(engine, team.owner, plan, "PD-B02", "planning", std=STD)
    for who in (team.owner, team.operator, team.viewer):
        with pytest.raises(Forbidden, match=r"the role .* may not sign off .*; planners may"):
            decide(engine, who, first.submission_id, "signed_off")
    assert len(trail(engine, action="decide", outcome="refused")) == 3
    assert decide(engine, team.planner, first.submission_id, "returned", "add indoor coverage") == (
        "planning"
    )
    second = submit(engine, team.owner, plan, "PD-B02", "planning", std=STD)
    assert (second.seq, second.verdict, second.counts["fail"]) == (2, "pass", 0)
    changes = diff(engine, second.submission_id)
    assert changes.groupby("change").size().to_dict() == {"resolved": 1, "still_failing": 2}
    assert changes.loc[changes["change"] == "resolved", "rule_id"].tolist() == [
        "indoor-public-large"
    ]
    # the same diff with the Chinese the submission stored beside the English
    zh = diff(engine, second.submission_id, "zh")
    assert zh[["change", "rule_id"]].equals(changes[["change", "rule_id"]])
    assert zh["message"].str.contains("[\u4e00-\u9fff]").all()
    assert (zh["message"] != changes["message"]).all()  # each one in the other language
    assert decide(engine, team.planner, second.submission_id, "signed_off") == "design"
    design = plan.copy()
    design.loc[design["kind"] == "telecom_room", "area_m2"] = 12.0  # below the 20 m² of §4.2.2
    third = submit(engine, team.owner, design, "PD-B02", "design", std=STD)
    assert (third.stage, third.seq, third.verdict) == ("design", 1, "pass")  # a should rule warns
    assert third.counts == {"pass": 16, "fail": 0, "warn": 3, "not_applicable": 1}
    against_planning = diff(engine, third.submission_id)
    assert against_planning[against_planning["change"] == "new"]["rule_id"].tolist() == [
        "room-area"
    ]
    listed = submission_list(engine, "PD-B02")
    assert listed["decision"].fillna("").tolist() == ["returned", "signed_off", ""]
    assert listed["catalogue_version"].nunique() == 1
    actions = trail(engine, record_kind="project", outcome="ok")["action"].tolist()
    assert actions.count("submit") == 3


def test_signing_off_acceptance_ends_the_project(team):
    engine, plan = team.engine, plan_b02()
    register_plan(engine, team.owner, plan, std=STD)
    for stage, nxt in (("planning", "design"), ("design", "construction"),
                       ("construction", "acceptance"), ("acceptance", "acceptance")):  # fmt: skip
        done = submit(engine, team.owner, plan, "PD-B02", stage, std=STD)
        assert decide(engine, team.planner, done.submission_id, "signed_off") == nxt
    project = project_list(engine).iloc[0]
    assert (project["stage"], project["status"]) == ("acceptance", "signed_off")
    with pytest.raises(Forbidden, match="nothing more to submit"):
        submit(engine, team.owner, plan, "PD-B02", "acceptance", std=STD)


def test_two_users_editing_one_project_the_second_gets_a_conflict(team):
    engine = team.engine
    register_plan(engine, team.owner, plan_b02(), std=STD)
    read_by_both = int(project_list(engine).iloc[0]["version"])
    assert update_project(engine, team.owner, "PD-B02", read_by_both, name="Mall A") == 2
    with pytest.raises(Conflict, match=r"changed by someone else.*nothing was lost"):
        update_project(engine, team.planner, "PD-B02", read_by_both, category="office")
    project = project_list(engine).iloc[0]
    assert (project["name"], project["category"], project["version"]) == ("Mall A", "commercial", 2)
    refused = trail(engine, outcome="refused")
    assert refused["action"].tolist() == ["update_project"]


PROBE = """
def test_needs_postgis(pg_url):
    assert pg_url
"""


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")])
def test_without_postgresql_the_postgis_tests_fail_in_ci(tmp_path, ci, outcome):
    """No PostgreSQL: CI=true fails with the reason, elsewhere the tests skip with it."""
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    env = {**os.environ, "CI": ci, "BASELINE_PG_BIN": str(tmp_path / "no-postgres"),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.pg", "-rs",
                           "-p", "no:cacheprovider", str(probe)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    assert outcome in done.stdout, done.stdout[-2000:]
    assert "PostgreSQL is not installed" in done.stdout


def test_an_unreachable_database_is_one_message(tmp_path):
    url = f"postgresql://nobody@/none?host={tmp_path}&port=1"
    with pytest.raises(BaselineError, match=r"cannot be opened or migrated .*; check --db"):
        open_workspace(url)
