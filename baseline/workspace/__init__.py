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
from baseline.workspace.migrations import LATEST, migrate, open_workspace, schema_version
from baseline.workspace.projects import (
    Submitted,
    comment,
    decide,
    diff,
    project_list,
    register_project,
    submission_list,
    submit,
    update_project,
)
from baseline.workspace.store import Workspace

__all__ = [
    "DEMO_PASSWORD",
    "LATEST",
    "PERMISSIONS",
    "Act",
    "Actor",
    "Permission",
    "Submitted",
    "Workspace",
    "acting",
    "actor_for_oidc",
    "add_user",
    "authenticate",
    "comment",
    "create_organisation",
    "decide",
    "deny",
    "diff",
    "init_workspace",
    "list_users",
    "lockout_seconds",
    "migrate",
    "open_engine",
    "open_workspace",
    "project_list",
    "record",
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
]
