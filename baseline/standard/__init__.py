"""The standard: the catalogue of rules as data, and the registry of rule kinds."""

from baseline.standard.catalogue import (
    FITTING_KINDS,
    Category,
    Condition,
    Rule,
    Standard,
    load_standard,
    unknown_categories,
)
from baseline.standard.rule_kinds import RULE_KINDS, KindSpec, RuleContext

__all__ = [
    "FITTING_KINDS",
    "RULE_KINDS",
    "Category",
    "Condition",
    "KindSpec",
    "Rule",
    "RuleContext",
    "Standard",
    "load_standard",
    "unknown_categories",
]
