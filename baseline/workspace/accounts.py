"""Organisations and users: argon2 password hashes, slowed failed sign-ins, OIDC users.

Passwords are hashed with argon2id (argon2-cffi) and never stored, logged, audited or shown.
After a failed sign-in the account waits :func:`lockout_seconds` (doubling with every failure,
capped at :data:`MAX_DELAY_S`) before the next attempt is even tried; a success resets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, Engine

from baseline import settings
from baseline.errors import BaselineError, Forbidden, Text
from baseline.workspace.access import acting
from baseline.workspace.actor import Actor
from baseline.workspace.audit import record
from baseline.workspace.schema import ORG_KINDS, ROLES, organisations, users

FREE_FAILURES = 2
"""Failed sign-ins allowed before the delay starts."""
BASE_DELAY_S = 1.0
"""The delay after the first counted failure; it doubles with each further one."""
MAX_DELAY_S = 300.0
"""The longest delay between sign-in attempts."""
MIN_PASSWORD = 8
"""The shortest password accepted."""


def _hasher() -> PasswordHasher:
    """argon2id with the costs of :mod:`baseline.settings` (verification reads the hash's own)."""
    return PasswordHasher(
        time_cost=settings.password_hash_time_cost,
        memory_cost=settings.password_hash_memory_kib,
    )


def lockout_seconds(failed_logins: int) -> float:
    """Seconds an account waits after ``failed_logins`` consecutive failures (0 for the first)."""
    counted = failed_logins - FREE_FAILURES
    if counted < 0:
        return 0.0
    return float(min(MAX_DELAY_S, BASE_DELAY_S * 2**counted))


def _check_choice(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        msg = f"{value!r} is not a valid {what}; must be one of {', '.join(allowed)}"
        what_zh = {"role": "角色", "organisation kind": "单位类型"}.get(what, what)
        raise BaselineError(
            msg, zh=f"{value!r} 不是有效的{what_zh}；须为以下之一：{', '.join(allowed)}"
        )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        msg = f"the password is too short; give at least {MIN_PASSWORD} characters"
        raise BaselineError(msg, zh=f"密码太短；请至少输入 {MIN_PASSWORD} 个字符")


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None  # an INSERT with an autoincrement key always has it
    return int(key[0])


def organisation_id(con: Connection, name: str, kind: str) -> int:
    """The id of organisation ``name``, created with ``kind`` if missing (on ``con``)."""
    row = con.execute(
        sa.select(organisations.c.id, organisations.c.kind).where(organisations.c.name == name)
    ).first()
    if row is not None:
        if row.kind != kind:
            msg = (
                f"organisation {name!r} exists as a {row.kind}, not a {kind}; "
                f"give --org-kind {row.kind}"
            )
            zh = (
                f"单位 {name!r} 已作为 {row.kind} 存在，而不是 {kind}；请给出 --org-kind {row.kind}"
            )
            raise BaselineError(msg, zh=zh)
        return int(row.id)
    _check_choice(kind, ORG_KINDS, "organisation kind")
    new = con.execute(
        organisations.insert().values(name=name, kind=kind, created_at=datetime.now(UTC))
    )
    return _new_id(new)


def _insert_user(
    con: Connection, name: str, org_id: int, role: str, password: str | None, subject: str = ""
) -> int:
    _check_choice(role, ROLES, "role")
    if con.execute(sa.select(users.c.id).where(users.c.name == name)).first() is not None:
        msg = f"a user named {name!r} exists already; choose another name"
        raise BaselineError(msg, zh=f"名为 {name!r} 的用户已存在；请换一个名称")
    new = con.execute(
        users.insert().values(
            name=name,
            org_id=org_id,
            role=role,
            password_hash=_hasher().hash(password) if password is not None else None,
            oidc_subject=subject or None,
            created_at=datetime.now(UTC),
        )
    )
    return _new_id(new)


def create_organisation(engine: Engine, actor: Actor, name: str, kind: str) -> int:
    """Create organisation ``name`` of ``kind`` (planners only); return its id."""
    with acting(engine, actor, "add_user", "organisation", name) as act:
        org = organisation_id(act.con, name, kind)
        act.record_id = str(org)
        return org


def add_user(
    engine: Engine,
    actor: Actor,
    name: str,
    org: str,
    org_kind: str,
    role: str,
    password: str,
) -> int:
    """Add a user (planners only); the organisation is created if missing.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The workspace database.
    actor : Actor
        The planner adding the user.
    name, org, org_kind, role : str
        The user's sign-in name, organisation name and kind, and role.
    password : str
        The password; only its argon2 hash is stored.

    Returns
    -------
    int
        The new user's id.
    """
    _check_password(password)
    with acting(engine, actor, "add_user", "user", name) as act:
        org_id = organisation_id(act.con, org, org_kind)
        uid = _insert_user(act.con, name, org_id, role, password)
        act.record_id = str(uid)
        act.detail = f"{name}: {role} of {org}"
        return uid


def init_workspace(engine: Engine, admin: str, org: str, password: str) -> Actor:
    """Create the first bureau organisation and its planner in an empty workspace.

    Raises
    ------
    BaselineError
        When the workspace has users already (add more with ``baseline users add``).
    """
    _check_password(password)
    with engine.begin() as con:
        if con.execute(sa.select(sa.func.count()).select_from(users)).scalar():
            msg = "the workspace has users already; a planner adds more with baseline users add"
            zh = "工作区已有用户；由规划审批人员用 baseline users add 添加更多用户"
            raise BaselineError(msg, zh=zh)
        org_id = organisation_id(con, org, "bureau")
        uid = _insert_user(con, admin, org_id, "planner", password)
        actor = Actor(uid, admin, org_id, "bureau", "planner")
        record(con, actor, "init_workspace", "user", uid, "ok", f"{admin}: planner of {org}")
    return actor


def _actor_of(con: Connection, where: Any, session: str) -> tuple[Actor, Any] | None:
    row = con.execute(
        sa.select(users, organisations.c.kind.label("org_kind"))
        .join(organisations, users.c.org_id == organisations.c.id)
        .where(where)
    ).first()
    if row is None:
        return None
    actor = Actor(int(row.id), row.name, int(row.org_id), row.org_kind, row.role, session)
    return actor, row


def _wait_left(row: Any, now: datetime) -> float:
    if row.last_failed_at is None:
        return 0.0
    last = row.last_failed_at
    last = last if last.tzinfo else last.replace(tzinfo=UTC)
    return lockout_seconds(int(row.failed_logins)) - (now - last).total_seconds()


def _verify(row: Any, password: str) -> bool:
    if not row.password_hash:
        return False
    try:
        return bool(_hasher().verify(row.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _refuse_sign_in(engine: Engine, name: str, why: str, session: str) -> None:
    with engine.begin() as con:
        record(con, None, "sign_in", "user", name, "failed", f"{name}: {why} ({session})")


def authenticate(engine: Engine, name: str, password: str, session: str = "") -> Actor:
    """Sign ``name`` in with ``password``; return the :class:`Actor`.

    Raises
    ------
    Forbidden
        Unknown user, wrong password, inactive account, or an attempt within the delay after
        failed ones ("try again in N s"); each is audited (without the password).
    """
    now = datetime.now(UTC)
    with engine.begin() as con:
        found = _actor_of(con, users.c.name == name, session)
        if found is None:
            record(con, None, "sign_in", "user", name, "failed", f"{name}: unknown user")
            raise_later: Text | None = _unknown_or_wrong(name)
        else:
            actor, row = found
            raise_later = _sign_in_row(con, actor, row, password, now)
    if raise_later:
        raise Forbidden.of(raise_later)
    return actor


def _unknown_or_wrong(name: str) -> Text:
    return Text(
        f"{name}: unknown user or wrong password; check both and try again",
        f"{name}：用户不存在或密码错误；请核对后重试",
    )


def _sign_in_row(
    con: Connection, actor: Actor, row: Any, password: str, now: datetime
) -> Text | None:
    """Check one user's password within the delay rules; return a refusal or None."""
    wait = _wait_left(row, now)
    if wait > 0:
        record(con, actor, "sign_in", "user", actor.user_id, "refused", "within the delay")
        return Text(
            f"{actor.name}: too many failed sign-ins; try again in {int(wait) + 1} s",
            f"{actor.name}：登录失败次数过多；请 {int(wait) + 1} 秒后重试",
        )
    if not row.active:
        record(con, actor, "sign_in", "user", actor.user_id, "refused", "inactive account")
        return Text(
            f"{actor.name}: the account is inactive; ask a planner to reactivate it",
            f"{actor.name}：账户已停用；请规划审批人员重新启用",
        )
    if not _verify(row, password):
        con.execute(
            users.update()
            .where(users.c.id == actor.user_id)
            .values(failed_logins=users.c.failed_logins + 1, last_failed_at=now)
        )
        record(con, actor, "sign_in", "user", actor.user_id, "failed", "wrong password")
        return _unknown_or_wrong(actor.name)
    con.execute(
        users.update()
        .where(users.c.id == actor.user_id)
        .values(failed_logins=0, last_failed_at=None)
    )
    record(con, actor, "sign_in", "user", actor.user_id, "ok")
    return None


def actor_for_oidc(
    engine: Engine,
    claims: Mapping[str, Any],
    *,
    role_claim: str = "baseline_role",
    org: str | None = None,
    org_kind: str = "owner",
    session: str = "",
) -> Actor:
    """The user signed in through OIDC (Streamlit's ``st.user``), created on first sign-in.

    Parameters
    ----------
    claims : mapping
        The ID-token claims: ``sub`` (or ``email``) names the user, ``role_claim`` the role.
    role_claim : str
        The claim holding one of the roles.
    org : str, optional
        The organisation new OIDC users join; None refuses users not already registered.
    org_kind : str
        The kind of ``org`` when it must be created.

    Raises
    ------
    Forbidden
        No subject, an unknown role, or an unregistered user without ``org`` (audited).
    """
    subject = str(claims.get("sub") or claims.get("email") or "").strip()
    role = str(claims.get(role_claim) or "").strip()
    name = str(claims.get("email") or claims.get("name") or subject)
    why = _oidc_problem(subject, role, role_claim)
    with engine.begin() as con:
        found = _actor_of(con, users.c.oidc_subject == subject, session) if subject else None
        if found is not None:
            record(con, found[0], "sign_in", "user", found[0].user_id, "ok", "oidc")
            return found[0]
        if not why.en and org is None:
            why = Text(
                "not registered; ask a planner to add you, or configure an organisation "
                "for OIDC users",
                "尚未注册；请规划审批人员添加你，或为 OIDC 用户配置所属单位",
            )
        if not why.en:
            org_id = organisation_id(con, org or "", org_kind)
            uid = _insert_user(con, name, org_id, role, None, subject)
            actor = Actor(uid, name, org_id, org_kind, role, session)
            record(con, actor, "sign_in", "user", uid, "ok", "oidc: user created")
            return actor
    _refuse_sign_in(engine, name or "?", f"oidc {why.en}", session)
    raise Forbidden(f"{name or 'the OIDC user'}: {why.en}", zh=f"{name or 'OIDC 用户'}：{why.zh}")


def _oidc_problem(subject: str, role: str, role_claim: str) -> Text:
    if not subject:
        return Text(
            "the identity provider gave no 'sub' or 'email' claim",
            "身份提供方没有给出 'sub' 或 'email' 声明",
        )
    if role not in ROLES:
        return Text(
            f"the claim {role_claim!r} must be one of {', '.join(ROLES)} (got {role!r})",
            f"声明 {role_claim!r} 须为 {', '.join(ROLES)} 之一（实际为 {role!r}）",
        )
    return Text("", "")


def list_users(engine: Engine) -> pd.DataFrame:
    """Users with organisation, kind and role (no hashes)."""
    query = (
        sa.select(
            users.c.id,
            users.c.name,
            organisations.c.name.label("organisation"),
            organisations.c.kind.label("org_kind"),
            users.c.role,
            users.c.active,
            users.c.created_at,
        )
        .join(organisations, users.c.org_id == organisations.c.id)
        .order_by(users.c.id)
    )
    with engine.connect() as con:
        rows = con.execute(query).all()
    columns = ["id", "name", "organisation", "org_kind", "role", "active", "created_at"]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
