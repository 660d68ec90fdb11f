"""Every acting command of the workspace's command line, refused for each role that may not act.

One workspace holds a submission awaiting decision and an opportunity between two owners'
works; each refused command exits 2 with a message saying who may, changes nothing, and
leaves its refusal in the audit trail (issue 17, item 1 and "Bad input and security").
"""

from __future__ import annotations

import sys

import pytest

from baseline.cli import main
from baseline.workspace import add_works, register_plan, submit, trail
from tests.works_helpers import frame, trench
from tests.workspace_helpers import PASSWORDS, count, make_team, plan_b02

TABLES = (
    "users",
    "projects",
    "organisations",
    "submissions",
    "decisions",
    "works",
    "opportunities",
    "answers",
    "sites",
)

REFUSED = [  # (command, roles that may not run it)
    (["users", "add", "eve", "--org", "X", "--org-kind", "owner", "--role", "owner",
      "--password-file", "{pw}"], ["owner", "operator", "viewer"]),
    (["projects", "add", "--id", "PD-Z9", "--owner-org", "Other Owner Co."],
     ["owner", "operator", "viewer"]),
    (["projects", "add", "{plan}", "--owner-org", "New Owner Co."],
     ["owner", "operator", "viewer"]),
    (["submit", "{plan}", "--project", "PD-B02", "--stage", "planning"],
     ["planner", "operator", "viewer"]),
    (["signoff", "1", "--decision", "signed_off"], ["owner", "operator", "viewer"]),
    (["works", "add", "{works}"], ["planner", "viewer"]),
    (["sites", "add", "{sites}"], ["planner", "owner", "viewer"]),
    (["opportunities", "answer", "1", "--accept"], ["planner", "viewer", "operator"]),
    (["opportunities", "mark-built", "1", "--saving", "1000"], ["planner", "viewer"]),
]  # fmt: skip


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    url = f"sqlite:///{folder / 'ws.sqlite'}"
    team = make_team(url)
    plan = folder / "plan.geojson"
    plan_b02().to_file(plan)
    register_plan(team.engine, team.owner, plan)
    submit(team.engine, team.owner, plan, "PD-B02", "planning")  # submission 1 awaits
    add_works(team.engine, team.owner, frame(trench("T-A", 0.0, "2027-03-01", "2027-05-31")))
    other = frame(trench("T-B", 5.0, "2027-04-01", "2027-06-30", utility="power"))
    add_works(team.engine, team.other_owner, other)  # opportunity 1, between the two owners
    frame(trench("T-C", 900.0, "2027-03-01", "2027-05-31")).to_crs(4326).to_file(
        folder / "works.geojson"
    )
    (folder / "pw").write_text("new-user-pass-1\n", "utf-8")
    sites = folder / "sites.geojson"
    sites.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"site_id":"S1","open_to_all":"是"},"geometry":{"type":"Point",'
        '"coordinates":[121.6,31.2]}}]}',
        "utf-8",
    )
    files = {"pw": folder / "pw", "plan": plan, "works": folder / "works.geojson", "sites": sites}
    yield team, url, files
    team.engine.dispose()


