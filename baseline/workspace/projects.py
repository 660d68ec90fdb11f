"""Projects through the four stages: submissions checked and stored, signed off or returned.

A project is at one stage (``planning`` → ``design`` → ``construction`` → ``acceptance``) with a
status: ``open`` (nothing submitted at this stage yet), ``submitted`` (awaiting a planner),
``returned`` (to be resubmitted) or ``signed_off`` (acceptance signed off: done). Its owner
organisation submits the plan of the current stage; :func:`submit` runs the real check
(:func:`baseline.check.check`, only the rules of that stage) and stores the project's features,
findings, counts, verdict and catalogue in one transaction. A planner :func:`decide` s: signed
off moves the project to the next stage, returned asks for a resubmission, whose :func:`diff`
against the previous submission says which findings were resolved, are new or still fail.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from baseline.check.run import CheckResult, check
from baseline.errors import BaselineError, Text
from baseline.i18n import t
from baseline.io.siteplan import SitePlan, read_siteplan, siteplan_from_frames
from baseline.standard.catalogue import Standard, load_standard
from baseline.workspace.access import PERMISSIONS, Act, acting, deny, refusal, require
from baseline.workspace.accounts import organisation_id
from baseline.workspace.actor import Actor
from baseline.workspace.optimistic import update_versioned
from baseline.workspace.schema import (
    DECISIONS,
    STAGES,
    comments,
    decisions,
    organisations,
    projects,
    submissions,
    works,
)

DIFF_KEY = ["rule_id", "building_id"]
"""A finding of one project is the same finding across submissions when these agree."""
CHANGES = ("resolved", "new", "still_failing", "not_judged")
NOT_MET = ("fail", "warn")
"""Statuses of a finding whose rule is not met (a *shall* rule fails, a *should* rule warns)."""


@dataclass(frozen=True)
class Submitted:
    """What :func:`submit` stored: the submission's id, sequence, counts and verdict."""

    submission_id: int
    project_id: str
    stage: str
    seq: int
    verdict: str
    counts: dict[str, int]


# --------------------------------------------------------------------------------------------
# Reading a project's plan


def _load_plan(plan: str | Path | gpd.GeoDataFrame | SitePlan, std: Standard | None) -> SitePlan:
    if isinstance(plan, SitePlan):
        return plan
    std = std or load_standard()
    if isinstance(plan, gpd.GeoDataFrame):
        return siteplan_from_frames({"plan": plan.to_crs(4326)}, std, label="uploaded plan")
    return read_siteplan(plan, std)


def _only_project(plan: SitePlan, project_id: str) -> SitePlan:
    """The plan cut to one project's features."""
    mine = plan.projects["project_id"].astype(str) == project_id
    if not mine.any():
        found = ", ".join(sorted(plan.projects["project_id"].astype(str))[:10])
        msg = f"{plan.source or 'the plan'}: no project {project_id!r} in it (it has {found})"
        zh = f"{plan.source or '方案'}：其中没有项目 {project_id!r}（现有 {found}）"
        raise BaselineError(msg, zh=zh)
    fit = plan.fittings["project_id"].astype(str) == project_id
    bld = plan.buildings["project_id"].astype(str) == project_id
    return SitePlan(
        projects=plan.projects[mine].copy(),
        fittings=plan.fittings[fit].copy(),
        source=plan.source,
        sha256=plan.sha256,
        notes=list(plan.notes),
        buildings=plan.buildings[bld].copy(),
    )


def _plan_geojson(plan: SitePlan) -> str:
    parts = [f for f in (plan.projects, plan.fittings, plan.buildings) if len(f)]
    frame = pd.concat([p.to_crs(4326) for p in parts], ignore_index=True)
    return str(
        gpd.GeoDataFrame(frame, geometry="geometry", crs=4326).to_json(
            drop_id=True, default=str, ensure_ascii=False
        )
    )


def _counts(findings: pd.DataFrame) -> dict[str, int]:
    found = findings["status"].value_counts()
    return {s: int(found.get(s, 0)) for s in ("pass", "fail", "warn", "not_applicable")}


def verdict_of(findings: pd.DataFrame) -> str:
    """``fail`` if any *shall* rule fails, else ``pass``."""
    failing = (findings["status"] == "fail") & (findings["obligation"] == "shall")
    return "fail" if bool(failing.any()) else "pass"


# --------------------------------------------------------------------------------------------
# Projects


