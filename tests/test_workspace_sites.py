"""Sites registered by operators: open to all or not, counted by the assessment (issue 17)."""

from __future__ import annotations

import sys

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from baseline.cli import main
from baseline.errors import BaselineError, Forbidden
from baseline.workspace import add_sites, assessment, trail
from tests.workspace_helpers import PASSWORDS, count, make_team


@pytest.fixture
def team(db_url):
    built = make_team(db_url)
    yield built
    built.engine.dispose()


def layer(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def three_sites(open_words=("是", "false", "yes")) -> gpd.GeoDataFrame:
    return layer(
        [
            {"site_id": f"S{i}", "kind": "tower", "open_to_all": word,
             "geometry": Point(121.60 + i / 1000, 31.20)}
            for i, word in enumerate(open_words)
        ]
    )  # fmt: skip


def test_an_operator_registers_sites_and_the_assessment_counts_the_open_share(team):
    assert add_sites(team.engine, team.operator, three_sites()) == (3, 0)
    figures = assessment(team.engine)
    mine = figures[figures["organisation"] == "中国移动"]
    assert mine["new_sites"].sum() == 3
    assert mine["sites_open_share"].iloc[0] == pytest.approx(2 / 3)
    # the same file again changes them (one now closed): nothing is added twice
    assert add_sites(team.engine, team.operator, three_sites(("否", "no", "yes"))) == (0, 3)
    assert count(team.engine, "sites") == 3
    share = assessment(team.engine).set_index("organisation").loc["中国移动", "sites_open_share"]
    assert share == pytest.approx(1 / 3)


@pytest.mark.parametrize("who", ["owner", "viewer", "planner"])
def test_other_roles_may_not_register_sites_and_are_audited(team, who):
    with pytest.raises(Forbidden, match="may not register sites"):
        add_sites(team.engine, team.by_role(who), three_sites())
    assert count(team.engine, "sites") == 0
    refused = trail(team.engine, action="register_site", outcome="refused")
    assert refused["user_name"].tolist() == [who]


def test_a_site_without_a_yes_or_no_is_refused_whole(team):
    bad = three_sites(("yes", "", "maybe"))
    with pytest.raises(BaselineError, match=r"open_to_all is empty or not a yes/no .* S1, S2"):
        add_sites(team.engine, team.operator, bad)
    assert count(team.engine, "sites") == 0  # an unknown answer is never counted as "not open"
    with pytest.raises(BaselineError, match="no column 'open_to_all'"):
        add_sites(team.engine, team.operator, bad.drop(columns="open_to_all"))
    line = bad.assign(open_to_all="yes", geometry=[LineString([(121.6, 31.2), (121.7, 31.2)])] * 3)
    with pytest.raises(BaselineError, match="sites must be points"):
        add_sites(team.engine, team.operator, line)


def test_sites_add_on_the_command_line(tmp_path, monkeypatch, capsys):
    team = make_team(f"sqlite:///{tmp_path / 'ws.sqlite'}")  # the command is the same on both
    path = tmp_path / "sites.geojson"
    three_sites().to_file(path)
    url = str(team.engine.url)

    def run(user: str) -> tuple[int, str]:
        monkeypatch.setenv("BASELINE_PASSWORD", PASSWORDS[user])
        monkeypatch.setattr(sys, "argv", ["baseline", "sites", "add", str(path), "--db", url,
                                          "--user", user])  # fmt: skip
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out + err

    assert run("operator") == (0, "3 site(s) added, 0 changed\n")
    code, said = run("owner")
    assert code == 2 and "may not register sites" in said
    assert count(team.engine, "sites") == 3  # the owner's attempt added nothing
