"""History page: every saved check run; open a past report again."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from app_pages.common import current_user, guarded, tr
from baseline.workspace.store import Workspace


def render() -> None:
    """Draw the history page."""
    st.header(tr("page_history"))
    if current_user() is None:
        st.info(tr("single_user"))
    store = Workspace.default()
    runs = guarded(store.runs)
    if runs is None:
        return
    if runs.empty:
        st.write(tr("no_runs"))
        return
    st.dataframe(runs, hide_index=True, width="stretch")
    run_id = st.selectbox(tr("open_run"), runs["id"].tolist(), key="hist_run")
    html = guarded(lambda: store.report(int(run_id)))
    if html:
        st.download_button(
            tr("download_html"),
            html.encode("utf-8"),
            f"report-{run_id}.html",
            "text/html",
            key="hist_dl",
        )
        components.html(html, height=700, scrolling=True)


render()
