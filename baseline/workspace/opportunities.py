"""Co-build opportunities between works: their states, the parties' answers, inboxes, reminders.

States (after SmarterWX's created / updated / archived and Street Manager's collaboration)::

    identified --(a party accepts)--> proposed --(every party accepted)--> accepted
    identified | proposed --(any party declines, with a reason)--> declined
    accepted --(a party marks it built, with the realised saving)--> built
    identified | proposed | accepted --(a save: the works no longer match)--> expired

The *parties* are the organisations of the two works (one party when both are one
organisation's). Each party answers for its organisation, once, in ``answers`` (a later answer
of the same organisation replaces its earlier one while the opportunity is open): the first
acceptance proposes the opportunity to the other party; it is accepted when every party has
accepted, declined as soon as one declines (a reason is required: "not feasible" is what
SmarterWX records). Who may answer and mark built is
:data:`baseline.workspace.access.PERMISSIONS` (``answer_opportunity``, ``mark_built``): owners
and operators of a party; planners coordinate (their inbox lists every open opportunity) but
never answer for an organisation. A non-party's attempt is refused, audited, and changes
nothing. Every change names the version it read (optimistic: a moved version is a
:class:`~baseline.errors.Conflict`).

The identified saving (``saving_cny``) is the co-build's, from the catalogue's unit costs:
while they are illustrative, every table here carries ``saving_note`` "示意估算 | illustrative
estimate". The realised saving is what the parties report when built.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from baseline.cobuild.costs import caveat
from baseline.errors import BaselineError, Conflict
from baseline.standard.catalogue import Standard, load_standard
from baseline.workspace.access import Act, acting
from baseline.workspace.actor import Actor
from baseline.workspace.schema import OPPORTUNITY_STATES, answers, opportunities, organisations
from baseline.workspace.schema import works as works_table

OPEN_STATES = ("identified", "proposed")
"""States that take answers."""
LIVE_STATES = ("identified", "proposed", "accepted")
"""States an inbox shows as still to act on."""
TABLE_COLUMNS = [
    "opportunity_id",
    "state",
    "kind",
    "work_a",
    "owner_a",
    "work_b",
    "owner_b",
    "window_start",
    "window_end",
    "distance_m",
    "shared_m",
    "saving_cny",
    "saving_note",
    "realised_saving_cny",
    "reason",
    "explanation",
    "version",
    "updated_at",
]
"""Columns of :func:`opportunities_table` (and of the inbox, before its own)."""

_a = works_table.alias("wa")
_b = works_table.alias("wb")
_oa = organisations.alias("oa")
_ob = organisations.alias("ob")


@dataclass(frozen=True)
class _Opp:
    """An opportunity as an action reads it: its row and its parties."""

    row: Any
    parties: frozenset[int]


def _read(con: Connection, opportunity_id: int) -> _Opp:
    query = (
        sa.select(opportunities, _a.c.org_id.label("org_a"), _b.c.org_id.label("org_b"))
        .join(_a, _a.c.id == opportunities.c.work_a)
        .join(_b, _b.c.id == opportunities.c.work_b)
        .where(opportunities.c.id == opportunity_id)
    )
    row = con.execute(query).first()
    if row is None:
        msg = f"no opportunity {opportunity_id}; list them with `baseline opportunities --out F`"
        zh = f"没有共建机会 {opportunity_id}；请用 `baseline opportunities --out F` 列出"
        raise BaselineError(msg, zh=zh)
    return _Opp(row, frozenset({int(row.org_a), int(row.org_b)}))


def _require_state(opp: _Opp, states: tuple[str, ...], what: str) -> None:
    if opp.row.state not in states:
        msg = (
            f"opportunity {opp.row.id} is {opp.row.state}; only {' or '.join(states)} "
            f"opportunities can be {what}"
        )
        what_zh = {"answered": "答复", "marked built": "标记为已建"}.get(what, what)
        zh = (
            f"共建机会 {opp.row.id} 的状态为 {opp.row.state}；只有 {' 或 '.join(states)} 状态的"
            f"共建机会才能{what_zh}"
        )
        raise BaselineError(msg, zh=zh)


def _write(act: Act, opp: _Opp, version: int | None, **values: Any) -> None:
    """Update the opportunity if its version is still the one read (else Conflict)."""
    read = opp.row.version if version is None else version
    done = act.con.execute(
        opportunities.update()
        .where(opportunities.c.id == opp.row.id, opportunities.c.version == read)
        .values(**values, version=read + 1, updated_at=datetime.now(UTC))
    )
    if done.rowcount != 1:
        msg = (
            f"opportunity {opp.row.id} is at version {opp.row.version}, not {read}: someone "
            "changed it since you read it; read it again and answer on the current version"
        )
        zh = (
            f"共建机会 {opp.row.id} 的版本为 {opp.row.version}，而不是 {read}：在你读取之后"
            "已有人修改；请重新读取，并在当前版本上答复"
        )
        raise Conflict(msg, zh=zh)


def _state_after(con: Connection, opp: _Opp) -> str:
    given = con.execute(
        sa.select(answers.c.org_id, answers.c.answer).where(answers.c.opportunity_id == opp.row.id)
    ).all()
    said = {int(org): a for org, a in given}
    if "decline" in said.values():
        return "declined"
    if set(said) >= opp.parties:
        return "accepted"
    return "proposed" if said else "identified"


def answer(
    engine: Engine,
    actor: Actor,
    opportunity_id: int,
    *,
    accept: bool,
    reason: str = "",
    version: int | None = None,
) -> str:
    """Answer an opportunity for the actor's organisation; return its new state.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
    actor : Actor
        An owner or operator of one of the two works' organisations.
    opportunity_id : int
    accept : bool
        Accept (True) or decline (False).
    reason : str
        Why it is declined (required to decline; kept with an acceptance too).
    version : int, optional
        The version read; default the current one (no conflict check).

    Raises
    ------
    Forbidden
        Not a party, or a role that may not answer (audited; nothing changed).
    Conflict
        The opportunity changed since ``version`` was read.
    BaselineError
        A decline without a reason, or an opportunity not open to answers.
    """
    with acting(engine, actor, "answer_opportunity", "opportunity", opportunity_id) as act:
        opp = _read(act.con, opportunity_id)
        act.need_party(opp.parties)
        if not accept and not reason.strip():
            msg = (
                f"opportunity {opportunity_id}: a decline needs a reason (e.g. not feasible: "
                "the dates cannot move); give --reason TEXT"
            )
            zh = (
                f"共建机会 {opportunity_id}：拒绝须说明理由（例如不可行：日期无法调整）；"
                "请给出 --reason TEXT"
            )
            raise BaselineError(msg, zh=zh)
        _require_state(opp, OPEN_STATES, "answered")
        act.con.execute(
            answers.delete().where(
                answers.c.opportunity_id == opportunity_id, answers.c.org_id == actor.org_id
            )
        )
        act.con.execute(
            answers.insert().values(
                opportunity_id=opportunity_id,
                org_id=actor.org_id,
                answer="accept" if accept else "decline",
                reason=reason.strip(),
                user_id=actor.user_id,
                created_at=datetime.now(UTC),
            )
        )
        state = _state_after(act.con, opp)
        extra = {"reason": reason.strip()} if state == "declined" else {}
        _write(act, opp, version, state=state, **extra)
        act.detail = f"{'accept' if accept else 'decline'}: {opp.row.state} -> {state}"
    return state


def mark_built(
    engine: Engine,
    actor: Actor,
    opportunity_id: int,
    *,
    realised_saving_cny: float,
    version: int | None = None,
) -> None:
    """Record that an accepted opportunity was built, with the saving it realised (CNY).

    Raises
    ------
    Forbidden
        Not a party, or a role that may not (audited; nothing changed).
    Conflict
        The opportunity changed since ``version`` was read.
    BaselineError
        Not accepted, or a saving that is not a number >= 0.
    """
    with acting(engine, actor, "mark_built", "opportunity", opportunity_id) as act:
        opp = _read(act.con, opportunity_id)
        act.need_party(opp.parties)
        saving = float(realised_saving_cny)
        if not math.isfinite(saving) or saving < 0:
            msg = (
                f"opportunity {opportunity_id}: the realised saving must be a number of CNY "
                f">= 0, not {realised_saving_cny!r}; give --saving CNY"
            )
            zh = (
                f"共建机会 {opportunity_id}：实际节省须为 >= 0 的人民币金额，而不是 "
                f"{realised_saving_cny!r}；请给出 --saving CNY"
            )
            raise BaselineError(msg, zh=zh)
        _require_state(opp, ("accepted",), "marked built")
        _write(act, opp, version, state="built", realised_saving_cny=saving)
        act.detail = f"built, realised saving {saving:,.0f} CNY"


def _table_query(state: str | None) -> sa.Select[Any]:
    query = (
        sa.select(
            opportunities,
            _a.c.work_id.label("work_a_id"),
            _b.c.work_id.label("work_b_id"),
            _oa.c.name.label("owner_a"),
            _ob.c.name.label("owner_b"),
            _a.c.org_id.label("org_a"),
            _b.c.org_id.label("org_b"),
            _a.c.geom_wgs84_wkb.label("geom_a"),
            _b.c.geom_wgs84_wkb.label("geom_b"),
        )
        .join(_a, _a.c.id == opportunities.c.work_a)
        .join(_b, _b.c.id == opportunities.c.work_b)
        .join(_oa, _oa.c.id == _a.c.org_id)
        .join(_ob, _ob.c.id == _b.c.org_id)
        .order_by(opportunities.c.id)
    )
    if state is not None:
        if state not in OPPORTUNITY_STATES:
            msg = f"unknown state {state!r}; use one of {', '.join(OPPORTUNITY_STATES)}"
            zh = f"未知状态 {state!r}；请用以下之一：{', '.join(OPPORTUNITY_STATES)}"
            raise BaselineError(msg, zh=zh)
        query = query.where(opportunities.c.state == state)
    return query


def _frame(rows: Sequence[Any], note: str) -> gpd.GeoDataFrame:
    data = {
        "opportunity_id": [r.id for r in rows],
        "state": [r.state for r in rows],
        "kind": [r.kind for r in rows],
        "work_a": [r.work_a_id for r in rows],
        "owner_a": [r.owner_a for r in rows],
        "work_b": [r.work_b_id for r in rows],
        "owner_b": [r.owner_b for r in rows],
        "window_start": [r.window_start for r in rows],
        "window_end": [r.window_end for r in rows],
        "distance_m": [r.distance_m for r in rows],
        "shared_m": [r.shared_m for r in rows],
        "saving_cny": [r.saving_cny for r in rows],
        "saving_note": [note if r.saving_cny else "" for r in rows],
        "realised_saving_cny": [r.realised_saving_cny for r in rows],
        "reason": [r.reason for r in rows],
        "explanation": [r.explanation for r in rows],
        "version": [r.version for r in rows],
        "updated_at": [r.updated_at for r in rows],
    }
    geoms = [shapely.union(shapely.from_wkb(r.geom_a), shapely.from_wkb(r.geom_b)) for r in rows]
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326")


def opportunities_table(
    engine: Engine, *, state: str | None = None, std: Standard | None = None
) -> gpd.GeoDataFrame:
    """Every opportunity (or those in ``state``) with both works and owners, WGS84.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`TABLE_COLUMNS`; the geometry is both works. ``saving_note`` says
        "示意估算 | illustrative estimate" on every identified saving while the catalogue's
        unit costs are illustrative.
    """
    note = caveat((std or load_standard()).cobuild)
    with engine.connect() as con:
        rows = con.execute(_table_query(state)).all()
    return _frame(rows, note)


def _awaiting(state: str, mine: bool, answered: bool) -> str:
    if state in OPEN_STATES and mine:
        return "the other party's answer" if answered else "your answer"
    if state in OPEN_STATES:
        return "the parties' answers"
    return "mark built when built" if state == "accepted" else ""


def inbox(
    engine: Engine, actor: Actor, *, today: date | None = None, std: Standard | None = None
) -> pd.DataFrame:
    """The opportunities of the actor's organisation, with what awaits it and reminders.

    A planner's inbox is every identified, proposed or accepted opportunity (coordination).
    ``remind`` is True for an opportunity still to act on whose window starts within the
    catalogue's ``cobuild.reminder_weeks`` of ``today`` (default today).

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS` without the geometry, then ``your_answer``, ``awaiting``,
        ``remind``.
    """
    std = std or load_standard()
    today = today or date.today()
    horizon = today + timedelta(weeks=int(std.cobuild.reminder_weeks))
    table = opportunities_table(engine, std=std)
    with engine.connect() as con:
        mine_answers = dict(
            con.execute(
                sa.select(answers.c.opportunity_id, answers.c.answer).where(
                    answers.c.org_id == actor.org_id
                )
            ).all()
        )
        orgs = con.execute(
            sa.select(opportunities.c.id, _a.c.org_id, _b.c.org_id)
            .join(_a, _a.c.id == opportunities.c.work_a)
            .join(_b, _b.c.id == opportunities.c.work_b)
        ).all()
    party = {int(i) for i, oa, ob in orgs if actor.org_id in (oa, ob)}
    ids = table["opportunity_id"]
    keep = ids.isin(party) | (actor.role == "planner") & table["state"].isin(LIVE_STATES)
    out = pd.DataFrame(table[keep].drop(columns="geometry")).reset_index(drop=True)
    out["your_answer"] = [str(mine_answers.get(i, "")) for i in out["opportunity_id"]]
    out["awaiting"] = [
        _awaiting(s, i in party, i in mine_answers)
        for s, i in zip(out["state"], out["opportunity_id"], strict=True)
    ]
    soon = [s is not None and not pd.isna(s) and today <= s <= horizon for s in out["window_start"]]
    out["remind"] = out["state"].isin(LIVE_STATES).to_numpy() & np.array(soon, dtype=bool)
    return out
