"""The workspace on the map: projects coloured by stage, opportunities coloured by state.

Two folium layers the map page adds for signed-in users (every signed-in user sees every
project and work, as in Street Manager); each can be switched off in the layer control.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from baseline.i18n import t

STAGE_COLOURS = {
    "planning": "#6baed6",
    "design": "#3182bd",
    "construction": "#fd8d3c",
    "acceptance": "#31a354",
}
"""A colour per project stage (blues while on paper, orange on site, green at acceptance)."""
STATE_COLOURS = {
    "identified": "#9e9ac8",
    "proposed": "#756bb1",
    "accepted": "#31a354",
    "declined": "#de2d26",
    "built": "#006d2c",
    "expired": "#969696",
}
"""A colour per opportunity state."""


def add_project_stages(fmap: folium.Map, projects: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Workspace projects as circles at their centroids, coloured by stage.

    Parameters
    ----------
    projects : pandas.DataFrame
        :func:`baseline.workspace.projects.project_list` (``lon``, ``lat``, ``stage``...).
    lang : str
        The language of the tooltips.
    """
    group = folium.FeatureGroup(name=t("layer_ws_projects", lang), show=True)
    group.add_to(fmap)
    for _, row in projects.dropna(subset=["lon", "lat"]).iterrows():
        stage, status = t(f"stage_{row['stage']}", lang), t(f"pstatus_{row['status']}", lang)
        folium.CircleMarker(
            (float(row["lat"]), float(row["lon"])),
            radius=8,
            color=STAGE_COLOURS.get(str(row["stage"]), "#888"),
            weight=3,
            fill=True,
            fill_opacity=0.7,
            tooltip=f"{row['project_id']} {row['name']} · {stage} · {status}",
        ).add_to(group)
    return group


def add_opportunity_states(
    fmap: folium.Map, table: gpd.GeoDataFrame, lang: str
) -> folium.FeatureGroup:
    """Opportunities (both works of each) as lines coloured by state.

    Parameters
    ----------
    table : geopandas.GeoDataFrame
        :func:`baseline.workspace.opportunities.opportunities_table` (WGS84).
    """
    group = folium.FeatureGroup(name=t("layer_ws_opportunities", lang), show=True)
    group.add_to(fmap)
    for _, row in table.iterrows():
        colour = STATE_COLOURS.get(str(row["state"]), "#888")
        label = f"#{row['opportunity_id']} {row['work_a']} + {row['work_b']}"
        folium.GeoJson(
            row.geometry.__geo_interface__,
            style_function=lambda _f, c=colour: {"color": c, "weight": 5, "opacity": 0.85},
            tooltip=f"{label} · {t('opp_' + str(row['state']), lang)}",
        ).add_to(group)
    return group
