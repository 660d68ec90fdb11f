"""Write into a workspace from a separate process (used by the concurrency and kill tests).

python -m tests.workspace_writer comments URL USER_ID COUNT TAG
    COUNT comments on project 1, each its own transaction, as user USER_ID.
python -m tests.workspace_writer submit-and-hang URL USER_ID PLAN MARKER
    Submit PD-B02 at planning, touch MARKER right after the submission row is inserted (inside
    the transaction) and hang there, to be killed.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import sqlalchemy as sa

from baseline.workspace import Actor, open_workspace
from baseline.workspace.projects import comment, submit
from baseline.workspace.schema import organisations, users


def actor_of(engine: sa.Engine, user_id: int) -> Actor:
    with engine.connect() as con:
        row = con.execute(
            sa.select(users.c.name, users.c.org_id, users.c.role, organisations.c.kind)
            .join(organisations, users.c.org_id == organisations.c.id)
            .where(users.c.id == user_id)
        ).one()
    return Actor(user_id, row.name, row.org_id, row.kind, row.role, f"writer:{user_id}")


def comments(url: str, user_id: int, n: int, tag: str) -> None:
    engine = open_workspace(url)
    actor = actor_of(engine, user_id)
    for i in range(n):
        comment(engine, actor, "project", 1, f"{tag}:{i}")
    engine.dispose()


def submit_and_hang(url: str, user_id: int, plan: str, marker: str) -> None:
    engine = open_workspace(url)
    actor = actor_of(engine, user_id)

    def hang(_con: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SUBMISSIONS"):
            Path(marker).write_text("inserted", encoding="utf-8")
            time.sleep(120)

    sa.event.listen(engine, "after_cursor_execute", hang)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        submit(engine, actor, gpd.read_file(plan), "PD-B02", "planning")


if __name__ == "__main__":
    mode, url, uid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "comments":
        comments(url, uid, int(sys.argv[4]), sys.argv[5])
    else:
        submit_and_hang(url, uid, sys.argv[4], sys.argv[5])
