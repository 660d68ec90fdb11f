"""The findings table from the rules' structured parts, and what is counted from it.

Every part carries integer codes (project position, rule, status) and its sentences as
Arrow strings. The table is put in order (per project, then catalogue order) by one sort of
integer keys and each column is taken once, so 1.4 M findings cost a few Arrow takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from baseline.check.evaluate import STATUSES, Part
from baseline.check.messages import TEXT, texts

FINDING_COLUMNS = [
    "project_id",
    "building_id",
    "category",
    "rule_id",
    "clause",
    "confidence",
    "status",
    "measured",
    "required",
    "unit",
    "message",
    "obligation",
]
SUBJECT_COLUMNS = ("project_id", "building_id", "category")
RULE_COLUMNS = ("rule_id", "clause", "confidence", "required", "unit", "obligation")


@dataclass(frozen=True)
class RuleRow:
    """What every finding of one rule shares, and where the rule sorts."""

    rule_id: str
    clause: str
    confidence: str
    required: str
    unit: str
    obligation: str
    rank: int
    fitting: str | None


@dataclass(frozen=True)
class Table:
    """The parts of a check joined, in findings order (codes, before any text is built)."""

    rows: np.ndarray
    rules: np.ndarray
    status: np.ndarray
    measured: np.ndarray
    messages: pa.Array


def _messages(parts: list[Part], offsets: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """All sentences and, for every finding, where its sentence is among them."""
    where = [offsets[k] + at for k, p in enumerate(parts) for at, _ in p.messages]
    chunks = [text for p in parts for _, text in p.messages]
    if not chunks:
        return np.zeros(0, np.int64), pa.array([], TEXT)
    positions = np.concatenate(where)
    index = np.empty(len(positions), np.int64)
    index[positions] = np.arange(len(positions))
    return index, pa.concat_arrays([c.cast(TEXT) for c in chunks])


def join(parts: list[Part], ids: np.ndarray, table: list[RuleRow]) -> Table:
    """The parts in findings order: by project id, then the rule's rank and id."""
    sizes = np.array([len(p.rows) for p in parts], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rows = np.concatenate([p.rows for p in parts])
    rules = np.repeat(np.array([p.rule for p in parts], dtype=np.int64), sizes)
    id_rank = np.empty(len(ids), np.int64)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    rule_rank = np.empty(len(table), np.int64)
    rule_rank[sorted(range(len(table)), key=lambda k: (table[k].rank, table[k].rule_id))] = (
        np.arange(len(table))
    )
    order = np.argsort(id_rank[rows] * len(table) + rule_rank[rules], kind="stable")
    index, messages = _messages(parts, offsets)
    return Table(
        rows=rows[order],
        rules=rules[order],
        status=np.concatenate([p.status for p in parts])[order],
        measured=np.concatenate([p.measured for p in parts]).astype("float64")[order],
        messages=messages.take(pa.array(index[order])),
    )


def _str(values: pa.Array) -> pd.api.extensions.ExtensionArray:
    """An Arrow string column as pandas' ``str`` dtype (no copy)."""
    return pd.array(values.cast(TEXT), dtype="str")


def findings_frame(
    found: Table, subjects: Mapping[str, pa.Array], table: list[RuleRow]
) -> pd.DataFrame:
    """The findings table (:data:`FINDING_COLUMNS`, all text but ``measured``).

    ``subjects`` holds, per row a finding may be about (a project or a building), its
    ``project_id``, ``building_id`` and ``category``.
    """
    take = pa.array(found.rows)
    rules = pa.array(found.rules)
    columns = {name: subjects[name].take(take) for name in SUBJECT_COLUMNS}
    for name in RULE_COLUMNS:
        columns[name] = texts([getattr(r, name) for r in table]).take(rules)
    columns["status"] = texts(list(STATUSES)).take(pa.array(found.status.astype(np.int64)))
    columns["message"] = found.messages
    out = {c: found.measured if c == "measured" else _str(columns[c]) for c in FINDING_COLUMNS}
    return pd.DataFrame(out)


def status_table(found: Table, ids: np.ndarray) -> pd.DataFrame:
    """Findings per project and status, as :func:`baseline.check.run.status_counts` gives."""
    n = len(ids)
    flat = np.bincount(found.rows * 4 + found.status, minlength=n * 4).reshape(n, 4)
    seen = np.bincount(found.rows, minlength=n) > 0
    order = np.argsort(ids, kind="stable")
    order = order[seen[order]]
    index = pd.Index(ids[order], name="project_id", dtype="str")
    columns = pd.Index(list(STATUSES), name="status")
    return pd.DataFrame(flat[order].astype(np.int64), index=index, columns=columns)


def failing(
    found: Table, fitting_rows: np.ndarray, kinds: np.ndarray, table: list[RuleRow]
) -> np.ndarray:
    """Whether each fitting is of a kind a failed rule of its project is about."""
    names = sorted({r.fitting for r in table if r.fitting} | set(pd.unique(kinds).tolist()))
    code = {k: i for i, k in enumerate(names)}
    about = np.array([code.get(r.fitting, -1) if r.fitting else -1 for r in table], np.int64)
    failed = found.status == STATUSES.index("fail")
    rule_kind = about[found.rules[failed]]
    keys = found.rows[failed][rule_kind >= 0] * len(names) + rule_kind[rule_kind >= 0]
    mine = fitting_rows * len(names) + np.array([code[k] for k in kinds.tolist()], np.int64)
    return (fitting_rows >= 0) & np.isin(mine, keys)
