"""The workspace on the map: projects ringed by stage, opportunities marked by state.

Two layers the map page adds for signed-in users (every signed-in user sees every project
and work, as in Street Manager); each can be switched off in the layer control, and
:func:`workspace_legend` gives their legend entries, tied to them.

A project's stage is a ring (:data:`STAGE_COLOURS`, :data:`STAGE_BORDERS`) around the point
where the map draws the project's status marker, so the check's verdict (the marker) and
the project's stage (the ring) read together at city zoom. An opportunity is a diamond on
its works below :data:`DETAIL_ZOOM`, where works are a few pixels long, and the works
themselves, as lines over a white casing, from it on; both in the state's colour, dashed
once declined or expired. However many projects and opportunities there are, the map gets
the same few GeoJSON layers (no folium object per feature), so the page stays fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely

from baseline.i18n import t
from baseline.maps.palette import STAGE_BORDERS, STAGE_COLOURS, STATE_COLOURS
from baseline.maps.webmap import LegendEntry, ZoomSwitch, geojson_text

__all__ = [
    "DETAIL_ZOOM",
    "STAGE_COLOURS",
    "STATE_COLOURS",
    "OpportunityLayers",
    "add_opportunity_states",
    "add_project_stages",
    "at_markers",
    "stage_points",
    "workspace_legend",
]

DETAIL_ZOOM = 14
"""From this zoom on an opportunity is drawn as its works' lines, below it as a diamond."""
WORKSPACE_PANE = "workspace"
"""Over the coverage and the tower clusters, under the project markers (pane ``projects``)."""
CLOSED_STATES = ("declined", "expired")
STAGE_TIP = ("project_id", "name", "stage_text", "status_text")
OPPORTUNITY_TIP = ("label", "works", "state_text", "kind_text")
_OPP_FIELDS = [*OPPORTUNITY_TIP, "state"]
RING_SIZE, RING_WIDTH = 44, 6  # around a 26 px status marker (28 with its edge)
_RING_HTML = (
    '<div class="ict-stage" data-stage="{stage}" style="width:{size}px;height:{size}px;'
    "box-sizing:border-box;border:{width}px {border} {colour};border-radius:50%;"
    'box-shadow:0 0 0 1px rgba(255,255,255,.9),inset 0 0 0 1px rgba(255,255,255,.9)"></div>'
)
_DIAMOND_HTML = (
    '<div class="ict-diamond" data-state="{state}" style="width:13px;height:13px;'
    "margin:3px;background:{colour};border:2px solid #fff;box-shadow:0 0 0 1.5px #222;"
    'transform:rotate(45deg)"></div>'
)


def _pane(fmap: folium.Map) -> None:
    """The workspace's pane, made once per map."""
    made = any(
        isinstance(c, folium.map.CustomPane) and c.name == WORKSPACE_PANE
        for c in fmap._children.values()
    )
    if not made:
        folium.map.CustomPane(WORKSPACE_PANE, z_index=645).add_to(fmap)


def _tooltip(fields: tuple[str, ...], keys: tuple[str, ...], lang: str) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(fields=list(fields), aliases=[t(k, lang) for k in keys])


def stage_points(projects: pd.DataFrame) -> gpd.GeoDataFrame:
    """Workspace projects that have a position, as WGS84 points at their stored centroid.

    Parameters
    ----------
    projects : pandas.DataFrame
        :func:`baseline.workspace.projects.project_list` (``project_id``, ``lon``, ``lat``...).
    """
    located = projects.dropna(subset=["lon", "lat"])
    return gpd.GeoDataFrame(
        located,
        geometry=gpd.points_from_xy(located["lon"], located["lat"]),
        crs="EPSG:4326",
    )


