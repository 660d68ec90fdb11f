"""The workspace on the map page for signed-in users: projects by stage, opportunities."""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd

from app_pages.common import guarded, lang, marker_points, sample_result, standard
from app_pages.workspace_common import actor, engine
from baseline.maps.webmap import LegendEntry, display_copy
from baseline.maps.workspace_layer import (
    add_opportunity_states,
    add_project_stages,
    at_markers,
    stage_points,
    workspace_legend,
)
from baseline.workspace.opportunities import opportunities_table
from baseline.workspace.projects import project_list


def _markers(base: str) -> gpd.GeoSeries:
    """Where the map draws each sample project's status marker, by project id."""
    return marker_points(sample_result(lang()).projects, base).set_index("project_id").geometry


def add_workspace(fmap: folium.Map, parts: dict[str, Any], base: str) -> None:
    """Add the workspace's projects and opportunities when someone is signed in.

    The layers drawn go into ``parts`` (``ws_stages``, ``ws_opportunities``) for the
    legend; ``base`` is the basemap, whose coordinates (GCJ-02 for AMap) they are drawn in.
    """
    if actor() is None:
        return
    db = engine()
    projects = guarded(lambda: project_list(db))
    if projects is not None and not projects.empty:
        points = stage_points(projects)
        if not points.empty:
            points = at_markers(display_copy(points, base), _markers(base))
            parts["ws_stages"] = add_project_stages(fmap, points, lang())
    table = guarded(lambda: opportunities_table(db, std=standard()))
    if table is not None and not table.empty:
        shown = display_copy(table, base)
        parts["ws_opportunities"] = add_opportunity_states(fmap, shown, lang())


def workspace_entries(parts: dict[str, Any]) -> list[LegendEntry]:
    """The legend's entries of the workspace layers in ``parts`` (none when signed out)."""
    return workspace_legend(parts.get("ws_stages"), parts.get("ws_opportunities"), lang())
