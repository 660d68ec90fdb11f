"""Read-only views of the workspace the app's pages show (who submitted, comments, parties).

Nothing here writes: every change goes through :mod:`baseline.workspace.projects`,
:mod:`baseline.workspace.works` and :mod:`baseline.workspace.opportunities`, which check the
permission table and audit. These views add what a page needs beside their listings: the user
and time of each submission and decision, the comments of a project and its submissions, the
organisations that are parties of a record, and the assessment table as download bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from baseline.errors import BaselineError
from baseline.workspace.kpi import write_assessment
from baseline.workspace.schema import (
    comments,
    decisions,
    opportunities,
    projects,
    submissions,
    users,
    works,
)

__all__ = [
    "comments_of",
    "has_users",
    "kpi_bytes",
    "opportunity_parties",
    "project_row",
    "submissions_of",
]

SUBMISSION_COLUMNS = [
    "id",
    "stage",
    "seq",
    "verdict",
    "n_pass",
    "n_fail",
    "n_warn",
    "catalogue_version",
    "submitted_by",
    "created_at",
    "decision",
    "decided_by",
    "comments",
]
"""Columns of :func:`submissions_of`."""


def has_users(engine: Engine) -> bool:
    """True when the workspace has at least one user (it has been set up or seeded)."""
    with engine.connect() as con:
        return bool(con.execute(sa.select(sa.func.count()).select_from(users)).scalar())


def project_row(engine: Engine, project_id: str) -> dict[str, object] | None:
    """A project's row (``id``, ``org_id``, ``stage``, ``status``, ``version``...) or None."""
    with engine.connect() as con:
        row = con.execute(sa.select(projects).where(projects.c.project_id == project_id)).first()
    return None if row is None else dict(row._mapping)


def submissions_of(engine: Engine, project_id: str) -> pd.DataFrame:
    """A project's submissions, oldest first, with who submitted and who decided.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUBMISSION_COLUMNS`; ``decision`` is None while awaiting a planner.
    """
    submitter, decider = users.alias("submitter"), users.alias("decider")
    query = (
        sa.select(
            submissions.c.id,
            submissions.c.stage,
            submissions.c.seq,
            submissions.c.verdict,
            submissions.c.n_pass,
            submissions.c.n_fail,
            submissions.c.n_warn,
            submissions.c.catalogue_version,
            submitter.c.name.label("submitted_by"),
            submissions.c.created_at,
            decisions.c.decision,
            decider.c.name.label("decided_by"),
            decisions.c.comments,
        )
        .join(projects, submissions.c.project_pk == projects.c.id)
        .join(submitter, submitter.c.id == submissions.c.user_id)
        .outerjoin(decisions, decisions.c.submission_id == submissions.c.id)
        .outerjoin(decider, decider.c.id == decisions.c.user_id)
        .where(projects.c.project_id == project_id)
        .order_by(submissions.c.id)
    )
    with engine.connect() as con:
        rows = con.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=SUBMISSION_COLUMNS)


def comments_of(engine: Engine, project_pk: int) -> pd.DataFrame:
    """Comments on a project and on its submissions, and planners' decision comments, by time.

    Returns
    -------
    pandas.DataFrame
        Columns ``created_at``, ``user``, ``about`` (``project`` or ``submission N``), ``body``.
    """
    sub_ids = sa.select(submissions.c.id).where(submissions.c.project_pk == project_pk)
    on_record = sa.or_(
        sa.and_(comments.c.record_kind == "project", comments.c.record_id == project_pk),
        sa.and_(comments.c.record_kind == "submission", comments.c.record_id.in_(sub_ids)),
    )
    query = (
        sa.select(comments.c.created_at, users.c.name, comments.c.record_kind, comments.c.record_id)
        .add_columns(comments.c.body)
        .join(users, users.c.id == comments.c.user_id)
        .where(on_record)
    )
    decided = (
        sa.select(
            decisions.c.created_at, users.c.name, decisions.c.submission_id, decisions.c.comments
        )
        .join(users, users.c.id == decisions.c.user_id)
        .where(decisions.c.submission_id.in_(sub_ids), decisions.c.comments != "")
    )
    with engine.connect() as con:
        rows = [
            (r[0], r[1], "project" if r[2] == "project" else f"submission {r[3]}", r[4])
            for r in con.execute(query).all()
        ]
        rows += [(r[0], r[1], f"submission {r[2]}", r[3]) for r in con.execute(decided).all()]
    table = pd.DataFrame(rows, columns=["created_at", "user", "about", "body"])
    return table.sort_values("created_at", ignore_index=True)


def opportunity_parties(engine: Engine, opportunity_id: int) -> set[int]:
    """The organisations of an opportunity's two works (its parties)."""
    wa, wb = works.alias("wa"), works.alias("wb")
    query = (
        sa.select(wa.c.org_id, wb.c.org_id)
        .select_from(opportunities)
        .join(wa, wa.c.id == opportunities.c.work_a)
        .join(wb, wb.c.id == opportunities.c.work_b)
        .where(opportunities.c.id == opportunity_id)
    )
    with engine.connect() as con:
        row = con.execute(query).first()
    if row is None:
        msg = f"no opportunity with id {opportunity_id}; check the id"
        raise BaselineError(msg, zh=f"没有编号为 {opportunity_id} 的共建机会；请核对编号")
    return {int(row[0]), int(row[1])}


def kpi_bytes(table: pd.DataFrame, fmt: str) -> bytes:
    """The assessment figures as the bytes of a ``csv`` or ``xlsx`` file (for a download).

    Written by :func:`baseline.workspace.kpi.write_assessment`, so a downloaded file is the
    one ``baseline kpi --out F`` writes (an XLSX with its ``about`` sheet).
    """
    if fmt not in ("csv", "xlsx"):
        msg = f"{fmt!r}: the figures download as csv or xlsx"
        raise BaselineError(msg, zh=f"{fmt!r}：考核数据只能下载为 csv 或 xlsx")
    with tempfile.TemporaryDirectory(prefix="baseline-kpi-") as tmp:
        path = write_assessment(table, Path(tmp) / f"kpi.{fmt}")
        return path.read_bytes()
