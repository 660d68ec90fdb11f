"""KPI page: the assessment figures (考核) per organisation, category and month.

A table of :func:`baseline.workspace.kpi.assessment`, filtered by organisation and month, two
bar charts per organisation (collaboration rate of works, first-submission compliance), and
the figures as CSV or XLSX (the files ``baseline kpi --out F`` writes). Savings are
illustrative estimates (示意估算) while the catalogue's unit costs are.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from app_pages.common import category_label, guarded, tr
from app_pages.workspace_common import engine, require_actor
from baseline.reports.charts import bars
from baseline.workspace.kpi import assessment
from baseline.workspace.views import kpi_bytes

SHOWN = [
    "organisation",
    "category",
    "month",
    "stages_submitted",
    "first_submission_compliance",
    "final_compliance",
    "stages_signed_off",
    "days_to_signoff_mean",
    "works",
    "works_collaborating",
    "collaboration_rate",
    "saving_identified_cny",
    "saving_realised_cny",
]
SHARES = ("first_submission_compliance", "final_compliance", "collaboration_rate")


def _filtered(table: pd.DataFrame) -> pd.DataFrame:
    """The figures of the organisations and months chosen (all when none is)."""
    left, right = st.columns(2)
    orgs = left.multiselect(
        tr("ws_filter_org"),
        sorted(table["organisation"].unique()),
        key="kpi_org",
        placeholder=tr("ws_all"),
    )
    months = right.multiselect(
        tr("ws_filter_month"),
        sorted(table["month"].unique()),
        key="kpi_month",
        placeholder=tr("ws_all"),
    )
    if orgs:
        table = table[table["organisation"].isin(orgs)]
    if months:
        table = table[table["month"].isin(months)]
    return table


def _headline(table: pd.DataFrame) -> None:
    """Works, works collaborating and their rate over the rows shown."""
    n_works, n_collab = int(table["works"].sum()), int(table["works_collaborating"].sum())
    rate = f"{n_collab / n_works:.0%}" if n_works else "–"
    values: tuple[str, ...] = (str(n_works), str(n_collab), rate)
    keys = ("kpi_works", "kpi_collaborating", "kpi_collaboration_rate")
    for col, key, value in zip(st.columns(3), keys, values, strict=True):
        col.metric(tr(key), value)


def _per_org(table: pd.DataFrame, column: str) -> pd.Series:
    """A share per organisation in percent, weighted by works or stages submitted."""
    weight = "works" if column == "collaboration_rate" else "stages_submitted"
    rows = table[table[column].notna() & (table[weight] > 0)]
    done = (rows[column] * rows[weight]).groupby(rows["organisation"]).sum()
    return (100 * done / rows.groupby("organisation")[weight].sum()).round(1)


def _charts(table: pd.DataFrame) -> None:
    """Two bar charts: collaboration rate and first-submission compliance per organisation."""
    left, right = st.columns(2)
    for col, column, colour in (
        (left, "collaboration_rate", "#2b8cbe"),
        (right, "first_submission_compliance", "#41ab5d"),
    ):
        col.caption(tr(f"kpi_chart_{column}"))
        series = _per_org(table, column)
        if series.empty:
            col.write(tr("kpi_nothing"))
        else:
            col.markdown(bars(series, colour, unit="%"), unsafe_allow_html=True)


def _table(table: pd.DataFrame) -> None:
    """The figures with translated headers, shares as percent."""
    shown = table[SHOWN].copy()
    shown["category"] = category_label(shown["category"].replace("", pd.NA))
    for column in SHARES:
        shown[column] = (100 * shown[column]).round(1)
    shown["days_to_signoff_mean"] = shown["days_to_signoff_mean"].round(1)
    for column in shown.columns[3:]:
        shown[column] = [("–" if pd.isna(v) else f"{v:g}") for v in shown[column]]
    st.dataframe(
        shown.rename(columns={c: tr(f"kpi_col_{c}") for c in SHOWN}),
        hide_index=True,
        width="stretch",
        key="kpi_table",
    )
    st.caption(tr("ws_saving_illustrative"))


def _downloads(table: pd.DataFrame) -> None:
    """The figures as CSV and XLSX."""
    left, right = st.columns(2)
    for col, fmt, mime in (
        (left, "csv", "text/csv"),
        (right, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        data = guarded(partial(kpi_bytes, table, fmt))
        if data is not None:
            col.download_button(
                tr(f"kpi_download_{fmt}"), data, f"kpi.{fmt}", mime, key=f"kpi_dl_{fmt}"
            )


def render() -> None:
    """Draw the KPI page."""
    st.header(tr("page_kpi"))
    require_actor()
    table = guarded(lambda: assessment(engine()))
    if table is None:
        return
    if table.empty:
        st.write(tr("kpi_nothing"))
        return
    table = _filtered(table)
    _headline(table)
    _charts(table)
    _table(table)
    _downloads(table)


render()
