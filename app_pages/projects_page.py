"""Projects page: projects by stage and status, a project's submissions, diff, comments, actions.

Projects are registered first (owners for their own organisation, planners for any owner
organisation); owners submit a plan at their project's current stage; planners sign off or
return the latest submission with comments. Buttons show only to those the permission table lets
act; the library checks again and its refusal message is shown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from app_pages.common import guarded, lang, standard, tr, uploaded, words
from app_pages.widget_texts import file_uploader
from app_pages.workspace_common import (
    act,
    act_later,
    engine,
    flash,
    labelled,
    local_time,
    may,
    require_actor,
)
from baseline.io.formats import VECTOR_SUFFIXES
from baseline.io.siteplan import read_siteplan
from baseline.workspace.actor import Actor
from baseline.workspace.projects import (
    comment,
    decide,
    diff,
    project_list,
    register_plan,
    register_project,
    submit,
)
from baseline.workspace.schema import STAGES
from baseline.workspace.views import comments_of, project_row, submissions_of

STATUSES = ("open", "submitted", "returned", "signed_off")
LIST_COLUMNS = ["project_id", "name", "organisation", "stage", "status"]


def _filtered(table: pd.DataFrame) -> pd.DataFrame:
    """The projects list with the stage and status filters applied."""
    word = words()
    left, right = st.columns(2)
    stages = left.multiselect(
        tr("ws_filter_stage"),
        STAGES,
        key="ws_f_stage",
        format_func=lambda s: word(f"stage_{s}"),
        placeholder=tr("ws_all"),
    )
    statuses = right.multiselect(
        tr("ws_filter_status"),
        STATUSES,
        key="ws_f_status",
        format_func=lambda s: word(f"pstatus_{s}"),
        placeholder=tr("ws_all"),
    )
    if stages:
        table = table[table["stage"].isin(stages)]
    if statuses:
        table = table[table["status"].isin(statuses)]
    return table


def _register_form(db: Engine, who: Actor) -> None:
    """Register a project by id: owners for their own organisation, planners naming the owner."""
    std, language = standard(), lang()
    with st.expander(tr("ws_register_project")), st.form("ws_register_form"):
        pid = st.text_input(tr("ws_project_id"), key="ws_reg_id")
        name = st.text_input(tr("ws_project_name"), key="ws_reg_name")
        category = st.selectbox(
            tr("ws_project_category"),
            list(std.categories),
            key="ws_reg_category",
            format_func=lambda c: std.category_label(c, language),
        )
        org = None
        if may("register_project", set()):  # planners name the owner organisation
            org = st.text_input(tr("ws_owner_org"), key="ws_reg_org")
        else:
            st.caption(tr("ws_register_own"))
        if st.form_submit_button(tr("ws_register"), type="primary"):
            done = act(
                lambda: register_project(
                    db, who, pid, name=name, category=category or "", org=org, std=std
                ),
                tr("ws_registered", project=pid.strip()),
            )
            if done is not None:
                st.session_state["ws_project"] = pid.strip()
                st.rerun()


def _register_from_plan(db: Engine, who: Actor, path: Path, pid: str) -> None:
    """An unregistered project of the uploaded plan: say so; its owner may register it here."""
    st.caption(tr("ws_submit_unregistered", project=pid))
    if not may("register_project") or not st.button(
        tr("ws_register_from_plan", project=pid), key="ws_register_plan"
    ):
        return
    done = act(
        lambda: register_plan(db, who, path, [pid], std=standard()),
        tr("ws_registered", project=pid),
    )
    if done is not None:
        st.rerun()


def _submit_form(db: Engine, who: Actor) -> None:
    """Owners: upload a site plan, pick its project, submit it at the project's stage."""
    with st.container(border=True):
        st.markdown(f"**{tr('ws_submit_plan')}**")
        types = [s.lstrip(".") for s in VECTOR_SUFFIXES]
        upload = file_uploader(st, tr("upload"), types, "ws_plan", lang())
        if upload is None:
            return
        with uploaded(upload.name, upload.getvalue(), "baseline-ws-") as path:
            plan = guarded(lambda: read_siteplan(path, standard()))
            if plan is None:
                return
            ids = sorted(plan.projects["project_id"].astype(str).unique())
            pid = st.selectbox(tr("ws_project"), ids, key="ws_submit_pid")
            row = project_row(db, pid)
            if row is None:
                _register_from_plan(db, who, path, pid)
                return
            stage, status = str(row["stage"]), str(row["status"])
            waiting = status in ("submitted", "signed_off")
            note = f"ws_submit_{status}" if waiting else "ws_submit_at"
            st.caption(tr(note, stage=tr(f"stage_{stage}")))
            if st.button(tr("ws_submit"), type="primary", key="ws_submit", disabled=waiting):
                done = act(
                    lambda: submit(db, who, path, pid, stage),
                    tr("ws_submitted", project=pid, stage=tr(f"stage_{stage}")),
                )
                if done is not None:
                    st.session_state["ws_project"] = pid
                    st.session_state.pop("ws_pick", None)
                    st.rerun()


