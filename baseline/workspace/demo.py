"""The demo workspace: one documented account per role on the bundled sample projects.

``make run`` starts on the embedded SQLite store with these accounts (all with the password
:data:`DEMO_PASSWORD`; for trying the tool, never for an office):

=================  ========  ==========================  ======================================
account            role      organisation                may
=================  ========  ==========================  ======================================
``demo-planner``   planner   浦东新区规划资源局 (bureau)  sign off stages, manage users
``demo-owner``     owner     Lujiazui Group (owner)      submit its projects' plans, works
``demo-operator``  operator  中国移动 (operator)          answer opportunities, register sites
``demo-viewer``    viewer    浦东新区规划资源局 (bureau)  read
=================  ========  ==========================  ======================================

Every sample project (``layers/sample_siteplan.geojson``) is registered to its ``owner``
organisation at the planning stage.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from baseline import settings
from baseline.io.siteplan import read_siteplan
from baseline.standard.catalogue import Standard, load_standard
from baseline.workspace.accounts import add_user, init_workspace
from baseline.workspace.projects import register_plan
from baseline.workspace.schema import users

DEMO_PASSWORD = "baseline-demo"
"""The password of every demo account."""
BUREAU = "浦东新区规划资源局"
DEMO_OWNER_ORG = "Lujiazui Group"
DEMO_ACCOUNTS = (
    ("demo-owner", DEMO_OWNER_ORG, "owner", "owner"),
    ("demo-operator", "中国移动", "operator", "operator"),
    ("demo-viewer", BUREAU, "bureau", "viewer"),
)


def seed_demo(engine: Engine, std: Standard | None = None) -> int:
    """Create the demo accounts and register the sample projects, once.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        An empty, migrated workspace (a workspace with users is left as it is).
    std : Standard, optional
        The catalogue used to read the sample plan (default: the bundled one).

    Returns
    -------
    int
        The number of projects registered (0 when the workspace had users already).
    """
    with engine.connect() as con:
        if con.execute(sa.select(sa.func.count()).select_from(users)).scalar():
            return 0
    planner = init_workspace(engine, "demo-planner", BUREAU, DEMO_PASSWORD)
    for name, org, kind, role in DEMO_ACCOUNTS:
        add_user(engine, planner, name, org, kind, role, DEMO_PASSWORD)
    std = std or load_standard()
    plan = read_siteplan(settings.layers_dir / "sample_siteplan.geojson", std)
    return len(register_plan(engine, planner, plan, std=std))  # each to its plan's owner