def _project_row(con: Connection, project_id: str) -> Any:
    return con.execute(sa.select(projects).where(projects.c.project_id == project_id)).first()


@dataclass(frozen=True)
class ProjectInfo:
    """What registering a project records: its id, name, category, owner and place."""

    project_id: str
    name: str = ""
    category: str = ""
    org: str | None = None
    place: tuple[float, float] | None = None
    """(lon, lat) in WGS84; the first submission places a project registered without one."""


NOT_REGISTERED = Text(
    "project {pid} is not registered in the workspace; register it first: "
    "baseline projects add PLAN --id {pid} (owners for their own organisation, planners for any), "
    "or Register a project on the Projects page",
    "项目 {pid} 尚未在工作台登记；请先登记：baseline projects add PLAN --id {pid}"
    "（建设单位登记本单位项目，规划人员可为任一单位登记），或在“项目审查”页“登记项目”",
)
"""The refusal of a submission for a project nobody registered (format with ``pid``)."""


def _not_registered(pid: str) -> Text:
    return Text(NOT_REGISTERED.en.format(pid=pid), NOT_REGISTERED.zh.format(pid=pid))


def _owner_org(act: Act, org: str | None) -> int:
    """The owner organisation a project is registered to, after the party check.

    A party role (an owner) registers for its own organisation; the others (planners) name the
    owner organisation, which is created when new.
    """
    if not org:
        if act.actor.role in PERMISSIONS[act.action].party_roles:
            return act.actor.org_id
        msg = "a planner registers a project for an owner organisation; name it (--owner-org ORG)"
        zh = "规划人员须为某一建设单位登记项目；请写明该单位（--owner-org 单位名称）"
        raise BaselineError(msg, zh=zh)
    found = act.con.execute(
        sa.select(organisations.c.id, organisations.c.kind).where(organisations.c.name == org)
    ).first()
    act.need_party({int(found.id)} if found is not None else set())
    if found is None:
        return organisation_id(act.con, org, "owner")
    if found.kind != "owner":
        kind_zh = t(f"org_kind_{found.kind}", "zh")
        act.refuse(
            Text(
                f"{org} is a {found.kind} organisation; a project belongs to its owner (建设单位)",
                f"{org} 是{kind_zh}；项目属于其建设单位",
            )
        )
    return int(found.id)


def _register(act: Act, info: ProjectInfo) -> int:
    """Insert one project at the planning stage (the action's checks done); its ``projects.id``."""
    org_id = _owner_org(act, info.org)
    if _project_row(act.con, info.project_id) is not None:
        pid = info.project_id
        act.refuse(Text(f"project {pid} is registered already", f"项目 {pid} 已登记"))
    lon, lat = info.place if info.place is not None else (None, None)
    now = datetime.now(UTC)
    new = act.con.execute(
        projects.insert().values(
            project_id=info.project_id,
            name=info.name[:300],
            category=info.category[:100],
            org_id=org_id,
            lon=lon,
            lat=lat,
            created_at=now,
            updated_at=now,
        )
    )
    return int(new.inserted_primary_key[0])  # type: ignore[index]


def _checked_info(info: ProjectInfo, std: Standard | None) -> ProjectInfo:
    """``info`` with its id stripped; refused when the id is empty or the category unknown."""
    pid = info.project_id.strip()
    if not pid or len(pid) > 100:
        msg = f"project id {info.project_id!r}: give a project id of 1 to 100 characters"
        raise BaselineError(
            msg, zh=f"项目编号 {info.project_id!r} 无效：请给出 1 至 100 个字符的编号"
        )
    if info.category:
        known = (std or load_standard()).categories
        if info.category not in known:
            msg = (
                f"{info.category!r} is not a category of the catalogue; "
                f"must be one of {', '.join(known)}"
            )
            zh = f"{info.category!r} 不是标准目录中的项目类别；须为 {'、'.join(known)} 之一"
            raise BaselineError(msg, zh=zh)
    return ProjectInfo(pid, info.name.strip(), info.category, info.org, info.place)


