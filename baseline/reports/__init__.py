"""Reports and exports of findings and co-build recommendations, their charts and figures."""

from baseline.reports.charts import bars, stacked_bars
from baseline.reports.check_report import check_bytes, render_html, write_check
from baseline.reports.cobuild_report import recs_bytes, write_recommendations
from baseline.reports.figures import (
    coverage_chart,
    covered_share_bands,
    findings_by_category,
    grid_by_class,
    status_chart,
)
from baseline.reports.writer import html_table, render_page, write_export

__all__ = [
    "bars",
    "check_bytes",
    "coverage_chart",
    "covered_share_bands",
    "findings_by_category",
    "grid_by_class",
    "html_table",
    "recs_bytes",
    "render_html",
    "render_page",
    "stacked_bars",
    "status_chart",
    "write_check",
    "write_export",
    "write_recommendations",
]
