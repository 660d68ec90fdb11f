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
from baseline.workspace.migrations import LATEST, migrate, open_workspace, schema_version
from baseline.workspace.store import Workspace

__all__ = [
    "LATEST",
    "PERMISSIONS",
    "Act",
    "Actor",
    "Permission",
    "Workspace",
    "acting",
    "actor_for_oidc",
    "add_user",
    "authenticate",
    "create_organisation",
    "deny",
    "init_workspace",
    "list_users",
    "lockout_seconds",
    "migrate",
    "open_engine",
    "open_workspace",
    "record",
    "require",
    "resolve_url",
    "schema_version",
    "trail",
    "why_not",
]
