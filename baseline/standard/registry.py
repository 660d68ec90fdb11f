"""The registry of rule kinds: everything the code knows about a kind, in one entry.

A :class:`RuleKind` holds a kind's parameter schema (checked when the catalogue is loaded),
its comparator and the parameter holding its threshold, its unit, the i18n templates of its
sentences (the subject and the message of each outcome) and the function that measures it.
The check reads all of these from the entry and has no case of its own per kind, so a new
kind is one :func:`register` call (see :mod:`baseline.standard.rule_kinds`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from baseline.i18n import attribute_label, t
from baseline.standard.context import Measured, RuleContext
from baseline.standard.rule import Rule

Evaluate = Callable[[Rule, np.ndarray, RuleContext], Measured]
"""``evaluate(rule, rows, ctx)``: measure ``rule`` for the projects at positions ``rows``."""
Unit = Callable[[Mapping[str, Any]], str]
"""The unit of a rule's measure from its parameters (``share`` shows as a percentage)."""


@dataclass(frozen=True)
class ParamSchema:
    """The parameters a rule kind takes, checked by the catalogue loader."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    """Parameters that must be numbers >= 0."""
    choices: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)

    @property
    def allowed(self) -> frozenset[str]:
        """Every parameter name the kind accepts."""
        return frozenset(self.required + self.optional)


@dataclass(frozen=True)
class Templates:
    """The i18n keys (:data:`baseline.i18n.STRINGS`) of a kind's sentences.

    ``subject`` names what is measured (fields ``fitting``, ``attribute``, ``tech``); the
    others are the sentence of each outcome. ``met`` and ``unmet`` get ``subject``, ``m``
    (the measured value) and ``u`` (its unit) besides the rule's ``op``, ``neg``, ``t``,
    ``clause`` and ``fitting``; ``unmeasured`` gets ``note`` and ``clause``; ``absent`` (the
    part measured is not in the plan) gets the rule's fields.
    """

    subject: str
    met: str = "msg_pass"
    unmet: str = "msg_fail"
    none: str = "msg_none"
    skipped: str = "msg_skip"
    unmeasured: str = "msg_unmeasured"
    absent: str = "msg_absent"


def fixed_unit(text: str) -> Unit:
    """A unit that does not depend on the parameters."""
    return lambda params: text


def unit_param(params: Mapping[str, Any]) -> str:
    """The unit the rule states in its ``unit`` parameter ('' when none)."""
    return str(params.get("unit", ""))


@dataclass(frozen=True)
class RuleKind:
    """One rule kind, whole.

    Attributes
    ----------
    name : str
        As written in the catalogue (``kind:``).
    evaluate : callable
        ``evaluate(rule, rows, ctx) -> Measured``.
    params : ParamSchema
    threshold : str
        The parameter holding the threshold.
    default_threshold : float
        The threshold when that parameter is optional and absent.
    op : str or None
        The comparator (``>=``, ``<=`` ...); None when the rule gives it as ``op``.
    unit : callable
        The unit from the parameters.
    templates : Templates
    """

    name: str
    evaluate: Evaluate
    params: ParamSchema
    threshold: str
    templates: Templates
    unit: Unit = unit_param
    op: str | None = None
    default_threshold: float = 1.0

    def comparator(self, rule: Rule) -> str:
        """The operator a measured value must satisfy."""
        return self.op or str(rule.params.get("op", ">="))

    def threshold_of(self, rule: Rule) -> float:
        """The value the measured value is compared with."""
        return float(rule.params.get(self.threshold, self.default_threshold))

    def unit_of(self, rule: Rule) -> str:
        """The unit of the measured value."""
        return self.unit(rule.params)

    def subject(self, rule: Rule, lang: str, fitting: str) -> str:
        """What is measured, in ``lang``, e.g. 'telecom room net area'.

        ``fitting`` is the label of the rule's fitting (the catalogue knows it).
        """
        p = rule.params
        attribute = attribute_label(str(p.get("attribute", "")), lang)
        if p.get("divide_by"):
            attribute = f"{attribute} / {attribute_label(str(p['divide_by']), lang)}"
        fields = {"fitting": fitting, "attribute": attribute, "tech": p.get("tech", "")}
        return t(self.templates.subject, lang, **fields)


RULE_KINDS: dict[str, RuleKind] = {}
"""Every registered kind by name."""


def register(
    name: str,
    *,
    params: ParamSchema,
    threshold: str,
    subject: str | Templates,
    unit: Unit = unit_param,
    op: str | None = None,
    default_threshold: float = 1.0,
) -> Callable[[Evaluate], Evaluate]:
    """Register the decorated function as rule kind ``name`` with everything it needs.

    ``subject`` is the i18n key of the subject (the other templates are the common ones) or
    a whole :class:`Templates`.
    """
    templates = subject if isinstance(subject, Templates) else Templates(subject)

    def decorate(func: Evaluate) -> Evaluate:
        RULE_KINDS[name] = RuleKind(
            name, func, params, threshold, templates, unit, op, default_threshold
        )
        return func

    return decorate