def register_project(
    engine: Engine,
    actor: Actor,
    project_id: str,
    *,
    name: str = "",
    category: str = "",
    org: str | None = None,
    place: tuple[float, float] | None = None,
    std: Standard | None = None,
) -> int:
    """Register a project at the planning stage, so that its owner may submit its plans.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The workspace database.
    actor : Actor
        An owner (for its own organisation) or a planner (for any owner organisation): the
        ``register_project`` entry of :data:`~baseline.workspace.access.PERMISSIONS`.
    project_id : str
        The project's id, as its site plans carry it (``PD-B02``).
    name, category : str, optional
        Its name and catalogue category (checked against ``std``).
    org : str, optional
        The owner organisation: an owner's own by default; planners must name it (created as
        an owner organisation when new).
    place : (float, float), optional
        (lon, lat) in WGS84; without it the first submission places the project.
    std : Standard, optional
        The catalogue the category is checked against (default: the bundled one).

    Returns
    -------
    int
        The project's ``projects.id``.

    Raises
    ------
    Forbidden
        A role that may not register, an owner naming another organisation, an id registered
        already (audited; nothing changed).
    """
    info = _checked_info(ProjectInfo(project_id, name, category, org, place), std)
    with acting(engine, actor, "register_project", "project", info.project_id) as act:
        return _register(act, info)


def _plan_infos(
    plan: SitePlan, project_ids: list[str] | None, org: str | None, actor: Actor
) -> list[ProjectInfo]:
    """One :class:`ProjectInfo` per project of ``plan`` (or of ``project_ids``)."""
    frame = plan.projects.to_crs(4326)
    frame = frame.assign(project_id=frame["project_id"].astype(str))
    first = frame.drop_duplicates("project_id").set_index("project_id")
    for pid in project_ids or []:
        if pid not in first.index:
            _only_project(plan, pid)  # raises, naming the plan's ids
    named_owner = actor.role not in PERMISSIONS["register_project"].party_roles
    infos = []
    for pid in project_ids or list(first.index):
        row = first.loc[pid]
        owner = org or (_text(row.get("owner")) if named_owner else None)
        if named_owner and not owner:
            msg = f"project {pid}: the plan names no owner; give --owner-org ORG"
            zh = f"项目 {pid}：方案未写明建设单位；请给出 --owner-org 单位名称"
            raise BaselineError(msg, zh=zh)
        centre = row.geometry.centroid
        place = (float(centre.x), float(centre.y))
        infos.append(ProjectInfo(pid, _text(row.get("name")), _text(row.get("category")),
                                 owner, place))  # fmt: skip
    return infos


def _text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def register_plan(
    engine: Engine,
    actor: Actor,
    plan: str | Path | gpd.GeoDataFrame | SitePlan,
    project_ids: list[str] | None = None,
    *,
    org: str | None = None,
    std: Standard | None = None,
) -> dict[str, str]:
    """Register the projects of a site plan (name, category and place from it) in one go.

    Parameters
    ----------
    plan : path, GeoDataFrame or SitePlan
        A site plan.
    project_ids : list of str, optional
        The projects to register (default: every project of the plan).
    org : str, optional
        The owner organisation of them all. Owners register for their own; planners default
        to each project's ``owner`` column.

    Returns
    -------
    dict
        Project id → its owner organisation's name, in the plan's order.

    Raises
    ------
    Forbidden
        As :func:`register_project`, for any of them (audited; none registered).
    """
    std = std or load_standard()
    infos = _plan_infos(_load_plan(plan, std), project_ids, org, actor)
    record_id = ",".join(i.project_id for i in infos)
    record_id = record_id if len(record_id) <= 100 else f"{len(infos)} projects"
    with acting(engine, actor, "register_project", "project", record_id) as act:
        pks = [_register(act, info) for info in infos]
        act.detail = f"{len(pks)} project(s) from {_load_name(plan)}"
        found = act.con.execute(
            sa.select(projects.c.project_id, organisations.c.name)
            .join(organisations, projects.c.org_id == organisations.c.id)
            .where(projects.c.id.in_(pks))
        ).all()
    names = {str(pid): str(name) for pid, name in found}
    return {info.project_id: names[info.project_id] for info in infos}


def _load_name(plan: str | Path | gpd.GeoDataFrame | SitePlan) -> str:
    if isinstance(plan, SitePlan):
        return plan.source or "a site plan"
    return Path(plan).name if isinstance(plan, str | Path) else "an uploaded plan"


