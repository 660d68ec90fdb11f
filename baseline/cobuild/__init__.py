"""Co-build (集约化建设、资源共享): shared trenches, co-location, shared sites, pole mounts.

Works are matched on their zones (:mod:`~baseline.cobuild.zones`), measured on the stretch
both dig (:mod:`~baseline.cobuild.stretch`), judged by who may share
(:mod:`~baseline.cobuild.compatibility`) and when (:mod:`~baseline.cobuild.timing`), checked
against protected roads, lead times and utility tunnels, costed with their sources
(:mod:`~baseline.cobuild.costs`) and remembered between runs (:mod:`~baseline.cobuild.memory`).
"""

from baseline.cobuild.core import (
    REC_COLUMNS,
    REC_KINDS,
    WorksColumns,
    match_works,
    prepare_works,
    summary,
)
from baseline.cobuild.costs import Headline, headline, summary_line
from baseline.cobuild.matching import find_pairs
from baseline.cobuild.memory import read_previous
from baseline.cobuild.options import CobuildOptions, MatchParams, read_owner_buffers
from baseline.cobuild.protected import read_protected
from baseline.cobuild.run import Opportunities, find_opportunities, is_siteplan, recommend

__all__ = [
    "REC_COLUMNS",
    "REC_KINDS",
    "CobuildOptions",
    "Headline",
    "MatchParams",
    "Opportunities",
    "WorksColumns",
    "find_opportunities",
    "find_pairs",
    "headline",
    "is_siteplan",
    "match_works",
    "prepare_works",
    "read_owner_buffers",
    "read_previous",
    "read_protected",
    "recommend",
    "summary",
    "summary_line",
]
