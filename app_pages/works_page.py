"""Works & opportunities page: register works, the organisation's inbox, answers, built.

Owners and operators register their works (a file in the co-build works format); each save
matches them against the register at once. Operators register their base-station and tower sites
(points with ``site_id`` and ``open_to_all``), counted by the assessment. The inbox lists what
awaits the signed-in organisation, with reminders; its parties accept or decline (a reason is
required) and mark accepted ones built with the realised saving. Savings are illustrative
estimates (示意估算).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from app_pages.common import guarded, lang, tr, uploaded
from app_pages.widget_texts import file_uploader
from app_pages.workspace_common import act_later, engine, flash, labelled, may, require_actor
from baseline.i18n import in_language
from baseline.io.formats import VECTOR_SUFFIXES
from baseline.workspace.actor import Actor
from baseline.workspace.opportunities import answer, inbox, mark_built, opportunities_table
from baseline.workspace.sites import add_sites
from baseline.workspace.views import opportunity_parties
from baseline.workspace.works import add_works

INBOX_COLUMNS = [
    "opportunity_id",
    "state",
    "kind",
    "work_a",
    "owner_a",
    "work_b",
    "owner_b",
    "window_start",
    "window_end",
    "saving_cny",
    "your_answer",
    "awaiting",
    "remind",
]
STATE_COLUMNS = {
    "state": "opp_",
    "kind": "cobuild_kind_",
    "your_answer": "answer_",
    "awaiting": "await_",
}


def _register(db: Engine, who: Actor) -> None:
    """Upload a works file; save it (matched at once) and say what the save did."""
    with st.container(border=True):
        st.markdown(f"**{tr('ws_register_works')}**")
        types = [s.lstrip(".") for s in VECTOR_SUFFIXES]
        upload = file_uploader(st, tr("ws_works_file"), types, "ws_works", lang())
        if upload is None or not st.button(tr("ws_save_works"), type="primary", key="ws_save"):
            return
        with uploaded(upload.name, upload.getvalue(), "baseline-ws-") as path:
            saved = guarded(lambda: add_works(db, who, path))
        if saved is not None:
            st.session_state["ws_flash"] = tr(
                "ws_works_saved",
                saved=len(saved.saved),
                unchanged=len(saved.unchanged),
                created=saved.created,
                updated=saved.updated,
                expired=saved.expired,
            )
            st.rerun()


def _register_sites(db: Engine, who: Actor) -> None:
    """Operators: upload a points file of sites; save them and say how many were new."""
    with st.container(border=True):
        st.markdown(f"**{tr('ws_register_sites')}**")
        st.caption(tr("ws_sites_help"))
        types = [s.lstrip(".") for s in VECTOR_SUFFIXES]
        upload = file_uploader(st, tr("ws_sites_file"), types, "ws_sites", lang())
        if upload is None or not st.button(
            tr("ws_save_sites"), type="primary", key="ws_save_sites"
        ):
            return
        with uploaded(upload.name, upload.getvalue(), "baseline-ws-") as path:
            saved = guarded(lambda: add_sites(db, who, path))
        if saved is not None:
            st.session_state["ws_flash"] = tr("ws_sites_saved", added=saved[0], changed=saved[1])
            st.rerun()


def _inbox_table(box: pd.DataFrame) -> None:
    """The inbox as a table, savings labelled illustrative, reminders counted."""
    reminders = int(box["remind"].sum())
    if reminders:
        st.warning(tr("ws_reminders", n=reminders))
    shown = box[INBOX_COLUMNS].copy()
    shown["awaiting"] = shown["awaiting"].map(_awaiting_key)
    shown["remind"] = shown["remind"].map(lambda r: tr("ws_yes") if r else "")
    table = labelled(shown, STATE_COLUMNS)
    st.dataframe(table, hide_index=True, width="stretch", key="ws_inbox_table")
    st.caption(tr("ws_saving_illustrative"))


def _awaiting_key(text: str) -> str:
    """The library's ``awaiting`` phrase as a translation key suffix."""
    return {
        "your answer": "yours",
        "the other party's answer": "other",
        "the parties' answers": "parties",
        "mark built when built": "built",
    }.get(text, "")


