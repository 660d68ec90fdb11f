"""Whether each rule applies to each project: its ``when`` conditions, evaluated once.

A condition (``floors >= 7``) is evaluated for every project of the check the first time a
rule asks for it and kept, so rules sharing a condition share the work. A rule learns, per
project, whether it applies, the first condition that does not hold (its index in
``rule.when``) and the first condition whose attribute is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from baseline.check.messages import texts
from baseline.i18n import value_label
from baseline.standard.rule import Condition, Rule
from baseline.standard.values import COMPARE, to_number


@dataclass(frozen=True)
class Applicability:
    """One rule's applicability to its projects (arrays aligned to them).

    Attributes
    ----------
    applies : numpy.ndarray of bool
    failed : numpy.ndarray of int8
        Index in ``rule.when`` of the first condition that does not hold (-1: none).
    missing : numpy.ndarray of int8
        Index in ``rule.when`` of the first condition whose attribute is missing (-1: none).
    """

    applies: np.ndarray
    failed: np.ndarray
    missing: np.ndarray


def _holds(raw: pd.Series, cond: Condition) -> tuple[np.ndarray, np.ndarray]:
    """(holds, missing) of one condition on a column."""
    if cond.op == "in":
        values = raw.astype("string")
        missing = values.isna().to_numpy(bool)
        holds = values.isin([str(v) for v in cond.value]).fillna(False).to_numpy(bool)
    elif isinstance(cond.value, int | float) and not isinstance(cond.value, bool):
        numbers = to_number(raw).to_numpy("float64")
        missing = np.isnan(numbers)
        with np.errstate(invalid="ignore"):
            holds = np.asarray(COMPARE[cond.op](numbers, cond.value), dtype=bool)
    else:
        values = raw.astype("string")
        missing = values.isna().to_numpy(bool)
        holds = COMPARE[cond.op](values, str(cond.value)).fillna(False).to_numpy(bool)
    return holds & ~missing, missing


class Conditions:
    """The conditions of a check's rules over its projects, each evaluated once."""

    def __init__(self, projects: pd.DataFrame) -> None:
        self.projects = projects
        self._holds: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = {}

    def holds(self, cond: Condition) -> tuple[np.ndarray, np.ndarray]:
        """(holds, missing) of ``cond`` for every project."""
        key = (cond.attribute, cond.op, repr(cond.value))
        if key not in self._holds:
            if cond.attribute not in self.projects:
                n = len(self.projects)
                self._holds[key] = (np.zeros(n, bool), np.ones(n, bool))
            else:
                self._holds[key] = _holds(self.projects[cond.attribute], cond)
        return self._holds[key]

    def shown(self, attribute: str, rows: np.ndarray, lang: str = "en") -> pa.Array:
        """The values of ``attribute`` at ``rows`` as text (what a 'not applicable' shows).

        Each distinct value is written once, with its label in ``lang`` where the catalogue
        has one (``branch`` -> 支路). A column of Python objects is written as text first
        (where 1, 1.0 and True are equal but written differently).
        """
        column = self.projects[attribute]
        raw = column.to_numpy(object)[rows]
        if column.dtype == object:
            raw = raw.astype(str)
        codes, uniques = pd.factorize(raw, use_na_sentinel=False)
        labels = [value_label(attribute, u, lang) for u in np.asarray(uniques, object).tolist()]
        return texts(labels).take(pa.array(codes.astype(np.int64)))

    def of(self, rule: Rule, rows: np.ndarray) -> Applicability:
        """Applicability of ``rule`` to the projects at ``rows``."""
        n = len(rows)
        applies = np.ones(n, bool)
        failed = np.full(n, -1, np.int8)
        missing = np.full(n, -1, np.int8)
        for i, cond in enumerate(rule.when):
            holds, absent = (a[rows] for a in self.holds(cond))
            missing[absent & (missing < 0)] = i
            failed[~holds & ~absent & (failed < 0)] = i
            applies &= holds
        return Applicability(applies, failed, missing)
