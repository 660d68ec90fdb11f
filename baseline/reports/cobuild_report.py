"""Writing co-build recommendations in every export format."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from baseline.cobuild.core import summary
from baseline.i18n import in_language
from baseline.reports.writer import export_bytes, html_table, render_page, write_export

BILINGUAL_COLUMNS = ("explanation", "compatibility")
"""Columns kept as ``中文 | English``: a page or workbook shows the half in its language."""


def one_language(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``table`` with its bilingual columns in ``lang`` only (for a page or a workbook)."""
    out = table.copy()
    for col in BILINGUAL_COLUMNS:
        if col in out:
            out[col] = [in_language(v, lang) for v in out[col]]
    return out


def render_html(recs: gpd.GeoDataFrame, lang: str = "en") -> str:
    """A self-contained HTML page with the summary and every recommendation, in ``lang``."""
    rows = one_language(pd.DataFrame(recs.drop(columns="geometry")), lang)
    notes = sorted(set(recs.get("cost_note", pd.Series(dtype=str)).fillna("")) - {""})
    return render_page(
        "cobuild_report.j2",
        lang,
        title_key="cobuild_title",
        summary=html_table(summary(recs), lang),
        rows=html_table(rows, lang, labels={"kind"}),
        n_recs=len(recs),
        notes=notes,
    )


def write_recommendations(
    recs: gpd.GeoDataFrame, path: str | Path, *, force: bool = False, lang: str = "en"
) -> Path:
    """Write recommendations by extension: CSV, XLSX (summary sheet first), GeoJSON, GPKG, HTML.

    Only the HTML page, read by people, is in ``lang``; the other formats are the same in
    every language.
    """
    table = pd.DataFrame(recs.drop(columns="geometry"))
    table["wkt"] = recs.geometry.to_wkt()
    return write_export(
        table,
        path,
        force=force,
        sheets={"summary": summary(recs)},
        html=lambda: render_html(recs, lang),
        layer=(recs, "recommendations"),
    )


def recs_bytes(recs: gpd.GeoDataFrame, ext: str, lang: str = "en") -> bytes:
    """Recommendations export as bytes: ``csv``, ``xlsx``, ``geojson``, ``gpkg`` or ``html``."""
    return export_bytes(lambda path: write_recommendations(recs, path, lang=lang), f"cobuild.{ext}")