def _answer(db: Engine, who: Actor, row: pd.Series) -> None:
    """Accept or decline for the signed-in organisation (a decline needs a reason)."""
    oid, version = int(row["opportunity_id"]), int(row["version"])
    st.text_input(tr("ws_reason"), key=f"ws_reason_{oid}")
    left, right = st.columns(2)
    for col, accept, key in ((left, True, "accept"), (right, False, "decline")):

        def answered(yes: bool = accept) -> None:
            reason = st.session_state.get(f"ws_reason_{oid}", "")
            answer(db, who, oid, accept=yes, reason=reason, version=version)

        col.button(
            tr(f"ws_{key}"),
            type="primary" if accept else "secondary",
            key=f"ws_{key}_{oid}",
            on_click=act_later,
            args=(answered, tr("ws_answered", id=oid)),
        )


def _built(db: Engine, who: Actor, row: pd.Series) -> None:
    """Mark an accepted opportunity built, with the realised saving."""
    oid, version = int(row["opportunity_id"]), int(row["version"])
    st.number_input(tr("ws_realised_saving"), min_value=0.0, step=1000.0, key=f"ws_saving_{oid}")

    def built() -> None:
        saving = float(st.session_state.get(f"ws_saving_{oid}", 0.0))
        mark_built(db, who, oid, realised_saving_cny=saving, version=version)

    st.button(
        tr("ws_mark_built"),
        type="primary",
        key=f"ws_built_{oid}",
        on_click=act_later,
        args=(built, tr("ws_built_done", id=oid)),
    )


def _actions(db: Engine, who: Actor, box: pd.DataFrame) -> None:
    """Pick an opportunity of the inbox and act on it, if the signed-in user may."""
    ids = [int(i) for i in box["opportunity_id"]]
    names = {
        int(r["opportunity_id"]): f"#{r['opportunity_id']} {r['work_a']} + {r['work_b']}"
        for _, r in box.iterrows()
    }
    picked = st.selectbox(
        tr("ws_opportunity"), ids, key="ws_opp", format_func=lambda i: names.get(i, str(i))
    )
    oid = int(picked if picked is not None else ids[0])
    row = box[box["opportunity_id"] == oid].iloc[0]
    st.write(in_language(row["explanation"], lang()))
    parties = guarded(lambda: opportunity_parties(db, oid)) or set()
    if row["state"] in ("identified", "proposed") and may("answer_opportunity", parties):
        _answer(db, who, row)
    elif row["state"] == "accepted" and may("mark_built", parties):
        _built(db, who, row)


def _all_opportunities(db: Engine) -> None:
    """Every opportunity in the workspace (everyone signed in sees them)."""
    table = guarded(lambda: opportunities_table(db))
    if table is None or table.empty:
        return
    with st.expander(tr("ws_all_opportunities")):
        shown = pd.DataFrame(table.drop(columns="geometry"))
        cols = ["opportunity_id", "state", "kind", "work_a", "owner_a", "work_b", "owner_b"]
        cols += ["saving_cny", "realised_saving_cny"]
        st.dataframe(
            labelled(shown[cols], {"state": "opp_", "kind": "cobuild_kind_"}),
            hide_index=True,
            width="stretch",
            key="ws_all_opps",
        )


def render() -> None:
    """Draw the works and opportunities page."""
    st.header(tr("page_works"))
    who = require_actor()
    db = engine()
    flash()
    if may("register_work"):
        _register(db, who)
    if may("register_site"):
        _register_sites(db, who)
    st.subheader(tr("ws_inbox"))
    box = guarded(lambda: inbox(db, who))
    if box is None or box.empty:
        st.write(tr("ws_inbox_empty"))
    else:
        _inbox_table(box)
        _actions(db, who, box)
    _all_opportunities(db)


render()
