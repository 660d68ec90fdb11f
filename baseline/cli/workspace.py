"""Workspace commands: ``workspace``, ``users``, ``projects add``, ``submit``, ``signoff``.

Every command takes ``--db URL`` (or ``BASELINE_DB``) and, except ``workspace init``,
``--user NAME`` whose password comes from ``BASELINE_PASSWORD`` or a prompt. A wrong password or
a role that may not act ends with exit status 2 and one message.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from baseline.cli.session import db_option, opened, password, signed_in, user_options
from baseline.errors import BaselineError
from baseline.workspace.access import require
from baseline.workspace.accounts import add_user, init_workspace, list_users
from baseline.workspace.demo import DEMO_PASSWORD, seed_demo
from baseline.workspace.migrations import schema_version
from baseline.workspace.projects import (
    decide,
    diff,
    project_list,
    register_plan,
    register_project,
    submit,
)
from baseline.workspace.schema import (
    DECISIONS,
    ORG_KINDS,
    ROLES,
    STAGES,
    opportunities,
    organisations,
    projects,
    users,
    works,
)


@click.group("workspace")
def workspace_group() -> None:
    """The shared workspace: create it, see what is in it."""


@workspace_group.command("init")
@db_option
@click.option("--admin", required=True, metavar="NAME", help="The first planner's name.")
@click.option("--org", required=True, metavar="ORG", help="The planning bureau's name.")
def init_cmd(db: str | None, admin: str, org: str) -> None:
    """Create the schema and the first planner (password from BASELINE_PASSWORD or a prompt)."""
    with opened(db) as engine:
        secret = password(f"Password for {admin}", confirm=True)
        init_workspace(engine, admin, org, secret)
        click.echo(f"workspace ready at {_where(engine)}: {admin} is a planner of {org}")


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _grouped(engine: Engine, table: sa.Table, *columns: str) -> str:
    cols = [table.c[c] for c in columns]
    with engine.connect() as con:
        rows = con.execute(sa.select(*cols, sa.func.count()).group_by(*cols)).all()
    if not rows:
        return "none"
    return ", ".join(f"{'/'.join(str(v) for v in r[:-1])} {r[-1]}" for r in sorted(rows))


@workspace_group.command("info")
@user_options
def info_cmd(db: str | None, user: str) -> None:
    """Say what the workspace holds: store, schema version and counts."""
    with signed_in(db, user) as (engine, actor):
        require(engine, actor, "read")
        lines = {
            "store": f"{engine.dialect.name} {_where(engine)}",
            "schema version": str(schema_version(engine)),
            "organisations": _grouped(engine, organisations, "kind"),
            "users": _grouped(engine, users, "role"),
            "projects (stage/status)": _grouped(engine, projects, "stage", "status"),
            "works": _grouped(engine, works, "utility"),
            "opportunities": _grouped(engine, opportunities, "state"),
        }
        _print_pairs(lines)


def _print_pairs(lines: Mapping[str, str]) -> None:
    width = max(len(k) for k in lines)
    for key, value in lines.items():
        click.echo(f"{key:<{width}}  {value}")


@click.group("users")
def users_group() -> None:
    """Accounts of the workspace (planners add them)."""


def _new_password(password_file: Path | None, name: str) -> str:
    if password_file is None:
        return str(click.prompt(f"Password for the new user {name}", hide_input=True,
                                confirmation_prompt=True))  # fmt: skip
    try:
        return password_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        msg = f"{password_file}: cannot read the password file ({exc.strerror}); check the path"
        zh = f"{password_file}：无法读取密码文件（{exc.strerror}）；请检查路径"
        raise BaselineError(msg, zh=zh) from None


@users_group.command("add")
@user_options
@click.argument("name")
@click.option("--org", required=True, metavar="ORG", help="The user's organisation.")
@click.option("--org-kind", type=click.Choice(ORG_KINDS), required=True, help="Its kind.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The user's role.")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Read the new user's password from this file (else a prompt).",
)
def users_add(
    db: str | None,
    user: str,
    name: str,
    org: str,
    org_kind: str,
    role: str,
    password_file: Path | None,
) -> None:
    """Add user NAME (planners only)."""
    with signed_in(db, user) as (engine, actor):
        require(engine, actor, "add_user", "user", name)
        uid = add_user(engine, actor, name, org, org_kind, role, _new_password(password_file, name))
        click.echo(f"user {name} (id {uid}) added: {role} of {org} ({org_kind})")


@users_group.command("list")
@user_options
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
def users_list(db: str | None, user: str, as_csv: bool) -> None:
    """List users with organisation and role."""
    with signed_in(db, user) as (engine, actor):
        require(engine, actor, "list_users")
        table = list_users(engine).drop(columns="created_at")
        click.echo(table.to_csv(index=False) if as_csv else table.to_string(index=False))


@click.group("projects")
def projects_group() -> None:
    """Projects of the workspace: register them before their plans are submitted."""


@projects_group.command("add")
@user_options
@click.argument(
    "plan", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--id", "ids", multiple=True, metavar="ID",
              help="A project id (repeatable with PLAN: only those of the plan).")  # fmt: skip
@click.option("--name", default="", help="The project's name (without PLAN).")
@click.option("--category", default="", help="Its catalogue category (without PLAN).")
@click.option(
    "--owner-org",
    default=None,
    metavar="ORG",
    help="The owner organisation (planners; owners register for their own). With PLAN, "
    "planners default to each project's owner column.",
)
def projects_add(
    db: str | None,
    user: str,
    plan: Path | None,
    ids: tuple[str, ...],
    name: str,
    category: str,
    owner_org: str | None,
) -> None:
    """Register projects: those of PLAN (name, category, place from it) or one --id.

    Owners register their own organisation's projects, planners any owner organisation's;
    a project must be registered before its plans are submitted.
    """
    if plan is None and len(ids) != 1:
        raise click.UsageError("give a site plan PLAN, or one project --id ID")
    if plan is not None and (name or category):
        raise click.UsageError("with PLAN, the name and category come from the plan; drop them")
    with signed_in(db, user) as (engine, actor):
        if plan is not None:
            done = register_plan(engine, actor, plan, list(ids) or None, org=owner_org)
        else:
            register_project(engine, actor, ids[0], name=name, category=category, org=owner_org)
            listed = project_list(engine)
            mine = listed[listed["project_id"] == ids[0].strip()]
            done = dict(zip(mine["project_id"], mine["organisation"], strict=True))
        for pid, org in done.items():
            click.echo(f"project {pid} registered at planning: owner {org}")


@click.command("submit")
@user_options
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "project_id", required=True, metavar="ID", help="The project id.")
@click.option("--stage", type=click.Choice(STAGES), required=True, help="The project's stage.")
def submit_cmd(db: str | None, user: str, plan: Path, project_id: str, stage: str) -> None:
    """Check PLAN's project at STAGE and store the submission; print verdict and diff."""
    with signed_in(db, user) as (engine, actor):
        done = submit(engine, actor, plan, project_id, stage)
        counts = ", ".join(f"{k} {v}" for k, v in done.counts.items())
        click.echo(
            f"submission {done.submission_id}: {project_id} {stage} #{done.seq}: "
            f"{done.verdict.upper()} ({counts})"
        )
        _print_diff(diff(engine, done.submission_id), done.seq)


