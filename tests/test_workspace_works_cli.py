"""`baseline works add`, `baseline opportunities` and `baseline kpi` from sign-in to exports."""

from __future__ import annotations

import sys

import geopandas as gpd
import pandas as pd
import pytest

from baseline.cli import main
from baseline.workspace.accounts import add_user, init_workspace
from baseline.workspace.migrations import open_workspace
from tests.works_helpers import frame, trench

PASSWORD = "correct horse battery"


def run(monkeypatch, capsys, *args: str, password: str = PASSWORD) -> tuple[int, str, str]:
    """Run the command line as a user would (``main``: errors are exit 2 and one message)."""
    monkeypatch.setenv("BASELINE_PASSWORD", password)
    monkeypatch.setattr(sys, "argv", ["baseline", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(tmp_path):
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    engine = open_workspace(url)
    planner = init_workspace(engine, "pat", "Planning Bureau", PASSWORD)
    add_user(engine, planner, "ann", "Pudong Telecom", "owner", "owner", PASSWORD)
    add_user(engine, planner, "bob", "Pudong Power", "owner", "owner", PASSWORD)
    add_user(engine, planner, "vic", "Pudong Telecom", "owner", "viewer", PASSWORD)
    engine.dispose()
    for name, row in (
        ("a.geojson", trench("T-A", 0.0, "2027-03-01", "2027-05-31")),
        ("b.geojson", trench("T-B", 5.0, "2027-04-01", "2027-06-30", utility="power")),
    ):
        frame(row).to_crs("EPSG:4326").to_file(tmp_path / name)
    return url, tmp_path


def test_two_owners_register_accept_build_and_the_figures_count_it(office, monkeypatch, capsys):
    url, folder = office
    code, out, _ = run(monkeypatch, capsys, "works", "add", folder / "a.geojson", "--db", url,
                       "--user", "ann")  # fmt: skip
    assert code == 0 and "1 work(s) saved" in out and "0 identified" in out
    code, out, _ = run(monkeypatch, capsys, "works", "add", folder / "b.geojson", "--db", url,
                       "--user", "bob")  # fmt: skip
    assert code == 0 and "1 identified" in out
    listing = folder / "opps.geojson"
    code, out, _ = run(monkeypatch, capsys, "opportunities", "--out", listing, "--db", url,
                       "--user", "vic")  # fmt: skip
    assert code == 0 and "{'identified': 1}" in out
    opp = gpd.read_file(listing).iloc[0]
    assert (opp["kind"], opp["work_a"], opp["work_b"]) == ("shared_trench", "T-A", "T-B")
    assert opp["saving_note"] == "示意估算 | illustrative estimate"
    assert str(opp["window_start"])[:10] == "2027-04-01"
    oid = str(int(opp["opportunity_id"]))
    for user in ("ann", "bob"):
        code, out, _ = run(monkeypatch, capsys, "opportunities", "answer", oid, "--accept",
                           "--db", url, "--user", user)  # fmt: skip
        assert code == 0, out
    assert "now accepted" in out
    code, out, _ = run(monkeypatch, capsys, "opportunities", "mark-built", oid, "--saving",
                       "300000", "--db", url, "--user", "ann")  # fmt: skip
    assert code == 0 and "built" in out
    code, out, _ = run(monkeypatch, capsys, "kpi", "--out", folder / "kpi.xlsx", "--db", url,
                       "--user", "pat")  # fmt: skip
    assert code == 0
    rows = pd.read_excel(folder / "kpi.xlsx", sheet_name="rows")
    assert rows["collaboration_rate"].tolist() == [1.0, 1.0]
    assert rows["saving_realised_cny"].sum() == 300_000


def test_a_wrong_password_and_a_viewer_acting_are_exit_2(office, monkeypatch, capsys):
    url, folder = office
    code, _, err = run(monkeypatch, capsys, "works", "add", folder / "a.geojson", "--db", url,
                       "--user", "ann", password="wrong password!")  # fmt: skip
    assert code == 2 and "error:" in err and "wrong password!" not in err
    code, _, err = run(monkeypatch, capsys, "works", "add", folder / "a.geojson", "--db", url,
                       "--user", "vic")  # fmt: skip
    assert code == 2 and "viewer may not register works" in err
    code, _, err = run(monkeypatch, capsys, "opportunities", "answer", "1", "--decline",
                       "--db", url, "--user", "ann")  # fmt: skip
    assert code == 2 and "no opportunity 1" in err
