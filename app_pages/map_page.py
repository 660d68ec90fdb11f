"""Map page for planners: coverage gaps, compliance, assets and co-build on one map."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st

from app_pages.common import (
    PUDONG_CENTRE,
    add_boundary,
    basemap,
    coverage,
    coverage_grid,
    lang,
    layer,
    recommendations,
    sample_result,
    show_map,
    shown,
    standard,
    status_label,
    tr,
)
from baseline.webmap import (
    KIND_COLOURS,
    STATUS_COLOURS,
    ZoomSwitch,
    add_points,
    add_polygons,
    base_map,
    grid_colour,
    simplify,
)

TECHS = {"5G": "5G_3500", "4G": "4G_1800"}


def _filters(result):
    std = standard()
    p = result.projects
    with st.sidebar.expander(tr("filters"), expanded=True):
        cats = sorted(p["category"].dropna().unique())
        pick_cat = st.multiselect(
            tr("category"), cats, format_func=lambda c: std.category_label(c, lang()), key="map_cat"
        )
        pick_status = st.multiselect(
            tr("status"), ["fail", "warn", "pass"], format_func=tr, key="map_status"
        )
        owners = sorted(p["owner"].dropna().astype(str).unique())
        pick_owner = st.multiselect(tr("owner"), owners, key="map_owner")
        start = pd.to_datetime(p["start_date"]).min().date()
        end = pd.to_datetime(p["end_date"]).max().date()
        window = st.date_input(tr("date_window"), (start, end), key="map_dates")
        tech = st.radio(tr("technology"), list(TECHS), horizontal=True, key="map_tech")
    keep = pd.Series(True, index=p.index)
    if pick_cat:
        keep &= p["category"].isin(pick_cat)
    if pick_status:
        keep &= p["status"].isin(pick_status)
    if pick_owner:
        keep &= p["owner"].isin(pick_owner)
    if isinstance(window, tuple) and len(window) == 2:
        lo, hi = (pd.Timestamp(d) for d in window)
        keep &= (pd.to_datetime(p["end_date"]) >= lo) & (pd.to_datetime(p["start_date"]) <= hi)
    return p[keep], TECHS[tech]


def _headline(result, tech):
    res = coverage(tech)
    recs = recommendations()
    a, b, c = st.columns(3)
    a.metric(
        tr("covered_share"), f"{res.covered_fraction:.1%}", help=f"{tech}, {res.sites_used} sites"
    )
    failing = int((result.projects["status"] == "fail").sum())
    b.metric(tr("projects_failing"), f"{failing} / {len(result.projects)}")
    c.metric(
        tr("cobuild_saving"),
        f"¥{recs['saving_cny'].sum() / 1e4:,.0f} 万"
        if lang() == "zh"
        else f"CNY {recs['saving_cny'].sum() / 1e6:,.2f} M",
    )


def _map(projects, tech):
    """The overview map, built on every run (a reused folium Map renders blank)."""
    key = st.session_state.get("tianditu_key", "")
    fmap = base_map(PUDONG_CENTRE, 10, basemap=basemap(), tianditu_key=key)
    add_boundary(fmap)
    grid = coverage_grid(tech).assign(
        colour=lambda g: g["covered_fraction"].map(grid_colour),
        covered=lambda g: (g["covered_fraction"] * 100).round(1).astype(str) + " %",
    )
    colours = dict(zip(grid["colour"], grid["colour"], strict=False))
    overview = add_polygons(
        fmap,
        shown(grid),
        name=tr("layer_coverage"),
        colour_by=colours,
        colour_col="colour",
        fill_opacity=0.45,
        weight=0.2,
        tooltip=["covered"],
    )
    gaps = simplify(
        coverage(tech).gaps.assign(area_km2=lambda g: (g["area_m2"] / 1e6).round(3)), 15
    )
    detail = add_polygons(
        fmap,
        shown(gaps),
        name=tr("layer_gaps"),
        colour="#d73027",
        fill_opacity=0.3,
        weight=0.5,
        tooltip=["gap_id", "area_km2"],
        show=False,
    )
    ZoomSwitch(overview, detail, zoom=13).add_to(fmap)
    add_polygons(
        fmap,
        shown(layer("metro_lines")),
        name=tr("layer_metro"),
        colour="#0070c0",
        fill_opacity=0,
        weight=2,
        show=True,
    )
    add_points(
        fmap,
        shown(layer("towers")[layer("towers")["in_pudong"]]),
        name=tr("layer_towers"),
        colour="#2c3e50",
        radius=2,
        tooltip=["asset_id"],
    )
    add_points(
        fmap,
        shown(layer("aq_sensors")),
        name=tr("layer_sensors"),
        colour="#8e44ad",
        radius=5,
        tooltip=["asset_id", "name"],
    )
    if len(projects):
        proj = projects.assign(status_text=status_label(projects["status"]))
        add_polygons(
            fmap,
            shown(proj),
            name=tr("layer_projects"),
            colour_by=STATUS_COLOURS,
            colour_col="status",
            fill_opacity=0.5,
            weight=3,
            tooltip=["project_id", "name", "category", "status_text"],
            aliases=[tr("project_id"), "name", tr("category"), tr("status")],
        )
    recs = recommendations()
    add_polygons(
        fmap,
        shown(recs[recs.geom_type != "Point"]),
        name=tr("layer_recs"),
        colour_by=KIND_COLOURS,
        colour_col="kind",
        fill_opacity=0.6,
        weight=3,
        tooltip=["rec_id", "kind", "members"],
        show=False,
    )
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def _legend():
    items = "".join(
        f"<span style='color:{c};font-size:18px'>■</span> {tr(s)} &nbsp;"
        for s, c in STATUS_COLOURS.items()
        if s != "not_applicable"
    )
    st.markdown(
        f"**{tr('legend')}**: {items} &nbsp; {tr('layer_coverage')}: "
        "<span style='color:#d73027'>■</span> 0 % → <span style='color:#1a9850'>■</span> 100 %",
        unsafe_allow_html=True,
    )


def _charts(result):
    f = result.findings
    table = pd.crosstab(
        f["category"].map(lambda c: standard().category_label(c, lang())), f["status"]
    )
    table = table.reindex(columns=["fail", "warn", "pass"], fill_value=0)
    table.columns = [tr(c) for c in table.columns]
    left, right = st.columns(2)
    left.caption(tr("chart_status"))
    left.bar_chart(table, color=["#d73027", "#f39c12", "#1a9850"], height=260)
    grid = coverage_grid(st.session_state.get("map_tech_id", "5G_3500"))
    bins = pd.cut(
        grid["covered_fraction"],
        [-0.01, 0.2, 0.4, 0.6, 0.8, 1.0],
        labels=["0-20%", "20-40%", "40-60%", "60-80%", "80-100%"],
    )
    right.caption(tr("chart_gaps"))
    right.bar_chart(
        (grid.groupby(bins, observed=False)["area_m2"].sum() / 1e6).rename("km²"), height=260
    )


def _findings_panel(result, projects, clicked):
    ids = projects["project_id"].tolist()
    chosen = None
    if clicked and clicked.get("properties", {}).get("project_id") in ids:
        chosen = clicked["properties"]["project_id"]
    pick = st.selectbox(
        tr("select_project"),
        ["", *ids],
        index=(ids.index(chosen) + 1) if chosen else 0,
        key="map_project",
    )
    if not pick:
        st.info(tr("no_project"))
        return
    row = result.projects.set_index("project_id").loc[pick]
    st.subheader(f"{tr('findings_of')}{pick}")
    st.caption(
        f"{row['name']} · {standard().category_label(row['category'], lang())} · {row['owner']}"
    )
    f = result.findings[result.findings["project_id"] == pick]
    f = f[f["status"] != "not_applicable"][["rule_id", "status", "message"]]
    st.dataframe(f.assign(status=status_label(f["status"])), hide_index=True, width="stretch")


def render() -> None:
    """Draw the map page."""
    result = sample_result(lang())
    st.caption(tr("illustrative"))
    projects, tech = _filters(result)
    st.session_state["map_tech_id"] = tech
    _headline(result, tech)
    left, right = st.columns([3, 2])
    with left:
        out = show_map(_map(projects, tech), key="overview_map")
        _legend()
    with right:
        _findings_panel(result, projects, (out or {}).get("last_active_drawing"))
    _charts(result)


render()
