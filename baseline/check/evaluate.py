"""One rule over its projects: the measure from its kind, the status and the sentences.

Everything a rule needs from its kind comes from the registry entry
(:class:`~baseline.standard.registry.RuleKind`): the function that measures, the comparator
and threshold, the unit, the subject and the templates. Nothing here depends on which kind
it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from baseline.check.applicability import Applicability, Conditions
from baseline.check.messages import NEG, OPS, compose, shown, shown_columns, texts
from baseline.i18n import attribute_label
from baseline.standard.context import Measured, Outcome, RuleContext, note_text
from baseline.standard.registry import RULE_KINDS, RuleKind
from baseline.standard.rule import Rule
from baseline.standard.values import compare

STATUSES = ("pass", "fail", "warn", "not_applicable")
PASS, FAIL, WARN, NOT_APPLICABLE = range(4)


@dataclass
class Part:
    """Findings of one rule (or of the unknown categories) as structured columns.

    Attributes
    ----------
    rule : int
        The rule's position in the check's rule table.
    rows : numpy.ndarray
        Positions of the projects in the check's project table.
    status : numpy.ndarray of int8
        Positions in :data:`STATUSES`.
    measured : numpy.ndarray of float
    messages : list of (numpy.ndarray, pyarrow.Array)
        Sentences of some of the rows (positions within the part) each.
    """

    rule: int
    rows: np.ndarray
    status: np.ndarray
    measured: np.ndarray
    messages: list[tuple[np.ndarray, pa.Array]] = field(default_factory=list)


def verdict(kind: RuleKind, rule: Rule, measured: Measured) -> np.ndarray:
    """1 (meets), 0 (does not) or -1 (unknown) per row, by the kind's comparator."""
    ok = compare(measured.value, kind.comparator(rule), kind.threshold_of(rule))
    ok[measured.outcome == Outcome.NONE] = 0
    ok[measured.outcome == Outcome.UNMEASURED] = -1
    return ok


def _status(ok: np.ndarray, outcome: np.ndarray, when: Applicability, shall: bool) -> np.ndarray:
    status = np.full(len(ok), WARN, dtype=np.int8)
    status[ok == 1] = PASS
    status[ok == 0] = FAIL if shall else WARN
    status[np.isin(outcome, (Outcome.SKIPPED, Outcome.ABSENT))] = NOT_APPLICABLE
    status[~when.applies & (when.missing < 0)] = NOT_APPLICABLE
    status[~when.applies & (when.missing >= 0)] = WARN
    return status


@dataclass(frozen=True)
class Wording:
    """What the sentences of one rule share, in one language."""

    lang: str
    kind: RuleKind
    unit: str
    fields: dict[str, Any]


def wording(rule: Rule, lang: str, fitting_label: Callable[[str, str], str]) -> Wording:
    """The shared fields of a rule's sentences: subject, operator, threshold, clause."""
    kind = RULE_KINDS[rule.kind]
    op, unit = kind.comparator(rule), kind.unit_of(rule)
    threshold, threshold_unit = shown(kind.threshold_of(rule), unit, lang)
    fitting = fitting_label(rule.fitting(), lang)
    fields = {
        "op": OPS[op],
        "neg": NEG[op],
        "t": threshold,
        "u": threshold_unit,
        "clause": rule.clause_label(lang),
        "fitting": fitting,
        "subject": kind.subject(rule, lang, fitting),
    }
    return Wording(lang, kind, unit, fields)


def _conditions(rule: Rule, rows: np.ndarray, when: Applicability, conditions: Conditions,
                status: np.ndarray, w: Wording) -> tuple[list, np.ndarray]:  # fmt: skip
    """Sentences of the rows a condition decides; returns them and the rows left."""
    out = []
    na = (status == NOT_APPLICABLE) & (when.failed >= 0)
    missing = ~na & (when.missing >= 0)
    for i, cond in enumerate(rule.when):
        at = np.flatnonzero(na & (when.failed == i))
        if len(at):
            value = conditions.shown(cond.attribute, rows[at], w.lang)
            out.append((at, compose("msg_na", w.lang, len(at), {"cond": cond.shown(w.lang)},
                                    {"value": value})))  # fmt: skip
        at = np.flatnonzero(missing & (when.missing == i))
        if len(at):
            name = f"{attribute_label(cond.attribute, w.lang)} ({cond.attribute})"
            out.append((at, compose("msg_missing_attr", w.lang, len(at),
                                    {"attribute": name}, {})))  # fmt: skip
    return out, ~na & ~missing


def _outcomes(measured: Measured, status: np.ndarray, left: np.ndarray, w: Wording) -> list:
    """Sentences of the rows the measure decides."""
    out = []
    t = w.kind.templates
    outcome = measured.outcome
    for code, key in ((Outcome.SKIPPED, t.skipped), (Outcome.NONE, t.none),
                      (Outcome.ABSENT, t.absent)):  # fmt: skip
        at = np.flatnonzero(left & (outcome == code))
        if len(at):
            out.append((at, compose(key, w.lang, len(at), w.fields, {})))
    unmeasured = left & (outcome == Outcome.UNMEASURED)
    notes = measured.notes()
    for note in dict.fromkeys(notes[unmeasured].tolist()):
        at = np.flatnonzero(unmeasured & (notes == note))
        fields = {**w.fields, "note": note_text(note, w.lang)}
        out.append((at, compose(t.unmeasured, w.lang, len(at), fields, {})))
    plain = left & (outcome == Outcome.MEASURED)
    for met, key in ((True, t.met), (False, t.unmet)):
        at = np.flatnonzero(plain & ((status == PASS) == met))
        if len(at):
            m, u = shown_columns(measured.value[at], w.unit, w.lang)
            detail = texts(measured.details()[at])
            out.append((at, compose(key, w.lang, len(at), w.fields,
                                    {"m": m, "u": u, "detail": detail})))  # fmt: skip
    return out


def evaluate(rule: Rule, code: int, rows: np.ndarray, ctx: RuleContext,
             conditions: Conditions, w: Wording) -> Part:  # fmt: skip
    """Findings of ``rule`` (at ``code`` in the rule table) for the projects at ``rows``."""
    kind = RULE_KINDS[rule.kind]
    when = conditions.of(rule, rows)
    n = len(rows)
    measured = Measured(np.full(n, np.nan), np.full(n, Outcome.MEASURED, np.int8), "")
    ok = np.full(n, -1, np.int8)
    if when.applies.any():
        at = np.flatnonzero(when.applies)
        got = kind.evaluate(rule, rows[at], ctx)
        measured.value[at] = got.value
        measured.outcome[at] = got.outcome
        notes = np.full(n, "", dtype=object)
        notes[at] = got.notes()
        details = np.full(n, "", dtype=object)
        details[at] = got.details()
        measured = Measured(measured.value, measured.outcome, notes, details)
        ok[at] = verdict(kind, rule, got)
    status = _status(ok, measured.outcome, when, rule.obligation == "shall")
    unknown = (Outcome.SKIPPED, Outcome.ABSENT, Outcome.UNMEASURED)
    measured.value[np.isin(measured.outcome, unknown) | (status == NOT_APPLICABLE)] = np.nan
    messages, left = _conditions(rule, rows, when, conditions, status, w)
    messages += _outcomes(measured, status, left, w)
    return Part(code, rows, status, measured.value, messages)