def _submissions(db: Engine, pid: str) -> pd.DataFrame:
    """The project's submissions as a table (verdict, counts, catalogue, who, when)."""
    subs = submissions_of(db, pid)
    st.subheader(tr("ws_submissions"))
    if subs.empty:
        st.write(tr("ws_no_submissions"))
        return subs
    shown = subs.assign(created_at=local_time(subs["created_at"]))
    shown = shown.fillna({"decision": "", "decided_by": "", "comments": ""})
    table = labelled(shown, {"stage": "stage_", "verdict": "", "decision": "decision_"})
    st.dataframe(table, hide_index=True, width="stretch", key="ws_subs_table")
    return subs


def _diff(db: Engine, subs: pd.DataFrame) -> None:
    """The diff of the latest submission against the previous one."""
    if len(subs) < 2:
        return
    latest = int(subs["id"].iloc[-1])
    changes = guarded(lambda: diff(db, latest, lang()))
    if changes is None:
        return
    st.subheader(tr("ws_diff", seq=int(subs["seq"].iloc[-1])))
    counts = changes["change"].value_counts()
    for col, name in zip(st.columns(3), ("resolved", "new", "still_failing"), strict=True):
        col.metric(tr(f"change_{name}"), int(counts.get(name, 0)))
    if not changes.empty:
        rules, language = standard().rules, lang()
        changes.insert(
            2,
            "rule",
            [rules[r].label(language) if r in rules else r for r in changes["rule_id"]],
        )
        table = labelled(changes, {"change": "change_", "before": "", "after": ""})
        st.dataframe(table, hide_index=True, width="stretch", key="ws_diff_table")


def _comments(db: Engine, who: Actor, project: dict) -> None:
    """Comments on the project and its submissions; a box for the parties and planners."""
    st.subheader(tr("ws_comments"))
    notes = comments_of(db, int(project["id"]))
    notes = notes.assign(created_at=local_time(notes["created_at"]))
    for _, note in notes.iterrows():
        when = note["created_at"]
        st.markdown(f"**{note['user']}** · {when}\n\n{note['body']}")
    if notes.empty:
        st.caption(tr("ws_no_comments"))
    if not may("comment", {int(project["org_id"])}):
        return
    with st.form("ws_comment_form", clear_on_submit=True):
        body = st.text_area(tr("ws_comment"), key="ws_comment_text")
        if st.form_submit_button(tr("ws_add_comment")):
            act(
                lambda: comment(db, who, "project", int(project["id"]), body),
                tr("ws_comment_added"),
            )
            st.rerun()


def _decision(db: Engine, who: Actor, project: dict, subs: pd.DataFrame) -> None:
    """Planners: sign off or return the submission awaiting a decision."""
    if not may("decide") or subs.empty or project["status"] != "submitted":
        return
    latest = int(subs["id"].iloc[-1])
    st.subheader(tr("ws_decide", id=latest))
    st.text_area(tr("ws_decision_comments"), key="ws_decision_text")
    left, right = st.columns(2)
    version = int(project["version"])
    for col, decision in ((left, "signed_off"), (right, "returned")):

        def decided(d: str = decision) -> None:
            text = st.session_state.get("ws_decision_text", "")
            decide(db, who, latest, d, text, expected_version=version)

        col.button(
            tr(f"ws_btn_{decision}"),
            type="primary" if decision == "signed_off" else "secondary",
            key=f"ws_{decision}",
            on_click=act_later,
            args=(decided, tr(f"ws_done_{decision}", project=project["project_id"])),
        )


def _detail(db: Engine, who: Actor, pid: str) -> None:
    """One project: where it is, its submissions, the diff, comments and the actions."""
    project = project_row(db, pid)
    if project is None:
        return
    st.header(f"{pid} · {project['name']}")
    left, right = st.columns(2)
    left.metric(tr("ws_stage"), tr(f"stage_{project['stage']}"))
    right.metric(tr("ws_status"), tr(f"pstatus_{project['status']}"))
    subs = _submissions(db, pid)
    _diff(db, subs)
    _decision(db, who, project, subs)
    _comments(db, who, project)


def render() -> None:
    """Draw the projects page."""
    st.header(tr("page_projects"))
    who = require_actor()
    db = engine()
    flash()
    if may("register_project"):
        _register_form(db, who)
    if may("submit"):
        _submit_form(db, who)
    table = guarded(lambda: project_list(db))
    if table is None or table.empty:
        st.write(tr("ws_no_projects"))
        return
    shown = _filtered(table)
    listed = labelled(shown[LIST_COLUMNS], {"stage": "stage_", "status": "pstatus_"})
    st.dataframe(listed, hide_index=True, width="stretch", key="ws_projects_table")
    ids = list(shown["project_id"])
    if not ids:
        return
    current = st.session_state.get("ws_project")
    pid = st.selectbox(
        tr("ws_project"),
        ids,
        index=ids.index(current) if current in ids else 0,
        key="ws_pick",
    )
    st.session_state["ws_project"] = pid
    _detail(db, who, pid)


render()
