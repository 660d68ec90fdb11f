"""Co-build (集约化建设、资源共享): shared trenches, co-location, shared sites, pole mounts."""

from baseline.cobuild.core import (
    REC_COLUMNS,
    REC_KINDS,
    WorksColumns,
    match_works,
    prepare_works,
    recommend,
    summary,
    trench_recommendations,
)
from baseline.cobuild.parts import match_parts

__all__ = [
    "REC_COLUMNS",
    "REC_KINDS",
    "WorksColumns",
    "match_parts",
    "match_works",
    "prepare_works",
    "recommend",
    "summary",
    "trench_recommendations",
]
