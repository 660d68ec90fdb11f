"""The audit trail: who did what to which record, when, from which session, with what outcome.

Rows name the application's own user (``users.id`` and name), never a database role. A row is
written in the transaction of the action it records, so a rolled-back action leaves no ``ok``
row; refusals are written in their own transaction (:func:`baseline.workspace.access.deny`) so
they survive the refused action's rollback.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from baseline.workspace.actor import Actor
from baseline.workspace.schema import audit

OUTCOMES = ("ok", "refused", "failed")
TRAIL_COLUMNS = [
    "id",
    "at",
    "user_id",
    "user_name",
    "session",
    "action",
    "record_kind",
    "record_id",
    "outcome",
    "detail",
]


def record(
    con: Connection,
    actor: Actor | None,
    action: str,
    record_kind: str = "",
    record_id: str | int = "",
    outcome: str = "ok",
    detail: str = "",
) -> None:
    """Write one audit row on ``con`` (inside the caller's transaction).

    Parameters
    ----------
    con : sqlalchemy.engine.Connection
        An open connection in a transaction.
    actor : Actor or None
        Who acted; None before sign-in (``detail`` then names who tried).
    action : str
        What was done, e.g. ``submit``, ``decide``, ``sign_in``.
    record_kind, record_id : str
        The record acted on (``project``, ``PD-B03``), empty when none.
    outcome : str
        ``ok``, ``refused`` or ``failed``.
    detail : str
        A short free text; never a password.
    """
    if outcome not in OUTCOMES:
        msg = f"audit outcome {outcome!r} is not one of {', '.join(OUTCOMES)}"
        raise ValueError(msg)
    con.execute(
        audit.insert().values(
            at=datetime.now(UTC),
            user_id=actor.user_id if actor else None,
            user_name=actor.name if actor else "",
            session=actor.session if actor else "",
            action=action,
            record_kind=record_kind,
            record_id=str(record_id),
            outcome=outcome,
            detail=detail,
        )
    )


def trail(
    engine: Engine,
    *,
    record_kind: str | None = None,
    record_id: str | int | None = None,
    user: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit trail, oldest first, optionally filtered.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The workspace database.
    record_kind, record_id : str, optional
        Only rows about this record (kind, and id when given).
    user : str, optional
        Only rows of this user name.
    action : str, optional
        Only rows of this action (``submit``, ``sign_in``, ...).
    outcome : str, optional
        Only ``ok``, ``refused`` or ``failed`` rows.
    limit : int, optional
        Only the last ``limit`` rows.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TRAIL_COLUMNS`.
    """
    query = sa.select(*(audit.c[c] for c in TRAIL_COLUMNS))
    filters = {
        "record_kind": record_kind,
        "record_id": None if record_id is None else str(record_id),
        "user_name": user,
        "action": action,
        "outcome": outcome,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(audit.c[column] == value)
    query = query.order_by(audit.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as con:
        rows = con.execute(query).all()
    return pd.DataFrame([tuple(r) for r in reversed(rows)], columns=TRAIL_COLUMNS)
