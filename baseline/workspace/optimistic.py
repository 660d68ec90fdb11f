"""Optimistic concurrency: an update names the version it read and fails if it moved.

Two users editing the same record: the first update wins and bumps ``version``; the second,
still naming the old version, gets :class:`~baseline.errors.Conflict` and changes nothing, so
neither edit is silently overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from baseline.errors import Conflict


def update_versioned(
    con: Connection,
    table: sa.Table,
    pk: int,
    expected_version: int,
    values: Mapping[str, Any],
    *,
    label: str = "",
) -> int:
    """Update row ``pk`` of ``table`` if it is still at ``expected_version``; return the new one.

    Parameters
    ----------
    con : sqlalchemy.engine.Connection
        In the caller's transaction.
    table : sqlalchemy.Table
        A table with ``id``, ``version`` (and ``updated_at`` when it has one).
    pk : int
        The row's ``id``.
    expected_version : int
        The version the caller read.
    values : mapping
        The columns to change.
    label : str
        How to name the record in the message (e.g. ``project PD-B03``).

    Raises
    ------
    Conflict
        When someone else changed the row since it was read (nothing is changed).
    """
    changes = dict(values, version=expected_version + 1)
    if "updated_at" in table.c:
        changes.setdefault("updated_at", datetime.now(UTC))
    done = con.execute(
        table.update()
        .where(table.c.id == pk, table.c.version == expected_version)
        .values(**changes)
    )
    if done.rowcount == 1:
        return expected_version + 1
    now = con.execute(sa.select(table.c.version).where(table.c.id == pk)).scalar()
    name = label or f"{table.name} {pk}"
    msg = (
        f"{name} was changed by someone else (it is at version {now}, you read version "
        f"{expected_version}); your change was not saved and nothing was lost: reload it and "
        "apply your change again"
    )
    zh = (
        f"{name} 已被他人修改（当前版本 {now}，你读取的是版本 {expected_version}）；"
        "你的修改未保存，也没有丢失任何内容：请重新加载后再次修改"
    )
    raise Conflict(msg, zh=zh)
