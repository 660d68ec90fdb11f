"""Map page for planners: coverage gaps, compliance, assets and co-build on one map."""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from app_pages.common import (
    PROJECT_TIP,
    PUDONG_CENTRE,
    REC_TIP,
    TILE_ZOOM,
    add_boundary,
    basemap,
    coverage,
    coverage_grid,
    default_tech,
    gap_tiles,
    grid_json,
    lang,
    layer,
    map_layer,
    projects_json,
    recommendations,
    recs_json,
    sample_result,
    show_map,
    shown,
    standard,
    status_label,
    techs,
    tr,
)
from baseline.check.run import CheckResult
from baseline.maps.palette import GRID_COLOURS, KIND_COLOURS, STATUS_COLOURS
from baseline.maps.webmap import (
    TiledGeoJson,
    ZoomSwitch,
    add_clustered_points,
    add_points,
    add_polygons,
    base_map,
)
from baseline.reports.figures import coverage_chart, status_chart

DETAIL_ZOOM = 13
TOWER_COLOUR = "#2c3e50"


def _filters(result: CheckResult) -> tuple[gpd.GeoDataFrame, str]:
    std = standard()
    p = result.projects
    with st.sidebar.expander(tr("filters"), expanded=False):
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
        options = techs()
        tech = st.radio(
            tr("technology"),
            options,
            index=options.index(default_tech()),
            horizontal=True,
            key="map_tech",
        )
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
    return p[keep], tech


def _headline(result: CheckResult, tech: str) -> None:
    res = coverage(tech)
    recs = recommendations()
    a, b, c = st.columns(3)
    a.metric(
        tr("covered_share"),
        f"{res.covered_fraction:.1%}",
        help=tr("covered_help", tech=tech, sites=res.sites_used),
    )
    failing = int((result.projects["status"] == "fail").sum())
    b.metric(tr("projects_failing"), f"{failing} / {len(result.projects)}")
    saving = float(recs["saving_cny"].sum())
    c.metric(tr("cobuild_saving"), tr("saving_amount", cny_10k=saving / 1e4, cny_m=saving / 1e6))


def _map(projects: gpd.GeoDataFrame, tech: str) -> folium.Map:
    """The overview map, built on every run (a reused folium Map renders blank).

    What it carries is cached text: the coverage grid for the overview, towers as one
    clustered array, and no gap polygons: those load per tile, for the area in view, once
    the map is zoomed in far enough to show them.
    """
    key = st.session_state.get("tianditu_key", "")
    base = basemap()
    fmap = base_map(PUDONG_CENTRE, 10, basemap=base, tianditu_key=key)
    add_boundary(fmap)
    overview = add_polygons(
        fmap,
        grid_json(tech, base),
        name=tr("layer_coverage"),
        colour_by={c: c for c in GRID_COLOURS},
        colour_col="colour",
        fill_opacity=0.45,
        weight=0.2,
        tooltip=["covered"],
    )
    detail = folium.FeatureGroup(name=tr("layer_gaps"), show=False)
    detail.add_to(fmap)
    url, tiles = gap_tiles(tech, base)
    if tiles:
        TiledGeoJson(
            detail,
            url,
            tiles,
            zoom=TILE_ZOOM,
            id_col="gap_id",
            fields=["area_km2"],
            style={"stroke": False, "fillColor": "#d73027", "fillOpacity": 0.35},
        ).add_to(fmap)
    ZoomSwitch(overview, detail, zoom=DETAIL_ZOOM).add_to(fmap)
    add_polygons(
        fmap,
        map_layer("metro_lines"),
        name=tr("layer_metro"),
        colour="#0070c0",
        fill_opacity=0,
        weight=2,
    )
    add_clustered_points(
        fmap,
        shown(layer("towers")[layer("towers")["in_pudong"]]),
        name=tr("layer_towers"),
        colour=TOWER_COLOUR,
        radius=3,
        label="asset_id",
    )
    add_points(
        fmap,
        map_layer("aq_sensors"),
        name=tr("layer_sensors"),
        colour="#8e44ad",
        radius=5,
        tooltip=["asset_id", "name"],
    )
    if len(projects):
        add_polygons(
            fmap,
            projects_json(lang(), base, tuple(projects["project_id"])),
            name=tr("layer_projects"),
            colour_by=STATUS_COLOURS,
            colour_col="status",
            fill_opacity=0.5,
            weight=3,
            tooltip=list(PROJECT_TIP),
            aliases=[tr("project_id"), tr("project_name"), tr("category"), tr("status")],
        )
    add_polygons(
        fmap,
        recs_json(base),
        name=tr("layer_recs"),
        colour_by=KIND_COLOURS,
        colour_col="kind",
        fill_opacity=0.6,
        weight=3,
        tooltip=list(REC_TIP),
        show=False,
    )
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def _legend() -> None:
    items = "".join(
        f"<span style='color:{c};font-size:18px'>■</span> {tr(s)} &nbsp;"
        for s, c in STATUS_COLOURS.items()
        if s != "not_applicable"
    )
    st.markdown(
        f"**{tr('legend')}**: {items} &nbsp; {tr('layer_coverage')}: "
        "<span style='color:#d73027'>■</span> 0 % → <span style='color:#1a9850'>■</span> 100 %"
        f" &nbsp; <span style='color:{TOWER_COLOUR};font-size:18px'>●</span> "
        f"{tr('layer_towers')} ({tr('cluster_note')})",
        unsafe_allow_html=True,
    )


def _charts(result: CheckResult, tech: str) -> None:
    """Findings per category and grid area per covered share, as inline SVG (no chart JS)."""
    left, right = st.columns(2)
    left.caption(tr("chart_status"))
    left.markdown(status_chart(result.findings, standard(), lang()), unsafe_allow_html=True)
    right.caption(tr("chart_gaps"))
    right.markdown(coverage_chart(coverage_grid(tech), lang()), unsafe_allow_html=True)


def _findings_panel(
    result: CheckResult, projects: gpd.GeoDataFrame, clicked: dict[str, Any] | None
) -> None:
    ids = projects["project_id"].tolist()
    chosen = ((clicked or {}).get("properties") or {}).get("project_id")
    if chosen in ids and chosen != st.session_state.get("map_clicked"):
        # a new click on the map picks the project; the select box stays free to change
        st.session_state["map_clicked"] = chosen
        st.session_state["map_project"] = chosen
    pick = st.selectbox(tr("select_project"), ["", *ids], key="map_project")
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
    _headline(result, tech)
    left, right = st.columns([3, 2])
    with left:
        out = show_map(_map(projects, tech), key="overview_map")
        _legend()
    with right:
        _findings_panel(result, projects, (out or {}).get("last_active_drawing"))
    _charts(result, tech)


render()
