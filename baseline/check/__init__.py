"""The check: every project of a site plan against the catalogue's rules."""

from baseline.check.run import (
    FINDING_COLUMNS,
    STATUSES,
    CheckResult,
    check,
    evaluate_rule,
    status_counts,
)

__all__ = ["FINDING_COLUMNS", "STATUSES", "CheckResult", "check", "evaluate_rule", "status_counts"]
