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

from baseline.errors import BaselineError, Forbidden, Text
from baseline.i18n import t
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
    what_zh: str = ""


def _p(roles: str, party: str = "", what: str = "", zh: str = "") -> Permission:
    return Permission(frozenset(roles.split()), frozenset(party.split()), what, zh)


EVERYONE = " ".join(ROLES)
PERMISSIONS: dict[str, Permission] = {
    "read": _p(EVERYONE, what="read the workspace", zh="查看工作台"),
    "list_users": _p(EVERYONE, what="list users", zh="列出用户"),
    "add_user": _p("planner", what="add users", zh="添加用户"),
    "register_project": _p("planner owner", "owner", what="register a project", zh="登记项目"),
    "update_project": _p("planner owner", "owner", what="change a project", zh="修改项目"),
    "submit": _p("owner", "owner", what="submit a plan", zh="报审方案"),
    "decide": _p("planner", what="sign off or return a stage", zh="审批通过或退回某一阶段"),
    "comment": _p(
        "planner owner operator", "owner operator", what="comment on a record", zh="评论记录"
    ),
    # operators dig too (ducts, fibre): their works are registered and matched like owners'
    "register_work": _p("owner operator", "owner operator", what="register works", zh="登记施工"),
    "edit_work": _p("owner operator", "owner operator", what="change works", zh="修改施工"),
    "answer_opportunity": _p(
        "owner operator", "owner operator", what="answer an opportunity", zh="答复共建机会"
    ),
    "mark_built": _p(
        "owner operator",
        "owner operator",
        what="mark an opportunity built",
        zh="将共建机会标记为已建",
    ),
    "register_site": _p("operator", "operator", what="register sites", zh="登记站址"),
    "kpi": _p(EVERYONE, what="read the assessment figures", zh="查看考核数据"),
}
"""Action → :class:`Permission`; the app, the CLI and the library all read this table."""


def who_may(action: str, lang: str = "en") -> str:
    """A phrase naming who may do ``action``, for refusal messages (in ``lang``)."""
    perm = PERMISSIONS[action]
    names = []
    for role in ROLES:
        if role not in perm.roles:
            continue
        if lang == "zh":
            party = "相关方的" if role in perm.party_roles else ""
            names.append(party + t(f"role_{role}", "zh"))
        else:
            names.append(f"{role}s of a party" if role in perm.party_roles else f"{role}s")
    if lang == "zh":
        return "、".join(names) if names else "任何人都不"
    return " and ".join(names) if names else "nobody"


NO_REASON = Text("", "")
"""The reason of a refusal that gives none."""

RECORD_KINDS_ZH = {
    "project": "项目",
    "submission": "报审",
    "work": "施工",
    "opportunity": "共建机会",
    "user": "用户",
    "site": "站址",
}


def why_not(actor: Actor | None, action: str, parties: Collection[int] | None = None) -> str:
    """Why ``actor`` may not do ``action`` (on a record of ``parties``), or "" when it may.

    In English; :func:`refusal` gives both languages.

    Parameters
    ----------
    actor : Actor or None
        Who acts; None when nobody is signed in.
    action : str
        A key of :data:`PERMISSIONS`.
    parties : collection of int, optional
        The organisations that are parties of the record; None for actions on no record.
    """
    why = refusal(actor, action, parties)
    return why.en if why else ""


def refusal(
    actor: Actor | None, action: str, parties: Collection[int] | None = None
) -> Text | None:
    """Why ``actor`` may not do ``action``, in English and Chinese; None when it may."""
    if action not in PERMISSIONS:
        msg = f"unknown action {action!r}; known: {', '.join(PERMISSIONS)}"
        raise ValueError(msg)
    if actor is None:
        return Text("nobody is signed in; sign in first", "尚未登录；请先登录")
    perm = PERMISSIONS[action]
    if actor.role not in perm.roles:
        role_zh = t(f"role_{actor.role}", "zh")
        return Text(
            f"the role {actor.role} may not {perm.what}", f"{role_zh}角色无权{perm.what_zh}"
        )
    if actor.role in perm.party_roles and parties is not None and actor.org_id not in parties:
        return Text(
            f"your organisation is not a party of this record, so you may not {perm.what}",
            f"你的单位不是该记录的相关方，因此无权{perm.what_zh}",
        )
    return None


def deny(
    engine: Engine,
    actor: Actor | None,
    action: str,
    record_kind: str = "",
    record_id: str | int = "",
    why: Text = NO_REASON,
    *,
    name_who_may: bool = True,
) -> NoReturn:
    """Write a ``refused`` audit row in its own transaction and raise :class:`Forbidden`.

    Call it outside the refused action's transaction (on SQLite a second writer would wait
    for the first); :func:`acting` does. The message says who may do it when
    ``name_who_may`` (a refusal for role or party).
    """
    with engine.begin() as con:
        record(con, actor, action, record_kind, record_id, "refused", why.en)
    who = actor.name if actor else "nobody"
    target = f" {record_kind} {record_id}".rstrip() if record_kind else ""
    perm = PERMISSIONS.get(action)
    what = perm.what if perm and perm.what else action
    hint = f"; {who_may(action)} may" if name_who_may and perm else ""
    msg = f"{who} may not {what}{target and ' (' + target.strip() + ')'}: {why.en}{hint}. "
    zh = _refused_zh(actor, action, target, why, name_who_may=name_who_may)
    raise Forbidden(msg + "Nothing was changed.", zh=zh)


def _refused_zh(
    actor: Actor | None, action: str, target: str, why: Text, *, name_who_may: bool
) -> str:
    """The Chinese of :func:`deny`'s message."""
    who = actor.name if actor else "未登录用户"
    perm = PERMISSIONS.get(action)
    what = perm.what_zh if perm and perm.what_zh else action
    kind, _, rid = target.strip().partition(" ")
    target_zh = f"（{RECORD_KINDS_ZH.get(kind, kind)} {rid}）".replace(" ）", "）") if kind else ""
    hint = f"；{who_may(action, 'zh')}角色可以执行" if name_who_may and perm else ""
    return f"{who} 无权{what}{target_zh}：{why.zh}{hint}。未做任何更改。"


def require(
    engine: Engine,
    actor: Actor | None,
    action: str,
    record_kind: str = "",
    record_id: str | int = "",
    parties: Collection[int] | None = None,
) -> Actor:
    """Check the permission table and return the actor, or :func:`deny` (audited)."""
    why = refusal(actor, action, parties)
    if why or actor is None:
        deny(engine, actor, action, record_kind, record_id, why or NO_REASON)
    return actor


class _RefusalError(Exception):
    """Raised inside :func:`acting` to refuse; turned into an audited Forbidden after rollback."""

    def __init__(self, why: Text, *, name_who_may: bool = False) -> None:
        super().__init__(why.en)
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

    def refuse(self, why: Text, *, name_who_may: bool = False) -> NoReturn:
        """Refuse the action: it is rolled back, audited as refused and raised as Forbidden."""
        raise _RefusalError(why, name_who_may=name_who_may)

    def need_party(self, parties: Collection[int]) -> None:
        """Refuse unless the actor may act on a record whose parties are ``parties``."""
        why = refusal(self.actor, self.action, parties)
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
