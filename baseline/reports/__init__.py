"""Reports and exports of findings and co-build recommendations, and their charts."""

from baseline.reports.check_report import check_bytes, write_check
from baseline.reports.cobuild_report import recs_bytes, write_recommendations

__all__ = ["check_bytes", "recs_bytes", "write_check", "write_recommendations"]
