"""What every page shares: language, settings, cached loaders, error display, the map widget."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from app_pages.widget_texts import status_css
from baseline import settings
from baseline.check.run import CheckResult
from baseline.cobuild import recommend
from baseline.coverage import CoverageResult, GapsRun, tech_params
from baseline.coverage.sample import CoverageFigure, coverage_figure
from baseline.demo import pudong_gaps, sample_check
from baseline.errors import BaselineError
from baseline.i18n import column_label, t
from baseline.io import bundled as bdata
from baseline.io.crs import CRS_HELP, CRS_HELP_ZH
from baseline.maps.tiles import TilePackage, unpack_package
from baseline.maps.webmap import (
    TileSource,
    add_polygons,
    base_map,
    display_copy,
    geojson_text,
    simplify,
    write_tiles,
)
from baseline.reports.figures import gap_pieces, grid_by_class
from baseline.standard.catalogue import Standard, load_standard

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


def words() -> Callable[[str], str]:
    """A translator bound to the language of this run (for a widget's ``format_func``).

    Streamlit may call a ``format_func`` outside the run that made the widget, where the
    session's language cannot be read; this one keeps the language it was made with.
    """
    language = lang()
    return lambda key: t(key, language)


def basemap() -> str:
    """The chosen basemap."""
    return st.session_state.get("basemap", default_basemap())


def default_basemap() -> str:
    """``local`` when a tile package is given (``baseline app --basemap FILE``), else ``none``."""
    if os.environ.get("BASELINE_BASEMAP"):
        return "local"
    return "custom" if os.environ.get("BASELINE_TILE_URL") else "none"


@st.cache_resource(show_spinner=False, max_entries=4)
def local_package(path: str) -> TilePackage:
    """The MBTiles or PMTiles package at ``path`` unpacked under ``static/basemap`` (once)."""
    return unpack_package(Path(path), settings.ROOT / "static" / "basemap")


def new_map(center: tuple[float, float], zoom: int) -> folium.Map:
    """An empty map on the chosen basemap, with a notice if its tiles fail to load.

    A ``local`` basemap draws the tile package given in the sidebar (or by
    ``--basemap FILE``), served by this app; ``custom`` an intranet URL template.
    """
    base = basemap()
    source = None
    if base == "local":
        path = st.session_state.get("basemap_file") or os.environ.get("BASELINE_BASEMAP", "")
        package = guarded(lambda: local_package(path)) if path else None
        if package is not None:
            source = TileSource(
                package.url("/app/static/basemap"),
                package.attribution,
                package.max_zoom,
                package.bounds,
            )
    elif base.startswith("custom"):
        url = st.session_state.get("basemap_url") or os.environ.get("BASELINE_TILE_URL", "")
        source = TileSource(url)
    return base_map(
        center,
        zoom,
        basemap=base,
        tianditu_key=st.session_state.get("tianditu_key", ""),
        tiles=source,
        tile_notice=tr("tile_notice", name=tr(f"basemap_{base}")),
    )


def error_text(exc: BaselineError) -> str:
    """The error's message in the page's language, then its headline in brackets.

    The command line's ``--crs`` advice becomes the page's: choose the CRS above.
    """
    text = exc.message(lang())
    for help_text in (CRS_HELP, CRS_HELP_ZH):
        text = text.replace(help_text, tr("crs_hint"))
    return f"{text}\n\n({tr(exc.key)})"


@contextlib.contextmanager
def uploaded(name: str, data: bytes, prefix: str = "baseline-upload-") -> Iterator[Path]:
    """An upload's bytes as a file of its own name in a private temporary folder.

    The folder and the file are removed when the block ends, whatever happens in it.
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        yield path


def guarded(func: Callable[[], T]) -> T | None:
    """Run ``func``; show a reader's message for bad input, never a traceback."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return func()
    except BaselineError as exc:
        st.error(error_text(exc))
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
def assets() -> gpd.GeoDataFrame:
    """Existing towers and sensors of the bundled data."""
    return bdata.load_assets()


@st.cache_resource(show_spinner=False)
def layer(name: str) -> gpd.GeoDataFrame:
    """A bundled layer by name."""
    return bdata.load(name)


# The catalogue's coverage parameters: the only place the app reads them.
def techs() -> list[str]:
    """The technologies of the catalogue's coverage model, in its order."""
    return list(standard().coverage.techs)


def default_tech() -> str:
    """The catalogue's default technology."""
    return tech_params(standard().coverage, None).id


@st.cache_resource(show_spinner=False)
def gaps_run(tech: str) -> GapsRun:
    """The gaps run over Pudong for ``tech``, as ``baseline gaps`` makes it."""
    return pudong_gaps(standard(), tech=tech)


@st.cache_resource(show_spinner=False)
def coverage_fig(tech: str) -> CoverageFigure:
    """The Pudong figure with its denominator and what the bundled towers are."""
    return coverage_figure(
        coverage(tech),
        layer("towers"),
        layer("pudong_boundary"),
        standard().coverage,
        bundled_sites=True,
        bundled_area=True,
    )


def coverage(tech: str) -> CoverageResult:
    """Coverage and gaps over Pudong for ``tech``."""
    return gaps_run(tech).result


def coverage_grid(tech: str) -> gpd.GeoDataFrame:
    """The overview grid of covered fractions (WGS84), as ``baseline gaps --grid`` writes it."""
    return gaps_run(tech).grid


@st.cache_resource(show_spinner=False)
def recommendations() -> gpd.GeoDataFrame:
    """Co-build recommendations for the bundled sample.

    They read statuses and geometry only, so the Chinese check (the app's first language,
    already computed) serves for both languages.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return recommend(sample_result("zh"), standard(), assets=assets())


@st.cache_data(show_spinner=False, max_entries=32)
def layer_json(name: str, base: str, fields: tuple[str, ...]) -> str:
    """A bundled layer as map GeoJSON for a basemap, made once per server."""
    return geojson_text(display_copy(layer(name), base), list(fields))


@st.cache_data(show_spinner=False, max_entries=8)
def grid_json(tech: str, base: str) -> str:
    """The overview coverage grid as map GeoJSON: one feature per colour class.

    Six features instead of one per cell: 72 kB instead of 480 kB over Pudong, and the
    overview needs no more than the class of each place.
    """
    return geojson_text(
        display_copy(grid_by_class(coverage_grid(tech)), base), ["colour", "covered"]
    )


PROJECT_TIP = ("project_id", "name", "category", "status_text")


@st.cache_data(show_spinner=False, max_entries=64)
def projects_json(language: str, base: str, ids: tuple[str, ...]) -> str:
    """The sample's projects ``ids`` as map GeoJSON, with statuses in ``language``."""
    p = sample_result(language).projects
    p = p[p["project_id"].isin(ids)]
    p = p.assign(status_text=p["status"].map(lambda s: t(str(s), language)))
    return geojson_text(display_copy(p, base), [*PROJECT_TIP, "status"])


@st.cache_data(show_spinner=False, max_entries=64)
def project_points_json(language: str, base: str, ids: tuple[str, ...]) -> str:
    """A point per project ``ids`` (inside its site or on its road), as map GeoJSON."""
    p = sample_result(language).projects
    p = p[p["project_id"].isin(ids)]
    p = p.assign(status_text=p["status"].map(lambda s: t(str(s), language)))
    return geojson_text(marker_points(p, base), [*PROJECT_TIP, "status"])


def marker_points(projects: gpd.GeoDataFrame, base: str) -> gpd.GeoDataFrame:
    """Where the map draws each project's marker: a point of its display copy's site or road."""
    shown = display_copy(projects, base)
    return shown.set_geometry(shown.geometry.representative_point())


@st.cache_data(show_spinner=False, max_entries=8)
def recs_json(base: str) -> str:
    """Co-build recommendations drawn as lines and areas, as map GeoJSON."""
    recs = recommendations()
    return geojson_text(display_copy(recs[recs.geom_type != "Point"], base), list(REC_TIP))


GAP_FIELDS = ("piece_km2", "cell_pct", "gap_km2", "projects")


@st.cache_resource(show_spinner=False, max_entries=8)
def gap_tiles(tech: str, base: str) -> tuple[str, list[str]]:
    """Gap pieces (gaps cut along the grid) written as per-tile GeoJSON under ``static/``.

    Returns the URL of the folder and the tiles written; ("", []) when ``static/`` cannot
    be written, and the map then shows the overview grid only.
    """
    run = gaps_run(tech)
    pieces = gap_pieces(run.result.gaps, run.grid, sample_result("zh").projects)
    pieces = pieces.assign(cell_pct=(pieces["cell_covered"] * 100).round().astype(int))
    name = f"gaps-{tech}-{base}-{standard().short_hash()}-v2"
    try:
        keys = write_tiles(
            display_copy(simplify(pieces, 15), base),
            settings.ROOT / "static" / "tiles" / name,
            zoom=TILE_ZOOM,
            fields=list(GAP_FIELDS),
            id_col="gap_id",
        )
    except OSError:
        log.warning("cannot write map tiles under static/: gaps are not drawn in detail")
        return "", []
    return f"/app/static/tiles/{name}", keys


MAP_LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pudong_boundary", ()),
    ("metro_lines", ("line",)),
    ("metro_stations", ("name", "line")),
    ("aq_sensors", ("asset_id", "name")),
)


