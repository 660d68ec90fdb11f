"""Shared builders for the workspace tests: a populated workspace and tiny plans."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import geopandas as gpd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from baseline import settings
from baseline.standard.catalogue import load_standard
from baseline.workspace import Actor, add_user, authenticate, init_workspace, open_workspace
from tests.plans import small_plan

# cheap argon2 costs so that building a team takes milliseconds (hashes keep their own costs)
settings.password_hash_memory_kib = 1024
settings.password_hash_time_cost = 1
FAST_HASH_ENV = {"BASELINE_HASH_MEMORY_KIB": "1024", "BASELINE_HASH_TIME_COST": "1"}

STD = load_standard()  # once: loading the catalogue costs about a second

PASSWORDS = {
    "planner": "planner-pass-1",
    "owner": "owner-pass-1",
    "other_owner": "other-pass-1",
    "operator": "operator-pass-1",
    "viewer": "viewer-pass-1",
}


@dataclass
class Team:
    engine: Engine
    planner: Actor
    owner: Actor
    other_owner: Actor
    operator: Actor
    viewer: Actor

    def by_role(self, role: str) -> Actor:
        return {"planner": self.planner, "owner": self.owner, "operator": self.operator,
                "viewer": self.viewer}[role]  # fmt: skip


def make_team(url: str) -> Team:
    engine = open_workspace(url)
    planner = init_workspace(engine, "planner", "浦东新区规划资源局", PASSWORDS["planner"])
    add_user(engine, planner, "owner", "Century Retail Co.", "owner", "owner", PASSWORDS["owner"])
    add_user(engine, planner, "other_owner", "Other Owner Co.", "owner", "owner",
             PASSWORDS["other_owner"])  # fmt: skip
    add_user(engine, planner, "operator", "中国移动", "operator", "operator", PASSWORDS["operator"])
    add_user(
        engine, planner, "viewer", "浦东新区规划资源局", "bureau", "viewer", PASSWORDS["viewer"]
    )
    actors = {n: authenticate(engine, n, p) for n, p in PASSWORDS.items()}
    return Team(engine, **actors)


def plan_b02() -> gpd.GeoDataFrame:
    """Sample project PD-B02 (a commercial complex): passes every shall rule at planning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return small_plan(("PD-B02",))


def count(engine: Engine, table: str) -> int:
    with engine.connect() as con:
        return int(con.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
