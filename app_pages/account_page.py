"""Account page: sign in (name and password, or OIDC), see who you are, sign out.

Planners also manage accounts here: the workspace's users, and a form that adds one (what
``baseline users add`` does, audited). The form shows only to roles the permission table lets
add users; the library checks again and its refusal is shown.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from app_pages.common import guarded, tr, words
from app_pages.workspace_common import (
    act,
    actor,
    engine,
    flash,
    labelled,
    may,
    sign_in_form,
    sign_out,
)
from baseline.workspace.accounts import MIN_PASSWORD, add_user, list_users
from baseline.workspace.actor import Actor
from baseline.workspace.schema import ORG_KINDS, ROLES

USER_COLUMNS = ["name", "organisation", "org_kind", "role"]


def _add_user_form(db: Engine, who: Actor) -> None:
    """Planners: a new user's name, organisation and kind, role and initial password."""
    word = words()
    with st.form("ws_add_user_form", clear_on_submit=True):
        st.markdown(f"**{tr('ws_add_user')}**")
        left, right = st.columns(2)
        name = left.text_input(tr("ws_new_user_name"), key="ws_new_name")
        role = right.selectbox(
            tr("ws_new_user_role"),
            ROLES,
            key="ws_new_role",
            format_func=lambda r: word(f"role_{r}"),
        )
        org = left.text_input(tr("ws_new_user_org"), key="ws_new_org")
        kind = right.selectbox(
            tr("ws_new_user_org_kind"),
            ORG_KINDS,
            key="ws_new_org_kind",
            format_func=lambda k: word(f"org_kind_{k}"),
        )
        secret = st.text_input(
            tr("ws_new_user_password", n=MIN_PASSWORD), type="password", key="ws_new_password"
        )
        if st.form_submit_button(tr("ws_add_user"), type="primary"):
            done = act(
                lambda: add_user(db, who, name.strip(), org.strip(), kind, role, secret),
                tr("ws_user_added", name=name.strip(), role=tr(f"role_{role}"), org=org.strip()),
            )
            if done is not None:
                st.rerun()


def _users(db: Engine, who: Actor) -> None:
    """The workspace's users; planners may add one."""
    st.subheader(tr("ws_users"))
    table = guarded(lambda: list_users(db))
    if table is not None:
        shown = labelled(table[USER_COLUMNS], {"org_kind": "org_kind_", "role": "role_"})
        st.dataframe(shown, hide_index=True, width="stretch", key="ws_users_table")
    if may("add_user"):
        _add_user_form(db, who)


def render() -> None:
    """Draw the account page."""
    st.header(tr("page_account"))
    who = actor()
    if who is None:
        st.caption(tr("ws_account_help"))
        sign_in_form()
        return
    flash()
    st.write(tr("ws_signed_in_as", name=who.name, role=tr(f"role_{who.role}")))
    st.button(tr("ws_sign_out"), key="ws_sign_out_page", on_click=sign_out)
    if may("list_users"):
        _users(engine(), who)


render()
