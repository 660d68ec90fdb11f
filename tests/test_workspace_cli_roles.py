"""Every acting command of the workspace's command line, refused for each role that may not act.

One workspace holds a submission awaiting decision and an opportunity between two owners'
works; each refused command exits 2 with a message saying who may, changes nothing, and
leaves its refusal in the audit trail (issue 17, item 1 and "Bad input and security").
"""

from __future__ import annotations

import sys

import pytest

from baseline.cli import main
from baseline.workspace import add_works, submit, trail
from tests.works_helpers import frame, trench
from tests.workspace_helpers import PASSWORDS, count, make_team, plan_b02

TABLES = ("users", "submissions", "decisions", "works", "opportunities", "answers", "sites")

REFUSED = [  # (command, roles that may not run it)
    (["users", "add", "eve", "--org", "X", "--org-kind", "owner", "--role", "owner",
      "--password-file", "{pw}"], ["owner", "operator", "viewer"]),
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
