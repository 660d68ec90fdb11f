"""Co-build page: recommendations on a map and in a table, filtered, chosen, exported."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from app_pages.common import (
    PUDONG_CENTRE,
    add_boundary,
    basemap,
    guarded,
    headers,
    lang,
    new_map,
    recommendations,
    sample_result,
    show_map,
    shown,
    tr,
    uploaded,
    words,
)
from app_pages.widget_texts import file_uploader
from baseline.cobuild.core import REC_KINDS, summary
from baseline.io.formats import VECTOR_SUFFIXES, read_layer
from baseline.maps.aggregate import COUNT_COLOURS, WORKS_LIMIT, band_labels, works_grid
from baseline.maps.palette import KIND_COLOURS
from baseline.maps.webmap import (
    Highlight,
    Legend,
    LegendEntry,
    add_points,
    add_polygons,
    display_copy,
    geojson_text,
)
from baseline.reports.charts import timeline
from baseline.reports.cobuild_report import one_language, recs_bytes

DOWNLOADS = (
    ("csv", "download_csv", "text/csv"),
    ("xlsx", "download_xlsx", None),
    ("geojson", "download_geojson", "application/geo+json"),
    ("gpkg", "download_gpkg", None),
    ("html", "download_report", "text/html"),
)
DASH = {"light": "8 6"}
MEMBER_COLOUR = "#000000"
WORKS_COLOUR = "#555555"
CHOSEN_ROW = "#ffe680"
WORKS_FIELDS = ["project_id", "work_id", "name", "road_name"]


def _filters(recs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    c1, c2, c3, c4 = st.columns(4)
    kinds = c1.multiselect(
        tr("kind"),
        list(REC_KINDS),
        format_func=words(),
        key="cb_kind",
        placeholder=tr("choose_any"),
    )
    owners = sorted({o for v in recs["owners"] for o in str(v).split(";") if o})
    pick_owner = c2.multiselect(tr("owner"), owners, key="cb_owner", placeholder=tr("choose_any"))
    severity = c3.multiselect(
        tr("severity"),
        ["heavy", "light"],
        format_func=words(),
        key="cb_severity",
        placeholder=tr("choose_any"),
    )
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


def _members(rec: pd.Series | None) -> gpd.GeoDataFrame:
    """The projects (works) a recommendation names."""
    projects = sample_result(lang()).projects
    if rec is None:
        return projects.iloc[0:0]
    ids = [m for m in str(rec["members"]).split(";") if m]
    return projects[projects["project_id"].isin(ids)]


@st.cache_data(show_spinner=False, max_entries=2)
def _works_json(name: str, data: bytes, base: str) -> tuple[str, int, float]:
    """An uploaded works layer as map GeoJSON, its feature count and its cell side.

    Up to ``WORKS_LIMIT`` features the works are drawn as they are (cell side 0); above,
    they are counted per grid cell (:func:`works_grid`), which draws in the same time
    whatever their number.
    """
    with uploaded(name, data, "baseline-works-") as path:
        works = read_layer(path)
    if len(works) <= WORKS_LIMIT:
        fields = [c for c in WORKS_FIELDS if c in works.columns]
        return geojson_text(display_copy(works, base), fields), len(works), 0.0
    grid = works_grid(works)
    cell = float(grid["cell_m"].iloc[0]) if len(grid) else 0.0
    return geojson_text(display_copy(grid, base), ["count", "colour"]), len(works), cell


def _works_upload() -> tuple[str, int, float] | None:
    """The works layer the user uploads (optional), ready for the map."""
    with st.expander(tr("works_layer")):
        upload = file_uploader(
            st,
            tr("works_upload"),
            [suffix.lstrip(".") for suffix in VECTOR_SUFFIXES],
            "cb_works",
            lang(),
            help=tr("works_upload_help", limit=WORKS_LIMIT),
        )
    if upload is None:
        return None
    works = guarded(lambda: _works_json(upload.name, upload.getvalue(), basemap()))
    if works is not None:
        st.caption(tr("works_count", n=works[1], limit=WORKS_LIMIT))
    return works


def _works(fmap: folium.Map, works: tuple[str, int, float] | None) -> list[LegendEntry]:
    """Draw the uploaded works (as they are, or counted per cell); their legend entries."""
    if works is None:
        return []
    text, _, cell = works
    if not cell:
        add_polygons(
            fmap, text, name=tr("layer_works"), colour=WORKS_COLOUR, fill_opacity=0.2, weight=2
        )
        return [LegendEntry(tr("layer_works"), WORKS_COLOUR, "line")]
    label = tr("layer_works_grid", km=f"{cell / 1000:g}")
    add_polygons(
        fmap,
        text,
        name=label,
        colour_by={c: c for c in COUNT_COLOURS},
        colour_col="colour",
        fill_opacity=0.55,
        weight=0.3,
        tooltip=["count"],
        aliases=[tr("tip_works_count")],
    )
    ticks = tuple(band_labels())
    return [LegendEntry(label, COUNT_COLOURS[0], "ramp", colours=COUNT_COLOURS, ticks=ticks)]


def _map(
    recs: gpd.GeoDataFrame, rec: pd.Series | None, works: tuple[str, int, float] | None = None
) -> folium.Map:
    fmap = new_map(PUDONG_CENTRE, 10)
    add_boundary(fmap)
    works_entries = _works(fmap, works)
    lines = recs[recs.geom_type != "Point"]
    pts = recs[recs.geom_type == "Point"]
    tip = ["rec_id", "members", "saving_cny"]
    aliases = [tr("col_rec_id"), tr("col_members"), tr("col_saving_cny")]
    layers = {}
    if len(lines):
        layers["lines"] = add_polygons(
            fmap,
            shown(lines),
            name=tr("shared_trench"),
            colour_by=KIND_COLOURS,
            colour_col="kind",
            fill_opacity=0.6,
            weight=4,
            dash_col="severity",
            dash_by=DASH,
            tooltip=tip,
            aliases=aliases,
        )
    if len(pts):
        layers["points"] = add_points(
            fmap,
            shown(pts),
            name=tr("layer_recs"),
            colour_by=KIND_COLOURS,
            colour_col="kind",
            radius=7,
            tooltip=tip,
            aliases=aliases,
        )
    members = _members(rec)
    if len(members):
        add_polygons(
            fmap,
            shown(members),
            name=tr("layer_members"),
            colour=MEMBER_COLOUR,
            fill_opacity=0.15,
            weight=3,
            tooltip=["project_id", "name"],
            aliases=[tr("project_id"), tr("project_name")],
        )
        chosen = recs[recs["rec_id"] == rec["rec_id"]]
        stretch = chosen[chosen.geom_type != "Point"]
        if len(stretch):
            add_polygons(
                fmap,
                shown(stretch),
                name=tr("layer_shared"),
                colour="#ffd700",
                fill_opacity=0.6,
                weight=8,
            )
        spot = chosen[chosen.geom_type == "Point"]
        if len(spot):
            add_points(fmap, shown(spot), name=tr("layer_shared"), colour="#ffd700", radius=10)
        w, s, e, n = gpd.GeoSeries(
            [*shown(members).geometry, *shown(chosen).geometry], crs=4326
        ).total_bounds
        Highlight((s, w, n, e), max_zoom=17).add_to(fmap)
    elif len(recs):
        b = recs.total_bounds
        fmap.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    entries = [LegendEntry(tr(k), c, "line") for k, c in KIND_COLOURS.items()]
    entries += [
        LegendEntry(tr("legend_heavy"), "#333", "line"),
        LegendEntry(tr("legend_light"), "#333", "line", dashed=True),
    ]
    if len(members):
        entries += [
            LegendEntry(tr("layer_members"), MEMBER_COLOUR, "line"),
            LegendEntry(tr("layer_shared"), "#ffd700", "line"),
        ]
    Legend(tr("legend"), entries + works_entries).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def _number(value: float) -> str:
    """A figure of the table: thousands separated, at most two decimals, no trailing zeros."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _table_row(recs: gpd.GeoDataFrame) -> str | None:
    """The rec_id of the row chosen in the table (its state, known before it is drawn)."""
    state = st.session_state.get("cb_table") or {}
    selection = state.get("selection", {}) if isinstance(state, dict) else {}
    rows = list(getattr(state, "selection", selection).get("rows", []) or [])
    return str(recs.iloc[rows[0]]["rec_id"]) if rows and rows[0] < len(recs) else None


