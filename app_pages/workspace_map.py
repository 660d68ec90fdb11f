"""The workspace on the map page for signed-in users: projects by stage, opportunities."""

from __future__ import annotations

import folium

from app_pages.common import guarded, lang
from app_pages.workspace_common import actor, engine
from baseline.maps.workspace_layer import add_opportunity_states, add_project_stages
from baseline.workspace.opportunities import opportunities_table
from baseline.workspace.projects import project_list


def add_workspace(fmap: folium.Map) -> None:
    """Add the workspace's projects and opportunities when someone is signed in."""
    if actor() is None:
        return
    db = engine()
    projects = guarded(lambda: project_list(db))
    if projects is not None and not projects.empty:
        add_project_stages(fmap, projects, lang())
    opportunities = guarded(lambda: opportunities_table(db))
    if opportunities is not None and not opportunities.empty:
        add_opportunity_states(fmap, opportunities, lang())
