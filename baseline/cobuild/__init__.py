"""Co-build (集约化建设、资源共享): shared trenches, co-location, shared sites, pole mounts."""

from baseline.cobuild.core import (
    REC_COLUMNS,
    REC_KINDS,
    WorksColumns,
    match_works,
    prepare_works,
    summary,
)
from baseline.cobuild.matching import find_pairs
from baseline.cobuild.options import CobuildOptions, MatchParams, read_owner_buffers
from baseline.cobuild.run import Opportunities, find_opportunities, is_siteplan, recommend

__all__ = [
    "REC_COLUMNS",
    "REC_KINDS",
    "CobuildOptions",
    "MatchParams",
    "Opportunities",
    "WorksColumns",
    "find_opportunities",
    "find_pairs",
    "is_siteplan",
    "match_works",
    "prepare_works",
    "read_owner_buffers",
    "recommend",
    "summary",
]
