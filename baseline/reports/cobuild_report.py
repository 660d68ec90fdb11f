"""Writing co-build recommendations in every export format."""

from __future__ import annotations

import html
from pathlib import Path

import geopandas as gpd
import pandas as pd

from baseline.cobuild.core import summary
from baseline.io.writers import write_layer, write_table


def render_html(recs: gpd.GeoDataFrame) -> str:
    """A self-contained HTML page with the summary and every recommendation."""

    def table(frame: pd.DataFrame) -> str:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row)
            + "</tr>"
            for row in frame.itertuples(index=False)
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:3px 6px}th{background:#eee}"
    )
    title = "Co-build recommendations 共建共享建议"
    rows = pd.DataFrame(recs.drop(columns="geometry"))
    notes = sorted(set(recs.get("cost_note", pd.Series(dtype=str)).fillna("")) - {""})
    caveat = "".join(f"<p><strong>{html.escape(n)}</strong></p>" for n in notes)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>{style}</style></head><body><h1>{title}</h1>{caveat}"
        f"<h2>Summary 汇总</h2>{table(summary(recs))}"
        f"<h2>Recommendations 建议 ({len(recs)})</h2>{table(rows)}"
        "</body></html>"
    )


def write_recommendations(recs: gpd.GeoDataFrame, path: Path, *, force: bool = False) -> Path:
    """Write recommendations by extension: CSV, XLSX (summary sheet first), GeoJSON, GPKG, HTML."""
    suffix = Path(path).suffix.lower()
    if suffix in (".geojson", ".gpkg", ".parquet"):
        return write_layer(recs, path, force=force, layer="recommendations")
    table = pd.DataFrame(recs.drop(columns="geometry"))
    table["wkt"] = recs.geometry.to_wkt()
    return write_table(
        table, path, force=force, sheets={"summary": summary(recs)}, html=lambda: render_html(recs)
    )


def recs_bytes(recs: gpd.GeoDataFrame, ext: str) -> bytes:
    """Recommendations export as bytes: ``csv``, ``xlsx``, ``geojson``, ``gpkg`` or ``html``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="baseline-export-") as tmp:
        path = Path(tmp) / f"cobuild.{ext}"
        write_recommendations(recs, path)
        return path.read_bytes()
