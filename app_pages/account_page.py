"""Account page: sign in (name and password, or OIDC), see who you are, sign out."""

from __future__ import annotations

import streamlit as st

from app_pages.common import tr
from app_pages.workspace_common import actor, sign_in_form, sign_out


def render() -> None:
    """Draw the account page."""
    st.header(tr("page_account"))
    who = actor()
    if who is None:
        st.caption(tr("ws_account_help"))
        sign_in_form()
        return
    st.write(tr("ws_signed_in_as", name=who.name, role=tr(f"role_{who.role}")))
    st.button(tr("ws_sign_out"), key="ws_sign_out_page", on_click=sign_out)


render()