def at_markers(points: gpd.GeoDataFrame, markers: gpd.GeoSeries) -> gpd.GeoDataFrame:
    """``points`` moved onto the map's marker of the same project, where there is one.

    A ring drawn at a project's stored centroid can sit hundreds of metres from the point
    the map marks the project at (a road's marker is on the road), so it is drawn there.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        :func:`stage_points`, in the coordinates the map draws in.
    markers : geopandas.GeoSeries
        The markers' points, indexed by project id, in the same coordinates.
    """
    at = markers.to_crs(points.crs)
    at = at[~at.index.duplicated()]
    on = points["project_id"].isin(at.index).to_numpy()
    moved = points.geometry.to_numpy().copy()
    moved[on] = at.reindex(points.loc[on, "project_id"]).to_numpy()
    return points.set_geometry(gpd.GeoSeries(moved, index=points.index, crs=points.crs))


def stage_ring_html(stage: str) -> str:
    """The HTML of a stage ring: the stage's colour and line, a white edge either side."""
    return _RING_HTML.format(
        stage=stage,
        size=RING_SIZE,
        width=RING_WIDTH,
        border=STAGE_BORDERS.get(stage, "solid"),
        colour=STAGE_COLOURS.get(stage, "#888"),
    )


def add_project_stages(fmap: folium.Map, points: gpd.GeoDataFrame, lang: str) -> folium.GeoJson:
    """Workspace projects as rings coloured and lined by stage, one GeoJSON layer.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        :func:`stage_points` (display coordinates): ``project_id``, ``name``, ``stage``,
        ``status``.
    lang : str
        The language of the tooltips (project id, name, stage, status).
    """
    _pane(fmap)
    frame = points.assign(
        stage_text=points["stage"].map(lambda s: t(f"stage_{s}", lang)),
        status_text=points["status"].map(lambda s: t(f"pstatus_{s}", lang)),
    )
    data = json.loads(geojson_text(frame, [*STAGE_TIP, "stage"]))

    def paint(feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "html": stage_ring_html(str(feature["properties"].get("stage"))),
            "iconSize": [RING_SIZE, RING_SIZE],
            "iconAnchor": [RING_SIZE // 2, RING_SIZE // 2],
            "className": "ict-ws-stage",
        }

    marker = folium.Marker(icon=folium.DivIcon(html="", class_name="ict-ws-stage"))
    marker.options["pane"] = WORKSPACE_PANE
    keys = ("project_id", "project_name", "ws_filter_stage", "ws_filter_status")
    layer = folium.GeoJson(
        data,
        name=t("layer_ws_projects", lang),
        marker=marker,
        style_function=paint,
        tooltip=_tooltip(STAGE_TIP, keys, lang),
    )
    layer.add_to(fmap)
    return layer


@dataclass(frozen=True)
class OpportunityLayers:
    """The opportunities' layer in the layer control and what it draws by zoom.

    Attributes
    ----------
    group : folium.FeatureGroup
        The layer the layer control switches.
    symbols : folium.GeoJson
        A diamond per opportunity, below :data:`DETAIL_ZOOM`.
    lines : folium.GeoJson
        The works of each opportunity, from :data:`DETAIL_ZOOM` on (over a white casing,
        in a group of their own).
    """

    group: folium.FeatureGroup
    symbols: folium.GeoJson
    lines: folium.GeoJson


def _opportunity_frame(table: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """The opportunities with their tooltip's words, empty geometries left out."""
    shown = table[~table.geometry.is_empty & table.geometry.notna()]
    return shown.assign(
        label="#" + shown["opportunity_id"].astype(str),
        works=shown["work_a"].astype(str) + " + " + shown["work_b"].astype(str),
        state_text=shown["state"].map(lambda s: t(f"opp_{s}", lang)),
        kind_text=shown["kind"].map(lambda k: t(str(k), lang)),
    )


def on_works(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """The point of each geometry nearest its centroid: the middle of a pair of works."""
    values = geoms.to_numpy()
    nearest = shapely.get_point(shapely.shortest_line(values, shapely.centroid(values)), 0)
    return gpd.GeoSeries(nearest, index=geoms.index, crs=geoms.crs)


def _symbols(frame: gpd.GeoDataFrame, lang: str) -> folium.GeoJson:
    data = json.loads(geojson_text(frame.set_geometry(on_works(frame.geometry)), _OPP_FIELDS))

    def paint(feature: dict[str, Any]) -> dict[str, Any]:
        state = str(feature["properties"].get("state"))
        return {
            "html": _DIAMOND_HTML.format(state=state, colour=STATE_COLOURS.get(state, "#888")),
            "iconSize": [25, 25],
            "iconAnchor": [12, 12],
            "className": "ict-ws-opportunity",
        }

    marker = folium.Marker(icon=folium.DivIcon(html="", class_name="ict-ws-opportunity"))
    marker.options["pane"] = WORKSPACE_PANE
    return folium.GeoJson(
        data, marker=marker, style_function=paint, tooltip=_opportunity_tooltip(lang)
    )


def _lines(frame: gpd.GeoDataFrame, lang: str) -> tuple[folium.FeatureGroup, folium.GeoJson]:
    """The works' lines in the state's colour over a white casing (they cross gap areas)."""
    data = json.loads(geojson_text(frame, _OPP_FIELDS))

    def paint(feature: dict[str, Any]) -> dict[str, Any]:
        state = str(feature["properties"].get("state"))
        colour = STATE_COLOURS.get(state, "#888")
        out = {"color": colour, "fillColor": colour, "weight": 5, "opacity": 1.0}
        return out | ({"dashArray": "8 6"} if state in CLOSED_STATES else {})

    detail = folium.FeatureGroup(control=False)
    casing = {"color": "#ffffff", "weight": 9, "opacity": 0.9, "fillOpacity": 0}
    folium.GeoJson(data, style_function=lambda _f: casing, interactive=False).add_to(detail)
    lines = folium.GeoJson(data, style_function=paint, tooltip=_opportunity_tooltip(lang))
    lines.add_to(detail)
    return detail, lines


def _opportunity_tooltip(lang: str) -> folium.GeoJsonTooltip:
    keys = ("col_ws_opportunity_id", "ws_map_works", "col_ws_state", "col_ws_kind")
    return _tooltip(OPPORTUNITY_TIP, keys, lang)


def add_opportunity_states(
    fmap: folium.Map, table: gpd.GeoDataFrame, lang: str, *, detail_zoom: int = DETAIL_ZOOM
) -> OpportunityLayers:
    """Opportunities by state: a diamond each below ``detail_zoom``, their works from it on.

    Parameters
    ----------
    table : geopandas.GeoDataFrame
        :func:`baseline.workspace.opportunities.opportunities_table` (display coordinates).
    lang : str
        The language of the tooltips (opportunity, works, state, kind).
    detail_zoom : int
        The zoom from which the works' lines replace the diamonds.
    """
    _pane(fmap)
    frame = _opportunity_frame(table, lang)
    group = folium.FeatureGroup(name=t("layer_ws_opportunities", lang), show=True)
    group.add_to(fmap)
    symbols, (detail, lines) = _symbols(frame, lang), _lines(frame, lang)
    symbols.add_to(group)
    detail.add_to(group)
    ZoomSwitch(symbols, detail, detail_zoom, within=group).add_to(fmap)
    return OpportunityLayers(group, symbols, lines)


def workspace_legend(
    stages: folium.GeoJson | None, opportunities: OpportunityLayers | None, lang: str
) -> list[LegendEntry]:
    """The legend's entries of the workspace layers drawn (none for a layer not drawn).

    Every stage's ring under the projects' heading; every state's diamond (below the
    detail zoom) or line (from it on) under the opportunities' heading. Each entry is tied
    to the layer that draws it, so it hides with it.
    """
    entries: list[LegendEntry] = []
    if stages is not None:
        heading = t("layer_ws_projects", lang)
        entries += [
            LegendEntry(
                t(f"stage_{s}", lang), c, "ring", stages, border=STAGE_BORDERS[s], group=heading
            )
            for s, c in STAGE_COLOURS.items()
        ]
    if opportunities is not None:
        heading = t("layer_ws_opportunities", lang)
        for shape, layer in (("diamond", opportunities.symbols), ("line", opportunities.lines)):
            entries += [
                LegendEntry(
                    t(f"opp_{s}", lang),
                    c,
                    shape,
                    layer,
                    group=heading,
                    dashed=shape == "line" and s in CLOSED_STATES,
                )
                for s, c in STATE_COLOURS.items()
            ]
    return entries
