"""The web map of one checked site plan: projects by status, failing buildings and fittings red.

The app's check page shows it; the HTML report draws the same picture without tiles as
inline SVG (:mod:`baseline.reports.check_report`), in the same colours.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from baseline.check.run import CheckResult
from baseline.i18n import t
from baseline.maps.palette import BUILDING_COLOUR, STATUS_COLOURS, fitting_status
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


def add_buildings(
    fmap: folium.Map,
    result: CheckResult,
    *,
    basemap: str = "none",
    lang: str = "en",
    only: str | None = None,
) -> folium.GeoJson | None:
    """Draw each building's footprint: grey, or red where a rule about it fails.

    Parameters
    ----------
    only : str, optional
        Draw the buildings of this project only.

    Returns
    -------
    folium.GeoJson or None
        The layer, or None when there is no building to draw.
    """
    b = result.buildings
    if b is None or b.empty:
        return None
    bad = result.failing_buildings()
    keep = b["project_id"] == only if only is not None else pd.Series(True, index=b.index)
    if not keep.any():
        return None
    bad = bad[keep]
    shown = b.loc[keep, ["project_id", "building_id", "geometry"]].assign(
        state=bad.map({True: "fail", False: "ok"}),
        state_text=bad.map({True: t("building_failing", lang), False: t("building_ok", lang)}),
    )
    return add_polygons(
        fmap,
        display_copy(shown, basemap),
        name=t("layer_buildings", lang),
        tooltip=["building_id", "project_id", "state_text"],
        aliases=[t("col_building_id", lang), t("project_id", lang), t("status", lang)],
        colour_by={"fail": STATUS_COLOURS["fail"], "ok": BUILDING_COLOUR},
        colour_col="state",
        fill_opacity=0.45,
        weight=1.5,
    )


def plan_map(result: CheckResult, *, basemap: str = "none", lang: str = "en") -> folium.Map:
    """A map of the checked plan fitted to its projects, with a layer control.

    Parameters
    ----------
    result : CheckResult
        The check whose projects (coloured by status), buildings (red where a rule about
        the building fails, else grey) and fittings (red where a failed rule is about them,
        else green) are drawn.
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
    add_buildings(fmap, result, basemap=basemap, lang=lang)
    fits = result.fittings.assign(state=fitting_status(result.fittings["failing"]))
    fits = fits.assign(kind=fits["kind"].map(lambda k: result.standard.fitting_label(k, lang)))
    _fittings(fmap, fits, t("layer_fittings", lang), basemap, lang)
    fmap.fit_bounds([[south, west], [north, east]])
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap
