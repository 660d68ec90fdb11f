"""Co-build page: recommendations on a map and in a table, filtered, exported."""

from __future__ import annotations

import functools

import folium
import geopandas as gpd
import streamlit as st

from app_pages.common import (
    PUDONG_CENTRE,
    add_boundary,
    basemap,
    lang,
    recommendations,
    show_map,
    shown,
    tr,
)
from baseline.cobuild.core import REC_KINDS, summary
from baseline.maps.palette import KIND_COLOURS
from baseline.maps.webmap import add_points, add_polygons, base_map
from baseline.reports.cobuild_report import recs_bytes

DOWNLOADS = (
    ("csv", "download_csv", "text/csv"),
    ("xlsx", "download_xlsx", None),
    ("geojson", "download_geojson", "application/geo+json"),
    ("gpkg", "download_gpkg", None),
    ("html", "download_report", "text/html"),
)


def _filters(recs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    c1, c2, c3, c4 = st.columns(4)
    kinds = c1.multiselect(tr("kind"), list(REC_KINDS), format_func=tr, key="cb_kind")
    owners = sorted({o for v in recs["owners"] for o in str(v).split(";") if o})
    pick_owner = c2.multiselect(tr("owner"), owners, key="cb_owner")
    severity = c3.multiselect(tr("severity"), ["heavy", "light"], key="cb_severity")
    top = float(recs["saving_cny"].max() or 0)
    min_saving = c4.number_input(
        tr("min_saving"), 0.0, max(top, 1.0), 0.0, step=10000.0, key="cb_min"
    )
    keep = recs["saving_cny"] >= min_saving
    if kinds:
        keep &= recs["kind"].isin(kinds)
    if pick_owner:
        keep &= recs["owners"].map(lambda v: bool(set(str(v).split(";")) & set(pick_owner)))
    if severity:
        keep &= recs["severity"].isin(severity)
    return recs[keep]


def _map(recs: gpd.GeoDataFrame) -> folium.Map:
    fmap = base_map(PUDONG_CENTRE, 10, basemap=basemap())
    add_boundary(fmap)
    lines = recs[recs.geom_type != "Point"]
    pts = recs[recs.geom_type == "Point"]
    if len(lines):
        add_polygons(
            fmap,
            shown(lines),
            name=tr("shared_trench"),
            colour_by=KIND_COLOURS,
            colour_col="kind",
            fill_opacity=0.6,
            weight=4,
            tooltip=["rec_id", "members", "saving_cny"],
        )
    if len(pts):
        add_points(
            fmap,
            shown(pts),
            name=tr("layer_recs"),
            colour_by=KIND_COLOURS,
            colour_col="kind",
            radius=7,
            tooltip=["rec_id", "kind", "members", "saving_cny"],
        )
    if len(recs):
        b = recs.total_bounds
        fmap.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def render() -> None:
    """Draw the co-build page."""
    st.header(tr("page_cobuild"))
    st.caption(tr("illustrative"))
    recs = _filters(recommendations())
    st.write(tr("recs_total", count=len(recs), cny=float(recs["saving_cny"].sum())))
    legend = " &nbsp; ".join(
        f"<span style='color:{c}'>■</span> {tr(k)}" for k, c in KIND_COLOURS.items()
    )
    st.markdown(legend, unsafe_allow_html=True)
    show_map(_map(recs), key="cobuild_map", height=460)
    table = recs.drop(columns="geometry").assign(kind=lambda r: r["kind"].map(tr))
    st.dataframe(table, hide_index=True, width="stretch")
    st.dataframe(summary(recs), hide_index=True)
    cols = st.columns(len(DOWNLOADS))
    for col, (ext, label, mime) in zip(cols, DOWNLOADS, strict=True):
        col.download_button(
            tr(label),
            functools.partial(recs_bytes, recs, ext, lang()),  # built on click, not every rerun
            f"cobuild.{ext}",
            mime,
            key=f"cb_dl_{ext}",
        )


render()