def _table(recs: gpd.GeoDataFrame, chosen: str | None) -> None:
    """The recommendations in words, the chosen one's row shaded (a click on the map too)."""
    table = one_language(pd.DataFrame(recs.drop(columns="geometry")), lang()).assign(
        kind=lambda r: r["kind"].map(tr), severity=lambda r: r["severity"].map(tr)
    )
    marked = set(recs.index[recs["rec_id"] == chosen])
    shown_table = headers(table)
    floats = list(shown_table.select_dtypes("float").columns)
    styled = shown_table.style.apply(
        lambda row: [f"background-color: {CHOSEN_ROW}" if row.name in marked else ""] * len(row),
        axis=1,
    ).format(_number, subset=floats, na_rep="")
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="cb_table",
        column_config={tr("col_explanation"): st.column_config.TextColumn(width="large")},
    )


def _clicked_rec() -> str | None:
    """The rec_id of the recommendation last clicked on the map (its feature's properties)."""
    value = st.session_state.get("cobuild_map") or {}
    drawing = value.get("last_active_drawing") if isinstance(value, dict) else None
    rec_id = ((drawing or {}).get("properties") or {}).get("rec_id")
    return str(rec_id) if rec_id else None


def _chosen(recs: gpd.GeoDataFrame, row: str | None) -> pd.Series | None:
    """The chosen recommendation: the table's row or a map click, whichever changed last.

    A click on a recommendation of the map selects it as choosing its row does; choosing
    (or clearing) a row afterwards wins over the click.
    """
    clicked = _clicked_rec()
    if clicked != st.session_state.get("cb_seen_click"):
        st.session_state["cb_seen_click"] = clicked
        if clicked:
            st.session_state["cb_pick"] = clicked
    if row != st.session_state.get("cb_seen_row"):
        st.session_state["cb_seen_row"] = row
        st.session_state["cb_pick"] = row
    pick = recs[recs["rec_id"] == st.session_state.get("cb_pick")]
    return pick.iloc[0] if len(pick) else None