def update_project(
    engine: Engine,
    actor: Actor,
    project_id: str,
    expected_version: int,
    *,
    name: str | None = None,
    category: str | None = None,
) -> int:
    """Change a project's name or category if nobody changed it since ``expected_version``.

    Returns
    -------
    int
        The project's new version.

    Raises
    ------
    Conflict
        When someone else changed it meanwhile (nothing changed, nothing lost).
    """
    with acting(engine, actor, "update_project", "project", project_id) as act:
        row = _need_project(act, project_id)
        values = {k: v for k, v in (("name", name), ("category", category)) if v is not None}
        return update_versioned(
            act.con, projects, row.id, expected_version, values, label=f"project {project_id}"
        )


def _need_project(act: Act, project_id: str) -> Any:
    row = _project_row(act.con, project_id)
    if row is None:
        msg = f"no project {project_id!r} in the workspace; check the id (baseline workspace info)"
        zh = f"工作区中没有项目 {project_id!r}；请核对编号（baseline workspace info）"
        raise BaselineError(msg, zh=zh)
    act.need_party({int(row.org_id)})
    return row


# --------------------------------------------------------------------------------------------
# Submitting


def _stage_problem(row: Any, stage: str) -> Text | None:
    """Why ``stage`` may not be submitted for the project now, or None."""
    pid = row.project_id
    if row.status == "signed_off":
        return Text(
            f"project {pid} is signed off at acceptance: nothing more to submit",
            f"项目 {pid} 已在竣工验收阶段审批通过：无需再报审",
        )
    if stage != row.stage:
        return Text(
            f"project {pid} is at stage {row.stage}; submit {row.stage} "
            f"(a project moves to the next stage only when a planner signs it off)",
            f"项目 {pid} 处于 {row.stage} 阶段；请报审 {row.stage}"
            "（只有规划审批人员审批通过后，项目才进入下一阶段）",
        )
    if row.status == "submitted":
        return Text(
            f"project {pid} has a {stage} submission awaiting a planner's decision; "
            "wait for it to be signed off or returned",
            f"项目 {pid} 有一份 {stage} 阶段的报审正等待规划审批人员决定；请等待审批通过或退回",
        )
    return None


def _store_submission(
    act: Act, row: Any, result: CheckResult, one: SitePlan, stage: str, geojson: str
) -> Submitted:
    con = act.con
    seq = con.execute(
        sa.select(sa.func.coalesce(sa.func.max(submissions.c.seq), 0)).where(
            submissions.c.project_pk == row.id, submissions.c.stage == stage
        )
    ).scalar_one()
    counts, verdict = _counts(result.findings), verdict_of(result.findings)
    new = con.execute(
        submissions.insert().values(
            project_pk=row.id,
            stage=stage,
            seq=int(seq) + 1,
            user_id=act.actor.user_id,
            plan_name=(one.source or "plan")[:300],
            plan_sha256=one.sha256 or hashlib.sha256(geojson.encode()).hexdigest(),
            plan_geojson=geojson,
            findings_csv=result.findings.to_csv(index=False),
            catalogue_id=result.standard.id,
            catalogue_version=result.standard.version,
            catalogue_sha256=result.standard.content_hash,
            n_pass=counts["pass"],
            n_fail=counts["fail"],
            n_warn=counts["warn"],
            n_not_applicable=counts["not_applicable"],
            verdict=verdict,
            created_at=datetime.now(UTC),
        )
    )
    sid = int(new.inserted_primary_key[0])  # type: ignore[index]
    changes: dict[str, object] = {"status": "submitted"}
    if row.lon is None or row.lat is None:  # registered without a place: the plan places it
        centre = one.projects.to_crs(4326).geometry.iloc[0].centroid
        changes |= {"lon": float(centre.x), "lat": float(centre.y)}
    update_versioned(con, projects, row.id, row.version, changes)
    act.record_id, act.detail = str(sid), f"{row.project_id} {stage} #{int(seq) + 1}: {verdict}"
    return Submitted(sid, row.project_id, stage, int(seq) + 1, verdict, counts)


