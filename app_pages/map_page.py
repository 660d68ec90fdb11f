"""Map page for planners: projects, coverage gaps, assets and co-build on one map.

Thin: the widgets, the cached layers of ``common`` and calls into the library. The map is
built on every run from cached GeoJSON; what it shows follows the filters, the search and
the chosen project (which the map zooms to and rings).
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from app_pages.common import (
    GAP_FIELDS,
    PROJECT_TIP,
    PUDONG_CENTRE,
    REC_TIP,
    TILE_ZOOM,
    basemap,
    coverage,
    coverage_fig,
    coverage_grid,
    default_tech,
    gap_tiles,
    grid_json,
    headers,
    lang,
    layer,
    map_layer,
    new_map,
    project_points_json,
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
    words,
)
from app_pages.workspace_map import add_workspace, workspace_entries
from baseline.check.run import CheckResult
from baseline.cobuild import headline
from baseline.maps.palette import (
    BUILDING_COLOUR,
    GAP_COLOUR,
    GRID_COLOURS,
    KIND_COLOURS,
    STATUS_COLOURS,
    STATUS_GLYPHS,
    band_label,
)
from baseline.maps.plan import add_buildings
from baseline.maps.search import Place, search
from baseline.maps.webmap import (
    Highlight,
    Legend,
    LegendEntry,
    NorthArrow,
    ShowFromZoom,
    TiledGeoJson,
    ViewInUrl,
    ZoomSwitch,
    add_clustered_points,
    add_points,
    add_polygons,
    add_status_markers,
)
from baseline.reports.figures import (
    coverage_chart,
    project_verdicts,
    sorted_findings,
    status_chart,
)

DETAIL_ZOOM = 13
OUTLINE_ZOOM = 14
STATION_ZOOM = 12
TOWER_COLOUR = "#44546a"
SENSOR_COLOUR = "#e7298a"
METRO_COLOUR = "#666666"
BOUNDARY_COLOUR = "#333333"
ROAD_COLOUR = "#ffd700"
FOUND_PANE = "found"
STATUSES = ("fail", "warn", "pass")
FINDING_COLUMNS = ["status", "rule_id", "message", "measured", "required", "unit", "clause"]


def _filters(result: CheckResult) -> tuple[gpd.GeoDataFrame, str]:
    std = standard()
    p = result.projects
    language = lang()
    with st.sidebar.expander(tr("filters"), expanded=False):
        cats = sorted(p["category"].dropna().unique())
        pick_cat = st.multiselect(
            tr("category"),
            cats,
            format_func=lambda c: std.category_label(c, language),
            key="map_cat",
            placeholder=tr("choose_any"),
        )
        pick_status = st.multiselect(
            tr("status"),
            list(STATUSES),
            format_func=words(),
            key="map_status",
            placeholder=tr("choose_any"),
        )
        owners = sorted(p["owner"].dropna().astype(str).unique())
        pick_owner = st.multiselect(
            tr("owner"), owners, key="map_owner", placeholder=tr("choose_any")
        )
        start = pd.to_datetime(p["start_date"]).min().date()
        end = pd.to_datetime(p["end_date"]).max().date()
        window = st.date_input(tr("date_window"), (start, end), key="map_dates")
        options = techs()
        tech = st.radio(
            tr("technology"),
            options,
            index=options.index(st.query_params.get("tech", default_tech()))
            if st.query_params.get("tech") in options
            else options.index(default_tech()),
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


def _headline(result: CheckResult, projects: gpd.GeoDataFrame, tech: str) -> None:
    """Covered share, failing projects and co-build saving of the projects shown."""
    res = coverage(tech)
    recs = recommendations()
    ids = set(projects["project_id"])
    mine = recs["members"].map(lambda m: bool(set(str(m).split(";")) & ids))
    fig = coverage_fig(tech)
    a, b, c = st.columns(3)
    a.metric(
        tr("covered_share"),
        f"{res.covered_fraction:.1%}",
        help=fig.caption(lang()),
    )
    failing = int((projects["status"] == "fail").sum())
    b.metric(
        tr("projects_failing"),
        f"{failing} / {len(projects)}",
        help=tr("projects_shown", n=len(projects), total=len(result.projects)),
    )
    saving = headline(recs.loc[mine], standard().cobuild, lang())
    amount = tr("saving_amount", cny_10k=saving.value_cny / 1e4, cny_m=saving.value_cny / 1e6)
    c.metric(saving.label, amount, help=f"{saving.caveat}: {saving.sources}")
    st.caption(f"{fig.caption(lang())} {saving.text}")


def _clicked() -> None:
    """A project clicked on the map (the map's last value) becomes the chosen project."""
    value = st.session_state.get("overview_map") or {}
    drawing = value.get("last_active_drawing") if isinstance(value, dict) else None
    chosen = ((drawing or {}).get("properties") or {}).get("project_id")
    if chosen and chosen != st.session_state.get("map_clicked"):
        st.session_state["map_clicked"] = chosen
        st.session_state["map_project"] = chosen


def _search(result: CheckResult) -> Place | None:
    """The search box: a project hit chooses the project, another hit centres the map."""
    query = st.text_input(tr("search"), key="map_search", placeholder=tr("search_placeholder"))
    if not query.strip():
        return None
    stations = layer("metro_stations")
    w = words()
    p = result.projects
    hits = search(query, projects=p, stations=stations, roads=p[p["category"] == "road"])
    if not hits:
        st.caption(tr("search_none", q=query))
        return None
    pick = st.radio(
        tr("search_pick"),
        range(len(hits)),
        format_func=lambda k: f"{w('place_' + hits[k].kind)} · {hits[k].label}",
        key=f"map_hit_{query}",
        horizontal=False,
    )
    hit = hits[int(pick)]
    if hit.kind == "project" and st.session_state.get("map_searched") != (query, hit.key):
        st.session_state["map_searched"] = (query, hit.key)
        st.session_state["map_project"] = hit.key
    return hit


def _view() -> tuple[tuple[float, float], int]:
    """The centre and zoom from the address (``?view=lat,lon,zoom``), else Pudong."""
    try:
        lat, lon, zoom = st.query_params.get("view", "").split(",")
        return (float(lat), float(lon)), int(float(zoom))
    except ValueError:
        return PUDONG_CENTRE, 10


def _legend(
    parts: dict[str, Any], selected: str | None, tech: str, road: Place | None = None
) -> Legend:
    """The legend's entries, each tied to its layer, in the order they are drawn over."""
    entries = [
        LegendEntry(
            tr("legend_project", status=tr(s)),
            STATUS_COLOURS[s],
            "marker",
            parts["markers"],
            glyph=STATUS_GLYPHS[s],
        )
        for s in STATUSES
    ]
    if selected:
        entries.append(LegendEntry(f"{tr('legend_selected')}: {selected}", "#000", "line"))
    if parts.get("buildings") is not None:
        entries += [
            LegendEntry(tr("legend_building_ok"), BUILDING_COLOUR, "square", parts["buildings"]),
            LegendEntry(
                tr("legend_building_fail"), STATUS_COLOURS["fail"], "square", parts["buildings"]
            ),
        ]
    if road is not None:
        entries.append(LegendEntry(tr("legend_road", road=road.key), ROAD_COLOUR, "line"))
    entries += workspace_entries(parts)
    entries += [
        LegendEntry(tr("layer_outlines"), "#222", "line", parts["outlines"]),
        LegendEntry(tr("legend_towers"), TOWER_COLOUR, "cluster", parts["towers"], glyph="n"),
        LegendEntry(tr("layer_sensors"), SENSOR_COLOUR, "dot", parts["sensors"]),
        LegendEntry(tr("layer_stations"), "#555555", "dot", parts["stations"]),
        LegendEntry(tr("layer_metro"), METRO_COLOUR, "line", parts["metro"]),
        LegendEntry(tr("layer_boundary"), BOUNDARY_COLOUR, "line", parts["boundary"]),
        LegendEntry(
            f"{tr('legend_coverage')} · {tech}",
            GRID_COLOURS[0],
            "ramp",
            parts["grid"],
            colours=GRID_COLOURS,
            ticks=tuple(band_label(k).replace(" %", "") for k in range(len(GRID_COLOURS))),
        ),
        LegendEntry(tr("legend_gaps"), GAP_COLOUR, "square", parts["gaps"]),
    ]
    entries += [
        LegendEntry(tr(kind), colour, "line", parts["recs"])
        for kind, colour in KIND_COLOURS.items()
    ]
    return Legend(tr("legend"), entries)


def _context(fmap: folium.Map, base: str, parts: dict[str, Any]) -> None:
    """Boundary, metro lines and stations: the context drawn with or without a basemap."""
    parts["boundary"] = add_polygons(
        fmap,
        map_layer("pudong_boundary"),
        name=tr("layer_boundary"),
        colour=BOUNDARY_COLOUR,
        fill_opacity=0.0,
        weight=2,
    )
    parts["metro"] = add_polygons(
        fmap,
        map_layer("metro_lines"),
        name=tr("layer_metro"),
        colour=METRO_COLOUR,
        fill_opacity=0,
        weight=2,
        tooltip=["line"],
        aliases=[tr("tip_line")],
    )
    stations = folium.FeatureGroup(name=tr("layer_stations"), show=False).add_to(fmap)
    add_points(
        stations,
        map_layer("metro_stations"),
        name=tr("layer_stations"),
        colour="#555555",
        radius=3,
        tooltip=["name", "line"],
        aliases=[tr("tip_station"), tr("tip_line")],
    )
    parts["stations"] = stations
    ShowFromZoom(stations, STATION_ZOOM).add_to(fmap)


def _coverage(fmap: folium.Map, base: str, tech: str, parts: dict[str, Any]) -> None:
    """The grid of covered shares below zoom 13, gap pieces loaded per tile from there."""
    parts["grid"] = add_polygons(
        fmap,
        grid_json(tech, base),
        name=tr("layer_coverage"),
        colour_by={c: c for c in GRID_COLOURS},
        colour_col="colour",
        fill_opacity=0.45,
        weight=0.2,
        tooltip=["covered"],
        aliases=[tr("tip_grid")],
    )
    detail = folium.FeatureGroup(name=tr("layer_gaps"), show=False)
    detail.add_to(fmap)
    url, tiles = gap_tiles(tech, base)
    if tiles:
        keys = ("tip_piece", "tip_cell", "tip_gap_area", "tip_projects")
        lines = [("gap_id", tr("tip_gap", v="{v}"))]
        lines += [(f, tr(k, v="{v}")) for f, k in zip(GAP_FIELDS, keys, strict=True)]
        TiledGeoJson(
            detail,
            url,
            tiles,
            zoom=TILE_ZOOM,
            id_col="gap_id",
            fields=list(GAP_FIELDS),
            style={"stroke": False, "fillColor": GAP_COLOUR, "fillOpacity": 0.45},
            lines=[lines[1], lines[2], lines[0], lines[3], lines[4]],
        ).add_to(fmap)
    parts["gaps"] = detail
    ZoomSwitch(parts["grid"], detail, zoom=DETAIL_ZOOM).add_to(fmap)


def _assets(fmap: folium.Map, parts: dict[str, Any]) -> None:
    towers = layer("towers")
    parts["towers"] = add_clustered_points(
        fmap,
        shown(towers[towers["in_pudong"]]),
        name=tr("layer_towers"),
        colour=TOWER_COLOUR,
        radius=3,
        label="asset_id",
    )
    parts["sensors"] = add_points(
        fmap,
        map_layer("aq_sensors"),
        name=tr("layer_sensors"),
        colour=SENSOR_COLOUR,
        radius=5,
        tooltip=["name", "asset_id"],
        aliases=[tr("tip_sensor"), tr("col_id")],
    )


def _projects(
    fmap: folium.Map,
    base: str,
    projects: gpd.GeoDataFrame,
    selected: str | None,
    parts: dict[str, Any],
) -> None:
    """A marker per project at every zoom; its outline from zoom 14; the chosen one ringed."""
    ids = tuple(projects["project_id"])
    aliases = [tr("project_id"), tr("project_name"), tr("category"), tr("status")]
    outlines = folium.FeatureGroup(name=tr("layer_outlines"), show=False).add_to(fmap)
    if ids:
        add_polygons(
            outlines,
            projects_json(lang(), base, ids),
            name=tr("layer_outlines"),
            colour_by=STATUS_COLOURS,
            colour_col="status",
            fill_opacity=0.25,
            weight=3,
            tooltip=list(PROJECT_TIP),
            aliases=aliases,
        )
    parts["outlines"] = outlines
    ShowFromZoom(outlines, OUTLINE_ZOOM).add_to(fmap)
    if selected in ids:
        add_polygons(
            fmap,
            projects_json(lang(), base, (selected,)),
            name=tr("legend_selected"),
            colour="#000000",
            fill_opacity=0.0,
            weight=5,
        )
        parts["buildings"] = add_buildings(
            fmap, sample_result(lang()), basemap=base, lang=lang(), only=selected
        )
        site = shown(projects[projects["project_id"] == selected])
        w, s, e, n = site.total_bounds
        Highlight((s, w, n, e), max_zoom=16).add_to(fmap)
    parts["markers"] = add_status_markers(
        fmap,
        project_points_json(lang(), base, ids),
        name=tr("layer_projects"),
        tooltip=list(PROJECT_TIP),
        aliases=aliases,
        selected=selected,
    )


def _found_road(fmap: folium.Map, place: Place) -> None:
    """The works on a road found by the search, drawn bold and fitted in view."""
    p = sample_result(lang()).projects
    works = shown(p[p["project_id"].isin(place.members)])
    folium.map.CustomPane(FOUND_PANE, z_index=640).add_to(fmap)  # over gaps, under markers
    line = add_polygons(
        fmap,
        works,
        name=tr("legend_road", road=place.key),
        colour=ROAD_COLOUR,
        fill_opacity=0.0,
        weight=8,
        tooltip=["project_id", "name"],
        aliases=[tr("project_id"), tr("project_name")],
    )
    line.options["pane"] = FOUND_PANE
    w, s, e, n = works.total_bounds
    Highlight((s, w, n, e), max_zoom=17).add_to(fmap)


def _map(
    projects: gpd.GeoDataFrame, tech: str, selected: str | None, place: Place | None
) -> folium.Map:
    """The overview map, built on every run (a reused folium Map renders blank)."""
    base = basemap()
    centre, zoom = _view()
    if place is not None and place.kind != "project":
        centre, zoom = (place.lat, place.lon), place.zoom
    fmap = new_map(centre, zoom)
    parts: dict[str, Any] = {}
    _coverage(fmap, base, tech, parts)
    _context(fmap, base, parts)
    _assets(fmap, parts)
    parts["recs"] = add_polygons(
        fmap,
        recs_json(base),
        name=tr("layer_recs"),
        colour_by=KIND_COLOURS,
        colour_col="kind",
        fill_opacity=0.6,
        weight=3,
        tooltip=list(REC_TIP),
        aliases=[tr("col_rec_id"), tr("col_kind"), tr("col_members")],
        show=False,
    )
    _projects(fmap, base, projects, selected, parts)
    if place is not None and place.kind == "road":
        _found_road(fmap, place)
    elif place is not None and place.kind != "project":
        folium.CircleMarker(
            (place.lat, place.lon),
            radius=9,
            color="#000",
            weight=3,
            fill=False,
            tooltip=place.label,
        ).add_to(fmap)
    road = place if place is not None and place.kind == "road" else None
    add_workspace(fmap, parts, base)
    _legend(parts, selected, tech, road).add_to(fmap)
    NorthArrow().add_to(fmap)
    ViewInUrl().add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def _charts(result: CheckResult, tech: str) -> None:
    """Findings per category and grid area per covered share, as inline SVG (no chart JS)."""
    left, right = st.columns(2)
    left.caption(tr("chart_status"))
    left.markdown(status_chart(result.findings, standard(), lang()), unsafe_allow_html=True)
    right.caption(tr("chart_gaps"))
    right.markdown(coverage_chart(coverage_grid(tech), lang()), unsafe_allow_html=True)


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings sorted fail → warn → pass → n/a, values and headers in words."""
    table = sorted_findings(findings)[FINDING_COLUMNS]
    return headers(table.assign(status=status_label(table["status"])))


def _findings_panel(result: CheckResult, projects: gpd.GeoDataFrame) -> str | None:
    """The project picker, the chosen project's verdict, why, and every finding."""
    ids = projects["project_id"].tolist()
    if st.session_state.get("map_project") not in (None, "", *ids):
        st.session_state["map_project"] = None
    names = result.projects.set_index("project_id")["name"].astype(str)
    pick = st.selectbox(
        tr("select_project"),
        ids,
        index=None,
        key="map_project",
        placeholder=tr("choose_project"),
        format_func=lambda i: f"{i} {names.get(i, '')}",
    )
    if not pick:
        st.info(tr("no_project"))
        return None
    row = result.projects.set_index("project_id").loc[pick]
    findings = result.findings[result.findings["project_id"] == pick]
    verdict = project_verdicts(findings, lang()).loc[pick]
    st.subheader(f"{STATUS_GLYPHS[verdict['verdict']]} {pick} · {row['name']}")
    st.caption(
        f"{standard().category_label(row['category'], lang())} · {row['owner']} · "
        f"{pd.Timestamp(row['start_date']):%Y-%m-%d} – {pd.Timestamp(row['end_date']):%Y-%m-%d}"
    )
    text = tr("verdict_line", verdict=tr(verdict["verdict"]))
    body = "\n".join(f"- {m}" for m in str(verdict["why"]).splitlines() if m)
    {"fail": st.error, "warn": st.warning}.get(verdict["verdict"], st.success)(
        f"**{text}**" + (f"\n\n{body}" if body else "")
    )
    st.dataframe(
        findings_table(findings),
        hide_index=True,
        width="stretch",
        column_config={
            tr("col_message"): st.column_config.TextColumn(width="large"),
            tr("col_clause"): st.column_config.TextColumn(
                help=" · ".join(tr(f"conf_{c}") for c in "HML")
            ),
        },
    )
    return pick


def _permalink(pick: str | None, tech: str) -> None:
    """Keep the chosen project and technology in the address (with language and view)."""
    if pick:
        st.query_params["project"] = pick
    elif "project" in st.query_params:
        del st.query_params["project"]
    if tech != default_tech():
        st.query_params["tech"] = tech
    elif "tech" in st.query_params:
        del st.query_params["tech"]


PRINT_CSS = """<style>
@page { size: A4 landscape; margin: 8mm; }
[data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stSidebarCollapsedControl"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0.5rem 1rem !important;
    max-width: 100% !important; }
@media print { a.ict-back { display: none; } }
</style>"""


def _print_view(result: CheckResult) -> None:
    """The current map on one A4 landscape page: legend, scale, north arrow, date, sources."""
    st.markdown(PRINT_CSS, unsafe_allow_html=True)
    projects, tech = result.projects, st.query_params.get("tech", default_tech())
    pick = st.query_params.get("project")
    today = pd.Timestamp.now(tz="Asia/Shanghai")
    st.markdown(
        f"**{tr('print_title')}** · {tr('print_date', date=f'{today:%Y-%m-%d %H:%M}')} · "
        f"{tr('covered_share')} {coverage(tech).covered_fraction:.1%} ({tech})"
    )
    show_map(_map(projects, tech, pick, None), key="print_map", height=560)
    std = standard()
    st.caption(f"{tr('illustrative')} {tr('print_sources', std=f'{std.id} {std.version}')}")


def _print_link() -> None:
    """A link to the print view of what is shown now (the address's view and project)."""
    params = {k: v for k, v in st.query_params.to_dict().items() if k != "print"}
    query = "&".join(f"{k}={v}" for k, v in {**params, "print": "1"}.items())
    st.markdown(f"[🖨 {tr('print_view')}](?{query})")


def render() -> None:
    """Draw the map page."""
    result = sample_result(lang())
    if st.query_params.get("print") == "1":
        _print_view(result)
        return
    if "map_project" not in st.session_state and st.query_params.get("project"):
        st.session_state["map_project"] = st.query_params["project"]
    st.caption(tr("illustrative"))
    projects, tech = _filters(result)
    _headline(result, projects, tech)
    _clicked()
    left, right = st.columns([3, 2])
    with right:
        place = _search(result)
        pick = _findings_panel(result, projects)
    with left:
        show_map(_map(projects, tech, pick, place), key="overview_map", height=640)
    _permalink(pick, tech)
    _print_link()
    _charts(result, tech)


render()
