"""Assessment figures (考核) per organisation, category and month, from the workspace.

One row per (organisation, category, month) that has anything to count. The month of a row is
that of the event each figure counts from (Asia/Shanghai calendar):

- submissions: a project's *stage* (a project at one of the four stages) belongs to the month
  of its first submission at that stage, to its owner and to the project's category;
- sites: the month the site was registered, its operator, the category of the project it
  serves (empty when none);
- works: the month a work starts, its organisation, category empty (works have none).

A figure that cannot be computed (no stage submitted, no works, no opportunity) is NaN, never
0. The columns (:data:`KPI_COLUMNS`, described in :data:`ABOUT`):
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from baseline.cobuild.costs import caveat
from baseline.io.writers import write_table
from baseline.standard.catalogue import Standard, load_standard
from baseline.workspace.schema import (
    decisions,
    opportunities,
    organisations,
    projects,
    sites,
    submissions,
    works,
)

KEYS = ["organisation", "category", "month"]
ABOUT = {
    "organisation": "the organisation assessed (owner of the projects, works or sites)",
    "category": "the projects' category (empty for works, and sites serving no project)",
    "month": "YYYY-MM, Asia/Shanghai: first submission of a stage, site registered, work start",
    "stages_submitted": "project stages first submitted in the month",
    "first_submission_compliance": "share of those stages whose first submission passed",
    "final_compliance": "share of those stages whose latest submission passed",
    "stages_signed_off": "of those stages, how many are signed off",
    "days_to_signoff_mean": "mean days from a stage's first submission to its sign-off",
    "days_to_signoff_median": "median of the same days",
    "new_sites": "sites registered in the month",
    "sites_open_share": "share of those sites open to all operators (sites.open_to_all)",
    "works": "works starting in the month",
    "works_collaborating": "of those works, how many are in an accepted or built opportunity",
    "collaboration_rate": "works_collaborating / works (UK Street Manager's baseline is ~1 %)",
    "saving_identified_cny": "half the identified saving of each identified, proposed, "
    "accepted or built opportunity of the works (a pair's saving split between its works)",
    "saving_realised_cny": "half the realised saving of each built opportunity of the works "
    "(0 when none is built yet; NaN when the works have no opportunity)",
    "saving_note": "示意估算 | illustrative estimate while the catalogue's unit costs are",
}
"""What each column of :func:`assessment` holds."""
KPI_COLUMNS = list(ABOUT)
__doc__ = (__doc__ or "") + "\n" + "\n".join(f"``{k}``\n    {v}" for k, v in ABOUT.items())

_COUNTED = ("identified", "proposed", "accepted", "built")
_COLLABORATING = ("accepted", "built")
_TZ = "Asia/Shanghai"


def _month(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values, utc=True).dt.tz_convert(_TZ).dt.tz_localize(None)
    return stamps.dt.strftime("%Y-%m")


def _read(con: Connection, query: sa.Select) -> pd.DataFrame:
    result = con.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _share(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else np.nan


def _stage_rows(con: Connection) -> pd.DataFrame:
    """One row per project stage: owner, category, first month, first/last verdict, days."""
    subs = _read(
        con,
        sa.select(
            submissions.c.id,
            submissions.c.project_pk,
            submissions.c.stage,
            submissions.c.seq,
            submissions.c.verdict,
            submissions.c.created_at,
            organisations.c.name.label("organisation"),
            projects.c.category,
        )
        .join(projects, projects.c.id == submissions.c.project_pk)
        .join(organisations, organisations.c.id == projects.c.org_id),
    )
    if subs.empty:
        return subs
    subs["created_at"] = pd.to_datetime(subs["created_at"], utc=True)
    signed = _read(
        con,
        sa.select(decisions.c.submission_id, decisions.c.created_at.label("signed_at")).where(
            decisions.c.decision == "signed_off"
        ),
    )
    signed["signed_at"] = pd.to_datetime(signed["signed_at"], utc=True)
    subs = subs.merge(signed, how="left", left_on="id", right_on="submission_id")
    subs = subs.sort_values(["project_pk", "stage", "seq"])
    grouped = subs.groupby(["project_pk", "stage"], sort=False)
    stages = grouped.agg(
        organisation=("organisation", "first"),
        category=("category", "first"),
        first_at=("created_at", "first"),
        first_pass=("verdict", lambda v: v.iloc[0] == "pass"),
        last_pass=("verdict", lambda v: v.iloc[-1] == "pass"),
        signed_at=("signed_at", "min"),
    ).reset_index()
    stages["days"] = (stages["signed_at"] - stages["first_at"]).dt.total_seconds() / 86_400
    stages["month"] = _month(stages["first_at"])
    return stages


def _stage_figures(stages: pd.DataFrame) -> pd.DataFrame:
    if stages.empty:
        return pd.DataFrame(columns=KEYS)
    rows = []
    for key, g in stages.groupby(KEYS, sort=True):
        days = g["days"].dropna()
        rows.append(
            {
                **dict(zip(KEYS, key, strict=True)),
                "stages_submitted": len(g),
                "first_submission_compliance": _share(g["first_pass"].astype(float)),
                "final_compliance": _share(g["last_pass"].astype(float)),
                "stages_signed_off": len(days),
                "days_to_signoff_mean": float(days.mean()) if len(days) else np.nan,
                "days_to_signoff_median": float(days.median()) if len(days) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _site_figures(con: Connection) -> pd.DataFrame:
    found = _read(
        con,
        sa.select(
            organisations.c.name.label("organisation"),
            sa.func.coalesce(projects.c.category, "").label("category"),
            sites.c.created_at,
            sites.c.open_to_all,
        )
        .join(organisations, organisations.c.id == sites.c.org_id)
        .outerjoin(projects, projects.c.id == sites.c.project_pk),
    )
    if found.empty:
        return pd.DataFrame(columns=KEYS)
    found["month"] = _month(found["created_at"])
    return (
        found.groupby(KEYS, sort=True)
        .agg(new_sites=("open_to_all", "size"), sites_open_share=("open_to_all", "mean"))
        .reset_index()
    )


def _work_rows(con: Connection) -> pd.DataFrame:
    """One row per work: organisation, month, collaborating, half savings (NaN: no pair)."""
    found = _read(
        con,
        sa.select(
            works.c.id,
            organisations.c.name.label("organisation"),
            works.c.start_date,
        ).join(organisations, organisations.c.id == works.c.org_id),
    )
    opps = _read(
        con,
        sa.select(
            opportunities.c.work_a,
            opportunities.c.work_b,
            opportunities.c.state,
            opportunities.c.saving_cny,
            opportunities.c.realised_saving_cny,
        ).where(opportunities.c.state.in_(_COUNTED)),
    )
    ends = pd.concat(
        [opps.rename(columns={"work_a": "work"}), opps.rename(columns={"work_b": "work"})]
    )[["work", "state", "saving_cny", "realised_saving_cny"]]
    ends["collab"] = ends["state"].isin(_COLLABORATING)
    ends["identified"] = ends["saving_cny"].astype(float) / 2
    ends["realised"] = ends["realised_saving_cny"].astype(float).fillna(0.0) / 2
    per_work = ends.groupby("work").agg(
        collab=("collab", "any"), identified=("identified", "sum"), realised=("realised", "sum")
    )
    found = found.join(per_work, on="id")
    found["collab"] = found["collab"].astype("boolean").fillna(False).astype(bool)
    found["category"] = ""
    found["month"] = pd.to_datetime(found["start_date"]).dt.strftime("%Y-%m")
    return found


def _work_figures(con: Connection) -> pd.DataFrame:
    rows = _work_rows(con)
    if rows.empty:
        return pd.DataFrame(columns=KEYS)
    out = (
        rows.groupby(KEYS, sort=True)
        .agg(
            works=("id", "size"),
            works_collaborating=("collab", "sum"),
            saving_identified_cny=("identified", lambda s: s.sum(min_count=1)),
            saving_realised_cny=("realised", lambda s: s.sum(min_count=1)),
        )
        .reset_index()
    )
    out["collaboration_rate"] = out["works_collaborating"] / out["works"]
    return out


def assessment(engine: Engine, *, std: Standard | None = None) -> pd.DataFrame:
    """The assessment figures per organisation, category and month.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The workspace.
    std : Standard, optional
        For the saving caveat (default the bundled catalogue).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KPI_COLUMNS` (see :data:`ABOUT`), sorted by the keys; NaN where a figure
        cannot be computed.
    """
    with engine.connect() as con:
        parts = [_stage_figures(_stage_rows(con)), _site_figures(con), _work_figures(con)]
    table = pd.DataFrame(columns=KEYS)
    for part in parts:
        if len(part):
            table = part if table.empty else table.merge(part, on=KEYS, how="outer")
    table = table.reindex(columns=KPI_COLUMNS)
    for count in ("stages_submitted", "stages_signed_off", "new_sites", "works"):
        table[count] = table[count].fillna(0).astype(int)
    table["works_collaborating"] = table["works_collaborating"].fillna(0).astype(int)
    note = caveat((std or load_standard()).cobuild)
    table["saving_note"] = np.where(table["saving_identified_cny"].notna(), note, "")
    return table.sort_values(KEYS, ignore_index=True)


def write_assessment(table: pd.DataFrame, path: str | Path, *, force: bool = False) -> Path:
    """Write the figures as CSV, JSON or XLSX (by extension); an XLSX has an ``about`` sheet."""
    about = pd.DataFrame({"column": list(ABOUT), "meaning": list(ABOUT.values())})
    sheets = {"about": about} if Path(path).suffix.lower() == ".xlsx" else None
    return write_table(table, path, force=force, sheets=sheets)
