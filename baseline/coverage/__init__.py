"""Coverage: link budgets, footprints, covered shares and the gaps planners must close."""

from baseline.coverage.areas import read_area_classes
from baseline.coverage.budget import Budget, coverage_radius, link_budget, median_rsrp
from baseline.coverage.calibrate import Calibration, calibrate
from baseline.coverage.gaps import find_gaps
from baseline.coverage.model import CoverageResult, covered_fraction, grid_summary
from baseline.coverage.operators import OperatorViews, operator_views
from baseline.coverage.pathloss import path_loss
from baseline.coverage.predict import predict
from baseline.coverage.report import gap_report, rank_gaps
from baseline.coverage.run import GapsRun, gaps_run
from baseline.coverage.sample import CoverageFigure, coverage_figure
from baseline.coverage.sitemodel import SiteModel
from baseline.coverage.sites import GENERATION_ALIASES, site_techs, tech_params

__all__ = [
    "GENERATION_ALIASES",
    "Budget",
    "Calibration",
    "CoverageFigure",
    "CoverageResult",
    "GapsRun",
    "OperatorViews",
    "SiteModel",
    "calibrate",
    "coverage_figure",
    "coverage_radius",
    "covered_fraction",
    "find_gaps",
    "gap_report",
    "gaps_run",
    "grid_summary",
    "link_budget",
    "median_rsrp",
    "operator_views",
    "path_loss",
    "predict",
    "rank_gaps",
    "read_area_classes",
    "site_techs",
    "tech_params",
]
