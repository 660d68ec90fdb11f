"""The workspace commands: init, info, users, submit, signoff; refusals are exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from baseline.cli import cli
from baseline.errors import Forbidden
from tests.conftest import ROOT
from tests.workspace_helpers import FAST_HASH_ENV

PLAN = ROOT / "layers" / "sample_siteplan.geojson"
PLANNER_PW, OWNER_PW = "planner-pw-1", "owner-pw-12"


def invoke(db: str, password: str, *args: object) -> Result:
    env = {"BASELINE_DB": db, "BASELINE_PASSWORD": password, **FAST_HASH_ENV}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def baseline(db: str, password: str, *args: object) -> subprocess.CompletedProcess[str]:
    """The real entry point (``main``: errors are one line and exit 2)."""
    env = {**os.environ, "BASELINE_DB": db, "BASELINE_PASSWORD": password, **FAST_HASH_ENV}
    code = "from baseline.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)  # fmt: skip


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'workspace.sqlite'}"


def make_office(db_url: str, tmp_path: Path) -> tuple[str, Path]:
    """A workspace with planner alice and owner bob (Century Retail Co.), who registered PD-B02."""
    done = invoke(
        db_url, PLANNER_PW, "workspace", "init", "--admin", "alice", "--org", "浦东新区规划资源局"
    )
    assert done.exit_code == 0, done.output
    assert "alice is a planner of 浦东新区规划资源局" in done.output
    pw = tmp_path / "pw.txt"
    pw.write_text(OWNER_PW + "\n", encoding="utf-8")
    added = invoke(db_url, PLANNER_PW, "users", "add", "bob", "--user", "alice", "--org",
                   "Century Retail Co.", "--org-kind", "owner", "--role", "owner",
                   "--password-file", pw)  # fmt: skip
    assert added.exit_code == 0, added.output
    registered = invoke(
        db_url, OWNER_PW, "projects", "add", PLAN, "--id", "PD-B02", "--user", "bob"
    )
    assert registered.output == "project PD-B02 registered at planning: owner Century Retail Co.\n"
    return db_url, pw


@pytest.fixture
def office(sqlite_url, tmp_path):
    """The office on SQLite (the commands are the same on both stores)."""
    return make_office(sqlite_url, tmp_path)


@pytest.fixture
def both_stores_office(db_url, tmp_path):
    """The office on each store in turn."""
    return make_office(db_url, tmp_path)


def test_init_twice_is_refused(office):
    db, _ = office
    again = invoke(db, PLANNER_PW, "workspace", "init", "--admin", "x", "--org", "y")
    assert again.exit_code != 0 and "has users already" in str(again.exception)


def test_users_list_and_info(office):
    db, _ = office
    listed = invoke(db, OWNER_PW, "users", "list", "--user", "bob", "--csv")
    assert listed.exit_code == 0, listed.output
    assert listed.output.strip().splitlines()[1:] == [
        "1,alice,浦东新区规划资源局,bureau,planner,True",
        "2,bob,Century Retail Co.,owner,owner,True",
    ]
    info = invoke(db, OWNER_PW, "workspace", "info", "--user", "bob")
    assert info.exit_code == 0, info.output
    assert "schema version           2" in info.output
    assert "users                    owner 1, planner 1" in info.output


def test_submit_signoff_and_resubmit_print_verdict_and_diff(both_stores_office):
    db, _ = both_stores_office
    first = invoke(db, OWNER_PW, "submit", PLAN, "--project", "PD-B02", "--stage", "planning",
                   "--user", "bob")  # fmt: skip
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[:2] == [
        "submission 1: PD-B02 planning #1: PASS (pass 9, fail 0, warn 2, not_applicable 0)",
        "no previous submission to compare with",
    ]
    back = invoke(db, PLANNER_PW, "signoff", "1", "--decision", "returned", "--comments",
                  "one more room", "--user", "alice")  # fmt: skip
    assert back.output.strip() == "submission 1: returned; the project is now at planning"
    second = invoke(db, OWNER_PW, "submit", PLAN, "--project", "PD-B02", "--stage", "planning",
                    "--user", "bob")  # fmt: skip
    assert "against the previous submission: still_failing 2" in second.output
    on = invoke(db, PLANNER_PW, "signoff", "2", "--decision", "signed_off", "--user", "alice")
    assert on.output.strip() == "submission 2: signed_off; the project is now at design"


def test_refusals_are_exit_2_with_a_message(office):
    db, pw = office
    wrong = baseline(db, "not-it", "users", "list", "--user", "alice")
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == (
        "error: alice: unknown user or wrong password; check both and try again"
    )
    assert "not-it" not in wrong.stderr + wrong.stdout
    role = baseline(db, OWNER_PW, "users", "add", "eve", "--user", "bob", "--org", "X",
                    "--org-kind", "owner", "--role", "owner", "--password-file", pw)  # fmt: skip
    assert role.returncode == 2
    assert role.stderr.strip() == (
        "error: bob may not add users (user eve): the role owner may not add users; planners "
        "may. Nothing was changed."
    )
    assert "Traceback" not in role.stderr


def test_a_stage_skipped_is_refused(office):
    db, _ = office
    skipped = invoke(db, OWNER_PW, "submit", PLAN, "--project", "PD-B02", "--stage", "design",
                     "--user", "bob")  # fmt: skip
    assert isinstance(skipped.exception, Forbidden)
    assert "is at stage planning; submit planning" in str(skipped.exception)


def test_in_process_refusals_are_forbidden(office):
    db, _ = office
    done = invoke(db, OWNER_PW, "signoff", "1", "--decision", "signed_off", "--user", "bob")
    assert isinstance(done.exception, Forbidden)
    assert "sign off or return a stage" in str(done.exception)


def test_password_file_missing_names_the_fix(office, tmp_path):
    db, _ = office
    done = invoke(db, PLANNER_PW, "users", "add", "carl", "--user", "alice", "--org", "中国移动",
                  "--org-kind", "operator", "--role", "operator", "--password-file",
                  Path(tmp_path / "nope.txt"))  # fmt: skip
    assert "cannot read the password file" in str(done.exception)


def test_demo_seed_gives_one_account_per_role_on_the_sample_projects(sqlite_url):
    done = invoke(sqlite_url, "", "workspace", "demo")
    assert done.exit_code == 0, done.output
    assert done.output.startswith("seeded 33 sample projects")
    listed = invoke(sqlite_url, "baseline-demo", "users", "list", "--user", "demo-viewer", "--csv")
    rows = [line.split(",") for line in listed.output.strip().splitlines()[1:]]
    roles = {row[1]: row[4] for row in rows}
    assert roles == {"demo-planner": "planner", "demo-owner": "owner",
                     "demo-operator": "operator", "demo-viewer": "viewer"}  # fmt: skip
    again = invoke(sqlite_url, "", "workspace", "demo")
    assert again.output.strip() == "the workspace has users already; nothing seeded"