def submit(
    engine: Engine,
    actor: Actor,
    plan: str | Path | gpd.GeoDataFrame | SitePlan,
    project_id: str,
    stage: str,
    *,
    std: Standard | None = None,
) -> Submitted:
    """Check one project of ``plan`` at ``stage`` and store the submission in one transaction.

    An owner submits its own organisation's projects. The project must be registered first
    (:func:`register_project`, :func:`register_plan`): submitting an unknown id is refused, so
    the first submitter never claims a project.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The workspace database.
    actor : Actor
        An owner of the project's organisation.
    plan : path, GeoDataFrame or SitePlan
        A site plan holding the project (other projects in it are ignored).
    project_id : str
        The project's id in the plan.
    stage : str
        The project's current stage.
    std : Standard, optional
        The catalogue (default: the bundled one).

    Returns
    -------
    Submitted

    Raises
    ------
    Forbidden
        A project not registered, another organisation's project, a role other than owner, a
        stage skipped or a submission awaiting decision (each audited; nothing stored).
    """
    if stage not in STAGES:
        msg = f"unknown stage {stage!r}; give one of {', '.join(STAGES)}"
        raise BaselineError(msg, zh=f"未知阶段 {stage!r}；请从 {', '.join(STAGES)} 中选择")
    _precheck(engine, actor, project_id, stage)
    std = std or load_standard()
    one = _only_project(_load_plan(plan, std), project_id)
    result, geojson = _checked_in_both(one, std, stage), _plan_geojson(one)
    with acting(engine, actor, "submit", "project", project_id) as act:
        row = _project_row(act.con, project_id)
        if row is None:
            act.refuse(_not_registered(project_id))
        act.need_party({int(row.org_id)})
        if why := _stage_problem(row, stage):
            act.refuse(why)
        return _store_submission(act, row, result, one, stage, geojson)


def _checked_in_both(one: SitePlan, std: Standard, stage: str) -> CheckResult:
    """The check at ``stage`` with English messages and their Chinese in ``message_zh``.

    The stored findings keep the stable English messages; the Chinese beside them lets a
    Chinese page show a submission and its diff in Chinese without checking again.
    """
    result = check(one, std, stage=stage)
    zh = check(one, std, stage=stage, lang="zh").findings
    same = (
        len(zh) == len(result.findings)
        and (zh["rule_id"].to_numpy() == result.findings["rule_id"].to_numpy()).all()
    )
    if same:
        result.findings["message_zh"] = zh["message"].to_numpy()
    return result


def _precheck(engine: Engine, actor: Actor, project_id: str, stage: str) -> None:
    """Refuse (audited) before running the check when the submission cannot be accepted."""
    require(engine, actor, "submit", "project", project_id)
    with engine.connect() as con:
        row = _project_row(con, project_id)
    if row is None:
        deny(
            engine, actor, "submit", "project", project_id, _not_registered(project_id),
            name_who_may=False,
        )  # fmt: skip
    if why := refusal(actor, "submit", {int(row.org_id)}):
        deny(engine, actor, "submit", "project", project_id, why)
    if why := _stage_problem(row, stage):
        deny(engine, actor, "submit", "project", project_id, why, name_who_may=False)


# --------------------------------------------------------------------------------------------
# Deciding


def _submission_row(con: Connection, submission_id: int) -> Any:
    row = con.execute(sa.select(submissions).where(submissions.c.id == submission_id)).first()
    if row is None:
        msg = f"no submission {submission_id} in the workspace; check the id"
        raise BaselineError(msg, zh=f"工作区中没有报审 {submission_id}；请核对编号")
    return row


def _decision_problem(con: Connection, sub: Any, project: Any) -> Text | None:
    if con.execute(sa.select(decisions.c.id).where(decisions.c.submission_id == sub.id)).first():
        return Text(f"submission {sub.id} has been decided already", f"报审 {sub.id} 已有审批决定")
    latest = con.execute(
        sa.select(sa.func.max(submissions.c.id)).where(submissions.c.project_pk == project.id)
    ).scalar()
    if latest != sub.id or project.status != "submitted" or project.stage != sub.stage:
        return Text(
            f"submission {sub.id} is not the one awaiting a decision for {project.project_id}",
            f"报审 {sub.id} 不是项目 {project.project_id} 当前等待审批的那一份",
        )
    return None


def _next(stage: str) -> tuple[str, str]:
    i = STAGES.index(stage)
    return (STAGES[i + 1], "open") if i + 1 < len(STAGES) else (stage, "signed_off")


