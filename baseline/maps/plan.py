"""The web map of one checked site plan: projects by status, fittings of failed rules in red.

The app's check page shows it; the HTML report draws the same picture without tiles as
inline SVG (:mod:`baseline.reports.check_report`), in the same colours.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from baseline.check.run import CheckResult
from baseline.i18n import t
from baseline.maps.palette import STATUS_COLOURS, fitting_status
from baseline.maps.webmap import add_points, add_polygons, base_map, display_copy

FITTING_TIP = ["kind", "project_id"]


def _fittings(
    fmap: folium.Map, fittings: gpd.GeoDataFrame, name: str, basemap: str, lang: str
) -> None:
    """Draw fittings coloured by ``state``: lines and areas, then points."""
    points = fittings.geom_type == "Point"
    aliases = [t("kind", lang), t("project_id", lang)]
    if (~points).any():
        add_polygons(
            fmap,
            display_copy(fittings[~points], basemap),
            name=name,
            tooltip=FITTING_TIP,
            aliases=aliases,
            colour_by=STATUS_COLOURS,
            colour_col="state",
            fill_opacity=0.5,
            weight=3,
        )
    if points.any():
        add_points(
            fmap,
            display_copy(fittings[points], basemap),
            name=name + " ·",
            tooltip=FITTING_TIP,
            aliases=aliases,
            colour_by=STATUS_COLOURS,
            colour_col="state",
            radius=5,
        )


def plan_map(result: CheckResult, *, basemap: str = "none", lang: str = "en") -> folium.Map:
    """A map of the checked plan fitted to its projects, with a layer control.

    Parameters
    ----------
    result : CheckResult
        The check whose projects (coloured by status) and fittings (red where a failed
        rule is about them, else green) are drawn.
    basemap : str
        One of :data:`baseline.maps.webmap.BASEMAPS`.
    lang : str
        Language of the layer names and statuses.

    Returns
    -------
    folium.Map
    """
    proj = result.projects
    west, south, east, north = proj.total_bounds
    fmap = base_map(((south + north) / 2, (west + east) / 2), 15, basemap=basemap)
    add_polygons(
        fmap,
        display_copy(proj.assign(status_text=proj["status"].map(lambda s: t(s, lang))), basemap),
        name=t("layer_projects", lang),
        tooltip=["project_id", "name", "status_text"],
        aliases=[t("project_id", lang), t("project_name", lang), t("status", lang)],
        colour_by=STATUS_COLOURS,
        colour_col="status",
        fill_opacity=0.25,
        weight=2,
    )
    fits = result.fittings.assign(state=fitting_status(result.fittings["failing"]))
    fits = fits.assign(kind=fits["kind"].map(lambda k: result.standard.fitting_label(k, lang)))
    _fittings(fmap, fits, t("layer_fittings", lang), basemap, lang)
    fmap.fit_bounds([[south, west], [north, east]])
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap
