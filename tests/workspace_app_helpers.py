"""Helpers of the workspace app tests: a workspace with one user per role, plans and works files.

PD-B03 (a sample office campus) fails ``indoor-public-large`` at planning: one of its two
buildings has no indoor coverage system. ``plan_v1`` is the sample as it is; ``plan_v2`` adds
the missing system, so a resubmission resolves that finding.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import shapely
from sqlalchemy.engine import Engine

from baseline.workspace.accounts import add_user, init_workspace
from baseline.workspace.migrations import open_workspace
from baseline.workspace.projects import register_plan
from tests.conftest import ROOT
from tests.workspace_helpers import FAST_HASH_ENV  # cheap argon2 costs in tests

__all__ = ["FAST_HASH_ENV", "make_workspace", "write_plans", "write_works"]

PASSWORD = "correct-horse-42"
PROJECT = "PD-B03"
USERS = (
    # name, organisation, kind, role
    ("owner_a", "张江高科", "owner", "owner"),
    ("owner_b", "浦东电力", "owner", "owner"),
    ("operator_a", "中国移动浦东", "operator", "operator"),
    ("viewer_a", "浦东考核办", "bureau", "viewer"),
)
X0, Y0 = 360_000.0, 3_450_000.0  # a street in Pudong, UTM 51N


def make_workspace(db: Path | str) -> Engine:
    """A workspace at ``db``: the planner ``planner_a``, the users of :data:`USERS`, and
    :data:`PROJECT` registered to owner_a's organisation."""
    engine = open_workspace(db)
    planner = init_workspace(engine, "planner_a", "浦东新区规划资源局", PASSWORD)
    for name, org, kind, role in USERS:
        add_user(engine, planner, name, org, kind, role, PASSWORD)
    register_plan(engine, planner, ROOT / "layers" / "sample_siteplan.geojson", [PROJECT],
                  org=USERS[0][1])  # fmt: skip
    return engine


def _project_features() -> gpd.GeoDataFrame:
    plan = gpd.read_file(ROOT / "layers" / "sample_siteplan.geojson")
    plan = plan[plan["project_id"] == PROJECT].drop(columns=["illustrative", "note"])
    for col in ("start_date", "end_date"):
        plan[col] = plan[col].dt.strftime("%Y-%m-%d")
    return plan.reset_index(drop=True)


def write_plans(folder: Path) -> tuple[Path, Path]:
    """``plan_v1.geojson`` (fails at planning) and ``plan_v2.geojson`` (that failure fixed)."""
    v1 = _project_features()
    rooms = v1[v1["kind"] == "indoor_coverage"]
    covered = set(rooms["building_id"].dropna())
    bare = v1[(v1["kind"] == "building") & ~v1["building_id"].isin(covered)].iloc[0]
    extra = rooms.iloc[[0]].copy()
    extra["feature_id"] = "F9999"
    extra["building_id"] = bare["building_id"]
    extra["geometry"] = [bare.geometry.representative_point()]
    v2 = gpd.GeoDataFrame(
        gpd.pd.concat([v1, extra], ignore_index=True), geometry="geometry", crs=v1.crs
    )
    paths = folder / "plan_v1.geojson", folder / "plan_v2.geojson"
    for frame, path in zip((v1, v2), paths, strict=True):
        path.write_text(frame.to_json(), encoding="utf-8")
    return paths


def write_works(folder: Path, start: date = date(2027, 3, 1)) -> tuple[Path, Path]:
    """Two owners' works on one street, 2 m apart, overlapping in time (a shared trench).

    Works A runs from ``start`` for 60 days, works B from 14 days later for 60 days.
    """
    paths = []
    for name, offset, first in (("A", 0.0, start), ("B", 2.0, start + timedelta(days=14))):
        begin, end = first.isoformat(), (first + timedelta(days=60)).isoformat()
        line = shapely.LineString([(X0, Y0 + offset), (X0 + 300, Y0 + offset)])
        row = {"project_id": f"W-{name}", "start_date": begin, "end_date": end}
        row["utility"] = "telecom" if name == "A" else "power"
        frame = gpd.GeoDataFrame([row], geometry=[line], crs="EPSG:32651").to_crs("EPSG:4326")
        path = folder / f"works_{name}.geojson"
        path.write_text(frame.to_json(), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]