def decide(
    engine: Engine,
    actor: Actor,
    submission_id: int,
    decision: str,
    comments_text: str = "",
    expected_version: int | None = None,
) -> str:
    """Sign off or return a submission (planners only); return the project's new stage.

    Signing off moves the project to the next stage (``open`` there), or to ``signed_off``
    after acceptance; returning keeps the stage with status ``returned``.

    Parameters
    ----------
    decision : {"signed_off", "returned"}
    comments_text : str
        The planner's comments (what to change when returned).
    expected_version : int, optional
        The project version the planner read; a different one raises :class:`Conflict`.
    """
    if decision not in DECISIONS:
        msg = f"{decision!r} is not a decision; give one of {', '.join(DECISIONS)}"
        raise BaselineError(
            msg, zh=f"{decision!r} 不是审批决定；请从 {', '.join(DECISIONS)} 中选择"
        )
    with acting(engine, actor, "decide", "submission", submission_id) as act:
        sub = _submission_row(act.con, submission_id)
        project = act.con.execute(sa.select(projects).where(projects.c.id == sub.project_pk)).one()
        if why := _decision_problem(act.con, sub, project):
            act.refuse(why)
        act.con.execute(
            decisions.insert().values(
                submission_id=submission_id,
                decision=decision,
                comments=comments_text,
                user_id=act.actor.user_id,
                created_at=datetime.now(UTC),
            )
        )
        stage, status = _next(sub.stage) if decision == "signed_off" else (sub.stage, "returned")
        version = project.version if expected_version is None else expected_version
        update_versioned(
            act.con, projects, project.id, version, {"stage": stage, "status": status},
            label=f"project {project.project_id}",
        )  # fmt: skip
        act.detail = f"{project.project_id} {sub.stage}: {decision}"
        return stage


# --------------------------------------------------------------------------------------------
# Diff, comments, listings


