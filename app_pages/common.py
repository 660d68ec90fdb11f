"""What every page shares: language, settings, cached loaders, error display, the map widget."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from baseline import data as bdata
from baseline import settings
from baseline.check import CheckResult
from baseline.cobuild import recommend
from baseline.coverage import CoverageResult, find_gaps, grid_summary
from baseline.crs import CRS_HELP
from baseline.errors import BaselineError, CRSError
from baseline.i18n import t
from baseline.pipeline import sample_check
from baseline.standards import Standard, load_standard
from baseline.webmap import (
    GRID_COLOURS,
    add_polygons,
    display_copy,
    geojson_text,
    grid_class,
    simplify,
    write_tiles,
)

log = logging.getLogger("baseline.app")
T = TypeVar("T")
PUDONG_CENTRE = (31.20, 121.62)
TILE_ZOOM = 12  # tiles of about 8 km in Shanghai: a view at zoom 13 touches a handful
REC_TIP = ("rec_id", "kind", "members")


def lang() -> str:
    """The chosen language: 'zh' or 'en'."""
    return st.session_state.get("lang", "zh")


def tr(key: str, **fields: object) -> str:
    """Translate a UI key into the chosen language."""
    return t(key, lang(), **fields)


def basemap() -> str:
    """The chosen basemap."""
    return st.session_state.get("basemap", "none")


def guarded(func: Callable[[], T]) -> T | None:
    """Run ``func``; show a reader's message for bad input, never a traceback."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return func()
    except CRSError as exc:
        st.error(str(exc).replace(CRS_HELP, tr("crs_hint")))
    except BaselineError as exc:
        st.error(str(exc))
    except Exception:
        log.exception("unexpected error in the app")
        st.error(tr("unexpected"))
    return None


@st.cache_resource(show_spinner=False)
def standard() -> Standard:
    """The bundled catalogue, loaded once per server."""
    return load_standard()


@st.cache_resource(show_spinner=False)
def sample_result(language: str) -> CheckResult:
    """The bundled sample plan checked in ``language``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sample_check(standard(), lang=language)


@st.cache_resource(show_spinner=False)
def assets():
    """Existing towers and sensors of the bundled data."""
    return bdata.load_assets()


@st.cache_resource(show_spinner=False)
def layer(name: str):
    """A bundled layer by name."""
    return bdata.load(name)


@st.cache_resource(show_spinner=False)
def coverage(tech: str) -> CoverageResult:
    """Coverage and gaps over Pudong for ``tech``."""
    return find_gaps(layer("towers"), layer("pudong_boundary"), standard().coverage, tech=tech)


@st.cache_resource(show_spinner=False)
def coverage_grid(tech: str):
    """The overview grid of covered fractions (WGS84)."""
    res = coverage(tech)
    cell = float(standard().coverage.get("grid_cell_m", 500))
    return grid_summary(res, layer("pudong_boundary"), cell).to_crs("EPSG:4326")


@st.cache_resource(show_spinner=False)
def recommendations():
    """Co-build recommendations for the bundled sample.

    They read statuses and geometry only, so the Chinese check (the app's first language,
    already computed) serves for both languages.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return recommend(sample_result("zh"), standard(), assets=assets())


@st.cache_data(show_spinner=False, max_entries=32)
def layer_json(name: str, base: str, fields: tuple[str, ...] = ()) -> str:
    """A bundled layer as map GeoJSON for a basemap, made once per server."""
    return geojson_text(display_copy(layer(name), base), list(fields))


@st.cache_data(show_spinner=False, max_entries=8)
def grid_json(tech: str, base: str) -> str:
    """The overview coverage grid as map GeoJSON: cells merged per colour class.

    One feature per class (six in all) instead of one per cell: 72 kB instead of 480 kB
    over Pudong, and the overview needs no more than the class of each place.
    """
    grid = coverage_grid(tech)
    steps = len(GRID_COLOURS) - 1
    grid = grid.assign(k=grid_class(grid["covered_fraction"].to_numpy()))
    merged = grid.dissolve(by="k", as_index=False)
    merged["colour"] = [GRID_COLOURS[k] for k in merged["k"]]
    merged["covered"] = [
        f"{max(0.0, (k - 0.5) / steps):.0%} – {min(1.0, (k + 0.5) / steps):.0%}"
        for k in merged["k"]
    ]
    return geojson_text(display_copy(merged, base), ["colour", "covered"])


@st.cache_data(show_spinner=False, max_entries=8)
def recs_json(base: str) -> str:
    """Co-build recommendations drawn as lines and areas, as map GeoJSON."""
    recs = recommendations()
    return geojson_text(display_copy(recs[recs.geom_type != "Point"], base), list(REC_TIP))


@st.cache_resource(show_spinner=False, max_entries=8)
def gap_tiles(tech: str, base: str) -> tuple[str, list[str]]:
    """Gap polygons written as per-tile GeoJSON under ``static/`` for loading in view.

    Returns the URL of the folder and the tiles written; ("", []) when ``static/`` cannot
    be written, and the map then shows the overview grid only.
    """
    gaps = coverage(tech).gaps.assign(area_km2=lambda g: (g["area_m2"] / 1e6).round(3))
    name = f"gaps-{tech}-{base}-{standard().short_hash()}"
    try:
        keys = write_tiles(
            display_copy(simplify(gaps, 15), base),
            settings.ROOT / "static" / "tiles" / name,
            zoom=TILE_ZOOM,
            fields=["area_km2"],
            id_col="gap_id",
        )
    except OSError:
        log.warning("cannot write map tiles under static/: gaps are not drawn in detail")
        return "", []
    return f"/app/static/tiles/{name}", keys


def show_map(fmap, key: str, height: int = 620) -> dict[str, Any] | None:
    """Render a folium map; only the clicked feature comes back (no rerun on pan/zoom)."""
    return st_folium(
        fmap,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        render=False,
    )


def shown(gdf):
    """Display copy for the chosen basemap (GCJ-02 over AMap tiles)."""
    return display_copy(gdf, basemap())


def add_boundary(fmap) -> None:
    """Draw the Pudong boundary as context on a map (outline only)."""
    add_polygons(
        fmap,
        layer_json("pudong_boundary", basemap()),
        name=tr("layer_boundary"),
        colour="#555",
        fill_opacity=0.0,
        weight=2,
    )


def status_label(series: pd.Series) -> pd.Series:
    """Statuses translated into the chosen language."""
    return series.map(lambda s: tr(str(s)))


def current_user() -> str | None:
    """The logged-in user's e-mail when Streamlit OIDC login is configured, else None."""
    try:
        user = st.user
        if getattr(user, "is_logged_in", False):
            return str(user.get("email") or user.get("name"))
    except Exception:
        return None
    return None
