"""The workspace: check history, and the shared database of projects, works and accounts."""

from baseline.workspace.access import PERMISSIONS, Act, Permission, acting, deny, require, why_not
from baseline.workspace.accounts import (
    actor_for_oidc,
    add_user,
    authenticate,
    create_organisation,
    init_workspace,
    list_users,
    lockout_seconds,
)
from baseline.workspace.actor import Actor
from baseline.workspace.audit import record, trail
from baseline.workspace.db import open_engine, resolve_url
from baseline.workspace.demo import DEMO_PASSWORD, seed_demo
from baseline.workspace.kpi import KPI_COLUMNS, assessment, write_assessment
from baseline.workspace.migrations import LATEST, migrate, open_workspace, schema_version
from baseline.workspace.opportunities import answer, inbox, mark_built, opportunities_table
from baseline.workspace.projects import (
    Submitted,
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
from baseline.workspace.sites import add_sites, read_sites
from baseline.workspace.store import Workspace
from baseline.workspace.works import SaveResult, add_works, read_works, workspace_crs

__all__ = [
    "DEMO_PASSWORD",
    "KPI_COLUMNS",
    "LATEST",
    "PERMISSIONS",
    "Act",
    "Actor",
    "Permission",
    "SaveResult",
    "Submitted",
    "Workspace",
    "acting",
    "actor_for_oidc",
    "add_sites",
    "add_user",
    "add_works",
    "answer",
    "assessment",
    "authenticate",
    "comment",
    "create_organisation",
    "decide",
    "deny",
    "diff",
    "inbox",
    "init_workspace",
    "list_users",
    "lockout_seconds",
    "mark_built",
    "migrate",
    "open_engine",
    "open_workspace",
    "opportunities_table",
    "project_list",
    "read_sites",
    "read_works",
    "record",
    "register_plan",
    "register_project",
    "require",
    "resolve_url",
    "schema_version",
    "seed_demo",
    "submission_list",
    "submit",
    "trail",
    "update_project",
    "why_not",
    "workspace_crs",
    "write_assessment",
]