def _previous_id(con: Connection, sub: Any) -> int | None:
    same = con.execute(
        sa.select(submissions.c.id)
        .where(
            submissions.c.project_pk == sub.project_pk,
            submissions.c.stage == sub.stage,
            submissions.c.seq < sub.seq,
        )
        .order_by(submissions.c.seq.desc())
        .limit(1)
    ).scalar()
    if same is not None:
        return int(same)
    earlier = list(STAGES[: STAGES.index(sub.stage)])
    found = con.execute(
        sa.select(submissions.c.id)
        .where(submissions.c.project_pk == sub.project_pk, submissions.c.stage.in_(earlier))
        .order_by(submissions.c.id.desc())
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def _failing(findings: pd.DataFrame) -> pd.DataFrame:
    keyed = findings.assign(building_id=findings["building_id"].fillna("").astype(str))
    return keyed[[*DIFF_KEY, "status", "message"]].drop_duplicates(DIFF_KEY)


def findings_of(engine: Engine, submission_id: int) -> pd.DataFrame:
    """The stored findings of one submission."""
    with engine.connect() as con:
        row = _submission_row(con, submission_id)
    text = {"building_id": str, "rule_id": str, "status": str, "message": str}
    return pd.read_csv(io.StringIO(row.findings_csv), dtype=text, keep_default_na=False)


def diff(engine: Engine, submission_id: int, lang: str = "en") -> pd.DataFrame:
    """Findings resolved, new, still failing or no longer judged, against the previous submission.

    The previous submission is the one before at the same stage, else the last one of an
    earlier stage. Findings are matched on :data:`DIFF_KEY`; a finding is failing when its rule
    is not met (status in :data:`NOT_MET`).

    Returns
    -------
    pandas.DataFrame
        Columns ``change`` (:data:`CHANGES`), ``rule_id``, ``building_id``, ``before``,
        ``after`` (statuses, "" when absent), ``message`` (the latest, in ``lang`` when the
        submission holds that language); empty when there is no previous submission or
        nothing failed in either.
    """
    with engine.connect() as con:
        prev = _previous_id(con, _submission_row(con, submission_id))
    columns = ["change", *DIFF_KEY, "before", "after", "message"]
    if prev is None:
        return pd.DataFrame(columns=columns)
    now = _failing(_in_lang(findings_of(engine, submission_id), lang))
    before = _failing(_in_lang(findings_of(engine, prev), lang))
    both = before.merge(now, on=DIFF_KEY, how="outer", suffixes=("_before", "_after"))
    both = both.fillna({"status_before": "", "status_after": ""})
    was, now_fails = both["status_before"].isin(NOT_MET), both["status_after"].isin(NOT_MET)
    change = pd.Series("", index=both.index, dtype=object)
    change[was & now_fails] = "still_failing"
    change[~was & now_fails] = "new"
    change[was & ~now_fails & (both["status_after"] != "")] = "resolved"
    change[was & (both["status_after"] == "")] = "not_judged"
    out = both.assign(
        change=change,
        before=both["status_before"],
        after=both["status_after"],
        message=both["message_after"].where(both["message_after"].notna(), both["message_before"]),
    )
    out = out[out["change"] != ""][columns]
    rank = out["change"].map({c: i for i, c in enumerate(CHANGES)})
    out = out.assign(_rank=rank).sort_values(["_rank", *DIFF_KEY])
    return out.drop(columns="_rank").reset_index(drop=True)


def _in_lang(findings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Findings with their messages in ``lang`` where the submission stored them."""
    column = f"message_{lang}"
    if lang == "en" or column not in findings:
        return findings
    return findings.assign(
        message=findings[column].where(findings[column] != "", findings["message"])
    )


def _parties(con: Connection, record_kind: str, record_id: int) -> set[int]:
    """The organisations that are parties of a record (projects, submissions, works)."""
    if record_kind == "submission":
        record_kind, record_id = "project", int(_submission_row(con, record_id).project_pk)
    table = {"project": projects, "work": works}.get(record_kind)
    if table is None:
        msg = f"comments go on a project, submission or work, not {record_kind!r}"
        zh = f"评论只能针对项目、报审或施工，不能针对 {record_kind!r}"
        raise BaselineError(msg, zh=zh)
    org = con.execute(sa.select(table.c.org_id).where(table.c.id == record_id)).scalar()
    if org is None:
        msg = f"no {record_kind} with id {record_id}; check the id"
        kind_zh = {"project": "项目", "work": "施工"}.get(record_kind, record_kind)
        raise BaselineError(msg, zh=f"没有编号为 {record_id} 的{kind_zh}；请核对编号")
    return {int(org)}


def comment(engine: Engine, actor: Actor, record_kind: str, record_id: int, body: str) -> int:
    """Comment on a project, submission or work (its parties and planners); return the id."""
    if not body.strip():
        msg = "an empty comment; write what you want to say"
        raise BaselineError(msg, zh="评论为空；请写下你想说的话")
    with acting(engine, actor, "comment", record_kind, record_id) as act:
        act.need_party(_parties(act.con, record_kind, record_id))
        new = act.con.execute(
            comments.insert().values(
                record_kind=record_kind,
                record_id=record_id,
                user_id=act.actor.user_id,
                body=body,
                created_at=datetime.now(UTC),
            )
        )
        return int(new.inserted_primary_key[0])  # type: ignore[index]


def project_list(engine: Engine) -> pd.DataFrame:
    """Every project with its owner organisation, stage, status and version."""
    query = sa.select(
        projects.c.id,
        projects.c.project_id,
        projects.c.name,
        projects.c.category,
        organisations.c.name.label("organisation"),
        projects.c.stage,
        projects.c.status,
        projects.c.version,
        projects.c.lon,
        projects.c.lat,
    ).join(organisations, projects.c.org_id == organisations.c.id)
    with engine.connect() as con:
        rows = con.execute(query.order_by(projects.c.project_id)).all()
    cols = ["id", "project_id", "name", "category", "organisation", "stage", "status"]
    return pd.DataFrame([tuple(r) for r in rows], columns=[*cols, "version", "lon", "lat"])


def submission_list(engine: Engine, project_id: str | None = None) -> pd.DataFrame:
    """Submissions (newest last) with their counts, verdict and decision."""
    query = (
        sa.select(
            submissions.c.id,
            projects.c.project_id,
            submissions.c.stage,
            submissions.c.seq,
            submissions.c.verdict,
            submissions.c.n_pass,
            submissions.c.n_fail,
            submissions.c.n_warn,
            submissions.c.n_not_applicable,
            submissions.c.catalogue_version,
            submissions.c.created_at,
            decisions.c.decision,
            decisions.c.comments,
        )
        .join(projects, submissions.c.project_pk == projects.c.id)
        .outerjoin(decisions, decisions.c.submission_id == submissions.c.id)
        .order_by(submissions.c.id)
    )
    if project_id is not None:
        query = query.where(projects.c.project_id == project_id)
    with engine.connect() as con:
        result = con.execute(query)
        return pd.DataFrame([tuple(r) for r in result.all()], columns=list(result.keys()))


__all__ = [
    "CHANGES",
    "DIFF_KEY",
    "NOT_REGISTERED",
    "ProjectInfo",
    "Submitted",
    "comment",
    "decide",
    "diff",
    "findings_of",
    "project_list",
    "register_plan",
    "register_project",
    "submission_list",
    "submit",
    "update_project",
    "verdict_of",
]
