"""The standard: the catalogue of rules as data, and the registry of rule kinds."""

from baseline.standard.catalogue import (
    FITTING_KINDS,
    Category,
    Standard,
    load_standard,
    unknown_categories,
)
from baseline.standard.context import Measured, Outcome, RuleContext
from baseline.standard.registry import RULE_KINDS, ParamSchema, RuleKind, Templates, register
from baseline.standard.rule import Condition, Rule

__all__ = [
    "FITTING_KINDS",
    "RULE_KINDS",
    "Category",
    "Condition",
    "Measured",
    "Outcome",
    "ParamSchema",
    "Rule",
    "RuleContext",
    "RuleKind",
    "Standard",
    "Templates",
    "load_standard",
    "register",
    "unknown_categories",
]