def sample_ids(language: str) -> tuple[str, ...]:
    """The project ids of the checked sample, in its order."""
    return tuple(sample_result(language).projects["project_id"])


def map_layer(name: str) -> str:
    """A context layer of the map (one of MAP_LAYERS) as GeoJSON for the chosen basemap."""
    return layer_json(name, basemap(), dict(MAP_LAYERS)[name])


def warm(language: str = "zh", tech: str | None = None, base: str = "none") -> dict[str, float]:
    """Fill the caches the map page's first visit reads; return seconds per step.

    The server calls this once at start-up (``serve.py``), so the first visitor finds the
    sample check, coverage, grid, tiles and layers made, as every later visitor does.
    ``tech`` defaults to the catalogue's default technology, which the map shows first.
    """
    tech = tech or default_tech()
    steps: dict[str, Callable[[], object]] = {
        "standard": standard,
        "check": lambda: [
            projects_json(language, base, sample_ids(language)),
            project_points_json(language, base, sample_ids(language)),
        ],
        "coverage": lambda: coverage_grid(tech),
        "grid": lambda: grid_json(tech, base),
        "tiles": lambda: gap_tiles(tech, base),
        "layers": lambda: [layer_json(n, base, f) for n, f in MAP_LAYERS] + [layer("towers")],
        "cobuild": lambda: recs_json(base),
    }
    took: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            took[name] = round(time.perf_counter() - start, 2)
    return took


