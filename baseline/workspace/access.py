"""Who may do what: the permission table as data, refusals audited and explained.

Everyone signed in reads everything (transparency, as in UK Street Manager). Editing and
commenting are for a record's *parties* (the organisations named on it: a project's owner, a
work's owner, the two owners of an opportunity's works); planners of the bureau act on every
record as the authority but never answer for another organisation. Only planners sign off
stages and manage users.

Every action runs through :func:`acting`: one transaction, an ``ok`` audit row written in it on
success; on refusal (:func:`deny`) or any :class:`~baseline.errors.BaselineError` the action is
rolled back and a ``refused`` audit row is written in its own transaction, so the attempt stays
in the trail while nothing else changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NoReturn

from sqlalchemy.engine import Connection, Engine

from baseline.errors import BaselineError, Forbidden
from baseline.workspace.actor import Actor
from baseline.workspace.audit import record
from baseline.workspace.schema import ROLES

__all__ = ["PERMISSIONS", "Act", "Actor", "Permission", "acting", "deny", "require", "why_not"]


@dataclass(frozen=True)
class Permission:
    """Who may do an action.

    ``roles`` may act; those also in ``party_roles`` only on records their organisation is a
    party of.
    """

    roles: frozenset[str]
    party_roles: frozenset[str] = frozenset()
    what: str = ""


def _p(roles: str, party: str = "", what: str = "") -> Permission:
    return Permission(frozenset(roles.split()), frozenset(party.split()), what)


EVERYONE = " ".join(ROLES)
PERMISSIONS: dict[str, Permission] = {
    "read": _p(EVERYONE, what="read the workspace"),
    "list_users": _p(EVERYONE, what="list users"),
    "add_user": _p("planner", what="add users"),
    "register_project": _p("planner owner", "owner", what="register a project"),
    "update_project": _p("planner owner", "owner", what="change a project"),
    "submit": _p("owner", "owner", what="submit a plan"),
    "decide": _p("planner", what="sign off or return a stage"),
    "comment": _p("planner owner operator", "owner operator", what="comment on a record"),
    "register_work": _p("owner", "owner", what="register works"),
    "edit_work": _p("owner", "owner", what="change works"),
    "answer_opportunity": _p("owner operator", "owner operator", what="answer an opportunity"),
    "mark_built": _p("owner operator", "owner operator", what="mark an opportunity built"),
    "register_site": _p("operator", "operator", what="register sites"),
    "kpi": _p(EVERYONE, what="read the assessment figures"),
}
"""Action → :class:`Permission`; the app, the CLI and the library all read this table."""


def who_may(action: str) -> str:
    """A phrase naming who may do ``action``, for refusal messages."""
    perm = PERMISSIONS[action]
    names = []
    for role in ROLES:
        if role in perm.roles:
            names.append(f"{role}s of a party" if role in perm.party_roles else f"{role}s")
    return " and ".join(names) if names else "nobody"


def why_not(actor: Actor | None, action: str, parties: Collection[int] | None = None) -> str:
    """Why ``actor`` may not do ``action`` (on a record of ``parties``), or "" when it may.

    Parameters
    ----------
    actor : Actor or None
        Who acts; None when nobody is signed in.
    action : str
        A key of :data:`PERMISSIONS`.
    parties : collection of int, optional
        The organisations that are parties of the record; None for actions on no record.
    """
    if action not in PERMISSIONS:
        msg = f"unknown action {action!r}; known: {', '.join(PERMISSIONS)}"
        raise ValueError(msg)
    if actor is None:
        return "nobody is signed in; sign in first"
    perm = PERMISSIONS[action]
    if actor.role not in perm.roles:
        return f"the role {actor.role} may not {perm.what}"
    if actor.role in perm.party_roles and parties is not None and actor.org_id not in parties:
        return f"your organisation is not a party of this record, so you may not {perm.what}"
    return ""


def deny(
    engine: Engine,
    actor: Actor | None,
    action: str,
    record_kind: str = "",
    record_id: str | int = "",
    why: str = "",
    *,
    name_who_may: bool = True,
) -> NoReturn:
    """Write a ``refused`` audit row in its own transaction and raise :class:`Forbidden`.

    Call it outside the refused action's transaction (on SQLite a second writer would wait
    for the first); :func:`acting` does. The message says who may do it when
    ``name_who_may`` (a refusal for role or party).
    """
    with engine.begin() as con:
        record(con, actor, action, record_kind, record_id, "refused", why)
    who = actor.name if actor else "nobody"
    target = f" {record_kind} {record_id}".rstrip() if record_kind else ""
    perm = PERMISSIONS.get(action)
    what = perm.what if perm and perm.what else action
    hint = f"; {who_may(action)} may" if name_who_may and perm else ""
    msg = f"{who} may not {what}{target and ' (' + target.strip() + ')'}: {why}{hint}. "
    raise Forbidden(msg + "Nothing was changed.")


def require(
    engine: Engine,
    actor: Actor | None,
    action: str,
    record_kind: str = "",
    record_id: str | int = "",
    parties: Collection[int] | None = None,
) -> Actor:
    """Check the permission table and return the actor, or :func:`deny` (audited)."""
    why = why_not(actor, action, parties)
    if why or actor is None:
        deny(engine, actor, action, record_kind, record_id, why)
    return actor


class _RefusalError(Exception):
    """Raised inside :func:`acting` to refuse; turned into an audited Forbidden after rollback."""

    def __init__(self, why: str, *, name_who_may: bool = False) -> None:
        super().__init__(why)
        self.why = why
        self.name_who_may = name_who_may


@dataclass
class Act:
    """An action in progress: its connection, who acts, and what it is about."""

    con: Connection
    actor: Actor
    action: str
    record_kind: str = ""
    record_id: str = ""
    detail: str = ""
    parties: set[int] = field(default_factory=set)

    def refuse(self, why: str, *, name_who_may: bool = False) -> NoReturn:
        """Refuse the action: it is rolled back, audited as refused and raised as Forbidden."""
        raise _RefusalError(why, name_who_may=name_who_may)

    def need_party(self, parties: Collection[int]) -> None:
        """Refuse unless the actor may act on a record whose parties are ``parties``."""
        why = why_not(self.actor, self.action, parties)
        if why:
            self.refuse(why, name_who_may=True)


@contextmanager
def acting(
    engine: Engine,
    actor: Actor | None,
    action: str,
    record_kind: str = "",
    record_id: str | int = "",
) -> Iterator[Act]:
    """Run an action in one transaction with its permission checked and its outcome audited.

    The role is checked before the transaction opens; the body calls ``act.need_party`` once it
    has read the record, and may set ``act.record_id`` and ``act.detail`` for the audit row.

    Raises
    ------
    Forbidden
        When the role or party check fails (audited as refused; nothing changed).
    BaselineError
        Any refusal of the body (a stage skipped, a conflict), re-raised after the rollback and
        audited as refused.
    """
    who = require(engine, actor, action, record_kind, record_id)
    act: Act | None = None
    try:
        with engine.begin() as con:
            act = Act(con, who, action, record_kind, str(record_id))
            yield act
            record(con, who, action, act.record_kind, act.record_id, "ok", act.detail)
    except _RefusalError as refusal:
        rid = act.record_id if act else record_id
        deny(engine, who, action, record_kind, rid, refusal.why, name_who_may=refusal.name_who_may)
    except BaselineError as exc:
        rid = act.record_id if act else record_id
        with engine.begin() as con:
            record(con, who, action, record_kind, rid, "refused", str(exc)[:2000])
        raise
