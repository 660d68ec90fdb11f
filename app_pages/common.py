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
from baseline.check import CheckResult
from baseline.cobuild import recommend
from baseline.coverage import CoverageResult, find_gaps, grid_summary
from baseline.crs import CRS_HELP
from baseline.errors import BaselineError, CRSError
from baseline.i18n import t
from baseline.pipeline import sample_check
from baseline.standards import Standard, load_standard
from baseline.webmap import add_polygons, display_copy

log = logging.getLogger("baseline.app")
T = TypeVar("T")
PUDONG_CENTRE = (31.20, 121.62)


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
    """Co-build recommendations for the bundled sample."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return recommend(sample_result("en"), standard(), assets=assets())


def show_map(fmap, key: str, height: int = 620) -> dict[str, Any] | None:
    """Render a folium map; only the clicked feature comes back (no rerun on pan/zoom)."""
    return st_folium(
        fmap,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )


def shown(gdf):
    """Display copy for the chosen basemap (GCJ-02 over AMap tiles)."""
    return display_copy(gdf, basemap())


def add_boundary(fmap) -> None:
    """Draw the Pudong boundary as context on a map (outline only)."""
    add_polygons(
        fmap,
        shown(layer("pudong_boundary")),
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
