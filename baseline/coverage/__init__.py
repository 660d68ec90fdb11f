"""Coverage: link budgets, footprints, covered shares and the gaps planners must close."""

from baseline.coverage.gaps import find_gaps
from baseline.coverage.model import (
    TECH_ALIASES,
    CoverageResult,
    coverage_radius,
    covered_fraction,
    grid_summary,
    path_loss,
    tech_params,
)
from baseline.coverage.report import gap_report, rank_gaps
from baseline.coverage.run import GapsRun, gaps_run

__all__ = [
    "TECH_ALIASES",
    "CoverageResult",
    "GapsRun",
    "coverage_radius",
    "covered_fraction",
    "find_gaps",
    "gap_report",
    "gaps_run",
    "grid_summary",
    "path_loss",
    "rank_gaps",
    "tech_params",
]
