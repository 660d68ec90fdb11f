"""Helpers of the workspace works tests: organisations and users written straight to the store."""

from __future__ import annotations

from datetime import UTC, datetime

import geopandas as gpd
import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from baseline.workspace.actor import Actor
from baseline.workspace.migrations import open_workspace
from baseline.workspace.schema import organisations, users

X0, Y0 = 360_000.0, 3_450_000.0  # a street in Pudong, UTM 51N
UTM = "EPSG:32651"


@pytest.fixture
def store(db_url):
    """A fresh, migrated workspace on each store (SQLite, then PostGIS: tests/pg.py)."""
    engine = open_workspace(db_url)
    yield engine
    engine.dispose()


def actor(engine: Engine, name: str, org: str, kind: str = "owner", role: str = "owner") -> Actor:
    """A user of organisation ``org`` (created when new), as the workspace functions take it."""
    now = datetime.now(UTC)
    with engine.begin() as con:
        org_id = con.execute(
            sa.select(organisations.c.id).where(organisations.c.name == org)
        ).scalar()
        if org_id is None:
            org_id = con.execute(
                organisations.insert().values(name=org, kind=kind, created_at=now)
            ).inserted_primary_key[0]
        user_id = con.execute(
            users.insert().values(name=name, org_id=org_id, role=role, created_at=now)
        ).inserted_primary_key[0]
    return Actor(int(user_id), name, int(org_id), kind, role, "test")


def trench(
    work_id: str,
    offset_m: float,
    start: str,
    end: str,
    *,
    utility: str = "telecom",
    x_shift: float = 0.0,
    length: float = 300.0,
) -> dict:
    """A straight east-west trench ``offset_m`` north of the street's centre line."""
    x = X0 + x_shift
    return {
        "project_id": work_id,
        "start_date": start,
        "end_date": end,
        "utility": utility,
        "geometry": shapely.LineString([(x, Y0 + offset_m), (x + length, Y0 + offset_m)]),
    }


def frame(*rows: dict) -> gpd.GeoDataFrame:
    """Works rows as a layer in UTM 51N."""
    return gpd.GeoDataFrame(list(rows), geometry="geometry", crs=UTM)