def _timeline(rec: pd.Series | None) -> None:
    """The works of the chosen recommendation on a timeline, their overlap shaded."""
    members = _members(rec)
    if rec is None or members.empty:
        return
    works = pd.DataFrame(
        {
            "label": members["project_id"],
            "start": members["start_date"],
            "end": members["end_date"],
        }
    )
    window = []
    if rec.get("overlap_start") and rec.get("overlap_end"):
        window = [(pd.Timestamp(rec["overlap_start"]), pd.Timestamp(rec["overlap_end"]))]
    st.caption(tr("timeline"))
    st.markdown(timeline(works, window, title=tr("timeline")), unsafe_allow_html=True)


@st.cache_data(show_spinner=False, max_entries=64)
def _export(ids: tuple[str, ...], ext: str, language: str) -> bytes:
    """The export of recommendations ``ids``, made once per filter (downloads never wait)."""
    recs = recommendations()
    return recs_bytes(recs[recs["rec_id"].isin(ids)], ext, language)


def render() -> None:
    """Draw the co-build page."""
    st.header(tr("page_cobuild"))
    st.caption(tr("illustrative"))
    recs = _filters(recommendations())
    works = _works_upload()
    st.write(tr("recs_total", count=len(recs), cny=float(recs["saving_cny"].sum())))
    st.caption(tr("cobuild_pick"))
    slot = st.container()
    rec = _chosen(recs, _table_row(recs))
    _table(recs, None if rec is None else str(rec["rec_id"]))
    with slot:
        if rec is not None:
            st.caption(tr("cobuild_chosen", rec=rec["rec_id"], members=rec["members"]))
        show_map(_map(recs, rec, works), key="cobuild_map", height=460)
        _timeline(rec)
    st.caption(tr("summary_title"))
    totals = summary(recs)
    totals = totals.assign(
        group=[
            tr(g) if b == "kind" else g for b, g in zip(totals["by"], totals["group"], strict=True)
        ],
        by=totals["by"].map(lambda b: tr(f"col_{b}")),
    )
    st.dataframe(headers(totals), hide_index=True)
    ids = tuple(recs["rec_id"])
    cols = st.columns(len(DOWNLOADS))
    for col, (ext, label, mime) in zip(cols, DOWNLOADS, strict=True):
        col.download_button(
            tr(label),
            _export(ids, ext, lang()),  # bytes, not a deferred callable a rerun forgets
            f"cobuild.{ext}",
            mime,
            key=f"cb_dl_{ext}",
            on_click="ignore",  # no rerun: a second click soon after the first still works
        )


render()