def _print_diff(changes: pd.DataFrame, seq: int) -> None:
    if changes.empty:
        click.echo("no previous submission to compare with" if seq == 1 else "no change")
        return
    summary = changes["change"].value_counts()
    click.echo("against the previous submission: " + ", ".join(
        f"{k} {v}" for k, v in summary.items()))  # fmt: skip
    for row in changes.to_dict("records"):
        where = f" [{row['building_id']}]" if row["building_id"] else ""
        click.echo(f"  {row['change']:<13} {row['rule_id']}{where}: {row['message']}")


@click.command("signoff")
@user_options
@click.argument("submission", type=int)
@click.option("--decision", type=click.Choice(DECISIONS), required=True, help="The decision.")
@click.option("--comments", default="", help="What the owner should know or change.")
def signoff_cmd(db: str | None, user: str, submission: int, decision: str, comments: str) -> None:
    """Sign off or return SUBMISSION (planners only)."""
    with signed_in(db, user) as (engine, actor):
        stage = decide(engine, actor, submission, decision, comments)
        click.echo(f"submission {submission}: {decision}; the project is now at {stage}")


@workspace_group.command("demo")
@db_option
def demo_cmd(db: str | None) -> None:
    """Seed an empty workspace with the demo accounts and the sample projects."""
    with opened(db) as engine:
        n = seed_demo(engine)
        if n == 0:
            click.echo("the workspace has users already; nothing seeded")
            return
        click.echo(
            f"seeded {n} sample projects and the accounts demo-planner, demo-owner, "
            f"demo-operator, demo-viewer (password {DEMO_PASSWORD})"
        )


COMMANDS = (workspace_group, users_group, projects_group, submit_cmd, signoff_cmd)
"""The commands this module adds to ``baseline``."""