def show_map(fmap: folium.Map, key: str, height: int = 620) -> dict[str, Any] | None:
    """Render a folium map; only the clicked feature comes back (no rerun on pan/zoom)."""
    # Imported in a page run, not with this module: the server's start-up warm-up imports
    # this module outside any page run, and a component declared there is never registered.
    from streamlit_folium import st_folium

    return st_folium(
        fmap,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        render=False,
    )


def shown(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Display copy for the chosen basemap (GCJ-02 over AMap tiles)."""
    return display_copy(gdf, basemap())


def add_boundary(fmap: folium.Map) -> None:
    """Draw the Pudong boundary as context on a map (outline only)."""
    add_polygons(
        fmap,
        map_layer("pudong_boundary"),
        name=tr("layer_boundary"),
        colour="#555",
        fill_opacity=0.0,
        weight=2,
    )


def status_label(series: pd.Series) -> pd.Series:
    """Statuses translated into the chosen language."""
    return series.map(lambda s: tr(str(s)))


def headers(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its columns named in words of the chosen language (``col_<name>``)."""
    return table.rename(columns={c: column_label(str(c), lang()) for c in table.columns})


def category_label(series: pd.Series) -> pd.Series:
    """Category codes as the catalogue names them in the chosen language."""
    std = standard()
    return series.map(lambda c: std.category_label(str(c), lang()) if pd.notna(c) else "")


def current_user() -> str | None:
    """The logged-in user's e-mail when Streamlit OIDC login is configured, else None."""
    try:
        user = st.user
        if getattr(user, "is_logged_in", False):
            return str(user.get("email") or user.get("name"))
    except Exception:
        return None
    return None


_LANG_SCRIPT = """<script>
(function() {{
    try {{ window.top.document.documentElement.lang = "{code}"; }} catch (e) {{}}
    document.documentElement.lang = "{code}";
}})();
</script>"""


def page_language(language: str) -> None:
    """Set ``<html lang>`` of the page to the chosen language (``zh-CN`` or ``en``).

    On a Chinese page the status widget's Stop button reads Chinese too (see
    :mod:`app_pages.widget_texts`).
    """
    code = "zh-CN" if language == "zh" else "en"
    st.html(_LANG_SCRIPT.format(code=code), unsafe_allow_javascript=True)
    if language != "en":
        st.html(status_css(language))
