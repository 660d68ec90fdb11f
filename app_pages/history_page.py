"""History page: every saved check run, named by file, time and counts; compare two."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from app_pages.common import current_user, guarded, headers, tr
from baseline.reports.figures import compare_runs
from baseline.workspace.store import Workspace

LOCAL_TZ = "Asia/Shanghai"
HASH_COLUMNS = (
    "id",
    "file_name",
    "file_sha256",
    "standard_id",
    "standard_version",
    "standard_sha256",
)


def _label(row: pd.Series) -> str:
    """A run as people name it: number, file, Shanghai time, projects and failures."""
    when = pd.Timestamp(row["created"])
    when = (when.tz_localize("UTC") if when.tzinfo is None else when).tz_convert(LOCAL_TZ)
    return tr(
        "run_label",
        id=row["id"],
        file=row["file_name"],
        time=f"{when:%Y-%m-%d %H:%M}",
        projects=row["projects"],
        fail=row["n_fail"],
    )


def _compare(store: Workspace, new: int, old: int) -> None:
    """Findings resolved, new and still failing between run ``old`` and run ``new``."""
    parts = compare_runs(store.findings(old), store.findings(new))
    for col, name in zip(st.columns(3), ("resolved", "new", "still"), strict=True):
        col.metric(tr(f"history_{name}"), len(parts[name]))
        col.dataframe(headers(parts[name]), hide_index=True, width="stretch")


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
    labels = {int(r["id"]): _label(r) for _, r in runs.iterrows()}
    run_id = st.selectbox(tr("history_pick"), list(labels), format_func=labels.get, key="hist_run")
    others = [k for k in labels if k != run_id]
    if others:
        other = st.selectbox(
            tr("history_compare"),
            others,
            index=None,
            format_func=labels.get,
            key="hist_other",
            placeholder=tr("choose"),
        )
        if other is not None:
            guarded(lambda: _compare(store, int(run_id), int(other)))
    with st.expander(tr("history_hash")):
        st.dataframe(headers(runs[list(HASH_COLUMNS)]), hide_index=True, width="stretch")
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