def run(monkeypatch, capsys, args: list[str], password: str) -> tuple[int, str]:
    monkeypatch.setenv("BASELINE_PASSWORD", password)
    monkeypatch.setattr(sys, "argv", ["baseline", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize(
    ("command", "role"), [(c, r) for c, roles in REFUSED for r in roles], ids=str
)
def test_a_role_that_may_not_act_is_exit_2_and_nothing_changes(
    office, monkeypatch, capsys, command, role
):
    team, url, files = office
    args = [a.format(**files) for a in command] + ["--db", url, "--user", role]
    before = {t: count(team.engine, t) for t in TABLES}
    refusals = len(trail(team.engine, outcome="refused"))
    code, said = run(monkeypatch, capsys, args, PASSWORDS[role])
    assert code == 2, said
    assert said.startswith("error: ") and " may not " in said and "Traceback" not in said
    assert PASSWORDS[role] not in said
    assert {t: count(team.engine, t) for t in TABLES} == before
    assert len(trail(team.engine, outcome="refused")) == refusals + 1


UNREGISTERED = (
    "error: owner may not submit a plan (project PD-B02): project PD-B02 is not registered in the "
    "workspace; register it first: baseline projects add PLAN --id PD-B02 (owners for their own "
    "organisation, planners for any), or Register a project on the Projects page. Nothing was "
    "changed."
)


def test_a_project_is_registered_before_it_is_submitted(db_url, tmp_path, monkeypatch, capsys):
    """On SQLite and PostGIS: submitting an unknown id is refused and audited; an owner may not
    register for another organisation, a planner may; then the owner submits."""
    team = make_team(db_url)
    plan = tmp_path / "plan.geojson"
    plan_b02().to_file(plan)

    def as_(role: str, *args: object) -> tuple[int, str]:
        argv = [str(a) for a in args] + ["--db", db_url, "--user", role]
        return run(monkeypatch, capsys, argv, PASSWORDS[role])

    submit_args = ("submit", plan, "--project", "PD-B02", "--stage", "planning")
    assert as_("owner", *submit_args) == (2, UNREGISTERED + "\n")
    refused = trail(team.engine, outcome="refused")
    assert refused[["user_name", "action", "record_kind", "record_id"]].values.tolist() == [
        ["owner", "submit", "project", "PD-B02"]
    ]
    assert (count(team.engine, "projects"), count(team.engine, "submissions")) == (0, 0)
    code, said = as_("owner", "projects", "add", plan, "--owner-org", "Other Owner Co.")
    assert (code, said) == (2, (
        "error: owner may not register a project (project PD-B02): your organisation is not a "
        "party of this record, so you may not register a project; planners and owners of a party "
        "may. Nothing was changed.\n"))  # fmt: skip
    assert count(team.engine, "projects") == 0
    assert trail(team.engine, outcome="refused")["action"].tolist() == [
        "submit",
        "register_project",
    ]
    # a planner registers it for its owner (the plan's owner column) ...
    assert as_("planner", "projects", "add", plan) == (
        0, "project PD-B02 registered at planning: owner Century Retail Co.\n")  # fmt: skip
    # ... and for another owner organisation by id; an owner for its own
    assert as_("planner", "projects", "add", "--id", "PD-Z9", "--name", "Depot", "--category",
               "industrial", "--owner-org", "Other Owner Co.") == (
        0, "project PD-Z9 registered at planning: owner Other Owner Co.\n")  # fmt: skip
    assert as_("owner", "projects", "add", "--id", "PD-Z8") == (
        0, "project PD-Z8 registered at planning: owner Century Retail Co.\n")  # fmt: skip
    code, said = as_("owner", *submit_args)
    assert code == 0, said
    assert said.splitlines()[0] == (
        "submission 1: PD-B02 planning #1: PASS (pass 9, fail 0, warn 2, not_applicable 0)"
    )
    ok = trail(team.engine, action="register_project", outcome="ok")
    assert ok[["user_name", "record_id"]].values.tolist() == [
        ["planner", "PD-B02"],
        ["planner", "PD-Z9"],
        ["owner", "PD-Z8"],
    ]
    team.engine.dispose()


def test_projects_add_needs_a_plan_or_one_id(office, monkeypatch, capsys):
    _, url, files = office
    for args in (["projects", "add"], ["projects", "add", "--id", "A", "--id", "B"],
                 ["projects", "add", str(files["plan"]), "--name", "x"]):  # fmt: skip
        code, said = run(monkeypatch, capsys, [*args, "--db", url, "--user", "planner"],
                         PASSWORDS["planner"])  # fmt: skip
        assert code == 2 and (
            "give a site plan PLAN, or one project --id ID" in said
            or "the name and category come from the plan" in said
        ), said
